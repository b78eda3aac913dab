use std::path::PathBuf;

/// Errors from writing claims.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The `--out` target names no known sink.
    #[error(
        "output {0}: unknown sink (use a path ending in .jsonl, .csv, .parquet, .db, .sqlite, or sqlite://PATH, or a postgres:// URL)"
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
}

/// Result type of claimex-export.
pub type Result<T> = std::result::Result<T, Error>;
