//! Claim building: from a document's tagged sentences and linked entities to [`Claim`]s with a
//! predicate, arguments, modality, attribution and a confidence.
//!
//! Method `rules-v1` reads part-of-speech tags (from the NER model's syntax head, or guessed from
//! word lists when the model has none): verb groups are relation phrases in the style of ReVerb
//! ("is in the final stages of joining", "applied to join"), subjects and objects are noun
//! phrases with entity mentions kept whole, coordinated phrases give one claim each, clauses
//! under reporting verbs ("said", "announced", "told reporters that", "according to") are
//! attributed to their source, and pronouns and definite descriptions ("it", "the kingdom", "the
//! accords") take the id of the entity they name.

mod calibration;
mod confidence;
mod error;
mod implied;
mod lexicon;
mod modality;
mod open;
mod phrases;
mod resolve;
mod rules;
mod tree;

pub use calibration::{reliability, Calibration, ReliabilityBin, CALIBRATION_FILE};
pub use confidence::{raw_confidence, ObjectKind};
pub use error::{Error, Result};
pub use implied::{implied_relations, ImpliedRelation};
pub use lexicon::{lemma_of_tagged_verb, lemma_of_verb, AUXILIARIES};
pub use modality::modality_of;
pub use open::{leading_adverbial, open_extractions, OpenExtraction};
pub use rules::{claims_of_document, open_claims_of_sentence, SentenceInput};
pub use tree::{has_tree, tree_claims_of_sentence, TREE_METHOD};

/// Name of the rule-based claim-building method.
pub const METHOD: &str = "rules-v1";

/// How claims are built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClaimMethod {
    /// `rules-v1`: from part-of-speech and chunk tags.
    #[default]
    Rules,
    /// `tree-v0`: from the parser head's dependency trees; sentences without a tree (longer
    /// than the encoder window) fall back to the rules. Experimental: not yet as good as the
    /// rules on the fixtures.
    Tree,
}

/// The identifier stored with every claim: the method and where its tags came from (the syntax
/// head's id, or `guessed-tags` for a model without one; for trees, the parser head's id too).
pub fn method_id(method: ClaimMethod, syntax_id: Option<&str>, parser_id: Option<&str>) -> String {
    let rules = format!("{METHOD}+{}", syntax_id.unwrap_or("guessed-tags"));
    match method {
        ClaimMethod::Rules => rules,
        ClaimMethod::Tree => format!("{TREE_METHOD}+{}+{rules}", parser_id.unwrap_or("no-parser")),
    }
}

