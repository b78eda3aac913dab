//! Core types shared by every claimex stage: documents, sentences, entity spans, claims, the offset
//! convention and the id scheme. Stages talk to each other only through these types.
//!
//! **Offsets** everywhere in claimex count Unicode scalar values (Rust `char`s, Python `str`
//! indices) into the document text as stored in the output, `end` exclusive. [`TextIndex`] is the one
//! place that converts between them and Rust's byte offsets.

mod claim;
mod document;
pub mod durable;
mod error;
mod ids;
mod linking;
mod offsets;
mod tokens;

pub use claim::{
    Argument, Attribution, Claim, EntitySpan, Evidence, Modality, ModelIds, Predicate, Sentence,
};
pub use document::{DocStatus, Document, DocumentMeta, DocumentRecord, SourceRef};
pub use error::{Error, Result};
pub use ids::{claim_id, content_doc_id, document_key, entity_id};
pub use linking::{link_entities, EntityLinker, LinkedEntity};
pub use offsets::{Span, TextIndex};
pub use tokens::{tokenize, TaggedToken};
