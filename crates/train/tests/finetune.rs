//! Fine-tuning through the real training code on a tiny random model and a handful of fixture
//! sentences (tests/fixtures/tiny.conll, written for this project): the loss must fall and the
//! fixtures' F1 must rise.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use claimex_model::{write_random_model, NerConfig, NerModel, Precision, RandomModelSpec};
use claimex_train::{evaluate, finetune, read_conll, TrainConfig, TrainExample};

/// libtorch's random generator is global to the process: tests that draw from it (initialisation,
/// dropout) take this lock so that parallel tests cannot change each other's numbers.
fn torch_rng() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn examples() -> Vec<TrainExample> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny.conll");
    read_conll(&path)
        .unwrap()
        .iter()
        .map(TrainExample::from)
        .collect()
}

fn random_model(dir: &Path) -> NerModel {
    tch::set_num_threads(1);
    let spec = RandomModelSpec {
        hidden_size: 64,
        intermediate_size: 128,
        outside_bias: 0.0,
        seed: 11,
        ..RandomModelSpec::default()
    };
    write_random_model(dir, &spec).unwrap();
    NerModel::load(dir, NerConfig::default()).unwrap()
}

fn config() -> TrainConfig {
    TrainConfig {
        epochs: 60,
        batch_size: 3,
        learning_rate: 3e-3,
        ..TrainConfig::default()
    }
}

#[test]
fn loss_falls_and_fixture_f1_rises() {
    let _rng = torch_rng();
    let dir = tempfile::tempdir().unwrap();
    let model = random_model(dir.path());
    let data = examples();
    let before = evaluate(&model, &data).unwrap();
    let summary = finetune(&model, &data, None, &config(), |_| {}, |_, _| {}).unwrap();
    let after = evaluate(&model, &data).unwrap();

    let mean = |xs: &[f64]| xs.iter().sum::<f64>() / xs.len() as f64;
    let (first, last) = (
        mean(&summary.losses[..6]),
        mean(&summary.losses[summary.losses.len() - 6..]),
    );
    assert!(
        last < first * 0.3,
        "loss should fall: first {first:.3}, last {last:.3}"
    );
    assert!(
        after.f1 > before.f1 + 0.5 && after.f1 > 0.7,
        "fixture F1 should rise: before {:.3}, after {:.3}",
        before.f1,
        after.f1
    );
    assert_eq!(summary.sentences, data.len());
}

#[test]
fn same_seed_gives_the_same_losses() {
    let _rng = torch_rng();
    let data = examples();
    let short = TrainConfig {
        epochs: 2,
        ..config()
    };
    let run = || {
        let dir = tempfile::tempdir().unwrap();
        let model = random_model(dir.path());
        finetune(&model, &data, None, &short, |_| {}, |_, _| {})
            .unwrap()
            .losses
    };
    assert_eq!(run(), run());
}

#[test]
fn saved_model_reloads_with_the_same_predictions() {
    let _rng = torch_rng();
    let dir = tempfile::tempdir().unwrap();
    let model = random_model(&dir.path().join("base"));
    let data = examples();
    finetune(
        &model,
        &data,
        None,
        &TrainConfig {
            epochs: 5,
            ..config()
        },
        |_| {},
        |_, _| {},
    )
    .unwrap();
    let out = dir.path().join("tuned");
    model.save(&out, "tiny-tuned", Precision::F32).unwrap();
    let reloaded = NerModel::load(&out, NerConfig::default()).unwrap();
    assert!(reloaded.info().trained);
    assert!(reloaded.info().id.starts_with("tiny-tuned@"));
    assert_eq!(
        evaluate(&model, &data).unwrap(),
        evaluate(&reloaded, &data).unwrap()
    );
}

#[test]
fn unknown_label_is_a_clear_error() {
    let _rng = torch_rng();
    let dir = tempfile::tempdir().unwrap();
    let model = random_model(dir.path());
    let example = TrainExample {
        text: "Acme sued Beta".into(),
        entities: vec![claimex_train::TypedSpan {
            start: 0,
            end: 4,
            label: "COMPANY".into(),
        }],
    };
    let err = finetune(&model, &[example], None, &config(), |_| {}, |_, _| {}).unwrap_err();
    assert!(err.to_string().contains("B-COMPANY"), "{err}");
}

#[test]
fn dev_set_keeps_the_best_epoch_and_stops_early() {
    let _rng = torch_rng();
    let dir = tempfile::tempdir().unwrap();
    let model = random_model(dir.path());
    let data = examples();
    let mut seen = Vec::new();
    let summary = finetune(
        &model,
        &data,
        Some(&data),
        &TrainConfig {
            epochs: 40,
            patience: 3,
            ..config()
        },
        |_| {},
        |epoch, r| seen.push((epoch, r.f1)),
    )
    .unwrap();
    assert_eq!(seen.len(), summary.dev_f1.len());
    let best = summary.dev_f1.iter().copied().fold(f64::MIN, f64::max);
    let best_epoch = summary.best_epoch.unwrap();
    assert_eq!(summary.dev_f1[best_epoch - 1], best);
    // The model now holds the best epoch's weights.
    assert!((evaluate(&model, &data).unwrap().f1 - best).abs() < 1e-9);
    // Stopped no later than `patience` epochs after the best one.
    assert!(summary.dev_f1.len() <= best_epoch + 3);
}

