//! Fine-tuning the encoder for parsing through the real code: a tiny random encoder with a POS
//! and chunk head, a new parser head, a CoNLL-U treebank and a four-column CoNLL file written for
//! this project; the best epoch is written out with both heads, and a second call with `resume`
//! continues from the checkpoint instead of training again.

use std::path::Path;

use claimex_model::{
    write_random_model, NerConfig, NerModel, ParserHead, RandomModelSpec, SyntaxHead,
};
use claimex_train::{
    finetune_parser, new_parser_head, read_conll, read_conllu, train_syntax, JointHeads,
    ParserFinetuneConfig, ParserTrainConfig, SyntaxTrainConfig, TrainExample,
};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

const TREEBANK: &str = "\
1\tNordvolt\t_\tPROPN\t_\t_\t3\tnsubj\t_\t_
2\twill\t_\tAUX\t_\t_\t3\taux\t_\t_
3\tbuild\t_\tVERB\t_\t_\t0\troot\t_\t_
4\ta\t_\tDET\t_\t_\t5\tdet\t_\t_
5\tplant\t_\tNOUN\t_\t_\t3\tobj\t_\t_
6\t.\t_\tPUNCT\t_\t_\t3\tpunct\t_\t_

1\tRome\t_\tPROPN\t_\t_\t2\tnsubj\t_\t_
2\twon\t_\tVERB\t_\t_\t0\troot\t_\t_
3\t.\t_\tPUNCT\t_\t_\t2\tpunct\t_\t_

";

#[test]
fn the_encoder_learns_with_both_heads_and_a_finished_run_resumes_to_the_same_state() {
    tch::set_num_threads(1);
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base");
    let spec = RandomModelSpec {
        hidden_size: 64,
        intermediate_size: 128,
        seed: 5,
        ..RandomModelSpec::default()
    };
    write_random_model(&base, &spec).unwrap();
    let model = NerModel::load(&base, NerConfig::default()).unwrap();
    let tagged = read_conll(&fixture("tiny-syntax.conll")).unwrap();
    let syntax = train_syntax(&model, &tagged, &SyntaxTrainConfig::default(), |_| {}).unwrap();
    let bank = dir.path().join("tiny.conllu");
    std::fs::write(&bank, TREEBANK).unwrap();
    let treebank = read_conllu(&bank).unwrap();
    let config = ParserTrainConfig {
        layers: vec![1],
        word_size: 32,
        arc_size: 16,
        label_size: 8,
        ..ParserTrainConfig::default()
    };
    let parser = new_parser_head(&model, &treebank, &config).unwrap();
    let syntax_before = syntax.var_store().variables()["hidden.weight"].copy();
    let out = dir.path().join("out");
    let mut settings = ParserFinetuneConfig::new(dir.path().join("checkpoints"));
    settings.epochs = 2;
    settings.head_learning_rate = 1e-2;
    // A random encoder's NER F1 moves freely: keep every epoch.
    settings.ner_tolerance = 1.0;
    let ner_dev: Vec<TrainExample> = tagged.iter().map(TrainExample::from).collect();
    let heads = || JointHeads {
        parser: &parser,
        syntax: Some(&syntax),
    };
    let mut lines = Vec::new();
    let state = finetune_parser(
        &model,
        heads(),
        &treebank,
        &treebank,
        &tagged,
        &ner_dev,
        &out,
        "joint",
        &settings,
        |l| lines.push(l.to_string()),
    )
    .unwrap();
    assert_eq!(state.epochs_done, 2);
    assert_eq!(state.dev_las.len(), 2);
    assert!(state.best.is_some());
    assert!(lines.iter().any(|l| l.contains("epoch 2/2")), "{lines:?}");
    // The tagger learnt along: its weights moved, and the output holds both heads.
    let syntax_after = syntax.var_store().variables()["hidden.weight"].copy();
    assert!(!syntax_before.allclose(&syntax_after, 1e-9, 1e-9, false));
    let written = NerModel::load(&out, NerConfig::default()).unwrap();
    assert!(written.info().parser_id.is_some() && written.info().syntax_id.is_some());
    assert!(ParserHead::load(&out).unwrap().is_some());
    assert!(SyntaxHead::load(&out).unwrap().is_some());

    // Resuming a finished run loads its last checkpoint and trains no further.
    settings.resume = true;
    let resumed = finetune_parser(
        &model,
        heads(),
        &treebank,
        &treebank,
        &tagged,
        &ner_dev,
        &out,
        "joint",
        &settings,
        |_| {},
    )
    .unwrap();
    assert_eq!(resumed.resumed_after, 2);
    assert_eq!(resumed.dev_las, state.dev_las);
    assert_eq!(resumed.best, state.best);

    // A checkpoint of other settings is refused, naming the folder.
    settings.epochs = 3;
    let err = finetune_parser(
        &model,
        heads(),
        &treebank,
        &treebank,
        &tagged,
        &ner_dev,
        &out,
        "joint",
        &settings,
        |_| {},
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("belongs to another run"), "{err}");

    // NER files without tag columns: the tagger has nothing to learn and stays as it is.
    let untagged = read_conll(&fixture("tiny.conll")).unwrap();
    assert!(untagged.iter().all(|s| s.pos.is_empty()));
    let mut settings = ParserFinetuneConfig::new(dir.path().join("checkpoints-untagged"));
    settings.epochs = 1;
    settings.ner_tolerance = 1.0;
    let before = syntax.var_store().variables()["hidden.weight"].copy();
    finetune_parser(
        &model,
        heads(),
        &treebank,
        &treebank,
        &untagged,
        &ner_dev,
        &out,
        "joint",
        &settings,
        |_| {},
    )
    .unwrap();
    let after = syntax.var_store().variables()["hidden.weight"].copy();
    assert!(before.allclose(&after, 0.0, 0.0, false));
}
