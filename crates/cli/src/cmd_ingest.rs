use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;
use claimex_core::{Document, DocumentRecord, Sentence};
use claimex_ingest::{prepare_all, DuplicateFilter, ReadItem};
use clap::Args;

use crate::ledger::{self, Ledger};
use crate::reader_args::ReaderArgs;

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
    let reader = args.reader.reader()?;
    let out_str = args.out.to_string_lossy().into_owned();
    let mut ledger = Ledger::create(
        &args
            .ledger
            .unwrap_or_else(|| ledger::default_path(std::slice::from_ref(&out_str))),
    )?;
    let file =
        File::create(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    let mut out = BufWriter::new(file);
    let mut dedup = DuplicateFilter::new();
    let mut reader = reader.peekable();
    while reader.peek().is_some() {
        let chunk: Vec<ReadItem> = reader.by_ref().take(256).collect();
        for item in prepare_all(chunk) {
            let prepared = match item {
                Ok(p) => p,
                Err(record) => {
                    ledger.record(&record)?;
                    continue;
                }
            };
            let doc = &prepared.doc;
            if let Some(record) = dedup.check(doc) {
                ledger.record(&record)?;
                continue;
            }
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
    }
    out.flush()
        .with_context(|| format!("writing {}", args.out.display()))?;
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
