//! claimex turns news articles into structured, sourced, confidence-scored claims.
//!
//! [`Pipeline`] is the whole of it, built from a [`Config`]: cleaning and sentence splitting with
//! exact character offsets, one encoder pass per batch that feeds every head of the model
//! (entities, part-of-speech and chunk tags, relation states), in-document entity linking, claim
//! building with calibrated confidence, and typed relations. `claimex run`, `claimex eval claims`
//! and `claimex eval openie` all go through it, so what the evaluations score is what a run
//! ships.
//!
//! ```
//! # std::env::set_var("CLAIMEX_MODEL", concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/default"));
//! use claimex::{Config, Pipeline};
//!
//! // The default model: `Config::model`, else $CLAIMEX_MODEL, else models/default.
//! let pipeline = Pipeline::new(Config::default())?;
//! let text = "Kazakhstan is in the final stages of joining the Abraham Accords, \
//!             which aim to normalize relations between Israel and Muslim-majority countries.";
//! let results = pipeline.process_texts(&[text]);
//!
//! let claim = &results[0].claims[0];
//! assert_eq!(claim.subject.text, "Kazakhstan");
//! assert_eq!(claim.subject.label.as_deref(), Some("LOC"));
//! assert_eq!(claim.predicate.lemma, "join");
//! let object = claim.object.as_ref().expect("an object");
//! assert_eq!(object.text, "Abraham Accords");
//! assert_eq!(claim.modality.as_str(), "future");
//! // Offsets count characters into the stored document text.
//! let stored = &results[0].document.as_ref().expect("processed").text;
//! let span: String = stored.chars().skip(object.start).take(object.end - object.start).collect();
//! assert_eq!(span, "Abraham Accords");
//! println!("{} | {} | {} ({:.2})", claim.subject.text, claim.predicate.lemma, object.text, claim.confidence);
//! # Ok::<(), claimex::Error>(())
//! ```
//!
//! For corpora, [`Pipeline::run`] streams a [`claimex_ingest::DocumentReader`] into
//! [`claimex_export::ClaimSink`]s (JSONL, CSV, Parquet, SQLite, PostgreSQL) with a [`Ledger`]
//! that accounts for every input document, resumably.

mod config;
mod error;
mod ledger;
mod pipeline;
mod result;
mod run;
mod typing;

pub use claimex_claims::ClaimMethod;
pub use config::{
    installed_model_dir, load_model, resolve_model, ClaimStyle, Config, DEFAULT_MODEL_DIR,
    MODEL_ENV,
};
pub use error::{Error, Result};
pub use ledger::{default_ledger_path, Ledger, Tally};
pub use pipeline::{claims_model_id, method_id, Pipeline, StageTimes};
pub use result::DocumentResult;
pub use run::{refuse_outputs_among_inputs, RunSettings, RunSummary, Shard};

pub use claimex_claims::OpenExtraction;
pub use claimex_core::{
    Argument, Attribution, Claim, DocStatus, Document, DocumentRecord, EntitySpan, Modality,
    ModelIds, Predicate, Sentence, SourceRef,
};
