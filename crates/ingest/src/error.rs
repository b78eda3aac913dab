use std::path::PathBuf;

/// Errors that stop ingestion before it starts (a bad command line, not a bad document: those are
/// reported as skipped records and reading goes on).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input path given by the user does not exist or cannot be listed.
    #[error("input {path}: {source} (check the path; inputs are files, folders, or - for JSONL on stdin)")]
    Input {
        /// The path as given.
        path: PathBuf,
        /// Underlying I/O error.
        source: std::io::Error,
    },
}

/// Result type of claimex-ingest.
pub type Result<T> = std::result::Result<T, Error>;
