//! Every table sink written and read back with its real engine: an SQLite file, and a real
//! PostgreSQL server (`make test` starts a throwaway one through scripts/with-postgres.sh and sets
//! CLAIMEX_TEST_POSTGRES). Outside `make test` the PostgreSQL tests are ignored, with the reason,
//! or under `CI=true` fail (build/test_services.rs sets the `claimex_no_postgres` cfg).

use claimex_core::{
    Argument, Attribution, Claim, DocStatus, DocumentMeta, DocumentRecord, EntitySpan, Evidence,
    Modality, ModelIds, Predicate, Sentence, SourceRef,
};
use claimex_export::{
    open_sink, read_csv, read_parquet, read_postgres, read_sqlite, OwnedDocument, RunInfo,
    DOCS_PER_TRANSACTION,
};

fn run(ner: &str) -> RunInfo {
    RunInfo {
        ner_model: ner.into(),
        relations_model: "rules-v0".into(),
        config: "claimex run 'x'; DROP TABLE runs;--".into(),
        docs_per_transaction: DOCS_PER_TRANSACTION,
        csv_cells: claimex_export::CsvCells::default(),
    }
}

/// Text that breaks naive writers: quotes, SQL, NUL, newlines and tabs, a CSV delimiter, the
/// PostgreSQL escape character, and characters outside the BMP.
const HOSTILE: &str =
    "Robert'); DROP TABLE claims;-- said \"hi\", \\N\n\ttabs\u{0} NUL \u{E000}0 ünïcödé 🙂 東京";

fn arg(text: &str, start: usize, entity: Option<&str>) -> Argument {
    Argument {
        text: text.into(),
        label: Some("ORG".into()),
        start,
        end: start + text.chars().count(),
        score: 0.75,
        entity: entity.map(String::from),
    }
}

/// A processed document whose sentence is `sentence`, with one claim and two mentions.
/// Where and when a test document appeared: hostile text in every field but the times.
fn meta(line: u64) -> DocumentMeta {
    DocumentMeta {
        title: Some(format!("{HOSTILE} {line}")),
        url: Some(format!("https://example.org/a?x='{line}'&y=\"z\"")),
        published_at: Some(format!("2026-11-{:02}T08:30:00Z", line % 28 + 1)),
        published_raw: Some(format!("{} Nov 2026 09:30 +0100", line % 28 + 1)),
        publisher: Some("=Wire; DROP TABLE runs".into()),
        author: None,
        language: Some("en".into()),
    }
}

fn document(line: u64, sentence: &str, ner: &str) -> OwnedDocument {
    let doc_id = format!("doc-{line}");
    let n = sentence.chars().count();
    let claim = Claim {
        claim_id: format!("claim-{line}"),
        doc_id: doc_id.clone(),
        sentence: Sentence {
            start: 0,
            end: n,
            text: sentence.into(),
        },
        subject: arg(HOSTILE, 0, Some("ent:1")),
        predicate: Predicate {
            text: "said".into(),
            lemma: "say".into(),
            start: 3,
            end: 7,
        },
        object: Some(arg("Beta", 10, None)),
        relation: Some("works_for".into()),
        modality: Modality::Hedged,
        attribution: Some(Attribution {
            text: "O'Brien".into(),
            label: None,
            cue: "according to".into(),
        }),
        confidence: 0.5,
        model: ModelIds {
            ner: ner.into(),
            relations: "rules-v0".into(),
        },
        // Stated again at the end of the same sentence.
        also_stated: vec![Evidence {
            sentence_start: 0,
            sentence_end: n,
            start: n - 1,
            end: n,
        }],
        document: meta(line),
    };
    let mention = |text: &str, start: usize| EntitySpan {
        text: text.into(),
        label: "PER".into(),
        start,
        end: start + text.chars().count(),
        score: 0.5,
        min_score: 0.25,
        entity: Some("ent:1".into()),
    };
    OwnedDocument {
        models: ModelIds {
            ner: ner.into(),
            relations: "rules-v0".into(),
        },
        record: DocumentRecord {
            doc_id: Some(doc_id),
            source: SourceRef {
                path: "in'put\".jsonl".into(),
                line: Some(line),
                key: format!("doc:{line}"),
            },
            status: DocStatus::Processed,
            reason: Some(HOSTILE.into()),
            sentences: 1,
            entities: 2,
            claims: 1,
        },
        entities: vec![mention(HOSTILE, 0), mention("Beta", 10)],
        claims: vec![claim],
        meta: meta(line),
        text: Some(sentence.into()),
    }
}

