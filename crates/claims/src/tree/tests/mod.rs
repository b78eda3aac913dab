//! `tree-v0` on hand-built trees.

use super::*;
use claimex_core::{Modality, Sentence};

/// A sentence from (word, tag, head, relation) rows, words joined by single spaces, and its
/// claims with `names` marked as entities.
fn claims(rows: &[(&str, &str, usize, &str)], names: &[(&str, &str)]) -> Vec<Claim> {
    claims_after(rows, names, &[])
}

/// [`claims`] in a document that named `seen` before the sentence.
fn claims_after(
    rows: &[(&str, &str, usize, &str)],
    names: &[(&str, &str)],
    seen: &[EntitySpan],
) -> Vec<Claim> {
    let mut text = String::new();
    let mut tokens = Vec::new();
    for &(word, pos, head, rel) in rows {
        if !text.is_empty() {
            text.push(' ');
        }
        let start = text.chars().count();
        text.push_str(word);
        tokens.push(TaggedToken {
            text: word.into(),
            start,
            end: start + word.chars().count(),
            pos: pos.into(),
            chunk: "O".into(),
            head: Some(head),
            relation: Some(rel.into()),
        });
    }
    let entities: Vec<EntitySpan> = names
        .iter()
        .map(|&(name, label)| {
            let at = text.find(name).unwrap();
            let start = text[..at].chars().count();
            EntitySpan {
                text: name.into(),
                label: label.into(),
                start,
                end: start + name.chars().count(),
                score: 0.99,
                min_score: 0.99,
                entity: None,
            }
        })
        .collect();
    let sentence = Sentence {
        start: 0,
        end: text.chars().count(),
        text: text.clone(),
    };
    let input = SentenceInput {
        sentence: &sentence,
        entities: &entities,
        tokens: &tokens,
    };
    let models = ModelIds {
        ner: "n".into(),
        relations: TREE_METHOD.into(),
    };
    let here: Vec<&EntitySpan> = entities.iter().collect();
    let mut linker = EntityLinker::new("d");
    for e in seen {
        linker.link(e);
    }
    let earlier = Earlier {
        seen,
        here: &here,
        linker: &linker,
    };
    let found = tree_claims("d", &input, &models, &earlier);
    for c in &found {
        let object = c.object.as_ref().map(|o| (o.span(), &o.text));
        let attribution = c.attribution.as_ref();
        for (span, part) in [
            (c.subject.span(), &c.subject.text),
            (c.predicate.span(), &c.predicate.text),
        ]
        .into_iter()
        .chain(object)
        {
            let sliced: String = text
                .chars()
                .skip(span.start)
                .take(span.end - span.start)
                .collect();
            assert_eq!(&sliced, part);
        }
        // The attribution names its source by text.
        if let Some(a) = attribution {
            assert!(text.contains(a.text.as_str()), "{}", a.text);
        }
    }
    found
}

fn triples(claims: &[Claim]) -> Vec<(String, String, Option<String>, Modality)> {
    claims
        .iter()
        .map(|c| {
            (
                c.subject.text.clone(),
                c.predicate.lemma.clone(),
                c.object.as_ref().map(|o| o.text.clone()),
                c.modality,
            )
        })
        .collect()
}

#[test]
fn the_seed_sentence_gives_kazakhstan_join_abraham_accords_in_the_future() {
    let rows = [
        ("Kazakhstan", "NNP", 6, "nsubj"),
        ("is", "VBZ", 6, "cop"),
        ("in", "IN", 6, "case"),
        ("the", "DT", 6, "det"),
        ("final", "JJ", 6, "amod"),
        ("stages", "NNS", 0, "root"),
        ("of", "IN", 8, "mark"),
        ("joining", "VBG", 6, "acl"),
        ("the", "DT", 11, "det"),
        ("Abraham", "NNP", 11, "compound"),
        ("Accords", "NNPS", 8, "obj"),
        (".", ".", 6, "punct"),
    ];
    let found = claims(&rows, &[("Kazakhstan", "LOC"), ("Abraham Accords", "MISC")]);
    assert_eq!(
        triples(&found),
        [(
            "Kazakhstan".into(),
            "join".into(),
            Some("Abraham Accords".into()),
            Modality::Future
        )]
    );
    assert_eq!(found[0].predicate.text, "is in the final stages of joining");
    assert_eq!(found[0].subject.label.as_deref(), Some("LOC"));
    assert_eq!(
        found[0].object.as_ref().unwrap().label.as_deref(),
        Some("MISC")
    );
}

