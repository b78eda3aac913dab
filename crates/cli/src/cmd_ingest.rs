//! `ingest` and `eval sentences`: documents read, cleaned and split without models, and the
//! splitter scored.

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;
use claimex_core::{Document, DocumentRecord, Sentence};
use claimex_ingest::{prepare_all, split_sentences, DuplicateFilter, ReadItem};
use claimex_train::{read_conll_documents, rebuild_documents, score_boundaries, Layout};
use clap::Args;

use crate::reader_args::ReaderArgs;
use claimex::Ledger;

#[derive(Args)]
pub struct IngestArgs {
    #[command(flatten)]
    reader: ReaderArgs,
    /// JSONL file to write: one line per document with its text and sentences.
    #[arg(long)]
    out: PathBuf,
    /// Where to write the per-document ledger (default: documents.jsonl beside --out).
    #[arg(long)]
    ledger: Option<PathBuf>,
}

/// One output line: the document's fields (its id as `doc_id`) and its sentences.
fn ingested_line(doc: &Document, sentences: &[Sentence]) -> anyhow::Result<serde_json::Value> {
    let mut line = serde_json::to_value(doc)?;
    if let Some(obj) = line.as_object_mut() {
        if let Some(id) = obj.remove("id") {
            obj.insert("doc_id".into(), id);
        }
        obj.insert("sentences".into(), serde_json::to_value(sentences)?);
    }
    Ok(line)
}

pub fn run(args: IngestArgs) -> anyhow::Result<()> {
    let out_str = args.out.to_string_lossy().into_owned();
    let ledger_path = args
        .ledger
        .clone()
        .unwrap_or_else(|| claimex::default_ledger_path(std::slice::from_ref(&out_str), None));
    let reader = args
        .reader
        .reader(&[args.out.as_path(), ledger_path.as_path()])?;
    let mut ledger = Ledger::create(&ledger_path)?;
    let (partial, file) = claimex_export::PartialFile::create(&args.out)?;
    let mut out = BufWriter::new(file);
    let mut dedup = DuplicateFilter::new();
    let mut reader = reader.peekable();
    while reader.peek().is_some() {
        let chunk: Vec<ReadItem> = reader.by_ref().take(256).collect();
        for item in prepare_all(chunk) {
            let mut prepared = match item {
                Ok(p) => p,
                Err(record) => {
                    ledger.record(&record)?;
                    continue;
                }
            };
            if let Some(record) = dedup.check(&mut prepared.doc) {
                ledger.record(&record)?;
                continue;
            }
            let doc = &prepared.doc;
            serde_json::to_writer(&mut out, &ingested_line(doc, &prepared.sentences)?)?;
            out.write_all(b"\n")
                .with_context(|| format!("writing {}", args.out.display()))?;
            ledger.record(&DocumentRecord::processed(
                doc,
                prepared.sentences.len(),
                0,
                0,
            ))?;
        }
        // The ledger follows what reached the output file.
        out.flush()
            .with_context(|| format!("writing {}", args.out.display()))?;
        ledger.commit()?;
    }
    drop(out);
    partial.finish()?;
    let ledger_path = ledger.path().to_path_buf();
    let t = ledger.finish()?;
    eprintln!(
        "ingested {} documents ({} sentences) into {}; {} skipped, {} duplicates; ledger: {}",
        t.processed,
        t.sentences,
        args.out.display(),
        t.skipped,
        t.duplicates,
        ledger_path.display()
    );
    Ok(())
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
