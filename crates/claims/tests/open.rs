//! Open IE style extraction (`open_claims_of_sentence`, `implied_relations`) on sentences whose
//! part-of-speech tags and entities are given, so the rules are tested apart from any tagger.

use claimex_claims::{implied_relations, open_claims_of_sentence, SentenceInput};
use claimex_core::{Argument, EntitySpan, ModelIds, Sentence, TaggedToken};

/// A sentence from "word/TAG" items separated by spaces (a `*` after the tag marks a word of an
/// entity; neighbouring marked words form one mention of `label`).
struct Tagged {
    sentence: Sentence,
    tokens: Vec<TaggedToken>,
    entities: Vec<EntitySpan>,
}

fn tagged(items: &str, label: &str) -> Tagged {
    let mut text = String::new();
    let mut tokens: Vec<TaggedToken> = Vec::new();
    let mut marked: Vec<bool> = Vec::new();
    for item in items.split(' ') {
        let (word, tag) = item.rsplit_once('/').expect("word/TAG");
        if !text.is_empty() {
            text.push(' ');
        }
        let start = text.chars().count();
        text.push_str(word);
        tokens.push(TaggedToken {
            text: word.to_string(),
            start,
            end: start + word.chars().count(),
            pos: tag.trim_end_matches('*').to_string(),
            chunk: "O".to_string(),
            head: None,
            relation: None,
        });
        marked.push(tag.ends_with('*'));
    }
    let mut entities = Vec::new();
    let mut k = 0;
    while k < tokens.len() {
        if !marked[k] {
            k += 1;
            continue;
        }
        let first = k;
        while k < tokens.len() && marked[k] {
            k += 1;
        }
        let (start, end) = (tokens[first].start, tokens[k - 1].end);
        entities.push(EntitySpan {
            text: text.chars().skip(start).take(end - start).collect(),
            label: label.to_string(),
            start,
            end,
            score: 0.9,
            min_score: 0.9,
            entity: None,
        });
    }
    let end = text.chars().count();
    Tagged {
        sentence: Sentence {
            start: 0,
            end,
            text,
        },
        tokens,
        entities,
    }
}

impl Tagged {
    fn input(&self) -> SentenceInput<'_> {
        SentenceInput {
            sentence: &self.sentence,
            entities: &self.entities,
            tokens: &self.tokens,
        }
    }

    fn slices_back(&self, a: &Argument) {
        let text: String = self
            .sentence
            .text
            .chars()
            .skip(a.start)
            .take(a.end - a.start)
            .collect();
        assert_eq!(text, a.text);
    }

    /// (relation, subject, object) of the open claims, every span checked against the text.
    fn open(&self) -> Vec<(String, String, String)> {
        let models = ModelIds {
            ner: "ner".into(),
            relations: "rules".into(),
        };
        open_claims_of_sentence(&self.input(), &models)
            .into_iter()
            .map(|c| {
                self.slices_back(&c.subject);
                let object = c.object.map(|o| {
                    self.slices_back(&o);
                    o.text
                });
                let p = &c.predicate;
                let text: String = self
                    .sentence
                    .text
                    .chars()
                    .skip(p.start)
                    .take(p.end - p.start)
                    .collect();
                assert_eq!(text, p.text);
                (p.text.clone(), c.subject.text, object.unwrap_or_default())
            })
            .collect()
    }

    fn implied(&self) -> Vec<(String, String, String)> {
        implied_relations(&self.input())
            .into_iter()
            .map(|r| {
                self.slices_back(&r.subject);
                self.slices_back(&r.object);
                (r.relation.to_string(), r.subject.text, r.object.text)
            })
            .collect()
    }
}

fn has(found: &[(String, String, String)], want: (&str, &str, &str)) -> bool {
    found
        .iter()
        .any(|(r, s, o)| (r.as_str(), s.as_str(), o.as_str()) == want)
}

#[test]
fn a_list_after_a_preposition_gives_a_tuple_per_item_beside_the_whole() {
    let s = tagged(
        "It/PRP was/VBD a/DT notable/JJ influence/NN on/IN John/NNP* Buchan/NNP* and/CC Ken/NNP* \
         Follett/NNP* ./.",
        "PER",
    );
    let found = s.open();
    assert!(
        has(&found, ("was a notable influence on", "It", "John Buchan")),
        "{found:?}"
    );
    assert!(
        has(&found, ("was a notable influence on", "It", "Ken Follett")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(_, _, o)| o.contains("Buchan and Ken Follett")),
        "{found:?}"
    );
}

