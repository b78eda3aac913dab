//! Model references: a local directory, or `hf:ORG/NAME[@REVISION]` for a model on the Hugging
//! Face hub, downloaded over HTTPS (ureq, which libtorch's build already compiles) and assembled
//! into an ordinary model directory in the cache.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::{Error, Result};

/// Prefix that marks a hub id where a model directory is expected.
pub const HUB_PREFIX: &str = "hf:";

/// The hub's address unless `$HF_ENDPOINT` names a mirror.
const DEFAULT_ENDPOINT: &str = "https://huggingface.co";

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

    /// URL of one file of the repository at this revision on the hub at `endpoint`.
    pub fn file_url(&self, endpoint: &str, file: &str) -> String {
        format!(
            "{}/{}/resolve/{}/{file}",
            endpoint.trim_end_matches('/'),
            self.repo,
            self.revision
        )
    }

    /// Cache directory name: one per repository and revision.
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
/// is downloaded once (later calls use the cache) from `$HF_ENDPOINT` or huggingface.co, sending
/// `$HF_TOKEN` if it is set (gated and private models).
pub fn resolve_model(spec: &str) -> Result<PathBuf> {
    match HubId::parse(spec) {
        None => Ok(PathBuf::from(spec)),
        Some(id) => {
            let endpoint = std::env::var("HF_ENDPOINT")
                .ok()
                .filter(|e| !e.is_empty())
                .unwrap_or_else(|| DEFAULT_ENDPOINT.to_string());
            let token = std::env::var("HF_TOKEN").ok().filter(|t| !t.is_empty());
            fetch(&id?, &endpoint, token.as_deref(), &hub_cache_dir())
        }
    }
}

/// Files a model directory needs: one of each group, the first found wins.
const REQUIRED: [&[&str]; 3] = [
    &["config.json"],
    &["tokenizer.json", "vocab.txt"],
    &crate::model::WEIGHT_FILES,
];

/// Files copied when the repository has them.
const OPTIONAL: [&str; 2] = ["tokenizer_config.json", "claimex-model.json"];

/// One file's download: written, absent from the repository (404), or failed.
enum Download {
    Written,
    Absent,
}

/// Assembles `id` under `cache` in a `.partial` directory renamed when complete, so that an
/// interrupted download never looks like a model.
fn fetch(id: &HubId, endpoint: &str, token: Option<&str>, cache: &Path) -> Result<PathBuf> {
    let dir = cache.join(id.cache_name());
    if REQUIRED
        .iter()
        .all(|group| group.iter().any(|f| dir.join(f).is_file()))
    {
        return Ok(dir);
    }
    let partial = cache.join(format!("{}.partial", id.cache_name()));
    if partial.exists() {
        std::fs::remove_dir_all(&partial).map_err(Error::io(&partial))?;
    }
    std::fs::create_dir_all(&partial).map_err(Error::io(&partial))?;
    let downloaded = download_all(id, endpoint, token, &partial);
    if downloaded.is_err() {
        let _ = std::fs::remove_dir_all(&partial);
    }
    downloaded?;
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(Error::io(&dir))?;
    }
    crate::durable::rename_synced(&partial, &dir)?;
    Ok(dir)
}

/// Downloads the required files (one of each group) and the optional ones into `partial`.
fn download_all(id: &HubId, endpoint: &str, token: Option<&str>, partial: &Path) -> Result<()> {
    let agent = ureq::AgentBuilder::new()
        .timeout_connect(Duration::from_secs(30))
        .timeout_read(Duration::from_secs(120))
        .build();
    let unreachable = |what: String| {
        Error::Model(format!(
            "could not fetch hf:{} (revision {}) from {endpoint}: {what}. Without network \
             access, download config.json, tokenizer.json (or vocab.txt) and model.safetensors \
             (or rust_model.ot) elsewhere into a directory and pass that directory",
            id.repo, id.revision
        ))
    };
    for group in REQUIRED {
        let mut absent = Vec::new();
        let mut written = false;
        for file in group {
            let url = id.file_url(endpoint, file);
            match download(&agent, &url, token, &partial.join(file)) {
                Ok(Download::Written) => {
                    written = true;
                    break;
                }
                Ok(Download::Absent) => absent.push(*file),
                Err(e) => return Err(unreachable(format!("{url}: {e}"))),
            }
        }
        if !written {
            return Err(unreachable(format!(
                "the repository has none of {}",
                absent.join(", ")
            )));
        }
    }
    for file in OPTIONAL {
        let url = id.file_url(endpoint, file);
        download(&agent, &url, token, &partial.join(file))
            .map_err(|e| unreachable(format!("{url}: {e}")))?;
    }
    Ok(())
}

