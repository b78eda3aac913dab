//! Word lists and the verb lemmatiser that claims read (auxiliaries, verb forms, time words).

mod verb_forms;

use verb_forms::{BASE_VERBS, IRREGULAR};

/// Auxiliary and modal verbs: part of a predicate phrase, but the head only when no other verb is.
pub const AUXILIARIES: &[(&str, &str)] = &[
    ("is", "be"),
    ("are", "be"),
    ("was", "be"),
    ("were", "be"),
    ("be", "be"),
    ("been", "be"),
    ("being", "be"),
    ("am", "be"),
    ("has", "have"),
    ("have", "have"),
    ("had", "have"),
    ("having", "have"),
    ("does", "do"),
    ("do", "do"),
    ("did", "do"),
    ("will", "will"),
    ("would", "would"),
    ("can", "can"),
    ("could", "could"),
    ("may", "may"),
    ("might", "might"),
    ("shall", "shall"),
    ("should", "should"),
    ("must", "must"),
];

fn is_base(word: &str) -> bool {
    BASE_VERBS.binary_search(&word).is_ok()
}

/// The lemma of `word` if it is a known verb form: an auxiliary, an irregular form, or a base
/// verb with a regular ending (-s, -es, -ies, -ed, -d, -ied, -ing, with e-drop and doubling).
pub fn lemma_of_verb(word: &str) -> Option<String> {
    let w = word.to_lowercase();
    if let Some((_, lemma)) = AUXILIARIES
        .iter()
        .chain(IRREGULAR)
        .find(|(form, _)| *form == w)
    {
        return Some(lemma.to_string());
    }
    if is_base(&w) {
        return Some(w);
    }
    let mut candidates: Vec<String> = Vec::new();
    if let Some(stem) = w.strip_suffix("ies").or_else(|| w.strip_suffix("ied")) {
        candidates.push(format!("{stem}y"));
    }
    if let Some(stem) = w.strip_suffix("es") {
        candidates.push(stem.to_string());
    }
    if let Some(stem) = w.strip_suffix('s') {
        candidates.push(stem.to_string());
    }
    for suffix in ["ed", "ing"] {
        if let Some(stem) = w.strip_suffix(suffix) {
            candidates.push(stem.to_string());
            candidates.push(format!("{stem}e"));
            // planned -> plan, hitting -> hit
            let mut chars = stem.chars().rev();
            if let (Some(a), Some(b)) = (chars.next(), chars.next()) {
                if a == b {
                    candidates.push(stem[..stem.len() - a.len_utf8()].to_string());
                }
            }
        }
    }
    if let Some(stem) = w.strip_suffix('d') {
        candidates.push(stem.to_string());
    }
    if let Some(found) = candidates.into_iter().find(|c| is_base(c)) {
        return Some(found);
    }
    // "repaid", "misled", "rebuilt", "outsold": a prefix and a known verb.
    for prefix in ["re", "mis", "out", "over", "under", "co"] {
        if let Some(rest) = w.strip_prefix(prefix).filter(|r| r.len() >= 3) {
            if let Some(lemma) =
                lemma_of_verb(rest).filter(|l| !AUXILIARIES.iter().any(|(_, a)| a == l))
            {
                return Some(format!("{prefix}{lemma}"));
            }
        }
    }
    None
}

/// Whether a past form can also be a past participle: a regular "-ed" form, or an irregular form
/// that is its verb's only listed form ("sought", "met") or has a participle's ending ("taken",
/// "gone"); not a past form whose verb lists a separate participle ("took", "rose").
pub fn may_be_participle(word: &str) -> bool {
    let w = word.to_lowercase();
    match IRREGULAR.iter().find(|(form, _)| *form == w) {
        Some((_, lemma)) => {
            w.ends_with('n')
                || w.ends_with("ne")
                || IRREGULAR.iter().filter(|(_, l)| l == lemma).count() == 1
        }
        None => w.ends_with("ed"),
    }
}

/// Time words that are not objects when they follow a preposition ("on Saturday").
pub(crate) const TIME_WORDS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "week",
    "month",
    "year",
    "today",
    "spring",
    "summer",
    "autumn",
    "winter",
    "morning",
    "evening",
    "night",
    "weekend",
];

