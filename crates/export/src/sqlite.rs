use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{params, params_from_iter, Connection, ToSql};

use crate::rows::{self, Cell, Kind, Table, CLAIMS, DOCUMENTS, ENTITIES, EVIDENCE};
use crate::{ClaimSink, DocKey, DocumentOutput, Error, Result, RunInfo};

/// Version of the schema below, kept in SQLite's `user_version`.
pub const SCHEMA_VERSION: i64 = 3;

/// How long a run waits for another writer of the same database to commit before it fails.
/// Runs hold the write lock only while they store a chunk of documents, so two runs on one
/// file take turns.
pub const BUSY_WAIT: Duration = Duration::from_secs(60);

fn sqlite_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Int => "INTEGER",
        Kind::Real => "REAL",
        Kind::Text => "TEXT",
    }
}

const RUNS: &str = "
CREATE TABLE runs (
    run_id          INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    finished_at     TEXT,
    status          TEXT NOT NULL DEFAULT 'running',
    error           TEXT,
    ner_model       TEXT NOT NULL,
    relations_model TEXT NOT NULL,
    config          TEXT NOT NULL,
    documents       INTEGER NOT NULL DEFAULT 0,
    claims          INTEGER NOT NULL DEFAULT 0
);
";

/// The whole current schema, for a new database.
fn schema() -> String {
    let run_id = "run_id INTEGER NOT NULL REFERENCES runs(run_id)";
    [&DOCUMENTS, &ENTITIES, &CLAIMS, &EVIDENCE]
        .iter()
        .fold(RUNS.to_string(), |sql, t| {
            sql + &rows::create_sql(t, run_id, sqlite_type)
        })
}

/// From version 1 (claimex 0.1's first release), which kept documents by source only and claims by
/// claim id only, so a changed model overwrote nothing but also could not add its own rows. Version 2 keyed
/// both by model, added entity ids to claims, and added the entities and claim_evidence tables.
/// Existing rows are kept, with the models of the run that wrote them; the tables are created as
/// the current version has them, with the document keys version 2 rows get
/// ([`rows::v2_doc_key_sql`]), so only the runs remain for [`MIGRATE_V2_TO_V3_RUNS`].
const MIGRATE_V1: &str = "
ALTER TABLE documents RENAME TO documents_v1;
ALTER TABLE claims RENAME TO claims_v1;
DROP INDEX IF EXISTS documents_doc_id;
DROP INDEX IF EXISTS claims_doc_id;
DROP INDEX IF EXISTS claims_subject;
DROP INDEX IF EXISTS claims_object;
DROP INDEX IF EXISTS claims_lemma;
DROP INDEX IF EXISTS claims_confidence;
{NEW_TABLES}
INSERT INTO documents ({DOCUMENTS_V2}, doc_key, run_id)
    SELECT d.source, d.line, r.ner_model, r.relations_model, d.doc_id, d.status, d.reason,
           d.sentences, d.entities, d.claims, 'v2:' || d.source || ':' || d.line, d.run_id
    FROM documents_v1 d JOIN runs r ON r.run_id = d.run_id;
INSERT INTO claims ({CLAIMS_V2}, doc_key, run_id)
    SELECT claim_id, ner_model, relations_model, doc_id, sentence_start, sentence_end,
           sentence_text, subject_text, subject_type, NULL, subject_start, subject_end,
           subject_score, predicate_text, predicate_lemma, predicate_start, predicate_end,
           object_text, object_type, NULL, object_start, object_end, object_score, relation,
           modality, attribution_text, attribution_type, attribution_cue, confidence,
           {DOC_KEY}, run_id
    FROM claims_v1 x;
INSERT INTO claim_evidence ({EVIDENCE_V2}, doc_key, run_id)
    SELECT claim_id, ner_model, relations_model, doc_id, sentence_start, sentence_end,
           min(subject_start, predicate_start, coalesce(object_start, subject_start)),
           max(subject_end, predicate_end, coalesce(object_end, subject_end)), {DOC_KEY}, run_id
    FROM claims_v1 x;
