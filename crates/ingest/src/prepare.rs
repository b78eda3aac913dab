use claimex_core::{
    content_doc_id, Document, DocumentMeta, DocumentRecord, Sentence, SourceRef, TextIndex,
};
use rayon::prelude::*;

use crate::html::{html_to_text, MAX_HTML_DEPTH};
use crate::sentences::{cap_sentence_spans, MAX_SENTENCE_CHARS};
use crate::{clean_text, split_sentences};

/// How a raw document's text is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawFormat {
    /// Plain text or Markdown.
    Text,
    /// An HTML page.
    Html,
}

/// A document as read, before cleaning: what [`crate::DocumentReader`] yields. Turning it into a
/// [`Document`] ([`prepare`]) is CPU work that runs in parallel.
#[derive(Debug, Clone, PartialEq)]
pub struct RawDocument {
    /// Id given by the input, if any.
    pub id: Option<String>,
    /// Text as read (UTF-8, possibly repaired).
    pub text: String,
    /// Encoding of `text`.
    pub format: RawFormat,
    /// Headline given by the input, if any.
    pub title: Option<String>,
    /// Where it was read from.
    pub source: SourceRef,
    /// Article URL, if given.
    pub url: Option<String>,
    /// Publication time as given.
    pub published_at: Option<String>,
    /// Publisher, if given.
    pub publisher: Option<String>,
    /// Author, if given.
    pub author: Option<String>,
    /// Language tag, if given.
    pub language: Option<String>,
    /// Repairs made while reading.
    pub warnings: Vec<String>,
}

impl RawDocument {
    /// A plain-text raw document with only a source and a text.
    pub fn new(source: SourceRef, text: String) -> Self {
        RawDocument {
            id: None,
            text,
            format: RawFormat::Text,
            title: None,
            source,
            url: None,
            published_at: None,
            publisher: None,
            author: None,
            language: None,
            warnings: vec![],
        }
    }
}

/// A cleaned document and its sentences, ready for the models.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedDocument {
    /// The document; its `text` is what every offset points into.
    pub doc: Document,
    /// Its sentences, in order, with character offsets into `doc.text`.
    pub sentences: Vec<Sentence>,
}

/// Extracts (HTML), cleans, identifies and splits one document. A document with no text left is
/// returned as a skipped record.
pub fn prepare(raw: RawDocument) -> Result<PreparedDocument, DocumentRecord> {
    let mut doc = clean_document(raw)?;
    let (sentences, cut) = sentences_and_cuts(&doc);
    if cut > 0 {
        doc.warnings.push(format!(
            "{cut} sentence(s) longer than {MAX_SENTENCE_CHARS} characters cut at spaces into shorter pieces"
        ));
    }
    Ok(PreparedDocument { doc, sentences })
}

/// [`prepare`] without the sentence split: the document with its text extracted (HTML), cleaned
/// and its id, or the record of a document with no text left.
pub fn clean_document(raw: RawDocument) -> Result<Document, DocumentRecord> {
    let mut warnings = raw.warnings;
    // The input's own fields first; an HTML page's metadata fills what they leave open.
    let mut meta = DocumentMeta {
        title: raw.title,
        url: raw.url,
        published_at: None,
        published_raw: raw.published_at,
        publisher: raw.publisher,
        author: raw.author,
        language: raw.language,
    };
    let extracted = match raw.format {
        RawFormat::Text => None,
        RawFormat::Html => {
            let html = html_to_text(&raw.text);
            if html.dropped_tags > 0 {
                warnings.push(format!(
                    "HTML nested deeper than {MAX_HTML_DEPTH} elements: {} deeper tags ignored, their text kept",
                    html.dropped_tags
                ));
            }
            let page = DocumentMeta {
                title: html.meta.title.or(html.headline),
                ..html.meta
            };
            meta = meta.or(page);
            Some(html.text)
        }
    };
    if let Some(raw_time) = &meta.published_raw {
        meta.published_at = crate::meta::normalize_published(raw_time);
        if meta.published_at.is_none() {
            warnings.push(format!(
                "publication time {raw_time:?} is not a date claimex reads; kept as given (published_raw)"
            ));
        }
    }
    let text = clean_text(extracted.as_deref().unwrap_or(&raw.text));
    if text.is_empty() {
        let reason = if raw.text.trim().is_empty() {
            "empty document"
        } else {
            "no text left after cleaning"
        };
        return Err(DocumentRecord::skipped(raw.id, raw.source, reason));
    }
    Ok(Document {
        id: raw.id.unwrap_or_else(|| content_doc_id(&text)),
        meta,
        source: raw.source,
        warnings,
        text,
    })
}

