use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Context;
use claimex_ner::{NerConfig, NerModel, Precision};
use claimex_train::{
    evaluate, finetune, has_checkpoint, remove_checkpoint, EvalReport, TrainConfig, TrainExample,
};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use crate::parallelism;

#[derive(Args)]
pub struct TrainNerArgs {
    /// Model directory to start from: a trained NER model or an imported encoder. Entity types in
    /// the data that it does not know are added to its labels.
    #[arg(long)]
    base: PathBuf,
    /// Training data: CoNLL column file (token first, entity tag last) or claimex fixture JSONL
    /// (`.jsonl`); repeat to train on several files.
    #[arg(long, required = true)]
    train: Vec<PathBuf>,
    /// Development data (CoNLL or fixture JSONL): scored before training and after every epoch; the best epoch's weights
    /// are kept.
    #[arg(long)]
    dev: PathBuf,
    /// Directory to write the fine-tuned model to (replaced atomically at the end).
    #[arg(long)]
    out: PathBuf,
    /// Name recorded in the model card and in every claim's model id.
    #[arg(long, default_value = "claimex-ner")]
    name: String,
    /// Passes over the training data.
    #[arg(long, default_value_t = 3)]
    epochs: usize,
    /// Sentences per optimiser step.
    #[arg(long, default_value_t = 32)]
    batch_size: usize,
    /// Peak learning rate (AdamW, linear warm-up over 10% of steps, then linear decay).
    #[arg(long, default_value_t = 5e-5)]
    lr: f64,
    /// Stop after this many epochs without a better dev F1.
    #[arg(long, default_value_t = 2)]
    patience: usize,
    /// Seed for initialisation, dropout and batch order.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Store the weights in half precision (half the size; predictions within rounding).
    #[arg(long)]
    fp16: bool,
    /// Threads for libtorch [default: all cores].
    #[arg(long)]
    threads: Option<usize>,
    /// Checkpoint directory, written after every epoch and removed when the model is saved
    /// [default: OUT.checkpoints next to --out].
    #[arg(long)]
    checkpoints: Option<PathBuf>,
    /// Continue an interrupted run from its checkpoint (same data and settings).
    #[arg(long)]
    resume: bool,
}

fn read_examples(path: &std::path::Path) -> anyhow::Result<Vec<TrainExample>> {
    let examples = claimex_train::read_examples(path)?;
    anyhow::ensure!(
        !examples.is_empty(),
        "{}: no sentences found",
        path.display()
    );
    Ok(examples)
}

/// Entity types of the examples, sorted, each once.
fn entity_types<'a>(examples: impl Iterator<Item = &'a TrainExample>) -> Vec<String> {
    let types: std::collections::BTreeSet<&str> = examples
        .flat_map(|e| e.entities.iter().map(|s| s.label.as_str()))
        .collect();
    types.into_iter().map(String::from).collect()
}

fn line(r: &EvalReport) -> String {
    format!("P {:.4} R {:.4} F1 {:.4}", r.precision, r.recall, r.f1)
}

pub fn ner(args: TrainNerArgs) -> anyhow::Result<()> {
    parallelism::configure(args.threads)?;
    let mut model = crate::model_arg::load(&args.base, NerConfig::default())
        .with_context(|| format!("loading base model {}", args.base.display()))?;
    let mut train = Vec::new();
    for path in &args.train {
        train.extend(read_examples(path)?);
    }
    let dev = read_examples(&args.dev)?;
    let types = entity_types(train.iter().chain(&dev));
    let added = model.extend_labels(&types, args.seed)?;
    if !added.is_empty() {
        eprintln!(
            "new entity types in the data: adding labels {} to the model's {}",
            added.join(", "),
            model.info().labels.len() - added.len()
        );
    }
    let checkpoints = args.checkpoints.clone().unwrap_or_else(|| {
        let mut name = args.out.file_name().unwrap_or_default().to_os_string();
        name.push(".checkpoints");
        args.out.with_file_name(name)
    });
    if has_checkpoint(&checkpoints) && !args.resume {
        anyhow::bail!(
            "{} holds a checkpoint of an interrupted run: add --resume to continue it, or remove it to start afresh",
            checkpoints.display()
        );
    }
    let before = evaluate(&model, &dev)?;
    eprintln!(
        "base {}: dev {} ({} dev sentences, {} training sentences)",
        model.info().id,
        line(&before),
        dev.len(),
        train.len()
    );

    let config = TrainConfig {
        epochs: args.epochs,
        batch_size: args.batch_size,
        learning_rate: args.lr,
        seed: args.seed,
        patience: args.patience,
        checkpoint_dir: Some(checkpoints.clone()),
        resume: args.resume,
        ..TrainConfig::default()
    };
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:30} {pos}/{len} steps, epoch {prefix}, {msg} [{elapsed_precise} < {eta_precise}]",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    // Logs (not a terminal) get a plain line every 50 steps instead of the bar.
    let plain = !std::io::stderr().is_terminal();
    let started = std::time::Instant::now();
    let on_epoch = |epoch: usize, report: &EvalReport| {
        bar.suspend(|| eprintln!("epoch {epoch}: dev {}", line(report)));
    };
    let summary = finetune(
        &model,
        &train,
        Some(&dev),
        &config,
        |step| {
            if plain && (step.step % 50 == 0 || step.step == step.total_steps) {
                eprintln!(
                    "step {}/{} epoch {} loss {:.4} lr {:.2e} ({:.0}s)",
                    step.step,
                    step.total_steps,
                    step.epoch,
                    step.loss,
                    step.learning_rate,
                    started.elapsed().as_secs_f64()
                );
            }
            bar.set_length(step.total_steps as u64);
            bar.set_position(step.step as u64);
            bar.set_prefix(step.epoch.to_string());
            bar.set_message(format!("loss {:.4}", step.loss));
        },
        on_epoch,
    )?;
    bar.finish_and_clear();
    match summary.resumed_after {
        Some(epochs) => eprintln!(
            "continued from the checkpoint in {} after epoch {epochs}",
            checkpoints.display()
        ),
        None if args.resume => eprintln!(
            "--resume: no checkpoint in {}, so training ran from the start",
            checkpoints.display()
        ),
        None => {}
    }
    if summary.too_long > 0 {
        eprintln!(
            "warning: {} training sentences longer than the model's window were skipped",
            summary.too_long
        );
    }
    let after = evaluate(&model, &dev)?;
    model
        .save(
            &args.out,
            &args.name,
            if args.fp16 {
                Precision::F16
            } else {
                Precision::F32
            },
        )
        .with_context(|| format!("writing model to {}", args.out.display()))?;
    let saved = NerModel::load(&args.out, NerConfig::default())?;
    // Only what training wrote goes; a --checkpoints folder that holds other files stays.
    remove_checkpoint(&checkpoints)
        .with_context(|| format!("removing the checkpoint in {}", checkpoints.display()))?;
    let last = summary.losses.last().copied().unwrap_or(f64::NAN);
    eprintln!(
        "trained {} steps on {} sentences (last loss {last:.4}); kept epoch {}: dev {} (was {})",
        summary.losses.len(),
        summary.sentences,
        summary
            .best_epoch
            .map_or("last".to_string(), |e| e.to_string()),
        line(&after),
        line(&before)
    );
    eprintln!("wrote {} to {}", saved.info().id, args.out.display());
    Ok(())
}
