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
    /// A model file is not the JSON expected, or JSON for it cannot be written.
    #[error("model file {path}: {what}: {source}")]
    Json {
        /// The offending file.
        path: PathBuf,
        /// What was expected or being done ("invalid JSON", "not a syntax head").
        what: String,
        /// Underlying error.
        #[source]
        source: serde_json::Error,
    },
    /// A tokenizer file cannot be parsed or written.
    #[error("model file {path}: {what}: {source}")]
    TokenizerFile {
        /// The offending file.
        path: PathBuf,
        /// What was being done ("cannot parse tokenizer").
        what: String,
        /// Underlying error.
        #[source]
        source: tokenizers::Error,
    },
    /// A weights file does not fit the network its configuration describes.
    #[error("model file {path}: weights do not fit {config}: {source}")]
    Weights {
        /// The weights file.
        path: PathBuf,
        /// The configuration file they were checked against (`config.json`).
        config: String,
        /// Underlying error (boxed: it is large, and every `Result` of this crate carries it).
        #[source]
        source: Box<tch::TchError>,
    },
    /// A model's config.json does not describe a network claimex builds.
    #[error("model file {path}: {source}")]
    BadConfig {
        /// The config.json.
        path: PathBuf,
        /// What is wrong with it.
        #[source]
        source: ConfigError,
    },
    /// A configuration (without a file to name) does not describe a network claimex builds.
    #[error("model: {0}")]
    Config(#[from] ConfigError),
    /// Something in a model file went wrong; `source` says what.
    #[error("model file {path}: {source}")]
    InFile {
        /// The offending file.
        path: PathBuf,
        /// Underlying error.
        #[source]
        source: Box<Error>,
    },
    /// The tokenizers library failed (tokenising, or building a tokenizer).
    #[error("tokenizer: {0}")]
    TokenizerFailed(#[source] tokenizers::Error),
    /// rust-bert could not build or run the network.
    #[error("model: {0}")]
    RustBert(#[from] rust_bert::RustBertError),
}

/// What is wrong with a model's `config.json`.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `model_type` names an architecture claimex does not run.
    #[error("model_type `{kind}` is not supported (supported: {})", supported.join(", "))]
    UnsupportedModelType {
        /// The `model_type` found.
        kind: String,
        /// The ones claimex runs.
        supported: &'static [&'static str],
    },
    /// Word-shape features are asked for on an architecture that has none.
    #[error("{field} is only built for model_type bert, not {kind}")]
    ShapeFeaturesNotBert {
        /// The `model_type` found.
        kind: String,
        /// The configuration field that asks for word-shape features.
        field: &'static str,
    },
    /// The fields do not parse as the architecture's configuration.
    #[error("not a {architecture} configuration: {source}")]
    Fields {
        /// The architecture ("BERT", "DeBERTa-v2").
        architecture: &'static str,
        /// Underlying error.
        #[source]
        source: serde_json::Error,
    },
    /// There is no `id2label`.
    #[error("no id2label: a token-classification model must list its labels")]
    NoLabels,
    /// `id2label` skips a class.
    #[error("id2label has no label for class {class}")]
    MissingLabel {
        /// The class index without a label.
        class: usize,
    },
}

impl Error {
    /// Turns an I/O error on `path` into [`Error::Io`] (for `map_err`).
    pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    }
}

/// Result type of claimex-model.
pub type Result<T> = std::result::Result<T, Error>;
