//! `train ner` and `eval ner`: fine-tuning a model's entity recogniser and scoring it.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Context;
use claimex_model::{NerConfig, NerModel, Precision};
use claimex_train::{
    evaluate, finetune, has_checkpoint, predict, remove_checkpoint, score_spans, worst_errors,
    EvalReport, SentenceErrors, TrainConfig, TrainExample, TypedSpan, NONE,
};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use crate::model_arg::ModelArg;
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
    #[arg(long, default_value = "claimex-model")]
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

pub fn train(args: TrainNerArgs) -> anyhow::Result<()> {
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

#[derive(Args)]
pub struct EvalNerArgs {
    #[command(flatten)]
    model: ModelArg,
    /// CoNLL column file (token first, entity tag last; IOB1 or IOB2), claimex fixture JSONL
    /// (`.jsonl`, entities as character offsets) or CoNLL04 JSON (`.json`).
    #[arg(long)]
    data: PathBuf,
    /// Print one JSON object (precision, recall, f1, per_type, confusion, worst_errors) instead of
    /// tables.
    #[arg(long)]
    json: bool,
    /// Threads [default: all cores].
    #[arg(long)]
    threads: Option<usize>,
    /// Sentence windows per forward pass (fewer when they are long: a pass holds at most this
    /// many × 128 word pieces).
    #[arg(long, default_value_t = 32)]
    batch_size: usize,
    /// Run the encoder's linear layers in int8 (dynamic quantisation, FBGEMM; BERT models):
    /// faster, slightly less accurate; the model id gets `+int8`.
    #[arg(long)]
    int8: bool,
    /// List this many sentences with the most errors (missed and spurious entities).
    #[arg(long, default_value_t = 10)]
    errors: usize,
    /// Score only these entity types (comma-separated), dropping others from gold and
    /// predictions: e.g. a model with an added type scored on data that lacks it.
    #[arg(long, value_delimiter = ',')]
    only_types: Vec<String>,
    /// Also read each sentence's dependency tree with the model's parser head, as `claimex run`
    /// does for claims from trees, so that the speed is that of the whole pass (the scores do not
    /// change).
    #[arg(long)]
    trees: bool,
}

pub fn eval(args: EvalNerArgs) -> anyhow::Result<()> {
    let threads = parallelism::configure(args.threads)?;
    let model = args.model.load(NerConfig {
        batch_size: args.batch_size,
        int8: args.int8,
        parse: args.trees,
        ..NerConfig::default()
    })?;
    if args.trees && model.info().parser_id.is_none() {
        anyhow::bail!(
            "--trees: {} has no parser head (parser.json and parser.safetensors); drop --trees or \
             train one with `claimex train parser`",
            model.info().id
        );
    }
    let examples = read_examples(&args.data)?;
    let keep = |spans: Vec<TypedSpan>| -> Vec<TypedSpan> {
        spans
            .into_iter()
            .filter(|s| args.only_types.is_empty() || args.only_types.contains(&s.label))
            .collect()
    };
    let started = std::time::Instant::now();
    let predicted: Vec<_> = predict(&model, &examples)?.into_iter().map(keep).collect();
    let seconds = started.elapsed().as_secs_f64();
    let speed = Speed {
        seconds,
        sentences_per_s: examples.len() as f64 / seconds.max(1e-9),
        batch_size: args.batch_size,
        threads,
        peak_rss_mib: parallelism::peak_rss_mib(),
    };
    let gold: Vec<_> = examples.iter().map(|e| keep(e.entities.clone())).collect();
    let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
    let report = score_spans(&gold, &predicted);
    let worst = worst_errors(&texts, &gold, &predicted, args.errors);
    if args.json {
        let mut value = serde_json::to_value(&report)?;
        value["model"] = model.info().id.clone().into();
        value["data"] = args.data.display().to_string().into();
        value["worst_errors"] = serde_json::to_value(&worst)?;
        value["speed"] = serde_json::to_value(&speed)?;
        value["trees"] = args.trees.into();
        println!("{value}");
    } else {
        print_table(&report, &model.info().id, &args.data);
        println!(
            "{} sentences in {:.1} s: {:.1} sentences/s (batch {}, {} threads), peak RSS {}",
            report.sentences,
            speed.seconds,
            speed.sentences_per_s,
            speed.batch_size,
            speed.threads,
            speed
                .peak_rss_mib
                .map_or("unknown".into(), |m| format!("{m:.0} MiB"))
        );
        print_confusion(&report);
        print_errors(&worst);
    }
    Ok(())
}

/// How fast the model tagged the data (tokenisation, windows, inference and decoding; reading and
/// scoring excluded), and the process's peak memory.
#[derive(serde::Serialize)]
struct Speed {
    seconds: f64,
    sentences_per_s: f64,
    batch_size: usize,
    threads: usize,
    peak_rss_mib: Option<f64>,
}

/// Rows are gold types, columns predicted types; `O` is "no entity with these boundaries".
fn print_confusion(r: &EvalReport) {
    let mut types: Vec<&str> = r
        .confusion
        .iter()
        .flat_map(|(g, row)| std::iter::once(g.as_str()).chain(row.keys().map(String::as_str)))
        .filter(|t| *t != NONE)
        .collect();
    types.sort();
    types.dedup();
    types.push(NONE);
    let width = types.iter().map(|t| t.len()).max().unwrap_or(1).max(7);
    println!(
        "\nconfusion (rows gold, columns predicted; {NONE} = no entity with those boundaries)"
    );
    print!("{:<width$}", "");
    for t in &types {
        print!(" {t:>width$}");
    }
    println!();
    for g in &types {
        print!("{g:<width$}");
        for p in &types {
            let n = r.confusion.get(*g).and_then(|row| row.get(*p)).copied();
            match n {
                _ if *g == NONE && *p == NONE => print!(" {:>width$}", "-"),
                Some(n) => print!(" {n:>width$}"),
                None => print!(" {:>width$}", 0),
            }
        }
        println!();
    }
}

fn print_errors(worst: &[SentenceErrors]) {
    if worst.is_empty() {
        return;
    }
    println!("\nsentences with the most errors (- gold not found, + predicted not in gold)");
    for e in worst {
        println!(
            "#{} ({} errors): {}",
            e.sentence + 1,
            e.missed.len() + e.spurious.len(),
            e.text
        );
        for (sign, spans) in [("-", &e.missed), ("+", &e.spurious)] {
            for s in spans.iter() {
                println!(
                    "    {sign} {:<6} {:?} at {}..{}",
                    s.label, s.text, s.start, s.end
                );
            }
        }
    }
}

fn print_table(r: &EvalReport, model: &str, data: &std::path::Path) {
    println!(
        "model {model} on {} ({} sentences), strict span match",
        data.display(),
        r.sentences
    );
    println!(
        "{:<8} {:>9} {:>9} {:>9} {:>8} {:>9}",
        "type", "precision", "recall", "f1", "support", "predicted"
    );
    for (label, s) in &r.per_type {
        println!(
            "{label:<8} {:>9.4} {:>9.4} {:>9.4} {:>8} {:>9}",
            s.precision, s.recall, s.f1, s.support, s.predicted
        );
    }
    let support: usize = r.per_type.values().map(|s| s.support).sum();
    let predicted: usize = r.per_type.values().map(|s| s.predicted).sum();
    println!(
        "{:<8} {:>9.4} {:>9.4} {:>9.4} {:>8} {:>9}",
        "micro", r.precision, r.recall, r.f1, support, predicted
    );
}
