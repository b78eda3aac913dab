use std::path::PathBuf;

/// Errors from writing claims.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The `--out` target names no known sink.
    #[error(
        "output {0}: unknown sink (use a path ending in .jsonl, .db, .sqlite, or sqlite://PATH)"
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
