use std::path::{Path, PathBuf};

/// Errors from loading or running an NER model.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file the model directory must contain is missing.
    #[error("model directory {dir}: missing {what} (a model directory holds config.json, tokenizer.json or vocab.txt, and model.safetensors or rust_model.ot; build a test model with `claimex models init-random --out DIR`)")]
    MissingFile {
        /// The model directory.
        dir: PathBuf,
        /// Which file(s).
        what: String,
    },
    /// A model file exists but cannot be used.
    #[error("model file {path}: {reason}")]
    BadFile {
        /// The offending file.
        path: PathBuf,
        /// What is wrong with it and what to do.
        reason: String,
    },
    /// The network could not be built or run.
    #[error("model: {0}")]
    Model(String),
    /// Tokenisation failed.
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    /// libtorch reported an error.
    #[error("libtorch: {0}")]
    Torch(#[from] tch::TchError),
    /// Writing a model failed.
    #[error("writing {path}: {source}")]
    Io {
        /// The file being written or read.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
}

impl Error {
    /// Turns an I/O error on `path` into [`Error::Io`] (for `map_err`).
    pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    }
}

/// Result type of claimex-ner.
pub type Result<T> = std::result::Result<T, Error>;
