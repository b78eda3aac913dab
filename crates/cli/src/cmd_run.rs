use std::path::{Path, PathBuf};

use anyhow::Context;
use claimex::{Config, Ledger, Pipeline, RunSettings, RunSummary, Shard, Tally};
use claimex_export::{open_sink, RunInfo};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use crate::model_arg::ModelArg;
use crate::reader_args::ReaderArgs;

#[derive(Args)]
pub struct RunArgs {
    #[command(flatten)]
    reader: ReaderArgs,
    /// Where to write claims; repeat for several sinks: PATH.jsonl, PATH.csv, PATH.parquet,
    /// PATH.db (or .sqlite, sqlite://PATH), postgres://USER@HOST/DB.
    #[arg(long = "out", required = true, value_name = "SINK")]
    outs: Vec<String>,
    #[command(flatten)]
    model: ModelArg,
    /// Threads for reading, splitting and inference [default: all cores].
    #[arg(long)]
    threads: Option<usize>,
    /// Sentence windows per model forward pass (fewer when they are long: a pass holds at most
    /// this many × 128 word pieces).
    #[arg(long, default_value_t = Config::default().batch_size)]
    batch_size: usize,
    /// Run the encoder's linear layers in int8 (dynamic quantisation, FBGEMM; BERT models):
    /// faster, slightly less accurate; the model id gets `+int8`.
    #[arg(long)]
    int8: bool,
    /// Documents read, analysed and written together; bounds memory.
    #[arg(long, default_value_t = Config::default().chunk_docs)]
    chunk_docs: usize,
    /// Process only shard i of N (0-based): input items k with k % N == i. Each shard is a pure,
    /// repeatable job.
    #[arg(long, value_name = "i/N")]
    shard: Option<Shard>,
    /// Continue an interrupted run: documents that every output already holds for the same
    /// models are not processed again (database outputs only: .db, sqlite://, postgres://). A
    /// document is the same when its file (however the path is spelled), line and content are.
    #[arg(long)]
    resume: bool,
    /// Most documents per database transaction (databases also commit after every chunk of
    /// --chunk-docs): a killed run loses at most this many (they are redone by --resume).
    #[arg(long, default_value_t = claimex_export::DOCS_PER_TRANSACTION)]
    commit_every: usize,
    /// Where to write the per-document ledger [default: documents.jsonl beside the first output
    /// file, else in the current folder].
    #[arg(long)]
    ledger: Option<PathBuf>,
    /// Write CSV text cells exactly as they are. By default a cell that a spreadsheet would run as
    /// a formula (starting with = + - @, a tab or a carriage return) or that starts with ' gets a
    /// leading ', which spreadsheets show as text and `claimex export` reads back.
    #[arg(long)]
    csv_raw_cells: bool,
}

/// The CSV cell style a `--csv-raw-cells` flag asks for.
pub fn csv_cells(raw: bool) -> claimex_export::CsvCells {
    if raw {
        claimex_export::CsvCells::Raw
    } else {
        claimex_export::CsvCells::SpreadsheetSafe
    }
}

pub fn run(args: RunArgs) -> anyhow::Result<()> {
    let pipeline = Pipeline::new(Config {
        model: Some(args.model.resolve()?),
        threads: args.threads,
        batch_size: args.batch_size,
        int8: args.int8,
        chunk_docs: args.chunk_docs,
        ..Config::default()
    })?;
    print_warnings(&pipeline);
    let info = pipeline.model_info().clone();

    let ledger_path = args
        .ledger
        .clone()
        .unwrap_or_else(|| claimex::default_ledger_path(&args.outs));
    let mut outputs: Vec<&Path> = args
        .outs
        .iter()
        .filter_map(|t| claimex_export::target_file(t))
        .collect();
    outputs.push(&ledger_path);
    let reader = args.reader.reader(&outputs)?;
    let run_info = RunInfo {
        ner_model: info.id.clone(),
        relations_model: pipeline.model_ids().relations.clone(),
        config: std::env::args().collect::<Vec<_>>().join(" "),
        docs_per_transaction: args.commit_every,
        csv_cells: csv_cells(args.csv_raw_cells),
    };
    if args.resume {
        if let Some(file) = args.outs.iter().find(|t| !claimex_export::is_database(t)) {
            return Err(claimex::Error::CannotResume {
                target: file.clone(),
            }
            .into());
        }
    }
    let mut sinks = Vec::new();
    for target in &args.outs {
        create_parent(target)?;
        sinks.push(open_sink(target, &run_info)?);
    }
    let targets: Vec<String> = sinks.iter().map(|s| s.target()).collect();
    let ledger = Ledger::create(&ledger_path)?;

    let progress = ProgressBar::new_spinner();
    progress.set_style(
        ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let started = std::time::Instant::now();
    let settings = RunSettings {
        shard: args.shard,
        resume: args.resume,
    };
    let summary = pipeline.run(reader, sinks, ledger, settings, |tally| {
        for warning in pipeline.take_warnings() {
            progress.suspend(|| eprintln!("warning: {warning}"));
        }
        report_progress(&progress, tally, started);
    })?;
    progress.finish_and_clear();
    print_summary(&summary, &args, &pipeline, &targets, &ledger_path);
    Ok(())
}

fn print_warnings(pipeline: &Pipeline) {
    for warning in pipeline.take_warnings() {
        eprintln!("warning: {warning}");
    }
}

fn print_summary(
    s: &RunSummary,
    args: &RunArgs,
    pipeline: &Pipeline,
    targets: &[String],
    ledger: &Path,
) {
    let t = &s.tally;
    let secs = s.seconds;
    eprintln!(
        "claimex: {} documents processed ({} repaired), {} skipped, {} duplicates{}; {} sentences, {} entities, {} claims in {:.1}s ({:.1} sentences/s, {} threads)",
        t.processed, t.repaired, t.skipped, t.duplicates,
        if args.resume { format!(", {} already committed (resumed)", t.resumed) } else { String::new() },
        t.sentences, t.entities, t.claims, secs,
        t.sentences as f64 / secs.max(1e-9),
        pipeline.threads(),
    );
    let st = &s.stages;
    let rest = secs - st.prepare - st.ner - st.claims - st.typing - s.write;
    eprintln!(
        "  time:   clean+split {:.1}s, NER {:.1}s, claims {:.1}s, relation typing {:.1}s, write {:.1}s, read and the rest {:.1}s",
        st.prepare, st.ner, st.claims, st.typing, s.write, rest.max(0.0)
    );
    let info = pipeline.model_info();
    eprintln!(
        "  model:  {}{}",
        info.id,
        if info.trained {
            ""
        } else {
            " (random weights, NOT trained)"
        }
    );
    eprintln!("  claims: {}", targets.join(", "));
    eprintln!(
        "  ledger: {} (every input document with its status{})",
        ledger.display(),
        if t.skipped + t.repaired > 0 {
            "; its `reason` says why a document was skipped or repaired"
        } else {
            ""
        }
    );
}

fn report_progress(progress: &ProgressBar, t: &Tally, started: std::time::Instant) {
    let docs = t.processed + t.skipped + t.duplicates;
    let rate = docs as f64 / started.elapsed().as_secs_f64().max(1e-9);
    progress.set_message(format!(
        "{docs} documents ({rate:.0}/s), {} sentences, {} claims, {} skipped",
        t.sentences, t.claims, t.skipped
    ));
}

fn create_parent(target: &str) -> anyhow::Result<()> {
    if let Some(parent) = claimex_export::target_file(target)
        .and_then(Path::parent)
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating output folder {}", parent.display()))?;
    }
    Ok(())
}
