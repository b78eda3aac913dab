//! `claimex train parser` and `claimex eval parser`: the dependency parser head that shares the
//! NER encoder, trained and scored on CoNLL-U treebanks (UD English EWT).

use std::path::PathBuf;

use anyhow::Context;
use claimex_model::{NerConfig, NerModel, ParserHead};
use claimex_train::{evaluate_parser, read_conllu, train_parser, ParserReport, ParserTrainConfig};
use clap::Args;

use crate::model_arg::ModelArg;
use crate::parallelism;

#[derive(Args)]
pub struct TrainParserArgs {
    /// Model directory whose encoder the head reads; the head is written into it (parser.json,
    /// parser.safetensors), replacing any earlier one. The NER weights are not touched.
    #[arg(long)]
    model: PathBuf,
    /// Training treebank (CoNLL-U), e.g. ../shared/data/ud-english-ewt/en_ewt-ud-train.conllu.
    #[arg(long)]
    train: PathBuf,
    /// Treebank scored after each epoch; the best epoch's head is kept.
    #[arg(long)]
    dev: PathBuf,
    /// Passes over the training sentences.
    #[arg(long, default_value_t = 30)]
    epochs: usize,
    /// Encoder layers the head reads, comma-separated, 0 = first layer's output [default: all].
    #[arg(long, value_delimiter = ',')]
    layers: Vec<usize>,
    /// Adam learning rate.
    #[arg(long, default_value_t = 2e-3)]
    lr: f64,
    /// Seed of initialisation and order.
    #[arg(long, default_value_t = 17)]
    seed: u64,
    /// What the treebank is, for the model card (parser.json's trained_on) [default: the file
    /// names].
    #[arg(long)]
    trained_on: Option<String>,
    /// Threads for libtorch [default: all cores].
    #[arg(long)]
    threads: Option<usize>,
}

#[derive(Args)]
pub struct EvalParserArgs {
    /// Model with a parser head.
    #[command(flatten)]
    model: ModelArg,
    /// CoNLL-U treebank.
    #[arg(long)]
    data: PathBuf,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Threads [default: all cores].
    #[arg(long)]
    threads: Option<usize>,
}

fn print(report: &ParserReport, what: &str) {
    println!(
        "{what}: {} sentences, {} words (punctuation included, gold tokens; {} in sentences too long for the encoder, counted wrong): UAS {:.4} LAS {:.4} (universal relations; with subtypes {:.4})",
        report.sentences, report.words, report.unread_words, report.uas, report.las, report.las_full
    );
}

pub fn train(args: TrainParserArgs) -> anyhow::Result<()> {
    parallelism::configure(args.threads)?;
    let started = std::time::Instant::now();
    let model = NerModel::load(&args.model, NerConfig::default())
        .with_context(|| format!("loading model from {}", args.model.display()))?;
    let train = read_conllu(&args.train)?;
    let dev = read_conllu(&args.dev)?;
    let name = |p: &PathBuf| {
        p.file_name()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned())
    };
    let config = ParserTrainConfig {
        layers: args.layers.clone(),
        epochs: args.epochs,
        learning_rate: args.lr,
        seed: args.seed,
        trained_on: args.trained_on.clone().unwrap_or_else(|| {
            format!("{} (best epoch on {})", name(&args.train), name(&args.dev))
        }),
        ..ParserTrainConfig::default()
    };
    let (head, report) = train_parser(&model, &train, &dev, &config, |line| {
        eprintln!("[{:>5.0}s] {line}", started.elapsed().as_secs_f64())
    })?;
    head.save(&args.model)
        .with_context(|| format!("writing the parser head into {}", args.model.display()))?;
    print(&report, &format!("best epoch on {}", args.dev.display()));
    println!(
        "parser head written to {} in {:.0} s",
        args.model.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub fn eval(args: EvalParserArgs) -> anyhow::Result<()> {
    parallelism::configure(args.threads)?;
    let data = read_conllu(&args.data)?;
    let dir = args.model.resolve()?;
    let model = NerModel::load(&dir, NerConfig::default())?;
    let head = ParserHead::load(&dir)?.ok_or_else(|| {
        anyhow::anyhow!(
            "model {} has no parser head: train one with `claimex train parser`",
            dir.display()
        )
    })?;
    let report = evaluate_parser(&model, &head, &data)?;
    if args.json {
        let mut value = serde_json::to_value(&report)?;
        value["model"] = model.info().id.clone().into();
        value["data"] = args.data.display().to_string().into();
        println!("{value}");
        return Ok(());
    }
    print(
        &report,
        &format!("{} on {}", model.info().id, args.data.display()),
    );
    Ok(())
}
