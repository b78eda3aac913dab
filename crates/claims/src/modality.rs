use claimex_core::Modality;

const NEGATION: &[&str] = &[
    "not", "never", "no", "n't", "denied", "denies", "deny", "nor",
];
/// Verbs that say their complement did not happen: "declined to give his name".
const NEGATION_PHRASES: &[&str] = &[
    "declined to",
    "declines to",
    "decline to",
    "refused to",
    "refuses to",
    "refuse to",
    "failed to",
    "fails to",
    "fail to",
];
const HEDGES: &[&str] = &[
    "may",
    "might",
    "could",
    "reportedly",
    "possibly",
    "likely",
    "should",
    "allegedly",
    "perhaps",
    "apparently",
    "unconfirmed",
];
const FUTURE_WORDS: &[&str] = &["will", "would", "shall", "'ll", "soon", "upcoming"];
const FUTURE_PHRASES: &[&str] = &[
    "is set to",
    "are set to",
    "was set to",
    "plans to",
    "planned to",
    "plan to",
    "expected to",
    "expects to",
    "expect to",
    "agreed to",
    "agrees to",
    "going to",
    "about to",
    "in the final stages of",
    "intends to",
    "is due to",
    "are due to",
    "poised to",
    "preparing to",
];

/// Modality of a predicate phrase at `chars[start..end]` (sentence offsets), from cue words in the
/// phrase and the three words before it. Negation outranks hedging, which outranks future.
pub fn modality_of(chars: &[char], start: usize, end: usize) -> Modality {
    let mut from = start;
    let mut words_before = 0;
    while from > 0 && words_before < 3 {
        from -= 1;
        if chars[from].is_whitespace() && from + 1 < start && !chars[from + 1].is_whitespace() {
            words_before += 1;
        }
    }
    // The words before stop at a comma or a conjunction: "were not optimistic and pointed"
    // leaves "pointed" asserted.
    // Counted on the characters as they stand: lower-casing can change their number ("İ").
    if let Some(cut) = chars[from..start]
        .split_inclusive(|c: &char| !c.is_alphanumeric() && *c != '\'')
        .scan(0, |at, piece| {
            *at += piece.len();
            Some((*at, piece))
        })
        .filter(|(_, piece)| {
            let word: String = piece
                .iter()
                .take_while(|c| c.is_alphanumeric())
                .collect::<String>()
                .to_lowercase();
            matches!(word.as_str(), "and" | "or" | "but")
                || piece.iter().any(|c| matches!(c, ',' | ';'))
        })
        .map(|(at, _)| at)
        .last()
    {
        from += cut;
    }
    let window: String = chars[from..end]
        .iter()
        .collect::<String>()
        .to_lowercase()
        .replace('’', "'");
    let padded = format!(" {} ", window.replace("n't", " n't"));
    let words: Vec<&str> = padded
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .collect();
    let has = |list: &[&str]| words.iter().any(|w| list.contains(w));
    let phrase = |list: &[&str]| list.iter().any(|p| padded.contains(&format!(" {p} ")));
    if has(NEGATION) || phrase(NEGATION_PHRASES) {
        Modality::Negated
    } else if has(HEDGES) {
        Modality::Hedged
    } else if has(FUTURE_WORDS) || phrase(FUTURE_PHRASES) {
        Modality::Future
    } else {
        Modality::Asserted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn modality(sentence: &str, phrase: &str) -> Modality {
        let chars: Vec<char> = sentence.chars().collect();
        let byte = sentence.find(phrase).unwrap();
        let start = sentence[..byte].chars().count();
        modality_of(&chars, start, start + phrase.chars().count())
    }

    #[test]
    fn final_stages_of_is_future() {
        assert_eq!(
            modality(
                "Kazakhstan is in the final stages of joining the accords",
                "is in the final stages of joining"
            ),
            Modality::Future
        );
    }

    #[test]
    fn would_soon_is_future() {
        assert_eq!(
            modality(
                "Kazakhstan would soon officially join the accords",
                "would soon officially join"
            ),
            Modality::Future
        );
    }

    #[test]
    fn negation_is_negated() {
        assert_eq!(
            modality("Acme did not buy Beta", "did not buy"),
            Modality::Negated
        );
        assert_eq!(
            modality("Acme didn't buy Beta", "didn't buy"),
            Modality::Negated
        );
    }

    #[test]
    fn hedge_before_the_verb_is_hedged() {
        assert_eq!(
            modality("Acme reportedly bought Beta", "bought"),
            Modality::Hedged
        );
    }

    #[test]
    fn plain_past_is_asserted() {
        assert_eq!(
            modality("Trump also met with four leaders", "met with four"),
            Modality::Asserted
        );
    }

    #[test]
    fn words_that_lower_case_longer_do_not_move_the_window() {
        // "İ" lower-cases to two characters: counted after lower-casing, the cut at the comma
        // would land past "not", or past the end of the phrase.
        assert_eq!(
            modality("Acme İİ, not sold Beta", "sold"),
            Modality::Negated
        );
        assert_eq!(
            modality("Acme İİİİİ, sold Beta", "sold"),
            Modality::Asserted
        );
    }

    #[test]
    fn words_before_stop_at_a_comma_or_conjunction() {
        assert_eq!(
            modality(
                "Officials were not optimistic and pointed to delays",
                "pointed"
            ),
            Modality::Asserted
        );
        assert_eq!(
            modality("It did not, however, sell", "sell"),
            Modality::Asserted
        );
    }

    #[test]
    fn refusal_negates_and_should_hedges() {
        assert_eq!(
            modality("Acme refused to sell Beta", "refused to sell"),
            Modality::Negated
        );
        assert_eq!(
            modality("Acme failed to win the bid", "failed to win"),
            Modality::Negated
        );
        assert_eq!(
            modality("The bank should raise rates", "should raise"),
            Modality::Hedged
        );
    }
}
