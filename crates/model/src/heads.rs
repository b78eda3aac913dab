//! What every head of the encoder shares: the layer outputs it reads ([`select_layers`],
//! [`PieceStates`]) and how its settings and weights are stored beside the model's. The model
//! and each head depend on this module; it depends on none of them.

use std::path::Path;

use serde::Serialize;
use tch::{nn::VarStore, Kind, Tensor};
use tokenizers::Encoding;

use crate::{Error, Result};

/// How weights are stored by [`crate::NerModel::save`]. Loading converts either to f32.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// 4 bytes a weight.
    F32,
    /// 2 bytes a weight: half the file, predictions within rounding of f32.
    F16,
}

/// A sentence's word pieces (special tokens excluded; a sentence longer than one window is cut
/// to its first window) and the outputs of the encoder layers a head reads, concatenated:
/// `[pieces, hidden * layers]`.
#[derive(Debug)]
pub struct PieceStates {
    /// The pieces, with byte offsets into the sentence text.
    pub encoding: Encoding,
    /// One row of layer outputs per piece.
    pub states: Tensor,
}

impl Clone for PieceStates {
    /// The states are shared, not copied: nothing writes to them.
    fn clone(&self) -> Self {
        PieceStates {
            encoding: self.encoding.clone(),
            states: self.states.shallow_clone(),
        }
    }
}

impl PartialEq for PieceStates {
    fn eq(&self, other: &Self) -> bool {
        self.encoding == other.encoding && self.states.equal(&other.states)
    }
}

/// The outputs of encoder `layers` (indices into `all`, as [`crate::NerModel::forward_rows`] returns
/// them) concatenated along the last dimension: what the syntax and relation heads read. `reader`
/// names the head in the error when a layer is missing.
pub fn select_layers(all: &[Tensor], layers: &[usize], reader: &str) -> Result<Tensor> {
    let picked: Vec<&Tensor> = layers
        .iter()
        .map(|&i| {
            all.get(i).ok_or_else(|| {
                Error::Model(format!(
                    "{reader} reads encoder layer {i}, but the encoder has {} layers",
                    all.len()
                ))
            })
        })
        .collect::<Result<_>>()?;
    Ok(Tensor::cat(&picked, -1))
}

/// Writes a var store as safetensors in name order, so that equal weights always give the same
/// file (and so the same model id); `vs.save` follows hash-map order.
pub(crate) fn write_weights(vs: &VarStore, path: &Path, precision: Precision) -> Result<()> {
    let kind = match precision {
        Precision::F32 => Kind::Float,
        Precision::F16 => Kind::Half,
    };
    let mut named: Vec<(String, Tensor)> = vs
        .variables()
        .into_iter()
        .map(|(k, v)| (k, v.to_kind(kind)))
        .collect();
    named.sort_by(|a, b| a.0.cmp(&b.0));
    Tensor::write_safetensors(&named, path)?;
    Ok(())
}

/// Writes a head's settings as JSON and its weights as safetensors into `dir`, each to a
/// `.partial` file first and then synced and renamed, weights before settings (a head is found by its
/// settings file, so it never names weights that are not there yet).
pub(crate) fn save_head<C: Serialize>(
    dir: &Path,
    vs: &VarStore,
    config: &C,
    config_name: &str,
    weights_name: &str,
) -> Result<()> {
    let config_tmp = dir.join(format!("{config_name}.partial"));
    let text = serde_json::to_string_pretty(config).map_err(|source| Error::Json {
        path: config_tmp.clone(),
        what: "cannot write the head's settings".into(),
        source,
    })?;
    let weights_tmp = dir.join(format!("{weights_name}.partial"));
    write_weights(vs, &weights_tmp, Precision::F32)?;
    std::fs::write(&config_tmp, text).map_err(Error::io(&config_tmp))?;
    let weights = dir.join(weights_name);
    crate::durable::rename_synced(&weights_tmp, &weights)?;
    let config_path = dir.join(config_name);
    crate::durable::rename_synced(&config_tmp, &config_path)
}

/// Reads a head saved by [`save_head`] from `dir`: `None` when `config_name` is absent; the
/// settings are parsed (`what` names the kind of head in errors), `build` makes the head, then its
/// variables (`vs_of`) take the weights in `weights_name`, converted to f32.
pub(crate) fn load_head<C, H>(
    dir: &Path,
    config_name: &str,
    weights_name: &str,
    what: &str,
    build: impl FnOnce(C) -> Result<H>,
    vs_of: impl FnOnce(&mut H) -> &mut VarStore,
) -> Result<Option<H>>
where
    C: serde::de::DeserializeOwned,
{
    let config_path = dir.join(config_name);
    if !config_path.exists() {
        return Ok(None);
    }
    let raw = std::fs::read_to_string(&config_path).map_err(Error::io(&config_path))?;
    let config: C = serde_json::from_str(&raw).map_err(|source| Error::Json {
        path: config_path.clone(),
        what: format!("not a {what}"),
        source,
    })?;
    let mut head = crate::unseeded(|| build(config)).map_err(|e| Error::InFile {
        path: config_path.clone(),
        source: Box::new(e),
    })?;
    let weights = dir.join(weights_name);
    if !weights.is_file() {
        return Err(Error::MissingFile {
            dir: dir.to_path_buf(),
            what: format!("{weights_name} (named by {config_name})"),
        });
    }
    let vs = vs_of(&mut head);
    vs.load(&weights).map_err(|e| Error::Weights {
        path: weights.clone(),
        config: config_name.to_string(),
        source: Box::new(e),
    })?;
    vs.float();
    Ok(Some(head))
}
