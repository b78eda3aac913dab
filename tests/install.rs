//! Installing: `scripts/install.sh PREFIX debug` (what `make install` does with the release
//! binary) lays out the binary, libtorch and the default model in a prefix, and the installed
//! program runs from any folder without this checkout.

use std::process::Command;

use crate::util::workspace_root;

/// From `/`, with no `CLAIMEX_MODEL` and no library path set, the installed binary runs a JSONL
/// file into SQLite with the installed default model, and no library it loads comes from the
/// checkout.
#[test]
fn an_installed_claimex_runs_from_anywhere_without_the_checkout() {
    let prefix = tempfile::tempdir().unwrap();
    let root = workspace_root();
    let install = Command::new("bash")
        .arg(root.join("scripts/install.sh"))
        .arg(prefix.path())
        .arg("debug")
        .output()
        .unwrap();
    assert!(
        install.status.success(),
        "{}",
        String::from_utf8_lossy(&install.stderr)
    );
    let bin = prefix.path().join("bin/claimex");
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join("some.jsonl");
    std::fs::write(
        &input,
        r#"{"id":"a","text":"Acme Corp. hired Zed Okafor in Lagos on Monday."}"#,
    )
    .unwrap();
    let db = work.path().join("x.db");
    let out = Command::new(&bin)
        .args([
            "run",
            input.to_str().unwrap(),
            "--out",
            db.to_str().unwrap(),
        ])
        .args(["--threads", "1"])
        .current_dir("/")
        .env_remove("CLAIMEX_MODEL")
        .env_remove("LD_LIBRARY_PATH")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("claimex-ner-parser-minilm"), "{err}");
    assert!(db.exists());
    let ldd = Command::new("ldd").arg(&bin).output().unwrap();
    let libraries = String::from_utf8_lossy(&ldd.stdout);
    let checkout = root.to_string_lossy();
    assert!(!libraries.contains(checkout.as_ref()), "{libraries}");
    let prefix = prefix.path().to_string_lossy();
    assert!(
        libraries.lines().any(|l| l.contains("libtorch_cpu.so => ")
            && l.contains(prefix.as_ref())
            && l.contains("/lib/claimex/torch/lib/libtorch_cpu.so")),
        "{libraries}"
    );
}
