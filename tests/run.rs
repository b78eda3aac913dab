use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use serde_json::Value;

use crate::util::{count, model_dir, read_jsonl, run_ok, slice_chars, workspace_root};

/// The sample corpus plus a folder of broken input: a JSONL file with a malformed line and a line
/// without text, a file with invalid UTF-8, an empty file, and a duplicate of a corpus article.
fn messy_inputs(dir: &Path) -> Vec<String> {
    let bad = dir.join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(
        bad.join("mixed.jsonl"),
        "{\"id\":\"ok-1\",\"text\":\"Acme Corp. hired Zed Okafor in Lagos.\"}\n{broken json\n{\"id\":\"no-text\",\"body\":\"x\"}\n",
    )
    .unwrap();
    std::fs::write(
        bad.join("latin1.txt"),
        b"Caf\xe9 owners in Lyon met the mayor.",
    )
    .unwrap();
    std::fs::write(bad.join("empty.txt"), b"").unwrap();
    std::fs::write(
        bad.join("page.html"),
        "<html><head><title>Port deal</title><script>track()</script></head><body><nav>Home | World</nav>\
         <p>Maersk signed a lease with the Port of Tema on Monday.</p><footer>(c) Wire</footer></body></html>",
    )
    .unwrap();
    let corpus = workspace_root().join("corpus");
    std::fs::copy(
        corpus.join("sport-marathon-record.txt"),
        bad.join("copy.txt"),
    )
    .unwrap();
    vec![
        corpus.to_str().unwrap().to_string(),
        bad.to_str().unwrap().to_string(),
    ]
}

fn run_pipeline(inputs: &[String], out_dir: &Path, extra: &[&str]) -> (Vec<Value>, Vec<Value>) {
    let jsonl = out_dir.join("claims.jsonl");
    let db = out_dir.join("claims.db");
    let mut args: Vec<&str> = vec!["run"];
    args.extend(inputs.iter().map(String::as_str));
    args.extend([
        "--out",
        jsonl.to_str().unwrap(),
        "--out",
        db.to_str().unwrap(),
    ]);
    args.extend(["--model", model_dir().to_str().unwrap(), "--threads", "1"]);
    args.extend(extra);
    run_ok(&args);
    // A shard's ledger is named after it.
    let ledger = match extra.iter().position(|a| *a == "--shard") {
        Some(i) => {
            let (k, n) = extra[i + 1].split_once('/').unwrap();
            out_dir.join(format!("documents.shard-{k}-of-{n}.jsonl"))
        }
        None => out_dir.join("documents.jsonl"),
    };
    (read_jsonl(&jsonl), read_jsonl(&ledger))
}

