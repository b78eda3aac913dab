use std::path::{Path, PathBuf};

use anyhow::Context;
use claimex::{Config, Ledger, Pipeline, RunSettings, RunSummary, Shard, Tally};
use claimex_export::{open_sink, RunInfo};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use crate::model_arg::{Method, ModelArg};
use crate::reader_args::ReaderArgs;

#[derive(Args)]
pub struct RunArgs {
    #[command(flatten)]
    reader: ReaderArgs,
    /// Where to write claims; repeat for several sinks: PATH.jsonl, PATH.csv, PATH.parquet,
    /// PATH.db (or .sqlite, sqlite://PATH), postgres://USER@HOST/DB, or - for JSONL on standard
    /// output.
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
    /// How claims are built: from dependency trees when the model has parser and syntax heads
    /// (auto), or as chosen (tree: sentences beyond the encoder window fall back to the rules).
    #[arg(long, value_enum, default_value_t = Method::Auto)]
    method: Method,
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
    /// Also write the run's summary as one JSON object (document counts, sentences, entities,
    /// claims, seconds per stage, models, outputs, ledger) to PATH, or - for standard output.
    #[arg(long, value_name = "PATH")]
    summary_json: Option<String>,
    /// After finishing the outputs, exit with status 3 when more than this fraction of the input
    /// documents was skipped, or when there was no input document at all (0: any skipped
    /// document fails the run).
    #[arg(long, value_name = "X")]
    max_skipped_fraction: Option<f64>,
    /// Show no progress and no summary on standard error; warnings and errors are still shown.
    #[arg(long, short)]
    quiet: bool,
}

/// A run whose outputs are complete but whose input fails `--max-skipped-fraction`: exit
/// status 3, so that a scheduler can tell it from a run that failed (1).
#[derive(Debug, thiserror::Error)]
#[error("{skipped} of {documents} input documents skipped, more than --max-skipped-fraction {limit} allows (the ledger {ledger} says why each was skipped)")]
pub struct TooManySkipped {
    skipped: usize,
    documents: usize,
    limit: f64,
    ledger: String,
}

/// A run with `--max-skipped-fraction` that read no input document at all: exit status 3.
#[derive(Debug, thiserror::Error)]
#[error("no input documents were read; with --max-skipped-fraction that fails the run (check the input paths and file types)")]
pub struct NoDocuments;

/// The CSV cell style a `--csv-raw-cells` flag asks for.
pub fn csv_cells(raw: bool) -> claimex_export::CsvCells {
    if raw {
        claimex_export::CsvCells::Raw
    } else {
        claimex_export::CsvCells::SpreadsheetSafe
    }
}

