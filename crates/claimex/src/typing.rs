//! Typed relations on claims (`work_for`, `located_in`, ...) from the model's relation head,
//! reading the encoder states of the NER pass.

use claimex_core::Claim;
use claimex_model::{find_relations_in, Mention, PieceStates, RelationHead};

use crate::result::DocumentResult;

/// One document as typing sees it: its claims, the encoder states of its sentences (from the NER
/// pass) and its sentences, in the same order.
type DocumentClaims<'a, 'c> = (
    &'c mut [Claim],
    &'a [Option<PieceStates>],
    &'a [claimex_core::Sentence],
);

/// Sets `relation` on the claims of a chunk of documents, all in one pass of the head. If that
/// fails, documents are typed one by one; a document that still fails keeps its claims untyped
/// and says so in its ledger record. Returns warnings for the caller.
pub(crate) fn type_documents(
    head: &RelationHead,
    results: &mut [(DocumentResult, Vec<Option<PieceStates>>)],
) -> Vec<String> {
    let mut docs: Vec<DocumentClaims> = results
        .iter_mut()
        .map(|(r, pieces)| {
            (
                r.claims.as_mut_slice(),
                pieces.as_slice(),
                r.sentences.as_slice(),
            )
        })
        .collect();
    let Err(chunk_error) = type_claims(head, &mut docs) else {
        return vec![];
    };
    let warning = format!(
        "relation typing failed on a chunk of {} documents ({chunk_error}); typing them one by one",
        results.len()
    );
    for (result, pieces) in results.iter_mut() {
        let one = (
            result.claims.as_mut_slice(),
            pieces.as_slice(),
            result.sentences.as_slice(),
        );
        if let Err(e) = type_claims(head, &mut [one]) {
            for claim in result.claims.iter_mut() {
                claim.relation = None;
            }
            let note = format!("relation typing failed, claims kept without relation types: {e}");
            let record = &mut result.record;
            record.reason = Some(match record.reason.take() {
                Some(earlier) => format!("{earlier}; {note}"),
                None => note,
            });
        }
    }
    vec![warning]
}

/// A sentence with claims to type: (document, sentence index), its text, its states from the NER
/// pass, and its distinct argument mentions.
type Typed<'a> = ((usize, usize), &'a str, &'a PieceStates, Vec<Mention>);

/// Sets `relation` on claims whose subject and object carry entity types when the relation head
/// finds a relation from the subject to the object in their sentence. Each document comes with
/// the encoder states of its sentences (from the NER pass), in the order of its sentences.
fn type_claims<'a>(
    head: &RelationHead,
    docs: &mut [DocumentClaims<'a, '_>],
) -> claimex_model::Result<()> {
    let mut sentences: Vec<Typed<'a>> = Vec::new();
    // Per document, per claim: (sentence, head mention, tail mention).
    let mut places: Vec<Vec<Option<(usize, usize, usize)>>> = Vec::with_capacity(docs.len());
    for (d, (claims, states, doc_sentences)) in docs.iter().enumerate() {
        let (states, doc_sentences): (&'a [Option<PieceStates>], &'a [claimex_core::Sentence]) =
            (states, doc_sentences);
        let mut doc_places = Vec::with_capacity(claims.len());
        for c in claims.iter() {
            let (Some(o), Some(sl)) = (&c.object, &c.subject.label) else {
                doc_places.push(None);
                continue;
            };
            let Some(ol) = &o.label else {
                doc_places.push(None);
                continue;
            };
            let Some(s) = doc_sentences
                .iter()
                .position(|s| s.start == c.sentence.start)
            else {
                doc_places.push(None);
                continue;
            };
            let Some(pieces) = states.get(s).and_then(Option::as_ref) else {
                doc_places.push(None);
                continue;
            };
            let key = (d, s);
            let k = match sentences.iter().rposition(|x| x.0 == key) {
                Some(k) => k,
                None => {
                    sentences.push((key, doc_sentences[s].text.as_str(), pieces, vec![]));
                    sentences.len() - 1
                }
            };
            let base = c.sentence.start;
            let mut index_of = |start: usize, end: usize, label: &str| {
                let mentions = &mut sentences[k].3;
                let m = Mention {
                    start: start - base,
                    end: end - base,
                    label: label.to_string(),
                };
                match mentions.iter().position(|x| *x == m) {
                    Some(i) => i,
                    None => {
                        mentions.push(m);
                        mentions.len() - 1
                    }
                }
            };
            let h = index_of(c.subject.start, c.subject.end, sl);
            let t = index_of(o.start, o.end, ol);
            doc_places.push(Some((k, h, t)));
        }
        places.push(doc_places);
    }
    if sentences.is_empty() {
        return Ok(());
    }
    let texts: Vec<&str> = sentences.iter().map(|s| s.1).collect();
    let states: Vec<&PieceStates> = sentences.iter().map(|s| s.2).collect();
    let mentions: Vec<Vec<Mention>> = sentences.iter().map(|s| s.3.clone()).collect();
    let found = find_relations_in(head, &texts, &states, &mentions)?;
    for ((claims, _, _), doc_places) in docs.iter_mut().zip(places) {
        for (claim, place) in claims.iter_mut().zip(doc_places) {
            if let Some((k, h, t)) = place {
                claim.relation = found[k]
                    .iter()
                    .find(|r| r.head == h && r.tail == t)
                    .map(|r| r.label.to_lowercase());
            }
        }
    }
    Ok(())
}