#[test]
fn a_control_verb_keeps_its_complement_and_a_final_report_is_the_attribution() {
    // "Acme decided to sell its stake in Beta , a spokeswoman said ."
    let rows = [
        ("Acme", "NNP", 2, "nsubj"),
        ("decided", "VBD", 0, "root"),
        ("to", "TO", 4, "mark"),
        ("sell", "VB", 2, "xcomp"),
        ("its", "PRP$", 6, "nmod:poss"),
        ("stake", "NN", 4, "obj"),
        ("in", "IN", 8, "case"),
        ("Beta", "NNP", 6, "nmod"),
        (",", ",", 12, "punct"),
        ("a", "DT", 11, "det"),
        ("spokeswoman", "NN", 12, "nsubj"),
        ("said", "VBD", 2, "parataxis"),
        (".", ".", 2, "punct"),
    ];
    let found = claims(&rows, &[("Acme", "ORG"), ("Beta", "ORG")]);
    assert_eq!(
        triples(&found),
        [(
            "Acme".into(),
            "sell".into(),
            Some("its stake in Beta".into()),
            Modality::Asserted
        )]
    );
    let attribution = found[0].attribution.as_ref().unwrap();
    assert_eq!(
        (attribution.text.as_str(), attribution.cue.as_str()),
        ("spokeswoman", "said")
    );
}

#[test]
fn a_copular_clause_has_the_nominal_alone_as_object_and_the_copula_as_predicate() {
    // "Kazakhstan is a member of the WTO ."
    let rows = [
        ("Kazakhstan", "NNP", 4, "nsubj"),
        ("is", "VBZ", 4, "cop"),
        ("a", "DT", 4, "det"),
        ("member", "NN", 0, "root"),
        ("of", "IN", 7, "case"),
        ("the", "DT", 7, "det"),
        ("WTO", "NNP", 4, "nmod"),
        (".", ".", 4, "punct"),
    ];
    let found = claims(&rows, &[("Kazakhstan", "LOC"), ("WTO", "ORG")]);
    assert_eq!(
        triples(&found),
        [(
            "Kazakhstan".into(),
            "be".into(),
            Some("member of the WTO".into()),
            Modality::Asserted
        )]
    );
    assert_eq!(found[0].predicate.text, "is");
}

#[test]
fn a_clause_before_its_copula_and_conjoined_copular_clauses_stay_apart() {
    // "To win the title , Oslo is ready and Rome is keen ."
    let rows = [
        ("To", "TO", 2, "mark"),
        ("win", "VB", 8, "advcl"),
        ("the", "DT", 4, "det"),
        ("title", "NN", 2, "obj"),
        (",", ",", 8, "punct"),
        ("Oslo", "NNP", 8, "nsubj"),
        ("is", "VBZ", 8, "cop"),
        ("ready", "JJ", 0, "root"),
        ("and", "CC", 12, "cc"),
        ("Rome", "NNP", 12, "nsubj"),
        ("is", "VBZ", 12, "cop"),
        ("keen", "JJ", 8, "conj"),
        (".", ".", 8, "punct"),
    ];
    let found = claims(&rows, &[("Oslo", "LOC"), ("Rome", "LOC")]);
    assert_eq!(
        triples(&found),
        [
            (
                "Oslo".into(),
                "win".into(),
                Some("title".into()),
                Modality::Asserted
            ),
            (
                "Oslo".into(),
                "be".into(),
                Some("ready".into()),
                Modality::Asserted
            ),
            (
                "Rome".into(),
                "be".into(),
                Some("keen".into()),
                Modality::Asserted
            ),
        ]
    );
}

