use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;
use claimex_core::{DocStatus, DocumentRecord, Sentence};
use claimex_ingest::{sentences_of, DuplicateFilter};
use clap::Args;
use serde::Serialize;

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

#[derive(Serialize)]
struct IngestedDocument<'a> {
    doc_id: &'a str,
    source: &'a claimex_core::SourceRef,
    title: Option<&'a str>,
    text: &'a str,
    sentences: &'a [Sentence],
}

pub fn run(args: IngestArgs) -> anyhow::Result<()> {
    let reader = args.reader.reader()?;
    let out_str = args.out.to_string_lossy().into_owned();
    let mut ledger = Ledger::create(
        &args
            .ledger
            .unwrap_or_else(|| ledger::default_path(&out_str)),
    )?;
    let file =
        File::create(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    let mut out = BufWriter::new(file);
    let mut dedup = DuplicateFilter::new();
    for item in reader {
        let doc = match item {
            Ok(doc) => doc,
            Err(record) => {
                ledger.record(&record)?;
                continue;
            }
        };
        if let Some(record) = dedup.check(&doc) {
            ledger.record(&record)?;
            continue;
        }
        let sentences = sentences_of(&doc);
        let line = IngestedDocument {
            doc_id: &doc.id,
            source: &doc.source,
            title: doc.title.as_deref(),
            text: &doc.text,
            sentences: &sentences,
        };
        serde_json::to_writer(&mut out, &line)?;
        out.write_all(b"\n")
            .with_context(|| format!("writing {}", args.out.display()))?;
        ledger.record(&DocumentRecord {
            doc_id: Some(doc.id.clone()),
            source: doc.source.clone(),
            status: DocStatus::Processed,
            reason: (!doc.warnings.is_empty()).then(|| doc.warnings.join("; ")),
            sentences: sentences.len(),
            entities: 0,
            claims: 0,
        })?;
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