/// Stored texts by document id, as `claimex ingest` writes them.
fn stored_texts(inputs: &[String], dir: &Path) -> HashMap<String, String> {
    let out = dir.join("ingested.jsonl");
    let ledger = dir.join("ingest-ledger.jsonl");
    let mut args = vec!["ingest"];
    args.extend(inputs.iter().map(String::as_str));
    args.extend([
        "--out",
        out.to_str().unwrap(),
        "--ledger",
        ledger.to_str().unwrap(),
    ]);
    run_ok(&args);
    read_jsonl(&out)
        .into_iter()
        .map(|d| {
            (
                d["doc_id"].as_str().unwrap().to_string(),
                d["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn source_key(record: &Value) -> String {
    format!(
        "{}:{}",
        record["source"]["path"].as_str().unwrap(),
        record["source"]["line"]
    )
}

#[test]
fn every_input_document_is_in_the_ledger_with_its_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = messy_inputs(dir.path());
    let (_, ledger) = run_pipeline(&inputs, &dir.path().join("out"), &[]);
    let corpus_files = std::fs::read_dir(workspace_root().join("corpus"))
        .unwrap()
        .count();
    // Corpus: one record per file, except articles.jsonl which holds 6; bad/: 3 JSONL lines + 4 files.
    assert_eq!(ledger.len(), corpus_files - 1 + 6 + 3 + 4);
    let status_of = |needle: &str| -> Vec<(String, String)> {
        ledger
            .iter()
            .filter(|r| source_key(r).contains(needle))
            .map(|r| {
                (
                    r["status"].as_str().unwrap().to_string(),
                    r["reason"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    let mixed = status_of("mixed.jsonl");
    assert_eq!(mixed[0].0, "processed");
    assert_eq!(mixed[1].0, "skipped");
    assert!(mixed[1].1.contains("malformed JSON"), "{mixed:?}");
    assert!(mixed[2].1.contains("no `text` field"), "{mixed:?}");
    assert_eq!(
        status_of("empty.txt")[0],
        ("skipped".into(), "empty document".into())
    );
    let latin1 = &status_of("latin1.txt")[0];
    assert_eq!(latin1.0, "processed");
    assert!(latin1.1.contains("invalid UTF-8"), "{latin1:?}");
    assert_eq!(status_of("copy.txt")[0].0, "duplicate");
    assert_eq!(status_of("page.html")[0].0, "processed");
}

#[test]
fn every_emitted_span_slices_back_to_its_text() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = messy_inputs(dir.path());
    let (claims, _) = run_pipeline(&inputs, &dir.path().join("out"), &[]);
    assert!(
        claims.len() > 5,
        "the seeded test model should yield claims, got {}",
        claims.len()
    );
    let texts = stored_texts(&inputs, dir.path());
    assert!(
        texts
            .values()
            .any(|t| t == "Maersk signed a lease with the Port of Tema on Monday."),
        "the HTML page should be stored as its article text only"
    );
    for claim in &claims {
        let text = &texts[claim["doc_id"].as_str().unwrap()];
        crate::util::assert_claim_spans_slice_back(claim, text);
        let confidence = claim["confidence"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&confidence));
        assert!(claim["model"]["ner"]
            .as_str()
            .unwrap()
            .starts_with("tiny-random@"));
    }
}

#[test]
fn sqlite_holds_the_same_claims_and_a_rerun_adds_none() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = messy_inputs(dir.path());
    let out = dir.path().join("out");
    let (first, ledger) = run_pipeline(&inputs, &out, &[]);
    let (second, _) = run_pipeline(&inputs, &out, &[]);
    let ids = |claims: &[Value]| -> BTreeSet<String> {
        claims
            .iter()
            .map(|c| c["claim_id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&first), ids(&second), "claim ids must be deterministic");

    let conn = rusqlite::Connection::open(out.join("claims.db")).unwrap();
    let db_ids: BTreeSet<String> = conn
        .prepare("SELECT claim_id FROM claims")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(db_ids, ids(&first));
    let documents = count(&conn, "SELECT count(*) FROM documents");
    assert_eq!(documents as usize, ledger.len());
    let runs = count(
        &conn,
        "SELECT count(*) FROM runs WHERE finished_at IS NOT NULL",
    );
    assert_eq!(runs, 2);
}

#[test]
fn shards_partition_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = messy_inputs(dir.path());
    let (_, all) = run_pipeline(&inputs, &dir.path().join("all"), &[]);
    let (_, a) = run_pipeline(&inputs, &dir.path().join("s0"), &["--shard", "0/2"]);
    let (_, b) = run_pipeline(&inputs, &dir.path().join("s1"), &["--shard", "1/2"]);
    let keys = |records: &[Value]| -> BTreeSet<String> { records.iter().map(source_key).collect() };
    assert!(keys(&a).is_disjoint(&keys(&b)));
    assert_eq!(
        keys(&a).union(&keys(&b)).cloned().collect::<BTreeSet<_>>(),
        keys(&all)
    );
}

#[test]
fn reads_jsonl_from_standard_input() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("claims.jsonl");
    let mut child = crate::util::claimex()
        .args([
            "run",
            "-",
            "--out",
            out.to_str().unwrap(),
            "--model",
            model_dir().to_str().unwrap(),
        ])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"id\":\"s1\",\"text\":\"Acme hired Zed.\"}\n{\"id\":\"s2\",\"text\":\"Beta fired Ann.\"}\n")
        .unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    let ledger = read_jsonl(&dir.path().join("documents.jsonl"));
    let ids: Vec<&str> = ledger
        .iter()
        .map(|r| r["doc_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["s1", "s2"]);
    assert_eq!(ledger[1]["source"]["path"], "-");
}

#[test]
fn ingest_writes_sentences_that_slice_back() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = workspace_root().join("corpus");
    let out = dir.path().join("sentences.jsonl");
    run_ok(&[
        "ingest",
        corpus.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let docs = read_jsonl(&out);
    assert!(docs.len() >= 20);
    for doc in &docs {
        let text = doc["text"].as_str().unwrap();
        let sentences = doc["sentences"].as_array().unwrap();
        assert!(!sentences.is_empty());
        for s in sentences {
            let (start, end) = (s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap());
            assert_eq!(slice_chars(text, start, end), s["text"].as_str().unwrap());
        }
    }
}

/// A surname after the full name is the same entity: the claims' arguments carry one entity id.
#[test]
fn a_later_surname_links_to_the_full_name() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("tokayev.txt");
    std::fs::write(
        &input,
        "Kazakh President Kassym-Jomart Tokayev met Israeli officials in Astana on Monday.\n\n\
         Tokayev signed the agreement with Kazakhstan's partners.\n",
    )
    .unwrap();
    let claims = crate::util::claims_with_default_model(&input, dir.path());
    let args: Vec<&Value> = claims
        .iter()
        .flat_map(|c| [&c["subject"], &c["object"]])
        .filter(|a| !a.is_null())
        .collect();
    let id_where = |pick: &dyn Fn(&str) -> bool| -> String {
        let arg = args
            .iter()
            .find(|a| pick(a["text"].as_str().unwrap()))
            .unwrap_or_else(|| panic!("{claims:#?}"));
        arg["entity"].as_str().unwrap().to_string()
    };
    // The full name as the model reads it ("Kassym-Jomart Tokayev", or part of it).
    let full = id_where(&|t| t.ends_with("Tokayev") && t != "Tokayev");
    let short = id_where(&|t| t == "Tokayev");
    assert_eq!(full, short);
}

fn claim_ids(claims: &[Value]) -> BTreeSet<String> {
    claims
        .iter()
        .map(|c| c["claim_id"].as_str().unwrap().to_string())
        .collect()
}

/// Runs `models/default` over the sample corpus into `dir/direct.jsonl` and `dir/source.db`;
/// returns the claims as written directly.
fn run_corpus_into_jsonl_and_sqlite(dir: &Path) -> Vec<Value> {
    let corpus = workspace_root().join("corpus");
    let model = workspace_root().join("models/default");
    run_ok(&[
        "run",
        corpus.to_str().unwrap(),
        "--out",
        dir.join("direct.jsonl").to_str().unwrap(),
        "--out",
        dir.join("source.db").to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--threads",
        "1",
    ]);
    let direct = read_jsonl(&dir.join("direct.jsonl"));
    assert!(!direct.is_empty());
    direct
}

/// Exports `dir/source.db` into the database `target` twice, which must then equal the source
/// once, and copies `target` back out into JSONL, page by page, which must hold `direct`'s claims.
fn export_twice_into_a_database_and_back(dir: &Path, target: &str, direct: &[Value]) {
    let source_path = dir.join("source.db");
    let source = source_path.to_str().unwrap();
    for _ in 0..2 {
        run_ok(&[
            "export",
            "--from",
            source,
            "--to",
            target,
            "--page-docs",
            "5",
        ]);
    }
    let back = if claimex_export::is_postgres(target) {
        claimex_export::read_postgres(target).unwrap()
    } else {
        claimex_export::read_sqlite(Path::new(target)).unwrap()
    };
    assert_eq!(
        back,
        claimex_export::read_sqlite(&source_path).unwrap(),
        "{target}: exported twice, must equal the source once"
    );
    let again = dir.join("again.jsonl");
    run_ok(&[
        "export",
        "--from",
        target,
        "--to",
        again.to_str().unwrap(),
        "--page-docs",
        "4",
    ]);
    assert_eq!(
        claim_ids(&read_jsonl(&again)),
        claim_ids(direct),
        "{target}"
    );
}

/// `claimex export` copies a database into JSONL, CSV and another SQLite file; what comes out
/// equals what the run wrote directly.
#[test]
fn export_copies_a_database_into_files_and_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let direct = run_corpus_into_jsonl_and_sqlite(dir.path());

    // Pages of 3 documents: the corpus spans many pages.
    run_ok(&[
        "export",
        "--from",
        &p("source.db"),
        "--to",
        &p("copy.jsonl"),
        "--page-docs",
        "3",
    ]);
    let copied = read_jsonl(&dir.path().join("copy.jsonl"));
    assert_eq!(claim_ids(&copied), claim_ids(&direct));
    let by_id: HashMap<&str, &Value> = direct
        .iter()
        .map(|c| (c["claim_id"].as_str().unwrap(), c))
        .collect();
    for c in &copied {
        assert_eq!(&c, &by_id[c["claim_id"].as_str().unwrap()]);
    }

    run_ok(&["export", "--from", &p("source.db"), "--to", &p("copy.csv")]);
    let csv = claimex_export::read_csv(&dir.path().join("copy.csv")).unwrap();
    assert_eq!(csv.len(), direct.len());

    export_twice_into_a_database_and_back(dir.path(), &p("copy.db"), &direct);
}

/// `claimex export` copies a database into PostgreSQL and back out; what comes out equals what
/// the run wrote directly.
#[test]
#[cfg_attr(
    claimex_no_postgres,
    ignore = "needs a PostgreSQL server: run the tests with `make test`, which starts one"
)]
fn export_copies_a_database_into_postgres_and_back() {
    let url = crate::util::fresh_postgres("export_copy");
    let dir = tempfile::tempdir().unwrap();
    let direct = run_corpus_into_jsonl_and_sqlite(dir.path());
    export_twice_into_a_database_and_back(dir.path(), &url, &direct);
}

#[test]
fn export_from_a_missing_database_is_named() {
    let out = crate::util::run(&["export", "--from", "/no/such.db", "--to", "x.jsonl"]);
    assert!(!out.status.success());
    assert!(crate::util::stderr(&out).contains("/no/such.db"));
}

/// A model that fails on one document (its tokenizer has no `[UNK]`, so a word outside its
/// vocabulary is an error) skips that document with the model's error as the reason; the
/// documents around it, in the same chunk, are processed.
#[test]
fn a_document_the_model_fails_on_is_skipped_with_the_reason_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("no-unk-model");
    std::fs::create_dir(&model).unwrap();
    for entry in std::fs::read_dir(model_dir()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), model.join(entry.file_name())).unwrap();
    }
    let tokenizer_path = model.join("tokenizer.json");
    let mut tokenizer: Value =
        serde_json::from_str(&std::fs::read_to_string(&tokenizer_path).unwrap()).unwrap();
    tokenizer["model"]["vocab"]
        .as_object_mut()
        .unwrap()
        .remove("[UNK]")
        .expect("the test model's vocabulary has [UNK]");
    std::fs::write(&tokenizer_path, tokenizer.to_string()).unwrap();

    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        "{\"id\":\"a\",\"text\":\"Alice met Bob in Paris.\"}\n\
         {\"id\":\"b\",\"text\":\"Tokyo 東京 is large.\"}\n\
         {\"id\":\"c\",\"text\":\"Carol visited Rome.\"}\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let (jsonl, db) = (out.join("claims.jsonl"), out.join("claims.db"));
    let done = run_ok(&[
        "run",
        input.to_str().unwrap(),
        "--out",
        jsonl.to_str().unwrap(),
        "--out",
        db.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--threads",
        "1",
    ]);
    let log = crate::util::stderr(&done);
    assert!(log.contains("analysing them one by one"), "{log}");
    let ledger = read_jsonl(&out.join("documents.jsonl"));
    let status: Vec<(&str, &str, &str)> = ledger
        .iter()
        .map(|r| {
            (
                r["doc_id"].as_str().unwrap(),
                r["status"].as_str().unwrap(),
                r["reason"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(status.len(), 3, "{status:?}");
    assert_eq!((status[0].0, status[0].1), ("a", "processed"));
    assert_eq!((status[1].0, status[1].1), ("b", "skipped"));
    assert!(
        status[1].2.contains("the model failed on this document") && status[1].2.contains("[UNK]"),
        "{status:?}"
    );
    assert_eq!((status[2].0, status[2].1), ("c", "processed"));
    // The database holds the skipped document in its ledger and no mentions of it.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let skipped = count(
        &conn,
        "SELECT count(*) FROM documents WHERE doc_id = 'b' AND status = 'skipped'",
    );
    assert_eq!(skipped, 1);
    let mentions: Vec<String> = conn
        .prepare("SELECT DISTINCT doc_id FROM entities ORDER BY doc_id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(!mentions.contains(&"b".to_string()), "{mentions:?}");
    assert!(jsonl.exists());
}

/// A run whose ledger or claims file would be one of its inputs (a `documents.jsonl` of an
/// earlier run inside the input folder, an output written into the folder being read) is refused
/// before anything is written, and the input is left byte for byte as it was.
#[test]
fn an_output_that_is_one_of_the_inputs_is_refused_and_the_input_kept() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let ledger_like = br#"{"id":"kept","text":"Acme Corp. hired Zed Okafor in Lagos."}
"#;
    std::fs::write(input.join("documents.jsonl"), ledger_like).unwrap();
    std::fs::write(input.join("claims.jsonl"), ledger_like).unwrap();
    let model = model_dir().to_str().unwrap().to_string();
    let cases: [Vec<String>; 3] = [
        // The default ledger lands beside the output: in/documents.jsonl.
        vec![
            "run".into(),
            "in".into(),
            "--out".into(),
            "in/new.jsonl".into(),
        ],
        // The claims file itself.
        vec![
            "run".into(),
            "in".into(),
            "--out".into(),
            "./in/../in/claims.jsonl".into(),
            "--ledger".into(),
            "elsewhere.jsonl".into(),
        ],
        // `ingest` too.
        vec![
            "ingest".into(),
            "in".into(),
            "--out".into(),
            "in/claims.jsonl".into(),
            "--ledger".into(),
            "elsewhere.jsonl".into(),
        ],
    ];
    for case in cases {
        let mut args: Vec<&str> = case.iter().map(String::as_str).collect();
        if args[0] == "run" {
            args.extend(["--model", model.as_str(), "--threads", "1"]);
        }
        let out = crate::util::claimex()
            .args(&args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        let err = crate::util::stderr(&out);
        assert!(!out.status.success(), "{args:?} ran: {err}");
        assert!(err.contains("is one of the inputs"), "{args:?}: {err}");
        for name in ["documents.jsonl", "claims.jsonl"] {
            assert_eq!(
                std::fs::read(input.join(name)).unwrap(),
                ledger_like,
                "{name}"
            );
        }
        assert!(!dir.path().join("elsewhere.jsonl").exists());
    }
}

/// A database that refuses a write halfway through a run: the run fails naming the database and
/// the cause, its `runs` row says `failed` with the error, the JSONL output beside it leaves no
/// file behind, and the ledger is a `.partial` file of whole lines that lists no more documents
/// than the database committed.
#[test]
fn a_database_that_refuses_a_write_fails_the_run_and_loses_nothing_silently() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus.jsonl");
    let lines: String = (0..12)
        .map(|i| {
            let id = if i == 7 {
                "victim".to_string()
            } else {
                format!("n{i}")
            };
            format!("{{\"id\":\"{id}\",\"text\":\"Acme Corp. hired Zed Okafor{i} in Lagos.\"}}\n")
        })
        .collect();
    std::fs::write(&corpus, lines).unwrap();
    let db = dir.path().join("claims.db");
    let jsonl = dir.path().join("claims.jsonl");
    let ledger = dir.path().join("ledger.jsonl");
    let model = model_dir().to_str().unwrap();
    let args = [
        "run",
        corpus.to_str().unwrap(),
        "--out",
        jsonl.to_str().unwrap(),
        "--out",
        db.to_str().unwrap(),
        "--ledger",
        ledger.to_str().unwrap(),
        "--model",
        model,
        "--threads",
        "1",
        "--chunk-docs",
        "2",
    ];
    // A first run creates the schema; then the database starts refusing one document.
    run_ok(&args);
    std::fs::remove_file(&jsonl).unwrap();
    std::fs::remove_file(&ledger).unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "CREATE TRIGGER refuse BEFORE INSERT ON documents WHEN NEW.doc_id = 'victim'
         BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END;",
    )
    .unwrap();
    let out = crate::util::run(&args);
    let err = crate::util::stderr(&out);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("claims.db") && err.contains("refused by a trigger"),
        "{err}"
    );
    let (status, error): (String, String) = conn
        .query_row(
            "SELECT status, error FROM runs ORDER BY run_id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(status, "failed");
    assert!(error.contains("refused by a trigger"), "{error}");
    assert!(!jsonl.exists());
    assert!(!dir.path().join("claims.jsonl.partial").exists());
    assert!(!ledger.exists());
    let partial = std::fs::read_to_string(dir.path().join("ledger.jsonl.partial")).unwrap();
    assert!(partial.ends_with('\n'));
    let listed: Vec<Value> = partial
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Chunks of two: documents n0..n5 were committed before the chunk holding the victim.
    assert_eq!(listed.len(), 6, "{partial}");
    let last_run_docs = count(
        &conn,
        "SELECT count(*) FROM documents WHERE run_id = (SELECT max(run_id) FROM runs)",
    );
    assert_eq!(last_run_docs, 6);
}

/// Documents are known by their canonical source, line and content: the same folder spelled
/// another way resumes instead of doubling the database; a line inserted at the top is processed,
/// not taken for the document that was there; two documents that share an id are both kept, the
/// second noted in the ledger, and each claim is exported once.
#[test]
fn documents_are_known_by_source_line_and_content_not_by_spelling_or_id() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("small")).unwrap();
    let file = dir.path().join("small/a.jsonl");
    let lines = [
        r#"{"id":"n0","text":"Acme Corp. hired Zed Okafor in Lagos on Monday."}"#,
        r#"{"id":"dup","text":"Beta Ltd. bought Gamma Inc. in Paris last year."}"#,
        r#"{"id":"dup","text":"Delta Bank fired Ann Mbeki in Nairobi on Friday."}"#,
    ];
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let model = workspace_root().join("models/default");
    let run = |input: &str, extra: &[&str]| -> Vec<Value> {
        let mut args = vec![
            "run",
            input,
            "--out",
            "claims.db",
            "--ledger",
            "ledger.jsonl",
            "--model",
            model.to_str().unwrap(),
            "--threads",
            "1",
        ];
        args.extend(extra);
        let out = crate::util::claimex()
            .args(&args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", crate::util::stderr(&out));
        read_jsonl(&dir.path().join("ledger.jsonl"))
    };
    let db = dir.path().join("claims.db");
    // A new connection each time: runs write the database in between.
    let stored = |sql: &str| count(&rusqlite::Connection::open(&db).unwrap(), sql);
    let status = |ledger: &[Value], id: &str| -> Vec<String> {
        ledger
            .iter()
            .filter(|r| r["doc_id"] == id)
            .map(|r| r["status"].as_str().unwrap().to_string())
            .collect()
    };

    let first = run("small", &[]);
    assert_eq!(status(&first, "dup"), ["processed", "processed"]);
    let noted: Vec<&Value> = first
        .iter()
        .filter(|r| {
            r["reason"]
                .as_str()
                .is_some_and(|r| r.contains("also names a different text"))
        })
        .collect();
    assert_eq!(noted.len(), 1, "{first:?}");
    assert_eq!(noted[0]["source"]["line"], 3);
    let claims = stored("SELECT count(*) FROM claims");
    let ledger_claims: i64 = first.iter().map(|r| r["claims"].as_i64().unwrap()).sum();
    let ledger_entities: i64 = first.iter().map(|r| r["entities"].as_i64().unwrap()).sum();
    assert!(claims > 0);
    assert_eq!(claims, ledger_claims);
    assert_eq!(stored("SELECT count(*) FROM entities"), ledger_entities);
    let exported = dir.path().join("exported.jsonl");
    run_ok(&[
        "export",
        "--from",
        db.to_str().unwrap(),
        "--to",
        exported.to_str().unwrap(),
    ]);
    assert_eq!(read_jsonl(&exported).len() as i64, claims);

    let second = run("./small/", &["--resume"]);
    assert_eq!(status(&second, "n0"), ["resumed"]);
    assert_eq!(status(&second, "dup"), ["resumed", "resumed"]);
    assert_eq!(stored("SELECT count(*) FROM documents"), 3);

    let inserted = r#"{"id":"new","text":"Omega Corp. sued Sigma Ltd. in Berlin on Tuesday."}"#;
    std::fs::write(&file, format!("{inserted}\n{}\n", lines.join("\n"))).unwrap();
    let third = run("small", &["--resume"]);
    assert_eq!(status(&third, "new"), ["processed"]);
}

/// Three documents for the operability tests: two articles and a malformed line.
fn three_documents(dir: &Path) -> String {
    let corpus = dir.join("three.jsonl");
    std::fs::write(
        &corpus,
        concat!(
            r#"{"id":"a","text":"Acme Corp. hired Zed Okafor in Lagos on Monday."}"#,
            "\n",
            r#"{"id":"b","text":"Beta Ltd. bought Gamma Inc. in Paris last year."}"#,
            "\n",
            "{not json\n",
        ),
    )
    .unwrap();
    corpus.to_str().unwrap().to_string()
}

/// `--summary-json -` prints one JSON object whose counts are the ledger's; `--out -` streams the
/// claims as JSONL on standard output while the summary goes to a file; `--quiet` leaves standard
/// error empty on a clean run; both on standard output at once is refused.
#[test]
fn summary_json_and_claims_on_standard_output_for_orchestrators() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = three_documents(dir.path());
    let model = workspace_root().join("models/default");
    let model = model.to_str().unwrap();
    let claims = dir.path().join("c.jsonl");
    let ledger = dir.path().join("ledger.jsonl");
    let base = [
        "run",
        corpus.as_str(),
        "--model",
        model,
        "--threads",
        "1",
        "--ledger",
        ledger.to_str().unwrap(),
        "--quiet",
    ];
    let mut args = base.to_vec();
    args.extend(["--out", claims.to_str().unwrap(), "--summary-json", "-"]);
    let out = run_ok(&args);
    assert_eq!(crate::util::stderr(&out), "", "--quiet on a clean run");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let summary: Value = serde_json::from_str(&stdout).unwrap();
    let records = read_jsonl(&ledger);
    let count = |status: &str| records.iter().filter(|r| r["status"] == status).count();
    assert_eq!(summary["documents"], 3);
    assert_eq!(summary["processed"], count("processed"));
    assert_eq!(summary["skipped"], count("skipped"));
    let claimed: u64 = records.iter().map(|r| r["claims"].as_u64().unwrap()).sum();
    assert_eq!(summary["claims"], claimed);
    assert_eq!(read_jsonl(&claims).len() as u64, claimed);
    assert!(claimed > 0);
    assert_eq!(summary["models"]["trained"], true);
    assert_eq!(summary["outputs"][0], claims.to_str().unwrap());
    for stage in [
        "clean_and_split",
        "ner",
        "claims",
        "relation_typing",
        "write",
    ] {
        assert!(
            summary["stage_seconds"][stage].is_f64(),
            "{stage}: {summary}"
        );
    }

    let summary_file = dir.path().join("summary.json");
    let mut args = base.to_vec();
    args.extend([
        "--out",
        "-",
        "--summary-json",
        summary_file.to_str().unwrap(),
    ]);
    let out = run_ok(&args);
    let streamed: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(streamed.len() as u64, claimed);
    assert!(streamed.iter().all(|c| c["claim_id"].is_string()));
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(&summary_file).unwrap()).unwrap();
    assert_eq!(summary["outputs"][0], "standard output");

    let mut args = base.to_vec();
    args.extend(["--out", "-", "--summary-json", "-"]);
    let out = crate::util::run(&args);
    assert!(!out.status.success());
    assert!(crate::util::stderr(&out).contains("both write to standard output"));
}

