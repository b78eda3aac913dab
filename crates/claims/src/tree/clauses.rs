//! Clauses: which verb carries a claim, its subject, its object, voice and modality.

use super::graph::Tree;
use crate::lexicon::{lemma_of_tagged_verb, MORE_TIME_WORDS, TIME_WORDS};
use crate::modality::modality_of;
use crate::rules::SentenceInput;

/// For a copula's nominal ("stages" in "is in the final stages of joining"): its verb
/// complement introduced by "of" or "to", which carries the claim.
pub(super) fn light_copula_complement(tree: &Tree, anchor: usize) -> Option<usize> {
    tree.child(anchor, &["cop"])?;
    tree.children[anchor].iter().copied().find(|&c| {
        c > anchor
            && matches!(tree.base(c), "acl" | "advcl")
            && tree.is_verb(c)
            && tree
                .child(c, &["mark"])
                .is_some_and(|m| matches!(tree.word(m).as_str(), "of" | "to"))
    })
}

/// Whether `verb` is such a complement (and so part of its copula's claim).
pub(super) fn light_copula_verb(tree: &Tree, verb: usize) -> Option<usize> {
    let head = tree.heads[verb]?;
    (light_copula_complement(tree, head) == Some(verb)).then_some(head)
}

/// The modality of the words from token `first` to token `last` (cues in them and just before).
pub(super) fn modality_over(
    chars: &[char],
    input: &SentenceInput,
    first: usize,
    last: usize,
) -> claimex_core::Modality {
    let start = input.tokens[first].start - input.sentence.start;
    let end = (input.tokens[last].end - input.sentence.start)
        .min(chars.len())
        .max(start);
    modality_of(chars, start, end)
}

/// The modality a clause without cues of its own takes from the clause it belongs to: a purpose
/// clause ("might sell X to reduce Y"), an open complement, or a conjoined verb without
/// auxiliaries of its own ("will move and serve").
pub(super) fn inherited_modality(
    tree: &Tree,
    chars: &[char],
    input: &SentenceInput,
    anchor: usize,
) -> Option<claimex_core::Modality> {
    let mut at = anchor;
    for _ in 0..tree.tokens.len() {
        let head = tree.heads[at]?;
        let own_aux = tree
            .child(at, &["aux", "aux:pass", "nsubj", "nsubj:pass"])
            .is_some();
        let linked = match tree.rel(at) {
            "xcomp" => true,
            "advcl" => tree
                .child(at, &["mark"])
                .is_some_and(|m| tree.word(m) == "to"),
            // A conjoined verb with a tense of its own ("were not optimistic and pointed")
            // does not share the first one's auxiliaries ("will move and serve" does).
            "conj" => !own_aux && !matches!(tree.tokens[at].pos.as_str(), "VBD" | "VBZ" | "VBP"),
            _ => false,
        };
        if !linked {
            return None;
        }
        let first = tree.group_start(head, &["aux", "aux:pass", "advmod"]);
        let m = modality_over(chars, input, first, head);
        if m != claimex_core::Modality::Asserted {
            return Some(m);
        }
        at = head;
    }
    None
}

/// A passive verb: with a passive auxiliary, or a participle with a passive subject or after a
/// noun ("a side led by ...").
pub(super) fn is_passive(tree: &Tree, verb: usize) -> bool {
    let participle = tree.tokens[verb].pos == "VBN";
    tree.child(verb, &["aux:pass"]).is_some()
        || (participle && tree.child(verb, &["nsubj:pass"]).is_some())
        || (participle && tree.rel(verb) == "acl" && tree.child(verb, &["nsubj"]).is_none())
}

/// A clause that describes a noun rather than asserting something about it, and so gives no
/// claim: a participle on a noun inside a prepositional phrase ("of the 270 people hanged for
/// ...", "at a news conference called to ..."), a past participle right after its noun without
/// an agent ("products introduced on January 1"; "a side led by X" is a claim), or an
/// infinitive on a noun ("the decision to split the company", "a campaign to build a temple").
pub(super) fn descriptive_participle(tree: &Tree, verb: usize) -> bool {
    if tree.rel(verb) != "acl" {
        return false;
    }
    let Some(noun) = tree.heads[verb] else {
        return false;
    };
    let pos = tree.tokens[verb].pos.as_str();
    let in_phrase = tree.child(noun, &["case"]).is_some();
    let set_off = verb > 0 && tree.tokens[verb - 1].text == ",";
    let agent = agent(tree, verb).is_some();
    // A clause with a subject or subordinator of its own is no description ("rumours that the
    // minister had resigned").
    let subject = tree.child(verb, &["nsubj", "nsubj:pass"]).is_some();
    let mark = tree.child(verb, &["mark"]).map(|m| tree.word(m));
    let infinitive = mark.as_deref() == Some("to") && !subject;
    let participle = !subject && mark.is_none();
    // A past form on a noun is a participle whatever its tag ("a news conference called to").
    (participle && matches!(pos, "VBN" | "VBD" | "VBG") && in_phrase)
        || (participle && matches!(pos, "VBN" | "VBD") && !set_off && !agent)
        || infinitive
}

