//! Sinks that store claims and the per-document ledger: JSONL files and SQLite databases, behind
//! one [`ClaimSink`] trait. Sinks are chosen from the `--out` target by [`open_sink`].
//!
//! Writes are idempotent where the target allows it: claim ids are deterministic, so writing the
//! same claims into the same SQLite database twice adds no rows.

mod error;
mod jsonl;
mod sqlite;

pub use error::{Error, Result};
pub use jsonl::JsonlSink;
pub use sqlite::{SqliteSink, SCHEMA_VERSION};

use std::path::Path;

use claimex_core::{Claim, DocumentRecord};

/// Facts about a run that sinks record with their rows.
#[derive(Debug, Clone)]
pub struct RunInfo {
    /// Identifier of the NER model.
    pub ner_model: String,
    /// Identifier of the claim-building method.
    pub relations_model: String,
    /// The command line or configuration, for the record.
    pub config: String,
}

/// A destination for claims. The pipeline calls [`ClaimSink::write_document`] once per input
/// document (processed or not), in input order, then [`ClaimSink::finish`] once.
pub trait ClaimSink {
    /// Stores one document's ledger record and its claims (none for skipped documents).
    fn write_document(&mut self, record: &DocumentRecord, claims: &[Claim]) -> Result<()>;
    /// Flushes and commits everything; the output is complete only after this returns.
    fn finish(self: Box<Self>) -> Result<()>;
    /// Where the sink writes, for messages.
    fn target(&self) -> String;
}

/// The file a sink target writes to (`sqlite://PATH` is `PATH`; any other target is a path).
pub fn target_path(target: &str) -> &Path {
    Path::new(target.strip_prefix("sqlite://").unwrap_or(target))
}

/// Opens the sink for `target` by its form: `*.jsonl` (or `*.ndjson`) a JSONL file, `*.db`,
/// `*.sqlite`, `*.sqlite3` or `sqlite://PATH` an SQLite database.
pub fn open_sink(target: &str, run: &RunInfo) -> Result<Box<dyn ClaimSink>> {
    let path = target_path(target);
    if target.starts_with("sqlite://") {
        return Ok(Box::new(SqliteSink::open(path, run)?));
    }
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("jsonl" | "ndjson") => Ok(Box::new(JsonlSink::create(path)?)),
        Some("db" | "sqlite" | "sqlite3") => Ok(Box::new(SqliteSink::open(path, run)?)),
        _ => Err(Error::UnknownTarget(target.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use claimex_core::{Argument, DocStatus, Modality, ModelIds, Predicate, Sentence, SourceRef};

    fn run() -> RunInfo {
        RunInfo {
            ner_model: "ner@1".into(),
            relations_model: "rules-v0".into(),
            config: "test".into(),
        }
    }

    fn record(line: u64, claims: usize) -> DocumentRecord {
        DocumentRecord {
            doc_id: Some(format!("d{line}")),
            source: SourceRef {
                path: "in.jsonl".into(),
                line: Some(line),
            },
            status: DocStatus::Processed,
            reason: None,
            sentences: 1,
            entities: 2,
            claims,
        }
    }

    fn claim(id: &str, sentence: &str) -> Claim {
        let arg = |text: &str| Argument {
            text: text.into(),
            label: Some("ORG".into()),
            start: 0,
            end: 1,
            score: 0.9,
            entity: None,
        };
        Claim {
            claim_id: id.into(),
            doc_id: "d1".into(),
            sentence: Sentence {
                start: 0,
                end: sentence.chars().count(),
                text: sentence.into(),
            },
            subject: arg("Acme"),
            predicate: Predicate {
                text: "bought".into(),
                lemma: "buy".into(),
                start: 5,
                end: 11,
            },
            object: Some(arg("Beta")),
            relation: None,
            modality: Modality::Asserted,
            attribution: None,
            confidence: 0.5,
            model: ModelIds {
                ner: "ner@1".into(),
                relations: "rules-v0".into(),
            },
        }
    }

    const HOSTILE: &str = "Robert'); DROP TABLE claims;-- said \"hi\"\n\ttabs\u{0} NUL, ünïcödé 🙂";

    #[test]
    fn jsonl_round_trips_hostile_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.jsonl");
        let mut sink = open_sink(path.to_str().unwrap(), &run()).unwrap();
        sink.write_document(&record(1, 1), &[claim("a", HOSTILE)])
            .unwrap();
        sink.finish().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 1);
        let back: Claim = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(back, claim("a", HOSTILE));
    }

    #[test]
    fn jsonl_is_not_in_place_until_finished() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.jsonl");
        let mut sink = open_sink(path.to_str().unwrap(), &run()).unwrap();
        sink.write_document(&record(1, 1), &[claim("a", "x")])
            .unwrap();
        assert!(!path.exists());
        sink.finish().unwrap();
        assert!(path.exists());
    }

    #[test]
    fn sqlite_round_trips_hostile_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let mut sink = open_sink(path.to_str().unwrap(), &run()).unwrap();
        sink.write_document(&record(1, 1), &[claim("a", HOSTILE)])
            .unwrap();
        sink.finish().unwrap();
        let conn = rusqlite::Connection::open(&path).unwrap();
        let text: String = conn
            .query_row("SELECT sentence_text FROM claims", [], |r| r.get(0))
            .unwrap();
        assert_eq!(text, HOSTILE);
    }

    #[test]
    fn sqlite_rerun_adds_no_claims() {
        let dir = tempfile::tempdir().unwrap();
        let target = format!("sqlite://{}", dir.path().join("c.db").display());
        for _ in 0..2 {
            let mut sink = open_sink(&target, &run()).unwrap();
            sink.write_document(&record(1, 2), &[claim("a", "x"), claim("b", "y")])
                .unwrap();
            sink.finish().unwrap();
        }
        let conn = rusqlite::Connection::open(dir.path().join("c.db")).unwrap();
        let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(count("SELECT count(*) FROM claims"), 2);
        assert_eq!(count("SELECT count(*) FROM documents"), 1);
        assert_eq!(
            count("SELECT count(*) FROM runs WHERE finished_at IS NOT NULL"),
            2
        );
    }

    #[test]
    fn sqlite_refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute_batch("PRAGMA user_version = 99")
            .unwrap();
        let err = open_sink(path.to_str().unwrap(), &run()).err().unwrap();
        assert!(err.to_string().contains("schema version 99"));
    }

    #[test]
    fn unknown_target_names_the_choices() {
        let err = open_sink("claims.xlsx", &run()).err().unwrap();
        assert!(err.to_string().contains(".jsonl"));
    }

    #[test]
    fn unwritable_target_is_a_clear_error() {
        let err = open_sink("/no/such/dir/claims.jsonl", &run())
            .err()
            .unwrap();
        assert!(err.to_string().contains("/no/such/dir/claims.jsonl"));
    }
}
