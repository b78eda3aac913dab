use std::collections::HashMap;

use claimex_core::{content_doc_id, DocStatus, Document, DocumentRecord};

/// Detects exact duplicates (same text once whitespace is folded) among the documents of a run.
/// Keeps one 48-byte hash per distinct document, not the texts.
#[derive(Debug, Default)]
pub struct DuplicateFilter {
    seen: HashMap<String, String>,
}

impl DuplicateFilter {
    /// An empty filter.
    pub fn new() -> Self {
        Self::default()
    }

    /// `None` the first time a text is seen; afterwards the ledger record of a duplicate that names
    /// the document it repeats.
    pub fn check(&mut self, doc: &Document) -> Option<DocumentRecord> {
        let key = content_doc_id(&doc.text);
        match self.seen.get(&key) {
            Some(first) => Some(DocumentRecord {
                doc_id: Some(doc.id.clone()),
                source: doc.source.clone(),
                status: DocStatus::Duplicate,
                reason: Some(format!("same text as document {first}")),
                sentences: 0,
                entities: 0,
                claims: 0,
            }),
            None => {
                self.seen.insert(key, doc.id.clone());
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use claimex_core::SourceRef;

    fn doc(id: &str, text: &str) -> Document {
        Document {
            id: id.into(),
            text: text.into(),
            title: None,
            source: SourceRef {
                path: "t.jsonl".into(),
                line: None,
            },
            url: None,
            published_at: None,
            publisher: None,
            warnings: vec![],
        }
    }

    #[test]
    fn second_copy_is_a_duplicate_of_the_first() {
        let mut filter = DuplicateFilter::new();
        assert!(filter.check(&doc("a", "Same text here.")).is_none());
        let record = filter.check(&doc("b", "Same  text\nhere.")).unwrap();
        assert_eq!(record.status, DocStatus::Duplicate);
        assert!(record.reason.unwrap().contains("document a"));
    }

    #[test]
    fn different_texts_are_not_duplicates() {
        let mut filter = DuplicateFilter::new();
        assert!(filter.check(&doc("a", "One.")).is_none());
        assert!(filter.check(&doc("b", "Two.")).is_none());
    }
}
