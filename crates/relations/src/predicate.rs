use crate::lexicon::{lemma_of_verb, AUXILIARIES};

/// A verb phrase found between two arguments: character offsets within the sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PredicatePhrase {
    /// First character (sentence offsets).
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// Lemma of the head verb.
    pub lemma: String,
}

/// Longest gap, in words, that can still be one predicate between two arguments.
const MAX_GAP_WORDS: usize = 10;

/// Words that may close a gap but are not part of the predicate ("joining *the* Abraham Accords").
const TRAILING_FUNCTION_WORDS: &[&str] = &["the", "a", "an", "its", "their", "his", "her", "our"];

/// Finds the predicate in `chars[from..to]`, the text between a subject and an object. The phrase
/// runs from the first verb to the end of the gap, less trailing determiners; its head is the last
/// non-auxiliary verb (else the last auxiliary: "X is Y" gives "be"). No verb, a clause break
/// (`;`, `:`, brackets, a second comma) or a long gap means no predicate.
pub fn find_predicate(chars: &[char], from: usize, to: usize) -> Option<PredicatePhrase> {
    let gap = &chars[from..to];
    if gap
        .iter()
        .any(|c| matches!(c, ';' | ':' | '(' | ')' | '"' | '“' | '”'))
        || gap.iter().filter(|&&c| c == ',').count() > 1
    {
        return None;
    }
    let words = words_in(chars, from, to);
    if words.is_empty() || words.len() > MAX_GAP_WORDS {
        return None;
    }
    let lemmas: Vec<Option<String>> = words.iter().map(|w| lemma_of_verb(&w.2)).collect();
    let first_verb = lemmas.iter().position(Option::is_some)?;
    let is_aux = |i: usize| {
        AUXILIARIES
            .iter()
            .any(|(form, _)| *form == words[i].2.to_lowercase())
    };
    let head = (first_verb..words.len())
        .rev()
        .find(|&i| lemmas[i].is_some() && !is_aux(i))
        .or_else(|| {
            (first_verb..words.len())
                .rev()
                .find(|&i| lemmas[i].is_some())
        })?;

    let mut last = words.len() - 1;
    while last > head && TRAILING_FUNCTION_WORDS.contains(&words[last].2.to_lowercase().as_str()) {
        last -= 1;
    }
    Some(PredicatePhrase {
        start: words[first_verb].0,
        end: words[last].1,
        lemma: lemmas[head].clone()?,
    })
}

/// Words (runs of letters, digits, apostrophes and inner hyphens) in `chars[from..to]`, as
/// (start, end, text).
fn words_in(chars: &[char], from: usize, to: usize) -> Vec<(usize, usize, String)> {
    let mut words = Vec::new();
    let mut i = from;
    while i < to {
        if chars[i].is_alphanumeric() {
            let start = i;
            while i < to && (chars[i].is_alphanumeric() || matches!(chars[i], '\'' | '’' | '-')) {
                i += 1;
            }
            words.push((start, i, chars[start..i].iter().collect()));
        } else {
            i += 1;
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn predicate(gap: &str) -> Option<(String, String)> {
        let chars: Vec<char> = gap.chars().collect();
        find_predicate(&chars, 0, chars.len())
            .map(|p| (chars[p.start..p.end].iter().collect(), p.lemma))
    }

    #[test]
    fn takes_phrase_from_first_verb_and_head_from_last_verb() {
        assert_eq!(
            predicate(" is in the final stages of joining the "),
            Some(("is in the final stages of joining".into(), "join".into()))
        );
    }

    #[test]
    fn copula_alone_is_the_head() {
        assert_eq!(
            predicate(" is a member of "),
            Some(("is a member of".into(), "be".into()))
        );
    }

    #[test]
    fn rejects_gaps_without_verbs_or_with_clause_breaks() {
        assert_eq!(predicate(" and "), None);
        assert_eq!(predicate("; meanwhile, officials in "), None);
    }
}
