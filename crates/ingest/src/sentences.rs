use claimex_core::Span;

/// Abbreviations after which a period never ends a sentence: they precede a name or a number.
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "sen", "rep", "gov", "lt", "col", "capt", "sgt", "rev",
    "hon", "st", "mt", "ft", "vs", "no", "nos", "pres", "adm", "cmdr", "maj", "brig", "messrs",
    "e.g", "i.e", "approx", "fig", "ca",
];

/// Abbreviations that may end a sentence ("... opened an office in the U.S. The firm ...") but
/// usually do not ("U.S. officials", "Acme Corp. shares").
const MAY_END: &[&str] = &[
    "inc", "corp", "ltd", "co", "jr", "sr", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "etc", "u.s", "u.k", "u.n", "e.u", "d.c", "u.s.a",
];

/// Words that, capitalised after one of [`MAY_END`], show that a new sentence has begun.
const SENTENCE_STARTERS: &[&str] = &[
    "the",
    "a",
    "an",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "you",
    "but",
    "and",
    "in",
    "on",
    "at",
    "this",
    "that",
    "these",
    "those",
    "his",
    "her",
    "its",
    "their",
    "our",
    "there",
    "as",
    "after",
    "before",
    "while",
    "when",
    "meanwhile",
    "however",
    "officials",
    "analysts",
    "if",
    "for",
    "no",
    "some",
    "many",
    "most",
    "both",
    "each",
    "under",
    "since",
    "still",
    "yet",
    "so",
];

const CLOSERS: &[char] = &['"', '\'', '”', '’', ')', ']', '»', '}'];
const TERMINALS: &[char] = &['.', '!', '?', '…'];

/// Longest sentence, in characters, that the pipeline analyses as one. Longer runs of text
/// without a sentence end (tables flattened to text, lists without punctuation, hostile input)
/// are cut, because every stage after the splitter grows faster than linearly with sentence
/// length and every claim carries its sentence's text. News sentences stay far below it.
pub const MAX_SENTENCE_CHARS: usize = 2_000;