DROP TABLE documents_v1;
DROP TABLE claims_v1;
";

/// Version 3 records how each run ended: `status` is `running`, `finished` or `failed` (with the
/// `error`). Runs of older versions are `finished` when they have a `finished_at`, else `failed`
/// (killed or failed; version 2 could not tell).
const MIGRATE_V2_TO_V3_RUNS: &str = "
ALTER TABLE runs ADD COLUMN status TEXT NOT NULL DEFAULT 'running';
ALTER TABLE runs ADD COLUMN error TEXT;
UPDATE runs SET status = CASE WHEN finished_at IS NULL THEN 'failed' ELSE 'finished' END;
";

/// Version 3 also keys documents, and the rows that hang off them, by document key
/// ([`rows::v2_doc_key_sql`] says what rows of version 2 get). SQLite cannot change a primary
/// key in place, so each table is rebuilt.
fn migrate_v2_to_v3() -> String {
    let tables = [&DOCUMENTS, &ENTITIES, &CLAIMS, &EVIDENCE];
    let mut sql = MIGRATE_V2_TO_V3_RUNS.to_string();
    for t in tables {
        sql += &format!("ALTER TABLE {0} RENAME TO {0}_v2;\n", t.name);
    }
    // Version 2's index names, which the new tables reuse.
    for (table, columns) in [
        ("documents", &["doc_id"][..]),
        ("entities", &["entity_id", "text", "type"][..]),
        (
            "claims",
            &[
                "doc_id",
                "subject_entity",
                "object_entity",
                "subject_text",
                "object_text",
                "predicate_lemma",
                "relation",
                "confidence",
            ][..],
        ),
        ("claim_evidence", &["doc_id"][..]),
    ] {
        for column in columns {
            sql += &format!("DROP INDEX IF EXISTS {table}_{column};\n");
        }
    }
    // Documents first: the other tables take their keys from them.
    for t in tables {
        sql += &rows::create_sql(
            t,
            "run_id INTEGER NOT NULL REFERENCES runs(run_id)",
            sqlite_type,
        );
        let old = rows::v2_columns(t);
        let from: Vec<String> = old.iter().map(|c| format!("x.{c}")).collect();
        sql += &format!(
            "INSERT INTO {0} ({1}, doc_key, run_id) SELECT {2}, {3}, x.run_id FROM {0}_v2 x;\n",
            t.name,
            old.join(", "),
            from.join(", "),
            rows::v2_doc_key_sql(t)
        );
    }
    for t in tables {
        sql += &format!("DROP TABLE {}_v2;\n", t.name);
    }
    sql
}

/// Writes claims, entity mentions, evidence spans and the document ledger into an SQLite
/// database (created if needed, migrated if older). Rows are keyed by their deterministic ids and
/// the models, so re-running a corpus adds nothing and a changed model adds its own rows.
pub struct SqliteSink {
    path: PathBuf,
    conn: Connection,
    run: RunInfo,
    run_id: i64,
    inserts: Inserts,
    /// Documents stored in the open write transaction; `None` when none is open.
    docs_in_transaction: Option<usize>,
    documents: i64,
    claims: i64,
}

impl ToSql for Cell {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Cell::Int(Some(v)) => ToSqlOutput::Owned(Value::Integer(*v)),
            Cell::Real(Some(v)) => ToSqlOutput::Owned(Value::Real(*v)),
            Cell::Text(Some(v)) => ToSqlOutput::Borrowed(ValueRef::Text(v.as_bytes())),
            _ => ToSqlOutput::Owned(Value::Null),
        })
    }
}

/// `INSERT` of one row into `table` plus `run_id`, with [`rows::on_conflict_sql`].
fn insert_sql(table: &Table, update: bool) -> String {
    let names: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
    let marks: Vec<String> = (1..=names.len() + 1).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT INTO {} ({}, run_id) VALUES ({}) {}",
        table.name,
        names.join(", "),
        marks.join(", "),
        rows::on_conflict_sql(table, update)
    )
}

