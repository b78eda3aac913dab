//! `claimex train relations` and `claimex eval relations`: the typed-relation head on the NER
//! encoder, trained and scored on CoNLL04 JSON.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Context;
use claimex_model::{NerConfig, NerModel, Precision, RelationHead};
use claimex_train::{
    entity_types, finetune_jointly, gold_relations, predict_entities, predict_relations,
    read_conll04, score_relations, train_relations, tune_threshold, JointConfig, RelationReport,
    RelationTrainConfig,
};
use clap::Args;

use crate::model_arg::ModelArg;
use crate::parallelism;

#[derive(Args)]
pub struct TrainRelationsArgs {
    /// Model directory whose encoder the head reads; the head is written into it
    /// (relations.json, relations.safetensors), replacing any earlier one.
    #[arg(long)]
    model: PathBuf,
    /// Training data: CoNLL04 JSON (tokens, entities, relations).
    #[arg(long)]
    train: PathBuf,
    /// Data scored after training (same format).
    #[arg(long)]
    dev: PathBuf,
    /// The model's entity labels as the data's types, e.g. PER=Peop,ORG=Org,LOC=Loc,MISC=Other.
    #[arg(long, value_delimiter = ',')]
    type_map: Vec<String>,
    /// Passes over the training pairs with the encoder frozen [default: 30; 0 with
    /// --joint-epochs, which then starts from an untrained head: a head fitted to the frozen
    /// encoder first left joint training nothing to gain on CoNLL04 dev].
    #[arg(long)]
    epochs: Option<usize>,
    /// Encoder layers the head reads, comma-separated [default: the middle and the last].
    #[arg(long, value_delimiter = ',')]
    layers: Vec<usize>,
    /// Seed.
    #[arg(long, default_value_t = 17)]
    seed: u64,
    /// Fine-tune encoder, NER classifier and head together for up to this many epochs (the best
    /// epoch by strict relation F1 on --dev is kept), adding the data's entity types to the NER
    /// labels, and rewrite the whole model directory (half-precision weights, new model id).
    /// Its NER and syntax tags change with the encoder: use a copy, never the model whose NER you
    /// want kept.
    #[arg(long, default_value_t = 0)]
    joint_epochs: usize,
    /// Threads for libtorch [default: all cores].
    #[arg(long)]
    threads: Option<usize>,
}

#[derive(Args)]
pub struct EvalRelationsArgs {
    /// CoNLL04 JSON file.
    #[arg(long)]
    data: PathBuf,
    /// Model with a relation head.
    #[command(flatten)]
    model: ModelArg,
    /// Classify relations between the gold entities instead of the model's own (isolates the
    /// relation head from NER errors).
    #[arg(long)]
    gold_entities: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Threads [default: all cores].
    #[arg(long)]
    threads: Option<usize>,
}

fn parse_type_map(pairs: &[String]) -> anyhow::Result<BTreeMap<String, String>> {
    pairs
        .iter()
        .map(|p| {
            p.split_once('=')
                .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
                .ok_or_else(|| anyhow::anyhow!("--type-map entry `{p}` is not LABEL=TYPE"))
        })
        .collect()
}

/// Scores `model`'s relation head on CoNLL04 `data`, strict end to end (or on gold entities).
fn score(
    model: &NerModel,
    head: &RelationHead,
    data: &std::path::Path,
    gold_entities: bool,
) -> anyhow::Result<RelationReport> {
    let sentences = read_conll04(data)?;
    let texts: Vec<&str> = sentences.iter().map(|s| s.text.as_str()).collect();
    let entities = if gold_entities {
        sentences.iter().map(|s| s.entities.clone()).collect()
    } else {
        predict_entities(model, &texts)?
    };
    let predicted = predict_relations(model, head, &texts, &entities)?;
    Ok(score_relations(&gold_relations(&sentences), &predicted))
}

fn print(report: &RelationReport, what: &str) {
    println!(
        "{what}: strict relations P {:.3} R {:.3} F1 {:.3} ({} sentences)",
        report.precision, report.recall, report.f1, report.sentences
    );
    for (label, s) in &report.per_type {
        println!(
            "    {label:<12} P {:.3} R {:.3} F1 {:.3}  (gold {}, predicted {})",
            s.precision, s.recall, s.f1, s.support, s.predicted
        );
    }
}