fn skipped(line: u64, ner: &str) -> OwnedDocument {
    OwnedDocument {
        models: ModelIds {
            ner: ner.into(),
            relations: "rules-v0".into(),
        },
        record: DocumentRecord {
            doc_id: None,
            source: SourceRef {
                path: "in'put\".jsonl".into(),
                line: Some(line),
                key: format!("doc:{line}"),
            },
            status: DocStatus::Skipped,
            reason: Some("malformed JSON".into()),
            sentences: 0,
            entities: 0,
            claims: 0,
        },
        entities: vec![],
        claims: vec![],
        meta: DocumentMeta::default(),
        text: None,
    }
}

/// Four documents: hostile text, a 1 MB sentence, a skipped one, and a duplicate of the first
/// (same content id), which owns no mentions or claims.
fn corpus(ner: &str) -> Vec<OwnedDocument> {
    let huge = "Acme bought Beta. ".repeat(1 << 20 >> 4);
    let mut duplicate = skipped(4, ner);
    duplicate.record.status = DocStatus::Duplicate;
    duplicate.record.doc_id = Some("doc-1".into());
    vec![
        document(1, HOSTILE, ner),
        document(2, &huge, ner),
        skipped(3, ner),
        duplicate,
    ]
}

fn write(target: &str, docs: &[OwnedDocument], run: &RunInfo) {
    let mut sink = open_sink(target, run).unwrap();
    for d in docs {
        sink.write_document(&d.output()).unwrap();
    }
    sink.finish().unwrap();
}

/// Why a test marked with `#[cfg_attr(claimex_no_postgres, ignore = ...)]` fails under `CI=true`.
const NO_POSTGRES: &str = "needs a PostgreSQL server: CLAIMEX_TEST_POSTGRES is not set (make test starts one with scripts/with-postgres.sh)";

/// A new, empty database on the test server. Panics, naming what is missing, without a server:
/// the tests that call it are ignored then, unless `CI=true`.
fn fresh_postgres(name: &str) -> String {
    let admin = std::env::var("CLAIMEX_TEST_POSTGRES")
        .ok()
        .filter(|url| !url.is_empty())
        .expect(NO_POSTGRES);
    let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
    let db = format!("claimex_{name}_{}", std::process::id());
    client
        .batch_execute(&format!("DROP DATABASE IF EXISTS {db}"))
        .unwrap();
    client
        .batch_execute(&format!("CREATE DATABASE {db}"))
        .unwrap();
    let base = admin.rsplit_once('/').unwrap().0;
    format!("{base}/{db}")
}

fn sorted(mut docs: Vec<OwnedDocument>) -> Vec<OwnedDocument> {
    docs.sort_by_key(|d| d.record.source.line);
    docs
}

#[test]
fn sqlite_round_trips_everything_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let docs = corpus("ner@1");
    write(path.to_str().unwrap(), &docs, &run("ner@1"));
    assert_eq!(sorted(read_sqlite(&path).unwrap()), docs);
}

#[test]
fn jsonl_round_trips_claims_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.jsonl");
    let docs = corpus("ner@1");
    write(path.to_str().unwrap(), &docs, &run("ner@1"));
    let claims: Vec<Claim> = docs.iter().flat_map(|d| d.claims.clone()).collect();
    let back: Vec<Claim> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(back, claims);
}

