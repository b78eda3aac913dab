//! Phrases over tagged tokens: noun phrases (entities kept whole), verb groups in the style of
//! ReVerb's relation phrases, and a fallback tagger for models without a syntax head.

use claimex_core::{tokenize, EntitySpan, Sentence, TaggedToken};

use crate::lexicon::{lemma_of_tagged_verb, lemma_of_verb};

/// A token of the sentence, offsets relative to the sentence (characters).
#[derive(Debug, Clone)]
pub(crate) struct Tok {
    pub text: String,
    pub lower: String,
    pub start: usize,
    pub end: usize,
    pub pos: String,
    /// Index of the entity mention covering this token.
    pub entity: Option<usize>,
}

impl Tok {
    pub fn is_verb(&self) -> bool {
        self.pos.starts_with("VB") || self.pos == "MD"
    }
    pub fn is_noun(&self) -> bool {
        self.pos.starts_with("NN") || self.pos == "CD" || self.pos == "PRP"
    }
    pub fn is_adverb(&self) -> bool {
        self.pos.starts_with("RB") || matches!(self.lower.as_str(), "not" | "n't" | "never")
    }
}

/// The sentence's tokens: the tagged tokens the model gave, or, without a syntax head, the
/// treebank tokens with tags guessed from word lists ([`guess_pos`]). Each token notes the entity
/// mention it lies in.
pub(crate) fn sentence_tokens(
    sentence: &Sentence,
    tagged: &[TaggedToken],
    entities: &[&EntitySpan],
) -> Vec<Tok> {
    let chars: Vec<char> = sentence.text.chars().collect();
    let mut toks: Vec<Tok> = if tagged.is_empty() {
        tokenize(&sentence.text)
            .into_iter()
            .map(|s| {
                let text: String = chars[s.start..s.end].iter().collect();
                Tok {
                    lower: text.to_lowercase().replace('’', "'"),
                    text,
                    start: s.start,
                    end: s.end,
                    pos: String::new(),
                    entity: None,
                }
            })
            .collect()
    } else {
        tagged
            .iter()
            .filter(|t| t.start >= sentence.start && t.end <= sentence.end)
            .map(|t| Tok {
                lower: t.text.to_lowercase().replace('’', "'"),
                text: t.text.clone(),
                start: t.start - sentence.start,
                end: t.end - sentence.start,
                pos: t.pos.clone(),
                entity: None,
            })
            .collect()
    };
    if tagged.is_empty() {
        guess_pos(&mut toks);
    }
    for (k, e) in entities.iter().enumerate() {
        let (s, en) = (e.start - sentence.start, e.end - sentence.start);
        for t in toks.iter_mut().filter(|t| t.start < en && s < t.end) {
            t.entity = Some(k);
        }
    }
    toks
}

const DETERMINERS: &[&str] = &[
    "the", "a", "an", "this", "these", "those", "some", "any", "no", "every", "each", "all",
    "both", "another",
];
const QUANTIFIERS: &[&str] = &[
    "some", "many", "most", "all", "none", "each", "several", "few", "both", "one", "two", "three",
    "four", "five",
];
const POSSESSIVES: &[&str] = &["its", "their", "his", "her", "our", "my", "your"];
const PRONOUNS: &[&str] = &[
    "it", "they", "he", "she", "we", "i", "you", "him", "them", "us", "me",
];
const PREPOSITIONS: &[&str] = &[
    "of", "in", "on", "at", "by", "for", "with", "from", "into", "over", "after", "before",
    "between", "against", "during", "under", "near", "about", "as", "since", "until", "than",
    "through", "across", "within", "without", "amid", "despite", "that", "if", "because", "while",
    "although",
];
const ADVERBS: &[&str] = &[
    "also", "already", "still", "soon", "now", "just", "even", "yet", "again", "further", "once",
    "later", "then", "recently", "ever", "very", "too", "only", "not", "never", "n't",
];
/// Endings of lower-case adjectives ("diplomatic", "economic", "cautious").
const ADJECTIVE_ENDINGS: &[&str] = &[
    "ic", "al", "ive", "ous", "ful", "less", "able", "ible", "ary", "ese", "ian", "ish",
];
const MODALS: &[&str] = &[
    "will", "would", "may", "might", "can", "could", "shall", "should", "must", "'ll",
];