#[test]
fn a_relative_clause_gives_a_claim_and_a_list_inside_an_object_stays_whole() {
    // "Oslo , which hosts the talks , signed deals with Rome and Paris ."
    let rows = [
        ("Oslo", "NNP", 7, "nsubj"),
        (",", ",", 4, "punct"),
        ("which", "WDT", 4, "nsubj"),
        ("hosts", "VBZ", 1, "acl:relcl"),
        ("the", "DT", 6, "det"),
        ("talks", "NNS", 4, "obj"),
        ("signed", "VBD", 0, "root"),
        ("deals", "NNS", 7, "obj"),
        ("with", "IN", 10, "case"),
        ("Rome", "NNP", 8, "nmod"),
        ("and", "CC", 12, "cc"),
        ("Paris", "NNP", 10, "conj"),
        (".", ".", 7, "punct"),
    ];
    let found = claims(&rows, &[("Oslo", "LOC"), ("Rome", "LOC"), ("Paris", "LOC")]);
    assert_eq!(
        triples(&found),
        [
            (
                "Oslo".into(),
                "host".into(),
                Some("talks".into()),
                Modality::Asserted
            ),
            (
                "Oslo".into(),
                "sign".into(),
                Some("deals with Rome and Paris".into()),
                Modality::Asserted
            ),
        ]
    );
}

#[test]
fn object_control_gives_the_object_its_own_claim_and_times_are_no_objects() {
    // "Two goals allowed Japan to win on Saturday ."
    let rows = [
        ("Two", "CD", 2, "nummod"),
        ("goals", "NNS", 3, "nsubj"),
        ("allowed", "VBD", 0, "root"),
        ("Japan", "NNP", 3, "obj"),
        ("to", "TO", 6, "mark"),
        ("win", "VB", 3, "xcomp"),
        ("on", "IN", 8, "case"),
        ("Saturday", "NNP", 6, "obl"),
        (".", ".", 3, "punct"),
    ];
    let found = claims(&rows, &[("Japan", "LOC")]);
    assert_eq!(
        triples(&found),
        [
            (
                "Two goals".into(),
                "allow".into(),
                Some("Japan".into()),
                Modality::Asserted
            ),
            ("Japan".into(), "win".into(), None, Modality::Asserted),
        ]
    );
    assert_eq!(found[0].subject.label, None);
    assert_eq!(found[1].subject.label.as_deref(), Some("LOC"));
}

#[test]
fn pronouns_stand_for_the_reporter_or_an_earlier_subject_that_agrees() {
    // "I will move to Oslo , Frater said ."
    let rows = [
        ("I", "PRP", 3, "nsubj"),
        ("will", "MD", 3, "aux"),
        ("move", "VB", 0, "root"),
        ("to", "IN", 5, "case"),
        ("Oslo", "NNP", 3, "obl"),
        (",", ",", 8, "punct"),
        ("Frater", "NNP", 8, "nsubj"),
        ("said", "VBD", 3, "parataxis"),
        (".", ".", 3, "punct"),
    ];
    let found = claims(&rows, &[("Oslo", "LOC"), ("Frater", "PER")]);
    assert_eq!(
        triples(&found),
        [(
            "Frater".into(),
            "move to".into(),
            Some("Oslo".into()),
            Modality::Future
        )]
    );
    // "Yeltsin rested although his aides said he was massacred ." (he: Yeltsin, not the
    // plural aides)
    let rows = [
        ("Yeltsin", "NNP", 2, "nsubj"),
        ("rested", "VBD", 0, "root"),
        ("although", "IN", 6, "mark"),
        ("his", "PRP$", 5, "nmod:poss"),
        ("aides", "NNS", 6, "nsubj"),
        ("said", "VBD", 2, "advcl"),
        ("he", "PRP", 9, "nsubj:pass"),
        ("was", "VBD", 9, "aux:pass"),
        ("massacred", "VBN", 6, "ccomp"),
        (".", ".", 2, "punct"),
    ];
    let found = claims(&rows, &[("Yeltsin", "PER")]);
    assert_eq!(
        triples(&found),
        [
            ("Yeltsin".into(), "rest".into(), None, Modality::Asserted),
            (
                "Yeltsin".into(),
                "be massacred".into(),
                None,
                Modality::Asserted
            ),
        ]
    );
    assert_eq!(found[1].attribution.as_ref().unwrap().text, "his aides");
}

