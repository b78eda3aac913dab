//! Model references: a local directory, or `hf:ORG/NAME[@REVISION]` for a model on the Hugging
//! Face hub, downloaded through rust-bert's remote resources when claimex-model is built with the
//! `remote` feature, and assembled into an ordinary model directory in the cache.

use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// Prefix that marks a hub id where a model directory is expected.
pub const HUB_PREFIX: &str = "hf:";

/// A hub model: repository id and revision (branch, tag or commit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubId {
    /// `ORG/NAME`.
    pub repo: String,
    /// Defaults to `main`.
    pub revision: String,
}

impl HubId {
    /// Parses `hf:ORG/NAME[@REVISION]`; `None` when `spec` does not start with `hf:`.
    pub fn parse(spec: &str) -> Option<Result<HubId>> {
        let rest = spec.strip_prefix(HUB_PREFIX)?;
        let (repo, revision) = rest.split_once('@').unwrap_or((rest, "main"));
        let valid = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        };
        let ok = matches!(repo.split_once('/'), Some((org, name)) if valid(org) && valid(name))
            && valid(revision);
        Some(if ok {
            Ok(HubId {
                repo: repo.to_string(),
                revision: revision.to_string(),
            })
        } else {
            Err(Error::Model(format!(
                "`{spec}` is not a hub id: write hf:ORG/NAME or hf:ORG/NAME@REVISION"
            )))
        })
    }

    /// URL of one file of the repository at this revision.
    pub fn file_url(&self, file: &str) -> String {
        format!(
            "https://huggingface.co/{}/resolve/{}/{file}",
            self.repo, self.revision
        )
    }

    /// Cache directory name: one per repository and revision.
    #[cfg(feature = "remote")]
    fn cache_name(&self) -> String {
        format!("{}@{}", self.repo.replace('/', "--"), self.revision)
    }
}

/// Where hub models are assembled: `$CLAIMEX_CACHE/hub`, else the user's cache directory
/// (`~/.cache/claimex/hub` on Linux).
pub fn hub_cache_dir() -> PathBuf {
    std::env::var_os("CLAIMEX_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("claimex")))
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/claimex")))
        .unwrap_or_else(|| PathBuf::from(".claimex-cache"))
        .join("hub")
}

/// Turns a model reference into a local model directory: a path is returned as it is; a hub id
/// is downloaded (once; later calls use the cache) with the `remote` feature, and is an error
/// explaining how to get one without it.
pub fn resolve_model(spec: &str) -> Result<PathBuf> {
    match HubId::parse(spec) {
        None => Ok(PathBuf::from(spec)),
        Some(id) => fetch(&id?, &hub_cache_dir()),
    }
}

/// Files a model directory needs: one of each group, the first found wins.
#[cfg(feature = "remote")]
const REQUIRED: [&[&str]; 3] = [
    &["config.json"],
    &["tokenizer.json", "vocab.txt"],
    &["model.safetensors", "rust_model.ot"],
];

#[cfg(not(feature = "remote"))]
fn fetch(id: &HubId, _cache: &Path) -> Result<PathBuf> {
    Err(Error::Model(format!(
        "hf:{} is a Hugging Face hub id, and this claimex was built without hub access: rebuild \
         with `cargo build --features remote`, or download config.json, tokenizer.json (or \
         vocab.txt) and model.safetensors (or rust_model.ot) from {} into a directory and pass \
         that directory",
        id.repo,
        id.file_url("")
    )))
}

#[cfg(feature = "remote")]
fn fetch(id: &HubId, cache: &Path) -> Result<PathBuf> {
    use rust_bert::resources::{RemoteResource, ResourceProvider};

    let dir = cache.join(id.cache_name());
    if REQUIRED
        .iter()
        .all(|group| group.iter().any(|f| dir.join(f).is_file()))
    {
        return Ok(dir);
    }
    let partial = cache.join(format!("{}.partial", id.cache_name()));
    std::fs::create_dir_all(&partial).map_err(Error::io(&partial))?;
    for group in REQUIRED {
        let mut errors = Vec::new();
        let found = group.iter().find(|file| {
            let resource = RemoteResource::new(&id.file_url(file), &id.cache_name());
            match resource.get_local_path() {
                Ok(downloaded) => std::fs::copy(&downloaded, partial.join(file)).is_ok(),
                Err(e) => {
                    errors.push(format!("{file}: {e}"));
                    false
                }
            }
        });
        if found.is_none() {
            return Err(Error::Model(format!(
                "could not fetch hf:{} (revision {}) from the Hugging Face hub: {}. Without \
                 network access, download the files elsewhere into a directory and pass that \
                 directory",
                id.repo,
                id.revision,
                errors.join("; ")
            )));
        }
    }
    for optional in ["tokenizer_config.json", "claimex-model.json"] {
        let resource = RemoteResource::new(&id.file_url(optional), &id.cache_name());
        if let Ok(downloaded) = resource.get_local_path() {
            let _ = std::fs::copy(&downloaded, partial.join(optional));
        }
    }
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(Error::io(&dir))?;
    }
    crate::durable::rename_synced(&partial, &dir)?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hub_ids_and_leaves_paths_alone() {
        assert!(HubId::parse("models/default").is_none());
        let id = HubId::parse("hf:dslim/bert-base-NER").unwrap().unwrap();
        assert_eq!(
            (id.repo.as_str(), id.revision.as_str()),
            ("dslim/bert-base-NER", "main")
        );
        let id = HubId::parse("hf:org/name@v1.0").unwrap().unwrap();
        assert_eq!(id.revision, "v1.0");
        assert_eq!(
            id.file_url("config.json"),
            "https://huggingface.co/org/name/resolve/v1.0/config.json"
        );
        for bad in ["hf:", "hf:noslash", "hf:a/b/c", "hf:a/b@", "hf:a b/c"] {
            assert!(HubId::parse(bad).unwrap().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_path_resolves_to_itself() {
        assert_eq!(
            resolve_model("models/default").unwrap(),
            PathBuf::from("models/default")
        );
    }

    /// Without the feature the error says how to get the model; with it (and no network here),
    /// the error names the repository and what to do offline.
    #[test]
    fn unreachable_or_unbuilt_hub_access_is_explained() {
        let cache = tempfile::tempdir().unwrap();
        let id = HubId::parse("hf:claimex-test/no-such-model")
            .unwrap()
            .unwrap();
        let err = fetch(&id, cache.path()).unwrap_err().to_string();
        assert!(err.contains("hf:claimex-test/no-such-model"), "{err}");
        assert!(err.contains("into a directory and pass"), "{err}");
    }
}
