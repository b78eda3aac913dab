use claimex_claims::OpenExtraction;
use claimex_core::{Claim, Document, DocumentRecord, EntitySpan, Sentence, TaggedToken};
use claimex_export::DocumentOutput;

/// Everything the pipeline found in one input document, and its ledger record.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentResult {
    /// What became of the document: processed (with counts), skipped (with the reason) or a
    /// duplicate (naming the document it repeats).
    pub record: DocumentRecord,
    /// The cleaned document, whose text every offset points into; `None` when it was skipped or
    /// a duplicate.
    pub document: Option<Document>,
    /// Its sentences.
    pub sentences: Vec<Sentence>,
    /// Its entity mentions, linked within the document.
    pub entities: Vec<EntitySpan>,
    /// Each sentence's tagged tokens: part of speech and chunk, and each token's head and
    /// dependency relation when claims are read from trees ([`crate::ClaimMethod::Tree`]).
    pub tokens: Vec<Vec<TaggedToken>>,
    /// Its claims ([`crate::ClaimStyle::Claims`]).
    pub claims: Vec<Claim>,
    /// Its Open IE extractions, sentence by sentence ([`crate::ClaimStyle::OpenIe`]).
    pub open: Vec<Vec<OpenExtraction>>,
}

impl DocumentResult {
    pub(crate) fn not_processed(record: DocumentRecord) -> Self {
        DocumentResult {
            record,
            document: None,
            sentences: vec![],
            entities: vec![],
            tokens: vec![],
            claims: vec![],
            open: vec![],
        }
    }

    /// What a claim sink writes of it.
    pub fn output(&self) -> DocumentOutput<'_> {
        DocumentOutput {
            record: &self.record,
            entities: &self.entities,
            claims: &self.claims,
            meta: self.document.as_ref().map(|d| &d.meta),
            text: self.document.as_ref().map(|d| d.text.as_str()),
            models: None,
        }
    }
}
