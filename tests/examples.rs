//! Every example shown to users runs here, as they would type it: the `Example:` and `Examples:`
//! sections of `claimex --help` and of every subcommand's help, and every command of the README's
//! `sh` blocks (`make` lines aside: CI runs those). They run through `bash`, in order, in a
//! scratch folder laid out like the checkout (`corpus/`, `models/` and `tests/` linked, `../shared`
//! linked when it exists), where `target/debug/claimex` and the `claimex` on `PATH` are the binary
//! under test and `HOME` is scratch too, so nothing outside the folder is touched.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::util::{claimex, read_jsonl, workspace_root};

/// One example command and where it is shown.
#[derive(Debug)]
struct Example {
    origin: String,
    command: String,
}

/// Subcommands listed under `Commands:` in a help text (clap's own `help` left out).
fn subcommands(help: &str) -> Vec<String> {
    let mut lines = help.lines().skip_while(|l| *l != "Commands:").skip(1);
    let mut names = Vec::new();
    for line in lines.by_ref() {
        if line.trim().is_empty() {
            break;
        }
        // Entries are indented by two spaces; deeper lines continue a description.
        if let Some(entry) = line.strip_prefix("  ").filter(|l| !l.starts_with(' ')) {
            let name = entry.split_whitespace().next().unwrap_or_default();
            if name != "help" {
                names.push(name.to_string());
            }
        }
    }
    names
}

/// The commands of a help text's `Example:`/`Examples:` sections: their indented lines.
fn help_example_lines(help: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut inside = false;
    for line in help.lines() {
        if line.starts_with("Example") && line.ends_with(':') {
            inside = true;
        } else if inside && line.starts_with("  ") {
            commands.push(line.trim().to_string());
        } else {
            inside = false;
        }
    }
    commands
}

/// The examples of every help text, top level first, then each command in the order listed.
fn help_examples() -> Vec<Example> {
    let mut examples = Vec::new();
    let mut queue = std::collections::VecDeque::from([Vec::<String>::new()]);
    while let Some(path) = queue.pop_front() {
        let out = claimex()
            .args(&path)
            .arg("--help")
            .output()
            .expect("claimex runs");
        assert!(out.status.success(), "claimex {path:?} --help failed");
        let help = String::from_utf8(out.stdout).unwrap();
        for command in help_example_lines(&help) {
            examples.push(Example {
                origin: ["claimex"]
                    .into_iter()
                    .chain(path.iter().map(String::as_str))
                    .chain(["--help"])
                    .collect::<Vec<_>>()
                    .join(" "),
                command,
            });
        }
        for sub in subcommands(&help) {
            let mut deeper = path.clone();
            deeper.push(sub);
            queue.push_back(deeper);
        }
    }
    examples
}

/// The README's fenced blocks: (language, text).
fn readme_blocks() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(workspace_root().join("README.md")).unwrap();
    let mut blocks = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        if let Some(lang) = line.strip_prefix("```") {
            let body: Vec<&str> = lines
                .by_ref()
                .take_while(|l| !l.starts_with("```"))
                .collect();
            blocks.push((lang.trim().to_string(), body.join("\n")));
        }
    }
    blocks
}

/// The commands of one `sh` block: comments dropped, `\` continuations joined.
fn shell_commands(block: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut current = String::new();
    for line in block.lines() {
        let line = line.trim();
        if current.is_empty() && (line.is_empty() || line.starts_with('#')) {
            continue;
        }
        match line.strip_suffix('\\') {
            Some(head) => {
                current.push_str(head.trim_end());
                current.push(' ');
            }
            None => {
                current.push_str(line);
                commands.push(std::mem::take(&mut current));
            }
        }
    }
    commands
}

/// Commands of the README's `sh` blocks but its set-up commands (`make ...`, which CI runs).
fn readme_examples() -> Vec<Example> {
    readme_blocks()
        .into_iter()
        .filter(|(lang, _)| lang == "sh")
        .flat_map(|(_, body)| shell_commands(&body))
        .filter(|command| !command.starts_with("make "))
        .map(|command| Example {
            origin: "README.md".into(),
            command,
        })
        .collect()
}