/// `--max-skipped-fraction` turns an input set that is mostly skipped, or empty, into exit status
/// 3 after the outputs are finished; within the fraction the run exits 0.
#[test]
fn a_mostly_skipped_or_empty_input_fails_the_skipped_fraction_after_finishing_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = three_documents(dir.path());
    let model = model_dir().to_str().unwrap().to_string();
    let claims = dir.path().join("c.jsonl");
    let ledger = dir.path().join("ledger.jsonl");
    let run_with = |input: &str, fraction: &str| {
        crate::util::run(&[
            "run",
            input,
            "--out",
            claims.to_str().unwrap(),
            "--ledger",
            ledger.to_str().unwrap(),
            "--model",
            &model,
            "--threads",
            "1",
            "--max-skipped-fraction",
            fraction,
        ])
    };
    // One of three skipped.
    let out = run_with(&corpus, "0.2");
    assert_eq!(out.status.code(), Some(3), "{}", crate::util::stderr(&out));
    let err = crate::util::stderr(&out);
    assert!(err.contains("1 of 3 input documents skipped"), "{err}");
    assert!(claims.exists(), "the outputs are finished first");
    assert_eq!(read_jsonl(&ledger).len(), 3);
    let out = run_with(&corpus, "0.5");
    assert!(out.status.success(), "{}", crate::util::stderr(&out));
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = run_with(empty.to_str().unwrap(), "1");
    assert_eq!(out.status.code(), Some(3));
    assert!(crate::util::stderr(&out).contains("no input documents"));
    let out = run_with(&corpus, "1.5");
    assert_eq!(out.status.code(), Some(1));
    assert!(crate::util::stderr(&out).contains("from 0 to 1"));
}

