//! Sinks that store claims, entity mentions and the per-document ledger, behind one
//! [`ClaimSink`] trait: JSONL and CSV files, SQLite and PostgreSQL databases, Parquet files.
//! Sinks are chosen from the `--out` target by [`open_sink`].
//!
//! The table sinks share one relational shape ([`rows`]): claims, entities, claim evidence and
//! documents, keyed by deterministic ids plus the models, so re-running a corpus adds nothing and
//! a changed model adds its own rows. The databases commit in batches of documents, so a killed
//! run leaves whole documents only, and [`ClaimSink::committed`] tells a resumed run which to skip.

mod atomic;
mod csv;
mod error;
mod jsonl;
mod parquet;
mod postgres;
mod read;
pub mod rows;
mod sqlite;

pub use crate::csv::{
    read_csv, read_csv_documents, read_csv_table, read_csv_with, CsvCells, CsvSink,
};
pub use crate::parquet::{read_parquet, read_parquet_documents, read_parquet_table, ParquetSink};
pub use atomic::PartialFile;
pub use error::{Error, Result, RowError};
pub use jsonl::{JsonlSink, StdoutSink};
pub use postgres::{pg_escape, pg_unescape, redact, PostgresSink, PG_SCHEMA_VERSION};
pub use read::{DatabaseReader, PageKey};
pub use sqlite::{SqliteSink, BUSY_WAIT, SCHEMA_VERSION};

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use claimex_core::{Claim, DocumentMeta, DocumentRecord, EntitySpan, ModelIds, SourceRef};

/// Facts about a run that sinks record with their rows.
#[derive(Debug, Clone)]
pub struct RunInfo {
    /// Identifier of the NER model.
    pub ner_model: String,
    /// Identifier of the claim-building method.
    pub relations_model: String,
    /// The command line or configuration, for the record.
    pub config: String,
    /// Documents per transaction in the databases: a killed run loses at most this many.
    pub docs_per_transaction: usize,
    /// How CSV text cells that a spreadsheet would run as a formula are written.
    pub csv_cells: CsvCells,
}

/// Default for [`RunInfo::docs_per_transaction`]: big enough to amortise commits, small enough
/// that a crash loses little work.
pub const DOCS_PER_TRANSACTION: usize = 500;

/// What the pipeline produced for one input document.
#[derive(Debug, Clone, Copy)]
pub struct DocumentOutput<'a> {
    /// The ledger record (every document has one, processed or not).
    pub record: &'a DocumentRecord,
    /// Entity mentions, in document order (none for skipped documents).
    pub entities: &'a [EntitySpan],
    /// Claims (none for skipped documents).
    pub claims: &'a [Claim],
    /// Headline, URL, publication time and the rest (processed documents).
    pub meta: Option<&'a DocumentMeta>,
    /// The cleaned text every offset points into (processed documents).
    pub text: Option<&'a str>,
    /// The models that made it, when they are not the run's own (a document copied by
    /// `claimex export` keeps its models).
    pub models: Option<&'a ModelIds>,
}

/// A document's output owned, as read back from a sink.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnedDocument {
    /// The models of the run that wrote it.
    pub models: ModelIds,
    /// The ledger record.
    pub record: DocumentRecord,
    /// Entity mentions.
    pub entities: Vec<EntitySpan>,
    /// Claims.
    pub claims: Vec<Claim>,
    /// Headline, URL, publication time and the rest (empty when unknown).
    pub meta: DocumentMeta,
    /// The cleaned text (processed documents).
    pub text: Option<String>,
}

impl OwnedDocument {
    /// Borrowed view for [`ClaimSink::write_document`].
    pub fn output(&self) -> DocumentOutput<'_> {
        DocumentOutput {
            record: &self.record,
            entities: &self.entities,
            claims: &self.claims,
            meta: Some(&self.meta),
            text: self.text.as_deref(),
            models: Some(&self.models),
        }
    }
}

/// A document's identity ([`SourceRef::key`]: canonical source, line, content hash). Resuming
/// skips the documents whose key a sink already holds.
pub type DocKey = String;

/// The resume key of a document read from `source`.
pub fn doc_key(source: &SourceRef) -> DocKey {
    source.key.clone()
}

/// A destination for claims. The pipeline calls [`ClaimSink::write_document`] once per input
/// document (processed or not), in input order, then [`ClaimSink::finish`] once.
pub trait ClaimSink {
    /// Stores one document's ledger record, mentions and claims.
    fn write_document(&mut self, doc: &DocumentOutput) -> Result<()>;
    /// Makes what was written so far durable where the sink can (a database commits); the
    /// pipeline calls it after each chunk of documents, before the chunk's ledger lines are
    /// written, so the ledger is never ahead of the sinks.
    fn commit(&mut self) -> Result<()> {
        Ok(())
    }
    /// Flushes and commits everything; the output is complete only after this returns.
    fn finish(self: Box<Self>) -> Result<()>;
    /// The run failed with `error`: a file sink removes its unfinished file, a database rolls
    /// back what it had not committed and marks its run `failed` with the error.
    fn abort(self: Box<Self>, error: &str) {
        let _ = error;
    }
    /// Where the sink writes, for messages.
    fn target(&self) -> String;
    /// The documents this sink already holds for this run's models, processed or marked
    /// duplicates (a skipped document is tried again), for `--resume`; `None` for sinks that are
    /// rewritten whole (files).
    fn committed(&mut self) -> Result<Option<HashSet<DocKey>>> {
        Ok(None)
    }
}

