//! Constructions met in news text, each on a hand-built tree shaped as the parser gives it
//! (including its usual mistakes, where a test says so).

use super::*;

type Row = (&'static str, &'static str, usize, &'static str);

fn triple(
    subject: &str,
    lemma: &str,
    object: Option<&str>,
    modality: Modality,
) -> (String, String, Option<String>, Modality) {
    (
        subject.into(),
        lemma.into(),
        object.map(Into::into),
        modality,
    )
}

fn of(rows: &[Row]) -> Vec<(String, String, Option<String>, Modality)> {
    triples(&claims(rows, &[]))
}

#[test]
fn alternatives_stay_one_argument_and_a_list_gives_one_claim_each() {
    let either: [Row; 8] = [
        ("The", "DT", 2, "det"),
        ("PKK", "NNP", 3, "nsubj"),
        ("fights", "VBZ", 0, "root"),
        ("for", "IN", 5, "case"),
        ("autonomy", "NN", 3, "obl"),
        ("or", "CC", 7, "cc"),
        ("independence", "NN", 5, "conj"),
        (".", ".", 3, "punct"),
    ];
    assert_eq!(
        of(&either),
        [triple(
            "PKK",
            "fight for",
            Some("autonomy or independence"),
            Modality::Asserted
        )]
    );
    let mut both = either;
    both[5].0 = "and";
    assert_eq!(
        of(&both),
        [
            triple("PKK", "fight for", Some("autonomy"), Modality::Asserted),
            triple("PKK", "fight for", Some("independence"), Modality::Asserted),
        ]
    );
}

#[test]
fn a_conjoined_verb_with_its_own_tense_keeps_its_own_modality() {
    let own: [Row; 10] = [
        ("They", "PRP", 4, "nsubj"),
        ("were", "VBD", 4, "cop"),
        ("not", "RB", 4, "advmod"),
        ("optimistic", "JJ", 0, "root"),
        ("and", "CC", 6, "cc"),
        ("pointed", "VBD", 4, "conj"),
        ("to", "IN", 9, "case"),
        ("the", "DT", 9, "det"),
        ("region", "NN", 6, "obl"),
        (".", ".", 4, "punct"),
    ];
    let found = of(&own);
    assert_eq!(found[0].3, Modality::Negated, "{found:?}");
    assert_eq!(
        found[1],
        triple("They", "point to", Some("region"), Modality::Asserted)
    );
    // A bare verb shares the auxiliaries: "did not buy shares or sell bonds".
    let shared: [Row; 9] = [
        ("They", "PRP", 4, "nsubj"),
        ("did", "VBD", 4, "aux"),
        ("not", "RB", 4, "advmod"),
        ("buy", "VB", 0, "root"),
        ("shares", "NNS", 4, "obj"),
        ("or", "CC", 7, "cc"),
        ("sell", "VB", 4, "conj"),
        ("bonds", "NNS", 7, "obj"),
        (".", ".", 4, "punct"),
    ];
    assert_eq!(
        of(&shared),
        [
            triple("They", "buy", Some("shares"), Modality::Negated),
            triple("They", "sell", Some("bonds"), Modality::Negated),
        ]
    );
}

#[test]
fn who_after_a_noun_and_comma_is_that_noun_and_declining_negates() {
    // The parser made the relative clause an adverbial clause of the main verb.
    let rows: [Row; 15] = [
        ("One", "CD", 2, "nummod"),
        ("man", "NN", 11, "nsubj"),
        (",", ",", 5, "punct"),
        ("who", "WP", 5, "nsubj"),
        ("declined", "VBD", 11, "advcl"),
        ("to", "TO", 7, "mark"),
        ("give", "VB", 5, "xcomp"),
        ("his", "PRP$", 9, "nmod:poss"),
        ("name", "NN", 7, "obj"),
        (",", ",", 5, "punct"),
        ("said", "VBD", 0, "root"),
        ("the", "DT", 13, "det"),
        ("talks", "NNS", 14, "nsubj"),
        ("failed", "VBD", 11, "ccomp"),
        (".", ".", 11, "punct"),
    ];
    let found = claims(&rows, &[]);
    assert_eq!(
        triples(&found),
        [
            triple("One man", "give", Some("his name"), Modality::Negated),
            triple("talks", "fail", None, Modality::Asserted),
        ]
    );
    assert_eq!(
        found[1].attribution.as_ref().map(|a| a.text.as_str()),
        Some("One man")
    );
}

#[test]
fn a_denied_clause_is_negated_and_the_denial_is_no_claim() {
    let rows: [Row; 10] = [
        ("The", "DT", 2, "det"),
        ("aides", "NNS", 3, "nsubj"),
        ("denied", "VBD", 0, "root"),
        ("rumours", "NNS", 3, "obj"),
        ("that", "IN", 9, "mark"),
        ("the", "DT", 7, "det"),
        ("minister", "NN", 9, "nsubj"),
        ("had", "VBD", 9, "aux"),
        ("resigned", "VBN", 4, "acl"),
        (".", ".", 3, "punct"),
    ];
    assert_eq!(
        of(&rows),
        [triple("minister", "resign", None, Modality::Negated)]
    );
}

#[test]
fn descriptions_on_nouns_give_no_claims_but_an_agent_does() {
    let introduced: [Row; 9] = [
        ("The", "DT", 2, "det"),
        ("EU", "NNP", 3, "nsubj"),
        ("objected", "VBD", 0, "root"),
        ("to", "IN", 5, "case"),
        ("tariffs", "NNS", 3, "obl"),
        ("introduced", "VBN", 5, "acl"),
        ("in", "IN", 8, "case"),
        ("January", "NNP", 6, "obl"),
        (".", ".", 3, "punct"),
    ];
    assert_eq!(
        of(&introduced),
        [triple(
            "EU",
            "object to",
            Some("tariffs"),
            Modality::Asserted
        )]
    );
    let to_build: [Row; 10] = [
        ("The", "DT", 2, "det"),
        ("BJP", "NNP", 3, "nsubj"),
        ("backs", "VBZ", 0, "root"),
        ("a", "DT", 5, "det"),
        ("campaign", "NN", 3, "obj"),
        ("to", "TO", 7, "mark"),
        ("build", "VB", 5, "acl"),
        ("a", "DT", 9, "det"),
        ("temple", "NN", 7, "obj"),
        (".", ".", 3, "punct"),
    ];
    assert_eq!(
        of(&to_build),
        [triple("BJP", "back", Some("campaign"), Modality::Asserted)]
    );
    // "called" tagged as a past tense; what it leads to describes the conference too.
    let called: [Row; 11] = [
        ("He", "PRP", 2, "nsubj"),
        ("spoke", "VBD", 0, "root"),
        ("at", "IN", 5, "case"),
        ("a", "DT", 5, "det"),
        ("conference", "NN", 2, "obl"),
        ("called", "VBD", 5, "acl"),
        ("to", "TO", 8, "mark"),
        ("discuss", "VB", 6, "advcl"),
        ("the", "DT", 10, "det"),
        ("budget", "NN", 8, "obj"),
        (".", ".", 2, "punct"),
    ];
    assert_eq!(
        of(&called),
        [triple(
            "He",
            "speak at",
            Some("conference"),
            Modality::Asserted
        )]
    );
    let led: [Row; 8] = [
        ("Roma", "NNP", 2, "nsubj"),
        ("present", "VBP", 0, "root"),
        ("a", "DT", 4, "det"),
        ("side", "NN", 2, "obj"),
        ("led", "VBN", 4, "acl"),
        ("by", "IN", 7, "case"),
        ("Totti", "NNP", 5, "obl"),
        (".", ".", 2, "punct"),
    ];
    assert_eq!(
        of(&led),
        [
            triple("Roma", "present", Some("side"), Modality::Asserted),
            triple("side", "be led by", Some("Totti"), Modality::Asserted),
        ]
    );
}

#[test]
fn saying_is_never_a_claim_of_its_own() {
    let said_what: [Row; 7] = [
        ("He", "PRP", 4, "nsubj"),
        ("would", "MD", 4, "aux"),
        ("not", "RB", 4, "advmod"),
        ("say", "VB", 0, "root"),
        ("the", "DT", 6, "det"),
        ("price", "NN", 4, "obj"),
        (".", ".", 4, "punct"),
    ];
    assert_eq!(of(&said_what), []);
    // The report of a quotation in the sentence before.
    let said_when: [Row; 7] = [
        ("An", "DT", 3, "det"),
        ("army", "NN", 3, "compound"),
        ("spokeswoman", "NN", 4, "nsubj"),
        ("said", "VBD", 0, "root"),
        ("on", "IN", 6, "case"),
        ("Saturday", "NNP", 4, "obl"),
        (".", ".", 4, "punct"),
    ];
    assert_eq!(of(&said_when), []);
    // "..., an official said on Friday" taken for an adverbial clause: the attribution.
    let reported: [Row; 12] = [
        ("The", "DT", 2, "det"),
        ("documents", "NNS", 5, "nsubj"),
        ("were", "VBD", 5, "cop"),
        ("not", "RB", 5, "advmod"),
        ("available", "JJ", 0, "root"),
        (",", ",", 9, "punct"),
        ("an", "DT", 8, "det"),
        ("official", "NN", 9, "nsubj"),
        ("said", "VBD", 5, "advcl"),
        ("on", "IN", 11, "case"),
        ("Friday", "NNP", 9, "obl"),
        (".", ".", 5, "punct"),
    ];
    let found = claims(&reported, &[]);
    assert_eq!(
        triples(&found),
        [triple(
            "documents",
            "be",
            Some("available"),
            Modality::Negated
        )]
    );
    assert!(found[0].attribution.is_some());
}

#[test]
fn they_is_the_nearest_subject_that_agrees() {
    let rows: [Row; 14] = [
        ("The", "DT", 2, "det"),
        ("witnesses", "NNS", 3, "nsubj"),
        ("said", "VBD", 0, "root"),
        ("the", "DT", 5, "det"),
        ("students", "NNS", 7, "nsubj:pass"),
        ("were", "VBD", 7, "aux:pass"),
        ("hit", "VBN", 3, "ccomp"),
        ("while", "IN", 11, "mark"),
        ("they", "PRP", 11, "nsubj:pass"),
        ("were", "VBD", 11, "aux:pass"),
        ("herded", "VBN", 7, "advcl"),
        ("onto", "IN", 13, "case"),
        ("buses", "NNS", 11, "obl"),
        (".", ".", 3, "punct"),
    ];
    assert_eq!(
        of(&rows),
        [
            triple("students", "be hit", None, Modality::Asserted),
            triple(
                "students",
                "be herded onto",
                Some("buses"),
                Modality::Asserted
            ),
        ]
    );
}

#[test]
fn an_adverb_bounding_an_amount_stays_in_the_argument() {
    let rows: [Row; 6] = [
        ("Steaua", "NNP", 2, "nsubj"),
        ("have", "VBP", 0, "root"),
        ("only", "RB", 5, "advmod"),
        ("two", "CD", 5, "nummod"),
        ("players", "NNS", 2, "obj"),
        (".", ".", 2, "punct"),
    ];
    assert_eq!(
        of(&rows),
        [triple(
            "Steaua",
            "have",
            Some("only two players"),
            Modality::Asserted
        )]
    );
}

#[test]
fn subjects_the_parser_hung_elsewhere_are_found() {
    // On the copula's preposition.
    let up_to: [Row; 7] = [
        ("Gascoigne", "NNP", 3, "nsubj"),
        ("was", "VBD", 6, "cop"),
        ("up", "IN", 6, "case"),
        ("to", "TO", 6, "case"),
        ("his", "PRP$", 6, "nmod:poss"),
        ("tricks", "NNS", 0, "root"),
        (".", ".", 6, "punct"),
    ];
    let found = of(&up_to);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].0.as_str(), found[0].2.as_deref()),
        ("Gascoigne", Some("his tricks"))
    );
    // On the reporting verb, between it and the reported clause.
    let hung: [Row; 9] = [
        ("The", "DT", 2, "det"),
        ("official", "NN", 3, "nsubj"),
        ("said", "VBD", 0, "root"),
        ("the", "DT", 5, "det"),
        ("decision", "NN", 3, "nsubj"),
        ("would", "MD", 7, "aux"),
        ("allow", "VB", 3, "ccomp"),
        ("flexibility", "NN", 7, "obj"),
        (".", ".", 3, "punct"),
    ];
    assert_eq!(
        of(&hung),
        [triple(
            "decision",
            "allow",
            Some("flexibility"),
            Modality::Future
        )]
    );
    // A participle set off after a name is about it.
    let hitting: [Row; 11] = [
        ("Benard", "NNP", 8, "nsubj"),
        (",", ",", 1, "punct"),
        ("hitting", "VBG", 1, "parataxis"),
        (".467", "CD", 3, "obj"),
        ("this", "DT", 6, "det"),
        ("season", "NN", 3, "obl:unmarked"),
        (",", ",", 1, "punct"),
        ("hit", "VBD", 0, "root"),
        ("a", "DT", 10, "det"),
        ("homer", "NN", 8, "obj"),
        (".", ".", 8, "punct"),
    ];
    assert_eq!(
        of(&hitting),
        [
            triple("Benard", "hit", Some(".467"), Modality::Asserted),
            triple("Benard", "hit", Some("homer"), Modality::Asserted),
        ]
    );
    // Of two subjects, the relative pronoun.
    let which: [Row; 12] = [
        ("They", "PRP", 2, "nsubj"),
        ("read", "VBD", 0, "root"),
        ("the", "DT", 4, "det"),
        ("report", "NN", 2, "obj"),
        ("which", "WDT", 9, "nsubj"),
        ("the", "DT", 7, "det"),
        ("spokesman", "NN", 9, "nsubj"),
        ("said", "VBD", 4, "acl:relcl"),
        ("came", "VBD", 4, "acl:relcl"),
        ("from", "IN", 11, "case"),
        ("members", "NNS", 9, "obl"),
        (".", ".", 2, "punct"),
    ];
    assert_eq!(
        of(&which),
        [
            triple("They", "read", Some("report"), Modality::Asserted),
            triple("report", "come from", Some("members"), Modality::Asserted),
        ]
    );
    // Not the subject of a clause of circumstance: "came hours after monitors spoke".
    let after: [Row; 9] = [
        ("The", "DT", 2, "det"),
        ("killings", "NNS", 3, "nsubj"),
        ("came", "VBD", 0, "root"),
        ("hours", "NNS", 3, "obl:unmarked"),
        ("after", "IN", 7, "case"),
        ("violence", "NN", 7, "compound"),
        ("monitors", "NNS", 3, "nsubj"),
        ("spoke", "VBD", 3, "advcl"),
        (".", ".", 3, "punct"),
    ];
    let found = of(&after);
    assert_eq!(
        found[0],
        triple("killings", "come", None, Modality::Asserted)
    );
}