#[test]
fn a_list_with_commas_is_split_but_not_a_verb_phrase() {
    let s = tagged(
        "It/PRP deals/VBZ with/IN fraud/NN in/IN relation/NN to/TO direct/JJ taxes/NNS ,/, \
         tax/NN credits/NNS ,/, and/CC money/NN laundering/NN ./.",
        "O",
    );
    let found = s.open();
    for item in ["direct taxes", "tax credits", "money laundering"] {
        assert!(
            has(&found, ("deals with fraud in relation to", "It", item)),
            "{item}: {found:?}"
        );
    }
    // A verb inside what follows the preposition: not a list.
    let s = tagged(
        "He/PRP spoke/VBD about/IN the/DT plan/NN and/CC left/VBD ./.",
        "O",
    );
    let found = s.open();
    assert!(found.iter().all(|(_, _, o)| o != "left"), "{found:?}");
    assert_eq!(
        found
            .iter()
            .filter(|(r, _, _)| r.starts_with("spoke"))
            .count(),
        1,
        "{found:?}"
    );
}

#[test]
fn a_verb_without_an_object_takes_the_phrase_after_it() {
    let s = tagged(
        "He/PRP stayed/VBD for/IN less/JJR than/IN a/DT year/NN ./.",
        "O",
    );
    let found = s.open();
    assert!(
        has(&found, ("stayed", "He", "for less than a year")),
        "{found:?}"
    );
}

#[test]
fn demonstratives_and_approximate_numbers_are_subjects() {
    let s = tagged("These/DT include/VBP three/CD ministries/NNS ./.", "O");
    assert!(
        has(&s.open(), ("include", "These", "three ministries")),
        "{:?}",
        s.open()
    );
    let s = tagged(
        "About/IN 800/CD have/VBP crossed/VBN the/DT picket/NN lines/NNS ./.",
        "O",
    );
    assert!(
        has(&s.open(), ("have crossed", "800", "the picket lines")),
        "{:?}",
        s.open()
    );
}

#[test]
fn the_subject_of_a_subordinate_clause_is_not_a_prepositional_object() {
    let s = tagged(
        "Prices/NNS rallied/VBD as/IN the/DT bid/NN broke/VBD the/DT gloom/NN ./.",
        "O",
    );
    assert!(
        has(&s.open(), ("broke", "the bid", "the gloom")),
        "{:?}",
        s.open()
    );
    // A place after "near" stays inside the subject's phrase.
    let s = tagged(
        "Wildfires/NNS near/IN Athens/NNP* forced/VBD thousands/NNS out/RP ./.",
        "LOC",
    );
    assert!(
        s.open().iter().all(|(_, subj, _)| subj != "Athens"),
        "{:?}",
        s.open()
    );
}

#[test]
fn appositions_titles_and_places_imply_relations() {
    let s = tagged(
        "The/DT novel/NN follows/VBZ Cashel/NNP* Byron/NNP* ,/, a/DT world/NN champion/NN \
         prizefighter/NN ,/, as/IN he/PRP trains/VBZ ./.",
        "PER",
    );
    let implied = s.implied();
    assert!(
        has(
            &implied,
            ("is", "Cashel Byron", "a world champion prizefighter")
        ),
        "{implied:?}"
    );
    let s = tagged(
        "author/NN Bill/NNP* Bryson/NNP* wrote/VBD it/PRP ./.",
        "PER",
    );
    assert!(
        has(&s.implied(), ("is", "Bill Bryson", "author")),
        "{:?}",
        s.implied()
    );
    let s = tagged(
        "researchers/NNS at/IN the/DT laboratory/NN in/IN Cambridge/NNP* work/VBP ./.",
        "LOC",
    );
    assert!(
        has(&s.implied(), ("is in", "the laboratory", "Cambridge")),
        "{:?}",
        s.implied()
    );
    // A list of places is not a place inside a place.
    let s = tagged(
        "They/PRP visited/VBD Israel/NNP* ,/, Bahrain/NNP* ,/, and/CC Morocco/NNP* ./.",
        "LOC",
    );
    assert!(s.implied().is_empty(), "{:?}", s.implied());
}

#[test]
fn opening_phrases_hyphens_and_coordinated_verbs() {
    // The subject is after the opening prepositional phrase, not a conjunct inside it.
    let s = tagged(
        "Under/IN the/DT deal/NN with/IN the/DT House/NNP and/CC Senate/NNP leaders/NNS ,/, \
         the/DT wage/NN would/MD rise/VB to/TO $/$ 4.25/CD ./.",
        "O",
    );
    assert!(
        s.open()
            .iter()
            .any(|(r, subj, _)| r.starts_with("would rise") && subj == "the wage"),
        "{:?}",
        s.open()
    );
    // "cross - border" is one phrase; "$ 17.1 billion" keeps its currency sign.
    let s = tagged(
        "Large/JJ cross/JJ -/: border/NN deals/NNS totaled/VBD $/$ 17.1/CD billion/CD ./.",
        "O",
    );
    assert!(
        has(
            &s.open(),
            ("totaled", "Large cross - border deals", "$ 17.1 billion")
        ),
        "{:?}",
        s.open()
    );
    // A verb after "and" shares the subject of the first earlier verb that has one.
    let s = tagged(
        "After/IN leaving/VBG ,/, he/PRP tried/VBD to/TO find/VB jobs/NNS and/CC worked/VBD \
         as/IN an/DT impersonator/NN ./.",
        "O",
    );
    assert!(
        s.open()
            .iter()
            .any(|(r, subj, _)| r == "worked as" && subj == "he"),
        "{:?}",
        s.open()
    );
}