/// The claims as a flat file holds them: one row each, its own place only (the other places of a
/// claim stated twice are in JSONL and the databases).
fn flat_claims(docs: &[OwnedDocument]) -> Vec<Claim> {
    let mut claims: Vec<Claim> = docs.iter().flat_map(|d| d.claims.clone()).collect();
    assert!(claims.iter().any(|c| !c.also_stated.is_empty()));
    for c in &mut claims {
        c.also_stated.clear();
    }
    claims
}

#[test]
fn csv_round_trips_claims_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.csv");
    let docs = corpus("ner@1");
    write(path.to_str().unwrap(), &docs, &run("ner@1"));
    assert_eq!(read_csv(&path).unwrap(), flat_claims(&docs));
}

/// Article text that a spreadsheet would run as formulas is written with a leading `'` by
/// default and read back unchanged; `CsvCells::Raw` writes it as it is.
#[test]
fn csv_cells_a_spreadsheet_would_run_are_escaped_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let sentence = "=HYPERLINK(\"http://example.invalid\",\"click\")";
    let docs = vec![document(1, sentence, "ner@1")];
    let safe = dir.path().join("safe.csv");
    write(safe.to_str().unwrap(), &docs, &run("ner@1"));
    let bytes = std::fs::read_to_string(&safe).unwrap();
    assert!(bytes.contains("\"'=HYPERLINK("), "{bytes}");
    assert!(
        !bytes.contains(",=HYPERLINK") && !bytes.contains(",\"=HYPERLINK"),
        "{bytes}"
    );
    assert_eq!(read_csv(&safe).unwrap(), flat_claims(&docs));

    let raw = dir.path().join("raw.csv");
    let raw_run = RunInfo {
        csv_cells: claimex_export::CsvCells::Raw,
        ..run("ner@1")
    };
    write(raw.to_str().unwrap(), &docs, &raw_run);
    assert!(std::fs::read_to_string(&raw)
        .unwrap()
        .contains("\"=HYPERLINK("));
    let back = claimex_export::read_csv_with(&raw, claimex_export::CsvCells::Raw).unwrap();
    assert_eq!(back, flat_claims(&docs));
}

#[test]
fn parquet_round_trips_claims_unchanged_through_the_arrow_reader() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.parquet");
    let docs = corpus("ner@1");
    write(path.to_str().unwrap(), &docs, &run("ner@1"));
    assert_eq!(read_parquet(&path).unwrap(), flat_claims(&docs));
}

#[test]
#[cfg_attr(
    claimex_no_postgres,
    ignore = "needs a PostgreSQL server: run the tests with `make test`, which starts one"
)]
fn postgres_round_trips_everything_unchanged() {
    let url = fresh_postgres("roundtrip");
    let docs = corpus("ner@1");
    write(&url, &docs, &run("ner@1"));
    assert_eq!(sorted(read_postgres(&url).unwrap()), docs);
}

/// Re-running the same output adds nothing; a changed model adds its own rows and keeps the old.
fn rerun_and_model_change(target: &str, read: &dyn Fn() -> Vec<OwnedDocument>) {
    let first = corpus("ner@1");
    write(target, &first, &run("ner@1"));
    write(target, &first, &run("ner@1"));
    assert_eq!(read().len(), 4);
    let second = corpus("ner@2");
    write(target, &second, &run("ner@2"));
    let all = read();
    assert_eq!(all.len(), 8);
    let claims: Vec<&str> = all
        .iter()
        .flat_map(|d| d.claims.iter().map(|c| c.model.ner.as_str()))
        .collect();
    assert_eq!(claims.iter().filter(|m| **m == "ner@1").count(), 2);
    assert_eq!(claims.iter().filter(|m| **m == "ner@2").count(), 2);
}

#[test]
fn sqlite_reruns_are_idempotent_and_models_get_their_own_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    rerun_and_model_change(path.to_str().unwrap(), &|| read_sqlite(&path).unwrap());
}

#[test]
#[cfg_attr(
    claimex_no_postgres,
    ignore = "needs a PostgreSQL server: run the tests with `make test`, which starts one"
)]
fn postgres_reruns_are_idempotent_and_models_get_their_own_rows() {
    let url = fresh_postgres("rerun");
    rerun_and_model_change(&url, &|| read_postgres(&url).unwrap());
}

