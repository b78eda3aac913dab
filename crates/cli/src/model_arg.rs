use std::path::Path;

use anyhow::Context;
use claimex_ner::{NerConfig, NerModel};

/// Loads the model a `--model`-style argument names: a model directory, or `hf:ORG/NAME[@REV]`
/// (fetched into the cache when built with the `remote` feature, else explained).
pub fn load(spec: &Path, config: NerConfig) -> anyhow::Result<NerModel> {
    let dir = claimex_ner::resolve_model(&spec.to_string_lossy())?;
    NerModel::load(&dir, config)
        .with_context(|| format!("loading NER model from {}", dir.display()))
}
