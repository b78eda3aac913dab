use std::path::PathBuf;

use anyhow::Context;
use claimex_ingest::split_sentences;
use claimex_ner::{NerConfig, NerModel};
use claimex_train::{
    evaluate, read_conll_documents, read_examples, rebuild_documents, score_boundaries, EvalReport,
    Layout,
};
use clap::Args;

use crate::parallelism;

#[derive(Args)]
pub struct EvalNerArgs {
    /// Model directory.
    #[arg(long)]
    model: PathBuf,
    /// CoNLL column file (token first, entity tag last; IOB1 or IOB2), or claimex fixture JSONL
    /// (`.jsonl`, entities as character offsets).
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
    let examples = read_examples(&args.data)?;
    let report = evaluate(&model, &examples)?;
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

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum LayoutArg {
    /// Headlines and datelines (sentences without final punctuation) on their own lines.
    News,
    /// All sentences separated by single spaces.
    Flat,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum SplitterArg {
    /// claimex-ingest's news splitter.
    Claimex,
    /// UAX #29 sentence boundaries.
    Uax29,
}

fn splitter_name(splitter: SplitterArg) -> &'static str {
    match splitter {
        SplitterArg::Claimex => "claimex",
        SplitterArg::Uax29 => "uax29",
    }
}

/// Sentence end offsets (characters) that `splitter` finds in `text`.
fn sentence_ends(text: &str, splitter: SplitterArg) -> Vec<usize> {
    match splitter {
        SplitterArg::Claimex => split_sentences(text).iter().map(|s| s.end).collect(),
        SplitterArg::Uax29 => {
            use unicode_segmentation::UnicodeSegmentation;
            let index = claimex_core::TextIndex::new(text);
            text.split_sentence_bound_indices()
                .filter(|(_, s)| !s.trim().is_empty())
                .filter_map(|(b, s)| index.char_of_byte(b + s.trim_end().len()))
                .collect()
        }
    }
}

#[derive(Args)]
pub struct EvalSentencesArgs {
    /// CoNLL column file with -DOCSTART- lines; each document is rebuilt as text from its tokens.
    #[arg(long)]
    data: PathBuf,
    /// How to lay out the rebuilt documents.
    #[arg(long, value_enum, default_value = "news")]
    layout: LayoutArg,
    /// Print one JSON object (precision, recall, f1, ...) instead of text.
    #[arg(long)]
    json: bool,
    /// Which splitter to score: claimex's, or Unicode UAX #29 sentence boundaries (the
    /// unicode-segmentation crate) for comparison.
    #[arg(long, value_enum, default_value = "claimex")]
    splitter: SplitterArg,
    /// Print up to this many missed or spurious boundaries, with context.
    #[arg(long, default_value_t = 0)]
    show_errors: usize,
}

/// Sentence-boundary precision/recall/F1 of claimex's splitter on rebuilt CoNLL documents.
pub fn sentences(args: EvalSentencesArgs) -> anyhow::Result<()> {
    let layout = match args.layout {
        LayoutArg::News => Layout::News,
        LayoutArg::Flat => Layout::Flat,
    };
    let docs = rebuild_documents(&read_conll_documents(&args.data)?, layout);
    let predicted: Vec<Vec<usize>> = docs
        .iter()
        .map(|d| sentence_ends(&d.text, args.splitter))
        .collect();
    let gold: Vec<Vec<usize>> = docs.iter().map(|d| d.sentence_ends.clone()).collect();
    let report = score_boundaries(&gold, &predicted);
    if args.json {
        let mut value = serde_json::to_value(&report)?;
        value["data"] = args.data.display().to_string().into();
        value["layout"] = format!("{layout:?}").to_lowercase().into();
        value["splitter"] = splitter_name(args.splitter).into();
        println!("{value}");
    } else {
        println!(
            "sentence boundaries of the {} splitter on {} ({} documents, {:?} layout): precision {:.4} recall {:.4} f1 {:.4} (gold {}, predicted {})",
            splitter_name(args.splitter), args.data.display(), report.documents, layout, report.precision, report.recall, report.f1, report.gold, report.predicted
        );
    }
    let mut shown = 0;
    for ((doc, g), p) in docs.iter().zip(&gold).zip(&predicted) {
        let chars: Vec<char> = doc.text.chars().collect();
        let context = |at: usize| -> String {
            let from = at.saturating_sub(40);
            let to = (at + 40).min(chars.len());
            format!(
                "{}⟂{}",
                chars[from..at].iter().collect::<String>(),
                chars[at..to].iter().collect::<String>()
            )
            .replace('\n', "↵")
        };
        let inner = |v: &Vec<usize>| v[..v.len().saturating_sub(1)].to_vec();
        for at in inner(g).into_iter().filter(|e| !p.contains(e)) {
            if shown < args.show_errors {
                println!("missed:   {}", context(at));
                shown += 1;
            }
        }
        for at in inner(p).into_iter().filter(|e| !g.contains(e)) {
            if shown < args.show_errors {
                println!("spurious: {}", context(at));
                shown += 1;
            }
        }
    }
    Ok(())
}
