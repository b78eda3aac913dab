use std::path::PathBuf;

use anyhow::Context;
use claimex_core::Sentence;
use claimex_ner::{NerConfig, NerModel};
use claimex_train::{read_conll, score_spans, EvalReport, TypedSpan};
use clap::Args;

use crate::parallelism;

#[derive(Args)]
pub struct EvalNerArgs {
    /// Model directory.
    #[arg(long)]
    model: PathBuf,
    /// CoNLL column file (token first, entity tag last; IOB1 or IOB2).
    #[arg(long)]
    data: PathBuf,
    /// Print one JSON object (precision, recall, f1, per_type) instead of a table.
    #[arg(long)]
    json: bool,
    /// Threads [default: all cores].
    #[arg(long)]
    threads: Option<usize>,
    /// Sentence windows per forward pass.
    #[arg(long, default_value_t = 32)]
    batch_size: usize,
}

pub fn ner(args: EvalNerArgs) -> anyhow::Result<()> {
    parallelism::configure(args.threads)?;
    let model = NerModel::load(
        &args.model,
        NerConfig {
            batch_size: args.batch_size,
            ..NerConfig::default()
        },
    )
    .with_context(|| format!("loading NER model from {}", args.model.display()))?;
    let data = read_conll(&args.data)?;
    let sentences: Vec<Sentence> = data
        .iter()
        .map(|s| {
            let (text, _) = s.text();
            Sentence {
                start: 0,
                end: text.chars().count(),
                text,
            }
        })
        .collect();
    let predicted: Vec<Vec<TypedSpan>> = model
        .recognize(&sentences)?
        .into_iter()
        .map(|ents| {
            ents.into_iter()
                .map(|e| TypedSpan {
                    start: e.start,
                    end: e.end,
                    label: e.label,
                })
                .collect()
        })
        .collect();
    let gold: Vec<Vec<TypedSpan>> = data.iter().map(|s| s.entities()).collect();
    let report = score_spans(&gold, &predicted);
    if args.json {
        let mut value = serde_json::to_value(&report)?;
        value["model"] = model.info().id.clone().into();
        value["data"] = args.data.display().to_string().into();
        println!("{value}");
    } else {
        print_table(&report, &model.info().id, &args.data);
    }
    Ok(())
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
