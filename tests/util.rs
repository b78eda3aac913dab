use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

/// The binary under test.
pub fn claimex() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_claimex"));
    cmd.stdin(Stdio::null());
    cmd
}

/// Runs `claimex` with `args`, returning its output whatever the exit status.
pub fn run(args: &[&str]) -> Output {
    claimex().args(args).output().expect("claimex binary runs")
}

/// Runs `claimex` and insists that it succeeds.
pub fn run_ok(args: &[&str]) -> Output {
    let out = run(args);
    assert!(
        out.status.success(),
        "claimex {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A tiny random model built once per test binary by `claimex models init-random`.
pub fn model_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-tiny-random-model");
        run_ok(&[
            "models",
            "init-random",
            "--out",
            dir.to_str().unwrap(),
            "--seed",
            "3",
            "--outside-bias",
            "1.5",
        ]);
        dir
    })
}

/// Parses a JSONL file into values.
pub fn read_jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
        .collect()
}

/// `text[start..end]` in characters.
pub fn slice_chars(text: &str, start: u64, end: u64) -> String {
    text.chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}

/// Root of the workspace (the tests' package is crates/cli).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Asserts that every span of a claim (sentence, subject, predicate, object) slices back to its
/// text in the stored document text.
pub fn assert_claim_spans_slice_back(claim: &Value, text: &str) {
    for part in ["sentence", "subject", "predicate", "object"] {
        let span = &claim[part];
        if span.is_null() {
            continue;
        }
        let (start, end) = (
            span["start"].as_u64().unwrap(),
            span["end"].as_u64().unwrap(),
        );
        assert_eq!(
            slice_chars(text, start, end),
            span["text"].as_str().unwrap(),
            "{part} of {claim}"
        );
    }
}

/// Runs the shipped model (`models/default`) over `input` on one thread and returns the claims,
/// written to `dir/claims.jsonl`.
pub fn claims_with_default_model(input: &Path, dir: &Path) -> Vec<Value> {
    let out = dir.join("claims.jsonl");
    let model = workspace_root().join("models/default");
    run_ok(&[
        "run",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--threads",
        "1",
    ]);
    read_jsonl(&out)
}

/// Why a test marked with `#[cfg_attr(claimex_no_postgres, ignore = ...)]` fails under `CI=true`.
const NO_POSTGRES: &str = "needs a PostgreSQL server: CLAIMEX_TEST_POSTGRES is not set (make test starts one with scripts/with-postgres.sh)";

/// URL of a new, empty database `name` on the test PostgreSQL server (`make test` starts one and
/// sets CLAIMEX_TEST_POSTGRES). Panics, naming what is missing, without a server: the tests that
/// call it are ignored then (build/test_services.rs sets `claimex_no_postgres`), unless `CI=true`.
pub fn fresh_postgres(name: &str) -> String {
    let admin = std::env::var("CLAIMEX_TEST_POSTGRES")
        .ok()
        .filter(|url| !url.is_empty())
        .expect(NO_POSTGRES);
    let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
    client
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .unwrap();
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    format!("{}/{name}", admin.rsplit_once('/').unwrap().0)
}

/// A file from `../shared` beside the checkout (research data and the seed article, not part of the
/// repository). Panics, naming the file, when it is missing: the tests that call it are ignored
/// when the folder is absent (build/test_services.rs sets `claimex_no_shared`), unless `CI=true`.
pub fn shared_file(relative: &str) -> PathBuf {
    let path = workspace_root().join("../shared").join(relative);
    assert!(
        path.is_file(),
        "needs ../shared/{relative}, which is not part of the repository ({} not found)",
        path.display()
    );
    path
}

/// The one number a query such as `SELECT count(*) FROM claims` returns.
pub fn count(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}