/// Treebank tags from word lists and word forms: closed classes by list, verbs by the lexicon,
/// capitalised words as proper nouns, the rest as common nouns. Only used without a syntax head.
pub(crate) fn guess_pos(toks: &mut [Tok]) {
    for i in 0..toks.len() {
        let w = toks[i].lower.clone();
        let first = toks[i].text.chars().next().unwrap_or(' ');
        let pos = if !first.is_alphanumeric() {
            toks[i].text.clone()
        } else if first.is_ascii_digit() {
            "CD".into()
        } else if DETERMINERS.contains(&w.as_str()) {
            "DT".into()
        } else if POSSESSIVES.contains(&w.as_str()) {
            "PRP$".into()
        } else if PRONOUNS.contains(&w.as_str()) {
            "PRP".into()
        } else if w == "to" {
            "TO".into()
        } else if matches!(w.as_str(), "and" | "or" | "but" | "nor") {
            "CC".into()
        } else if MODALS.contains(&w.as_str()) {
            "MD".into()
        } else if ADVERBS.contains(&w.as_str()) || (w.ends_with("ly") && w.len() > 4) {
            "RB".into()
        } else if w == "'s" {
            "POS".into()
        } else if PREPOSITIONS.contains(&w.as_str()) {
            "IN".into()
        } else if first.is_uppercase() && i > 0 {
            "NNP".into()
        } else if lemma_of_verb(&w).is_some() && !(i > 0 && toks[i - 1].pos == "DT") {
            if w.ends_with("ing") {
                "VBG".into()
            } else if w.ends_with("ed") {
                "VBD".into()
            } else if w.ends_with('s') && lemma_of_verb(&w).as_deref() != Some(w.as_str()) {
                "VBZ".into()
            } else {
                "VB".into()
            }
        } else if first.is_uppercase() {
            "NNP".into()
        } else if ADJECTIVE_ENDINGS
            .iter()
            .any(|e| w.ends_with(e) && w.len() > e.len() + 3)
        {
            "JJ".into()
        } else {
            "NN".into()
        };
        toks[i].pos = pos;
    }
}

/// A noun phrase over tokens `start..end`, `head` its last token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NounPhrase {
    pub start: usize,
    pub end: usize,
}

/// Whether token `i` can be inside a noun phrase (before its head).
fn np_inner(t: &Tok) -> bool {
    t.is_noun()
        || t.pos.starts_with("JJ")
        || matches!(
            t.pos.as_str(),
            "DT" | "PDT" | "PRP$" | "POS" | "CD" | "HYPH" | "NNPS" | "$" | "#"
        )
        || t.entity.is_some()
}

/// The noun phrases of the sentence, left to right: determiners, possessives, numbers,
/// adjectives, participles before a noun, and nouns, ending on a noun, a number or a pronoun;
/// an entity mention always lies wholly inside one phrase; adjectives joined by "and" stay in
/// one phrase ("diplomatic and economic ties").
pub(crate) fn noun_phrases(toks: &[Tok]) -> Vec<NounPhrase> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let starts = np_inner(&toks[i])
            || (toks[i].pos.starts_with("VB")
                && i + 1 < toks.len()
                && toks[i + 1].is_noun()
                && toks[i].pos != "VB"
                && (i == 0 || !toks[i - 1].is_verb())
                && is_modifier_participle(toks, i));
        if !starts {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i;
        let mut last_head = None;
        while j < toks.len() {
            let t = &toks[j];
            let in_entity = t.entity.is_some() && j > start && toks[j - 1].entity == t.entity;
            // A hyphen between two words of the phrase, tokenised apart ("cross - border").
            let hyphen = t.text == "-"
                && j > start
                && np_inner(&toks[j - 1])
                && toks.get(j + 1).is_some_and(np_inner);
            let ok = in_entity
                || hyphen
                || np_inner(t)
                || (t.pos == "CC"
                    && j > start
                    && toks[j - 1].pos.starts_with("JJ")
                    && toks.get(j + 1).is_some_and(|n| n.pos.starts_with("JJ")))
                || (t.pos.starts_with("VB") && is_modifier_participle(toks, j) && j > start);
            // A second determiner starts a new phrase ("Israel the country" is two), and so does
            // a name after a plural common noun ("told reporters Ghana would ...").
            let name_after_plural = j > start
                && t.entity.is_some()
                && toks[j - 1].entity.is_none()
                && toks[j - 1].pos == "NNS"
                && toks[j - 1]
                    .text
                    .chars()
                    .next()
                    .is_some_and(char::is_lowercase);
            if !ok || (j > start && t.pos == "DT" && toks[j - 1].pos != "PDT") || name_after_plural
            {
                break;
            }
            // A pronoun is a phrase on its own.
            if t.pos == "PRP" {
                if j == start {
                    last_head = Some(j);
                    j += 1;
                }
                break;
            }
            if t.is_noun() || t.entity.is_some() {
                last_head = Some(j);
            }
            j += 1;
        }
        // "some of these nations": a quantifier, "of" and a phrase are one phrase.
        if last_head.is_none()
            && j == start + 1
            && QUANTIFIERS.contains(&toks[start].lower.as_str())
            && toks.get(j).is_some_and(|t| t.lower == "of")
        {
            let mut k = j + 1;
            let mut head = None;
            while k < toks.len() && (np_inner(&toks[k]) && (k == j + 1 || toks[k].pos != "DT")) {
                if toks[k].is_noun() || toks[k].entity.is_some() {
                    head = Some(k);
                }
                k += 1;
            }
            if let Some(h) = head {
                out.push(NounPhrase { start, end: h + 1 });
                i = h + 1;
                continue;
            }
        }
        // "These include ...", "This is caused by ...": a demonstrative before a verb stands
        // for a noun phrase.
        if last_head.is_none()
            && j == start + 1
            && matches!(toks[start].lower.as_str(), "this" | "these" | "those")
            && toks.get(j).is_some_and(|t| t.is_verb())
        {
            out.push(NounPhrase { start, end: j });
            i = j;
            continue;
        }
        match last_head {
            Some(h) => {
                let mut end = h + 1;
                // Keep the whole entity.
                while end < toks.len()
                    && toks[end].entity.is_some()
                    && toks[end].entity == toks[h].entity
                {
                    end += 1;
                }
                out.push(NounPhrase { start, end });
                i = end;
            }
            None => i = j.max(i + 1),
        }
    }
    out
}

