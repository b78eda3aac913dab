//! CSV sink: one claim per row with the columns of the `claims` table, and beside it one mention
//! per row (`PATH.mentions.csv`) and one document per row (`PATH.documents.csv`); RFC 4180 quoting
//! (fields with commas, quotes or newlines are quoted, quotes doubled); each file written to its
//! `.partial` twin and renamed when complete. An empty field is null; text is never empty where null is possible,
//! except an empty string, which CSV cannot tell from null.
//!
//! Text comes from the articles, and a spreadsheet runs a cell that starts with `=`, `+`, `-` or
//! `@` (or a tab or carriage return before one) as a formula: `=HYPERLINK(...)` in an article
//! would open as a live link. So by default ([`CsvCells::SpreadsheetSafe`], as OWASP advises for
//! CSV injection) a text cell starting with one of those characters, or with `'`, gets a leading
//! `'`, which spreadsheets show as text; [`read_csv`] removes it again, so the file round-trips.
//! [`CsvCells::Raw`] writes text unchanged.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use crate::rows::{self, Cell, Kind, Table, CLAIMS, DOCUMENTS, ENTITIES};
use crate::{ClaimSink, DocumentOutput, Error, Result, RowError, RunInfo};

/// How text cells are written (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvCells {
    /// A text cell a spreadsheet could run as a formula starts with `'`.
    #[default]
    SpreadsheetSafe,
    /// Text exactly as it is.
    Raw,
}

/// First characters that make a spreadsheet read a cell as a formula, and `'`, the escape itself
/// (so that a text starting with `'` reads back unchanged).
const FORMULA_STARTS: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\''];

