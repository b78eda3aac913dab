use std::path::{Path, PathBuf};

use claimex_model::{NerConfig, NerModel};
use clap::Args;

/// `--model` of every command that reads a model; resolved by [`claimex::resolve_model`], the
/// one place that decides it.
#[derive(Args, Debug, Clone)]
pub struct ModelArg {
    /// Model directory, or hf:ORG/NAME[@REVISION] (downloaded once from the Hugging Face hub)
    /// [default: $CLAIMEX_MODEL, else ./models/default, else the one `make install` installed].
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
}

impl ModelArg {
    /// The model directory (or hub id) to use.
    pub fn resolve(&self) -> anyhow::Result<PathBuf> {
        Ok(claimex::resolve_model(self.model.as_deref())?)
    }

    /// Loads it with the given inference settings.
    pub fn load(&self, config: NerConfig) -> anyhow::Result<NerModel> {
        load(&self.resolve()?, config)
    }
}

/// Loads the model at `spec` (a directory or an `hf:` id): for commands that name a model
/// explicitly, such as the base of `train ner` or the model a `train` command rewrites.
pub fn load(spec: &Path, config: NerConfig) -> anyhow::Result<NerModel> {
    Ok(claimex::load_model(spec, config)?)
}

/// How claims are built (`Config::method`).
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Method {
    /// Trees when the model has a parser head and a syntax head, else tags.
    Auto,
    /// `rules-v1`: from part-of-speech and chunk tags.
    Rules,
    /// `tree-v0`: from the parser head's dependency trees (needs a parser head).
    Tree,
}

impl From<Method> for Option<claimex::ClaimMethod> {
    fn from(m: Method) -> Self {
        match m {
            Method::Auto => None,
            Method::Rules => Some(claimex::ClaimMethod::Rules),
            Method::Tree => Some(claimex::ClaimMethod::Tree),
        }
    }
}
