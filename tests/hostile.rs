//! Hostile inputs, end to end. Each test writes an input that has crashed, slowed or fooled
//! claimex, or could, into a temporary folder, runs the built binary on it (`claimex run` with the
//! tiny random model on one thread, or `claimex ingest` where no model is needed) and checks what
//! a robust tool must do with it. Every command goes through [`checked`], which also holds what
//! must hold for any input: the expected exit status, no panic, every input document in the
//! ledger exactly once, and the inputs left byte for byte as they were; [`pipeline`] adds that
//! every stored sentence and every claim's spans slice back to the document's text.
//! docs/reliability.md lists the cases (issue 16) and the tests that hold them.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use claimex_export::rows::{Kind, CLAIMS};
use claimex_ingest::{MAX_HTML_DEPTH, MAX_SENTENCE_CHARS};
use serde_json::{json, Value};

use crate::util::{
    assert_claim_spans_slice_back, claimex, model_dir, read_jsonl, slice_chars, stderr,
    workspace_root,
};

/// A path as a command-line argument (temporary folders have UTF-8 paths).
fn s(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// A temporary folder for one case: `in/` holds the inputs, `out/` what claimex writes, and
/// `outside/` files that are neither but that a hostile input points at.
struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new() -> Case {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["in", "out", "outside"] {
            std::fs::create_dir(dir.path().join(sub)).unwrap();
        }
        Case { dir }
    }

    fn input(&self) -> PathBuf {
        self.dir.path().join("in")
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    fn outside(&self) -> PathBuf {
        self.dir.path().join("outside")
    }

    /// Writes `bytes` to `in/<name>`, creating its folders; returns its path.
    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.input().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

/// One entry of a folder tree as [`snapshot`] saw it. Symbolic links are read, not followed.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    Folder,
    File(Vec<u8>),
    Link(PathBuf),
}

/// Every entry under `roots`, with the bytes of every file and the target of every link.
fn snapshot(roots: &[PathBuf]) -> BTreeMap<PathBuf, Entry> {
    let mut entries = BTreeMap::new();
    let mut pending = roots.to_vec();
    while let Some(path) = pending.pop() {
        let meta =
            std::fs::symlink_metadata(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let entry = if meta.file_type().is_symlink() {
            Entry::Link(std::fs::read_link(&path).unwrap())
        } else if meta.is_dir() {
            for child in std::fs::read_dir(&path).unwrap() {
                pending.push(child.unwrap().path());
            }
            Entry::Folder
        } else {
            Entry::File(std::fs::read(&path).unwrap())
        };
        entries.insert(path, entry);
    }
    entries
}

/// Fails naming every path created, removed or changed between two snapshots.
fn assert_unchanged(
    before: &BTreeMap<PathBuf, Entry>,
    after: &BTreeMap<PathBuf, Entry>,
    args: &[&str],
) {
    let paths: BTreeSet<&PathBuf> = before.keys().chain(after.keys()).collect();
    let changed: Vec<String> = paths
        .into_iter()
        .filter_map(|path| match (before.get(path), after.get(path)) {
            (Some(a), Some(b)) if a == b => None,
            (Some(_), Some(_)) => Some(format!("{} changed", path.display())),
            (Some(_), None) => Some(format!("{} removed", path.display())),
            (None, _) => Some(format!("{} created", path.display())),
        })
        .collect();
    assert!(
        changed.is_empty(),
        "claimex {args:?} touched files it must leave alone: {changed:#?}"
    );
}

fn status(record: &Value) -> &str {
    record["status"].as_str().unwrap_or_default()
}

fn reason(record: &Value) -> &str {
    record["reason"].as_str().unwrap_or_default()
}

fn text(doc: &Value) -> &str {
    doc["text"].as_str().expect("a stored text")
}

/// (source path, line) of a ledger record or stored document; line `None` for whole files.
fn source_key(value: &Value) -> (String, Option<u64>) {
    let path = value["source"]["path"].as_str().expect("a source path");
    (path.to_string(), value["source"]["line"].as_u64())
}

/// The one ledger record or stored document read from the input file named `name` (at `line` for
/// JSONL), whatever folder it was found in.
fn at_source<'a>(values: &'a [Value], name: &str, line: Option<u64>) -> &'a Value {
    let found: Vec<&Value> = values
        .iter()
        .filter(|v| {
            let (path, at) = source_key(v);
            Path::new(&path).file_name().and_then(|n| n.to_str()) == Some(name) && at == line
        })
        .collect();
    assert_eq!(found.len(), 1, "{name} line {line:?} in {values:#?}");
    found[0]
}