/// A text cell as [`CsvCells::SpreadsheetSafe`] writes it.
fn protect(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// The text a [`CsvCells::SpreadsheetSafe`] cell holds.
fn unprotect(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

fn csv_error(path: &Path, source: ::csv::Error) -> Error {
    Error::Csv {
        path: path.to_path_buf(),
        source,
    }
}

/// One table written as a CSV file with a header row.
struct TableCsv {
    partial: crate::atomic::PartialFile,
    out: ::csv::Writer<BufWriter<File>>,
}

impl TableCsv {
    fn create(path: &Path, table: &Table) -> Result<TableCsv> {
        let (partial, file) = crate::atomic::PartialFile::create(path)?;
        let mut out = ::csv::Writer::from_writer(BufWriter::new(file));
        out.write_record(table.columns.iter().map(|c| c.name))
            .map_err(|e| csv_error(partial.partial(), e))?;
        Ok(TableCsv { partial, out })
    }

    fn write(&mut self, row: &[Cell], cells: CsvCells) -> Result<()> {
        let texts = row.iter().map(|cell| match (cell, cells) {
            (Cell::Text(Some(text)), CsvCells::SpreadsheetSafe) => protect(text).into_owned(),
            _ => cell.to_text(),
        });
        self.out
            .write_record(texts)
            .map_err(|e| csv_error(self.partial.partial(), e))
    }

    fn finish(mut self) -> Result<()> {
        self.out.flush().map_err(|source| Error::Io {
            path: self.partial.partial().to_path_buf(),
            source,
        })?;
        self.partial.finish()
    }
}

/// Writes claims as CSV with a header row, `PATH.csv`, with the mentions and the documents (the
/// ledger, with metadata and text) beside it as `PATH.mentions.csv` and `PATH.documents.csv`
/// ([`crate::flat_files`]).
pub struct CsvSink {
    path: PathBuf,
    run: RunInfo,
    claims: TableCsv,
    mentions: TableCsv,
    documents: TableCsv,
}

impl CsvSink {
    /// Starts writing to `path` and its two companions (replaced when the run finishes), text
    /// cells written as `run.csv_cells` says.
    pub fn create(path: &Path, run: &RunInfo) -> Result<CsvSink> {
        Ok(CsvSink {
            path: path.to_path_buf(),
            run: run.clone(),
            claims: TableCsv::create(path, &CLAIMS)?,
            mentions: TableCsv::create(&crate::companion(path, "mentions"), &ENTITIES)?,
            documents: TableCsv::create(&crate::companion(path, "documents"), &DOCUMENTS)?,
        })
    }
}

impl ClaimSink for CsvSink {
    fn write_document(&mut self, doc: &DocumentOutput) -> Result<()> {
        let rows = rows::document_rows(doc, &self.run);
        let cells = self.run.csv_cells;
        for row in &rows.claims {
            self.claims.write(row, cells)?;
        }
        for row in &rows.entities {
            self.mentions.write(row, cells)?;
        }
        self.documents.write(&rows.document, cells)
    }

    fn finish(self: Box<Self>) -> Result<()> {
        let CsvSink {
            claims,
            mentions,
            documents,
            ..
        } = *self;
        documents.finish()?;
        mentions.finish()?;
        claims.finish()
    }

    fn target(&self) -> String {
        self.path.display().to_string()
    }
}

/// Reads a claims CSV written by [`CsvSink`] with the default, spreadsheet-safe cells back into
/// claims.
pub fn read_csv(path: &Path) -> Result<Vec<claimex_core::Claim>> {
    read_csv_with(path, CsvCells::default())
}

/// Reads a claims CSV whose text cells were written as `cells` says.
pub fn read_csv_with(path: &Path, cells: CsvCells) -> Result<Vec<claimex_core::Claim>> {
    read_csv_table(path, &CLAIMS, cells)?
        .iter()
        .enumerate()
        .map(|(n, row)| {
            rows::claim_from_row(row).map_err(|source| Error::CsvRow {
                path: path.to_path_buf(),
                row: n + 2,
                source,
            })
        })
        .collect()
}

/// Reads the rows of a CSV file written for `table` (the claims file or one of its companions),
/// its text cells written as `cells` says, checking its header.
pub fn read_csv_table(path: &Path, table: &Table, cells: CsvCells) -> Result<Vec<Vec<Cell>>> {
    let mut reader = ::csv::Reader::from_path(path).map_err(|e| csv_error(path, e))?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(path, e))?
        .iter()
        .map(String::from)
        .collect();
    if !header.iter().eq(table.columns.iter().map(|c| &c.name)) {
        return Err(Error::Corrupt {
            path: path.to_path_buf(),
            reason: format!("header is not claimex's {} columns", table.name),
        });
    }
    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| csv_error(path, e))?;
        let bad = |source: RowError| Error::CsvRow {
            path: path.to_path_buf(),
            row: n + 2,
            source,
        };
        let row = record
            .iter()
            .zip(table.columns)
            .map(|(field, column)| {
                let present = !field.is_empty() || !column.nullable;
                Ok(match column.kind {
                    Kind::Text => Cell::Text(present.then(|| match cells {
                        CsvCells::SpreadsheetSafe => unprotect(field).to_string(),
                        CsvCells::Raw => field.to_string(),
                    })),
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
        rows.push(row);
    }
    Ok(rows)
}

/// Reads the claims, mentions and documents a [`CsvSink`] wrote at `path` (spreadsheet-safe
/// cells) back into documents (each claim with its own sentence only).
pub fn read_csv_documents(path: &Path) -> Result<Vec<crate::OwnedDocument>> {
    let cells = CsvCells::default();
    let documents = read_csv_table(&crate::companion(path, "documents"), &DOCUMENTS, cells)?;
    let mentions = read_csv_table(&crate::companion(path, "mentions"), &ENTITIES, cells)?;
    let claims = read_csv_table(path, &CLAIMS, cells)?;
    rows::assemble(documents, mentions, claims, vec![]).map_err(|source| Error::Row {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_run_get_a_quote_and_read_back_unchanged() {
        for text in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+1",
            "-2",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "'quoted",
            "''=",
            "'",
            "plain",
            "",
        ] {
            let written = protect(text);
            let risky = text.starts_with(FORMULA_STARTS);
            assert_eq!(
                written.starts_with('\''),
                risky || text.starts_with('\''),
                "{text:?}"
            );
            if risky {
                assert!(
                    !written.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{text:?}"
                );
            }
            assert_eq!(unprotect(&written), text, "{text:?}");
        }
    }
}