/// A scratch folder laid out like the checkout, for examples to run in.
struct Scratch {
    _root: tempfile::TempDir,
    work: PathBuf,
    home: PathBuf,
    bin: PathBuf,
}

fn scratch() -> Scratch {
    let root = tempfile::tempdir().unwrap();
    let checkout = workspace_root();
    let work = root.path().join("claimex");
    let home = root.path().join("home");
    let bin = root.path().join("bin");
    for dir in [&work, &home, &bin, &work.join("target/debug")] {
        std::fs::create_dir_all(dir).unwrap();
    }
    let link = |from: &Path, to: &Path| std::os::unix::fs::symlink(from, to).unwrap();
    for name in ["corpus", "models", "tests"] {
        link(&checkout.join(name), &work.join(name));
    }
    let shared = checkout.join("../shared");
    if shared.is_dir() {
        link(&shared, &root.path().join("shared"));
    }
    let binary = Path::new(env!("CARGO_BIN_EXE_claimex"));
    link(binary, &work.join("target/debug/claimex"));
    link(binary, &bin.join("claimex"));
    Scratch {
        _root: root,
        work,
        home,
        bin,
    }
}

/// Runs `example` with bash in the scratch folder, insisting that it succeeds.
fn run_example(scratch: &Scratch, example: &Example) {
    let path = format!(
        "{}:{}",
        scratch.bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &example.command])
        .current_dir(&scratch.work)
        .env("PATH", path)
        .env("HOME", &scratch.home)
        .env_remove("CLAIMEX_MODEL")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "the example in {} failed ({}):\n  {}\n{}",
        example.origin,
        out.status,
        example.command,
        String::from_utf8_lossy(&out.stderr)
    );
}

fn needs_shared(example: &Example) -> bool {
    example.command.contains("../shared")
}

#[test]
fn every_example_in_the_help_texts_and_the_readme_runs() {
    let help = help_examples();
    // The top-level example, and those of the commands that have them (a help text that lost
    // its section would otherwise go unnoticed).
    for command in [
        "claimex --help",
        "claimex run --help",
        "claimex export --help",
    ] {
        assert!(
            help.iter().any(|e| e.origin == command),
            "{command} shows no example"
        );
    }
    let readme = readme_examples();
    assert!(readme.len() >= 3, "README examples: {readme:?}");
    let scratch = scratch();
    for example in help.iter().chain(&readme).filter(|e| !needs_shared(e)) {
        run_example(&scratch, example);
    }
    // What some of them promise, checked.
    let out = scratch.work.join("out");
    assert!(!read_jsonl(&out.join("claims.jsonl")).is_empty());
    assert!(!read_jsonl(&out.join("from-stdin.jsonl")).is_empty());
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert!(summary["claims"].as_u64().unwrap() > 0, "{summary}");
    let completion = scratch
        .home
        .join(".local/share/bash-completion/completions/claimex");
    assert!(std::fs::read_to_string(completion)
        .unwrap()
        .contains("claimex"));
}

/// The examples that read `../shared` run, and the README's claim record example is what its
/// command prints, field for field.
#[test]
#[cfg_attr(
    claimex_no_shared,
    ignore = "needs ../shared/seed-article.txt, which is not part of the repository"
)]
fn the_readme_claim_record_is_the_first_line_its_command_writes() {
    crate::util::shared_file("seed-article.txt");
    let blocks = readme_blocks();
    let at = blocks
        .iter()
        .position(|(lang, body)| lang == "sh" && body.contains("seed-article.txt"))
        .expect("the README shows the command run on the seed article");
    let (lang, shown) = &blocks[at + 1];
    assert_eq!(lang, "json", "the command's output follows it");
    let shown: Value = serde_json::from_str(shown).expect("the README's record is JSON");
    let scratch = scratch();
    // Examples that read ../shared, the README's and any a help text shows.
    let examples: Vec<Example> = readme_examples()
        .into_iter()
        .chain(help_examples())
        .filter(needs_shared)
        .collect();
    assert!(!examples.is_empty());
    for example in &examples {
        run_example(&scratch, example);
    }
    let written = &read_jsonl(&scratch.work.join("claims.jsonl"))[0];
    assert_eq!(
        written,
        &shown,
        "the README's record differs from what the command writes:\n{}",
        serde_json::to_string_pretty(written).unwrap()
    );
}
