//! The syntax head through the real code: trained over a tiny random encoder on a four-column
//! CoNLL fixture written for this project (tests/fixtures/tiny-syntax.conll), saved into the model
//! directory, loaded back and run by `NerModel::analyze`.

use std::path::Path;

use claimex_core::Sentence;
use claimex_model::{write_random_model, NerConfig, NerModel, RandomModelSpec, SYNTAX_WEIGHTS};
use claimex_train::{evaluate_syntax, read_conll, train_syntax, SyntaxTrainConfig};

fn fixture() -> Vec<claimex_train::ConllSentence> {
    read_conll(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny-syntax.conll"))
        .unwrap()
}

fn model_with_head(dir: &Path, epochs: usize) -> NerModel {
    tch::set_num_threads(1);
    let spec = RandomModelSpec {
        hidden_size: 64,
        intermediate_size: 128,
        seed: 5,
        ..RandomModelSpec::default()
    };
    write_random_model(dir, &spec).unwrap();
    let model = NerModel::load(dir, NerConfig::default()).unwrap();
    assert!(model.syntax().is_none() && model.info().syntax_id.is_none());
    let config = SyntaxTrainConfig {
        epochs,
        learning_rate: 3e-3,
        ..SyntaxTrainConfig::default()
    };
    let head = train_syntax(&model, &fixture(), &config, |_| {}).unwrap();
    head.save(dir).unwrap();
    NerModel::load(dir, NerConfig::default()).unwrap()
}

#[test]
fn a_trained_head_tags_its_training_sentences_and_spans_slice_back() {
    let dir = tempfile::tempdir().unwrap();
    let model = model_with_head(dir.path(), 300);
    assert!(model
        .info()
        .syntax_id
        .as_deref()
        .is_some_and(|id| id.starts_with("syntax@")));
    let report = evaluate_syntax(&model, &fixture()).unwrap();
    assert_eq!(report.tokens, 28);
    assert_eq!(report.token_match, 1.0);
    // 28 tokens memorised by a head with 256 hidden units: anything less means training is broken.
    assert!(report.pos_accuracy > 0.9, "{report:?}");
    assert!(report.chunks.f1 > 0.8, "{report:?}");

    let text = "Intro. Zoë Ünal’s firm won’t build—yet—a plant in Gdańsk.";
    let start = 7;
    let sentence = Sentence {
        start,
        end: text.chars().count(),
        text: text.chars().skip(start).collect(),
    };
    let analysis = &model.analyze(&[sentence]).unwrap()[0];
    let labels = &model.syntax().unwrap().config().pos_labels;
    assert!(!analysis.tokens.is_empty());
    for t in &analysis.tokens {
        let slice: String = text.chars().skip(t.start).take(t.end - t.start).collect();
        assert_eq!(slice, t.text);
        assert!(labels.contains(&t.pos), "{t:?}");
        assert!(t.chunk == "O" || t.chunk.starts_with("B-") || t.chunk.starts_with("I-"));
    }
}

#[test]
fn syntax_config_without_weights_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    model_with_head(dir.path(), 1);
    std::fs::remove_file(dir.path().join(SYNTAX_WEIGHTS)).unwrap();
    let err = NerModel::load(dir.path(), NerConfig::default())
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains(SYNTAX_WEIGHTS), "{err}");
}

#[test]
fn data_without_syntax_columns_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write_random_model(dir.path(), &RandomModelSpec::default()).unwrap();
    let model = NerModel::load(dir.path(), NerConfig::default()).unwrap();
    let two_columns =
        read_conll(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny.conll"))
            .unwrap();
    let err = train_syntax(&model, &two_columns, &SyntaxTrainConfig::default(), |_| {})
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("no part-of-speech"), "{err}");
    assert!(evaluate_syntax(&model, &two_columns)
        .err()
        .unwrap()
        .to_string()
        .contains("no syntax head"));
}
