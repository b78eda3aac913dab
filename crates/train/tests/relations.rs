//! The relation head through the real code: trained over a tiny random encoder on a CoNLL04-format
//! fixture written for this project (tests/fixtures/tiny-relations.json), saved, loaded back and
//! scored strictly.

use std::path::Path;

use claimex_model::{
    write_random_model, NerConfig, NerModel, RandomModelSpec, RelationHead, RELATION_WEIGHTS,
};
use claimex_train::{
    finetune_jointly, gold_relations, predict_entities, predict_relations, read_conll04,
    score_relations, train_relations, JointConfig, RelationSentence, RelationTrainConfig,
};

fn fixture() -> Vec<claimex_train::RelationSentence> {
    read_conll04(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny-relations.json"))
        .unwrap()
}

/// Strict relation F1 of `model` and `head` on `data`, with the model's own entities.
fn end_to_end_f1(model: &NerModel, head: &RelationHead, data: &[RelationSentence]) -> f64 {
    let texts: Vec<&str> = data.iter().map(|s| s.text.as_str()).collect();
    let entities = predict_entities(model, &texts).unwrap();
    let predicted = predict_relations(model, head, &texts, &entities).unwrap();
    score_relations(&gold_relations(data), &predicted).f1
}

fn model(dir: &Path) -> NerModel {
    tch::set_num_threads(1);
    let spec = RandomModelSpec {
        hidden_size: 64,
        intermediate_size: 128,
        seed: 3,
        ..RandomModelSpec::default()
    };
    write_random_model(dir, &spec).unwrap();
    NerModel::load(dir, NerConfig::default()).unwrap()
}

#[test]
fn a_trained_head_finds_its_training_relations_between_gold_entities() {
    let dir = tempfile::tempdir().unwrap();
    let model = model(dir.path());
    let data = fixture();
    let config = RelationTrainConfig {
        epochs: 200,
        learning_rate: 3e-3,
        ..RelationTrainConfig::default()
    };
    let head = train_relations(&model, &data, &config, |_| {}).unwrap();
    head.save(dir.path()).unwrap();
    let head = RelationHead::load(dir.path()).unwrap().unwrap();
    assert_eq!(
        head.config().relations,
        ["Live_In", "Located_In", "OrgBased_In", "Work_For"]
    );
    // Types never seen with a relation are not given it.
    assert!(head.config().allows("Work_For", "Peop", "Org"));
    assert!(!head.config().allows("Work_For", "Loc", "Org"));

    let texts: Vec<&str> = data.iter().map(|s| s.text.as_str()).collect();
    let entities: Vec<_> = data.iter().map(|s| s.entities.clone()).collect();
    let predicted = predict_relations(&model, &head, &texts, &entities).unwrap();
    let report = score_relations(&gold_relations(&data), &predicted);
    // Six relations memorised over 16 candidate pairs: anything less means training is broken.
    assert!(report.f1 > 0.9, "{report:?}");
    for (text, found) in texts.iter().zip(&predicted) {
        for r in found {
            for span in [&r.head, &r.tail] {
                let slice: String = text
                    .chars()
                    .skip(span.start)
                    .take(span.end - span.start)
                    .collect();
                assert!(!slice.is_empty() && !slice.starts_with(' '), "{slice:?}");
            }
        }
    }
}

#[test]
fn joint_fine_tuning_learns_entities_and_relations_and_keeps_its_best_epoch() {
    let dir = tempfile::tempdir().unwrap();
    let mut model = model(dir.path());
    let data = fixture();
    let types: Vec<String> = ["Loc", "Org", "Peop"].map(String::from).to_vec();
    model.extend_labels(&types, 5).unwrap();
    // No epochs over the frozen encoder: an untrained head, so what is learned is learned here.
    let head = train_relations(
        &model,
        &data,
        &RelationTrainConfig {
            epochs: 0,
            ..RelationTrainConfig::default()
        },
        |_| {},
    )
    .unwrap();
    let config = JointConfig {
        epochs: 60,
        encoder_learning_rate: 2e-3,
        head_learning_rate: 3e-3,
        patience: 60,
        ..JointConfig::default()
    };
    let mut lines = 0;
    let summary = finetune_jointly(&model, &head, &data, &data, &config, |_| lines += 1).unwrap();
    assert!(summary.start_f1 < 0.5, "{summary:?}");
    assert_eq!((summary.sentences, summary.too_long), (4, 0));
    assert!(lines > 60, "progress is reported every epoch");
    // Entities (new types, from a random encoder) and the six relations memorised together.
    let best = summary.dev_f1.iter().copied().fold(f64::MIN, f64::max);
    assert!(best > 0.9, "{summary:?}");
    // The weights left in model and head are the best epoch's, not the last one's.
    let f1 = end_to_end_f1(&model, &head, &data);
    assert!((f1 - best).abs() < 1e-9, "{f1} vs best {best}");
    assert_eq!(summary.dev_f1[summary.best_epoch.unwrap() - 1], best);
}

#[test]
fn strict_scoring_needs_spans_types_and_label() {
    let data = fixture();
    let gold = gold_relations(&data);
    assert_eq!(score_relations(&gold, &gold).f1, 1.0);
    let mut wrong = gold.clone();
    wrong[0][0].label = "Kill".into();
    wrong[1][0].tail.end -= 1;
    wrong[2][0].head.label = "Peop".into();
    let report = score_relations(&gold, &wrong);
    assert_eq!(report.per_type["Kill"].predicted, 1);
    assert!((report.precision - 3.0 / 6.0).abs() < 1e-9, "{report:?}");
}

#[test]
fn relation_config_without_weights_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let model = model(dir.path());
    let config = RelationTrainConfig {
        epochs: 1,
        ..RelationTrainConfig::default()
    };
    train_relations(&model, &fixture(), &config, |_| {})
        .unwrap()
        .save(dir.path())
        .unwrap();
    std::fs::remove_file(dir.path().join(RELATION_WEIGHTS)).unwrap();
    let err = RelationHead::load(dir.path()).unwrap_err().to_string();
    assert!(err.contains(RELATION_WEIGHTS), "{err}");
}