/// The four insert statements, built once per sink rather than once per row.
struct Inserts {
    documents: String,
    entities: String,
    claims: String,
    evidence: String,
}

impl Inserts {
    fn new() -> Inserts {
        Inserts {
            documents: insert_sql(&DOCUMENTS, true),
            entities: insert_sql(&ENTITIES, false),
            claims: insert_sql(&CLAIMS, false),
            evidence: insert_sql(&EVIDENCE, false),
        }
    }
}

impl SqliteSink {
    /// Opens or creates the database at `path`, migrates it, and records a new run. Another
    /// writer of the same file is waited for up to [`BUSY_WAIT`] each time.
    pub fn open(path: &Path, run: &RunInfo) -> Result<SqliteSink> {
        SqliteSink::open_waiting(path, run, BUSY_WAIT)
    }

    /// [`SqliteSink::open`] waiting at most `wait` for another writer.
    pub fn open_waiting(path: &Path, run: &RunInfo, wait: Duration) -> Result<SqliteSink> {
        let db = |source| Error::Sqlite {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(db)?;
        conn.busy_timeout(wait).map_err(db)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
        )
        .map_err(|e| locked_or(&conn, path, None, e))?;
        migrate(&conn, path)?;
        conn.execute(
            "INSERT INTO runs (ner_model, relations_model, config, status) VALUES (?1, ?2, ?3, 'running')",
            params![run.ner_model, run.relations_model, run.config],
        )
        .map_err(|e| locked_or(&conn, path, None, e))?;
        let run_id = conn.last_insert_rowid();
        Ok(SqliteSink {
            path: path.to_path_buf(),
            conn,
            run: run.clone(),
            run_id,
            inserts: Inserts::new(),
            docs_in_transaction: None,
            documents: 0,
            claims: 0,
        })
    }

    fn db(&self, source: rusqlite::Error) -> Error {
        locked_or(&self.conn, &self.path, Some(self.run_id), source)
    }

    /// Commits the open write transaction, if any.
    fn commit_open(&mut self) -> Result<()> {
        if self.docs_in_transaction.take().is_some() {
            self.conn.execute_batch("COMMIT").map_err(|e| self.db(e))?;
        }
        Ok(())
    }

    fn insert_row(&self, sql: &str, row: &[Cell]) -> rusqlite::Result<()> {
        let run_id = Cell::Int(Some(self.run_id));
        self.conn
            .prepare_cached(sql)?
            .execute(params_from_iter(row.iter().chain([&run_id])))?;
        Ok(())
    }

    fn insert(&mut self, doc: &DocumentOutput) -> rusqlite::Result<()> {
        let sql = &self.inserts;
        let rows = rows::document_rows(doc, &self.run);
        self.insert_row(&sql.documents, &rows.document)?;
        for row in &rows.entities {
            self.insert_row(&sql.entities, row)?;
        }
        for row in &rows.claims {
            self.insert_row(&sql.claims, row)?;
        }
        for row in &rows.evidence {
            self.insert_row(&sql.evidence, row)?;
        }
        Ok(())
    }
}

/// `source`, or when it is SQLite's "database is locked" after the wait, an error that names
/// the runs still writing to the database (its runs whose status is `running`, but `own`).
fn locked_or(conn: &Connection, path: &Path, own: Option<i64>, source: rusqlite::Error) -> Error {
    if source.sqlite_error_code() != Some(rusqlite::ErrorCode::DatabaseBusy) {
        return Error::Sqlite {
            path: path.to_path_buf(),
            source,
        };
    }
    let holders = conn
        .prepare(
            "SELECT run_id, started_at FROM runs WHERE status = 'running' AND run_id != ?1 ORDER BY run_id",
        )
        .and_then(|mut stmt| {
            stmt.query_map([own.unwrap_or(-1)], |r| {
                Ok(format!(
                    "run {} (started {})",
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?
                ))
            })?
            .collect::<rusqlite::Result<Vec<String>>>()
        })
        .unwrap_or_default();
    Error::DatabaseLocked {
        path: path.to_path_buf(),
        waited: conn
            .pragma_query_value(None, "busy_timeout", |r| r.get::<_, i64>(0))
            .map_or(0.0, |ms| ms as f64 / 1000.0),
        holders: if holders.is_empty() {
            "another process".into()
        } else {
            // A killed run cannot mark itself, so these are the candidates, not a certainty.
            format!(
                "another writer (runs this database lists as running: {})",
                holders.join(", ")
            )
        },
    }
}

