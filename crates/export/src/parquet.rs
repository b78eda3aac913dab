//! Parquet sink: the `claims`, `entities` (mentions) and `documents` tables' columns as Arrow
//! schemas (Int64, Float64, Utf8, nullable where the table allows null), snappy-compressed row
//! groups, each file written to its `.partial` twin and renamed when complete.

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

use crate::rows::{self, Cell, Kind, Table, CLAIMS, DOCUMENTS, ENTITIES};
use crate::{ClaimSink, DocumentOutput, Error, Result, RunInfo};

/// Rows buffered before they are written as one row group, and the most text they may hold (a
/// documents file carries each document's text).
const ROWS_PER_GROUP: usize = 64 * 1024;
const BYTES_PER_GROUP: usize = 64 << 20;

fn schema(table: &Table) -> SchemaRef {
    Arc::new(Schema::new(
        table
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

/// One table written as a Parquet file.
struct TableFile {
    table: &'static Table,
    partial: crate::atomic::PartialFile,
    writer: ArrowWriter<File>,
    schema: SchemaRef,
    pending: Vec<Vec<Cell>>,
    pending_bytes: usize,
}

impl TableFile {
    fn create(path: &Path, table: &'static Table) -> Result<TableFile> {
        let (partial, file) = crate::atomic::PartialFile::create(path)?;
        let schema = schema(table);
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build();
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(props))
            .map_err(|e| parquet_error(partial.partial(), e))?;
        Ok(TableFile {
            table,
            partial,
            writer,
            schema,
            pending: Vec::new(),
            pending_bytes: 0,
        })
    }

    fn push(&mut self, rows: impl IntoIterator<Item = Vec<Cell>>) -> Result<()> {
        for row in rows {
            self.pending_bytes += row
                .iter()
                .map(|c| c.as_text().map_or(8, str::len))
                .sum::<usize>();
            self.pending.push(row);
        }
        if self.pending.len() >= ROWS_PER_GROUP || self.pending_bytes >= BYTES_PER_GROUP {
            self.write_pending()?;
        }
        Ok(())
    }

    fn write_pending(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut self.pending);
        self.pending_bytes = 0;
        let columns: Vec<ArrayRef> = self
            .table
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

    fn finish(mut self) -> Result<()> {
        self.write_pending()?;
        self.writer
            .close()
            .map_err(|e| parquet_error(self.partial.partial(), e))?;
        self.partial.finish()
    }
}

/// Writes claims as a Parquet file, `PATH.parquet`, with the mentions and the documents (the
/// ledger, with metadata and text) beside it as `PATH.mentions.parquet` and
/// `PATH.documents.parquet` ([`crate::flat_files`]), so that DuckDB, pandas or Spark users have
/// every table without a database.
pub struct ParquetSink {
    path: PathBuf,
    run: RunInfo,
    claims: TableFile,
    mentions: TableFile,
    documents: TableFile,
}

impl ParquetSink {
    /// Starts writing to `path` and its two companions (replaced when the run finishes).
    pub fn create(path: &Path, run: &RunInfo) -> Result<ParquetSink> {
        Ok(ParquetSink {
            path: path.to_path_buf(),
            run: run.clone(),
            claims: TableFile::create(path, &CLAIMS)?,
            mentions: TableFile::create(&crate::companion(path, "mentions"), &ENTITIES)?,
            documents: TableFile::create(&crate::companion(path, "documents"), &DOCUMENTS)?,
        })
    }
}

impl ClaimSink for ParquetSink {
    fn write_document(&mut self, doc: &DocumentOutput) -> Result<()> {
        let rows = rows::document_rows(doc, &self.run);
        self.claims.push(rows.claims)?;
        self.mentions.push(rows.entities)?;
        self.documents.push([rows.document])
    }

    fn finish(self: Box<Self>) -> Result<()> {
        let ParquetSink {
            claims,
            mentions,
            documents,
            ..
        } = *self;
        // The claims file last: it is the one a reader looks for.
        documents.finish()?;
        mentions.finish()?;
        claims.finish()
    }

    fn target(&self) -> String {
        self.path.display().to_string()
    }
}

/// Reads the rows of a Parquet file written for `table` (the claims file, or one of its
/// companions), checking its columns.
pub fn read_parquet_table(path: &Path, table: &Table) -> Result<Vec<Vec<Cell>>> {
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.build())
        .map_err(|e| parquet_error(path, e))?;
    let mut rows = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| arrow_error(path, e))?;
        let names: Vec<&str> = batch
            .schema_ref()
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .collect();
        if !names.iter().eq(table.columns.iter().map(|c| &c.name)) {
            return Err(Error::Corrupt {
                path: path.to_path_buf(),
                reason: format!("not a claimex {} file (its columns differ)", table.name),
            });
        }
        for r in 0..batch.num_rows() {
            rows.push(
                table
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
                    .collect(),
            );
        }
    }
    Ok(rows)
}

/// Reads the claims, mentions and documents a [`ParquetSink`] wrote at `path` back into
/// documents (each claim with its own sentence only: the other places it is stated are kept by
/// JSONL and the databases).
pub fn read_parquet_documents(path: &Path) -> Result<Vec<crate::OwnedDocument>> {
    let documents = read_parquet_table(&crate::companion(path, "documents"), &DOCUMENTS)?;
    let mentions = read_parquet_table(&crate::companion(path, "mentions"), &ENTITIES)?;
    let claims = read_parquet_table(path, &CLAIMS)?;
    rows::assemble(documents, mentions, claims, vec![]).map_err(|source| Error::Row {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads a claims Parquet file written by [`ParquetSink`] back into claims, with the Arrow
/// reader.
pub fn read_parquet(path: &Path) -> Result<Vec<claimex_core::Claim>> {
    read_parquet_table(path, &CLAIMS)?
        .iter()
        .map(|row| {
            rows::claim_from_row(row).map_err(|source| Error::Row {
                path: path.to_path_buf(),
                source,
            })
        })
        .collect()
}