/// Checks that a ledger lists `documents` input documents, each once by (source path, line), each
/// with a known status, and with a reason for every document that was not processed.
fn assert_accounts_for(records: &[Value], documents: usize, args: &[&str]) {
    let sources: Vec<(String, Option<u64>)> = records.iter().map(source_key).collect();
    assert_eq!(
        records.len(),
        documents,
        "claimex {args:?}: the ledger lists {sources:#?}"
    );
    let mut seen = HashSet::new();
    for (record, source) in records.iter().zip(&sources) {
        assert!(
            seen.insert(source),
            "claimex {args:?}: {source:?} is in the ledger twice"
        );
        assert!(
            ["processed", "skipped", "duplicate", "resumed"].contains(&status(record)),
            "claimex {args:?}: {record}"
        );
        if status(record) != "processed" {
            assert!(
                !reason(record).is_empty(),
                "claimex {args:?}: no reason in {record}"
            );
        }
    }
}

/// What a [`checked`] command did.
struct Ran {
    stderr: String,
    /// The ledger's records (none when no ledger was to be checked).
    ledger: Vec<Value>,
}

/// Runs `claimex args` and checks what must hold whatever the input: the process ends by itself
/// (a stack overflow aborts it with a signal), with status 0 when `success` and non-zero
/// otherwise; its standard error reports no panic and no stack overflow; `in/` and `outside/` are
/// byte for byte as they were, with nothing added or removed. Given `ledger` = (path, n), the
/// ledger lists the n input documents as [`assert_accounts_for`] says, and no `.partial` ledger
/// is left beside it.
fn checked(case: &Case, args: &[&str], success: bool, ledger: Option<(&Path, usize)>) -> Ran {
    let untouched = [case.input(), case.outside()];
    let before = snapshot(&untouched);
    let output = claimex().args(args).output().expect("claimex binary runs");
    let err = stderr(&output);
    assert!(
        !err.contains("panicked") && !err.contains("overflowed its stack"),
        "claimex {args:?} crashed:\n{err}"
    );
    match output.status.code() {
        None => panic!(
            "claimex {args:?} was killed by a signal ({}):\n{err}",
            output.status
        ),
        Some(code) => assert_eq!(
            code == 0,
            success,
            "claimex {args:?} exited with {code}:\n{err}"
        ),
    }
    assert_unchanged(&before, &snapshot(&untouched), args);
    let records = match ledger {
        Some((path, documents)) => {
            let records = read_jsonl(path);
            assert_accounts_for(&records, documents, args);
            let mut partial = path.as_os_str().to_owned();
            partial.push(".partial");
            assert!(
                !Path::new(&partial).exists(),
                "claimex {args:?} left {partial:?}"
            );
            records
        }
        None => vec![],
    };
    Ran {
        stderr: err,
        ledger: records,
    }
}

/// Every sentence of every document `claimex ingest` stored slices back to the document's text.
fn assert_sentences_slice_back(ingested: &[Value]) {
    for doc in ingested {
        let doc_text = text(doc);
        for sentence in doc["sentences"].as_array().expect("sentences") {
            let (start, end) = (
                sentence["start"].as_u64().unwrap(),
                sentence["end"].as_u64().unwrap(),
            );
            assert!(start < end, "an empty sentence in {}", doc["doc_id"]);
            assert_eq!(
                slice_chars(doc_text, start, end),
                sentence["text"].as_str().unwrap(),
                "a sentence of {}",
                doc["doc_id"]
            );
        }
    }
}

/// What [`pipeline`] found.
struct Outcome {
    /// The run's ledger records.
    ledger: Vec<Value>,
    /// The run's claims (`out/claims.jsonl`).
    claims: Vec<Value>,
    /// The documents `claimex ingest` stored for the same inputs, with text and sentences.
    ingested: Vec<Value>,
}

/// Runs `claimex run in/` with the tiny random model on one thread into `out/claims.jsonl` (and
/// every `extra_outs` sink), ledger `out/documents.jsonl`; then `claimex ingest in/` into
/// `out/ingested.jsonl`, ledger `out/ingest-documents.jsonl`. Both get `reader_flags`, and both
/// are [`checked`] to exit 0 and to list `documents` input documents. Then every sentence ingest
/// stored slices back to its document's text, and so does every span of every claim of the run.
fn pipeline(case: &Case, reader_flags: &[&str], extra_outs: &[&str], documents: usize) -> Outcome {
    let (input, out) = (case.input(), case.out());
    let claims = out.join("claims.jsonl");
    let ledger = out.join("documents.jsonl");
    let mut args = vec!["run", s(&input), "--out", s(&claims)];
    for &extra in extra_outs {
        args.extend(["--out", extra]);
    }
    args.extend([
        "--ledger",
        s(&ledger),
        "--model",
        s(model_dir()),
        "--threads",
        "1",
    ]);
    args.extend(reader_flags.iter().copied());
    let run = checked(case, &args, true, Some((ledger.as_path(), documents)));
    assert!(!out.join("claims.jsonl.partial").exists());

    let ingested = out.join("ingested.jsonl");
    let ingest_ledger = out.join("ingest-documents.jsonl");
    let mut args = vec![
        "ingest",
        s(&input),
        "--out",
        s(&ingested),
        "--ledger",
        s(&ingest_ledger),
    ];
    args.extend(reader_flags.iter().copied());
    checked(
        case,
        &args,
        true,
        Some((ingest_ledger.as_path(), documents)),
    );

    let outcome = Outcome {
        ledger: run.ledger,
        claims: read_jsonl(&claims),
        ingested: read_jsonl(&ingested),
    };
    assert_sentences_slice_back(&outcome.ingested);
    let texts: HashMap<&str, &str> = outcome
        .ingested
        .iter()
        .map(|doc| (doc["doc_id"].as_str().unwrap(), text(doc)))
        .collect();
    for claim in &outcome.claims {
        let doc_id = claim["doc_id"].as_str().unwrap();
        let doc_text = texts
            .get(doc_id)
            .unwrap_or_else(|| panic!("a claim of {doc_id}, which ingest did not store: {claim}"));
        assert_claim_spans_slice_back(claim, doc_text);
    }
    outcome
}

