//! Crash safety: a run killed with SIGKILL while writing to SQLite or PostgreSQL, then resumed,
//! leaves exactly what a clean run leaves: no lost and no duplicated rows.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use claimex_export::{read_postgres, read_sqlite, OwnedDocument};

use crate::util::{claimex, run_ok, stderr, workspace_root};

const DOCS: usize = 240;

/// Distinct two-sentence news items, with a malformed line in the middle so a skipped document
/// crosses the kill too, and at the end a copy of the first item under another id: committed
/// before the kill, the original must still make its copy a duplicate after `--resume`.
fn write_corpus(path: &Path) {
    let people = [
        "Maja Lindqvist",
        "Omar Haddad",
        "Elif Kaya",
        "Tomás Herrera",
        "Yuki Tanaka",
    ];
    let orgs = [
        "Nordvolt",
        "Coastal Bank",
        "Vela Motors",
        "Helix Pharma",
        "Orion Telecom",
    ];
    let places = ["Gdańsk", "Astana", "Lyon", "Osaka", "Vilnius", "Tbilisi"];
    let mut lines = Vec::new();
    for i in 0..DOCS {
        if i == DOCS / 2 {
            lines.push("{not json".to_string());
            continue;
        }
        let text = format!(
            "{} met {} officials in {} on day {i}. {} said {} would open an office in {} within {} weeks.",
            people[i % 5],
            orgs[(i / 5) % 5],
            places[i % 6],
            people[(i + 2) % 5],
            orgs[(i + 1) % 5],
            places[(i + 3) % 6],
            i + 2
        );
        lines.push(serde_json::json!({ "id": format!("n{i}"), "text": text }).to_string());
    }
    let first: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    lines.push(serde_json::json!({ "id": "copy-of-n0", "text": first["text"] }).to_string());
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

fn run_args<'a>(corpus: &'a str, out: &'a str, model: &'a str) -> Vec<&'a str> {
    vec![
        "run",
        corpus,
        "--out",
        out,
        "--model",
        model,
        "--threads",
        "1",
        "--chunk-docs",
        "4",
        "--commit-every",
        "4",
    ]
}

/// Starts a run, waits until `committed()` reports some but not all documents, and kills it.
fn kill_midway(args: &[&str], committed: &dyn Fn() -> usize) {
    let mut child = claimex().args(args).stderr(Stdio::null()).spawn().unwrap();
    let started = Instant::now();
    loop {
        let n = committed();
        if n >= 24 {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before it could be killed"
        );
        assert!(started.elapsed() < Duration::from_secs(120), "no progress");
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let n = committed();
    assert!(
        n < DOCS,
        "killed too late to test anything ({n} documents committed)"
    );
}

fn check_resume(
    target_clean: &str,
    target_killed: &str,
    read: &dyn Fn(&str) -> Vec<OwnedDocument>,
    committed: &dyn Fn() -> usize,
) {
    // A folder made from a server URL would appear here, in the working directory.
    let url_folder = Path::new("postgres:");
    let url_folder_before = url_folder.exists();
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus.jsonl");
    write_corpus(&corpus);
    let corpus = corpus.to_str().unwrap();
    let model = workspace_root().join("models/default");
    let model = model.to_str().unwrap();
    let ledger = dir.path().join("ledger.jsonl");
    let ledger = ledger.to_str().unwrap();

    let mut clean = run_args(corpus, target_clean, model);
    clean.extend(["--ledger", ledger]);
    run_ok(&clean);

    let mut killed = run_args(corpus, target_killed, model);
    killed.extend(["--ledger", ledger]);
    let clean_ledger = std::fs::read(ledger).unwrap();
    kill_midway(&killed, committed);
    // The killed run's ledger is its `.partial` file, of whole lines, never ahead of what the
    // database committed; the finished ledger of the clean run is untouched.
    let partial = std::fs::read_to_string(format!("{ledger}.partial"))
        .expect("a killed run leaves its ledger as PATH.partial");
    assert!(
        partial.is_empty() || partial.ends_with('\n'),
        "torn ledger line"
    );
    for line in partial.lines() {
        serde_json::from_str::<serde_json::Value>(line).expect("a whole JSON line");
    }
    let records = partial.lines().count();
    let in_db = committed();
    assert!(
        records <= in_db,
        "the ledger lists {records} documents, the database holds {in_db}"
    );
    assert_eq!(std::fs::read(ledger).unwrap(), clean_ledger);
    let mut resumed = killed.clone();
    resumed.push("--resume");
    let out = run_ok(&resumed);
    assert!(
        stderr(&out).contains("already committed (resumed)"),
        "{}",
        stderr(&out)
    );

    // A server URL is not a path: no folder named after it may appear.
    assert!(
        url_folder_before || !url_folder.exists(),
        "a folder was made from a URL"
    );
    let (want, got) = (read(target_clean), read(target_killed));
    assert_eq!(want.len(), DOCS + 1);
    let copy = want
        .iter()
        .find(|d| d.record.doc_id.as_deref() == Some("copy-of-n0"));
    assert_eq!(
        copy.map(|d| d.record.status.as_str()),
        Some("duplicate"),
        "the clean run marks the copy"
    );
    assert!(want.iter().map(|d| d.claims.len()).sum::<usize>() > 0);
    assert_eq!(got, want, "killed and resumed differs from a clean run");
}

#[test]
fn sigkill_then_resume_into_sqlite_equals_a_clean_run() {
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean.db");
    let killed = dir.path().join("killed.db");
    let killed_path = killed.clone();
    let committed = move || -> usize {
        let Ok(conn) = rusqlite::Connection::open_with_flags(
            &killed_path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        ) else {
            return 0;
        };
        conn.query_row("SELECT count(*) FROM documents", [], |r| r.get::<_, i64>(0))
            .map_or(0, |n| n as usize)
    };
    check_resume(
        clean.to_str().unwrap(),
        killed.to_str().unwrap(),
        &|t| read_sqlite(Path::new(t)).unwrap(),
        &committed,
    );
}

#[test]
#[cfg_attr(
    claimex_no_postgres,
    ignore = "needs a PostgreSQL server: run the tests with `make test`, which starts one"
)]
fn sigkill_then_resume_into_postgres_equals_a_clean_run() {
    let clean = crate::util::fresh_postgres("resume_clean");
    let killed = crate::util::fresh_postgres("resume_killed");
    let killed_url = killed.clone();
    let committed = move || -> usize {
        let Ok(mut c) = postgres::Client::connect(&killed_url, postgres::NoTls) else {
            return 0;
        };
        c.query_one("SELECT count(*) FROM documents", &[])
            .map_or(0, |r| r.get::<_, i64>(0) as usize)
    };
    check_resume(&clean, &killed, &|t| read_postgres(t).unwrap(), &committed);
}
