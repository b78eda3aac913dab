//! `claimex train syntax` and `claimex eval syntax`: the part-of-speech and chunk head that
//! shares the NER encoder.

use std::path::PathBuf;

use anyhow::Context;
use claimex_model::{NerConfig, NerModel};
use claimex_train::{evaluate_syntax, read_conll, train_syntax, SyntaxReport, SyntaxTrainConfig};
use clap::Args;

use crate::model_arg::ModelArg;
use crate::parallelism;

#[derive(Args)]
pub struct TrainSyntaxArgs {
    /// Model directory whose encoder the head reads; the head is written into it
    /// (syntax.json, syntax.safetensors), replacing any earlier head. The NER weights are not
    /// touched.
    #[arg(long)]
    model: PathBuf,
    /// Training data: a CoNLL file with four columns (TOKEN POS CHUNK NER), as CoNLL-2003.
    #[arg(long)]
    train: PathBuf,
    /// Data scored after training (same format).
    #[arg(long)]
    dev: PathBuf,
    /// Passes over the training tokens.
    #[arg(long, default_value_t = 4)]
    epochs: usize,
    /// Encoder layers the head reads, comma-separated, 0 = first layer's output [default: the
    /// middle and the last layer].
    #[arg(long, value_delimiter = ',')]
    layers: Vec<usize>,
    /// Seed of initialisation and order.
    #[arg(long, default_value_t = 13)]
    seed: u64,
    /// Threads for libtorch [default: all cores].
    #[arg(long)]
    threads: Option<usize>,
}

#[derive(Args)]
pub struct EvalSyntaxArgs {
    /// Model with a syntax head.
    #[command(flatten)]
    model: ModelArg,
    /// CoNLL file with four columns (TOKEN POS CHUNK NER).
    #[arg(long)]
    data: PathBuf,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Threads [default: all cores].
    #[arg(long)]
    threads: Option<usize>,
}

fn print(report: &SyntaxReport, what: &str) {
    println!(
        "{what}: {} tokens, tokenizer agrees on {:.3}, POS accuracy {:.3}, chunks P {:.3} R {:.3} F1 {:.3}",
        report.tokens,
        report.token_match,
        report.pos_accuracy,
        report.chunks.precision,
        report.chunks.recall,
        report.chunks.f1
    );
}

pub fn train(args: TrainSyntaxArgs) -> anyhow::Result<()> {
    parallelism::configure(args.threads)?;
    let started = std::time::Instant::now();
    let model = NerModel::load(&args.model, NerConfig::default())
        .with_context(|| format!("loading model from {}", args.model.display()))?;
    let train = read_conll(&args.train)?;
    let dev = read_conll(&args.dev)?;
    let config = SyntaxTrainConfig {
        layers: args.layers.clone(),
        epochs: args.epochs,
        seed: args.seed,
        ..SyntaxTrainConfig::default()
    };
    let head = train_syntax(&model, &train, &config, |line| {
        eprintln!("[{:>5.0}s] {line}", started.elapsed().as_secs_f64())
    })?;
    head.save(&args.model)
        .with_context(|| format!("writing the syntax head into {}", args.model.display()))?;
    let model = NerModel::load(&args.model, NerConfig::default())?;
    let report = evaluate_syntax(&model, &dev)?;
    print(
        &report,
        &format!("{} on {}", model.info().id, args.dev.display()),
    );
    println!(
        "syntax head {} written to {} in {:.0} s",
        model.info().syntax_id.as_deref().unwrap_or("?"),
        args.model.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub fn eval(args: EvalSyntaxArgs) -> anyhow::Result<()> {
    parallelism::configure(args.threads)?;
    let model = args.model.load(NerConfig::default())?;
    let data = read_conll(&args.data)?;
    let report = evaluate_syntax(&model, &data)?;
    if args.json {
        let mut value = serde_json::to_value(&report)?;
        value["precision"] = report.chunks.precision.into();
        value["recall"] = report.chunks.recall.into();
        value["f1"] = report.chunks.f1.into();
        value["model"] = model.info().id.clone().into();
        value["syntax"] = model.info().syntax_id.clone().into();
        println!("{value}");
        return Ok(());
    }
    print(
        &report,
        &format!(
            "{} ({}) on {}",
            model.info().id,
            model.info().syntax_id.as_deref().unwrap_or("-"),
            args.data.display()
        ),
    );
    Ok(())
}