/// The documents a sink reports as committed are those of the run's own model pair, processed or
/// duplicates: a skipped one is left for a resumed run to try again.
fn committed_documents_per_model(target: &str) {
    write(target, &corpus("ner@1"), &run("ner@1"));
    let mut same = open_sink(target, &run("ner@1")).unwrap();
    let keys = same.committed().unwrap().unwrap();
    let mut keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["doc:1", "doc:2", "doc:4"], "{target}");
    let mut other = open_sink(target, &run("ner@2")).unwrap();
    assert!(other.committed().unwrap().unwrap().is_empty(), "{target}");
}

#[test]
fn sqlite_committed_documents_are_per_model() {
    let dir = tempfile::tempdir().unwrap();
    committed_documents_per_model(dir.path().join("c.db").to_str().unwrap());
}

#[test]
#[cfg_attr(
    claimex_no_postgres,
    ignore = "needs a PostgreSQL server: run the tests with `make test`, which starts one"
)]
fn postgres_committed_documents_are_per_model() {
    committed_documents_per_model(&fresh_postgres("committed"));
}

#[test]
fn postgres_connection_errors_name_the_server_without_the_password() {
    let err = open_sink("postgres://bob:hunter2@127.0.0.1:1/none", &run("n"))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("postgres://bob:***@127.0.0.1:1/none"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
}

/// A database written by the first schema (claims keyed by claim id alone) is migrated in place
/// and keeps its rows.
#[test]
fn sqlite_version_1_databases_are_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(include_str!("fixtures/schema-v1.sql"))
        .unwrap();
    drop(conn);
    open_sink(path.to_str().unwrap(), &run("ner@9"))
        .unwrap()
        .finish()
        .unwrap();
    let docs = read_sqlite(&path).unwrap();
    assert_eq!(docs.len(), 1);
    let claim = &docs[0].claims[0];
    assert_eq!(claim.subject.text, "Acme");
    assert_eq!(claim.model.ner, "ner@old");
    assert_eq!(claim.subject.entity, None);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let evidence: i64 = conn
        .query_row("SELECT count(*) FROM claim_evidence", [], |r| r.get(0))
        .unwrap();
    assert_eq!(evidence, 1);
}

/// The `runs` rows of an SQLite file: (status, error).
fn sqlite_runs(path: &std::path::Path) -> Vec<(String, Option<String>)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT status, error FROM runs ORDER BY run_id")
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap();
    rows
}

#[test]
fn two_runs_on_one_sqlite_file_take_turns_and_both_finish() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    // Created first, so that the two writers race on writes, not on creating the schema.
    write(path.to_str().unwrap(), &[], &run("ner-a"));
    let writers: Vec<_> = ["ner-a", "ner-b"]
        .into_iter()
        .map(|ner| {
            let path = path.clone();
            std::thread::spawn(move || {
                let info = RunInfo {
                    docs_per_transaction: 3,
                    ..run(ner)
                };
                let mut sink = open_sink(path.to_str().unwrap(), &info).unwrap();
                for doc in corpus(ner).iter().cycle().take(20) {
                    sink.write_document(&doc.output()).unwrap();
                    std::thread::yield_now();
                }
                sink.finish().unwrap();
            })
        })
        .collect();
    for writer in writers {
        writer
            .join()
            .expect("a writer failed: the second one must wait, not fail");
    }
    let statuses: Vec<String> = sqlite_runs(&path).into_iter().map(|r| r.0).collect();
    assert_eq!(statuses, ["finished", "finished", "finished"]);
    let docs = read_sqlite(&path).unwrap();
    for ner in ["ner-a", "ner-b"] {
        assert_eq!(
            sorted(
                docs.iter()
                    .filter(|d| d.models.ner == ner)
                    .cloned()
                    .collect()
            ),
            sorted(corpus(ner))
        );
    }
}