/// [`prepare`] over many documents in parallel (rayon's current pool), keeping input order.
/// Records of documents that could not be read pass through unchanged.
pub fn prepare_all(
    items: Vec<Result<RawDocument, DocumentRecord>>,
) -> Vec<Result<PreparedDocument, DocumentRecord>> {
    items
        .into_par_iter()
        .map(|item| item.and_then(prepare))
        .collect()
}

/// Splits a cleaned document into sentences whose offsets slice back into `doc.text`; a sentence
/// longer than [`MAX_SENTENCE_CHARS`] is cut at spaces ([`cap_sentence_spans`]).
pub fn sentences_of(doc: &Document) -> Vec<Sentence> {
    sentences_and_cuts(doc).0
}

/// [`sentences_of`], and how many over-long sentences were cut.
fn sentences_and_cuts(doc: &Document) -> (Vec<Sentence>, usize) {
    let index = TextIndex::new(&doc.text);
    let (spans, cut) =
        cap_sentence_spans(&doc.text, split_sentences(&doc.text), MAX_SENTENCE_CHARS);
    let sentences = spans
        .into_iter()
        .filter_map(|span| {
            let text = index.slice(&doc.text, span).ok()?.to_string();
            Some(Sentence {
                start: span.start,
                end: span.end,
                text,
            })
        })
        .collect();
    (sentences, cut)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn source() -> SourceRef {
        SourceRef::new("t", None)
    }

    #[test]
    fn html_document_gets_text_and_title() {
        let raw = RawDocument {
            format: RawFormat::Html,
            ..RawDocument::new(
                source(),
                "<title>Hi</title><p>Acme won. Beta lost.</p>".into(),
            )
        };
        let p = prepare(raw).unwrap();
        assert_eq!(p.doc.text, "Acme won. Beta lost.");
        assert_eq!(p.doc.meta.title.as_deref(), Some("Hi"));
        assert_eq!(p.sentences.len(), 2);
    }

    #[test]
    fn page_with_only_chrome_is_recorded_as_empty_after_cleaning() {
        let raw = RawDocument {
            format: RawFormat::Html,
            ..RawDocument::new(source(), "<nav>Home</nav><script>x()</script>".into())
        };
        let record = prepare(raw).unwrap_err();
        assert_eq!(
            record.reason.as_deref(),
            Some("no text left after cleaning")
        );
    }

    #[test]
    fn an_over_long_sentence_is_cut_and_the_cut_is_recorded() {
        let text = format!("{} end.", "word ".repeat(MAX_SENTENCE_CHARS));
        let p = prepare(RawDocument::new(source(), text)).unwrap();
        assert!(p.sentences.len() >= 3, "{}", p.sentences.len());
        assert!(p
            .sentences
            .iter()
            .all(|s| s.end - s.start <= MAX_SENTENCE_CHARS));
        let record = DocumentRecord::processed(&p.doc, p.sentences.len(), 0, 0);
        assert!(
            record
                .reason
                .as_deref()
                .unwrap()
                .contains("1 sentence(s) longer than"),
            "{record:?}"
        );
    }

    #[test]
    fn parallel_preparation_keeps_input_order() {
        let items: Vec<_> = (0..50)
            .map(|i| Ok(RawDocument::new(source(), format!("Document number {i}."))))
            .collect();
        let out = prepare_all(items);
        for (i, p) in out.iter().enumerate() {
            assert_eq!(
                p.as_ref().unwrap().doc.text,
                format!("Document number {i}.")
            );
        }
    }

    proptest! {
        /// Random documents: every sentence slices back, sentences are in order and do not
        /// overlap, and together they cover every non-whitespace character cleaning kept.
        #[test]
        fn sentences_slice_back_and_cover_the_cleaned_text(
            raw in "[A-Za-z0-9 .,!?\"'’”“()\n\t\r…$%-]{0,200}|\\PC{0,120}"
        ) {
            if let Ok(p) = prepare(RawDocument::new(source(), raw)) {
                let index = TextIndex::new(&p.doc.text);
                let mut covered = vec![false; index.char_len()];
                let mut last_end = 0;
                for s in &p.sentences {
                    prop_assert!(s.start >= last_end && s.start < s.end);
                    last_end = s.end;
                    prop_assert_eq!(index.slice(&p.doc.text, s.span()).unwrap(), s.text.as_str());
                    covered[s.start..s.end].fill(true);
                }
                for (c, ch) in p.doc.text.chars().enumerate() {
                    prop_assert!(ch.is_whitespace() || covered[c], "{:?} at {} not in any sentence", ch, c);
                }
            }
        }
    }
}