pub fn run(args: RunArgs) -> anyhow::Result<()> {
    if let Some(x) = args.max_skipped_fraction {
        anyhow::ensure!(
            (0.0..=1.0).contains(&x),
            "--max-skipped-fraction {x}: give a fraction from 0 to 1"
        );
    }
    let stdout = claimex_export::STDOUT;
    anyhow::ensure!(
        !(args.summary_json.as_deref() == Some(stdout) && args.outs.iter().any(|o| o == stdout)),
        "--out - and --summary-json - would both write to standard output: send one to a file"
    );
    let pipeline = Pipeline::new(Config {
        model: Some(args.model.resolve()?),
        threads: args.threads,
        batch_size: args.batch_size,
        int8: args.int8,
        chunk_docs: args.chunk_docs,
        method: args.method.into(),
        ..Config::default()
    })?;
    print_warnings(&pipeline);
    let info = pipeline.model_info().clone();

    let ledger_path = args
        .ledger
        .clone()
        .unwrap_or_else(|| claimex::default_ledger_path(&args.outs, args.shard));
    // Every file the run writes, companions of CSV and Parquet outputs included.
    let files: Vec<PathBuf> = args
        .outs
        .iter()
        .flat_map(|t| claimex_export::flat_files(t))
        .collect();
    let mut outputs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    outputs.push(&ledger_path);
    let reader = args.reader.reader(&outputs)?;
    let (read, total) = (reader.bytes_read(), reader.total_bytes().filter(|&t| t > 0));
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
    let mut sinks: Vec<Box<dyn claimex_export::ClaimSink>> = Vec::new();
    // An output that cannot be opened, or the ledger, fails the run: the outputs already open
    // are aborted, so a database's run is marked failed rather than left running.
    let abort_all = |sinks: Vec<Box<dyn claimex_export::ClaimSink>>, error: &anyhow::Error| {
        let message = format!("{error:#}");
        for sink in sinks {
            sink.abort(&message);
        }
    };
    for target in &args.outs {
        match create_parent(target).and_then(|()| Ok(open_sink(target, &run_info)?)) {
            Ok(sink) => sinks.push(sink),
            Err(error) => {
                abort_all(sinks, &error);
                return Err(error);
            }
        }
    }
    let targets: Vec<String> = sinks.iter().map(|s| s.target()).collect();
    let ledger = match Ledger::create(&ledger_path) {
        Ok(ledger) => ledger,
        Err(error) => {
            let error = anyhow::Error::from(error);
            abort_all(sinks, &error);
            return Err(error);
        }
    };

    // A bar with the share of input bytes read and the time left when the input sizes are
    // known; a spinner for standard input.
    let progress = match (args.quiet, total) {
        (true, _) => ProgressBar::hidden(),
        (false, Some(total)) => ProgressBar::new(total).with_style(
            ProgressStyle::with_template(
                "{bar:30} {percent:>3}% {elapsed_precise}, about {eta} left: {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
        (false, None) => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    };
    let started = std::time::Instant::now();
    let settings = RunSettings {
        shard: args.shard,
        resume: args.resume,
    };
    let summary = pipeline.run(reader, sinks, ledger, settings, |tally| {
        for warning in pipeline.take_warnings() {
            progress.suspend(|| eprintln!("warning: {warning}"));
        }
        progress.set_position(read.load(std::sync::atomic::Ordering::Relaxed));
        report_progress(&progress, tally, started);
    })?;
    progress.finish_and_clear();
    if !args.quiet {
        print_summary(&summary, &args, &pipeline, &targets, &ledger_path);
    }
    let t = &summary.tally;
    if t.documents() == 0 {
        eprintln!("warning: no input documents were read");
    }
    if let Some(target) = &args.summary_json {
        let json = summary_json(&summary, &args, &pipeline, &targets, &ledger_path);
        write_summary(target, &json)?;
    }
    match args.max_skipped_fraction {
        Some(_) if t.documents() == 0 => Err(NoDocuments.into()),
        Some(limit) if t.skipped as f64 > limit * t.documents() as f64 => Err(TooManySkipped {
            skipped: t.skipped,
            documents: t.documents(),
            limit,
            ledger: ledger_path.display().to_string(),
        }
        .into()),
        _ => Ok(()),
    }
}

/// The run's summary as one JSON object, for `--summary-json`.
fn summary_json(
    s: &RunSummary,
    args: &RunArgs,
    pipeline: &Pipeline,
    targets: &[String],
    ledger: &Path,
) -> serde_json::Value {
    let t = &s.tally;
    let st = &s.stages;
    let info = pipeline.model_info();
    serde_json::json!({
        "documents": t.documents(),
        "processed": t.processed,
        "repaired": t.repaired,
        "skipped": t.skipped,
        "duplicates": t.duplicates,
        "resumed": t.resumed,
        "sentences": t.sentences,
        "entities": t.entities,
        "claims": t.claims,
        "seconds": s.seconds,
        "sentences_per_second": t.sentences as f64 / s.seconds.max(1e-9),
        "stage_seconds": {
            "clean_and_split": st.prepare,
            "ner": st.ner,
            "claims": st.claims,
            "relation_typing": st.typing,
            "write": s.write,
        },
        "threads": pipeline.threads(),
        "models": {
            "ner": info.id,
            "relations": pipeline.model_ids().relations,
            "trained": info.trained,
        },
        "outputs": targets,
        "ledger": ledger.display().to_string(),
        "shard": args.shard.map(|s| format!("{}/{}", s.index, s.count)),
        "resume": args.resume,
    })
}

/// Writes `json` on one line to `target` (`-`: standard output).
fn write_summary(target: &str, json: &serde_json::Value) -> anyhow::Result<()> {
    let line = format!("{json}\n");
    if target == claimex_export::STDOUT {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        return out
            .write_all(line.as_bytes())
            .and_then(|()| out.flush())
            .context("writing the run summary to standard output");
    }
    let path = Path::new(target);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating the folder of {}", path.display()))?;
    }
    std::fs::write(path, line).with_context(|| format!("writing the run summary {target}"))
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
