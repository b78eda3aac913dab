//! Tokens in the style of the Penn Treebank and CoNLL-2003, the unit the part-of-speech and chunk
//! tagger labels and the claim builder reads: whitespace-separated words with surrounding
//! punctuation, possessive `'s` and `n't` split off, and abbreviations ("U.S.", "Mr.") kept whole.

use serde::{Deserialize, Serialize};

use crate::Span;

/// A token with its part-of-speech (Penn Treebank tag set) and chunk (IOB2, `B-NP`, `I-VP`, `O`)
/// tags, offsets in document characters like every other span.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaggedToken {
    /// The token as in the text.
    pub text: String,
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// Part of speech (`NNP`, `VBD`, ...).
    pub pos: String,
    /// Chunk tag.
    pub chunk: String,
    /// Dependency head, when the model has a parser head: 0 for the sentence's root, else the
    /// 1-based index of the head among the sentence's tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<usize>,
    /// Dependency relation to the head (Universal Dependencies: `nsubj`, `obj`, `obl:tmod`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
}

/// Abbreviations that keep their final period (lower case, without it).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "gen", "col", "lt", "sgt", "capt", "sen", "rep", "gov",
    "pres", "jr", "sr", "inc", "corp", "ltd", "co", "plc", "bros", "vs", "etc", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "approx",
];

/// Characters split off the front of a word.
const LEADING: &[char] = &['"', '\'', '(', '[', '{', '“', '‘', '«', '$', '£', '€'];
/// Characters split off the end of a word (a period is decided separately).
const TRAILING: &[char] = &[
    '"', '\'', ')', ']', '}', '”', '’', '»', ',', ';', ':', '?', '!', '%', '…',
];
/// Endings split off a word as their own token, apostrophe first (straight or curly).
const CLITICS: &[&str] = &["n't", "'s", "'re", "'ve", "'ll", "'d", "'m"];

/// The tokens of `text` as character spans, in order, covering every non-space character.
pub fn tokenize(text: &str) -> Vec<Span> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() {
            i += 1;
        }
        // Dashes between words are tokens of their own ("leaders—Kyrgyzstan").
        let mut from = start;
        for k in start..i {
            if matches!(chars[k], '—' | '–') {
                if from < k {
                    split_word(&chars, from, k, &mut out);
                }
                out.push(Span::new(k, k + 1));
                from = k + 1;
            }
        }
        if from < i {
            split_word(&chars, from, i, &mut out);
        }
    }
    out
}

fn split_word(chars: &[char], mut start: usize, mut end: usize, out: &mut Vec<Span>) {
    // A clitic standing on its own, as in text tokenised already ("the market 's gloom").
    let whole: String = chars[start..end]
        .iter()
        .map(|&c| if c == '’' { '\'' } else { c })
        .collect::<String>()
        .to_lowercase();
    if whole.starts_with('\'') && CLITICS.contains(&whole.as_str()) {
        out.push(Span::new(start, end));
        return;
    }
    while start < end && LEADING.contains(&chars[start]) {
        out.push(Span::new(start, start + 1));
        start += 1;
    }
    let mut tail = Vec::new();
    loop {
        if start >= end {
            break;
        }
        let last = chars[end - 1];
        if TRAILING.contains(&last) {
            tail.push(Span::new(end - 1, end));
            end -= 1;
        } else if last == '.' && end - start > 1 && !keeps_period(&chars[start..end]) {
            // "..." stays one token.
            let mut dots = end - 1;
            while dots > start && chars[dots - 1] == '.' {
                dots -= 1;
            }
            tail.push(Span::new(dots, end));
            end = dots;
        } else {
            break;
        }
    }
    if start < end {
        let word: String = chars[start..end]
            .iter()
            .map(|&c| if c == '’' { '\'' } else { c })
            .collect::<String>()
            .to_lowercase();
        let clitic = CLITICS
            .iter()
            .map(|c| c.chars().count())
            .zip(CLITICS)
            .find(|(n, c)| word.ends_with(**c) && word.chars().count() > *n);
        match clitic {
            Some((n, _)) => {
                out.push(Span::new(start, end - n));
                out.push(Span::new(end - n, end));
            }
            None => out.push(Span::new(start, end)),
        }
    }
    out.extend(tail.into_iter().rev());
}

/// Whether a word ending in "." keeps it: abbreviations, initials ("J."), and dotted forms
/// ("U.S.", "a.m.").
fn keeps_period(word: &[char]) -> bool {
    let body: String = word[..word.len() - 1].iter().collect();
    if body.contains('.') && body.chars().all(|c| c.is_alphabetic() || c == '.') {
        return true;
    }
    let single_capital = body.chars().count() == 1 && body.chars().all(char::is_uppercase);
    single_capital || ABBREVIATIONS.contains(&body.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        tokenize(text)
            .iter()
            .map(|s| chars[s.start..s.end].iter().collect())
            .collect()
    }

    #[test]
    fn a_clitic_standing_alone_stays_whole() {
        assert_eq!(
            words("the market 's gloom , they 're here , it ’s 'quoted'"),
            [
                "the", "market", "'s", "gloom", ",", "they", "'re", "here", ",", "it", "’s", "'",
                "quoted", "'"
            ]
        );
    }

    #[test]
    fn splits_punctuation_and_clitics_like_the_treebank() {
        assert_eq!(
            words("Kazakhstan's leader didn't say (yet), \"no.\""),
            [
                "Kazakhstan",
                "'s",
                "leader",
                "did",
                "n't",
                "say",
                "(",
                "yet",
                ")",
                ",",
                "\"",
                "no",
                ".",
                "\""
            ]
        );
        assert_eq!(
            words("Mr. Smith left the U.S. on Jan. 5 at 9 a.m."),
            ["Mr.", "Smith", "left", "the", "U.S.", "on", "Jan.", "5", "at", "9", "a.m."]
        );
        assert_eq!(
            words("leaders—Kyrgyzstan and – so"),
            ["leaders", "—", "Kyrgyzstan", "and", "–", "so"]
        );
        assert_eq!(
            words("It rose 4.5% to $1,200... Muslim-majority states’ ties"),
            [
                "It",
                "rose",
                "4.5",
                "%",
                "to",
                "$",
                "1,200",
                "...",
                "Muslim-majority",
                "states",
                "’",
                "ties"
            ]
        );
    }

    #[test]
    fn spans_are_character_offsets() {
        let text = "Zoë Ünal’s café, 2024.";
        let chars: Vec<char> = text.chars().collect();
        let spans = tokenize(text);
        let got: Vec<String> = spans
            .iter()
            .map(|s| chars[s.start..s.end].iter().collect())
            .collect();
        assert_eq!(got, ["Zoë", "Ünal", "’s", "café", ",", "2024", "."]);
        assert!(tokenize("   ").is_empty());
    }
}