#[test]
fn a_writer_kept_waiting_too_long_fails_naming_the_run_that_holds_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("held.db");
    let mut holder = open_sink(path.to_str().unwrap(), &run("ner-a")).unwrap();
    // In the middle of a transaction: the write lock is held.
    holder.write_document(&corpus("ner-a")[0].output()).unwrap();
    let err = claimex_export::SqliteSink::open_waiting(
        &path,
        &run("ner-b"),
        std::time::Duration::from_millis(300),
    )
    .err()
    .expect("the second writer cannot get the lock");
    let message = err.to_string();
    assert!(
        message.contains("runs this database lists as running: run 1 (started ")
            && message.contains("after 0.3 s"),
        "{message}"
    );
    holder.finish().unwrap();
    // Once the holder is done, the file takes the next run.
    write(path.to_str().unwrap(), &corpus("ner-b"), &run("ner-b"));
}

#[test]
fn a_failed_run_is_marked_failed_with_its_error_and_keeps_only_what_it_committed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("failed.db");
    let info = RunInfo {
        docs_per_transaction: 1_000,
        ..run("ner-a")
    };
    let docs = corpus("ner-a");
    let mut sink = open_sink(path.to_str().unwrap(), &info).unwrap();
    sink.write_document(&docs[0].output()).unwrap();
    sink.commit().unwrap();
    sink.write_document(&docs[1].output()).unwrap();
    sink.abort("disk full while writing out/claims.csv");
    assert_eq!(
        sqlite_runs(&path),
        [(
            "failed".to_string(),
            Some("disk full while writing out/claims.csv".to_string())
        )]
    );
    assert_eq!(read_sqlite(&path).unwrap(), vec![docs[0].clone()]);
}

/// Two documents that share an id (and even a claim id) but are different documents: each keeps
/// its own mentions and claims, and reading back gives each exactly its own.
fn documents_sharing_an_id_stay_apart(target: &str, read: &dyn Fn() -> Vec<OwnedDocument>) {
    let first = document(1, HOSTILE, "ner-a");
    let mut second = document(2, HOSTILE, "ner-a");
    second.record.doc_id = Some("doc-1".into());
    for claim in &mut second.claims {
        claim.doc_id = "doc-1".into();
        claim.claim_id = "claim-1".into();
    }
    assert_eq!(first.entities, second.entities);
    let docs = vec![first, second];
    write(target, &docs, &run("ner-a"));
    let back = read();
    assert_eq!(back.len(), 2, "{target}");
    assert_eq!(sorted(back), sorted(docs), "{target}");
}

#[test]
fn sqlite_keeps_documents_that_share_an_id_apart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("twins.db");
    documents_sharing_an_id_stay_apart(path.to_str().unwrap(), &|| read_sqlite(&path).unwrap());
}

#[test]
#[cfg_attr(
    claimex_no_postgres,
    ignore = "needs a PostgreSQL server: run the tests with `make test`, which starts one"
)]
fn postgres_keeps_documents_that_share_an_id_apart() {
    let url = fresh_postgres("twins");
    documents_sharing_an_id_stay_apart(&url, &|| read_postgres(&url).unwrap());
}

/// A database of schema version 2 (documents keyed by source and line, no run status) is
/// migrated in place: every row kept, each document with its own claims and mentions under a
/// `v2:` key, the finished run `finished` and the unfinished one `failed`.
#[test]
fn sqlite_version_2_databases_are_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(include_str!("fixtures/schema-v2.sql"))
        .unwrap();
    drop(conn);
    write(path.to_str().unwrap(), &corpus("ner@new"), &run("ner@new"));
    check_version_2_migration(read_sqlite(&path).unwrap(), sqlite_runs(&path));
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, claimex_export::SCHEMA_VERSION);
}