/// More words of time that `tree-v0` also reads as a time ("in the 88th minute", "for the
/// second time"); the rules keep a noun phrase with them as an object.
pub(crate) const MORE_TIME_WORDS: &[&str] = &[
    "afternoon",
    "christmas",
    "day",
    "days",
    "hour",
    "hours",
    "minute",
    "minutes",
    "months",
    "season",
    "time",
    "tomorrow",
    "tonight",
    "weeks",
    "years",
    "yesterday",
];

/// Vowel groups in `word` ("u" after "q" or "g" is no vowel; "y" after a consonant is one):
/// one for "rate", "score"; more for "retire", "visit".
fn syllables(word: &str) -> usize {
    let chars: Vec<char> = word.chars().collect();
    let vowel = |i: usize| {
        let c = chars[i];
        match c {
            'a' | 'e' | 'i' | 'o' => true,
            'u' => i == 0 || !matches!(chars[i - 1], 'q' | 'g'),
            'y' => i > 0 && !matches!(chars[i - 1], 'a' | 'e' | 'i' | 'o' | 'u'),
            _ => false,
        }
    };
    (0..chars.len())
        .filter(|&i| vowel(i) && (i == 0 || !vowel(i - 1)))
        .count()
}

/// The base form of a verb whose "-ed"/"-ing" ending has been taken off (`stem`) and that the
/// lexicon does not know, by English spelling: the silent "e" is put back where the stem's
/// ending needs one ("introduc" -> "introduce", "retir" -> "retire", "massacr" -> "massacre",
/// "emerg" -> "emerge", "handl" -> "handle"), not where it does not ("visit", "open", "repeat",
/// "belong"); a doubled "l" after one vowel in a longer word is undone ("expell" -> "expel").
pub(crate) fn restore_e(stem: &str) -> String {
    let chars: Vec<char> = stem.chars().collect();
    let n = chars.len();
    if n < 2 {
        return stem.to_string();
    }
    let is_vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u');
    let (last, before) = (chars[n - 1], chars[n - 2]);
    let third = if n >= 3 { Some(chars[n - 3]) } else { None };
    let one_syllable = syllables(stem) == 1;
    // A single vowel before the final consonant (not a pair such as "ea" in "repeat").
    let single_vowel = is_vowel(before) && third.is_some_and(|c| !is_vowel(c));
    if last == 'l' && before == 'l' && !one_syllable && matches!(third, Some('e' | 'o')) {
        return stem[..stem.len() - 1].to_string();
    }
    let e = match last {
        'e' | 'v' | 'c' | 'u' | 'z' => last != 'e' || n >= 3,
        's' => before != 's' && !matches!(stem, "focus" | "bias" | "canvas" | "gas"),
        'g' => matches!(before, 'r' | 'd' | 'l') || (single_vowel && before != 'n'),
        'l' => {
            !is_vowel(before) && before != 'l' && before != 'w' && before != 'r' && before != 'n'
                || (single_vowel && matches!(before, 'i' | 'u'))
                || (single_vowel && before == 'a' && one_syllable)
        }
        'r' => {
            !is_vowel(before)
                || (single_vowel && matches!(before, 'i' | 'u' | 'a'))
                || (single_vowel && before == 'o' && one_syllable)
        }
        't' => {
            single_vowel && (matches!(before, 'a' | 'u' | 'o') || one_syllable)
                || stem.ends_with("plet")
                || stem.ends_with("mpet")
                || stem.ends_with("elet")
        }
        'd' | 'k' => single_vowel,
        'n' => single_vowel && (before == 'i' || one_syllable) || stem.ends_with("ven"),
        'm' => single_vowel && (before == 'u' || one_syllable),
        'p' | 'b' => single_vowel && one_syllable,
        _ => false,
    };
    if e {
        format!("{stem}e")
    } else {
        stem.to_string()
    }
}

