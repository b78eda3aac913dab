//! Ingestion: turn files, folders, JSONL dumps (optionally gzip-compressed) and standard input into
//! cleaned [`claimex_core::Document`]s and their [`claimex_core::Sentence`]s with exact character
//! offsets.
//!
//! Reading ([`DocumentReader`]) streams one raw document at a time, so memory does not grow with
//! the corpus; preparing ([`prepare`], [`prepare_all`]: HTML extraction, cleaning, ids, sentence
//! splitting) is CPU work that runs in parallel. Anything that cannot become a document comes out
//! as a [`claimex_core::DocumentRecord`] saying where it was and why.

mod chrome;
mod clean;
mod dedup;
mod error;
mod html;
mod meta;
mod prepare;
mod readers;
mod sentences;

pub use clean::clean_text;
pub use dedup::DuplicateFilter;
pub use error::{Error, Result};
pub use html::{
    cap_nesting, html_to_text, Extractor, HtmlText, MAX_HTML_DEPTH, MAX_READABILITY_ELEMENTS,
};
pub use meta::{html_meta, normalize_published};
pub use prepare::{
    clean_document, prepare, prepare_all, sentences_of, PreparedDocument, RawDocument, RawFormat,
};
pub use readers::{
    expand_inputs, parse_json_record, DocumentReader, InputFile, ReadItem, ReaderConfig,
};
pub use sentences::{cap_sentence_spans, split_sentences, MAX_SENTENCE_CHARS};