/// Shards writing into one folder keep their own ledgers by default, which together list every
/// input document once.
#[test]
fn shards_in_one_folder_write_their_own_ledgers() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = three_documents(dir.path());
    let model = model_dir().to_str().unwrap().to_string();
    for shard in ["0/2", "1/2"] {
        let claims = dir.path().join(format!("out/claims-{}.jsonl", &shard[..1]));
        run_ok(&[
            "run",
            &corpus,
            "--out",
            claims.to_str().unwrap(),
            "--model",
            &model,
            "--threads",
            "1",
            "--shard",
            shard,
        ]);
    }
    let first = read_jsonl(&dir.path().join("out/documents.shard-0-of-2.jsonl"));
    let second = read_jsonl(&dir.path().join("out/documents.shard-1-of-2.jsonl"));
    assert_eq!((first.len(), second.len()), (2, 1));
    assert!(!dir.path().join("out/documents.jsonl").exists());
}

/// Where and when each document appeared reaches every output: from a JSONL dump with `source`
/// and `published_at` (in three notations) one SQL query over the claims table counts claims per
/// source per day; an HTML page's JSON-LD and meta tags fill its document's row; the documents
/// table keeps the cleaned text every claim's offsets point into; the JSONL claims carry it too.
#[test]
fn document_metadata_reaches_the_claims_and_the_documents_table() {
    let dir = tempfile::tempdir().unwrap();
    let (db, jsonl) = (
        dir.path().join("claims.db"),
        dir.path().join("claims.jsonl"),
    );
    run_sourced(dir.path(), &[&db, &jsonl]);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let per_day = claims_per_source_per_day(&conn);
    // The same counts from the ledger and the inputs: each document's day in UTC.
    let ledger = read_jsonl(&dir.path().join("documents.jsonl"));
    let claims_of = |id: &str| -> i64 {
        ledger
            .iter()
            .find(|r| r["doc_id"] == id)
            .map_or(0, |r| r["claims"].as_i64().unwrap())
    };
    let mut want: std::collections::BTreeMap<(Option<String>, Option<String>), i64> =
        Default::default();
    for (id, source, day) in [
        ("a", "Wire A", "2026-11-02"),
        ("b", "Wire A", "2026-11-02"),
        ("c", "Wire B", "2026-11-03"),
        ("d", "Wire B", "2026-11-04"),
    ] {
        *want
            .entry((Some(source.to_string()), Some(day.to_string())))
            .or_default() += claims_of(id);
    }
    let page_claims: i64 = ledger
        .iter()
        .filter(|r| r["source"]["path"].as_str().unwrap().ends_with("page.html"))
        .map(|r| r["claims"].as_i64().unwrap())
        .sum();
    *want
        .entry((
            Some("The Daily Planet".to_string()),
            Some("2026-11-04".to_string()),
        ))
        .or_default() += page_claims;
    want.retain(|_, n| *n > 0);
    let got: std::collections::BTreeMap<_, _> =
        per_day.into_iter().map(|(s, d, n)| ((s, d), n)).collect();
    assert_eq!(got, want);
    assert!(got.len() >= 3, "{got:?}");

    let (title, author, publisher, published, raw, url, language, text): (
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
    ) = conn
        .query_row(
            "SELECT title, author, publisher, published_at, published_raw, url, language, text
             FROM documents WHERE source LIKE '%page.html'",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            },
        )
        .unwrap();
    assert_eq!(
        (
            title.as_str(),
            author.as_str(),
            publisher.as_str(),
            language.as_str()
        ),
        ("Astana talks end", "Ann Mbeki", "The Daily Planet", "en")
    );
    assert_eq!(
        (published.as_str(), raw.as_str()),
        ("2026-11-04T12:00:00Z", "2026-11-04T12:00:00Z")
    );
    assert_eq!(url, "https://planet.example/talks");
    assert_eq!(
        text,
        "Kazakhstan signed a trade accord with Israel in Astana on Monday."
    );
    // Every claim in the JSONL output names its document's source and time, and its sentence
    // slices back out of the stored text.
    let texts: HashMap<String, String> = conn
        .prepare("SELECT doc_id, text FROM documents WHERE text IS NOT NULL")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let claims = read_jsonl(&jsonl);
    assert!(!claims.is_empty());
    for claim in &claims {
        assert!(claim["document"]["publisher"].is_string(), "{claim}");
        assert!(claim["document"]["published_at"].is_string(), "{claim}");
        let text = &texts[claim["doc_id"].as_str().unwrap()];
        let sentence = &claim["sentence"];
        assert_eq!(
            slice_chars(
                text,
                sentence["start"].as_u64().unwrap(),
                sentence["end"].as_u64().unwrap()
            ),
            sentence["text"].as_str().unwrap()
        );
    }
}

