//! Ingestion: turn files, folders, JSONL dumps (optionally gzip-compressed) and standard input into
//! cleaned [`Document`]s and their [`Sentence`]s with exact character offsets.
//!
//! Reading streams one document at a time, so memory does not grow with the corpus. Anything that
//! cannot become a document is returned as a [`DocumentRecord`] saying where it was and why.

mod clean;
mod dedup;
mod error;
mod readers;
mod sentences;

pub use clean::clean_text;
pub use dedup::DuplicateFilter;
pub use error::{Error, Result};
pub use readers::{expand_inputs, DocumentReader, InputFile, ReaderConfig};
pub use sentences::split_sentences;

use claimex_core::{Document, DocumentRecord, Sentence, TextIndex};

/// Splits a cleaned document into sentences whose offsets slice back into `doc.text`.
pub fn sentences_of(doc: &Document) -> Vec<Sentence> {
    let index = TextIndex::new(&doc.text);
    split_sentences(&doc.text)
        .into_iter()
        .map(|span| Sentence {
            start: span.start,
            end: span.end,
            text: index
                .slice(&doc.text, span)
                .expect("splitter returns spans inside the text")
                .to_string(),
        })
        .collect()
}

/// One item read from the inputs: a document ready for the pipeline, or the record of one that
/// could not be read.
pub type ReadItem = std::result::Result<Document, DocumentRecord>;