/// Copies the files of a flat directory (a checkpoint) to `to`.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn interrupted_run_resumes_from_its_last_checkpoint() {
    let _rng = torch_rng();
    let dir = tempfile::tempdir().unwrap();
    let data = examples();
    let steps_per_epoch = data.len().div_ceil(3);
    let settings = |checkpoints: &Path| TrainConfig {
        epochs: 4,
        patience: 10,
        checkpoint_dir: Some(checkpoints.to_path_buf()),
        resume: true,
        ..config()
    };
    // A whole run; when its third epoch starts, the checkpoint of epoch 2 is copied away, as a
    // run killed while writing the checkpoint of epoch 3 would have left it: `last` still names
    // epoch 2, beside a half-written epoch 3 and a link that was not yet swapped in.
    let (full_ckpt, cut_ckpt) = (dir.path().join("full"), dir.path().join("cut"));
    let model = random_model(&dir.path().join("a"));
    let full = finetune(
        &model,
        &data,
        Some(&data),
        &settings(&full_ckpt),
        |s| {
            if s.step == 2 * steps_per_epoch + 1 {
                copy_dir(&full_ckpt.join("last"), &cut_ckpt.join("epoch-0002"));
                std::os::unix::fs::symlink("epoch-0002", cut_ckpt.join("last")).unwrap();
                let half = cut_ckpt.join("epoch-0003.partial");
                std::fs::create_dir_all(&half).unwrap();
                std::fs::write(half.join("model.safetensors"), b"\x10\x00").unwrap();
                std::os::unix::fs::symlink("epoch-0003.partial", cut_ckpt.join("last.next"))
                    .unwrap();
            }
        },
        |_, _| {},
    )
    .unwrap();
    assert_eq!(full.resumed_after, None);

    let model = random_model(&dir.path().join("b"));
    let mut steps = Vec::new();
    let resumed = finetune(
        &model,
        &data,
        Some(&data),
        &settings(&cut_ckpt),
        |s| steps.push(s.step),
        |_, _| {},
    )
    .unwrap();
    assert_eq!(resumed.resumed_after, Some(2));
    assert_eq!(
        steps,
        (2 * steps_per_epoch + 1..=4 * steps_per_epoch).collect::<Vec<_>>(),
        "only the remaining steps run"
    );
    let done = 2 * steps_per_epoch;
    assert_eq!(resumed.losses.len(), full.losses.len());
    assert_eq!(resumed.losses[..done], full.losses[..done]);
    assert_eq!(resumed.dev_f1[..2], full.dev_f1[..2]);
    assert_eq!(resumed.dev_f1.len(), 4);
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(cut_ckpt.join("last/state.json")).unwrap())
            .unwrap();
    assert_eq!(state["epochs_done"], 4);
    let mut left: Vec<String> = std::fs::read_dir(&cut_ckpt)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["epoch-0004", "last"],
        "older epochs and debris are removed"
    );
    assert!(claimex_train::has_checkpoint(&cut_ckpt));

    // The same checkpoint with other settings is refused, not silently continued.
    let other = TrainConfig {
        learning_rate: 1e-3,
        ..settings(&cut_ckpt)
    };
    let err = finetune(&model, &data, Some(&data), &other, |_| {}, |_, _| {}).unwrap_err();
    assert!(err.to_string().contains("belongs to another run"), "{err}");

    claimex_train::remove_checkpoint(&cut_ckpt).unwrap();
    assert!(!cut_ckpt.exists());
}

#[test]
fn a_new_entity_type_is_learned_after_extending_the_labels() {
    let _rng = torch_rng();
    let dir = tempfile::tempdir().unwrap();
    let mut model = random_model(dir.path());
    // The fixtures' organisations become a type the model has never had.
    let data: Vec<TrainExample> = examples()
        .into_iter()
        .map(|mut e| {
            for span in &mut e.entities {
                if span.label == "ORG" {
                    span.label = "COMPANY".into();
                }
            }
            e
        })
        .collect();
    let added = model.extend_labels(&["COMPANY".to_string()], 3).unwrap();
    assert_eq!(added, ["B-COMPANY", "I-COMPANY"]);
    let f1 = |m: &NerModel| evaluate(m, &data).unwrap().per_type["COMPANY"].f1;
    let before = f1(&model);
    finetune(&model, &data, None, &config(), |_| {}, |_, _| {}).unwrap();
    let after = f1(&model);
    assert!(
        after > 0.7 && after > before + 0.4,
        "COMPANY F1 before {before:.3}, after {after:.3}"
    );
}