/// Downloads `url` into `to`; a 404 is `Absent` and leaves no file.
fn download(
    agent: &ureq::Agent,
    url: &str,
    token: Option<&str>,
    to: &Path,
) -> std::result::Result<Download, String> {
    let mut request = agent.get(url);
    if let Some(token) = token {
        request = request.set("Authorization", &format!("Bearer {token}"));
    }
    let response = match request.call() {
        Ok(response) => response,
        Err(ureq::Error::Status(404, _)) => return Ok(Download::Absent),
        Err(ureq::Error::Status(code @ (401 | 403), _)) => {
            return Err(format!(
                "HTTP {code}: no such repository, or a gated or private one (set HF_TOKEN)"
            ));
        }
        Err(e) => return Err(e.to_string()),
    };
    let mut file = std::fs::File::create(to).map_err(|e| format!("{}: {e}", to.display()))?;
    std::io::copy(&mut response.into_reader(), &mut file)
        .map_err(|e| format!("{}: {e}", to.display()))?;
    Ok(Download::Written)
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
            id.file_url("https://huggingface.co/", "config.json"),
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

    /// A hub that cannot be reached gives an error naming the repository and what to do
    /// offline (no network here: the name does not resolve; with one, the repository does not
    /// exist).
    #[test]
    fn an_unreachable_hub_is_explained() {
        let cache = tempfile::tempdir().unwrap();
        let id = HubId::parse("hf:claimex-test/no-such-model")
            .unwrap()
            .unwrap();
        let err = fetch(&id, DEFAULT_ENDPOINT, None, cache.path())
            .unwrap_err()
            .to_string();
        assert!(err.contains("hf:claimex-test/no-such-model"), "{err}");
        assert!(err.contains("into a directory and pass"), "{err}");
        assert!(!cache
            .path()
            .join("claimex-test--no-such-model@main")
            .exists());
    }

    /// A hub on this machine (a thread answering HTTP/1.1 on a local port): what it has is
    /// assembled into a model directory; a repository without weights is an error naming them
    /// and leaves no model directory behind; a token is sent when given.
    #[test]
    fn a_model_is_assembled_from_a_hub_and_then_read_from_the_cache() {
        use std::io::{BufRead, BufReader, Write};
        use std::net::TcpListener;
        use std::sync::{Arc, Mutex};

        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        /// Each request's path and Authorization header.
        type Requests = Arc<Mutex<Vec<(String, Option<String>)>>>;
        let requests: Requests = Arc::default();
        let seen = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let mut stream = stream.unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let path = line.split(' ').nth(1).unwrap_or("").to_string();
                let mut auth = None;
                loop {
                    let mut header = String::new();
                    reader.read_line(&mut header).unwrap();
                    if header.trim().is_empty() {
                        break;
                    }
                    if let Some(v) = header.strip_prefix("Authorization: ") {
                        auth = Some(v.trim().to_string());
                    }
                }
                seen.lock().unwrap().push((path.clone(), auth));
                let body = match path.rsplit('/').next().unwrap_or("") {
                    _ if path.starts_with("/org/empty/") => None,
                    "config.json" => Some("{\"model_type\": \"bert\"}"),
                    "vocab.txt" => Some("[PAD]\n[UNK]\n"),
                    "model.safetensors" => Some("weights"),
                    _ => None,
                };
                let reply = match body {
                    Some(b) => format!(
                        "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{b}",
                        b.len()
                    ),
                    None => {
                        "HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
                            .to_string()
                    }
                };
                stream.write_all(reply.as_bytes()).unwrap();
            }
        });

        let cache = tempfile::tempdir().unwrap();
        let id = HubId::parse("hf:org/name@v1").unwrap().unwrap();
        let dir = fetch(&id, &endpoint, Some("secret"), cache.path()).unwrap();
        assert_eq!(dir, cache.path().join("org--name@v1"));
        assert_eq!(
            std::fs::read_to_string(dir.join("config.json")).unwrap(),
            "{\"model_type\": \"bert\"}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("vocab.txt")).unwrap(),
            "[PAD]\n[UNK]\n"
        );
        assert_eq!(
            std::fs::read(dir.join("model.safetensors")).unwrap(),
            b"weights"
        );
        assert!(!dir.join("tokenizer.json").exists(), "a 404 leaves no file");
        assert!(!cache.path().join("org--name@v1.partial").exists());
        let asked: Vec<String> = requests
            .lock()
            .unwrap()
            .iter()
            .map(|r| r.0.clone())
            .collect();
        assert_eq!(
            asked,
            [
                "config.json",
                "tokenizer.json",
                "vocab.txt",
                "model.safetensors",
                "tokenizer_config.json",
                "claimex-model.json"
            ]
            .map(|f| format!("/org/name/resolve/v1/{f}"))
        );
        assert!(requests
            .lock()
            .unwrap()
            .iter()
            .all(|r| r.1.as_deref() == Some("Bearer secret")));

        // Complete in the cache: no request the second time.
        requests.lock().unwrap().clear();
        assert_eq!(fetch(&id, &endpoint, None, cache.path()).unwrap(), dir);
        assert!(requests.lock().unwrap().is_empty());

        let empty = HubId::parse("hf:org/empty").unwrap().unwrap();
        let err = fetch(&empty, &endpoint, None, cache.path())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("hf:org/empty") && err.contains("config.json"),
            "{err}"
        );
        assert!(!cache.path().join("org--empty@main").exists());
        assert!(!cache.path().join("org--empty@main.partial").exists());
    }
}
