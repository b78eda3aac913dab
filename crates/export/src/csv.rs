//! CSV sink: one claim per row with the columns of the `claims` table, RFC 4180 quoting (fields
//! with commas, quotes or newlines are quoted, quotes doubled), written to `PATH.partial` and
//! renamed when complete. An empty field is null; text is never empty where null is possible,
//! except an empty string, which CSV cannot tell from null.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use crate::rows::{self, Cell, Kind, CLAIMS};
use crate::{ClaimSink, DocumentOutput, Error, Result, RowError};

/// Writes claims as CSV with a header row.
pub struct CsvSink {
    path: PathBuf,
    partial: PathBuf,
    out: ::csv::Writer<BufWriter<File>>,
}

fn csv_error(path: &Path, source: ::csv::Error) -> Error {
    Error::Csv {
        path: path.to_path_buf(),
        source,
    }
}

impl CsvSink {
    /// Starts writing to `path` (replaced when the run finishes).
    pub fn create(path: &Path) -> Result<CsvSink> {
        let (partial, file) = crate::jsonl::create_partial(path)?;
        let mut out = ::csv::Writer::from_writer(BufWriter::new(file));
        out.write_record(CLAIMS.columns.iter().map(|c| c.name))
            .map_err(|e| csv_error(&partial, e))?;
        Ok(CsvSink {
            path: path.to_path_buf(),
            partial,
            out,
        })
    }
}

impl ClaimSink for CsvSink {
    fn write_document(&mut self, doc: &DocumentOutput) -> Result<()> {
        for claim in doc.claims {
            let row = rows::claim_row(claim);
            self.out
                .write_record(row.iter().map(Cell::to_text))
                .map_err(|e| csv_error(&self.partial, e))?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.out.flush().map_err(|source| Error::Io {
            path: self.partial.clone(),
            source,
        })?;
        crate::jsonl::rename_into_place(&self.partial, &self.path)
    }

    fn target(&self) -> String {
        self.path.display().to_string()
    }
}

/// Reads a claims CSV written by [`CsvSink`] back into claims.
pub fn read_csv(path: &Path) -> Result<Vec<claimex_core::Claim>> {
    let mut reader = ::csv::Reader::from_path(path).map_err(|e| csv_error(path, e))?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(path, e))?
        .iter()
        .map(String::from)
        .collect();
    let expected: Vec<&str> = CLAIMS.columns.iter().map(|c| c.name).collect();
    if header != expected {
        return Err(Error::Corrupt {
            path: path.to_path_buf(),
            reason: "header is not claimex's claims columns".into(),
        });
    }
    let mut claims = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| csv_error(path, e))?;
        let bad = |source: RowError| Error::CsvRow {
            path: path.to_path_buf(),
            row: n + 2,
            source,
        };
        let cells = record
            .iter()
            .zip(CLAIMS.columns)
            .map(|(field, column)| {
                let present = !field.is_empty() || !column.nullable;
                Ok(match column.kind {
                    Kind::Text => Cell::Text(present.then(|| field.to_string())),
                    Kind::Int => Cell::Int(if present {
                        Some(field.parse::<i64>().map_err(|source| {
                            bad(RowError::BadInteger {
                                column: column.name,
                                source,
                            })
                        })?)
                    } else {
                        None
                    }),
                    Kind::Real => Cell::Real(if present {
                        Some(field.parse::<f64>().map_err(|source| {
                            bad(RowError::BadNumber {
                                column: column.name,
                                source,
                            })
                        })?)
                    } else {
                        None
                    }),
                })
            })
            .collect::<Result<Vec<Cell>>>()?;
        claims.push(rows::claim_from_row(&cells).map_err(bad)?);
    }
    Ok(claims)
}