/// Four JSONL articles from two wires on three days (in three time notations, one of them
/// crossing midnight in UTC) and an HTML page whose JSON-LD and meta tags say where and when.
fn write_sourced_inputs(input: &Path) {
    let records = [
        (
            "a",
            "Wire A",
            "2026-11-02T09:30:00+01:00",
            "Acme Corp. hired Zed Okafor in Lagos on Monday.",
        ),
        (
            "b",
            "Wire A",
            "2026-11-02",
            "Beta Ltd. bought Gamma Inc. in Paris last year.",
        ),
        (
            "c",
            "Wire B",
            "Tue, 03 Nov 2026 10:00:00 GMT",
            "Delta Bank fired Ann Mbeki in Nairobi on Friday.",
        ),
        (
            "d",
            "Wire B",
            "2026-11-03T23:30:00-05:00",
            "Omega Corp. sued Sigma Ltd. in Berlin on Tuesday.",
        ),
    ];
    let lines: Vec<String> = records
        .iter()
        .map(|(id, source, time, text)| {
            serde_json::json!({"id": id, "source": source, "published_at": time, "text": text})
                .to_string()
        })
        .collect();
    std::fs::write(input.join("dump.jsonl"), lines.join("\n") + "\n").unwrap();
    std::fs::write(
        input.join("page.html"),
        r#"<html lang="en"><head><title>Talks | Planet</title>
<meta property="og:site_name" content="The Daily Planet">
<meta name="author" content="Ann Mbeki">
<script type="application/ld+json">{"@type":"NewsArticle","headline":"Astana talks end",
"datePublished":"2026-11-04T12:00:00Z","url":"https://planet.example/talks"}</script></head>
<body><article><p>Kazakhstan signed a trade accord with Israel in Astana on Monday.</p></article></body></html>"#,
    )
    .unwrap();
}

