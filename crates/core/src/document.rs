use serde::{Deserialize, Serialize};

/// Where a document came from: a file, and for JSONL the 1-based line within it, plus the
/// document's identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    /// Path of the input file as given on the command line (or `-` for standard input).
    pub path: String,
    /// 1-based line number for line-oriented inputs (JSONL); `None` for whole-file documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The document's identity ([`crate::document_key`]): its file's canonical path, its line
    /// and a hash of its content. Resuming, the database tables and exports know a document by
    /// it, so two documents that share an id are still two documents. Empty until a reader (or
    /// the pipeline, for documents given in memory) sets it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key: String,
}

impl SourceRef {
    /// A source without its key yet.
    pub fn new(path: impl Into<String>, line: Option<u64>) -> SourceRef {
        SourceRef {
            path: path.into(),
            line,
            key: String::new(),
        }
    }
}

impl std::fmt::Display for SourceRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}", self.path, line),
            None => f.write_str(&self.path),
        }
    }
}

/// Where and when an article appeared, as far as its input says (JSONL fields, or an HTML page's
/// meta tags): kept on the document, in the databases' documents table, and on every claim.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentMeta {
    /// Headline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Article URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Publication time read as a date: `YYYY-MM-DDTHH:MM:SSZ` (UTC) when the input gave a time,
    /// `YYYY-MM-DD` when it gave a day; `None` when the input's value is not a date claimex reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<String>,
    /// The publication time exactly as the input gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_raw: Option<String>,
    /// Publisher or outlet (the JSONL `source` field, a page's site name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// Author or authors, as one text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Language tag (`en`, `en-GB`), where the input says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

impl DocumentMeta {
    /// True when the input said nothing of where or when.
    pub fn is_empty(&self) -> bool {
        *self == DocumentMeta::default()
    }

    /// These fields, each one this lacks taken from `other`.
    pub fn or(self, other: DocumentMeta) -> DocumentMeta {
        DocumentMeta {
            title: self.title.or(other.title),
            url: self.url.or(other.url),
            published_at: self.published_at.or(other.published_at),
            published_raw: self.published_raw.or(other.published_raw),
            publisher: self.publisher.or(other.publisher),
            author: self.author.or(other.author),
            language: self.language.or(other.language),
        }
    }
}

/// One article after reading and cleaning. All offsets claimex emits point into `text`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// The id given in the input, or a content hash (see [`crate::content_doc_id`]).
    pub id: String,
    /// The cleaned text; every span refers to it.
    pub text: String,
    /// Headline, URL, publication time, publisher, author, language.
    #[serde(flatten)]
    pub meta: DocumentMeta,
    /// Where it was read from.
    pub source: SourceRef,
    /// Non-fatal problems met while reading it (for example invalid UTF-8 replaced).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// What happened to one input document in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocStatus {
    /// Went through every stage; its claims are in the output.
    Processed,
    /// Not processed; `reason` says why.
    Skipped,
    /// Same normalised text as an earlier document; `reason` names it.
    Duplicate,
    /// Already in the output from an earlier, interrupted run (`--resume`): not processed again.
    Resumed,
}

impl DocStatus {
    /// The lower-case name used in every output.
    pub fn as_str(&self) -> &'static str {
        match self {
            DocStatus::Processed => "processed",
            DocStatus::Skipped => "skipped",
            DocStatus::Duplicate => "duplicate",
            DocStatus::Resumed => "resumed",
        }
    }

    /// Parses [`DocStatus::as_str`]'s names.
    pub fn parse(name: &str) -> Option<DocStatus> {
        [
            DocStatus::Processed,
            DocStatus::Skipped,
            DocStatus::Duplicate,
            DocStatus::Resumed,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }
}

/// The ledger line for one input document: every document read appears exactly once, so that
/// nothing is lost silently.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentRecord {
    /// Document id; `None` when the input was too broken to have one.
    pub doc_id: Option<String>,
    /// Where it was read from.
    pub source: SourceRef,
    /// Outcome.
    pub status: DocStatus,
    /// Why it was skipped, or what was repaired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Number of sentences found.
    pub sentences: usize,
    /// Number of entity mentions found.
    pub entities: usize,
    /// Number of claims emitted.
    pub claims: usize,
}

impl DocumentRecord {
    /// The record of a document that went through the pipeline; repairs made while reading
    /// (`doc.warnings`) become its `reason`.
    pub fn processed(doc: &Document, sentences: usize, entities: usize, claims: usize) -> Self {
        DocumentRecord {
            doc_id: Some(doc.id.clone()),
            source: doc.source.clone(),
            status: DocStatus::Processed,
            reason: (!doc.warnings.is_empty()).then(|| doc.warnings.join("; ")),
            sentences,
            entities,
            claims,
        }
    }

    /// A record for a document that was not processed.
    pub fn skipped(doc_id: Option<String>, source: SourceRef, reason: impl Into<String>) -> Self {
        DocumentRecord {
            doc_id,
            source,
            status: DocStatus::Skipped,
            reason: Some(reason.into()),
            sentences: 0,
            entities: 0,
            claims: 0,
        }
    }
}
