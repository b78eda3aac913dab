//! PostgreSQL sink: the same tables as SQLite, written by binary COPY into session staging
//! tables and moved into place with `INSERT … ON CONFLICT`, one transaction per batch of
//! documents.

use std::collections::HashSet;

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{to_sql_checked, IsNull, ToSql, Type};
use postgres::{Client, NoTls};

use crate::rows::{self, Cell, Kind, Table, CLAIMS, DOCUMENTS, ENTITIES, EVIDENCE};
use crate::{ClaimSink, DocKey, DocumentOutput, Error, Result, RunInfo};

/// Version of the PostgreSQL schema, kept in `claimex_schema`. It starts at 2 to match the
/// SQLite schema it mirrors.
pub const PG_SCHEMA_VERSION: i32 = 3;

/// Version 3 records how each run ended, and keys documents and the rows that hang off them by
/// document key (see the SQLite sink's migration; [`rows::v2_doc_key_sql`] says what rows of
/// version 2 get).
fn pg_migrate_v2_to_v3() -> String {
    let mut sql = "
ALTER TABLE runs ADD COLUMN status TEXT NOT NULL DEFAULT 'running';
ALTER TABLE runs ADD COLUMN error TEXT;
UPDATE runs SET status = CASE WHEN finished_at IS NULL THEN 'failed' ELSE 'finished' END;
"
    .to_string();
    // Documents first: the other tables take their keys from them.
    for t in [&DOCUMENTS, &ENTITIES, &CLAIMS, &EVIDENCE] {
        // The metadata columns that came with version 3, after doc_key.
        for column in t.columns.iter().skip(rows::v2_columns(t).len() + 1) {
            sql += &format!(
                "ALTER TABLE {} ADD COLUMN {} {};\n",
                t.name,
                column.name,
                pg_type(column.kind)
            );
        }
        sql += &format!(
            "ALTER TABLE {0} ADD COLUMN doc_key TEXT;
UPDATE {0} x SET doc_key = {1};
ALTER TABLE {0} ALTER COLUMN doc_key SET NOT NULL;
ALTER TABLE {0} DROP CONSTRAINT {0}_pkey;
ALTER TABLE {0} ADD PRIMARY KEY ({2});
",
            t.name,
            rows::v2_doc_key_sql(t),
            t.key.join(", ")
        );
    }
    sql + "CREATE INDEX documents_source ON documents (source);
CREATE INDEX documents_published_at ON documents (published_at);
CREATE INDEX documents_publisher ON documents (publisher);
CREATE INDEX entities_doc_id ON entities (doc_id);
CREATE INDEX claims_doc_key ON claims (doc_key);
CREATE INDEX claims_doc_published_at ON claims (doc_published_at);
CREATE INDEX claims_doc_source ON claims (doc_source);
CREATE INDEX claim_evidence_doc_key ON claim_evidence (doc_key);
"
}

fn pg_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Int => "BIGINT",
        Kind::Real => "DOUBLE PRECISION",
        Kind::Text => "TEXT",
    }
}

const RUNS: &str = "
CREATE TABLE runs (
    run_id          BIGSERIAL PRIMARY KEY,
    started_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at     TIMESTAMPTZ,
    status          TEXT NOT NULL DEFAULT 'running',
    error           TEXT,
    ner_model       TEXT NOT NULL,
    relations_model TEXT NOT NULL,
    config          TEXT NOT NULL,
    documents       BIGINT NOT NULL DEFAULT 0,
    claims          BIGINT NOT NULL DEFAULT 0
);
";

/// The character that escapes what PostgreSQL text cannot hold (U+0000): a private-use code
/// point that news text does not contain. NUL is stored as ESC + '0' and ESC itself as ESC ESC,
/// so every string round-trips.
const ESC: char = '\u{E000}';

/// Makes a string storable in a PostgreSQL text column, reversibly.
pub fn pg_escape(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['\0', ESC]) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        match c {
            '\0' => {
                out.push(ESC);
                out.push('0');
            }
            ESC => {
                out.push(ESC);
                out.push(ESC);
            }
            c => out.push(c),
        }
    }
    out.into()
}