/// Whether the clause at `verb` is such a description or part of one ("a conference called to
/// discuss X": discuss X is no claim either).
pub(super) fn within_description(tree: &Tree, verb: usize) -> bool {
    let mut at = verb;
    for _ in 0..tree.tokens.len() {
        if descriptive_participle(tree, at) {
            return true;
        }
        match tree.heads[at] {
            Some(h) if matches!(tree.base(at), "advcl" | "xcomp" | "conj" | "ccomp") => at = h,
            _ => return false,
        }
    }
    false
}

/// For a verb with a direct object and an open complement ("allowed Japan to come", "urged
/// them to vote"): the object, which is the complement's subject.
pub(super) fn object_control(tree: &Tree, verb: usize) -> Option<usize> {
    tree.child(verb, &["xcomp"]).filter(|&c| tree.is_verb(c))?;
    tree.child(verb, &["obj"])
}

/// Prepositions whose phrase is a circumstance of the clause (time, place nearby, cause), not an
/// argument of the verb: "cut jobs after a loss", "arrested near the station".
pub(super) const ADJUNCT_PREPOSITIONS: &[&str] = &[
    "after",
    "amid",
    "before",
    "because",
    "despite",
    "during",
    "following",
    "near",
    "since",
    "throughout",
    "until",
    "while",
    "within",
    "without",
];

/// Whether the phrase headed by `i` names a time: a time word, a year ("in 1984") or a day of a
/// month ("on June 1", where the number heads the phrase).
pub(super) fn is_time(tree: &Tree, i: usize) -> bool {
    let word = tree.word(i);
    let month = |k: usize| {
        matches!(
            tree.word(k).as_str(),
            "january"
                | "february"
                | "march"
                | "april"
                | "may"
                | "june"
                | "july"
                | "august"
                | "september"
                | "october"
                | "november"
                | "december"
        )
    };
    let dated = tree.tokens[i].pos == "CD" && tree.children[i].iter().any(|&c| month(c));
    dated
        || TIME_WORDS.contains(&word.as_str())
        || MORE_TIME_WORDS.contains(&word.as_str())
        || (word.len() == 4
            && word.starts_with(['1', '2'])
            && word.chars().all(|c| c.is_ascii_digit()))
        || matches!(tree.rel(i), "obl:tmod" | "obl:unmarked")
}

/// A verb's agent: its `obl:agent`, else a prepositional phrase with "by" after it.
fn agent(tree: &Tree, verb: usize) -> Option<usize> {
    tree.child(verb, &["obl:agent"]).or_else(|| {
        tree.children[verb].iter().copied().find(|&c| {
            c > verb
                && tree.base(c) == "obl"
                && tree
                    .child(c, &["case"])
                    .is_some_and(|k| tree.word(k) == "by")
        })
    })
}

/// A verb's prepositional argument: its passive agent, else its first prepositional phrase after
/// it that is not a time or an "according to" phrase.
pub(super) fn prepositional_object(tree: &Tree, verb: usize) -> Option<usize> {
    // A "by" phrase is the agent only of a passive.
    if let Some(a) =
        agent(tree, verb).filter(|&a| tree.rel(a) == "obl:agent" || is_passive(tree, verb))
    {
        return Some(a);
    }
    tree.children[verb].iter().copied().find(|&c| {
        c > verb
            && matches!(tree.rel(c), "obl" | "obl:npmod")
            && !is_time(tree, c)
            && tree.child(c, &["case"]).map_or(true, |k| {
                let case = tree.word(k);
                case != "according" && !ADJUNCT_PREPOSITIONS.contains(&case.as_str())
            })
    })
}

/// The verb's object: an object (or indirect object) after it, else a second subject after it
/// when its subject comes before ("Gaza remains the main obstacle", mislabelled).
pub(super) fn direct_object(tree: &Tree, verb: usize) -> Option<usize> {
    let after = |rels: &[&str]| {
        tree.children[verb]
            .iter()
            .copied()
            .find(|&c| c > verb && rels.contains(&tree.rel(c)))
    };
    after(&["obj"]).or_else(|| after(&["iobj"])).or_else(|| {
        own_subject(tree, verb)
            .filter(|&s| s < verb)
            .and_then(|_| after(&["nsubj"]))
            // "came hours after monitors said": the subject of a clause of circumstance.
            .filter(|&o| {
                tree.child(o, &["case", "mark"]).map_or(true, |c| {
                    !ADJUNCT_PREPOSITIONS.contains(&tree.word(c).as_str())
                })
            })
    })
}

