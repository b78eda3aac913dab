use std::path::PathBuf;

/// Errors that stop a pipeline from being built or a run from going on. Problems with single
/// documents are not errors: they become `skipped` records in the ledger.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No model was named and neither the default model directory nor an installed one exists.
    #[error(
        "no model given, and neither {default} nor {installed} exists: pass --model DIR \
         (Config::model), set CLAIMEX_MODEL, or install claimex with its model (`make install`)"
    )]
    NoModel {
        /// The default directory that was looked for.
        default: PathBuf,
        /// The installed model's directory that was looked for.
        installed: String,
    },
    /// The model could not be resolved, loaded or run.
    #[error("model {spec}: {source}")]
    Model {
        /// The model as it was named (a directory or an `hf:` id).
        spec: String,
        /// What went wrong.
        #[source]
        source: claimex_model::Error,
    },
    /// Claims from trees were asked for, and the model lacks the parser or the syntax head.
    #[error(
        "model {dir} lacks a parser head or a syntax head, which claims read from trees need \
         (the tree is over the syntax head's tokens): train them with `claimex train parser` \
         and `claimex train syntax`, or build claims from tags"
    )]
    NoParser {
        /// The model directory.
        dir: PathBuf,
    },
    /// The model directory's confidence calibration cannot be read.
    #[error("model {dir}: {source}")]
    Calibration {
        /// The model directory.
        dir: PathBuf,
        /// What went wrong.
        #[source]
        source: claimex_claims::Error,
    },
    /// The worker threads could not be started.
    #[error("cannot start {threads} worker threads: {source}")]
    Threads {
        /// How many were asked for.
        threads: usize,
        /// What went wrong.
        #[source]
        source: rayon::ThreadPoolBuildError,
    },
    /// An output refused a write or could not be opened.
    #[error(transparent)]
    Sink(#[from] claimex_export::Error),
    /// The inputs could not be listed or read.
    #[error(transparent)]
    Input(#[from] claimex_ingest::Error),
    /// `--resume` was asked of an output that cannot tell which documents it holds.
    #[error(
        "--resume needs database outputs (.db, sqlite://PATH, postgres://...): {target} is a file that each run writes whole; drop --resume, or write to a database"
    )]
    CannotResume {
        /// The output.
        target: String,
    },
    /// The document ledger could not be written.
    #[error("document ledger {path}: {source} (pass --ledger to put it elsewhere)")]
    Ledger {
        /// The ledger file.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
    /// An output would overwrite one of the inputs.
    #[error(
        "{output} is one of the inputs: writing it would destroy that input; write the output elsewhere (--out, --ledger) or move the file out of the input folders"
    )]
    OutputIsInput {
        /// The output.
        output: PathBuf,
    },
    /// A shard was written wrongly.
    #[error("`{0}` is not a shard: write i/N with 0 <= i < N, for example 0/4")]
    BadShard(String),
}

/// Result type of the claimex library.
pub type Result<T> = std::result::Result<T, Error>;
