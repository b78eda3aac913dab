use std::path::{Path, PathBuf};

use claimex_core::{Claim, DocumentRecord};
use rusqlite::{params, Connection};

use crate::{ClaimSink, Error, Result, RunInfo};

/// Version of the schema below, kept in SQLite's `user_version`.
pub const SCHEMA_VERSION: i64 = 1;

/// Documents per transaction: big enough to amortise commits, small enough that a crash loses
/// little work.
const DOCS_PER_TRANSACTION: usize = 500;

const SCHEMA_V1: &str = "
CREATE TABLE runs (
    run_id          INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    finished_at     TEXT,
    ner_model       TEXT NOT NULL,
    relations_model TEXT NOT NULL,
    config          TEXT NOT NULL,
    documents       INTEGER NOT NULL DEFAULT 0,
    claims          INTEGER NOT NULL DEFAULT 0
);
-- One row per input document, processed or not: the ledger. Keyed by where it was read from.
CREATE TABLE documents (
    source    TEXT NOT NULL,
    line      INTEGER NOT NULL,          -- 0 for whole-file documents
    doc_id    TEXT,
    status    TEXT NOT NULL,             -- processed | skipped | duplicate
    reason    TEXT,
    sentences INTEGER NOT NULL,
    entities  INTEGER NOT NULL,
    claims    INTEGER NOT NULL,
    run_id    INTEGER NOT NULL REFERENCES runs(run_id),
    PRIMARY KEY (source, line)
);
CREATE INDEX documents_doc_id ON documents(doc_id);
-- Offsets count Unicode characters into the document text.
CREATE TABLE claims (
    claim_id         TEXT PRIMARY KEY,
    doc_id           TEXT NOT NULL,
    sentence_start   INTEGER NOT NULL,
    sentence_end     INTEGER NOT NULL,
    sentence_text    TEXT NOT NULL,
    subject_text     TEXT NOT NULL,
    subject_type     TEXT,
    subject_start    INTEGER NOT NULL,
    subject_end      INTEGER NOT NULL,
    subject_score    REAL NOT NULL,
    predicate_text   TEXT NOT NULL,
    predicate_lemma  TEXT NOT NULL,
    predicate_start  INTEGER NOT NULL,
    predicate_end    INTEGER NOT NULL,
    object_text      TEXT,
    object_type      TEXT,
    object_start     INTEGER,
    object_end       INTEGER,
    object_score     REAL,
    relation         TEXT,
    modality         TEXT NOT NULL,
    attribution_text TEXT,
    attribution_type TEXT,
    attribution_cue  TEXT,
    confidence       REAL NOT NULL,
    ner_model        TEXT NOT NULL,
    relations_model  TEXT NOT NULL,
    run_id           INTEGER NOT NULL REFERENCES runs(run_id)
);
CREATE INDEX claims_doc_id ON claims(doc_id);
CREATE INDEX claims_subject ON claims(subject_text);
CREATE INDEX claims_object ON claims(object_text);
CREATE INDEX claims_lemma ON claims(predicate_lemma);
CREATE INDEX claims_confidence ON claims(confidence);
";

/// Writes claims and the document ledger into an SQLite database (created if needed). Claims are
/// inserted with `INSERT OR IGNORE` on their deterministic id, so re-running a corpus adds nothing.
pub struct SqliteSink {
    path: PathBuf,
    conn: Connection,
    run_id: i64,
    docs_in_transaction: usize,
    documents: i64,
    claims: i64,
}

impl SqliteSink {
    /// Opens or creates the database at `path`, migrates it, and records a new run.
    pub fn open(path: &Path, run: &RunInfo) -> Result<SqliteSink> {
        let db = |source| Error::Sqlite {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(db)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
        )
        .map_err(db)?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(db)?;
        if version > SCHEMA_VERSION {
            return Err(Error::SchemaTooNew {
                path: path.to_path_buf(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        if version < 1 {
            conn.execute_batch(&format!(
                "BEGIN; {SCHEMA_V1} PRAGMA user_version = 1; COMMIT;"
            ))
            .map_err(db)?;
        }
        conn.execute(
            "INSERT INTO runs (ner_model, relations_model, config) VALUES (?1, ?2, ?3)",
            params![run.ner_model, run.relations_model, run.config],
        )
        .map_err(db)?;
        let run_id = conn.last_insert_rowid();
        conn.execute_batch("BEGIN").map_err(db)?;
        Ok(SqliteSink {
            path: path.to_path_buf(),
            conn,
            run_id,
            docs_in_transaction: 0,
            documents: 0,
            claims: 0,
        })
    }

    fn db(&self, source: rusqlite::Error) -> Error {
        Error::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    fn insert(&mut self, record: &DocumentRecord, claims: &[Claim]) -> rusqlite::Result<()> {
        let status = serde_json::to_value(record.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        self.conn.prepare_cached(
            "INSERT INTO documents (source, line, doc_id, status, reason, sentences, entities, claims, run_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (source, line) DO UPDATE SET doc_id = excluded.doc_id, status = excluded.status,
               reason = excluded.reason, sentences = excluded.sentences, entities = excluded.entities,
               claims = excluded.claims, run_id = excluded.run_id",
        )?
        .execute(params![
            record.source.path,
            record.source.line.unwrap_or(0) as i64,
            record.doc_id,
            status,
            record.reason,
            record.sentences as i64,
            record.entities as i64,
            record.claims as i64,
            self.run_id,
        ])?;
        let mut insert_claim = self.conn.prepare_cached(
            "INSERT OR IGNORE INTO claims VALUES
             (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
              ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28)",
        )?;
        for c in claims {
            let o = c.object.as_ref();
            let a = c.attribution.as_ref();
            insert_claim.execute(params![
                c.claim_id,
                c.doc_id,
                c.sentence.start as i64,
                c.sentence.end as i64,
                c.sentence.text,
                c.subject.text,
                c.subject.label,
                c.subject.start as i64,
                c.subject.end as i64,
                c.subject.score,
                c.predicate.text,
                c.predicate.lemma,
                c.predicate.start as i64,
                c.predicate.end as i64,
                o.map(|o| &o.text),
                o.and_then(|o| o.label.as_ref()),
                o.map(|o| o.start as i64),
                o.map(|o| o.end as i64),
                o.map(|o| o.score),
                c.relation,
                c.modality.as_str(),
                a.map(|a| &a.text),
                a.and_then(|a| a.label.as_ref()),
                a.map(|a| &a.cue),
                c.confidence,
                c.model.ner,
                c.model.relations,
                self.run_id,
            ])?;
        }
        Ok(())
    }
}

impl ClaimSink for SqliteSink {
    fn write_document(&mut self, record: &DocumentRecord, claims: &[Claim]) -> Result<()> {
        self.insert(record, claims).map_err(|e| self.db(e))?;
        self.documents += 1;
        self.claims += claims.len() as i64;
        self.docs_in_transaction += 1;
        if self.docs_in_transaction >= DOCS_PER_TRANSACTION {
            self.conn
                .execute_batch("COMMIT; BEGIN")
                .map_err(|e| self.db(e))?;
            self.docs_in_transaction = 0;
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<()> {
        self.conn
            .execute(
                "UPDATE runs SET finished_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), documents = ?1, claims = ?2
                 WHERE run_id = ?3",
                params![self.documents, self.claims, self.run_id],
            )
            .map_err(|e| self.db(e))?;
        self.conn.execute_batch("COMMIT").map_err(|e| self.db(e))
    }

    fn target(&self) -> String {
        self.path.display().to_string()
    }
}
