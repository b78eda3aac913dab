use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Instant;

use anyhow::Context;
use claimex_core::{Claim, DocStatus, DocumentRecord, EntitySpan, Sentence};
use claimex_export::{doc_key, open_sink, ClaimSink, DocKey, DocumentOutput, RunInfo};
use claimex_ingest::{clean_document, prepare_all, DuplicateFilter, PreparedDocument, ReadItem};
use claimex_ner::{NerConfig, NerModel, SentenceAnalysis};
use claimex_relations::SentenceInput;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::ledger::{self, Ledger, Tally};
use crate::parallelism;
use crate::reader_args::ReaderArgs;

#[derive(Args)]
pub struct RunArgs {
    #[command(flatten)]
    reader: ReaderArgs,
    /// Where to write claims; repeat for several sinks: PATH.jsonl, PATH.db (or .sqlite,
    /// sqlite://PATH).
    #[arg(long = "out", required = true, value_name = "SINK")]
    outs: Vec<String>,
    /// Model directory, or hf:ORG/NAME[@REVISION] in a build with the `remote` feature
    /// [default: $CLAIMEX_MODEL, else models/default].
    #[arg(long)]
    model: Option<PathBuf>,
    /// Threads for reading, splitting and inference [default: all cores].
    #[arg(long)]
    threads: Option<usize>,
    /// Sentence windows per model forward pass.
    #[arg(long, default_value_t = 32)]
    batch_size: usize,
    /// Run the encoder's linear layers in int8 (dynamic quantisation, FBGEMM; BERT models):
    /// faster, slightly less accurate; the model id gets `+int8`.
    #[arg(long)]
    int8: bool,
    /// Documents read, analysed and written together; bounds memory.
    #[arg(long, default_value_t = 64)]
    chunk_docs: usize,
    /// Process only shard i of N (0-based): input items k with k % N == i. Each shard is a pure,
    /// repeatable job.
    #[arg(long, value_name = "i/N")]
    shard: Option<Shard>,
    /// Continue an interrupted run: documents that every output already holds for the same
    /// models are not processed again (database outputs only: .db, sqlite://, postgres://).
    #[arg(long)]
    resume: bool,
    /// Documents per database transaction: a killed run loses at most this many (they are redone
    /// by --resume).
    #[arg(long, default_value_t = claimex_export::DOCS_PER_TRANSACTION)]
    commit_every: usize,
    /// Where to write the per-document ledger [default: documents.jsonl beside the first output
    /// file, else in the current folder].
    #[arg(long)]
    ledger: Option<PathBuf>,
}

