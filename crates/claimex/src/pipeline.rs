use std::sync::Mutex;
use std::time::Instant;

use claimex_claims::{Calibration, ClaimMethod, SentenceInput};
use claimex_core::{
    document_key, link_entities, DocumentRecord, EntitySpan, ModelIds, Sentence, SourceRef,
};
use claimex_ingest::{prepare_all, DuplicateFilter, PreparedDocument, RawDocument, ReadItem};
use claimex_model::{ModelInfo, NerConfig, NerModel, PieceStates, SentenceAnalysis};
use rayon::prelude::*;

use crate::config::{load_model, resolve_model, ClaimStyle, Config};
use crate::result::DocumentResult;
use crate::{Error, Result};

/// Seconds spent in each stage so far.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StageTimes {
    /// HTML extraction, cleaning, ids, sentence splitting and duplicate detection.
    pub prepare: f64,
    /// The encoder's forward pass with every head (entities, tags, relation states).
    pub ner: f64,
    /// Linking and claim building.
    pub claims: f64,
    /// Typed relations from the relation head.
    pub typing: f64,
}

/// The claimex pipeline: cleaning and sentence splitting, one encoder pass per batch for every
/// head (entities, part-of-speech and chunk tags, relation states), in-document entity linking,
/// claim building with calibrated confidence, and relation typing. The model is loaded once;
/// [`Pipeline::process`] takes any number of documents and may be called again and again.
pub struct Pipeline {
    model: NerModel,
    ids: ModelIds,
    calibration: Option<Calibration>,
    config: Config,
    /// How claims are built (the configured method, or the model's choice).
    method: ClaimMethod,
    pool: rayon::ThreadPool,
    threads: usize,
    duplicates: Mutex<DuplicateFilter>,
    stages: Mutex<StageTimes>,
    warnings: Mutex<Vec<String>>,
}

impl Pipeline {
    /// Loads the model `config` names (see [`resolve_model`]) and starts the worker threads.
    pub fn new(config: Config) -> Result<Pipeline> {
        let threads = config
            .threads
            .filter(|&n| n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|source| Error::Threads { threads, source })?;
        tch::set_num_threads(threads as i32);
        let spec = resolve_model(config.model.as_deref())?;
        let model = load_model(
            &spec,
            NerConfig {
                batch_size: config.batch_size,
                int8: config.int8,
                // Open IE tuples come from the tags; claims from trees unless rules are asked
                // for (with no method given, the model's heads decide below).
                parse: config.style == ClaimStyle::Claims
                    && config.method != Some(ClaimMethod::Rules),
                ..NerConfig::default()
            },
        )?;
        let info = model.info();
        let mut warnings = Vec::new();
        if !info.trained {
            warnings.push(format!(
                "model {} is randomly initialised, not trained: its entities and claims are noise",
                info.id
            ));
        }
        let reads_trees = info.parser_id.is_some() && info.syntax_id.is_some();
        let claim_method = match config.method {
            Some(ClaimMethod::Tree) if !reads_trees => {
                return Err(Error::NoParser {
                    dir: info.dir.clone(),
                })
            }
            Some(m) => m,
            None if reads_trees && config.style == ClaimStyle::Claims => ClaimMethod::Tree,
            None => ClaimMethod::Rules,
        };
        let ids = ModelIds {
            ner: info.id.clone(),
            relations: claims_model_id(info, claim_method),
        };
        let method = method_id(info, claim_method);
        let calibration = match Calibration::of_model(&info.dir).map_err(|source| {
            Error::Calibration {
                dir: info.dir.clone(),
                source,
            }
        })? {
            Some(c) if c.method != method => {
                // Only a run that would calibrate loses something (eval openie and fitting do not).
                if config.calibrate {
                    warnings.push(format!(
                    "{} was fitted for {}, not {method}: claim confidences are uncalibrated (refit with `claimex eval claims --fit-calibration`)",
                    claimex_claims::CALIBRATION_FILE,
                    c.method,
                ));
                }
                None
            }
            other => other,
        };
        let calibration = calibration.filter(|_| config.calibrate);
        Ok(Pipeline {
            model,
            ids,
            calibration,
            method: claim_method,
            config,
            pool,
            threads,
            duplicates: Mutex::new(DuplicateFilter::new()),
            stages: Mutex::new(StageTimes::default()),
            warnings: Mutex::new(warnings),
        })
    }

    /// What the loaded model is.
    pub fn model_info(&self) -> &ModelInfo {
        self.model.info()
    }

    /// The model ids stored with every claim.
    pub fn model_ids(&self) -> &ModelIds {
        &self.ids
    }

    /// The model, for callers that need it directly (evaluations of a single head).
    pub fn model(&self) -> &NerModel {
        &self.model
    }