/// A ledger that would be one of the inputs, by default (`documents.jsonl` beside an `--out`
/// inside the input folder) or named by `--ledger`, is refused by `run` and by `ingest` before
/// anything is written: the input stays as it was and nothing appears in the input folder or in
/// `out/`. (tests/run.rs holds the claims-file cases and relative spellings of the paths.)
#[test]
fn a_ledger_among_the_inputs_is_refused_by_run_and_ingest_and_the_input_kept() {
    let case = Case::new();
    let ledger_like = case.write(
        "documents.jsonl",
        "{\"id\":\"kept\",\"text\":\"Acme Corp. hired Zed Okafor in Lagos.\"}\n",
    );
    let input = case.input();
    let inside = input.join("new.jsonl");
    let claims = case.out().join("claims.jsonl");
    let ingested = case.out().join("ingested.jsonl");
    let model = s(model_dir());
    let refused = |args: &[&str]| {
        let ran = checked(&case, args, false, None);
        assert!(
            ran.stderr.contains("is one of the inputs") && ran.stderr.contains("documents.jsonl"),
            "{args:?}: {}",
            ran.stderr
        );
        let written: Vec<PathBuf> = std::fs::read_dir(case.out())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert!(written.is_empty(), "{args:?} wrote {written:?}");
    };
    // The default ledger, beside the output: in/documents.jsonl.
    refused(&[
        "run",
        s(&input),
        "--out",
        s(&inside),
        "--model",
        model,
        "--threads",
        "1",
    ]);
    refused(&["ingest", s(&input), "--out", s(&inside)]);
    // The ledger named with --ledger.
    refused(&[
        "run",
        s(&input),
        "--out",
        s(&claims),
        "--ledger",
        s(&ledger_like),
        "--model",
        model,
        "--threads",
        "1",
    ]);
    refused(&[
        "ingest",
        s(&input),
        "--out",
        s(&ingested),
        "--ledger",
        s(&ledger_like),
    ]);
}

/// 5,000 and 200,000 blank lines between two JSONL records are layout, not documents: the run exits 0 and both records
/// around them are processed, at their line numbers.
#[test]
fn thousands_of_blank_lines_between_jsonl_records_are_skipped_and_the_records_processed() {
    let case = Case::new();
    let blanks: [usize; 2] = [5_000, 200_000];
    for n in blanks {
        let first = json!({
            "id": format!("before-{n}"),
            "text": format!("Maja Lindqvist met {n} Nordvolt workers in Gdańsk."),
        });
        let second = json!({
            "id": format!("after-{n}"),
            "text": format!("Omar Haddad said {n} jobs would move to Astana."),
        });
        case.write(
            &format!("blank-{n}.jsonl"),
            format!("{first}\n{}{second}\n", "\n".repeat(n)),
        );
    }
    let run = pipeline(&case, &[], &[], 4);
    for n in blanks {
        let name = format!("blank-{n}.jsonl");
        let after = n as u64 + 2;
        for (line, id) in [(1, format!("before-{n}")), (after, format!("after-{n}"))] {
            let record = at_source(&run.ledger, &name, Some(line));
            assert_eq!(
                (status(record), record["doc_id"].as_str()),
                ("processed", Some(id.as_str())),
                "{record}"
            );
        }
    }
}