/// `claimex run` with models/default over [`write_sourced_inputs`] (written into `dir/in`),
/// into `outs`.
fn run_sourced(dir: &Path, outs: &[&Path]) {
    let input = dir.join("in");
    std::fs::create_dir(&input).unwrap();
    write_sourced_inputs(&input);
    let model = workspace_root().join("models/default");
    let mut args = vec!["run", input.to_str().unwrap()];
    for out in outs {
        args.extend(["--out", out.to_str().unwrap()]);
    }
    args.extend(["--model", model.to_str().unwrap(), "--threads", "1"]);
    run_ok(&args);
}

/// Claims per source per day: the analyst's query over the SQLite claims table.
fn claims_per_source_per_day(
    conn: &rusqlite::Connection,
) -> Vec<(Option<String>, Option<String>, i64)> {
    conn.prepare(
        "SELECT doc_source, substr(doc_published_at, 1, 10) AS day, count(*) FROM claims
         GROUP BY doc_source, day ORDER BY doc_source, day",
    )
    .unwrap()
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

/// The same question asked of the Parquet output with DuckDB's command-line tool (`make test`
/// installs it from PyPI into .tools/duckdb and names it in CLAIMEX_DUCKDB) gives the same answer
/// as the SQL query over the SQLite claims table written by the same run.
#[test]
#[cfg_attr(
    claimex_no_duckdb,
    ignore = "needs DuckDB's command-line tool: CLAIMEX_DUCKDB is not set (make test installs it)"
)]
fn duckdb_counts_claims_per_source_per_day_over_the_parquet_output() {
    let duckdb = std::env::var("CLAIMEX_DUCKDB")
        .ok()
        .filter(|p| Path::new(p).is_file())
        .expect("needs DuckDB's command-line tool: CLAIMEX_DUCKDB does not name it (make test installs it)");
    let dir = tempfile::tempdir().unwrap();
    let (db, parquet) = (
        dir.path().join("claims.db"),
        dir.path().join("claims.parquet"),
    );
    run_sourced(dir.path(), &[&db, &parquet]);
    let query = format!(
        "SELECT doc_source AS source, substr(CAST(doc_published_at AS VARCHAR), 1, 10) AS day,
         count(*) AS claims FROM '{}' GROUP BY source, day ORDER BY source, day",
        parquet.display()
    );
    let out = std::process::Command::new(&duckdb)
        .args(["-json", "-c", &query])
        .output()
        .expect("duckdb runs");
    assert!(
        out.status.success(),
        "duckdb failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<(Option<String>, Option<String>, i64)> = rows
        .iter()
        .map(|r| {
            let text = |k: &str| r[k].as_str().map(str::to_string);
            (text("source"), text("day"), r["claims"].as_i64().unwrap())
        })
        .collect();
    let want = claims_per_source_per_day(&rusqlite::Connection::open(&db).unwrap());
    assert_eq!(got, want);
    assert!(got.len() >= 3, "{got:?}");
}

/// `--resume` tries again the documents an earlier run skipped: a run with the wrong
/// `--text-field` skips every line, and resuming with the right one processes them.
#[test]
fn resuming_retries_documents_an_earlier_run_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = three_documents(dir.path());
    let db = dir.path().join("claims.db");
    let ledger = dir.path().join("ledger.jsonl");
    let model = model_dir().to_str().unwrap().to_string();
    let run_with = |field: &str, extra: &[&str]| -> Vec<Value> {
        let mut args = vec![
            "run",
            corpus.as_str(),
            "--out",
            db.to_str().unwrap(),
            "--ledger",
            ledger.to_str().unwrap(),
            "--model",
            &model,
            "--threads",
            "1",
            "--text-field",
            field,
        ];
        args.extend(extra);
        run_ok(&args);
        read_jsonl(&ledger)
    };
    let first = run_with("body", &[]);
    assert!(first.iter().all(|r| r["status"] == "skipped"), "{first:?}");
    let second = run_with("text", &["--resume"]);
    let processed = second.iter().filter(|r| r["status"] == "processed").count();
    assert_eq!(processed, 2, "{second:?}");
}