#[test]
fn pronouns_and_descriptions_take_the_entity_named_in_an_earlier_sentence() {
    let saudi = EntitySpan {
        text: "Saudi Arabia".into(),
        label: "LOC".into(),
        start: 0,
        end: 0,
        score: 0.9,
        min_score: 0.9,
        entity: Some("d#saudi-arabia".into()),
    };
    // "The kingdom remains cautious ." after a sentence naming Saudi Arabia.
    let rows = [
        ("The", "DT", 2, "det"),
        ("kingdom", "NN", 3, "nsubj"),
        ("remains", "VBZ", 0, "root"),
        ("cautious", "JJ", 3, "xcomp"),
        (".", ".", 3, "punct"),
    ];
    let found = claims_after(&rows, &[], std::slice::from_ref(&saudi));
    assert_eq!(
        triples(&found),
        [(
            "kingdom".into(),
            "remain".into(),
            Some("cautious".into()),
            Modality::Asserted
        )]
    );
    assert_eq!(found[0].subject.entity, saudi.entity);
    assert_eq!(found[0].subject.label.as_deref(), Some("LOC"));
    // "It denied the report ." : "it" is no person, so Saudi Arabia again; alone, nothing.
    let rows = [
        ("It", "PRP", 2, "nsubj"),
        ("denied", "VBD", 0, "root"),
        ("the", "DT", 4, "det"),
        ("report", "NN", 2, "obj"),
        (".", ".", 2, "punct"),
    ];
    let found = claims_after(&rows, &[], std::slice::from_ref(&saudi));
    assert_eq!(found[0].subject.entity, saudi.entity);
    assert_eq!(found[0].subject.text, "It");
    assert_eq!(claims(&rows, &[])[0].subject.entity, None);
}

#[test]
fn mislabelled_subjects_are_recovered_from_the_words_before_the_verb() {
    // "Amara Diallo said the African Development Bank had approved the loan ." with the bank
    // parsed as an apposition of the speaker, and "Officials said the floods closed schools ."
    // with the floods parsed as an object.
    let rows = [
        ("Amara", "NNP", 3, "nsubj"),
        ("Diallo", "NNP", 1, "flat"),
        ("said", "VBD", 0, "root"),
        ("the", "DT", 7, "det"),
        ("African", "NNP", 7, "amod"),
        ("Development", "NNP", 7, "compound"),
        ("Bank", "NNP", 1, "appos"),
        ("had", "VBD", 9, "aux"),
        ("approved", "VBN", 3, "ccomp"),
        ("the", "DT", 11, "det"),
        ("loan", "NN", 9, "obj"),
        (".", ".", 3, "punct"),
    ];
    let found = claims(
        &rows,
        &[("Amara Diallo", "PER"), ("African Development Bank", "ORG")],
    );
    assert_eq!(
        triples(&found),
        [(
            "African Development Bank".into(),
            "approve".into(),
            Some("loan".into()),
            Modality::Asserted
        )]
    );
    assert_eq!(found[0].attribution.as_ref().unwrap().text, "Amara Diallo");
    let rows = [
        ("Officials", "NNS", 2, "nsubj"),
        ("said", "VBD", 0, "root"),
        ("the", "DT", 4, "det"),
        ("floods", "NNS", 5, "obj"),
        ("closed", "VBN", 2, "ccomp"),
        ("schools", "NNS", 5, "obj"),
        (".", ".", 2, "punct"),
    ];
    assert_eq!(
        triples(&claims(&rows, &[])),
        [(
            "floods".into(),
            "close".into(),
            Some("schools".into()),
            Modality::Asserted
        )]
    );
}

#[test]
fn an_object_pronoun_never_stands_for_its_own_subject() {
    // "Acme bought it ." : "it" is not Acme.
    let rows = [
        ("Acme", "NNP", 2, "nsubj"),
        ("bought", "VBD", 0, "root"),
        ("it", "PRP", 2, "obj"),
        (".", ".", 2, "punct"),
    ];
    assert_eq!(
        triples(&claims(&rows, &[("Acme", "ORG")])),
        [(
            "Acme".into(),
            "buy".into(),
            Some("it".into()),
            Modality::Asserted
        )]
    );
}

mod constructions;
