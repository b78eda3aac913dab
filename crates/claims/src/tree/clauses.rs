//! Clauses: which verb carries a claim, its subject, its object, voice and modality.

use super::graph::Tree;
use crate::build::SentenceInput;
use crate::lexicon::{MORE_TIME_WORDS, TIME_WORDS};
use crate::modality::modality_of;

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
            "conj" => !own_aux,
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
        || (participle && tree.rel(verb) == "acl")
}

/// A participle that describes a noun inside a prepositional phrase ("of the 270 people hanged
/// for ...", "at a news conference called to ..."): no claim of its own.
pub(super) fn descriptive_participle(tree: &Tree, verb: usize) -> bool {
    tree.rel(verb) == "acl"
        && matches!(tree.tokens[verb].pos.as_str(), "VBN" | "VBG")
        && tree.heads[verb].is_some_and(|noun| tree.child(noun, &["case"]).is_some())
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

/// A verb's prepositional argument: its passive agent, else its first prepositional phrase after
/// it that is not a time or an "according to" phrase.
pub(super) fn prepositional_object(tree: &Tree, verb: usize) -> Option<usize> {
    if let Some(agent) = tree.child(verb, &["obl:agent"]) {
        return Some(agent);
    }
    if is_passive(tree, verb) {
        let by = tree.children[verb].iter().copied().find(|&c| {
            c > verb
                && tree.base(c) == "obl"
                && tree
                    .child(c, &["case"])
                    .is_some_and(|k| tree.word(k) == "by")
        });
        if by.is_some() {
            return by;
        }
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
            "ccomp" | "parataxis" => return subject_before(tree, at),
            _ => return None,
        }
    }
    None
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
    let before = subjects.iter().copied().filter(|&c| c < verb).max();
    before.or_else(|| subjects.first().copied()).or_else(|| {
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