/// The lemma of a word a tagger called a verb: [`lemma_of_verb`] when the lexicon knows it, else
/// the regular endings removed ("marched" gives "march"), a doubled consonant undone ("vetted"
/// gives "vet") and a silent e put back where the spelling needs one ([`restore_e`]: "hiring"
/// gives "hire").
pub fn lemma_of_tagged_verb(word: &str) -> String {
    if let Some(lemma) = lemma_of_verb(word) {
        return lemma;
    }
    let w = word.to_lowercase();
    let undouble = |stem: &str| -> String {
        let mut chars = stem.chars().rev();
        match (chars.next(), chars.next()) {
            (Some(a), Some(b)) if a == b && !matches!(a, 'l' | 's' | 'f' | 'z') => {
                stem[..stem.len() - a.len_utf8()].to_string()
            }
            _ => stem.to_string(),
        }
    };
    if let Some(stem) = w.strip_suffix("ied").or_else(|| w.strip_suffix("ies")) {
        return format!("{stem}y");
    }
    for suffix in ["ed", "ing"] {
        if let Some(stem) = w.strip_suffix(suffix).filter(|s| s.len() >= 3) {
            let undoubled = undouble(stem);
            return if undoubled.len() < stem.len() {
                undoubled
            } else if suffix == "ing" && stem.ends_with('e') {
                // "dyeing", "ageing": the e is still there.
                stem.to_string()
            } else {
                restore_e(stem)
            };
        }
    }
    for ending in ["ches", "shes", "sses", "xes", "zes"] {
        if w.ends_with(ending) {
            return w[..w.len() - 2].to_string();
        }
    }
    match w.strip_suffix('s') {
        Some(stem) if !stem.ends_with('s') && stem.len() >= 2 => stem.to_string(),
        _ => w,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_verbs_are_sorted_for_binary_search() {
        assert!(
            BASE_VERBS.windows(2).all(|w| w[0] < w[1]),
            "BASE_VERBS must stay sorted"
        );
    }

    #[test]
    fn lemmatises_regular_and_irregular_forms() {
        for (form, lemma) in [
            ("joining", "join"),
            ("joins", "join"),
            ("joined", "join"),
            ("met", "meet"),
            ("announced", "announce"),
            ("planned", "plan"),
            ("hitting", "hit"),
            ("denies", "deny"),
            ("denied", "deny"),
            ("maintains", "maintain"),
            ("Signed", "sign"),
            ("is", "be"),
            ("will", "will"),
            ("defeated", "defeat"),
            ("closes", "close"),
            ("repaid", "repay"),
            ("misled", "mislead"),
            ("rebuilt", "rebuild"),
        ] {
            assert_eq!(lemma_of_verb(form).as_deref(), Some(lemma), "{form}");
        }
        for (form, lemma) in [("marched", "march"), ("vetted", "vet"), ("pushes", "push")] {
            assert_eq!(lemma_of_tagged_verb(form), lemma, "{form}");
        }
    }

    #[test]
    fn unknown_verbs_get_their_silent_e_back_where_spelling_needs_it() {
        for (form, lemma) in [
            ("massacred", "massacre"),
            ("expelled", "expel"),
            ("emerging", "emerge"),
            ("retiring", "retire"),
            ("contravened", "contravene"),
            ("introduced", "introduce"),
            ("handled", "handle"),
            ("argued", "argue"),
            ("resolved", "resolve"),
            ("realized", "realize"),
            ("released", "release"),
            ("disposed", "dispose"),
            ("collapsed", "collapse"),
            ("negotiated", "negotiate"),
            ("contributed", "contribute"),
            ("concluded", "conclude"),
            ("provided", "provide"),
            ("combined", "combine"),
            ("assumed", "assume"),
            ("provoked", "provoke"),
            ("engaged", "engage"),
            ("compared", "compare"),
            ("scored", "score"),
            ("voted", "vote"),
            ("completed", "complete"),
            ("ruled", "rule"),
            ("compiled", "compile"),
            ("hoped", "hope"),
            ("agreed", "agree"),
            ("cancelled", "cancel"),
            ("focused", "focus"),
            ("visited", "visit"),
            ("opened", "open"),
            ("happened", "happen"),
            ("repeated", "repeat"),
            ("belonged", "belong"),
            ("entered", "enter"),
            ("limited", "limit"),
            ("developed", "develop"),
            ("installed", "install"),
            ("filled", "fill"),
            ("attacked", "attack"),
            ("looked", "look"),
            ("weakened", "weaken"),
            ("ordered", "order"),
            ("played", "play"),
            ("echoed", "echo"),
            ("dyeing", "dye"),
        ] {
            assert_eq!(lemma_of_tagged_verb(form), lemma, "{form}");
        }
    }

    #[test]
    fn past_forms_that_can_be_participles() {
        for word in ["sought", "met", "taken", "gone", "announced"] {
            assert!(may_be_participle(word), "{word}");
        }
        for word in ["took", "went", "rose", "is"] {
            assert!(!may_be_participle(word), "{word}");
        }
    }

    #[test]
    fn non_verbs_have_no_lemma() {
        for word in ["the", "Israel", "stages", "final", "and"] {
            assert_eq!(lemma_of_verb(word), None, "{word}");
        }
    }
}