/// Cuts every span longer than `max` characters into pieces of at most `max`, each ending at the
/// last whitespace that keeps it within `max` (or at `max` itself when there is none); pieces are
/// trimmed like sentences. Returns the spans and how many were cut.
pub fn cap_sentence_spans(text: &str, spans: Vec<Span>, max: usize) -> (Vec<Span>, usize) {
    let max = max.max(1);
    if spans.iter().all(|s| s.end - s.start <= max) {
        return (spans, 0);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::with_capacity(spans.len());
    let mut cut = 0;
    for span in spans {
        if span.end - span.start <= max {
            out.push(span);
            continue;
        }
        cut += 1;
        let mut start = span.start;
        while span.end - start > max {
            let limit = start + max;
            // The last whitespace in the first max + 1 characters: the piece before it fits.
            let end = (start + 1..=limit)
                .rev()
                .find(|&k| chars[k].is_whitespace())
                .unwrap_or(limit);
            push_trimmed(&chars, start, end, &mut out);
            start = end;
        }
        push_trimmed(&chars, start, span.end, &mut out);
    }
    (out, cut)
}

/// Splits cleaned news text into sentence spans (character offsets, whitespace trimmed, in order,
/// non-overlapping). A line break always ends a sentence, so headlines without a final period
/// stand alone; periods in decimals, initials, titles and abbreviations do not.
pub fn split_sentences(text: &str) -> Vec<Span> {
    let chars: Vec<char> = text.chars().collect();
    let mut spans = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            push_trimmed(&chars, start, i, &mut spans);
            start = i + 1;
            i += 1;
            continue;
        }
        if TERMINALS.contains(&c) {
            if let Some(end) = boundary_after(&chars, i) {
                push_trimmed(&chars, start, end, &mut spans);
                start = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    push_trimmed(&chars, start, chars.len(), &mut spans);
    spans
}

/// If the terminal punctuation at `i` ends a sentence, the exclusive end of that sentence
/// (after any run of terminals and closing quotes or brackets).
fn boundary_after(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i + 1;
    while j < chars.len() && TERMINALS.contains(&chars[j]) {
        j += 1;
    }
    while j < chars.len() && CLOSERS.contains(&chars[j]) {
        j += 1;
    }
    if j == chars.len() {
        return Some(j);
    }
    if !chars[j].is_whitespace() {
        // 4.5 percent, example.com, U.S.-led: not a boundary.
        return None;
    }
    let mut k = j;
    while k < chars.len() && chars[k].is_whitespace() && chars[k] != '\n' {
        k += 1;
    }
    if k == chars.len() || chars[k] == '\n' {
        return Some(j);
    }
    let next_word = word_at(chars, k);
    if next_word.chars().next().is_some_and(|c| c.is_lowercase()) {
        // "... and so on... and then", "e.g. many": the sentence goes on.
        return None;
    }
    // A single period (not "..." or "?!") may belong to an abbreviation.
    let single_period = chars[i] == '.' && !chars.get(i + 1).is_some_and(|c| TERMINALS.contains(c));
    if single_period {
        let (before, word_start) = word_before(chars, i);
        let before = before.to_lowercase();
        // "140s." is no abbreviation: the letters must start a word.
        let starts_word = word_start == 0 || !chars[word_start - 1].is_alphanumeric();
        let is_initial =
            starts_word && before.chars().count() == 1 && before.chars().all(char::is_alphabetic);
        if starts_word && TITLES.contains(&before.as_str()) {
            return None;
        }
        if is_enumerator(chars, i) {
            return None;
        }
        // "J. R. Okello" goes on, "called Plan B. It failed." ends; likewise dotted acronyms
        // ("F.A. Cup" goes on) and abbreviations that may close a sentence.
        // "at 4 p.m. Leaders left": a time closes a sentence when a capital follows.
        let dotted = before.contains('.') && before != "a.m" && before != "p.m";
        if is_initial || (starts_word && (dotted || MAY_END.contains(&before.as_str()))) {
            let starter = next_word.to_lowercase();
            return SENTENCE_STARTERS.contains(&starter.as_str()).then_some(j);
        }
    }
    Some(j)
}

/// The letters-and-inner-periods word that ends just before `i` ("U.S" before "U.S.", "Mr"),
/// and where it starts.
fn word_before(chars: &[char], i: usize) -> (String, usize) {
    let mut s = i;
    while s > 0 && (chars[s - 1].is_alphabetic() || (chars[s - 1] == '.' && s - 1 > 0)) {
        s -= 1;
    }
    while s < i && chars[s] == '.' {
        s += 1;
    }
    (chars[s..i].iter().collect(), s)
}

/// True when the period at `i` closes a list number at the start of a line ("1. Jesper Ronnback").
fn is_enumerator(chars: &[char], i: usize) -> bool {
    let mut s = i;
    while s > 0 && chars[s - 1].is_ascii_digit() {
        s -= 1;
    }
    let digits = i - s;
    (1..=3).contains(&digits)
        && chars[..s]
            .iter()
            .rev()
            .take_while(|c| **c != '\n')
            .all(|c| c.is_whitespace())
}

/// The word starting at `k`, skipping opening quotes and brackets.
fn word_at(chars: &[char], k: usize) -> String {
    chars[k..]
        .iter()
        .skip_while(|c| matches!(c, '"' | '\'' | '“' | '‘' | '(' | '[' | '«'))
        .take_while(|c| c.is_alphanumeric())
        .collect()
}

fn push_trimmed(chars: &[char], mut start: usize, mut end: usize, spans: &mut Vec<Span>) {
    while start < end && chars[start].is_whitespace() {
        start += 1;
    }
    while end > start && chars[end - 1].is_whitespace() {
        end -= 1;
    }
    if start < end {
        spans.push(Span::new(start, end));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use claimex_core::TextIndex;
    use proptest::prelude::*;

    fn split(text: &str) -> Vec<String> {
        let index = TextIndex::new(text);
        split_sentences(text)
            .into_iter()
            .map(|s| index.slice(text, s).unwrap().to_string())
            .collect()
    }

    #[test]
    fn splits_plain_sentences() {
        assert_eq!(
            split("One here. Two there! Three?"),
            ["One here.", "Two there!", "Three?"]
        );
    }

    #[test]
    fn keeps_titles_and_initials_inside_sentences() {
        assert_eq!(
            split("Mr. Rubio met Dr. Ana K. Lim in Astana. Talks went well."),
            [
                "Mr. Rubio met Dr. Ana K. Lim in Astana.",
                "Talks went well."
            ]
        );
    }

    #[test]
    fn keeps_decimals_and_money_inside_sentences() {
        assert_eq!(
            split("Sales rose 4.5 percent to $1.2 billion. Shares fell."),
            ["Sales rose 4.5 percent to $1.2 billion.", "Shares fell."]
        );
    }

    #[test]
    fn keeps_us_before_a_noun_but_splits_before_a_new_sentence() {
        assert_eq!(
            split("U.S. officials said the talks moved to the U.S. The deal is close."),
            [
                "U.S. officials said the talks moved to the U.S.",
                "The deal is close."
            ]
        );
    }

    #[test]
    fn closing_quote_stays_with_its_sentence() {
        assert_eq!(
            split("\"We will sign,\" he said. \"It is done.\" Markets rose."),
            [
                "\"We will sign,\" he said.",
                "\"It is done.\"",
                "Markets rose."
            ]
        );
    }

    #[test]
    fn headline_without_period_ends_at_line_break() {
        assert_eq!(
            split("Kazakhstan to join accords\nThe country said so."),
            ["Kazakhstan to join accords", "The country said so."]
        );
    }

    #[test]
    fn ellipsis_before_lowercase_does_not_split() {
        assert_eq!(
            split("He paused... and went on. Done."),
            ["He paused... and went on.", "Done."]
        );
    }

    #[test]
    fn offsets_count_characters_not_bytes() {
        let text = "Zoë won. Ünal lost.";
        assert_eq!(split_sentences(text), [Span::new(0, 8), Span::new(9, 19)]);
    }

    proptest! {
        #[test]
        fn spans_slice_back_do_not_overlap_and_cover_all_words(text in "[A-Za-z .!?\n\"é4]{0,80}") {
            let index = TextIndex::new(&text);
            let spans = split_sentences(&text);
            let mut covered = vec![false; index.char_len()];
            let mut last_end = 0;
            for s in &spans {
                prop_assert!(s.start >= last_end && s.start < s.end);
                last_end = s.end;
                let slice = index.slice(&text, *s).unwrap();
                prop_assert_eq!(slice.trim(), slice);
                covered[s.start..s.end].fill(true);
            }
            for (c, ch) in text.chars().enumerate() {
                prop_assert!(ch.is_whitespace() || covered[c], "char {} {:?} not covered", c, ch);
            }
        }
    }

    #[test]
    fn sentences_longer_than_the_cap_are_cut_at_spaces_and_slice_back() {
        let text = format!("Short one. {} End.", "alpha beta gamma".repeat(40));
        let (spans, cut) = cap_sentence_spans(&text, split_sentences(&text), 50);
        assert_eq!(cut, 1);
        let index = TextIndex::new(&text);
        let mut words = Vec::new();
        for span in &spans {
            let piece = index.slice(&text, *span).unwrap();
            assert!(span.end - span.start <= 50, "{piece:?}");
            assert_eq!(piece, piece.trim(), "{piece:?}");
            words.extend(piece.split_whitespace());
        }
        let expected: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(words, expected, "no word lost or split");
    }

    #[test]
    fn a_long_run_without_spaces_is_cut_at_the_cap() {
        let text = "x".repeat(120);
        let (spans, cut) = cap_sentence_spans(&text, split_sentences(&text), 50);
        assert_eq!(cut, 1);
        let bounds: Vec<(usize, usize)> = spans.iter().map(|s| (s.start, s.end)).collect();
        assert_eq!(bounds, [(0, 50), (50, 100), (100, 120)]);
    }

    #[test]
    fn sentences_within_the_cap_are_left_alone() {
        let text = "Acme won. Beta lost.";
        let spans = split_sentences(text);
        assert_eq!(cap_sentence_spans(text, spans.clone(), 50), (spans, 0));
    }
}