/// `i/N`: this process handles shard `i` of `N`.
#[derive(Debug, Clone, Copy)]
pub struct Shard {
    index: usize,
    count: usize,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not a shard: write i/N with 0 <= i < N, for example 0/4");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

pub fn run(args: RunArgs) -> anyhow::Result<()> {
    let threads = parallelism::configure(args.threads)?;
    let model_dir = resolve_model(args.model.as_deref())?;
    let model = crate::model_arg::load(
        &model_dir,
        NerConfig {
            batch_size: args.batch_size,
            int8: args.int8,
            ..NerConfig::default()
        },
    )?;
    let info = model.info().clone();
    if !info.trained {
        eprintln!(
            "warning: model {} is randomly initialised, not trained: its entities and claims are noise",
            info.id
        );
    }

    let reader = args.reader.reader()?;
    let run_info = RunInfo {
        ner_model: info.id.clone(),
        relations_model: crate::model_arg::claims_model_id(&info),
        config: std::env::args().collect::<Vec<_>>().join(" "),
        docs_per_transaction: args.commit_every,
    };
    if args.resume {
        if let Some(file) = args.outs.iter().find(|t| !claimex_export::is_database(t)) {
            anyhow::bail!(
                "--resume needs database outputs (.db, sqlite://PATH, postgres://...): {file} is a file that each run writes whole; drop --resume, or write to a database"
            );
        }
    }
    let mut sinks = Vec::new();
    for target in &args.outs {
        create_parent(target)?;
        sinks.push(open_sink(target, &run_info)?);
    }
    let done = if args.resume {
        committed_everywhere(&mut sinks)?
    } else {
        HashSet::new()
    };
    let ledger_path = args
        .ledger
        .clone()
        .unwrap_or_else(|| ledger::default_path(&args.outs));
    let mut ledger = Ledger::create(&ledger_path)?;

    let progress = ProgressBar::new_spinner();
    progress.set_style(
        ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let started = Instant::now();
    let (ids, calibration) = crate::model_arg::claim_settings(&model)?;
    let mut runner = Runner {
        model: &model,
        ids,
        calibration,
        dedup: DuplicateFilter::new(),
        stages: Stages::default(),
    };
    let mut chunk: Vec<ReadItem> = Vec::with_capacity(args.chunk_docs);
    let shard = args.shard;
    let items = reader
        .enumerate()
        .filter(|(k, _)| shard.map_or(true, |s| k % s.count == s.index))
        .map(|(_, item)| item);
    for item in items {
        let key = match &item {
            Ok(raw) => doc_key(&raw.source),
            Err(record) => doc_key(&record.source),
        };
        if done.contains(&key) {
            // Its text still counts for duplicate detection: a later copy of it is a duplicate,
            // as it would be in an uninterrupted run.
            if let Ok(raw) = &item {
                if let Ok(doc) = clean_document(raw.clone()) {
                    runner.dedup.check(&doc);
                }
            }
            ledger.record(&resumed_record(item))?;
            continue;
        }
        chunk.push(item);
        if chunk.len() >= args.chunk_docs.max(1) {
            runner.process_chunk(std::mem::take(&mut chunk), &mut sinks, &mut ledger)?;
            report_progress(&progress, &ledger.tally, started);
        }
    }
    runner.process_chunk(chunk, &mut sinks, &mut ledger)?;
    progress.finish_and_clear();

    let targets: Vec<String> = sinks.iter().map(|s| s.target()).collect();
    for sink in sinks {
        sink.finish()?;
    }
    let t = ledger.finish()?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "claimex: {} documents processed ({} repaired), {} skipped, {} duplicates{}; {} sentences, {} entities, {} claims in {:.1}s ({:.1} sentences/s, {threads} threads)",
        t.processed, t.repaired, t.skipped, t.duplicates,
        if args.resume { format!(", {} already committed (resumed)", t.resumed) } else { String::new() },
        t.sentences, t.entities, t.claims, secs,
        t.sentences as f64 / secs.max(1e-9)
    );
    eprintln!("  time:   {}", runner.stages.describe(secs));
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
        ledger_path.display(),
        if t.skipped + t.repaired > 0 {
            "; its `reason` says why a document was skipped or repaired"
        } else {
            ""
        }
    );
    Ok(())
}

/// The documents that every sink already holds for this run's models; an error when a sink
/// cannot tell (files are rewritten whole, so they cannot resume).
fn committed_everywhere(sinks: &mut [Box<dyn ClaimSink>]) -> anyhow::Result<HashSet<DocKey>> {
    let mut done: Option<HashSet<DocKey>> = None;
    for sink in sinks.iter_mut() {
        let Some(keys) = sink.committed()? else {
            anyhow::bail!(
                "--resume needs database outputs (.db, sqlite://PATH, postgres://...): {} cannot tell which documents it holds",
                sink.target()
            );
        };
        done = Some(match done {
            None => keys,
            Some(d) => d.intersection(&keys).cloned().collect(),
        });
    }
    Ok(done.unwrap_or_default())
}

/// The ledger line of a document an earlier run committed.
fn resumed_record(item: ReadItem) -> DocumentRecord {
    let (doc_id, source) = match item {
        Ok(raw) => (raw.id, raw.source),
        Err(record) => (record.doc_id, record.source),
    };
    DocumentRecord {
        doc_id,
        source,
        status: DocStatus::Resumed,
        reason: Some("committed to the output by an earlier run; not processed again".into()),
        sentences: 0,
        entities: 0,
        claims: 0,
    }
}