pub fn train(args: TrainRelationsArgs) -> anyhow::Result<()> {
    parallelism::configure(args.threads)?;
    let started = std::time::Instant::now();
    let load = || {
        NerModel::load(&args.model, NerConfig::default())
            .with_context(|| format!("loading model from {}", args.model.display()))
    };
    let mut model = load()?;
    let train = read_conll04(&args.train)?;
    let config = RelationTrainConfig {
        layers: args.layers.clone(),
        epochs: args
            .epochs
            .unwrap_or(if args.joint_epochs > 0 { 0 } else { 30 }),
        seed: args.seed,
        type_map: parse_type_map(&args.type_map)?,
        ..RelationTrainConfig::default()
    };
    let log = |line: &str| eprintln!("[{:>5.0}s] {line}", started.elapsed().as_secs_f64());
    let dev = read_conll04(&args.dev)?;
    if args.joint_epochs > 0 {
        // NER learns the data's entity types too: add those the model lacks.
        let added = model.extend_labels(&entity_types(&train), args.seed)?;
        if !added.is_empty() {
            log(&format!("NER labels added: {}", added.join(", ")));
        }
    }
    let mut head = train_relations(&model, &train, &config, log)?;
    if config.epochs > 0 {
        let (threshold, f1) = tune_threshold(&model, &mut head, &dev)?;
        log(&format!(
            "\"no relation\" threshold {threshold:.2} (dev F1 {f1:.3})"
        ));
    }
    if args.joint_epochs > 0 {
        let config = JointConfig {
            epochs: args.joint_epochs,
            seed: args.seed,
            ..JointConfig::default()
        };
        // Epochs are compared at plain argmax; the threshold is tuned again afterwards.
        head.set_none_below(0.5);
        let summary = finetune_jointly(&model, &head, &train, &dev, &config, log)?;
        let (threshold, f1) = tune_threshold(&model, &mut head, &dev)?;
        eprintln!(
            "[{:>5.0}s] jointly fine-tuned (best epoch {}); \"no relation\" threshold {threshold:.2} (dev F1 {f1:.3})",
            started.elapsed().as_secs_f64(),
            summary
                .best_epoch
                .map_or("none: the starting weights kept".to_string(), |e| e.to_string()),
        );
        // The new head goes into the directory before it replaces the old one, so a kill leaves
        // either the old model or the new one, never new weights with the old head.
        let name = model.info().name.clone();
        model
            .save_with(&args.model, &name, Precision::F16, |dir| head.save(dir))
            .with_context(|| format!("writing the fine-tuned model to {}", args.model.display()))?;
        // Scored as written (half-precision weights, new id).
        model = load()?;
    } else {
        head.save(&args.model)
            .with_context(|| format!("writing the relation head into {}", args.model.display()))?;
    }
    let report = score(&model, &head, &args.dev, false)?;
    print(
        &report,
        &format!("{} on {}", model.info().id, args.dev.display()),
    );
    println!(
        "{} written to {} in {:.0} s",
        if args.joint_epochs > 0 {
            "model and relation head"
        } else {
            "relation head"
        },
        args.model.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub fn eval(args: EvalRelationsArgs) -> anyhow::Result<()> {
    parallelism::configure(args.threads)?;
    let model = args.model.load(NerConfig::default())?;
    let head = RelationHead::load(&model.info().dir)?.ok_or_else(|| {
        anyhow::anyhow!(
            "model {} has no relation head: train one with `claimex train relations`",
            model.info().dir.display()
        )
    })?;
    let report = score(&model, &head, &args.data, args.gold_entities)?;
    if args.json {
        let mut value = serde_json::to_value(&report)?;
        value["model"] = model.info().id.clone().into();
        value["entities"] = if args.gold_entities {
            "gold"
        } else {
            "predicted"
        }
        .into();
        println!("{value}");
        return Ok(());
    }
    let entities = if args.gold_entities {
        "gold entities"
    } else {
        "its own entities"
    };
    print(
        &report,
        &format!(
            "{} on {} ({entities})",
            model.info().id,
            args.data.display()
        ),
    );
    Ok(())
}