/// The subject of the clause at `anchor`: its own, else that of the clause it is conjoined to or
/// an adverbial clause of, else the noun a relative clause or participle modifies, else (the
/// parser left the clause without one) the noun just before its verb group.
pub(super) fn subject_of(tree: &Tree, anchor: usize) -> Option<usize> {
    let mut at = anchor;
    for _ in 0..tree.tokens.len() {
        if let Some(s) = own_subject(tree, at) {
            return Some(s);
        }
        // "Paul Gascoigne was up to his old tricks" with the subject hung on "up".
        // Only a word of the clause itself carries it: a clause before the verb ("after
        // regulators approved, sold it") has a subject of its own.
        if let Some(s) = tree.children[at].iter().find_map(|&c| {
            let clausal = matches!(
                tree.base(c),
                "nsubj" | "csubj" | "advcl" | "ccomp" | "xcomp" | "acl" | "parataxis" | "conj"
            );
            (c < at && !clausal)
                .then(|| subject_child(tree, c, 0..c))
                .flatten()
        }) {
            return Some(s);
        }
        let Some(head) = tree.heads[at] else {
            return subject_before(tree, at);
        };
        if tree.rel(at) == "xcomp" {
            if let Some(o) = object_control(tree, head) {
                return Some(o);
            }
        }
        match tree.rel(at) {
            "conj" | "advcl" | "xcomp" => at = head,
            "acl" | "acl:relcl" => return Some(head),
            // "said the decision to split X would allow Y": the parser hung the clause's
            // subject on the reporting verb, between it and the clause.
            // "Benard, hitting .467 against the Mets, hit ...": a clause on a noun is about it.
            "parataxis" if tree.tokens[head].pos.starts_with("NN") => return Some(head),
            "ccomp" | "parataxis" => {
                return subject_child(tree, head, head + 1..at)
                    .or_else(|| subject_before(tree, at));
            }
            _ => return None,
        }
    }
    None
}

/// The first child of `node` in `range` that is a nominal subject.
fn subject_child(tree: &Tree, node: usize, range: std::ops::Range<usize>) -> Option<usize> {
    tree.children[node]
        .iter()
        .copied()
        .find(|&c| range.contains(&c) && matches!(tree.rel(c), "nsubj" | "nsubj:pass"))
}

/// The verb's own subject: the nearest subject before it when the parser gave it two ("told
/// reporters Ghana would qualify"), a subject after it only when none comes before; else an
/// object before it, which is a subject the parser mislabelled ("the floods closed schools").
pub(super) fn own_subject(tree: &Tree, verb: usize) -> Option<usize> {
    let subjects: Vec<usize> = tree.children[verb]
        .iter()
        .copied()
        .filter(|&c| matches!(tree.rel(c), "nsubj" | "nsubj:pass" | "csubj"))
        .collect();
    // "the report which the spokesman said came from X": of two subjects, the relative pronoun.
    let relative = subjects
        .iter()
        .copied()
        .find(|&c| subjects.len() > 1 && matches!(tree.tokens[c].pos.as_str(), "WDT" | "WP"));
    let before = subjects.iter().copied().filter(|&c| c < verb).max();
    relative
        .or(before)
        .or_else(|| subjects.first().copied())
        .or_else(|| {
            tree.children[verb]
                .iter()
                .copied()
                .find(|&c| tree.rel(c) == "obj" && c < verb)
        })
}

/// The head of the noun phrase that ends just before the verb group of `verb` (its auxiliaries
/// and adverbs), for a clause the parser left without a subject: "the African Development Bank
/// had approved", with the bank attached elsewhere.
fn subject_before(tree: &Tree, verb: usize) -> Option<usize> {
    let start = tree.group_start(verb, &["aux", "aux:pass", "advmod"]);
    let mut k = start.checked_sub(1)?;
    if !(tree.tokens[k].pos.starts_with("NN") || tree.tokens[k].pos == "PRP") {
        return None;
    }
    // From a name's last word to the word the name hangs on ("Lucas Moreau": Lucas).
    for _ in 0..tree.tokens.len() {
        if !matches!(tree.base(k), "flat" | "fixed") {
            break;
        }
        k = tree.heads[k]?;
    }
    Some(k)
}

/// Verbs that deny what they report.
const DENIAL_VERBS: &[&str] = &["deny", "dismiss", "reject", "refute"];

/// The verb of denial whose content the clause at `anchor` is: its clause complement ("denied
/// that X"), or a "that" clause on its object ("denied rumours that X", "denied a string of
/// rumours that X"). Such a clause is negated, and the denial is no claim of its own.
pub(super) fn denial_of(tree: &Tree, anchor: usize) -> Option<usize> {
    let head = tree.heads[anchor]?;
    let denial = |v: usize| {
        tree.is_verb(v)
            && DENIAL_VERBS.contains(&lemma_of_tagged_verb(&tree.tokens[v].text).as_str())
    };
    match tree.base(anchor) {
        "ccomp" => denial(head).then_some(head),
        "acl"
            if tree
                .child(anchor, &["mark"])
                .is_some_and(|m| tree.word(m) == "that") =>
        {
            let mut noun = head;
            for _ in 0..tree.tokens.len() {
                if tree.base(noun) != "nmod" {
                    break;
                }
                noun = tree.heads[noun]?;
            }
            let verb = tree.heads[noun]?;
            (tree.base(noun) == "obj" && denial(verb)).then_some(verb)
        }
        _ => None,
    }
}