/// The identifier stored with every claim as its relations model: the claim-building method
/// ([`method_id`]) and, when relations are typed, the relation head's id, so that a retrained head
/// writes rows of its own instead of being taken for the old one. Calibration is keyed by the
/// method alone (typing does not change a claim's confidence).
pub fn claims_model_id(method: &str, relations_id: Option<&str>) -> String {
    match relations_id {
        Some(head) => format!("{method}+{head}"),
        None => method.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use claimex_core::{link_entities, Claim, EntitySpan, Modality, ModelIds, Sentence, TextIndex};

    /// A document's claims with the given entity names marked wherever they occur, sentences
    /// cut after ". ", tags guessed (no syntax head).
    fn claims(doc: &str, names: &[(&str, &str)]) -> (Vec<Claim>, Vec<EntitySpan>) {
        let index = TextIndex::new(doc);
        let mut entities = Vec::new();
        for (name, label) in names {
            for (byte, _) in doc.match_indices(name) {
                let start = index.char_of_byte(byte).unwrap();
                entities.push(EntitySpan {
                    text: name.to_string(),
                    label: label.to_string(),
                    start,
                    end: start + name.chars().count(),
                    score: 0.9,
                    min_score: 0.9,
                    entity: None,
                });
            }
        }
        entities.sort_by_key(|e| e.start);
        link_entities("d", entities.iter_mut());
        let mut sentences = Vec::new();
        let mut start = 0;
        let chars: Vec<char> = doc.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            if *c == '.' && (i + 1 == chars.len() || chars[i + 1] == ' ') {
                sentences.push(Sentence {
                    start,
                    end: i + 1,
                    text: chars[start..=i].iter().collect(),
                });
                start = i + 2;
            }
        }
        let per: Vec<Vec<EntitySpan>> = sentences
            .iter()
            .map(|s| {
                entities
                    .iter()
                    .filter(|e| e.start >= s.start && e.end <= s.end)
                    .cloned()
                    .collect()
            })
            .collect();
        let inputs: Vec<SentenceInput> = sentences
            .iter()
            .zip(&per)
            .map(|(sentence, entities)| SentenceInput {
                sentence,
                entities,
                tokens: &[],
            })
            .collect();
        let models = ModelIds {
            ner: "ner".into(),
            relations: method_id(ClaimMethod::Rules, None, None),
        };
        let found = claims_of_document("d", &inputs, &models, None, ClaimMethod::Rules);
        for c in &found {
            let slice = |start, end| {
                index
                    .slice(doc, claimex_core::Span::new(start, end))
                    .unwrap()
                    .to_string()
            };
            assert_eq!(slice(c.sentence.start, c.sentence.end), c.sentence.text);
            assert_eq!(slice(c.subject.start, c.subject.end), c.subject.text);
            assert_eq!(slice(c.predicate.start, c.predicate.end), c.predicate.text);
            if let Some(o) = &c.object {
                assert_eq!(slice(o.start, o.end), o.text);
            }
            assert!(c.confidence > 0.0 && c.confidence <= 1.0);
        }
        (found, entities)
    }

    fn triple(c: &Claim) -> (String, String, String) {
        (
            c.subject.text.clone(),
            c.predicate.lemma.clone(),
            c.object.as_ref().map_or("-".into(), |o| o.text.clone()),
        )
    }

    const SEED: &str = "Kazakhstan is in the final stages of joining the Abraham Accords, which aim to normalize relations between Israel and Muslim-majority countries.";

    #[test]
    fn seed_sentence_gives_kazakhstan_join_abraham_accords_future() {
        let (found, _) = claims(
            SEED,
            &[
                ("Kazakhstan", "LOC"),
                ("Abraham Accords", "MISC"),
                ("Israel", "LOC"),
            ],
        );
        let c = &found[0];
        assert_eq!(
            triple(c),
            ("Kazakhstan".into(), "join".into(), "Abraham Accords".into())
        );
        assert_eq!(c.predicate.text, "is in the final stages of joining");
        assert_eq!(c.subject.label.as_deref(), Some("LOC"));
        assert_eq!(c.object.as_ref().unwrap().label.as_deref(), Some("MISC"));
        assert_eq!(c.modality, Modality::Future);
    }

    #[test]
    fn relation_nouns_stay_in_the_predicate() {
        let (found, _) = claims(
            "Kazakhstan already maintains diplomatic and economic ties with Israel.",
            &[("Kazakhstan", "LOC"), ("Israel", "LOC")],
        );
        assert_eq!(
            found.iter().map(triple).collect::<Vec<_>>(),
            [(
                "Kazakhstan".to_string(),
                "maintain ties with".to_string(),
                "Israel".to_string()
            )]
        );
        assert_eq!(found[0].modality, Modality::Asserted);
    }

    #[test]
    fn reported_clause_is_attributed_and_the_accords_resolved() {
        let doc = "Kazakhstan will join the Abraham Accords. President Trump announced that Kazakhstan would soon officially join the accords.";
        let (found, entities) = claims(
            doc,
            &[
                ("Kazakhstan", "LOC"),
                ("Abraham Accords", "MISC"),
                ("Trump", "PER"),
            ],
        );
        let c = found
            .iter()
            .find(|c| c.sentence.text.starts_with("President"))
            .expect("a claim in the reported clause");
        assert_eq!(
            triple(c),
            ("Kazakhstan".into(), "join".into(), "accords".into())
        );
        let accords = entities
            .iter()
            .find(|e| e.text == "Abraham Accords")
            .unwrap();
        assert_eq!(c.object.as_ref().unwrap().entity, accords.entity);
        assert_eq!(c.object.as_ref().unwrap().label.as_deref(), Some("MISC"));
        let a = c.attribution.as_ref().unwrap();
        assert_eq!((a.text.as_str(), a.cue.as_str()), ("Trump", "announced"));
        assert_eq!(c.modality, Modality::Future);
        // The reporting verb is not a claim of its own.
        assert!(found.iter().all(|c| c.predicate.lemma != "announce"));
    }

    #[test]
    fn the_kingdom_is_the_country_named_before() {
        let (found, entities) = claims(
            "Saudi Arabia has been invited to join the accords. The kingdom remains cautious.",
            &[("Saudi Arabia", "LOC")],
        );
        let c = found
            .iter()
            .find(|c| c.predicate.lemma == "remain")
            .unwrap();
        assert_eq!(c.subject.text, "kingdom");
        assert_eq!(c.subject.entity, entities[0].entity);
        assert_eq!(c.object.as_ref().unwrap().text, "cautious");
    }

    #[test]
    fn conjuncts_give_one_claim_each() {
        let (found, _) = claims(
            "The accords include Israel and the United Arab Emirates, Bahrain, and Morocco.",
            &[
                ("Israel", "LOC"),
                ("United Arab Emirates", "LOC"),
                ("Bahrain", "LOC"),
                ("Morocco", "LOC"),
            ],
        );
        let objects: Vec<String> = found.iter().map(|c| triple(c).2).collect();
        assert_eq!(
            objects,
            ["Israel", "United Arab Emirates", "Bahrain", "Morocco"]
        );
        assert!(found.iter().all(|c| c.subject.text == "accords"));
    }

    #[test]
    fn prepositional_objects_and_according_to() {
        let (found, _) = claims(
            "Trump also met with four Central Asian leaders. According to Reuters, Vela Motors will close its plant in Turin.",
            &[("Trump", "PER"), ("Central Asian", "MISC"), ("Reuters", "ORG"), ("Vela Motors", "ORG"), ("Turin", "LOC")],
        );
        assert_eq!(
            triple(&found[0]),
            (
                "Trump".into(),
                "meet with".into(),
                "four Central Asian leaders".into()
            )
        );
        assert_eq!(found[0].modality, Modality::Asserted);
        let close = found.iter().find(|c| c.predicate.lemma == "close").unwrap();
        assert_eq!(close.subject.text, "Vela Motors");
        assert_eq!(close.object.as_ref().unwrap().text, "its plant");
        assert_eq!(close.attribution.as_ref().unwrap().text, "Reuters");
        assert_eq!(close.attribution.as_ref().unwrap().cue, "according to");
        assert_eq!(close.modality, Modality::Future);
    }

    #[test]
    fn pronoun_subject_of_a_report_is_its_source() {
        let (found, _) = claims(
            "Vela Motors said it had not approved the loan.",
            &[("Vela Motors", "ORG")],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].subject.text, "Vela Motors");
        assert_eq!(found[0].subject.label.as_deref(), Some("ORG"));
        assert_eq!(found[0].modality, Modality::Negated);
        assert_eq!(found[0].attribution.as_ref().unwrap().text, "Vela Motors");
    }

    #[test]
    fn no_claim_without_a_verb_and_ids_are_stable() {
        assert!(claims(
            "Israel and Bahrain.",
            &[("Israel", "LOC"), ("Bahrain", "LOC")]
        )
        .0
        .is_empty());
        let a = claims(SEED, &[("Kazakhstan", "LOC"), ("Abraham Accords", "MISC")]).0;
        let b = claims(SEED, &[("Kazakhstan", "LOC"), ("Abraham Accords", "MISC")]).0;
        assert_eq!(a[0].claim_id, b[0].claim_id);
    }

    #[test]
    fn a_claim_stated_twice_is_one_claim_with_two_places() {
        let doc = "Nordvolt will build a plant in Gdansk. Prices rose. Nordvolt will build a plant in Gdansk.";
        let (found, _) = claims(doc, &[("Nordvolt", "ORG"), ("Gdansk", "LOC")]);
        let built: Vec<&Claim> = found
            .iter()
            .filter(|c| c.predicate.lemma == "build")
            .collect();
        assert_eq!(built.len(), 1, "{found:?}");
        let places = built[0].all_evidence();
        assert_eq!(places.len(), 2);
        let chars: Vec<char> = doc.chars().collect();
        let text = |s: usize, e: usize| chars[s..e].iter().collect::<String>();
        for p in &places {
            assert_eq!(
                text(p.sentence_start, p.sentence_end),
                "Nordvolt will build a plant in Gdansk."
            );
            assert_eq!(text(p.start, p.end), "Nordvolt will build a plant");
        }
        assert_ne!(places[0].start, places[1].start);
    }

    #[test]
    fn method_id_names_where_tags_and_trees_came_from() {
        let rules = ClaimMethod::Rules;
        assert_eq!(
            method_id(rules, Some("syntax@ab12cd34"), Some("parser@99")),
            "rules-v1+syntax@ab12cd34"
        );
        assert_eq!(method_id(rules, None, None), "rules-v1+guessed-tags");
        assert_eq!(
            method_id(
                ClaimMethod::Tree,
                Some("syntax@ab12cd34"),
                Some("parser@99")
            ),
            "tree-v0+parser@99+rules-v1+syntax@ab12cd34"
        );
        assert_eq!(
            claims_model_id("rules-v1+syntax@ab12cd34", Some("relations@0011aabb")),
            "rules-v1+syntax@ab12cd34+relations@0011aabb"
        );
        assert_eq!(
            claims_model_id("rules-v1+guessed-tags", None),
            "rules-v1+guessed-tags"
        );
    }
}