/// A participle used as an adjective: "-ed"/"-ing" form directly before a noun, not after a
/// verb ("the planned merger", "a growing share").
fn is_modifier_participle(toks: &[Tok], i: usize) -> bool {
    matches!(toks[i].pos.as_str(), "VBN" | "VBG")
        && toks.get(i + 1).is_some_and(|n| n.pos.starts_with("NN"))
        && (i == 0
            || matches!(
                toks[i - 1].pos.as_str(),
                "DT" | "PRP$" | "JJ" | "CD" | "POS"
            ))
}

/// A verb group: the relation phrase of a clause.
#[derive(Debug, Clone)]
pub(crate) struct VerbGroup {
    pub start: usize,
    pub end: usize,
    /// The main verb (last verb of the group).
    pub head: usize,
    /// Lemma of the relation: the head's lemma, "be" + participle for passives.
    pub lemma: String,
}

const BE: &[&str] = &[
    "is", "are", "was", "were", "be", "been", "being", "am", "'s", "'re",
];

/// Verb groups: adverbs, modals and verbs in a row with at least one verb, "to" inside when a
/// verb follows it ("is set to buy", "applied to join", "would soon officially join"); a copula
/// followed by a prepositional frame ending in a verb joins that verb ("is in the final stages
/// of joining").
pub(crate) fn verb_groups(toks: &[Tok]) -> Vec<VerbGroup> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !toks[i].is_verb() || toks[i].entity.is_some() || is_modifier_participle(toks, i) {
            i += 1;
            continue;
        }
        let mut start = i;
        while start > 0 && toks[start - 1].is_adverb() && toks[start - 1].entity.is_none() {
            start -= 1;
        }
        let mut end = i;
        while end < toks.len() {
            let t = &toks[end];
            let continues =
                (t.is_verb() && t.entity.is_none() && !is_modifier_participle(toks, end))
                    || (t.is_adverb() && toks[end + 1..].iter().take(3).any(|n| n.is_verb()))
                    || (t.pos == "TO" && toks.get(end + 1).is_some_and(|n| n.pos == "VB"))
                    || t.pos == "RP";
            if !continues {
                break;
            }
            end += 1;
        }
        // Copula + prepositional frame + verb: "is in the final stages of joining".
        let only_be = toks[i..end]
            .iter()
            .filter(|t| t.pos.starts_with("VB"))
            .all(|t| BE.contains(&t.lower.as_str()));
        if only_be {
            if let Some(next) = frame_verb(toks, end) {
                end = next;
            }
        }
        let head = (i..end)
            .rev()
            .find(|&k| toks[k].pos.starts_with("VB"))
            .unwrap_or(i);
        let lemma = group_lemma(toks, i, head);
        out.push(VerbGroup {
            start,
            end,
            head,
            lemma,
        });
        i = end.max(i + 1);
    }
    out
}

/// Past a copula at `from`: a run of preposition, determiner, adjective and noun tokens that ends
/// with "of"/"to"/"on" and a verb ("in the final stages of joining", "on track to join", "close
/// to signing"). Returns the end of the verb run.
fn frame_verb(toks: &[Tok], from: usize) -> Option<usize> {
    let mut k = from;
    let limit = (from + 8).min(toks.len());
    while k < limit {
        let t = &toks[k];
        if matches!(t.lower.as_str(), "of" | "to" | "on" | "about") && k > from {
            let v = k + 1;
            if toks
                .get(v)
                .is_some_and(|n| matches!(n.pos.as_str(), "VBG" | "VB"))
            {
                let mut end = v;
                while end < toks.len() && (toks[end].pos.starts_with("VB") || toks[end].pos == "RP")
                {
                    end += 1;
                }
                return Some(end);
            }
            return None;
        }
        let fits = matches!(
            t.pos.as_str(),
            "IN" | "DT" | "JJ" | "JJS" | "NN" | "NNS" | "TO" | "RB"
        );
        if !fits || t.entity.is_some() {
            return None;
        }
        k += 1;
    }
    None
}

fn lemma_of(t: &Tok) -> String {
    lemma_of_tagged_verb(&t.lower)
}

/// "be arrested" for a passive (a form of "be" before a participle head), else the head's lemma.
fn group_lemma(toks: &[Tok], first_verb: usize, head: usize) -> String {
    let head_tok = &toks[head];
    let passive = head_tok.pos == "VBN"
        && toks[first_verb..head]
            .iter()
            .any(|t| BE.contains(&t.lower.as_str()) || t.lower == "get" || t.lower == "got");
    if passive {
        format!("be {}", head_tok.lower)
    } else {
        lemma_of(head_tok)
    }
}