/// Seconds spent in each stage of a run (reading is what the total leaves over).
#[derive(Default)]
struct Stages {
    prepare: f64,
    ner: f64,
    claims: f64,
    typing: f64,
    write: f64,
}

impl Stages {
    fn describe(&self, total: f64) -> String {
        let read = total - self.prepare - self.ner - self.claims - self.typing - self.write;
        format!(
            "clean+split {:.1}s, NER {:.1}s, claims {:.1}s, relation typing {:.1}s, write {:.1}s, read and the rest {:.1}s",
            self.prepare, self.ner, self.claims, self.typing, self.write, read.max(0.0)
        )
    }
}

/// What every chunk is analysed with (the model, the ids and calibration of its claims) and what
/// a run carries from chunk to chunk (documents seen, time per stage).
struct Runner<'a> {
    model: &'a NerModel,
    ids: claimex_core::ModelIds,
    calibration: Option<claimex_relations::Calibration>,
    dedup: DuplicateFilter,
    stages: Stages,
}

impl Runner<'_> {
    fn process_chunk(
        &mut self,
        chunk: Vec<ReadItem>,
        sinks: &mut [Box<dyn ClaimSink>],
        ledger: &mut Ledger,
    ) -> anyhow::Result<()> {
        let model = self.model;
        // The model is not shared across threads; the claim settings are.
        let (ids, calibration) = (&self.ids, self.calibration.as_ref());
        let (dedup, stages) = (&mut self.dedup, &mut self.stages);
        let mut clock = Instant::now();
        let mut lap = |stage: &mut f64| {
            *stage += clock.elapsed().as_secs_f64();
            clock = Instant::now();
        };
        // Cleaning and splitting run in parallel; duplicate detection then needs input order.
        let items: Vec<Result<PreparedDocument, DocumentRecord>> = prepare_all(chunk)
            .into_iter()
            .map(|item| {
                item.and_then(|p| match dedup.check(&p.doc) {
                    Some(record) => Err(record),
                    None => Ok(p),
                })
            })
            .collect();
        lap(&mut stages.prepare);

        let analyses = analyze_chunk(model, items);
        lap(&mut stages.ner);

        let per_doc: Vec<_> = analyses
            .into_iter()
            .map(|item| {
                item.map(|(PreparedDocument { doc, sentences }, analyses)| {
                    let (ents, tokens): (Vec<_>, Vec<_>) =
                        analyses.into_iter().map(|a| (a.entities, a.tokens)).unzip();
                    (doc, sentences, ents, tokens)
                })
            })
            .collect();
        let results: Vec<(DocumentRecord, Vec<EntitySpan>, Vec<Claim>)> = per_doc
            .into_par_iter()
            .map(|item| match item {
                Ok((doc, sentences, mut ents, tokens)) => {
                    claimex_core::link_entities(&doc.id, ents.iter_mut().flatten());
                    let inputs = SentenceInput::zip(&sentences, &ents, &tokens);
                    let claims =
                        claimex_relations::claims_of_document(&doc.id, &inputs, ids, calibration);
                    let mentions: Vec<EntitySpan> = ents.into_iter().flatten().collect();
                    let record = DocumentRecord::processed(
                        &doc,
                        sentences.len(),
                        mentions.len(),
                        claims.len(),
                    );
                    (record, mentions, claims)
                }
                Err(record) => (record, vec![], vec![]),
            })
            .collect();

        lap(&mut stages.claims);
        let mut results = results;
        if let Some(head) = model.relation_head() {
            type_chunk(model, head, &mut results);
        }
        lap(&mut stages.typing);
        for (record, entities, claims) in &results {
            let output = DocumentOutput {
                record,
                entities,
                claims,
            };
            for sink in sinks.iter_mut() {
                sink.write_document(&output)?;
            }
            ledger.record(record)?;
        }
        lap(&mut stages.write);
        Ok(())
    }
}

/// A prepared document with the analysis of each of its sentences.
type Analysed = (PreparedDocument, Vec<SentenceAnalysis>);