/// The file a sink target writes to (`sqlite://PATH` is `PATH`; any other target is a path).
pub fn target_path(target: &str) -> &Path {
    Path::new(target.strip_prefix("sqlite://").unwrap_or(target))
}

/// The file a target writes to, or `None` for a database server URL and for `-` (standard
/// output).
pub fn target_file(target: &str) -> Option<&Path> {
    (!is_postgres(target) && target != STDOUT).then(|| target_path(target))
}

/// The target that writes claims as JSONL to standard output.
pub const STDOUT: &str = "-";

/// A companion file of a flat sink's claims file: `claims.parquet` with `"mentions"` is
/// `claims.mentions.parquet`.
pub fn companion(path: &Path, table: &str) -> PathBuf {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let extension = path.extension().unwrap_or_default().to_string_lossy();
    path.with_file_name(format!("{stem}.{table}.{extension}"))
}

/// Every file a target writes: the claims file, and for CSV and Parquet its mentions and
/// documents companions ([`companion`]); none for a database server or standard output.
pub fn flat_files(target: &str) -> Vec<PathBuf> {
    let Some(path) = target_file(target) else {
        return vec![];
    };
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let mut files = vec![path.to_path_buf()];
    if matches!(extension.as_deref(), Some("csv" | "parquet")) && !target.starts_with("sqlite://") {
        files.push(companion(path, "mentions"));
        files.push(companion(path, "documents"));
    }
    files
}

/// True for `postgres://` and `postgresql://` URLs.
pub fn is_postgres(target: &str) -> bool {
    target.starts_with("postgres://") || target.starts_with("postgresql://")
}

/// True for targets that open a database (SQLite or PostgreSQL): the sinks that keep every
/// table, runs and the ledger, and so can resume.
pub fn is_database(target: &str) -> bool {
    is_postgres(target)
        || target.starts_with("sqlite://")
        || matches!(
            target_path(target)
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase)
                .as_deref(),
            Some("db" | "sqlite" | "sqlite3")
        )
}

/// Opens the sink for `target` by its form: `-` JSONL on standard output, `*.jsonl` (or
/// `*.ndjson`) a JSONL file, `*.csv` and `*.parquet` a file of claims with its mentions and
/// documents companions ([`flat_files`]), `*.db`,
/// `*.sqlite`, `*.sqlite3` or `sqlite://PATH` an SQLite database, `postgres://...` a PostgreSQL
/// database.
pub fn open_sink(target: &str, run: &RunInfo) -> Result<Box<dyn ClaimSink>> {
    if target == STDOUT {
        return Ok(Box::new(StdoutSink::new()));
    }
    if is_postgres(target) {
        return Ok(Box::new(PostgresSink::open(target, run)?));
    }
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
        Some("csv") => Ok(Box::new(CsvSink::create(path, run)?)),
        Some("parquet") => Ok(Box::new(ParquetSink::create(path, run)?)),
        Some("db" | "sqlite" | "sqlite3") => Ok(Box::new(SqliteSink::open(path, run)?)),
        _ => Err(Error::UnknownTarget(target.to_string())),
    }
}

impl DatabaseReader {
    /// Opens an SQLite file (`claims.db`, `sqlite://PATH`) or a `postgres://` URL for reading,
    /// checked to be at the current schema version.
    pub fn open(target: &str) -> Result<Self> {
        Ok(if is_postgres(target) {
            DatabaseReader::new(Box::new(postgres::PgReader::open(target)?))
        } else {
            DatabaseReader::new(Box::new(sqlite::SqliteReader::open(target_path(target))?))
        })
    }
}

/// Everything an SQLite claimex database holds, read back as records: for tests and small
/// databases. Documents come in (source, line, models) order with their claims (by claim id) and
/// mentions (by offset). `claimex export` reads page by page ([`DatabaseReader`]).
pub fn read_sqlite(path: &Path) -> Result<Vec<OwnedDocument>> {
    DatabaseReader::open(&format!("sqlite://{}", path.display()))?.read_all()
}

/// Everything a claimex PostgreSQL database holds, read back as records (see [`read_sqlite`]).
pub fn read_postgres(url: &str) -> Result<Vec<OwnedDocument>> {
    DatabaseReader::open(url)?.read_all()
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
            docs_per_transaction: DOCS_PER_TRANSACTION,
            csv_cells: CsvCells::default(),
        }
    }

    fn record(line: u64, claims: usize) -> DocumentRecord {
        DocumentRecord {
            doc_id: Some(format!("d{line}")),
            source: SourceRef {
                path: "in.jsonl".into(),
                line: Some(line),
                key: format!("doc:{line}"),
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
            also_stated: vec![],
            document: Default::default(),
        }
    }

    fn out<'a>(record: &'a DocumentRecord, claims: &'a [Claim]) -> DocumentOutput<'a> {
        DocumentOutput {
            record,
            entities: &[],
            claims,
            meta: None,
            text: None,
            models: None,
        }
    }

    const HOSTILE: &str = "Robert'); DROP TABLE claims;-- said \"hi\"\n\ttabs\u{0} NUL, ünïcödé 🙂";

    #[test]
    fn jsonl_round_trips_hostile_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.jsonl");
        let mut sink = open_sink(path.to_str().unwrap(), &run()).unwrap();
        sink.write_document(&out(&record(1, 1), &[claim("a", HOSTILE)]))
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
        sink.write_document(&out(&record(1, 1), &[claim("a", "x")]))
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
        sink.write_document(&out(&record(1, 1), &[claim("a", HOSTILE)]))
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
            sink.write_document(&out(&record(1, 2), &[claim("a", "x"), claim("b", "y")]))
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
