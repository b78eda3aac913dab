//! `claimex train parser` and `claimex eval parser`: the dependency parser head that shares the
//! NER encoder, trained and scored on CoNLL-U treebanks (UD English EWT).

use std::path::PathBuf;

use anyhow::Context;
use claimex_model::{NerConfig, NerModel, ParserHead, SyntaxHead};
use claimex_train::{
    evaluate_parser, finetune_parser, has_checkpoint, new_parser_head, read_conll, read_conllu,
    read_examples, remove_checkpoint, train_parser, JointHeads, ParserFinetuneConfig, ParserReport,
    ParserTrainConfig, TreeSentence,
};
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
    /// Passes over the training sentences [default: 30; 6 with --finetune-encoder].
    #[arg(long)]
    epochs: Option<usize>,
    /// Encoder layers the head reads, comma-separated, 0 = first layer's output [default: all].
    /// With --finetune-encoder: start from a new head of these layers and sizes instead of the
    /// head in --model.
    #[arg(long, value_delimiter = ',')]
    layers: Vec<usize>,
    /// Width of a new head's word states.
    #[arg(long, default_value_t = 512)]
    word_size: i64,
    /// Width of a new head's arc scorer states.
    #[arg(long, default_value_t = 384)]
    arc_size: i64,
    /// Width of a new head's label scorer states.
    #[arg(long, default_value_t = 128)]
    label_size: i64,
    /// Adam learning rate of the head [default: 2e-3; 5e-4 with --finetune-encoder].
    #[arg(long)]
    lr: Option<f64>,
    /// Fine-tune the encoder too: start from the parser head in --model (train one on the
    /// frozen encoder first) or a new one (--layers), learn parsing and NER together (--ner-train, --ner-dev) and write
    /// the best epoch by dev LAS, with NER F1 kept, to --out as a new model directory.
    #[arg(long, requires_all = ["ner_train", "ner_dev", "out"])]
    finetune_encoder: bool,
    /// NER training data for --finetune-encoder (CoNLL column files; with POS and chunk columns,
    /// as CoNLL-2003 has, the model's syntax head learns along); repeatable.
    #[arg(long)]
    ner_train: Vec<PathBuf>,
    /// NER data scored after each epoch of --finetune-encoder.
    #[arg(long)]
    ner_dev: Option<PathBuf>,
    /// Model directory --finetune-encoder writes.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Name of the written model (its card and id).
    #[arg(long, default_value = "claimex-ner-parser-minilm")]
    name: String,
    /// Peak learning rate of the encoder with --finetune-encoder (AdamW, warm-up, decay).
    #[arg(long, default_value_t = 5e-5)]
    encoder_lr: f64,
    /// Checkpoint folder of --finetune-encoder [default: OUT.checkpoints next to --out].
    #[arg(long)]
    checkpoints: Option<PathBuf>,
    /// Continue an interrupted --finetune-encoder run from its checkpoint.
    #[arg(long)]
    resume: bool,
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
        word_size: args.word_size,
        arc_size: args.arc_size,
        label_size: args.label_size,
        epochs: args.epochs.unwrap_or(30),
        learning_rate: args.lr.unwrap_or(2e-3),
        seed: args.seed,
        trained_on: args.trained_on.clone().unwrap_or_else(|| {
            format!("{} (best epoch on {})", name(&args.train), name(&args.dev))
        }),
        ..ParserTrainConfig::default()
    };
    if args.finetune_encoder {
        let head = if args.layers.is_empty() {
            ParserHead::load(&args.model)?.ok_or_else(|| {
                anyhow::anyhow!(
                    "{} has no parser head to start from: train one on the frozen encoder first (`claimex train parser` without --finetune-encoder), or give --layers for a new one",
                    args.model.display()
                )
            })?
        } else {
            new_parser_head(&model, &train, &config)?
        };
        return finetune(args, &model, head, &train, &dev, started);
    }
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

/// `train parser --finetune-encoder`.
fn finetune(
    args: TrainParserArgs,
    model: &NerModel,
    head: ParserHead,
    train: &[TreeSentence],
    dev: &[TreeSentence],
    started: std::time::Instant,
) -> anyhow::Result<()> {
    let (Some(out), Some(ner_dev)) = (&args.out, &args.ner_dev) else {
        anyhow::bail!("--finetune-encoder needs --out and --ner-dev");
    };
    let mut ner_train = Vec::new();
    for path in &args.ner_train {
        ner_train.extend(read_conll(path)?);
    }
    // The model's POS and chunk head learns with the encoder it reads, on the NER files' tag
    // columns.
    let syntax = SyntaxHead::load(&args.model)?;
    if syntax.is_some() && ner_train.iter().all(|s| s.pos.is_empty()) {
        eprintln!(
            "warning: the --ner-train files have no POS and chunk columns: the model's syntax head stays as it is and will read a moved encoder; retrain it with `claimex train syntax`"
        );
    }
    let ner_dev = read_examples(ner_dev)?;
    let checkpoints = args.checkpoints.clone().unwrap_or_else(|| {
        let mut name = out.file_name().unwrap_or_default().to_os_string();
        name.push(".checkpoints");
        out.with_file_name(name)
    });
    if has_checkpoint(&checkpoints) && !args.resume {
        anyhow::bail!(
            "{} holds a checkpoint of an interrupted run: add --resume to continue it, or remove it to start afresh",
            checkpoints.display()
        );
    }
    let mut config = ParserFinetuneConfig::new(checkpoints.clone());
    config.resume = args.resume;
    config.seed = args.seed;
    config.encoder_learning_rate = args.encoder_lr;
    if let Some(epochs) = args.epochs {
        config.epochs = epochs;
    }
    if let Some(lr) = args.lr {
        config.head_learning_rate = lr;
    }
    let state = finetune_parser(
        model,
        JointHeads {
            parser: &head,
            syntax: syntax.as_ref(),
        },
        train,
        dev,
        &ner_train,
        &ner_dev,
        out,
        &args.name,
        &config,
        |line| eprintln!("[{:>5.0}s] {line}", started.elapsed().as_secs_f64()),
    )?;
    if let Some((epoch, las)) = state.best {
        println!(
            "best epoch {epoch} (dev LAS {las:.4}, dev NER F1 {:.4}; before: {:.4} / {:.4}) written to {} in {:.0} s",
            state.dev_ner_f1[epoch - 1],
            state.start.0,
            state.start.1,
            out.display(),
            started.elapsed().as_secs_f64()
        );
    }
    // Only what training wrote goes; a --checkpoints folder that holds other files stays.
    remove_checkpoint(&checkpoints)
        .with_context(|| format!("removing the checkpoints in {}", checkpoints.display()))
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