/// A JSONL line longer than `--max-doc-bytes` (here 1,000), in the middle of a file and as its
/// last line without a newline, is skipped: its record has the line number (`source.line`), the
/// id read from the line's start, and a reason giving its length and the limit; the lines around
/// it are processed. (Not covered: the same line inside a `.jsonl.gz`, since writing gzip here
/// needs flate2, which is not a dev-dependency of crates/cli.)
#[test]
fn a_jsonl_line_longer_than_max_doc_bytes_is_skipped_at_its_line_and_its_neighbours_read() {
    let case = Case::new();
    let big = json!({"id": "big", "text": "a".repeat(5_000)}).to_string();
    case.write(
        "long.jsonl",
        format!(
            "{}\n{big}\n{}\n",
            json!({"id": "before", "text": "Acme Corp. hired Zed Okafor in Lagos."}),
            json!({"id": "after", "text": "Coastal Bank opened an office in Lyon."}),
        ),
    );
    let big_last = json!({"id": "big-last", "text": "b".repeat(5_000)}).to_string();
    case.write(
        "long-last.jsonl",
        format!(
            "{}\n{big_last}",
            json!({"id": "first", "text": "Orion Telecom cut prices in Osaka."}),
        ),
    );
    let run = pipeline(&case, &["--max-doc-bytes", "1000"], &[], 5);
    for (name, line, id) in [
        ("long.jsonl", 1, "before"),
        ("long.jsonl", 3, "after"),
        ("long-last.jsonl", 1, "first"),
    ] {
        let record = at_source(&run.ledger, name, Some(line));
        assert_eq!(
            (status(record), record["doc_id"].as_str()),
            ("processed", Some(id)),
            "{record}"
        );
    }
    // The length counts the newline that ends the line; the last line has none.
    for (name, line, id, length) in [
        ("long.jsonl", 2, "big", big.len() + 1),
        ("long-last.jsonl", 2, "big-last", big_last.len()),
    ] {
        let record = at_source(&run.ledger, name, Some(line));
        assert_eq!(
            (status(record), record["doc_id"].as_str()),
            ("skipped", Some(id)),
            "{record}"
        );
        let why = reason(record);
        assert!(
            why.contains(&format!("line of {length} bytes"))
                && why.contains("longer than 1000")
                && why.contains("--max-doc-bytes"),
            "{record}"
        );
    }
}

/// A UTF-8 byte order mark before a JSONL file's first record does not cost that record, and
/// text files that start with a UTF-16 byte order mark (little and big endian) are decoded: every
/// document processed, and the text `claimex ingest` stores is the text without the mark.
#[test]
fn byte_order_marks_are_dropped_and_utf16_text_files_decoded() {
    let case = Case::new();
    let first_text = "Acme Corp. hired Zed Okafor in Lagos.";
    let mut bom_jsonl = b"\xEF\xBB\xBF".to_vec();
    bom_jsonl.extend_from_slice(
        format!(
            "{}\n{}\n",
            json!({"id": "first", "text": first_text}),
            json!({"id": "second", "text": "Coastal Bank opened an office in Lyon."}),
        )
        .as_bytes(),
    );
    case.write("bom.jsonl", bom_jsonl);
    let le_text = "Zo\u{eb} Okafor met \u{c1}ngel Ruiz in Seville on Monday.";
    let mut le = vec![0xFF, 0xFE];
    le.extend(le_text.encode_utf16().flat_map(u16::to_le_bytes));
    case.write("utf16le.txt", le);
    let be_text = "Elif Kaya opened a Helix Pharma lab in Vilnius.";
    let mut be = vec![0xFE, 0xFF];
    be.extend(be_text.encode_utf16().flat_map(u16::to_be_bytes));
    case.write("utf16be.txt", be);

    let run = pipeline(&case, &[], &[], 4);
    let first = at_source(&run.ledger, "bom.jsonl", Some(1));
    assert_eq!(
        (status(first), first["doc_id"].as_str()),
        ("processed", Some("first")),
        "{first}"
    );
    assert_eq!(
        text(at_source(&run.ingested, "bom.jsonl", Some(1))),
        first_text
    );
    for (name, expected) in [("utf16le.txt", le_text), ("utf16be.txt", be_text)] {
        let record = at_source(&run.ledger, name, None);
        assert_eq!(status(record), "processed", "{record}");
        assert_eq!(text(at_source(&run.ingested, name, None)), expected);
    }
}

