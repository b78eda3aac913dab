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

/// What claim building needs from a loaded model: the ids stored with every claim, and the
/// model's confidence calibration when it has one fitted for this claim method (otherwise a
/// warning, and confidences stay raw).
pub fn claim_settings(
    model: &NerModel,
) -> anyhow::Result<(
    claimex_core::ModelIds,
    Option<claimex_relations::Calibration>,
)> {
    let info = model.info();
    let models = claimex_core::ModelIds {
        ner: info.id.clone(),
        relations: claimex_relations::method_id(info.syntax_id.as_deref()),
    };
    let calibration =
        claimex_relations::Calibration::of_model(&info.dir).map_err(anyhow::Error::msg)?;
    let calibration = match calibration {
        Some(c) if c.method != models.relations => {
            eprintln!(
                "warning: {} was fitted for {}, not {}: claim confidences are uncalibrated (refit with `claimex eval claims --fit-calibration`)",
                claimex_relations::CALIBRATION_FILE,
                c.method,
                models.relations
            );
            None
        }
        other => other,
    };
    Ok((models, calibration))
}