/// Reverses [`pg_escape`].
pub fn pg_unescape(s: &str) -> String {
    if !s.contains(ESC) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == ESC {
            match chars.next() {
                Some('0') => out.push('\0'),
                Some(other) => out.push(other),
                None => out.push(ESC),
            }
        } else {
            out.push(c);
        }
    }
    out
}

impl ToSql for Cell {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Cell::Int(v) => v.to_sql(ty, out),
            Cell::Real(v) => v.to_sql(ty, out),
            Cell::Text(v) => v.as_deref().map(pg_escape).as_deref().to_sql(ty, out),
        }
    }

    fn accepts(ty: &Type) -> bool {
        [Type::INT8, Type::FLOAT8, Type::TEXT].contains(ty)
    }

    to_sql_checked!();
}

/// Rows waiting for the next commit.
#[derive(Default)]
struct Batch {
    documents: Vec<Vec<Cell>>,
    entities: Vec<Vec<Cell>>,
    claims: Vec<Vec<Cell>>,
    evidence: Vec<Vec<Cell>>,
    docs: usize,
}

/// Writes claimex output into a PostgreSQL database given by URL (`postgres://user@host/db`).
pub struct PostgresSink {
    url: String,
    client: Client,
    run: RunInfo,
    run_id: i64,
    batch: Batch,
    documents: i64,
    claims: i64,
}

fn pg_error(url: &str, source: postgres::Error) -> Error {
    Error::Postgres {
        target: redact(url),
        source,
    }
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

fn connect(url: &str) -> Result<Client> {
    Client::connect(url, NoTls).map_err(|e| pg_error(url, e))
}

/// Creates or checks the schema, under an advisory lock so that concurrent shards do not race.
fn migrate(client: &mut Client, url: &str) -> Result<()> {
    let mut tx = client.transaction().map_err(|e| pg_error(url, e))?;
    tx.execute("SELECT pg_advisory_xact_lock(72110)", &[])
        .map_err(|e| pg_error(url, e))?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS claimex_schema (version INTEGER NOT NULL)")
        .map_err(|e| pg_error(url, e))?;
    let found: Option<i32> = tx
        .query_opt("SELECT max(version) FROM claimex_schema", &[])
        .map_err(|e| pg_error(url, e))?
        .and_then(|row| row.get(0));
    match found {
        Some(v) if v > PG_SCHEMA_VERSION => {
            return Err(Error::SchemaTooNewAt {
                target: redact(url),
                found: i64::from(v),
                supported: i64::from(PG_SCHEMA_VERSION),
            })
        }
        Some(v) if v < PG_SCHEMA_VERSION => {
            tx.batch_execute(&pg_migrate_v2_to_v3())
                .map_err(|e| pg_error(url, e))?;
            tx.execute(
                "INSERT INTO claimex_schema (version) VALUES ($1)",
                &[&PG_SCHEMA_VERSION],
            )
            .map_err(|e| pg_error(url, e))?;
        }
        Some(_) => {}
        None => {
            let run_id = "run_id BIGINT NOT NULL REFERENCES runs(run_id)";
            let sql = [&DOCUMENTS, &ENTITIES, &CLAIMS, &EVIDENCE]
                .iter()
                .fold(RUNS.to_string(), |sql, t| {
                    sql + &rows::create_sql(t, run_id, pg_type)
                });
            tx.batch_execute(&sql).map_err(|e| pg_error(url, e))?;
            tx.execute(
                "INSERT INTO claimex_schema (version) VALUES ($1)",
                &[&PG_SCHEMA_VERSION],
            )
            .map_err(|e| pg_error(url, e))?;
        }
    }
    tx.commit().map_err(|e| pg_error(url, e))
}

/// The engine type of a column kind, for binary COPY.
fn copy_type(kind: Kind) -> Type {
    match kind {
        Kind::Int => Type::INT8,
        Kind::Real => Type::FLOAT8,
        Kind::Text => Type::TEXT,
    }
}

/// Creates this session's staging tables: same columns as the real ones, no keys or indexes,
/// emptied at every commit.
fn create_staging(client: &mut Client) -> std::result::Result<(), postgres::Error> {
    for table in [&DOCUMENTS, &ENTITIES, &CLAIMS, &EVIDENCE] {
        client.batch_execute(&format!(
            "CREATE TEMP TABLE stage_{0} (LIKE {0}) ON COMMIT DELETE ROWS",
            table.name
        ))?;
    }
    Ok(())
}

/// Streams `rows` (each followed by `run_id`) into the staging table with binary COPY, then moves
/// them into `table`: key conflicts leave the stored row, or with `update` replace it.
fn copy_rows(
    tx: &mut postgres::Transaction,
    table: &Table,
    rows: &[Vec<Cell>],
    run_id: &Cell,
    update: bool,
) -> std::result::Result<(), postgres::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
    let columns = format!("{}, run_id", names.join(", "));
    let types: Vec<Type> = table
        .columns
        .iter()
        .map(|c| copy_type(c.kind))
        .chain([Type::INT8])
        .collect();
    let writer = tx.copy_in(&format!(
        "COPY stage_{} ({columns}) FROM STDIN BINARY",
        table.name
    ))?;
    let mut writer = BinaryCopyInWriter::new(writer, &types);
    for row in rows {
        let values: Vec<&(dyn ToSql + Sync)> = row
            .iter()
            .map(|c| c as &(dyn ToSql + Sync))
            .chain(std::iter::once(run_id as &(dyn ToSql + Sync)))
            .collect();
        writer.write(&values)?;
    }
    writer.finish()?;
    // An upsert may not touch the same key twice in one statement: one row per key.
    tx.execute(
        &format!(
            "INSERT INTO {0} ({columns}) SELECT DISTINCT ON ({1}) {columns} FROM stage_{0} {2}",
            table.name,
            table.key.join(", "),
            rows::on_conflict_sql(table, update)
        ),
        &[],
    )?;
    Ok(())
}

