//! Claim building: from a sentence and its entity mentions to [`Claim`]s with a predicate, a
//! modality and a confidence.
//!
//! This first version (`rules-v0`) links each pair of neighbouring entities whose gap holds a
//! verb phrase: "Kazakhstan | is in the final stages of joining the | Abraham Accords" gives
//! (Kazakhstan, join, Abraham Accords), modality future. Verbs are recognised from a lexicon with
//! inflection rules, not a tagger; attribution and relation typing are not built yet.

mod lexicon;
mod modality;
mod predicate;

pub use lexicon::{lemma_of_verb, AUXILIARIES};
pub use modality::modality_of;
pub use predicate::{find_predicate, PredicatePhrase};

use claimex_core::{claim_id, Argument, Claim, EntitySpan, ModelIds, Predicate, Sentence};

/// Identifier of this claim-building method, stored with every claim.
pub const METHOD_ID: &str = "rules-v0";

/// Share of confidence given to a rule-found predicate until a trained scorer replaces it.
const RULE_PREDICATE_PRIOR: f32 = 0.8;

/// Builds the claims of one sentence. `entities` must lie inside `sentence` (document offsets).
pub fn claims_of_sentence(
    doc_id: &str,
    sentence: &Sentence,
    entities: &[EntitySpan],
    ner_model: &str,
) -> Vec<Claim> {
    let mut ents: Vec<&EntitySpan> = entities
        .iter()
        .filter(|e| sentence.start <= e.start && e.end <= sentence.end && e.start < e.end)
        .collect();
    ents.sort_by_key(|e| (e.start, e.end));
    let chars: Vec<char> = sentence.text.chars().collect();

    let mut claims = Vec::new();
    for pair in ents.windows(2) {
        let (subject, object) = (pair[0], pair[1]);
        if object.start < subject.end {
            continue;
        }
        let gap = (subject.end - sentence.start, object.start - sentence.start);
        let Some(phrase) = find_predicate(&chars, gap.0, gap.1) else {
            continue;
        };
        let predicate = Predicate {
            text: chars[phrase.start..phrase.end].iter().collect(),
            lemma: phrase.lemma.clone(),
            start: sentence.start + phrase.start,
            end: sentence.start + phrase.end,
        };
        let subject = Argument::from(subject);
        let object = Argument::from(object);
        let modality = modality_of(&chars, phrase.start, phrase.end);
        let confidence =
            ((subject.score * object.score).sqrt() * RULE_PREDICATE_PRIOR).clamp(0.0, 1.0);
        claims.push(Claim {
            claim_id: claim_id(
                doc_id,
                sentence.span(),
                (subject.span(), &subject.text),
                (predicate.span(), &predicate.lemma),
                Some((object.span(), &object.text)),
            ),
            doc_id: doc_id.to_string(),
            sentence: sentence.clone(),
            subject,
            predicate,
            object: Some(object),
            relation: None,
            modality,
            attribution: None,
            confidence,
            model: ModelIds {
                ner: ner_model.to_string(),
                relations: METHOD_ID.to_string(),
            },
        });
    }
    claims
}

#[cfg(test)]
mod tests {
    use super::*;
    use claimex_core::{Modality, TextIndex};

    fn entity(text: &str, doc: &str, label: &str, score: f32) -> EntitySpan {
        let byte = doc.find(text).unwrap();
        let start = doc[..byte].chars().count();
        EntitySpan {
            text: text.into(),
            label: label.into(),
            start,
            end: start + text.chars().count(),
            score,
            min_score: score,
            entity: None,
        }
    }

    fn sentence(doc: &str) -> Sentence {
        Sentence {
            start: 0,
            end: doc.chars().count(),
            text: doc.into(),
        }
    }

    const SEED: &str = "Kazakhstan is in the final stages of joining the Abraham Accords, which aim to normalize relations between Israel and Muslim-majority countries.";

    #[test]
    fn seed_sentence_gives_kazakhstan_join_abraham_accords_future() {
        let ents = [
            entity("Kazakhstan", SEED, "LOC", 0.99),
            entity("Abraham Accords", SEED, "MISC", 0.9),
        ];
        let claims = claims_of_sentence("seed", &sentence(SEED), &ents, "test-ner");
        assert_eq!(claims.len(), 1);
        let c = &claims[0];
        assert_eq!(c.subject.text, "Kazakhstan");
        assert_eq!(c.subject.label.as_deref(), Some("LOC"));
        assert_eq!(c.predicate.lemma, "join");
        assert_eq!(c.predicate.text, "is in the final stages of joining");
        assert_eq!(c.object.as_ref().unwrap().text, "Abraham Accords");
        assert_eq!(c.modality, Modality::Future);
        assert!(c.confidence > 0.0 && c.confidence <= 1.0);
    }

    #[test]
    fn every_span_slices_back_into_the_document() {
        let doc = "Intro line.\nZoë Ünal met Ángel Pérez in Córdoba.";
        let index = TextIndex::new(doc);
        let sent_start = 12;
        let s = Sentence {
            start: sent_start,
            end: doc.chars().count(),
            text: doc.chars().skip(sent_start).collect(),
        };
        let ents = [
            entity("Zoë Ünal", doc, "PER", 0.9),
            entity("Ángel Pérez", doc, "PER", 0.8),
            entity("Córdoba", doc, "LOC", 0.7),
        ];
        let claims = claims_of_sentence("d", &s, &ents, "m");
        assert!(!claims.is_empty());
        for c in &claims {
            let slice = |start, end| {
                index
                    .slice(doc, claimex_core::Span::new(start, end))
                    .unwrap()
            };
            assert_eq!(slice(c.sentence.start, c.sentence.end), c.sentence.text);
            assert_eq!(slice(c.subject.start, c.subject.end), c.subject.text);
            assert_eq!(slice(c.predicate.start, c.predicate.end), c.predicate.text);
            let o = c.object.as_ref().unwrap();
            assert_eq!(slice(o.start, o.end), o.text);
        }
        assert_eq!(claims[0].predicate.lemma, "meet");
    }

    #[test]
    fn no_claim_without_a_verb_between_entities() {
        let doc = "Israel and Bahrain.";
        let ents = [
            entity("Israel", doc, "LOC", 0.9),
            entity("Bahrain", doc, "LOC", 0.9),
        ];
        assert!(claims_of_sentence("d", &sentence(doc), &ents, "m").is_empty());
    }

    #[test]
    fn claim_ids_are_stable_across_runs() {
        let ents = [
            entity("Kazakhstan", SEED, "LOC", 0.99),
            entity("Abraham Accords", SEED, "MISC", 0.9),
        ];
        let a = claims_of_sentence("seed", &sentence(SEED), &ents, "m");
        let b = claims_of_sentence("seed", &sentence(SEED), &ents, "m");
        assert_eq!(a[0].claim_id, b[0].claim_id);
    }
}
