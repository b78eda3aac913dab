use std::num::{ParseFloatError, ParseIntError};
use std::path::PathBuf;

use crate::rows::Cell;

/// Errors from writing claims.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The `--out` target names no known sink.
    #[error(
        "output {0}: unknown sink (use a path ending in .jsonl, .csv, .parquet, .db, .sqlite, or sqlite://PATH, a postgres:// URL, or - for JSONL on standard output)"
    )]
    UnknownTarget(String),
    /// A file could not be written.
    #[error("output {path}: {source} (check that the folder exists and is writable)")]
    Io {
        /// The file.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
    /// The database refused an operation.
    #[error("output {path}: database error: {source}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// Underlying error.
        source: rusqlite::Error,
    },
    /// Another writer held an SQLite database longer than the run waits.
    #[error("output {path}: the database is locked by {holders}, still writing after {waited:.1} s; wait for it to finish, or write to another database and combine them later")]
    DatabaseLocked {
        /// The database file.
        path: PathBuf,
        /// Seconds waited.
        waited: f64,
        /// The runs that hold it, as the database's `runs` table knows them.
        holders: String,
    },
    /// A database to read from is not at this claimex's schema version.
    #[error("input {path}: schema version {found}, expected {expected}: open it once as an output of this claimex (`claimex run ... --out`) to migrate it, or use the claimex that wrote it")]
    SchemaMismatch {
        /// The database file.
        path: PathBuf,
        /// Version found.
        found: i64,
        /// Version this build reads.
        expected: i64,
    },
    /// Stored rows do not make sense as claimex output.
    #[error("input {path}: {reason}")]
    Corrupt {
        /// Where they were read.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// PostgreSQL refused a connection or an operation.
    #[error("output {target}: PostgreSQL: {source}")]
    Postgres {
        /// The URL, password hidden.
        target: String,
        /// Underlying error.
        #[source]
        source: ::postgres::Error,
    },
    /// A PostgreSQL database was written by a newer claimex.
    #[error("output {target}: schema version {found} is newer than this claimex understands ({supported}); upgrade claimex or use another database")]
    SchemaTooNewAt {
        /// The URL, password hidden.
        target: String,
        /// Version found.
        found: i64,
        /// Newest version this build knows.
        supported: i64,
    },
    /// The database was written by a newer claimex.
    #[error("output {path}: schema version {found} is newer than this claimex understands ({supported}); upgrade claimex or write to a new file")]
    SchemaTooNew {
        /// The database file.
        path: PathBuf,
        /// Version found in the file.
        found: i64,
        /// Newest version this build knows.
        supported: i64,
    },
    /// A CSV file could not be written or read.
    #[error("output {path}: {source} (check that the folder exists and is writable)")]
    Csv {
        /// The file.
        path: PathBuf,
        /// Underlying error.
        #[source]
        source: ::csv::Error,
    },
    /// A Parquet file could not be written or read.
    #[error("output {path}: {source} (check that the folder exists and is writable)")]
    Parquet {
        /// The file.
        path: PathBuf,
        /// Underlying error.
        #[source]
        source: ::parquet::errors::ParquetError,
    },
    /// Arrow could not build or decode a record batch of a Parquet file.
    #[error("output {path}: {source} (check that the folder exists and is writable)")]
    Arrow {
        /// The file.
        path: PathBuf,
        /// Underlying error.
        #[source]
        source: ::arrow_schema::ArrowError,
    },
    /// A stored row (database or Parquet) does not read back as claimex output.
    #[error("input {path}: {source}")]
    Row {
        /// Where it was read (a PostgreSQL URL without its password).
        path: PathBuf,
        /// What is wrong with the row.
        #[source]
        source: RowError,
    },
    /// A row of a claims CSV file does not read back as a claim.
    #[error("input {path}: row {row}: {source}")]
    CsvRow {
        /// The file.
        path: PathBuf,
        /// 1-based line of the file (the header is line 1).
        row: usize,
        /// What is wrong with the row.
        #[source]
        source: RowError,
    },
}

/// Why a stored row does not read back as a record (see [`crate::rows`]); [`Error::Row`] and
/// [`Error::CsvRow`] add where it was read.
#[derive(Debug, thiserror::Error)]
pub enum RowError {
    /// The row is shorter than its table.
    #[error("a {table} row has {found} columns, not {expected}")]
    Columns {
        /// The table.
        table: &'static str,
        /// Cells in the row.
        found: usize,
        /// Columns of the table.
        expected: usize,
    },
    /// A text column holds another type.
    #[error("{column} is not text: {cell:?}")]
    NotText {
        /// The column.
        column: &'static str,
        /// What it holds.
        cell: Cell,
    },
    /// An integer column holds another type.
    #[error("{column} is not an integer: {cell:?}")]
    NotInteger {
        /// The column.
        column: &'static str,
        /// What it holds.
        cell: Cell,
    },
    /// A number column holds another type.
    #[error("{column} is not a number: {cell:?}")]
    NotNumber {
        /// The column.
        column: &'static str,
        /// What it holds.
        cell: Cell,
    },
    /// A column that must have a value is null.
    #[error("{column} is null")]
    Null {
        /// The column.
        column: &'static str,
    },
    /// A CSV field of an integer column does not parse.
    #[error("{column} is not an integer: {source}")]
    BadInteger {
        /// The column.
        column: &'static str,
        /// Underlying error.
        #[source]
        source: ParseIntError,
    },
    /// A CSV field of a number column does not parse.
    #[error("{column} is not a number: {source}")]
    BadNumber {
        /// The column.
        column: &'static str,
        /// Underlying error.
        #[source]
        source: ParseFloatError,
    },
    /// The modality column holds no known modality.
    #[error("unknown modality {found:?}")]
    UnknownModality {
        /// What it holds.
        found: String,
    },
    /// The status column of a ledger row holds no known status.
    #[error("unknown status {found:?}")]
    UnknownStatus {
        /// What it holds.
        found: String,
    },
    /// An offset of a claim_evidence row is null, not an integer, or negative.
    #[error("claim_evidence row of claim {claim_id}: offset {column} missing")]
    MissingOffset {
        /// The claim the row belongs to.
        claim_id: String,
        /// The offset's column.
        column: &'static str,
    },
}

/// Result type of claimex-export.
pub type Result<T> = std::result::Result<T, Error>;