/// An export into a database that refuses a write fails naming the cause, and the target's run is
/// marked failed with the error, as a failed `claimex run` leaves it.
#[test]
fn a_failed_export_marks_its_run_failed() {
    let dir = tempfile::tempdir().unwrap();
    run_corpus_into_jsonl_and_sqlite(dir.path());
    let source = dir.path().join("source.db");
    let target = dir.path().join("target.db");
    let export = || {
        crate::util::run(&[
            "export",
            "--from",
            source.to_str().unwrap(),
            "--to",
            target.to_str().unwrap(),
        ])
    };
    assert!(export().status.success());
    let conn = rusqlite::Connection::open(&target).unwrap();
    conn.execute_batch(
        "CREATE TRIGGER refuse BEFORE INSERT ON claims BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END;",
    )
    .unwrap();
    let out = export();
    assert!(!out.status.success());
    assert!(crate::util::stderr(&out).contains("refused by a trigger"));
    let (status, error): (String, String) = conn
        .query_row(
            "SELECT status, error FROM runs ORDER BY run_id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(status, "failed");
    assert!(error.contains("refused by a trigger"), "{error}");
}

/// The article pages of tests/fixtures/pages carry ads, cookie notices, share bars, bylines,
/// bios, comment counts and related-link lists with claim-like sentences, around and inside
/// their articles: every claim `claimex run` finds in them comes from an article paragraph, and
/// each page's publication time and author are on its row of the documents table.
#[test]
fn claims_from_chrome_heavy_pages_come_only_from_their_articles() {
    let mut pages: Vec<String> = std::fs::read_dir(workspace_root().join("tests/fixtures/pages"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    pages.sort();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("claims.db");
    let jsonl = dir.path().join("claims.jsonl");
    let model = workspace_root().join("models/default");
    let mut args: Vec<&str> = vec!["run"];
    args.extend(pages.iter().map(String::as_str));
    args.extend([
        "--out",
        db.to_str().unwrap(),
        "--out",
        jsonl.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--threads",
        "1",
    ]);
    run_ok(&args);
    let ledger = read_jsonl(&dir.path().join("documents.jsonl"));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let claims = read_jsonl(&jsonl);
    let mut pages_seen = 0;
    for record in &ledger {
        let path = Path::new(record["source"]["path"].as_str().unwrap());
        assert_eq!(record["status"], "processed", "{record}");
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(path.with_extension("expected.json")).unwrap(),
        )
        .unwrap();
        let body: Vec<&str> = expected["body"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        let doc_id = record["doc_id"].as_str().unwrap();
        let mine: Vec<&Value> = claims.iter().filter(|c| c["doc_id"] == doc_id).collect();
        assert!(mine.len() >= 5, "{}: {} claims", path.display(), mine.len());
        for claim in mine {
            let sentence = claim["sentence"]["text"].as_str().unwrap();
            assert!(
                body.iter().any(|p| p.contains(sentence)),
                "{}: a claim from outside the article: {sentence:?}",
                path.display()
            );
        }
        let (published, author): (String, String) = conn
            .query_row(
                "SELECT published_at, author FROM documents WHERE doc_id = ?1",
                [doc_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(published, expected["published_at"].as_str().unwrap());
        assert_eq!(author, expected["author"].as_str().unwrap());
        pages_seen += 1;
    }
    assert_eq!(pages_seen, 6);
}