    /// The settings it was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Worker threads in use.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// How this pipeline builds claims: the configured method, or when none was configured,
    /// trees for a model with a parser head and tags for one without.
    pub fn method(&self) -> ClaimMethod {
        self.method
    }

    /// Whether confidences are calibrated.
    pub fn is_calibrated(&self) -> bool {
        self.calibration.is_some()
    }

    /// Time spent per stage since the pipeline was built.
    pub fn stage_times(&self) -> StageTimes {
        *lock(&self.stages)
    }

    /// Warnings gathered since the last call (an untrained model, a calibration fitted for
    /// another method, a chunk the model failed on): for the caller to show.
    pub fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut *lock(&self.warnings))
    }

    /// Texts in, results out: each text is a document with a content-hash id.
    pub fn process_texts<S: AsRef<str>>(&self, texts: &[S]) -> Vec<DocumentResult> {
        let raws = texts
            .iter()
            .enumerate()
            .map(|(k, text)| {
                let source = SourceRef::new("<text>", Some(k as u64 + 1));
                RawDocument::new(source, text.as_ref().to_string())
            })
            .collect();
        self.process(raws)
    }

    /// Documents in, one result per document out, in input order.
    pub fn process(&self, docs: Vec<RawDocument>) -> Vec<DocumentResult> {
        self.process_items(docs.into_iter().map(Ok).collect())
    }

    /// [`Pipeline::process`] over what a [`claimex_ingest::DocumentReader`] yields: documents,
    /// and records of inputs that could not be read (passed through as results). Documents go
    /// through the model [`Config::chunk_docs`] at a time.
    pub fn process_items(&self, items: Vec<ReadItem>) -> Vec<DocumentResult> {
        let size = self.config.chunk_docs.max(1);
        let mut results = Vec::with_capacity(items.len());
        let mut items = items.into_iter().map(with_key).peekable();
        while items.peek().is_some() {
            let chunk: Vec<ReadItem> = items.by_ref().take(size).collect();
            results.extend(self.process_chunk(chunk));
        }
        results
    }

    /// Counts `raw` as seen for duplicate detection without processing it (a document an earlier
    /// run committed: a later copy of it is still a duplicate).
    pub fn mark_seen(&self, raw: &RawDocument) {
        if let Ok(doc) = claimex_ingest::clean_document(raw.clone()) {
            lock(&self.duplicates).check(&mut { doc });
        }
    }

    /// The stages over one chunk. The model runs on the calling thread (libtorch tensors are not
    /// shared between threads; libtorch parallelises inside its operations); cleaning, splitting
    /// and claim building run on the pipeline's pool.
    fn process_chunk(&self, items: Vec<ReadItem>) -> Vec<DocumentResult> {
        let mut clock = Instant::now();
        let mut times = StageTimes::default();
        let mut lap = |stage: &mut f64| {
            *stage += clock.elapsed().as_secs_f64();
            clock = Instant::now();
        };
        // Cleaning and splitting run in parallel; duplicate detection then needs input order.
        let prepared = self.pool.install(|| prepare_all(items));
        let items: Vec<std::result::Result<PreparedDocument, DocumentRecord>> = {
            let mut seen = lock(&self.duplicates);
            let skip = self.config.skip_duplicates;
            prepared
                .into_iter()
                .map(|item| {
                    item.and_then(|mut p| {
                        if !skip {
                            seen.note_id(&mut p.doc);
                            return Ok(p);
                        }
                        match seen.check(&mut p.doc) {
                            Some(record) => Err(record),
                            None => Ok(p),
                        }
                    })
                })
                .collect()
        };
        lap(&mut times.prepare);

        let analysed = self.analyze(items);
        lap(&mut times.ner);

        // The model stays on this thread (libtorch tensors are not shared); the claim settings go
        // to the workers.
        let settings = ClaimSettings {
            ids: &self.ids,
            calibration: self.calibration.as_ref(),
            style: self.config.style,
            method: self.method,
        };
        let mut results: Vec<(DocumentResult, Vec<Option<PieceStates>>)> =
            self.pool.install(|| {
                analysed
                    .into_par_iter()
                    .map(|item| match item {
                        Ok((prepared, analyses)) => settings.build(prepared, analyses),
                        Err(record) => (DocumentResult::not_processed(record), vec![]),
                    })
                    .collect()
            });
        lap(&mut times.claims);

        if let Some(head) = self.model.relation_head() {
            let notes = crate::typing::type_documents(head, &mut results);
            lock(&self.warnings).extend(notes);
        }
        lap(&mut times.typing);

        let mut total = lock(&self.stages);
        total.prepare += times.prepare;
        total.ner += times.ner;
        total.claims += times.claims;
        total.typing += times.typing;
        results.into_iter().map(|(result, _)| result).collect()
    }

    /// Entities, tags and relation states for the documents of a chunk. One model call covers
    /// the whole chunk, so batches are full and sorted by length across documents. If the model
    /// fails on the chunk, each document is analysed alone, and a document it still fails on is
    /// skipped with the model's error as the reason: one bad document does not stop the run or
    /// take its neighbours with it.
    fn analyze(
        &self,
        items: Vec<std::result::Result<PreparedDocument, DocumentRecord>>,
    ) -> Vec<std::result::Result<(PreparedDocument, Vec<SentenceAnalysis>), DocumentRecord>> {
        let all_sentences: Vec<Sentence> = items
            .iter()
            .flat_map(|item| match item {
                Ok(p) => p.sentences.clone(),
                Err(_) => vec![],
            })
            .collect();
        match self.model.analyze(&all_sentences) {
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
                lock(&self.warnings).push(format!(
                    "the model failed on a chunk of {documents} documents ({chunk_error}); analysing them one by one"
                ));
                items
                    .into_iter()
                    .map(|item| {
                        let p = item?;
                        match self.model.analyze(&p.sentences) {
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
}

/// What claim building needs, apart from the model.
struct ClaimSettings<'a> {
    ids: &'a ModelIds,
    calibration: Option<&'a Calibration>,
    style: ClaimStyle,
    method: ClaimMethod,
}

impl ClaimSettings<'_> {
    /// Links a document's entities and builds its claims (or Open IE extractions). The encoder
    /// states of its sentences are handed back for relation typing.
    fn build(
        &self,
        prepared: PreparedDocument,
        analyses: Vec<SentenceAnalysis>,
    ) -> (DocumentResult, Vec<Option<PieceStates>>) {
        let PreparedDocument { doc, sentences } = prepared;
        let mut entities = Vec::with_capacity(analyses.len());
        let mut tokens = Vec::with_capacity(analyses.len());
        let mut pieces = Vec::with_capacity(analyses.len());
        for a in analyses {
            entities.push(a.entities);
            tokens.push(a.tokens);
            pieces.push(a.pieces);
        }
        link_entities(&doc.id, entities.iter_mut().flatten());
        let inputs = SentenceInput::zip(&sentences, &entities, &tokens);
        let (claims, open) = match self.style {
            ClaimStyle::Claims => {
                let mut claims = claimex_claims::claims_of_document(
                    &doc.id,
                    &inputs,
                    self.ids,
                    self.calibration,
                    self.method,
                );
                // Every claim says where and when its document appeared.
                for claim in &mut claims {
                    claim.document = doc.meta.clone();
                }
                (claims, vec![])
            }
            ClaimStyle::OpenIe => (
                vec![],
                inputs
                    .iter()
                    .map(|input| claimex_claims::open_extractions(input, self.ids))
                    .collect(),
            ),
        };
        let mentions: Vec<EntitySpan> = entities.into_iter().flatten().collect();
        let record = DocumentRecord::processed(&doc, sentences.len(), mentions.len(), claims.len());
        let result = DocumentResult {
            record,
            document: Some(doc),
            sentences,
            entities: mentions,
            tokens,
            claims,
            open,
        };
        (result, pieces)
    }
}

/// The claim-building method's id for a model (the method and the heads it reads): what a
/// calibration is fitted for.
pub fn method_id(info: &ModelInfo, method: ClaimMethod) -> String {
    claimex_claims::method_id(method, info.syntax_id.as_deref(), info.parser_id.as_deref())
}

/// The relations model id of the claims a model makes (method, syntax head, parser head when
/// trees are read, relation head).
pub fn claims_model_id(info: &ModelInfo, method: ClaimMethod) -> String {
    claimex_claims::claims_model_id(&method_id(info, method), info.relations_id.as_deref())
}

/// A lock that a panicking holder did not leave unusable (the guarded values stay consistent:
/// each update is a single assignment or push).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `item` with its document key set: readers set it from the file; a document given in memory
/// without one is known by its path, line, id and text.
fn with_key(mut item: ReadItem) -> ReadItem {
    match &mut item {
        Ok(raw) if raw.source.key.is_empty() => {
            let content = format!("{}\u{1f}{}", raw.id.as_deref().unwrap_or(""), raw.text);
            raw.source.key = document_key(&raw.source.path, raw.source.line, content.as_bytes());
        }
        Err(record) if record.source.key.is_empty() => {
            let content = record.doc_id.as_deref().unwrap_or("");
            record.source.key =
                document_key(&record.source.path, record.source.line, content.as_bytes());
        }
        _ => {}
    }
    item
}