#[test]
#[cfg_attr(
    claimex_no_postgres,
    ignore = "needs a PostgreSQL server: run the tests with `make test`, which starts one"
)]
fn postgres_version_2_databases_are_migrated() {
    let url = fresh_postgres("v2");
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .batch_execute(include_str!("fixtures/schema-v2-postgres.sql"))
        .unwrap();
    write(&url, &corpus("ner@new"), &run("ner@new"));
    let runs = client
        .query("SELECT status, error FROM runs ORDER BY run_id", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    check_version_2_migration(read_postgres(&url).unwrap(), runs);
}

/// What the version 2 fixture must read as once migrated and written to by a run of `ner@new`.
fn check_version_2_migration(docs: Vec<OwnedDocument>, runs: Vec<(String, Option<String>)>) {
    let old: Vec<&OwnedDocument> = docs.iter().filter(|d| d.models.ner == "ner@old").collect();
    let keys: Vec<&str> = old.iter().map(|d| d.record.source.key.as_str()).collect();
    assert_eq!(keys, ["v2:in.jsonl:1", "v2:in.jsonl:2", "v2:in.jsonl:3"]);
    let claims: Vec<(&str, usize, usize)> = old
        .iter()
        .map(|d| (d.record.status.as_str(), d.claims.len(), d.entities.len()))
        .collect();
    assert_eq!(
        claims,
        [("processed", 1, 1), ("processed", 1, 1), ("skipped", 0, 0)]
    );
    assert_eq!(old[1].claims[0].object.as_ref().unwrap().text, "Ann Mbeki");
    assert_eq!(
        sorted(
            docs.iter()
                .filter(|d| d.models.ner == "ner@new")
                .cloned()
                .collect()
        ),
        sorted(corpus("ner@new"))
    );
    let statuses: Vec<String> = runs.into_iter().map(|r| r.0).collect();
    assert_eq!(statuses, ["finished", "failed", "finished"]);
}

/// CSV and Parquet write every table a user needs without a database: the mentions and the
/// documents (ledger, metadata, text) beside the claims, read back whole (each claim with its own
/// sentence only), and a failed run leaves none of the three.
#[test]
fn csv_and_parquet_hold_the_mentions_and_documents_beside_the_claims() {
    for extension in ["parquet", "csv"] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("claims.{extension}"));
        write(path.to_str().unwrap(), &corpus("ner@1"), &run("ner@1"));
        let files = claimex_export::flat_files(path.to_str().unwrap());
        assert_eq!(files.len(), 3);
        assert!(files.iter().all(|f| f.exists()), "{files:?}");
        assert!(files[1].ends_with(format!("claims.mentions.{extension}")));
        let back = match extension {
            "parquet" => claimex_export::read_parquet_documents(&path),
            _ => claimex_export::read_csv_documents(&path),
        }
        .unwrap();
        let mut want = corpus("ner@1");
        for doc in &mut want {
            for claim in &mut doc.claims {
                claim.also_stated.clear();
            }
        }
        assert_eq!(sorted(back), sorted(want), "{extension}");

        let failed = dir.path().join(format!("failed.{extension}"));
        let mut sink = open_sink(failed.to_str().unwrap(), &run("ner@1")).unwrap();
        sink.write_document(&corpus("ner@1")[0].output()).unwrap();
        sink.abort("stopped");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("failed"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}

/// A copy of a database with two model pairs (what `claimex export --to x.parquet` writes through
/// one sink) keeps each document's and mention's own models, not the sink's.
#[test]
fn documents_copied_into_a_flat_file_keep_their_own_models() {
    for extension in ["parquet", "csv"] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("copy.{extension}"));
        let mut docs = corpus("ner@1");
        docs.extend(corpus("ner@2"));
        write(path.to_str().unwrap(), &docs, &run("ner@1"));
        let back = match extension {
            "parquet" => claimex_export::read_parquet_documents(&path),
            _ => claimex_export::read_csv_documents(&path),
        }
        .unwrap();
        for doc in &mut docs {
            for claim in &mut doc.claims {
                claim.also_stated.clear();
            }
        }
        let key = |d: &OwnedDocument| (d.models.ner.clone(), d.record.source.line);
        let (mut back, mut docs) = (back, docs);
        back.sort_by_key(key);
        docs.sort_by_key(key);
        assert_eq!(back, docs, "{extension}");
    }
}
