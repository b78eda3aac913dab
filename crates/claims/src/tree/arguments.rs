//! Arguments: the phrase a subject or object covers, and what pronouns and descriptions stand
//! for.

use claimex_core::{Argument, EntitySpan, Predicate, Sentence};

use super::graph::Tree;
use crate::resolve::Earlier;
use crate::rules::SentenceInput;

/// What a personal pronoun at `i` stands for within its sentence: "I" and "me" in a reported
/// clause are the reporter (`source`); "he", "she", "it" and "they" the nearest earlier clause
/// subject that agrees in number and is no pronoun and not in `not` (an object pronoun never
/// stands for its own clause's subject), which is the reporter in "the ministers said they
/// would" and the reported subject in "said the students were hit while they were herded";
/// else the reporter when it comes first and agrees.
/// `None`: `i` is no pronoun, or nothing in the sentence fits (the pronoun stays).
pub(super) fn antecedent(
    tree: &Tree,
    i: usize,
    source: Option<usize>,
    person_of: impl Fn(usize) -> Option<bool>,
    not: &[usize],
) -> Option<usize> {
    let word = tree.word(i);
    // "we" and "us" are a group the reporter belongs to, not the reporter: they stay.
    let first_person = matches!(word.as_str(), "i" | "me");
    let third = matches!(
        word.as_str(),
        "he" | "she" | "it" | "they" | "him" | "her" | "them"
    );
    let pronoun = |k: usize| matches!(tree.tokens[k].pos.as_str(), "PRP" | "PRP$" | "WP" | "WDT");
    if !(first_person || third) {
        return None;
    }
    // "he" and "she" need a person's name, "it" a singular noun that is no person's name;
    // "they" may be a plural or a name.
    let person_pronoun = matches!(word.as_str(), "he" | "she" | "him" | "her");
    let singular = person_pronoun || word == "it";
    let agrees = |k: usize| {
        let person = person_of(k);
        // A name other than a person's ("Vela Motors") is an "it" whatever its tag.
        let singular_noun =
            matches!(tree.tokens[k].pos.as_str(), "NN" | "NNP") || person == Some(false);
        (!singular || singular_noun)
            && (!person_pronoun || person == Some(true))
            && !(word == "it" && person == Some(true))
    };
    let source = source.filter(|&s| s != i && !pronoun(s));
    if first_person {
        return source;
    }
    (0..i)
        .rev()
        .find(|&k| {
            matches!(tree.rel(k), "nsubj" | "nsubj:pass")
                && !pronoun(k)
                && agrees(k)
                && !not.contains(&k)
        })
        .or(source.filter(|&s| s < i && agrees(s)))
}

/// A relative pronoun stands for the noun its clause modifies: the relative clause is the
/// pronoun's own clause, or one that holds it as a complement ("the mosque, which Hindus believe
/// was the birthplace").
pub(super) fn resolve_relative(tree: &Tree, s: usize) -> usize {
    if !matches!(tree.word(s).as_str(), "who" | "which" | "that" | "whom") {
        return s;
    }
    let mut clause = tree.heads[s];
    for _ in 0..tree.tokens.len() {
        let Some(c) = clause else { break };
        match tree.rel(c) {
            // A clause on a noun with a relative pronoun is a relative clause, whatever its label.
            "acl:relcl" | "acl" => return tree.heads[c].unwrap_or(s),
            "ccomp" | "xcomp" => clause = tree.heads[c],
            _ => break,
        }
    }
    // The parser did not make it a relative clause: the noun just before the pronoun and its
    // comma ("One elderly man, who declined ..."), from a name's last word to its first.
    let mut k = match s.checked_sub(2) {
        Some(k) if tree.tokens[k + 1].text == "," => k,
        _ => s.checked_sub(1).unwrap_or(s),
    };
    if k == s || !tree.tokens[k].pos.starts_with("NN") {
        return s;
    }
    for _ in 0..tree.tokens.len() {
        match tree.heads[k] {
            Some(h) if tree.base(k) == "flat" => k = h,
            _ => break,
        }
    }
    k
}

/// Gives an argument that is a pronoun or a definite description ("the kingdom") the id and type
/// of the entity it stands for among those named before it, if any; its text and span stay.
pub(super) fn resolve_reference(
    tree: &Tree,
    input: &SentenceInput,
    earlier: &Earlier,
    first: usize,
    head: usize,
    arg: &mut Argument,
) {
    let at = input.tokens[first].start;
    let found = if first == head && input.tokens[head].pos == "PRP" {
        earlier
            .pronoun(&tree.word(head), at)
            .cloned()
            .map(|e| (e, 0.8))
    } else if tree.word(first) == "the" && head > first {
        let words: Vec<String> = (first + 1..=head).map(|k| tree.word(k)).collect();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        earlier.description(&words, at).map(|e| (e, 0.9))
    } else {
        None
    };
    if let Some((entity, factor)) = found {
        arg.label = Some(entity.label.clone());
        arg.entity = entity.entity.clone();
        arg.score = entity.score * factor;
    }
}

/// The argument over tokens `first..=last`, typed by the entity mention at its head token
/// `head` (a phrase that merely holds a name, "a hardline Hindu campaign", is no entity), scored
/// 0.75 when it is no entity.
pub(super) fn argument(input: &SentenceInput, first: usize, last: usize, head: usize) -> Argument {
    let head_token = &input.tokens[head];
    let entity: Option<&EntitySpan> = input
        .entities
        .iter()
        .find(|e| e.start < head_token.end && head_token.start < e.end);
    // Without a leading article, as the rules give arguments ("the initiative": initiative), unless
    // the article is part of the name ("The Hague").
    let article = |k: usize| {
        matches!(
            input.tokens[k].text.to_lowercase().as_str(),
            "the" | "a" | "an"
        ) && !entity.is_some_and(|e| e.start <= input.tokens[k].start)
    };
    let first = if first < last && first < head && article(first) {
        first + 1
    } else {
        first
    };
    let (start, end) = (input.tokens[first].start, input.tokens[last].end);
    // A phrase that is the name is the name itself, typed and linked.
    if let Some(e) = entity.filter(|e| e.start == start && e.end == end) {
        return Argument::from(e);
    }
    Argument {
        text: slice(input.sentence, start, end),
        label: entity.map(|e| e.label.clone()),
        start,
        end,
        score: entity.map_or(0.75, |e| e.score),
        entity: entity.and_then(|e| e.entity.clone()),
    }
}

pub(super) fn span_predicate(
    input: &SentenceInput,
    (first, last): (usize, usize),
    lemma: String,
) -> Predicate {
    let (start, end) = (input.tokens[first].start, input.tokens[last].end);
    Predicate {
        text: slice(input.sentence, start, end),
        lemma,
        start,
        end,
    }
}

/// Document characters `start..end` of a sentence.
pub(super) fn slice(sentence: &Sentence, start: usize, end: usize) -> String {
    sentence
        .text
        .chars()
        .skip(start - sentence.start)
        .take(end - start)
        .collect()
}
