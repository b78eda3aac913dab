use sha2::{Digest, Sha256};

use crate::Span;

/// Hex of the first 16 bytes of SHA-256 over `parts`, each followed by a 0x1f separator so that
/// ("ab","c") and ("a","bc") hash differently.
fn short_hash<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0x1f]);
    }
    hasher.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Id for a document that came without one: `sha256:` and a hash of its text with runs of
/// whitespace folded, so re-reading the same text gives the same id.
pub fn content_doc_id(text: &str) -> String {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("sha256:{}", short_hash([folded.as_str()]))
}

/// A document's identity: `doc:` and a hash of its source (the input file's canonical path, or
/// `-` for standard input), its line (for JSONL; none for a whole file) and its content as read
/// (the JSONL line's or the file's bytes). The same file read through another spelling of its
/// path gives the same key; a changed line, or a line that moved, gives a new one.
pub fn document_key(source: &str, line: Option<u64>, content: &[u8]) -> String {
    let content: String = Sha256::digest(content)[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let line = line.map(|l| l.to_string()).unwrap_or_default();
    format!(
        "doc:{}",
        short_hash([source, line.as_str(), content.as_str()])
    )
}

/// Deterministic claim id: a hash of the document id, the sentence, subject, predicate and object
/// spans, and the lower-cased (subject, predicate lemma, object) triple. Re-running the same input
/// with the same models gives the same ids; any change of span or triple gives a new one.
pub fn claim_id(
    doc_id: &str,
    sentence: Span,
    subject: (Span, &str),
    predicate: (Span, &str),
    object: Option<(Span, &str)>,
) -> String {
    let span = |s: Span| format!("{}..{}", s.start, s.end);
    let object_span = object.map(|(s, _)| span(s)).unwrap_or_default();
    let triple = format!(
        "{}|{}|{}",
        subject.1.to_lowercase(),
        predicate.1.to_lowercase(),
        object.map(|(_, t)| t.to_lowercase()).unwrap_or_default()
    );
    short_hash([
        doc_id,
        &span(sentence),
        &span(subject.0),
        &span(predicate.0),
        &object_span,
        &triple,
    ])
}

/// Deterministic entity id within a document: `ent:` and a hash of the document id, the type
/// and the normalised name of the entity's first mention.
pub fn entity_id(doc_id: &str, label: &str, name: &str) -> String {
    format!("ent:{}", &short_hash([doc_id, "entity", label, name])[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id_with_object(object: &str) -> String {
        claim_id(
            "doc-1",
            Span::new(0, 62),
            (Span::new(0, 10), "Kazakhstan"),
            (Span::new(11, 43), "join"),
            Some((Span::new(44, 62), object)),
        )
    }

    #[test]
    fn claim_id_is_deterministic() {
        assert_eq!(
            id_with_object("Abraham Accords"),
            id_with_object("Abraham Accords")
        );
        assert_eq!(id_with_object("Abraham Accords").len(), 32);
    }

    #[test]
    fn claim_id_changes_with_the_triple() {
        assert_ne!(
            id_with_object("Abraham Accords"),
            id_with_object("Camp David")
        );
    }

    #[test]
    fn claim_id_ignores_case_of_the_triple() {
        assert_eq!(
            id_with_object("Abraham Accords"),
            id_with_object("abraham accords")
        );
    }

    #[test]
    fn content_id_ignores_whitespace_layout() {
        assert_eq!(content_doc_id("a  b\nc"), content_doc_id("a b c"));
        assert_ne!(content_doc_id("a b c"), content_doc_id("a b d"));
        assert!(content_doc_id("x").starts_with("sha256:"));
    }

    #[test]
    fn document_keys_tell_sources_lines_and_contents_apart() {
        let key = document_key("/data/a.jsonl", Some(3), b"{\"id\":\"x\"}");
        assert_eq!(
            key,
            document_key("/data/a.jsonl", Some(3), b"{\"id\":\"x\"}")
        );
        assert!(key.starts_with("doc:"));
        for other in [
            document_key("/data/b.jsonl", Some(3), b"{\"id\":\"x\"}"),
            document_key("/data/a.jsonl", Some(4), b"{\"id\":\"x\"}"),
            document_key("/data/a.jsonl", None, b"{\"id\":\"x\"}"),
            document_key("/data/a.jsonl", Some(3), b"{\"id\":\"y\"}"),
        ] {
            assert_ne!(key, other);
        }
    }
}
