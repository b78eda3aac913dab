use std::path::PathBuf;

/// Errors reading datasets.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file cannot be read.
    #[error("dataset {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
    /// A line does not fit the format.
    #[error("dataset {path}:{line}: {reason}")]
    Format {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A record of a JSON array does not fit the format.
    #[error("dataset {path}: record {record}: {reason}")]
    Record {
        /// The file.
        path: PathBuf,
        /// 0-based position in the array.
        record: usize,
        /// What is wrong.
        reason: String,
    },
    /// Fine-tuning could not go on.
    #[error("training: {0}")]
    Training(String),
    /// libtorch reported an error.
    #[error("libtorch: {0}")]
    Torch(#[from] tch::TchError),
}

/// Result type of claimex-train.
pub type Result<T> = std::result::Result<T, Error>;
