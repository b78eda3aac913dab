//! CoNLL04 in the JSON layout that SpERT popularised: one JSON array of sentences, each with
//! `tokens`, `entities` (`type`, token `start`, exclusive token `end`) and `relations` (`type`,
//! `head` and `tail` as indices into `entities`).
//!
//! ```json
//! [{"tokens": ["Maja", "Lindqvist", "runs", "Nordvolt", "."],
//!   "entities": [{"type": "Peop", "start": 0, "end": 2}, {"type": "Org", "start": 3, "end": 4}],
//!   "relations": [{"type": "Work_For", "head": 0, "tail": 1}]}]
//! ```

use std::path::Path;

use serde::Deserialize;

use crate::conll::join_tokens;
use crate::metrics::TypedSpan;
use crate::{Error, Result, TrainExample};

/// A typed, directed relation between two entities of a [`RelationSentence`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Relation {
    /// Relation type, e.g. `Work_For`.
    pub label: String,
    /// Index of the first argument in the sentence's entities.
    pub head: usize,
    /// Index of the second argument.
    pub tail: usize,
}

/// A sentence with gold entities (character spans over `text`) and relations between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationSentence {
    /// Tokens joined by single spaces.
    pub text: String,
    /// Gold entities, in the file's order (relations index into this list).
    pub entities: Vec<TypedSpan>,
    /// Gold relations.
    pub relations: Vec<Relation>,
}

impl From<RelationSentence> for TrainExample {
    fn from(s: RelationSentence) -> Self {
        let mut entities = s.entities;
        entities.sort_by_key(|e| (e.start, e.end));
        TrainExample {
            text: s.text,
            entities,
        }
    }
}

/// The entity types that occur in `data`, sorted, each once.
pub fn entity_types(data: &[RelationSentence]) -> Vec<String> {
    crate::label_set(
        data.iter()
            .flat_map(|s| s.entities.iter().map(|e| e.label.clone())),
    )
}

#[derive(Deserialize)]
struct Record {
    tokens: Vec<String>,
    #[serde(default)]
    entities: Vec<RecordEntity>,
    #[serde(default)]
    relations: Vec<RecordRelation>,
}

#[derive(Deserialize)]
struct RecordEntity {
    #[serde(rename = "type")]
    label: String,
    start: usize,
    end: usize,
}

#[derive(Deserialize)]
struct RecordRelation {
    #[serde(rename = "type")]
    label: String,
    head: usize,
    tail: usize,
}

/// Reads a CoNLL04 JSON file. A record whose entity or relation indices do not fit is an error
/// naming the file and the record's position (0-based, as in the array).
pub fn read_conll04(path: &Path) -> Result<Vec<RelationSentence>> {
    let content = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let records: Vec<Record> =
        serde_json::from_str(&content).map_err(|source| Error::Conll04Json {
            path: path.to_path_buf(),
            line: source.line(),
            source,
        })?;
    records
        .into_iter()
        .enumerate()
        .map(|(n, record)| {
            let bad = |reason: String| Error::Record {
                path: path.to_path_buf(),
                record: n,
                reason,
            };
            let (text, spans) = join_tokens(&record.tokens);
            let entities = record
                .entities
                .iter()
                .map(|e| {
                    if e.start >= e.end || e.end > spans.len() {
                        return Err(bad(format!(
                            "entity tokens {}..{} do not fit {} tokens",
                            e.start,
                            e.end,
                            spans.len()
                        )));
                    }
                    Ok(TypedSpan {
                        start: spans[e.start].start,
                        end: spans[e.end - 1].end,
                        label: e.label.clone(),
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let relations = record
                .relations
                .iter()
                .map(|r| {
                    if r.head >= entities.len() || r.tail >= entities.len() {
                        return Err(bad(format!(
                            "relation {} joins entities {} and {}, but there are {}",
                            r.label,
                            r.head,
                            r.tail,
                            entities.len()
                        )));
                    }
                    Ok(Relation {
                        label: r.label.clone(),
                        head: r.head,
                        tail: r.tail,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(RelationSentence {
                text,
                entities,
                relations,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<RelationSentence>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.json");
        std::fs::write(&path, text).unwrap();
        read_conll04(&path)
    }

    #[test]
    fn token_spans_become_character_spans() {
        let s = read(
            r#"[{"tokens":["Maja","Lindqvist","runs","Nordvolt","."],
                "entities":[{"type":"Peop","start":0,"end":2},{"type":"Org","start":3,"end":4}],
                "relations":[{"type":"Work_For","head":0,"tail":1}],"orig_id":7}]"#,
        )
        .unwrap();
        assert_eq!(s[0].text, "Maja Lindqvist runs Nordvolt .");
        let e = &s[0].entities;
        assert_eq!(&s[0].text[e[0].start..e[0].end], "Maja Lindqvist");
        assert_eq!(&s[0].text[e[1].start..e[1].end], "Nordvolt");
        assert_eq!(s[0].relations[0].label, "Work_For");
    }

    #[test]
    fn bad_indices_name_the_record() {
        let err = read(
            r#"[{"tokens":["a"]},{"tokens":["b"],"entities":[{"type":"Loc","start":0,"end":3}]}]"#,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("c.json: record 1: entity tokens 0..3"),
            "{err}"
        );
        let err = read(r#"[{"tokens":["a"],"entities":[{"type":"Loc","start":0,"end":1}],"relations":[{"type":"Kill","head":0,"tail":1}]}]"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("record 0: relation Kill"), "{err}");
    }

    #[test]
    fn not_json_names_the_line() {
        let err = read("[\n{\"tokens\": 3}\n]").unwrap_err().to_string();
        assert!(err.contains("c.json:2: not CoNLL04 JSON"), "{err}");
    }
}