/// First characters that make a spreadsheet run a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell as spreadsheet-safe CSV holds it: a `'` before a formula start or a `'`.
fn protected(text: &str) -> String {
    if text.starts_with(FORMULA_STARTS) || text.starts_with('\'') {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// The cells of an RFC 4180 CSV file as a spreadsheet reads them: quotes around a cell removed,
/// doubled quotes undone, and a record ended by a newline (or CR LF) outside quotes.
fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let content = std::fs::read_to_string(path).unwrap();
    let (mut rows, mut row, mut cell) = (Vec::new(), Vec::new(), String::new());
    let mut quoted = false;
    let mut chars = content.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c != '"' {
                cell.push(c);
            } else if chars.peek() == Some(&'"') {
                chars.next();
                cell.push('"');
            } else {
                quoted = false;
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => row.push(std::mem::take(&mut cell)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            _ => cell.push(c),
        }
    }
    assert!(!quoted, "{}: a quoted cell never ends", path.display());
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows
}

/// Position of a column of the claims table (and of a claims CSV, whose header is checked).
fn column(name: &str) -> usize {
    CLAIMS
        .columns
        .iter()
        .position(|c| c.name == name)
        .unwrap_or_else(|| panic!("no claims column {name}"))
}

/// Checks a claims CSV: its header is the claims columns, every row has them all, no text cell
/// starts like a formula (a leading `'` is the escape), and number cells are numbers or empty.
fn assert_spreadsheet_safe(rows: &[Vec<String>], path: &Path) {
    let names: Vec<&str> = CLAIMS.columns.iter().map(|c| c.name).collect();
    assert_eq!(
        rows.first()
            .map(|header| header.iter().map(String::as_str).collect::<Vec<_>>()),
        Some(names),
        "{}: header",
        path.display()
    );
    for (n, row) in rows.iter().enumerate().skip(1) {
        assert_eq!(
            row.len(),
            CLAIMS.columns.len(),
            "{}: row {}",
            path.display(),
            n + 1
        );
        for (cell, col) in row.iter().zip(CLAIMS.columns) {
            let fine = match col.kind {
                Kind::Text => !cell.starts_with(FORMULA_STARTS),
                Kind::Int | Kind::Real => cell.is_empty() || cell.parse::<f64>().is_ok(),
            };
            assert!(
                fine,
                "{}: row {}, column {}: {cell:?}",
                path.display(),
                n + 1,
                col.name
            );
        }
    }
}

/// Copies the sample corpus (workspace `corpus/`) into `in/corpus`; returns how many documents it
/// holds (one per file, one per non-blank line of a JSONL file).
fn copy_sample_corpus(case: &Case) -> usize {
    let mut documents = 0;
    for entry in std::fs::read_dir(workspace_root().join("corpus")).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        documents += if path.extension().is_some_and(|e| e == "jsonl") {
            bytes
                .split(|&b| b == b'\n')
                .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
                .count()
        } else {
            1
        };
        let name = path.file_name().unwrap().to_str().unwrap();
        case.write(&format!("corpus/{name}"), bytes);
    }
    documents
}