/// Brings the database to [`SCHEMA_VERSION`] in one transaction that holds the write lock from
/// the start, so that two runs opening a new database do not both create it.
fn migrate(conn: &Connection, path: &Path) -> Result<()> {
    let db = |source| locked_or(conn, path, None, source);
    // Foreign keys cannot be switched inside a transaction; version 1's tables are renamed.
    conn.execute_batch("PRAGMA foreign_keys = OFF; BEGIN IMMEDIATE")
        .map_err(db)?;
    let steps = (|| -> Result<()> {
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
        if version == 0 {
            return conn.execute_batch(&schema()).map_err(db);
        }
        if version == 1 {
            let new_tables: String = [&DOCUMENTS, &ENTITIES, &CLAIMS, &EVIDENCE]
                .iter()
                .map(|t| {
                    rows::create_sql(
                        t,
                        "run_id INTEGER NOT NULL REFERENCES runs(run_id)",
                        sqlite_type,
                    )
                })
                .collect();
            // From the new documents table, filled first and indexed on doc_id.
            let doc_key = "coalesce((SELECT min(d.doc_key) FROM documents d \
                 WHERE d.doc_id = x.doc_id AND d.status = 'processed'), 'v2:' || x.doc_id)";
            let steps = MIGRATE_V1
                .replace("{NEW_TABLES}", &new_tables)
                .replace("{DOC_KEY}", doc_key)
                .replace("{DOCUMENTS_V2}", &rows::v2_columns(&DOCUMENTS).join(", "))
                .replace("{CLAIMS_V2}", &rows::v2_columns(&CLAIMS).join(", "))
                .replace("{EVIDENCE_V2}", &rows::v2_columns(&EVIDENCE).join(", "));
            conn.execute_batch(&format!("{steps}{MIGRATE_V2_TO_V3_RUNS}"))
                .map_err(db)?;
        }
        if version == 2 {
            conn.execute_batch(&migrate_v2_to_v3()).map_err(db)?;
        }
        Ok(())
    })();
    let end = match steps {
        Ok(()) => format!("PRAGMA user_version = {SCHEMA_VERSION}; COMMIT"),
        Err(_) => "ROLLBACK".to_string(),
    };
    let ended = conn
        .execute_batch(&format!("{end}; PRAGMA foreign_keys = ON;"))
        .map_err(db);
    steps.and(ended)
}

