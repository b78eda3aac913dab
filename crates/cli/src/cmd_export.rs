use anyhow::Context;
use claimex_core::ModelIds;
use claimex_export::{
    is_database, is_postgres, open_sink, ClaimSink, DatabaseReader, RunInfo, DOCS_PER_TRANSACTION,
};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Args)]
pub struct ExportArgs {
    /// Database to read: an SQLite file (`claims.db`, `sqlite://PATH`) or a `postgres://` URL.
    #[arg(long)]
    from: String,
    /// Sink to write, as for `run --out`: `.jsonl`, `.csv`, `.parquet`, `.db`/`sqlite://`,
    /// `postgres://`.
    #[arg(long)]
    to: String,
    /// Documents read from the database at a time (with their mentions and claims): memory is
    /// bounded by this, not by the size of the database.
    #[arg(long, default_value_t = 500)]
    page_docs: usize,
    /// Write CSV text cells exactly as they are, not spreadsheet-safe (see `run --help`).
    #[arg(long)]
    csv_raw_cells: bool,
}

/// Copies every document, mention and claim of a claimex database into another sink, a page of
/// documents at a time. Databases get one run per model pair of the source, so rows keep the
/// models that made them; copying twice into the same database adds nothing.
pub fn run(args: ExportArgs) -> anyhow::Result<()> {
    let mut reader = DatabaseReader::open(&args.from)?;
    let pairs = reader.model_pairs()?;
    let run_of = |models: &ModelIds| RunInfo {
        ner_model: models.ner.clone(),
        relations_model: models.relations.clone(),
        config: format!("claimex export --from {}", redacted(&args.from)),
        docs_per_transaction: DOCS_PER_TRANSACTION,
        csv_cells: crate::cmd_run::csv_cells(args.csv_raw_cells),
    };
    let open = |models: &ModelIds| {
        open_sink(&args.to, &run_of(models))
            .with_context(|| format!("opening {}", redacted(&args.to)))
    };
    let progress = ProgressBar::new_spinner();
    progress.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed_precise}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    // Databases get one run (one sink) per model pair; files are written whole, once, so every
    // model's documents go into the one file.
    let sinks: Vec<(&ModelIds, &[ModelIds])> = if is_database(&args.to) {
        pairs.iter().map(|m| (m, std::slice::from_ref(m))).collect()
    } else {
        pairs
            .first()
            .map(|m| (m, pairs.as_slice()))
            .into_iter()
            .collect()
    };
    let mut copied = Copied::default();
    for (run_models, members) in sinks {
        let mut sink = open(run_models)?;
        let copy = members.iter().try_for_each(|models| {
            copied.pages(
                &mut reader,
                models,
                sink.as_mut(),
                args.page_docs,
                &progress,
            )
        });
        if let Err(error) = copy {
            // A file is removed, a database's run marked failed, as a failed `run` leaves them.
            sink.abort(&format!("{error:#}"));
            return Err(error);
        }
        sink.finish()?;
    }
    progress.finish_and_clear();
    eprintln!(
        "claimex export: {} documents and {} claims ({} model pair{}) from {} to {}",
        copied.documents,
        copied.claims,
        pairs.len(),
        if pairs.len() == 1 { "" } else { "s" },
        redacted(&args.from),
        redacted(&args.to)
    );
    Ok(())
}

/// Documents and claims copied so far.
#[derive(Default)]
struct Copied {
    documents: usize,
    claims: usize,
}

impl Copied {
    /// Copies the documents of one model pair into `sink`, page by page.
    fn pages(
        &mut self,
        reader: &mut DatabaseReader,
        models: &ModelIds,
        sink: &mut dyn ClaimSink,
        page_docs: usize,
        progress: &ProgressBar,
    ) -> anyhow::Result<()> {
        reader.each_page(models, page_docs, |page| {
            for doc in &page {
                sink.write_document(&doc.output())?;
                self.claims += doc.claims.len();
            }
            self.documents += page.len();
            progress.set_message(format!(
                "{} documents, {} claims copied",
                self.documents, self.claims
            ));
            progress.tick();
            Ok::<(), anyhow::Error>(())
        })
    }
}

fn redacted(target: &str) -> String {
    if is_postgres(target) {
        claimex_export::redact(target)
    } else {
        target.to_string()
    }
}