/// CSV cells that a spreadsheet would run as a formula are written with a leading `'`. A run over
/// the sample corpus and sentences that start with `=HYPERLINK(...)`, `+`, `-` and `@` writes
/// CSV beside JSONL and SQLite: every text cell is safe, and each claim's sentence and subject
/// cells are its JSONL text, escaped where needed (whether the random model finds claims in the
/// formula sentences is not assumed). Then, deterministically, the database's claims get formula
/// text (and a text starting with `'`) and `claimex export` writes them to CSV: every such cell
/// has its `'`, and `read_csv` gives the text back unchanged.
#[test]
fn csv_cells_a_spreadsheet_would_run_as_formulas_get_a_leading_quote() {
    let case = Case::new();
    let corpus_documents = copy_sample_corpus(&case);
    let formulas = [
        (
            "formula-equals",
            "=HYPERLINK(\"http://x\",\"y\") said Acme Corp. hired Zed Okafor.",
        ),
        (
            "formula-plus",
            "+44 callers told Coastal Bank that Elif Kaya had resigned.",
        ),
        (
            "formula-minus",
            "-5 percent was the cut Orion Telecom announced in Lyon.",
        ),
        (
            "formula-at",
            "@Nordvolt said Maja Lindqvist would open a plant in Gdańsk.",
        ),
    ];
    let lines: String = formulas
        .iter()
        .map(|(id, text)| json!({"id": id, "text": text}).to_string() + "\n")
        .collect();
    case.write("formulas.jsonl", lines);
    let csv = case.out().join("claims.csv");
    let db = case.out().join("claims.db");
    let run = pipeline(
        &case,
        &[],
        &[s(&csv), s(&db)],
        corpus_documents + formulas.len(),
    );

    let rows = csv_rows(&csv);
    assert_spreadsheet_safe(&rows, &csv);
    assert_eq!(rows.len() - 1, run.claims.len(), "one CSV row per claim");
    let by_id: HashMap<&str, &Value> = run
        .claims
        .iter()
        .map(|c| (c["claim_id"].as_str().unwrap(), c))
        .collect();
    for row in &rows[1..] {
        let claim = by_id
            .get(row[column("claim_id")].as_str())
            .unwrap_or_else(|| panic!("a CSV claim not in the JSONL output: {row:?}"));
        for (name, json_text) in [
            ("sentence_text", &claim["sentence"]["text"]),
            ("subject_text", &claim["subject"]["text"]),
        ] {
            assert_eq!(
                row[column(name)],
                protected(json_text.as_str().unwrap()),
                "{name} of {claim}"
            );
        }
    }

    let conn = rusqlite::Connection::open(&db).unwrap();
    let stored = crate::util::count(&conn, "SELECT count(*) FROM claims");
    assert!(
        stored > 0,
        "the tiny test model finds claims in the sample corpus (tests/run.rs relies on it too); \
         without any there is nothing to export"
    );
    conn.execute_batch(
        r#"UPDATE claims SET
               sentence_text = '=HYPERLINK("http://x","y")',
               subject_text = '+1 555 0100',
               subject_type = '''quoted',
               predicate_text = '-2',
               predicate_lemma = '@SUM(A1)',
               relation = char(9) || '=1'"#,
    )
    .unwrap();
    drop(conn);
    let exported = case.out().join("exported.csv");
    checked(
        &case,
        &["export", "--from", s(&db), "--to", s(&exported)],
        true,
        None,
    );
    let rows = csv_rows(&exported);
    assert_spreadsheet_safe(&rows, &exported);
    assert_eq!(rows.len() - 1, stored as usize, "one CSV row per claim");
    for row in &rows[1..] {
        for (name, cell) in [
            ("sentence_text", "'=HYPERLINK(\"http://x\",\"y\")"),
            ("subject_text", "'+1 555 0100"),
            ("subject_type", "''quoted"),
            ("predicate_text", "'-2"),
            ("predicate_lemma", "'@SUM(A1)"),
            ("relation", "'\t=1"),
        ] {
            assert_eq!(row[column(name)], cell, "{name} in {row:?}");
        }
    }
    let back = claimex_export::read_csv(&exported).unwrap();
    assert_eq!(back.len(), stored as usize);
    for claim in &back {
        assert_eq!(claim.sentence.text, "=HYPERLINK(\"http://x\",\"y\")");
        assert_eq!(claim.subject.text, "+1 555 0100");
        assert_eq!(claim.subject.label.as_deref(), Some("'quoted"));
        assert_eq!(claim.predicate.text, "-2");
        assert_eq!(claim.predicate.lemma, "@SUM(A1)");
        assert_eq!(claim.relation.as_deref(), Some("\t=1"));
    }
}

/// An input folder with a symbolic link back to itself, a link to its own subfolder inside that
/// subfolder, a second link to the subfolder, and a dangling link: every file is read once (one
/// ledger line each, whichever path reached it), and the dangling link is skipped with a reason.
#[cfg(unix)]
#[test]
fn a_symbolic_link_loop_in_an_input_folder_reads_each_file_once() {
    use std::os::unix::fs::symlink;
    let case = Case::new();
    let input = case.input();
    case.write("a.txt", "Maja Lindqvist opened a Nordvolt plant in Gdańsk.");
    case.write("sub/b.txt", "Omar Haddad joined Coastal Bank in Astana.");
    symlink(&input, input.join("loop")).unwrap();
    symlink(input.join("sub"), input.join("sub/up")).unwrap();
    symlink(input.join("sub"), input.join("again")).unwrap();
    symlink(input.join("nowhere.txt"), input.join("gone.txt")).unwrap();

    let run = pipeline(&case, &[], &[], 3);
    for name in ["a.txt", "b.txt"] {
        let record = at_source(&run.ledger, name, None);
        assert_eq!(status(record), "processed", "{record}");
    }
    let gone = at_source(&run.ledger, "gone.txt", None);
    assert_eq!(status(gone), "skipped", "{gone}");
    assert!(reason(gone).contains("cannot read file"), "{gone}");
}

/// `claimex ingest in/` on a case whose one input is an HTML page nested deeper than the cap,
/// [`checked`]: the page processed with the nesting cap named in its ledger reason, its
/// sentences slicing back.
/// Returns the stored document.
fn ingest_deep_html(case: &Case) -> Value {
    let input = case.input();
    let out = case.out().join("ingested.jsonl");
    let ledger = case.out().join("documents.jsonl");
    let ran = checked(
        case,
        &[
            "ingest",
            s(&input),
            "--out",
            s(&out),
            "--ledger",
            s(&ledger),
        ],
        true,
        Some((ledger.as_path(), 1)),
    );
    let record = &ran.ledger[0];
    assert_eq!(status(record), "processed", "{record}");
    assert!(
        reason(record).contains(&format!(
            "HTML nested deeper than {MAX_HTML_DEPTH} elements"
        )),
        "{record}"
    );
    let mut docs = read_jsonl(&out);
    assert_sentences_slice_back(&docs);
    assert_eq!(docs.len(), 1);
    docs.remove(0)
}

/// An HTML page nested 100,000 `<div>`s deep goes through `claimex ingest`: its text and title
/// are kept, and the ledger's reason says that tags below the nesting cap were ignored (the cap
/// is what keeps parsing linear; docs/reliability.md has the time).
#[test]
fn html_nested_100000_divs_deep_keeps_its_text_and_the_cap_is_noted() {
    let case = Case::new();
    let deep = 100_000;
    case.write(
        "deep-divs.html",
        format!(
            "<!doctype html><html><head><title>Deep page</title></head><body>{}Deep text.{}\
             <p>After.</p></body></html>",
            "<div>".repeat(deep),
            "</div>".repeat(deep)
        ),
    );
    let doc = ingest_deep_html(&case);
    assert_eq!(text(&doc), "Deep text.\n\nAfter.");
    assert_eq!(doc["title"], "Deep page");
}

/// An HTML page of 20,000 nested `<h1><span>` goes through `claimex ingest`: the outermost
/// heading's text is the headline and the text, and the ledger's reason notes the nesting cap.
#[test]
fn html_with_20000_nested_h1_spans_keeps_its_headline() {
    let case = Case::new();
    let deep = 20_000;
    case.write(
        "deep-headings.html",
        format!(
            "<html><body>{}Deep headline{}<p>After.</p></body></html>",
            "<h1><span>".repeat(deep),
            "</span></h1>".repeat(deep)
        ),
    );
    let doc = ingest_deep_html(&case);
    assert_eq!(doc["title"], "Deep headline");
    assert_eq!(text(&doc), "Deep headline\n\nAfter.");
}

/// A 200,000-character sentence without punctuation (words and spaces) through `claimex run`:
/// exit 0, the document processed with the cut noted in the ledger's reason, and its sentences
/// pieces of at most 2,000 characters that slice back and cover the text with only whitespace
/// between them. (Memory is measured outside the tests.)
#[test]
fn a_200000_character_sentence_without_punctuation_is_cut_at_spaces_and_slices_back() {
    let case = Case::new();
    let words = [
        "Acme", "traders", "in", "Lagos", "said", "prices", "rose", "again", "and", "Zed",
        "Okafor", "agreed",
    ];
    let mut long = String::with_capacity(200_100);
    let mut i = 0;
    while long.len() < 200_000 {
        if !long.is_empty() {
            long.push(' ');
        }
        long.push_str(words[i % words.len()]);
        i += 1;
    }
    long.truncate(200_000);
    let long = long.trim_end().to_string();
    case.write("long.txt", &long);

    let run = pipeline(&case, &[], &[], 1);
    let record = &run.ledger[0];
    assert_eq!(status(record), "processed", "{record}");
    assert!(
        reason(record).contains(&format!(
            "longer than {MAX_SENTENCE_CHARS} characters cut at spaces"
        )),
        "{record}"
    );
    let doc = &run.ingested[0];
    assert_eq!(text(doc), long);
    let chars: Vec<char> = long.chars().collect();
    let sentences = doc["sentences"].as_array().unwrap();
    assert!(
        sentences.len() >= chars.len() / MAX_SENTENCE_CHARS,
        "{} sentences",
        sentences.len()
    );
    let mut covered_to = 0;
    for sentence in sentences {
        let start = sentence["start"].as_u64().unwrap() as usize;
        let end = sentence["end"].as_u64().unwrap() as usize;
        assert!(
            end - start <= MAX_SENTENCE_CHARS,
            "a sentence of {} characters",
            end - start
        );
        assert!(start >= covered_to, "sentences overlap at {start}");
        assert!(
            chars[covered_to..start].iter().all(|c| c.is_whitespace()),
            "text between sentences at {covered_to}..{start}"
        );
        covered_to = end;
    }
    assert_eq!(covered_to, chars.len(), "the sentences end before the text");
}

/// Invalid UTF-8, NUL bytes (in a text file, escaped and raw in JSONL), a file of NUL bytes only,
/// malformed JSON, JSON that is not an object, an id that is an object, a text that is a number or
/// missing, an empty text field, an empty text file, an empty JSONL file (no documents) and an
/// unsupported file type: the run exits 0 and every document is in the ledger, processed (with a
/// note where it was repaired) or skipped with its reason; no stored text keeps a NUL.
#[test]
fn broken_bytes_and_broken_records_are_each_accounted_for_and_the_run_goes_on() {
    let case = Case::new();
    case.write("latin1.txt", b"Caf\xe9 owners in Lyon met the mayor.");
    case.write("nul.txt", b"Acme\0Corp hired Zed\0Okafor in Lagos.");
    case.write("only-nul.txt", b"\0\0\0\0");
    case.write("empty.txt", b"");
    case.write("photo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    case.write("empty.jsonl", b"");
    let lines: [&[u8]; 10] = [
        br#"{"id":"ok","text":"Coastal Bank opened an office in Lyon."}"#,
        b"{broken json",
        br#"{"id":"empty-text","text":""}"#,
        br#"{"id":"escaped-nul","text":"Orion\u0000Telecom hired Ann Lee in Osaka."}"#,
        b"{\"id\":\"raw-nul\",\"text\":\"Vela\0Motors opened in Tbilisi.\"}",
        b"{\"id\":\"bad-utf8\",\"text\":\"Caf\xe9 Lumen reopened in Osaka.\"}",
        b"[1,2,3]",
        br#"{"id":"no-text","body":"Helix Pharma hired Omar Haddad."}"#,
        br#"{"id":{"x":1},"text":"An odd id."}"#,
        br#"{"id":"text-number","text":42}"#,
    ];
    let mut mixed = lines.join(&b'\n');
    mixed.push(b'\n');
    case.write("mixed.jsonl", mixed);

    // Five whole files with one document each, ten JSONL lines, and none in the empty JSONL file.
    let run = pipeline(&case, &[], &[], 15);
    let expected: [(&str, Option<u64>, &str, &str); 15] = [
        ("latin1.txt", None, "processed", "invalid UTF-8"),
        ("nul.txt", None, "processed", ""),
        ("only-nul.txt", None, "skipped", ""),
        ("empty.txt", None, "skipped", "empty document"),
        ("photo.png", None, "skipped", "unsupported file type"),
        ("mixed.jsonl", Some(1), "processed", ""),
        ("mixed.jsonl", Some(2), "skipped", "malformed JSON"),
        ("mixed.jsonl", Some(3), "skipped", "empty document"),
        ("mixed.jsonl", Some(4), "processed", ""),
        ("mixed.jsonl", Some(5), "skipped", "malformed JSON"),
        ("mixed.jsonl", Some(6), "processed", "invalid UTF-8"),
        ("mixed.jsonl", Some(7), "skipped", "not a JSON object"),
        ("mixed.jsonl", Some(8), "skipped", "no `text` field"),
        (
            "mixed.jsonl",
            Some(9),
            "skipped",
            "must be a string or number",
        ),
        ("mixed.jsonl", Some(10), "skipped", "is not a string"),
    ];
    for (name, line, want, fragment) in expected {
        let record = at_source(&run.ledger, name, line);
        assert_eq!(status(record), want, "{record}");
        assert!(reason(record).contains(fragment), "{record}");
    }
    assert_eq!(
        text(at_source(&run.ingested, "nul.txt", None)),
        "Acme Corp hired Zed Okafor in Lagos."
    );
    for doc in &run.ingested {
        assert!(!text(doc).contains('\0'), "{doc}");
    }
    for (name, line) in [("latin1.txt", None), ("mixed.jsonl", Some(6))] {
        let doc = at_source(&run.ingested, name, line);
        assert!(text(doc).contains('\u{fffd}'), "{doc}");
    }
}

/// A symbolic link planted at `PATH.partial` of every output (claims, ledger, ingest output and
/// its ledger), pointing at a file outside: the file is left as it was, each output is written
/// as a regular file at its path, and no `.partial` is left. A `.partial` link that points at an
/// input makes the output one of the inputs: that run is refused and the input kept.
#[cfg(unix)]
#[test]
fn a_partial_symbolic_link_at_an_output_path_is_replaced_not_written_through() {
    use std::os::unix::fs::symlink;
    let case = Case::new();
    let news = case.write(
        "news.jsonl",
        format!(
            "{}\n{}\n",
            json!({"id": "n1", "text": "Acme Corp. hired Zed Okafor in Lagos."}),
            json!({"id": "n2", "text": "Coastal Bank opened an office in Lyon."}),
        ),
    );
    let victim = case.outside().join("victim.txt");
    let victim_text = "not claimex's to write\n";
    std::fs::write(&victim, victim_text).unwrap();
    let out = case.out();
    let outputs = [
        "claims.jsonl",
        "documents.jsonl",
        "ingested.jsonl",
        "ingest-documents.jsonl",
    ];
    for name in outputs {
        symlink(&victim, out.join(format!("{name}.partial"))).unwrap();
    }

    pipeline(&case, &[], &[], 2);
    for name in outputs {
        let written = std::fs::symlink_metadata(out.join(name)).unwrap();
        assert!(
            written.file_type().is_file(),
            "{name} is not a regular file"
        );
        assert!(
            std::fs::symlink_metadata(out.join(format!("{name}.partial"))).is_err(),
            "{name}.partial left behind"
        );
    }
    assert_eq!(std::fs::read_to_string(victim).unwrap(), victim_text);

    let again = out.join("again.jsonl");
    let again_ledger = out.join("again-documents.jsonl");
    symlink(news, out.join("again.jsonl.partial")).unwrap();
    let input = case.input();
    let ran = checked(
        &case,
        &[
            "run",
            s(&input),
            "--out",
            s(&again),
            "--ledger",
            s(&again_ledger),
            "--model",
            s(model_dir()),
            "--threads",
            "1",
        ],
        false,
        None,
    );
    assert!(
        ran.stderr.contains("is one of the inputs"),
        "{}",
        ran.stderr
    );
    assert!(!again.exists() && !again_ledger.exists());
}
