//! claimex's labelled-fixture JSONL: one sentence (or short text) per line with its entities as
//! character offsets, the format teams use to label their own articles:
//!
//! ```json
//! {"id": "fx-1", "text": "Nordvolt will build a plant in Gdansk.",
//!  "entities": [{"start": 0, "end": 8, "type": "ORG", "text": "Nordvolt"},
//!               {"start": 31, "end": 37, "type": "LOC"}]}
//! ```
//!
//! Offsets count characters, `end` exclusive. `text` inside an entity is optional; when given it
//! must equal the slice, which catches offsets computed in bytes. Other fields (`id`, `claims`) are
//! allowed.

use std::path::Path;

use serde::Deserialize;

use crate::metrics::TypedSpan;
use crate::{Error, Result, TrainExample};

#[derive(Deserialize)]
struct FixtureLine {
    text: String,
    #[serde(default)]
    entities: Vec<FixtureEntity>,
}

#[derive(Deserialize)]
struct FixtureEntity {
    start: usize,
    end: usize,
    #[serde(rename = "type")]
    label: String,
    text: Option<String>,
}

/// Parses every non-blank line of a JSONL file, with its 1-based line number; a line that does
/// not parse is an error naming the file and the line.
pub(crate) fn read_jsonl<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<(usize, T)>> {
    let content = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    content
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| {
            serde_json::from_str(line)
                .map(|parsed| (n + 1, parsed))
                .map_err(|source| Error::Json {
                    path: path.to_path_buf(),
                    line: n + 1,
                    source,
                })
        })
        .collect()
}

/// Reads a labelled-fixture JSONL file. Any malformed line is an error naming file and line.
pub fn read_fixtures(path: &Path) -> Result<Vec<TrainExample>> {
    let mut examples = Vec::new();
    for (line, parsed) in read_jsonl::<FixtureLine>(path)? {
        let bad = |reason: String| Error::Format {
            path: path.to_path_buf(),
            line,
            reason,
        };
        let len = parsed.text.chars().count();
        let mut entities: Vec<TypedSpan> = Vec::with_capacity(parsed.entities.len());
        for e in &parsed.entities {
            if e.start >= e.end || e.end > len {
                return Err(bad(format!(
                    "entity {}..{} does not fit a text of {len} characters",
                    e.start, e.end
                )));
            }
            let slice: String = parsed
                .text
                .chars()
                .skip(e.start)
                .take(e.end - e.start)
                .collect();
            if let Some(expected) = &e.text {
                if *expected != slice {
                    return Err(bad(format!(
                        "entity {}..{} covers {slice:?}, not {expected:?} (offsets count characters, not bytes)",
                        e.start, e.end
                    )));
                }
            }
            entities.push(TypedSpan {
                start: e.start,
                end: e.end,
                label: e.label.clone(),
            });
        }
        entities.sort_by_key(|e| (e.start, e.end));
        if let Some(w) = entities.windows(2).find(|w| w[1].start < w[0].end) {
            return Err(bad(format!(
                "entities {}..{} and {}..{} overlap",
                w[0].start, w[0].end, w[1].start, w[1].end
            )));
        }
        examples.push(TrainExample {
            text: parsed.text,
            entities,
        });
    }
    Ok(examples)
}

/// Reads labelled sentences by file name: fixture JSONL (`.jsonl`), CoNLL04 JSON (`.json`), or
/// else a CoNLL column file.
pub fn read_examples(path: &Path) -> Result<Vec<TrainExample>> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if ext == "jsonl" {
        read_fixtures(path)
    } else if ext == "json" {
        Ok(crate::read_conll04(path)?
            .into_iter()
            .map(TrainExample::from)
            .collect())
    } else {
        Ok(crate::read_conll(path)?
            .iter()
            .map(TrainExample::from)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<TrainExample>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.jsonl");
        std::fs::write(&path, text).unwrap();
        read_examples(&path)
    }

    #[test]
    fn reads_character_offsets() {
        let ex = read(r#"{"id":"a","text":"Zoë met Acme.","entities":[{"start":0,"end":3,"type":"PER","text":"Zoë"},{"start":8,"end":12,"type":"ORG"}]}"#).unwrap();
        assert_eq!(ex[0].entities.len(), 2);
        assert_eq!(ex[0].entities[1].label, "ORG");
    }

    #[test]
    fn byte_offsets_are_caught_by_the_entity_text() {
        let err = read(r#"{"text":"Zoë met Acme.","entities":[{"start":9,"end":13,"type":"ORG","text":"Acme"}]}"#).unwrap_err();
        assert!(err.to_string().contains(":1: entity 9..13 covers"), "{err}");
    }

    #[test]
    fn rejects_spans_outside_the_text_and_overlaps() {
        assert!(
            read(r#"{"text":"Short","entities":[{"start":2,"end":9,"type":"X"}]}"#)
                .unwrap_err()
                .to_string()
                .contains("does not fit")
        );
        let overlap = r#"{"text":"New York City","entities":[{"start":0,"end":8,"type":"LOC"},{"start":4,"end":13,"type":"LOC"}]}"#;
        assert!(read(overlap).unwrap_err().to_string().contains("overlap"));
    }

    #[test]
    fn malformed_line_names_its_number() {
        let err = read("{\"text\":\"ok\"}\n{broken\n").unwrap_err();
        assert!(err.to_string().contains("f.jsonl:2:"), "{err}");
    }
}
