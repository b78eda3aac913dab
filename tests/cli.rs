use crate::util::{run, run_ok, stderr};

#[test]
fn help_lists_every_subcommand() {
    let out = run_ok(&["--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for sub in ["run", "ingest", "train", "eval", "export", "models"] {
        assert!(help.contains(sub), "--help lacks {sub}:\n{help}");
    }
}

/// `eval relations` on a CoNLL04-format file written here: the shipped model's relation head runs
/// end to end and the JSON has the documented keys; a model without a head and a missing file
/// are named.
#[test]
fn eval_relations_scores_conll04_json_and_explains_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("rel.json");
    std::fs::write(
        &data,
        r#"[{"tokens": ["Maja", "Lindqvist", "works", "for", "Nordvolt", "in", "Gdansk", "."],
            "entities": [{"type": "Peop", "start": 0, "end": 2}, {"type": "Org", "start": 4, "end": 5},
                         {"type": "Loc", "start": 6, "end": 7}],
            "relations": [{"type": "Work_For", "head": 0, "tail": 1}]}]"#,
    )
    .unwrap();
    let model = crate::util::workspace_root().join("models/default");
    let out = run_ok(&[
        "eval",
        "relations",
        "--model",
        model.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
        "--json",
        "--threads",
        "1",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["entities"], "predicted");
    assert_eq!(report["sentences"], 1);
    assert_eq!(report["per_type"]["Work_For"]["support"], 1, "{report}");

    // Between the gold entities the shipped head finds the sentence's one relation (measured:
    // Work_For recall 1.0, precision 1.0; two more pairs get other types, so overall P 0.33).
    let out = run_ok(&[
        "eval",
        "relations",
        "--model",
        model.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
        "--gold-entities",
        "--json",
        "--threads",
        "1",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["entities"], "gold");
    assert_eq!(report["recall"], 1.0, "{report}");
    assert_eq!(report["per_type"]["Work_For"]["correct"], 1, "{report}");

    let random = dir.path().join("random");
    run_ok(&["models", "init-random", "--out", random.to_str().unwrap()]);
    let out = run(&[
        "eval",
        "relations",
        "--model",
        random.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("no relation head"),
        "{}",
        stderr(&out)
    );

    let out = run(&[
        "eval",
        "relations",
        "--model",
        model.to_str().unwrap(),
        "--data",
        "/no/such.json",
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("/no/such.json"), "{}", stderr(&out));
}

/// A one-sentence CoNLL04 file in `dir` (Omar Haddad lives in Cairo).
fn live_in_sentence(dir: &std::path::Path) -> std::path::PathBuf {
    let data = dir.join("rel.json");
    std::fs::write(
        &data,
        r#"[{"tokens": ["Omar", "Haddad", "lives", "in", "Cairo", "."],
            "entities": [{"type": "Peop", "start": 0, "end": 2}, {"type": "Loc", "start": 4, "end": 5}],
            "relations": [{"type": "Live_In", "head": 0, "tail": 1}]}]"#,
    )
    .unwrap();
    data
}

/// `train relations --joint-epochs` on a random model: the data's entity types are added to its
/// NER labels, encoder and head are fine-tuned together, and the directory is rewritten with new
/// weights (a new model id) and a head that `eval relations` then loads.
#[test]
fn joint_relation_training_rewrites_the_model_with_its_head() {
    let dir = tempfile::tempdir().unwrap();
    let data = live_in_sentence(dir.path());
    let model = dir.path().join("m");
    let m = model.to_str().unwrap();
    run_ok(&["models", "init-random", "--out", m]);
    let weights = |m: &std::path::Path| std::fs::read(m.join("model.safetensors")).unwrap();
    let before = weights(&model);
    let d = data.to_str().unwrap();
    let args = ["train", "relations", "--model", m, "--train", d, "--dev", d];
    let out = run_ok(&[&args[..], &["--joint-epochs", "2", "--threads", "1"]].concat());
    let err = stderr(&out);
    assert!(
        err.contains("NER labels added: B-Loc, I-Loc, B-Peop, I-Peop"),
        "{err}"
    );
    assert!(err.contains("epoch 1/2"), "{err}");
    assert!(model.join("relations.json").exists());
    assert_ne!(
        weights(&model),
        before,
        "the encoder's weights were not rewritten"
    );
    let out = run_ok(&["eval", "relations", "--model", m, "--data", d, "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["f1"].as_f64().is_some(), "{report}");
}

/// A report piped into a reader that stops early (`claimex eval ... | head`) ends the process
/// quietly, not with a panic from `println!`.
#[test]
fn a_report_into_a_closed_pipe_ends_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let data = live_in_sentence(dir.path());
    let model = crate::util::workspace_root().join("models/default");
    let mut child = crate::util::claimex()
        .args(["eval", "relations", "--threads", "1", "--model"])
        .arg(&model)
        .arg("--data")
        .arg(&data)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The reader is gone long before the model is loaded and the report printed.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn missing_model_directory_is_named_and_fatal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "Acme hired Zed.").unwrap();
    let out_path = dir.path().join("c.jsonl");
    let out = run(&[
        "run",
        dir.path().to_str().unwrap(),
        "--out",
        out_path.to_str().unwrap(),
        "--model",
        "/no/such/model/dir",
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("/no/such/model/dir"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn missing_input_is_named_and_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("c.jsonl");
    let model = crate::util::model_dir().to_str().unwrap();
    let out = run(&[
        "run",
        "/no/such/corpus",
        "--out",
        out_path.to_str().unwrap(),
        "--model",
        model,
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("/no/such/corpus"), "{}", stderr(&out));
}

#[test]
fn bad_shard_is_explained() {
    let out = run(&["run", "x", "--out", "c.jsonl", "--shard", "3/2"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("0 <= i < N"), "{}", stderr(&out));
}

/// `train ner` on fixtures with a type the base model lacks (DATE): the labels are extended,
/// the model is written and loads, and the checkpoints are gone once it is.
#[test]
fn train_ner_adds_a_new_type_and_writes_a_model_that_loads() {
    let dir = tempfile::tempdir().unwrap();
    let root = crate::util::workspace_root();
    let fixture = |name: &str| root.join("tests/fixtures").join(name);
    let out = dir.path().join("tuned");
    let model = crate::util::model_dir().to_str().unwrap();
    let train = run_ok(&[
        "train",
        "ner",
        "--base",
        model,
        "--train",
        fixture("dates-train.jsonl").to_str().unwrap(),
        "--dev",
        fixture("dates-dev.jsonl").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--epochs",
        "2",
        "--batch-size",
        "8",
        "--lr",
        "1e-3",
        "--name",
        "e2e-tuned",
        "--threads",
        "1",
    ]);
    let log = stderr(&train);
    assert!(log.contains("adding labels B-DATE, I-DATE"), "{log}");
    assert!(log.contains("epoch 2: dev P"), "{log}");
    let info = run_ok(&["models", "info", out.to_str().unwrap()]);
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.contains("e2e-tuned@") && info.contains("trained: true") && info.contains("B-DATE"),
        "{info}"
    );
    assert!(!dir.path().join("tuned.checkpoints").exists());
}

/// A training run killed with SIGKILL after a checkpoint is refused without `--resume` and
/// finishes with it.
#[test]
fn killed_training_resumes_from_its_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = crate::util::workspace_root().join("crates/train/tests/fixtures/tiny.conll");
    let fixture = fixture.to_str().unwrap();
    let out = dir.path().join("tuned");
    let checkpoints = dir.path().join("tuned.checkpoints");
    let model = crate::util::model_dir().to_str().unwrap();
    let args = [
        "train",
        "ner",
        "--base",
        model,
        "--train",
        fixture,
        "--dev",
        fixture,
        "--out",
        out.to_str().unwrap(),
        "--epochs",
        "400",
        "--patience",
        "400",
        "--batch-size",
        "3",
        "--threads",
        "1",
    ];
    let mut child = crate::util::claimex()
        .args(args)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let state = checkpoints.join("last/state.json");
    let started = std::time::Instant::now();
    while !state.exists() {
        assert!(
            started.elapsed().as_secs() < 120,
            "no checkpoint after two minutes"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!out.exists(), "a killed run must not leave a model");

    let refused = run(&args);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("add --resume"),
        "{}",
        stderr(&refused)
    );

    let mut resume = args.to_vec();
    resume.push("--resume");
    let state: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(checkpoints.join("last/state.json")).unwrap(),
    )
    .unwrap();
    let done = state["epochs_done"].as_u64().unwrap();
    let resumed = run_ok(&resume);
    let log = stderr(&resumed);
    assert!(log.contains(&format!("after epoch {done}")), "{log}");
    assert!(out.join("model.safetensors").exists());
    assert!(!checkpoints.exists());
}

#[test]
fn train_ner_on_a_missing_file_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let model = crate::util::model_dir().to_str().unwrap();
    let out = run(&[
        "train",
        "ner",
        "--base",
        model,
        "--train",
        "/no/such/train.conll",
        "--dev",
        "/no/such/dev.conll",
        "--out",
        dir.path().join("m").to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("/no/such/train.conll"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn eval_ner_reads_fixture_jsonl_and_prints_json_scores() {
    let root = crate::util::workspace_root();
    let out = run_ok(&[
        "eval",
        "ner",
        "--model",
        root.join("models/default").to_str().unwrap(),
        "--data",
        root.join("tests/fixtures/entities.jsonl").to_str().unwrap(),
        "--json",
        "--threads",
        "1",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in ["precision", "recall", "f1"] {
        assert!(report[key].is_f64(), "{key} missing in {report}");
    }
    assert_eq!(report["per_type"]["PER"]["support"], 5);
    assert!(
        report["confusion"]["PER"]["PER"].as_u64().unwrap() >= 4,
        "{report}"
    );
    assert!(report["worst_errors"].is_array(), "{report}");
    // The shipped model on ten plain news sentences (measured F1 0.917): a guard against a broken
    // model or decoder, with room for one more missed entity.
    assert!(report["f1"].as_f64().unwrap() >= 0.9, "{report}");
}

#[test]
fn resume_into_a_file_output_is_refused_before_writing_anything() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("claims.jsonl");
    let model = crate::util::model_dir().to_str().unwrap();
    let corpus = crate::util::workspace_root().join("corpus");
    let result = run(&[
        "run",
        corpus.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        model,
        "--resume",
    ]);
    assert!(!result.status.success());
    assert!(
        stderr(&result).contains("--resume needs database outputs"),
        "{}",
        stderr(&result)
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn eval_claims_scores_the_pipeline_on_the_claims_fixtures() {
    let root = crate::util::workspace_root();
    let out = run_ok(&[
        "eval",
        "claims",
        "--data",
        root.join("tests/fixtures/claims.jsonl").to_str().unwrap(),
        "--model",
        root.join("models/default").to_str().unwrap(),
        "--json",
        "--threads",
        "1",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["texts"], 150);
    assert_eq!(report["gold"], 162);
    // Measured with models/default (tree-v0): F1 0.960 (P 0.957, R 0.963). Floor: 0.95, what the
    // fixtures must keep (the rules on the same model: 0.978).
    assert!(report["f1"].as_f64().unwrap() >= 0.95, "{report}");
}

/// `eval openie` on a small CaRB-format folder written here (two sentences of our own): the
/// shipped model's tuples are scored, the JSON has the documented keys, and a missing folder is
/// named.
#[test]
fn eval_openie_scores_a_carb_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("gold")).unwrap();
    std::fs::write(
        dir.path().join("test.txt"),
        "Nordvolt opened a battery plant in Gdansk .\nThe minister said the border would reopen .\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("gold/test.tsv"),
        "Nordvolt opened a battery plant in Gdansk .\topened\tNordvolt\ta battery plant\tin Gdansk\n\
         The minister said the border would reopen .\twould reopen\tthe border\n",
    )
    .unwrap();
    let model = crate::util::workspace_root().join("models/default");
    let out = run_ok(&[
        "eval",
        "openie",
        "--model",
        model.to_str().unwrap(),
        "--data",
        dir.path().to_str().unwrap(),
        "--json",
        "--threads",
        "1",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["gold"], 2);
    // Measured with models/default: both gold tuples found, each the best-ranked extraction of
    // its sentence (best F1 1.0, AUC 1.0), among 4 extractions ("said; The minister; ..." and
    // "is in; a battery plant; Gdansk" are the two unmatched ones). Floors leave room for a
    // reranking, not for a lost tuple.
    assert_eq!(report["recall"], 1.0, "{report}");
    assert!(report["f1"].as_f64().unwrap() >= 0.8, "{report}");
    assert!(report["auc"].as_f64().unwrap() >= 0.8, "{report}");
    assert_eq!(report["extractions"], 4, "{report}");

    let out = run(&["eval", "openie", "--data", "/no/such/carb"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("/no/such/carb/test.txt"),
        "{}",
        stderr(&out)
    );
}

/// `eval claims` reports a reliability table, and `--fit-calibration` writes a map that a model
/// directory then uses.
#[test]
fn eval_claims_reports_reliability_and_fits_a_calibration() {
    let dir = tempfile::tempdir().unwrap();
    let data = crate::util::workspace_root().join("tests/fixtures/claims-heldout.jsonl");
    let fitted = dir.path().join("calibration.json");
    let model = crate::util::workspace_root().join("models/default");
    let out = run_ok(&[
        "eval",
        "claims",
        "--model",
        model.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
        "--json",
        "--threads",
        "1",
        "--fit-calibration",
        fitted.to_str().unwrap(),
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let bins = report["reliability"]["bins"].as_array().unwrap();
    assert_eq!(bins.len(), 10);
    let counted: u64 = bins.iter().map(|b| b["count"].as_u64().unwrap()).sum();
    assert_eq!(counted, report["predicted"].as_u64().unwrap());
    // With --fit-calibration the ECE shown is the 5-fold cross-fitted one: measured 0.065 with
    // models/default (crates/claims/README.md). Ceiling: that plus a margin of 0.085, wide
    // because an ECE over 78 claims in 10 bins is coarse.
    assert!(
        report["reliability"]["ece"].as_f64().unwrap() < 0.15,
        "{report}"
    );
    let map: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&fitted).unwrap()).unwrap();
    // The map is keyed by the claim method; the claims' relations id adds the relation head.
    assert_eq!(map["method"], report["method"]);
    let relations = report["relations"].as_str().unwrap();
    assert!(
        relations.starts_with(map["method"].as_str().unwrap()) && relations.contains("+relations@"),
        "{relations}"
    );
    let values = map["value"].as_array().unwrap();
    assert!(values
        .windows(2)
        .all(|w| w[0].as_f64().unwrap() < w[1].as_f64().unwrap()));
}

/// An error names its cause once, though the message and its source chain both hold it.
#[test]
fn a_missing_input_is_reported_once_with_its_cause() {
    let dir = tempfile::tempdir().unwrap();
    let out = crate::util::run(&[
        "ingest",
        "/no/such/input.jsonl",
        "--out",
        dir.path().join("x.jsonl").to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("input /no/such/input.jsonl"), "{err}");
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
}

/// `claimex completions SHELL` prints a script that names the subcommands and their options.
#[test]
fn completion_scripts_cover_the_subcommands_and_options() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef claimex"),
        ("fish", "complete -c claimex"),
    ] {
        let out = run_ok(&["completions", shell]);
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains(marker), "{shell}: {script}");
        for word in ["run", "export", "summary-json", "max-doc-bytes"] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    let out = run(&["completions", "tcsh"]);
    assert!(!out.status.success());
}

/// A tiny treebank in CoNLL-U written for this test: `train parser` learns it over a random
/// encoder and writes the head into the model, `eval parser` scores it through the same files,
/// and a model without the head is refused with the command that makes one.
#[test]
fn train_parser_learns_a_tiny_treebank_and_eval_parser_scores_it() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m");
    let m = model.to_str().unwrap();
    run_ok(&["models", "init-random", "--out", m, "--seed", "5"]);
    let sentences: [&[(&str, &str, usize, &str)]; 3] = [
        &[
            ("Oslo", "PROPN", 2, "nsubj"),
            ("signed", "VERB", 0, "root"),
            ("deals", "NOUN", 2, "obj"),
            (".", "PUNCT", 2, "punct"),
        ],
        &[
            ("Rome", "PROPN", 2, "nsubj"),
            ("won", "VERB", 0, "root"),
            (".", "PUNCT", 2, "punct"),
        ],
        &[
            ("Paris", "PROPN", 2, "nsubj"),
            ("bought", "VERB", 0, "root"),
            ("big", "ADJ", 4, "amod"),
            ("ships", "NOUN", 2, "obj"),
            (".", "PUNCT", 2, "punct"),
        ],
    ];
    let mut conllu = String::new();
    for rows in sentences {
        for (i, (word, upos, head, rel)) in rows.iter().enumerate() {
            conllu.push_str(&format!(
                "{}\t{word}\t_\t{upos}\t_\t_\t{head}\t{rel}\t_\t_\n",
                i + 1
            ));
        }
        conllu.push('\n');
    }
    let bank = dir.path().join("tiny.conllu");
    std::fs::write(&bank, conllu).unwrap();
    let b = bank.to_str().unwrap();
    for args in [
        &["eval", "parser", "--model", m, "--data", b][..],
        &["eval", "ner", "--model", m, "--data", b, "--trees"][..],
    ] {
        let out = run(args);
        assert!(!out.status.success());
        assert!(
            stderr(&out).contains("train one with `claimex train parser`"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let out = run_ok(&[
        "train",
        "parser",
        "--model",
        m,
        "--train",
        b,
        "--dev",
        b,
        "--epochs",
        "60",
        "--threads",
        "1",
    ]);
    assert!(stderr(&out).contains("epoch 60/60"), "{}", stderr(&out));
    assert!(model.join("parser.json").exists() && model.join("parser.safetensors").exists());
    let out = run_ok(&["eval", "parser", "--model", m, "--data", b, "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["words"], 12);
    // Three sentences seen sixty times: the head has learnt them (a random head scores about 0.3).
    assert!(report["uas"].as_f64().unwrap() >= 0.9, "{report}");
    assert!(report["las"].as_f64().unwrap() <= report["uas"].as_f64().unwrap());

    // `eval ner --trees` times the pass with the parser as `run` uses it; the scores are those
    // of the pass without it.
    let ner = crate::util::workspace_root().join("crates/train/tests/fixtures/tiny.conll");
    let ner = ner.to_str().unwrap();
    let eval_ner = |extra: &[&str]| {
        let mut args = vec!["eval", "ner", "--model", m, "--data", ner, "--json"];
        args.extend(extra);
        let out = run_ok(&args);
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let (plain, trees) = (eval_ner(&[]), eval_ner(&["--trees"]));
    assert_eq!(
        (plain["trees"].as_bool(), trees["trees"].as_bool()),
        (Some(false), Some(true))
    );
    assert_eq!(plain["f1"], trees["f1"]);
    assert_eq!(plain["per_type"], trees["per_type"]);

    // Fine-tuning the encoder for parsing and NER together writes a new model with the head;
    // the checkpoints go when the run is done.
    let out_dir = dir.path().join("joint");
    let o = out_dir.to_str().unwrap();
    let finetune = |extra: &[&str]| {
        let mut args = vec![
            "train",
            "parser",
            "--model",
            m,
            "--train",
            b,
            "--dev",
            b,
            "--finetune-encoder",
            "--ner-train",
            ner,
            "--ner-dev",
            ner,
            "--out",
            o,
            "--threads",
            "1",
        ];
        args.extend_from_slice(extra);
        run(&args)
    };
    let out = finetune(&["--epochs", "2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let log = stderr(&out);
    assert!(log.contains("epoch 2/2: dev LAS"), "{log}");
    assert!(log.contains("dev NER F1"), "{log}");
    assert!(
        out_dir.join("parser.safetensors").exists() && out_dir.join("model.safetensors").exists()
    );
    assert!(!dir.path().join("joint.checkpoints").exists());
    let out = run_ok(&["eval", "parser", "--model", o, "--data", b, "--json"]);
    let tuned: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(tuned["words"], 12);
    // A leftover checkpoint is not silently overwritten or continued.
    std::fs::create_dir_all(dir.path().join("joint.checkpoints/epoch-0001")).unwrap();
    std::fs::write(
        dir.path().join("joint.checkpoints/epoch-0001/state.json"),
        "{}",
    )
    .unwrap();
    std::os::unix::fs::symlink("epoch-0001", dir.path().join("joint.checkpoints/last")).unwrap();
    let out = finetune(&["--epochs", "2"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("add --resume"), "{}", stderr(&out));
    let out = finetune(&["--epochs", "2", "--resume"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("state.json"), "{}", stderr(&out));
    // The head to start from must be there.
    let bare = dir.path().join("bare");
    run_ok(&[
        "models",
        "init-random",
        "--out",
        bare.to_str().unwrap(),
        "--seed",
        "5",
    ]);
    let out = run(&[
        "train",
        "parser",
        "--model",
        bare.to_str().unwrap(),
        "--train",
        b,
        "--dev",
        b,
        "--finetune-encoder",
        "--ner-train",
        ner,
        "--ner-dev",
        ner,
        "--out",
        o,
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("no parser head to start from"),
        "{}",
        stderr(&out)
    );
}

/// The real-news claims set (Reuters text rebuilt from ../shared) is scored through the
/// pipeline: all 50 develop sentences and their 107 gold claims.
#[test]
#[cfg_attr(
    claimex_no_shared,
    ignore = "needs ../shared/data/conll2003, which is not part of the repository"
)]
fn eval_claims_scores_the_real_news_set_rebuilt_from_conll() {
    let root = crate::util::workspace_root();
    crate::util::shared_file("data/conll2003/dev.txt");
    let out = run_ok(&[
        "eval",
        "claims",
        "--news",
        root.join("tests/fixtures/news-claims").to_str().unwrap(),
        "--conll",
        root.join("../shared/data/conll2003").to_str().unwrap(),
        "--model",
        root.join("models/default").to_str().unwrap(),
        "--json",
        "--threads",
        "1",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (report["texts"].as_u64(), report["gold"].as_u64()),
        (Some(50), Some(107))
    );
    // Measured with models/default (tree-v0): F1 0.590 (rules-v1: 0.317). Floor: that minus 0.05.
    assert!(report["f1"].as_f64().unwrap() >= 0.54, "{report}");
}
