use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// Where the default model lives, relative to the current folder.
pub const DEFAULT_MODEL_DIR: &str = "models/default";

/// The environment variable naming a model when none is given.
pub const MODEL_ENV: &str = "CLAIMEX_MODEL";

/// How claims are written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClaimStyle {
    /// Claims as `claimex run` stores them: arguments reduced to their heads, pronouns and
    /// descriptions resolved to the entity they name, reporting verbs as attributions.
    #[default]
    Claims,
    /// Open IE tuples as benchmarks such as CaRB expect them: arguments as they stand, reports as
    /// tuples of their own, plus relations the text implies (appositions, titles, places).
    OpenIe,
}

/// Everything a [`crate::Pipeline`] is built from. `Config::default()` is what `claimex run`
/// uses without options.
#[derive(Debug, Clone)]
pub struct Config {
    /// Model directory, or `hf:ORG/NAME[@REVISION]` (downloaded once from the Hugging Face hub).
    /// `None`: `$CLAIMEX_MODEL`, else `models/default` ([`resolve_model`]).
    pub model: Option<PathBuf>,
    /// Worker threads for cleaning, splitting, claim building and libtorch. `None`: all cores.
    pub threads: Option<usize>,
    /// Sentence windows per model forward pass (fewer when they are long: a pass holds at most
    /// `batch_size` × 128 word pieces).
    pub batch_size: usize,
    /// Run the encoder's linear layers in int8 (dynamic quantisation; BERT models): faster,
    /// slightly less accurate; the model id gets `+int8`.
    pub int8: bool,
    /// Documents cleaned, analysed (one model call, batches sorted by length across them) and
    /// written together; bounds memory.
    pub chunk_docs: usize,
    /// Drop documents whose cleaned text repeats an earlier one (recorded as `duplicate`).
    pub skip_duplicates: bool,
    /// Calibrate confidences with the model's `claims-calibration.json`; `false` keeps the raw
    /// scores (what a calibration is fitted on).
    pub calibrate: bool,
    /// Claims, or Open IE tuples.
    pub style: ClaimStyle,
    /// How claims are built: from the parser head's trees or from tags; `None` (the default)
    /// chooses trees when the model has a parser head and a syntax head and the style is claims,
    /// else tags ([`crate::Pipeline::method`] says which).
    pub method: Option<claimex_claims::ClaimMethod>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            model: None,
            threads: None,
            batch_size: 32,
            int8: false,
            chunk_docs: 64,
            skip_duplicates: true,
            calibrate: true,
            style: ClaimStyle::Claims,
            method: None,
        }
    }
}

/// The model a command uses: `flag` when given, else `$CLAIMEX_MODEL`, else `models/default`
/// when that folder exists, else the default model installed beside the running program
/// ([`installed_model_dir`]). The one place every command resolves its model argument.
pub fn resolve_model(flag: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = flag {
        return Ok(dir.to_path_buf());
    }
    if let Some(dir) = std::env::var_os(MODEL_ENV).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let default = PathBuf::from(DEFAULT_MODEL_DIR);
    if default.is_dir() {
        return Ok(default);
    }
    let installed = installed_model_dir();
    match installed {
        Some(dir) if dir.is_dir() => Ok(dir),
        _ => Err(Error::NoModel {
            default,
            installed: installed
                .map_or_else(|| "no installed model".into(), |d| d.display().to_string()),
        }),
    }
}

/// Where `make install` puts the default model for the program running now:
/// `PREFIX/share/claimex/models/default` for a program at `PREFIX/bin/claimex`.
pub fn installed_model_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let prefix = exe.parent()?.parent()?;
    Some(prefix.join("share/claimex").join(DEFAULT_MODEL_DIR))
}

/// Loads the model `spec` names (a directory, or an `hf:` id fetched into the cache) with the given
/// inference settings.
pub fn load_model(
    spec: &Path,
    config: claimex_model::NerConfig,
) -> Result<claimex_model::NerModel> {
    let named = spec.to_string_lossy().into_owned();
    let wrap = |source| Error::Model {
        spec: named.clone(),
        source,
    };
    let dir = claimex_model::resolve_model(&named).map_err(wrap)?;
    claimex_model::NerModel::load(&dir, config).map_err(wrap)
}