impl PostgresSink {
    /// Connects, creates or checks the schema, and records a new run.
    pub fn open(url: &str, run: &RunInfo) -> Result<PostgresSink> {
        let mut client = connect(url)?;
        migrate(&mut client, url)?;
        create_staging(&mut client).map_err(|e| pg_error(url, e))?;
        let run_id: i64 = client
            .query_one(
                "INSERT INTO runs (ner_model, relations_model, config) VALUES ($1, $2, $3) RETURNING run_id",
                &[
                    &run.ner_model,
                    &run.relations_model,
                    &pg_escape(&run.config).as_ref(),
                ],
            )
            .map_err(|e| pg_error(url, e))?
            .get(0);
        Ok(PostgresSink {
            url: url.to_string(),
            client,
            run: run.clone(),
            run_id,
            batch: Batch::default(),
            documents: 0,
            claims: 0,
        })
    }

    /// Commits the rows gathered so far in one transaction.
    fn flush(&mut self) -> Result<()> {
        let batch = std::mem::take(&mut self.batch);
        let run_id = Cell::Int(Some(self.run_id));
        let url = self.url.clone();
        let mut tx = self.client.transaction().map_err(|e| pg_error(&url, e))?;
        copy_rows(&mut tx, &DOCUMENTS, &batch.documents, &run_id, true)
            .and_then(|_| copy_rows(&mut tx, &ENTITIES, &batch.entities, &run_id, false))
            .and_then(|_| copy_rows(&mut tx, &CLAIMS, &batch.claims, &run_id, false))
            .and_then(|_| copy_rows(&mut tx, &EVIDENCE, &batch.evidence, &run_id, false))
            .map_err(|e| pg_error(&url, e))?;
        tx.commit().map_err(|e| pg_error(&url, e))
    }
}