#[test]
fn a_trailing_report_is_a_tuple_of_its_own() {
    let s = tagged(
        "Deals/NNS totaled/VBD $/$ 17/CD billion/CD ,/, the/DT firm/NN added/VBD ./.",
        "O",
    );
    assert!(
        has(
            &s.open(),
            ("added", "the firm", "Deals totaled $ 17 billion")
        ),
        "{:?}",
        s.open()
    );
}

/// Claims (not Open IE) on sentences from the seed article's neighbourhood.
fn claims_of(s: &Tagged) -> Vec<(String, String, String)> {
    let models = ModelIds {
        ner: "ner".into(),
        relations: "rules".into(),
    };
    let sentences = [s.sentence.clone()];
    let entities = [s.entities.clone()];
    let tokens = [s.tokens.clone()];
    let inputs = SentenceInput::zip(&sentences, &entities, &tokens);
    claimex_claims::claims_of_document(
        "d",
        &inputs,
        &models,
        None,
        claimex_claims::ClaimMethod::Rules,
    )
    .into_iter()
    .map(|c| {
        (
            c.subject.text,
            c.predicate.lemma,
            c.object.map(|o| o.text).unwrap_or_default(),
        )
    })
    .collect()
}

#[test]
fn a_relative_clause_after_a_list_is_about_every_conjunct() {
    let s = tagged(
        "Countries/NNS like/IN Azerbaijan/NNP* and/CC Uzbekistan/NNP* ,/, which/WDT maintain/VBP \
         close/JJ relations/NNS with/IN Israel/NNP* ,/, are/VBP candidates/NNS ./.",
        "LOC",
    );
    let found = claims_of(&s);
    for country in ["Azerbaijan", "Uzbekistan"] {
        assert!(
            found.iter().any(|(subj, lemma, o)| subj == country
                && lemma.starts_with("maintain")
                && o == "Israel"),
            "{country}: {found:?}"
        );
    }
}

#[test]
fn beyond_takes_an_object_and_an_unread_report_is_no_claim() {
    let s = tagged(
        "This/DT relationship/NN goes/VBZ beyond/IN just/RB diplomatic/JJ ties/NNS ./.",
        "O",
    );
    assert!(
        has(
            &claims_of(&s),
            ("This relationship", "go beyond", "diplomatic ties")
        ),
        "{:?}",
        claims_of(&s)
    );
    let s = tagged(
        "The/DT government/NN reiterated/VBD that/IN joining/VBG the/DT accords/NNS aligns/VBZ \
         with/IN its/PRP$ principles/NNS ./.",
        "O",
    );
    assert!(
        claims_of(&s)
            .iter()
            .all(|(_, lemma, _)| lemma != "reiterate"),
        "{:?}",
        claims_of(&s)
    );
}

#[test]
fn an_infinitive_after_a_passive_complement_has_the_passive_subject() {
    let s = tagged(
        "Other/JJ countries/NNS are/VBP considered/VBN likely/JJ candidates/NNS to/TO join/VB \
         the/DT initiative/NN ./.",
        "O",
    );
    let found = claims_of(&s);
    assert!(
        found
            .iter()
            .any(|(subj, lemma, _)| subj == "Other countries" && lemma == "join"),
        "{found:?}"
    );
    // After an active verb the phrase before the infinitive is its subject.
    let s = tagged(
        "Trump/NNP* urged/VBD the/DT leaders/NNS to/TO join/VB the/DT accords/NNS ./.",
        "PER",
    );
    let found = claims_of(&s);
    assert!(
        found
            .iter()
            .any(|(subj, lemma, _)| subj == "leaders" && lemma == "join"),
        "{found:?}"
    );
}

#[test]
fn a_past_form_with_an_agent_after_but_is_a_participle_not_a_second_verb() {
    // "sought" tagged as a past tense, as the seed article's tagger does.
    let s = tagged(
        "This/DT expansion/NN comes/VBZ amid/IN shifts/NNS ,/, in/IN a/DT region/NN ,/, but/CC \
         increasingly/RB sought/VBD after/IN by/IN China/NNP* ./.",
        "LOC",
    );
    let found = claims_of(&s);
    assert!(
        found
            .iter()
            .all(|(subj, lemma, _)| !(subj == "This expansion" && lemma.starts_with("seek"))),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(subj, lemma, _)| subj == "This expansion" && lemma == "come"),
        "{found:?}"
    );
    // A real second verb keeps the subject: "rose" has a participle of its own, and a number
    // after "by" is no agent.
    let s = tagged(
        "Sales/NNS fell/VBD in/IN May/NNP but/CC rose/VBD by/IN 5/CD percent/NN ./.",
        "O",
    );
    let found = claims_of(&s);
    assert!(
        found
            .iter()
            .any(|(subj, lemma, _)| subj == "Sales" && lemma.starts_with("rise")),
        "{found:?}"
    );
}