#[test]
fn verbs_tagged_as_nouns_are_read_as_verbs_by_their_tree() {
    let vouch: [Row; 13] = [
        ("Reuters", "NNP", 4, "nsubj"),
        ("has", "VBZ", 4, "aux"),
        ("not", "RB", 4, "advmod"),
        ("verified", "VBN", 0, "root"),
        ("the", "DT", 6, "det"),
        ("stories", "NNS", 4, "obj"),
        ("and", "CC", 10, "cc"),
        ("does", "VBZ", 10, "aux"),
        ("not", "RB", 10, "advmod"),
        ("vouch", "NN", 4, "conj"),
        ("for", "IN", 12, "case"),
        ("accuracy", "NN", 10, "obl"),
        (".", ".", 4, "punct"),
    ];
    assert_eq!(
        of(&vouch),
        [
            triple("Reuters", "verify", Some("stories"), Modality::Negated),
            triple("Reuters", "vouch for", Some("accuracy"), Modality::Negated),
        ]
    );
    let switch: [Row; 9] = [
        ("Sales", "NNS", 2, "nsubj"),
        ("rose", "VBD", 0, "root"),
        ("as", "IN", 6, "mark"),
        ("young", "JJ", 5, "amod"),
        ("consumers", "NNS", 6, "nsubj"),
        ("switch", "NN", 2, "advcl"),
        ("from", "IN", 8, "case"),
        ("vodka", "NN", 6, "obl"),
        (".", ".", 2, "punct"),
    ];
    assert_eq!(
        of(&switch),
        [
            triple("Sales", "rise", None, Modality::Asserted),
            triple(
                "young consumers",
                "switch from",
                Some("vodka"),
                Modality::Asserted
            ),
        ]
    );
}

#[test]
fn a_clause_before_a_conjoined_verb_does_not_lend_it_a_subject() {
    let rows: [Row; 12] = [
        ("Acme", "NNP", 2, "nsubj"),
        ("bought", "VBD", 0, "root"),
        ("Beta", "NNP", 2, "obj"),
        ("and", "CC", 10, "cc"),
        (",", ",", 10, "punct"),
        ("after", "IN", 8, "mark"),
        ("regulators", "NNS", 8, "nsubj"),
        ("approved", "VBD", 10, "advcl"),
        (",", ",", 10, "punct"),
        ("sold", "VBD", 2, "conj"),
        ("Gamma", "NNP", 10, "obj"),
        (".", ".", 2, "punct"),
    ];
    let sold: Vec<_> = of(&rows).into_iter().filter(|t| t.1 == "sell").collect();
    assert_eq!(
        sold,
        [triple("Acme", "sell", Some("Gamma"), Modality::Asserted)]
    );
}