impl ClaimSink for SqliteSink {
    fn write_document(&mut self, doc: &DocumentOutput) -> Result<()> {
        if self.docs_in_transaction.is_none() {
            // IMMEDIATE takes the write lock now, waiting for another writer if need be.
            self.conn
                .execute_batch("BEGIN IMMEDIATE")
                .map_err(|e| self.db(e))?;
            self.docs_in_transaction = Some(0);
        }
        self.insert(doc).map_err(|e| self.db(e))?;
        self.documents += 1;
        self.claims += doc.claims.len() as i64;
        let stored = self.docs_in_transaction.map_or(1, |n| n + 1);
        self.docs_in_transaction = Some(stored);
        if stored >= self.run.docs_per_transaction.max(1) {
            self.commit_open()?;
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<()> {
        self.commit_open()
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        let done = self.commit_open().and_then(|()| {
            self.conn
                .execute(
                    "UPDATE runs SET finished_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), status = 'finished',
                     documents = ?1, claims = ?2 WHERE run_id = ?3",
                    params![self.documents, self.claims, self.run_id],
                )
                .map_err(|e| self.db(e))
        });
        match done {
            Ok(_) => Ok(()),
            Err(error) => {
                let message = error.to_string();
                self.abort(&message);
                Err(error)
            }
        }
    }

    fn abort(mut self: Box<Self>, error: &str) {
        if self.docs_in_transaction.take().is_some() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        // Best effort: the run is failing already, and its error is what the user sees.
        let _ = self.conn.execute(
            "UPDATE runs SET finished_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), status = 'failed',
             error = ?1, documents = ?2, claims = ?3 WHERE run_id = ?4",
            params![error, self.documents, self.claims, self.run_id],
        );
    }

    fn target(&self) -> String {
        self.path.display().to_string()
    }

    fn committed(&mut self) -> Result<Option<HashSet<DocKey>>> {
        let mut stmt = self
            .conn
            .prepare("SELECT doc_key FROM documents WHERE ner_model = ?1 AND relations_model = ?2 AND status <> 'skipped'")
            .map_err(|e| self.db(e))?;
        let keys = stmt
            .query_map(params![self.run.ner_model, self.run.relations_model], |r| {
                r.get::<_, String>(0)
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<HashSet<DocKey>>>())
            .map_err(|e| self.db(e))?;
        Ok(Some(keys))
    }
}

fn cell_of(value: ValueRef<'_>, kind: Kind) -> Cell {
    match (value, kind) {
        (ValueRef::Null, Kind::Int) => Cell::Int(None),
        (ValueRef::Null, Kind::Real) => Cell::Real(None),
        (ValueRef::Null, Kind::Text) => Cell::Text(None),
        (ValueRef::Integer(v), Kind::Real) => Cell::Real(Some(v as f64)),
        (ValueRef::Integer(v), _) => Cell::Int(Some(v)),
        (ValueRef::Real(v), _) => Cell::Real(Some(v)),
        (ValueRef::Text(t) | ValueRef::Blob(t), _) => {
            Cell::Text(Some(String::from_utf8_lossy(t).into_owned()))
        }
    }
}

/// An SQLite database opened read-only for [`crate::DatabaseReader`].
pub(crate) struct SqliteReader {
    conn: Connection,
    path: PathBuf,
}

impl SqliteReader {
    pub(crate) fn open(path: &Path) -> Result<Self> {
        let db = |source| Error::Sqlite {
            path: path.to_path_buf(),
            source,
        };
        if !path.is_file() {
            return Err(Error::Io {
                path: path.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such database"),
            });
        }
        let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(db)?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(db)?;
        if version != SCHEMA_VERSION {
            return Err(Error::SchemaMismatch {
                path: path.to_path_buf(),
                found: version,
                expected: SCHEMA_VERSION,
            });
        }
        Ok(SqliteReader {
            conn,
            path: path.to_path_buf(),
        })
    }
}

impl crate::read::Select for SqliteReader {
    fn select(
        &mut self,
        table: &Table,
        tail: &str,
        params: &[crate::read::Param],
    ) -> Result<Vec<Vec<Cell>>> {
        let db = |source| Error::Sqlite {
            path: self.path.clone(),
            source,
        };
        let names: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {} FROM {} {tail}",
                names.join(", "),
                table.name
            ))
            .map_err(db)?;
        let values = params.iter().map(|p| match p {
            crate::read::Param::Text(t) => Value::Text(t.clone()),
            crate::read::Param::Int(i) => Value::Integer(*i),
        });
        let rows = stmt
            .query_map(params_from_iter(values), |r| {
                (0..table.columns.len())
                    .map(|i| Ok(cell_of(r.get_ref(i)?, table.columns[i].kind)))
                    .collect::<rusqlite::Result<Vec<Cell>>>()
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(db)?;
        Ok(rows)
    }

    fn dialect(&self) -> crate::read::Dialect {
        crate::read::Dialect::Sqlite
    }

    fn name(&self) -> String {
        self.path.display().to_string()
    }
}
