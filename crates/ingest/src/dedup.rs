use std::collections::HashMap;

use claimex_core::{content_doc_id, DocStatus, Document, DocumentRecord};

/// Detects exact duplicates (same text once whitespace is folded) among the documents of a run,
/// and ids that name two different texts. Keeps a hash per distinct text and one per id, not the
/// texts.
#[derive(Debug, Default)]
pub struct DuplicateFilter {
    seen: HashMap<String, String>,
    /// Each id's first text (hash) and source.
    ids: HashMap<String, (String, String)>,
}

impl DuplicateFilter {
    /// An empty filter.
    pub fn new() -> Self {
        Self::default()
    }

    /// `None` the first time a text is seen; afterwards the ledger record of a duplicate that names
    /// the document it repeats. Notes a repeated id too ([`DuplicateFilter::note_id`]).
    pub fn check(&mut self, doc: &mut Document) -> Option<DocumentRecord> {
        let key = content_doc_id(&doc.text);
        self.note_id_of(doc, &key);
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

    /// When an earlier document of the run had `doc`'s id and another text, adds a warning to
    /// `doc` (it goes to the ledger's `reason`). Both documents are kept: their keys
    /// ([`claimex_core::SourceRef::key`]) tell them apart in every output.
    pub fn note_id(&mut self, doc: &mut Document) {
        let key = content_doc_id(&doc.text);
        self.note_id_of(doc, &key);
    }

    fn note_id_of(&mut self, doc: &mut Document, text_key: &str) {
        match self.ids.get(&doc.id) {
            Some((first_text, first_source)) if first_text != text_key => {
                doc.warnings.push(format!(
                    "id {} also names a different text ({first_source}); both documents are kept, told apart by their keys",
                    doc.id
                ));
            }
            Some(_) => {}
            None => {
                self.ids.insert(
                    doc.id.clone(),
                    (text_key.to_string(), doc.source.to_string()),
                );
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
            meta: Default::default(),
            source: SourceRef::new("t.jsonl", None),
            warnings: vec![],
        }
    }

    #[test]
    fn second_copy_is_a_duplicate_of_the_first() {
        let mut filter = DuplicateFilter::new();
        assert!(filter.check(&mut doc("a", "Same text here.")).is_none());
        let record = filter.check(&mut doc("b", "Same  text\nhere.")).unwrap();
        assert_eq!(record.status, DocStatus::Duplicate);
        assert!(record.reason.unwrap().contains("document a"));
    }

    #[test]
    fn different_texts_are_not_duplicates() {
        let mut filter = DuplicateFilter::new();
        assert!(filter.check(&mut doc("a", "One.")).is_none());
        assert!(filter.check(&mut doc("b", "Two.")).is_none());
    }

    #[test]
    fn an_id_that_names_two_texts_is_noted_and_both_are_kept() {
        let mut filter = DuplicateFilter::new();
        let mut first = doc("a", "One.");
        first.source.line = Some(1);
        assert!(filter.check(&mut first).is_none());
        let mut second = doc("a", "Two.");
        assert!(filter.check(&mut second).is_none());
        assert_eq!(
            second.warnings,
            ["id a also names a different text (t.jsonl:1); both documents are kept, told apart by their keys"]
        );
        // The same id with the same text is a plain duplicate, not a second text.
        let mut third = doc("a", "One.");
        assert!(filter.check(&mut third).is_some());
        assert!(third.warnings.is_empty());
        // Without duplicate filtering the id is still noted.
        let mut fourth = doc("a", "Three.");
        filter.note_id(&mut fourth);
        assert_eq!(fourth.warnings.len(), 1);
    }
}
