//! Parquet sink: the `claims` table's columns as an Arrow schema (Int64, Float64, Utf8, nullable
//! where the table allows null), snappy-compressed row groups, written to `PATH.partial` and
//! renamed when complete.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{Float64Builder, Int64Builder, StringBuilder};
use arrow_array::{Array, ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;

use crate::rows::{self, Cell, Kind, CLAIMS};
use crate::{ClaimSink, DocumentOutput, Error, Result};

/// Claims buffered before they are written as one row group.
const ROWS_PER_GROUP: usize = 64 * 1024;

fn schema() -> SchemaRef {
    Arc::new(Schema::new(
        CLAIMS
            .columns
            .iter()
            .map(|c| {
                let ty = match c.kind {
                    Kind::Int => DataType::Int64,
                    Kind::Real => DataType::Float64,
                    Kind::Text => DataType::Utf8,
                };
                Field::new(c.name, ty, c.nullable)
            })
            .collect::<Vec<_>>(),
    ))
}

fn parquet_error(path: &Path, source: ParquetError) -> Error {
    Error::Parquet {
        path: path.to_path_buf(),
        source,
    }
}

fn arrow_error(path: &Path, source: ArrowError) -> Error {
    Error::Arrow {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes claims as a Parquet file.
pub struct ParquetSink {
    path: PathBuf,
    partial: crate::atomic::PartialFile,
    writer: ArrowWriter<File>,
    schema: SchemaRef,
    pending: Vec<Vec<Cell>>,
}

impl ParquetSink {
    /// Starts writing to `path` (replaced when the run finishes).
    pub fn create(path: &Path) -> Result<ParquetSink> {
        let (partial, file) = crate::atomic::PartialFile::create(path)?;
        let schema = schema();
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build();
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(props))
            .map_err(|e| parquet_error(partial.partial(), e))?;
        Ok(ParquetSink {
            path: path.to_path_buf(),
            partial,
            writer,
            schema,
            pending: Vec::new(),
        })
    }

    fn write_pending(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut self.pending);
        let columns: Vec<ArrayRef> = CLAIMS
            .columns
            .iter()
            .enumerate()
            .map(|(i, column)| -> ArrayRef {
                match column.kind {
                    Kind::Int => {
                        let mut b = Int64Builder::with_capacity(rows.len());
                        for row in &rows {
                            b.append_option(match &row[i] {
                                Cell::Int(v) => *v,
                                _ => None,
                            });
                        }
                        Arc::new(b.finish())
                    }
                    Kind::Real => {
                        let mut b = Float64Builder::with_capacity(rows.len());
                        for row in &rows {
                            b.append_option(match &row[i] {
                                Cell::Real(v) => *v,
                                _ => None,
                            });
                        }
                        Arc::new(b.finish())
                    }
                    Kind::Text => {
                        let mut b = StringBuilder::new();
                        for row in &rows {
                            b.append_option(match &row[i] {
                                Cell::Text(v) => v.as_deref(),
                                _ => None,
                            });
                        }
                        Arc::new(b.finish())
                    }
                }
            })
            .collect();
        let batch = RecordBatch::try_new(self.schema.clone(), columns)
            .map_err(|e| arrow_error(self.partial.partial(), e))?;
        self.writer
            .write(&batch)
            .map_err(|e| parquet_error(self.partial.partial(), e))
    }
}

impl ClaimSink for ParquetSink {
    fn write_document(&mut self, doc: &DocumentOutput) -> Result<()> {
        let key = &doc.record.source.key;
        self.pending
            .extend(doc.claims.iter().map(|c| rows::claim_row(c, key)));
        if self.pending.len() >= ROWS_PER_GROUP {
            self.write_pending()?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.write_pending()?;
        let ParquetSink {
            partial, writer, ..
        } = *self;
        writer
            .close()
            .map_err(|e| parquet_error(partial.partial(), e))?;
        partial.finish()
    }

    fn target(&self) -> String {
        self.path.display().to_string()
    }
}

/// Reads a claims Parquet file written by [`ParquetSink`] back into claims, with the Arrow
/// reader.
pub fn read_parquet(path: &Path) -> Result<Vec<claimex_core::Claim>> {
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.build())
        .map_err(|e| parquet_error(path, e))?;
    let mut claims = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| arrow_error(path, e))?;
        if batch.num_columns() != CLAIMS.columns.len() {
            return Err(Error::Corrupt {
                path: path.to_path_buf(),
                reason: "not a claimex claims file (column count)".into(),
            });
        }
        for r in 0..batch.num_rows() {
            let cells: Vec<Cell> = CLAIMS
                .columns
                .iter()
                .enumerate()
                .map(|(i, column)| {
                    let array = batch.column(i);
                    let null = array.is_null(r);
                    match column.kind {
                        Kind::Int => Cell::Int(
                            array
                                .as_any()
                                .downcast_ref::<Int64Array>()
                                .filter(|_| !null)
                                .map(|a| a.value(r)),
                        ),
                        Kind::Real => Cell::Real(
                            array
                                .as_any()
                                .downcast_ref::<Float64Array>()
                                .filter(|_| !null)
                                .map(|a| a.value(r)),
                        ),
                        Kind::Text => Cell::Text(
                            array
                                .as_any()
                                .downcast_ref::<StringArray>()
                                .filter(|_| !null)
                                .map(|a| a.value(r).to_string()),
                        ),
                    }
                })
                .collect();
            claims.push(rows::claim_from_row(&cells).map_err(|source| Error::Row {
                path: path.to_path_buf(),
                source,
            })?);
        }
    }
    Ok(claims)
}
