use std::path::PathBuf;

/// Errors reading datasets and training.
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
    /// A line of a JSONL dataset does not parse.
    #[error("dataset {path}:{line}: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// Underlying error.
        #[source]
        source: serde_json::Error,
    },
    /// A CoNLL04 file does not parse.
    #[error("dataset {path}:{line}: not CoNLL04 JSON (an array of {{tokens, entities, relations}}): {source}")]
    Conll04Json {
        /// The file.
        path: PathBuf,
        /// 1-based line number of the parse error.
        line: usize,
        /// Underlying error.
        #[source]
        source: serde_json::Error,
    },
    /// The model (encoding, forward pass, heads) failed during training or evaluation.
    #[error("training: {0}")]
    Ner(#[from] claimex_model::Error),
    /// A checkpoint's training state cannot be read or written as JSON.
    #[error("training: {path}: {source}")]
    State {
        /// The state file.
        path: PathBuf,
        /// Underlying error.
        #[source]
        source: serde_json::Error,
    },
    /// A training checkpoint could not be written.
    #[error("training: writing checkpoint in {dir}: {source}")]
    Checkpoint {
        /// The checkpoint folder.
        dir: PathBuf,
        /// Underlying error (I/O, libtorch, or the model's own).
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// Result type of claimex-train.
pub type Result<T> = std::result::Result<T, Error>;