/// Entities and tags for the documents of a chunk. One model call covers the whole chunk, so
/// batches are full and sorted by length across documents. If the model fails on the chunk, each
/// document is analysed alone, and a document it still fails on is skipped with the model's error
/// as the reason: one bad document does not stop the run or take its neighbours with it.
fn analyze_chunk(
    model: &NerModel,
    items: Vec<Result<PreparedDocument, DocumentRecord>>,
) -> Vec<Result<Analysed, DocumentRecord>> {
    let all_sentences: Vec<Sentence> = items
        .iter()
        .flat_map(|item| match item {
            Ok(p) => p.sentences.clone(),
            Err(_) => vec![],
        })
        .collect();
    match model.analyze(&all_sentences) {
        Ok(all) => {
            let mut all = all.into_iter();
            items
                .into_iter()
                .map(|item| {
                    item.map(|p| {
                        let analyses = all.by_ref().take(p.sentences.len()).collect();
                        (p, analyses)
                    })
                })
                .collect()
        }
        Err(chunk_error) => {
            let documents = items.iter().filter(|i| i.is_ok()).count();
            eprintln!(
                "warning: the model failed on a chunk of {documents} documents ({chunk_error}); analysing them one by one"
            );
            items
                .into_iter()
                .map(|item| {
                    let p = item?;
                    match model.analyze(&p.sentences) {
                        Ok(analyses) => Ok((p, analyses)),
                        Err(e) => Err(DocumentRecord::skipped(
                            Some(p.doc.id.clone()),
                            p.doc.source.clone(),
                            format!(
                                "the model failed on this document: {e} (a model whose tokenizer or weights cannot handle this text; the rest of the run went on)"
                            ),
                        )),
                    }
                })
                .collect()
        }
    }
}

/// Sets typed relations on the claims of a chunk with the model's relation head, all documents in
/// one pass. If that fails, documents are typed one by one; a document that still fails keeps its
/// claims untyped and says so in its ledger record.
fn type_chunk(
    model: &NerModel,
    head: &claimex_ner::RelationHead,
    results: &mut [(DocumentRecord, Vec<EntitySpan>, Vec<Claim>)],
) {
    let mut docs: Vec<&mut [Claim]> = results.iter_mut().map(|r| r.2.as_mut_slice()).collect();
    let Err(chunk_error) = crate::model_arg::type_claims(model, head, &mut docs) else {
        return;
    };
    eprintln!(
        "warning: relation typing failed on a chunk of {} documents ({chunk_error:#}); typing them one by one",
        results.len()
    );
    for (record, _, claims) in results.iter_mut() {
        if let Err(e) = crate::model_arg::type_claims(model, head, &mut [claims.as_mut_slice()]) {
            for claim in claims.iter_mut() {
                claim.relation = None;
            }
            let note = format!("relation typing failed, claims kept without relation types: {e:#}");
            record.reason = Some(match record.reason.take() {
                Some(earlier) => format!("{earlier}; {note}"),
                None => note,
            });
        }
    }
}

fn report_progress(progress: &ProgressBar, t: &Tally, started: Instant) {
    let docs = t.processed + t.skipped + t.duplicates;
    let rate = docs as f64 / started.elapsed().as_secs_f64().max(1e-9);
    progress.set_message(format!(
        "{docs} documents ({rate:.0}/s), {} sentences, {} claims, {} skipped",
        t.sentences, t.claims, t.skipped
    ));
}

fn resolve_model(flag: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(dir) = flag {
        return Ok(dir.to_path_buf());
    }
    if let Some(dir) = std::env::var_os("CLAIMEX_MODEL") {
        return Ok(PathBuf::from(dir));
    }
    let default = PathBuf::from("models/default");
    if default.is_dir() {
        return Ok(default);
    }
    anyhow::bail!(
        "no model given and models/default does not exist: pass --model DIR or set CLAIMEX_MODEL \
         (`claimex models init-random --out models/tiny-random` makes an untrained test model)"
    )
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
