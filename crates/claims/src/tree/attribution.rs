//! Attribution: reporting verbs ("X said", "according to X") and the clauses they report.

use claimex_core::Attribution;

use super::arguments::argument;
use super::clauses::own_subject;
use super::graph::Tree;
use crate::lexicon::lemma_of_tagged_verb;
use crate::rules::{SentenceInput, REPORTING};

/// The subject of the reporting verb that reports the clause at `anchor`, if any.
pub(super) fn attribution_subject(tree: &Tree, anchor: usize) -> Option<usize> {
    for &c in &tree.children[anchor] {
        if reports(tree, c) == Some(anchor) {
            return own_subject(tree, c);
        }
    }
    let mut at = anchor;
    for _ in 0..tree.tokens.len() {
        let Some(h) = tree.heads[at] else { break };
        if reports(tree, h) == Some(at) {
            return own_subject(tree, h);
        }
        if !matches!(tree.base(at), "conj" | "xcomp" | "advcl") {
            break;
        }
        at = h;
    }
    None
}

/// For a reporting verb: the clause it reports (its clause complement, or the clause it
/// interrupts as a parenthetical).
pub(super) fn reports(tree: &Tree, verb: usize) -> Option<usize> {
    if !tree.is_verb(verb)
        || !REPORTING.contains(&lemma_of_tagged_verb(&tree.tokens[verb].text).as_str())
    {
        return None;
    }
    if let Some(c) = tree.child(verb, &["ccomp"]) {
        return Some(c);
    }
    match tree.rel(verb) {
        "parataxis" => tree.heads[verb],
        // "..., an official said on Friday" taken for an adverbial clause: after its head, set
        // off by a comma, with no subordinator.
        "advcl" => tree.heads[verb].filter(|&h| {
            let first = tree.subtree_start(verb);
            h < first
                && first > 0
                && tree.tokens[first - 1].text == ","
                && tree.child(verb, &["mark"]).is_none()
        }),
        _ => None,
    }
}

/// Who the clause at `anchor` is attributed to: the subject of a reporting verb whose clause
/// complement holds it, or which interrupts it, or an `according to X` phrase.
pub(super) fn attribution_of(
    tree: &Tree,
    anchor: usize,
    input: &SentenceInput,
) -> Option<Attribution> {
    // A reporting verb among the clause's own children (parenthetical "..., he said").
    for &c in &tree.children[anchor] {
        if reports(tree, c) == Some(anchor) {
            return source(tree, c, input);
        }
        if tree.base(c) == "obl"
            && tree
                .child(c, &["case"])
                .is_some_and(|k| tree.word(k) == "according")
        {
            let (f, l) = tree.phrase(c, true);
            let a = argument(input, f, l, c);
            return Some(Attribution {
                text: a.text.trim_start_matches("to ").to_string(),
                label: a.label,
                cue: "according to".into(),
            });
        }
    }
    // Up the tree through clause links to a reporting verb.
    let mut at = anchor;
    for _ in 0..tree.tokens.len() {
        let Some(h) = tree.heads[at] else { break };
        if reports(tree, h) == Some(at) {
            return source(tree, h, input);
        }
        if !matches!(tree.base(at), "conj" | "xcomp" | "advcl") {
            break;
        }
        at = h;
    }
    None
}

/// The reporter of a reporting verb: its subject, or the person named in it ("Secretary of
/// State Marco Rubio" is Marco Rubio).
pub(super) fn source(tree: &Tree, verb: usize, input: &SentenceInput) -> Option<Attribution> {
    let s = own_subject(tree, verb)?;
    let (f, l) = tree.phrase(s, false);
    let cue = input.tokens[verb].text.clone();
    // The person the subject is: named at its head, or in a name or apposition on it ("Secretary
    // of State Marco Rubio", "a spokesman, Lex van Drooge"); not a person it merely mentions ("a
    // spokesman for Vladimir Putin").
    let heads = std::iter::once(s).chain(
        tree.children[s]
            .iter()
            .copied()
            .filter(|&c| matches!(tree.base(c), "appos" | "flat" | "compound")),
    );
    let person = heads.into_iter().find_map(|k| {
        let t = &input.tokens[k];
        input
            .entities
            .iter()
            .find(|e| e.label == "PER" && e.start < t.end && t.start < e.end)
    });
    if let Some(person) = person {
        return Some(Attribution {
            text: person.text.clone(),
            label: Some(person.label.clone()),
            cue,
        });
    }
    let a = argument(input, f, l, s);
    Some(Attribution {
        text: a.text,
        label: a.label,
        cue,
    })
}