impl ClaimSink for PostgresSink {
    fn write_document(&mut self, doc: &DocumentOutput) -> Result<()> {
        let rows = rows::document_rows(doc, &self.run);
        let b = &mut self.batch;
        b.documents.push(rows.document);
        b.entities.extend(rows.entities);
        b.claims.extend(rows.claims);
        b.evidence.extend(rows.evidence);
        b.docs += 1;
        self.documents += 1;
        self.claims += doc.claims.len() as i64;
        if b.docs >= self.run.docs_per_transaction.max(1) {
            self.flush()?;
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<()> {
        if self.batch.docs > 0 {
            self.flush()?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.flush()?;
        let url = self.url.clone();
        self.client
            .execute(
                "UPDATE runs SET finished_at = now(), status = 'finished', documents = $1, claims = $2
                 WHERE run_id = $3",
                &[&self.documents, &self.claims, &self.run_id],
            )
            .map_err(|e| pg_error(&url, e))?;
        Ok(())
    }

    fn abort(mut self: Box<Self>, error: &str) {
        // Best effort: the run is failing already, and its error is what the user sees. Rows
        // not yet flushed are dropped with the batch.
        let _ = self.client.execute(
            "UPDATE runs SET finished_at = now(), status = 'failed', error = $1, documents = $2,
             claims = $3 WHERE run_id = $4",
            &[
                &pg_escape(error).as_ref(),
                &self.documents,
                &self.claims,
                &self.run_id,
            ],
        );
    }

    fn target(&self) -> String {
        redact(&self.url)
    }

    fn committed(&mut self) -> Result<Option<HashSet<DocKey>>> {
        let url = self.url.clone();
        let rows = self
            .client
            .query(
                "SELECT doc_key FROM documents WHERE ner_model = $1 AND relations_model = $2 AND status <> 'skipped'",
                &[&self.run.ner_model, &self.run.relations_model],
            )
            .map_err(|e| pg_error(&url, e))?;
        Ok(Some(rows.iter().map(|r| pg_unescape(r.get(0))).collect()))
    }
}

/// A PostgreSQL database opened for [`crate::DatabaseReader`].
pub(crate) struct PgReader {
    client: Client,
    url: String,
}

impl PgReader {
    pub(crate) fn open(url: &str) -> Result<Self> {
        let mut client = connect(url)?;
        let version: Option<i32> = client
            .query_opt("SELECT max(version) FROM claimex_schema", &[])
            .map_err(|e| pg_error(url, e))?
            .and_then(|r| r.get(0));
        if version != Some(PG_SCHEMA_VERSION) {
            return Err(Error::Corrupt {
                path: redact(url).into(),
                reason: format!(
                    "not a claimex database at schema version {PG_SCHEMA_VERSION} (found {version:?}): open it once as an output of this claimex (`claimex run ... --out URL`) to migrate it"
                ),
            });
        }
        Ok(PgReader {
            client,
            url: url.to_string(),
        })
    }
}

impl crate::read::Select for PgReader {
    fn select(
        &mut self,
        table: &Table,
        tail: &str,
        params: &[crate::read::Param],
    ) -> Result<Vec<Vec<Cell>>> {
        let names: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
        // Stored text is escaped (NUL cannot be stored): parameters are compared escaped too.
        let values: Vec<Box<dyn postgres::types::ToSql + Sync>> = params
            .iter()
            .map(|p| -> Box<dyn postgres::types::ToSql + Sync> {
                match p {
                    crate::read::Param::Text(t) => Box::new(pg_escape(t)),
                    crate::read::Param::Int(i) => Box::new(*i),
                }
            })
            .collect();
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            values.iter().map(|v| v.as_ref()).collect();
        let rows = self
            .client
            .query(
                &format!("SELECT {} FROM {} {tail}", names.join(", "), table.name),
                &refs,
            )
            .map_err(|e| pg_error(&self.url, e))?;
        Ok(rows
            .iter()
            .map(|r| {
                table
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(i, c)| match c.kind {
                        Kind::Int => Cell::Int(r.get(i)),
                        Kind::Real => Cell::Real(r.get(i)),
                        Kind::Text => Cell::Text(r.get::<_, Option<&str>>(i).map(pg_unescape)),
                    })
                    .collect()
            })
            .collect())
    }

    fn dialect(&self) -> crate::read::Dialect {
        crate::read::Dialect::Postgres
    }

    fn name(&self) -> String {
        redact(&self.url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_round_trips_nul_and_the_escape_itself() {
        for s in [
            "plain",
            "a\0b",
            "\u{E000}",
            "\u{E000}0",
            "\0\0\u{E000}\0",
            "",
        ] {
            let stored = pg_escape(s);
            assert!(!stored.contains('\0'));
            assert_eq!(pg_unescape(&stored), s);
        }
    }

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(
            redact("postgres://bob:secret@db:5432/x"),
            "postgres://bob:***@db:5432/x"
        );
        assert_eq!(redact("postgres://bob@db/x"), "postgres://bob@db/x");
    }
}
