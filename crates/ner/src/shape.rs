//! Word shapes: the case and character-class information that an uncased vocabulary throws away.
//! Each word piece carries the shape of the whole word it belongs to.

use tokenizers::Encoding;

/// Number of shape classes (index 0 is for special tokens and padding).
pub const SHAPE_CLASSES: i64 = 9;

/// Shape class of a word: 1 lower, 2 Capitalised, 3 UPPER, 4 mIxed, 5 digits, 6 letters and
/// digits, 7 punctuation, 8 anything else.
pub fn shape_of(word: &str) -> i64 {
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    let digits = word.chars().filter(|c| c.is_numeric()).count();
    let upper = word.chars().filter(|c| c.is_uppercase()).count();
    let total = word.chars().count();
    if total == 0 {
        return 8;
    }
    if letters == total {
        let first_upper = word.chars().next().is_some_and(char::is_uppercase);
        // A single capital ("A", "I") counts as Capitalised, not UPPER.
        return match upper {
            0 => 1,
            1 if first_upper => 2,
            u if u == total => 3,
            _ => 4,
        };
    }
    if digits == total {
        return 5;
    }
    if letters + digits == total {
        return 6;
    }
    if letters == 0
        && digits == 0
        && word
            .chars()
            .all(|c| c.is_ascii_punctuation() || !c.is_alphanumeric())
    {
        return 7;
    }
    8
}

/// Shape of each word piece of `enc` (an encoding of `text`): the shape of its whole word.
pub fn piece_shapes(text: &str, enc: &Encoding) -> Vec<i64> {
    let words = enc.get_word_ids();
    let offsets = enc.get_offsets();
    let mut shapes = vec![0; words.len()];
    let mut start = 0;
    while start < words.len() {
        let mut end = start + 1;
        while end < words.len() && words[end].is_some() && words[end] == words[start] {
            end += 1;
        }
        let (from, to) = (offsets[start].0, offsets[end - 1].1);
        let shape = match (words[start], text.get(from..to)) {
            (Some(_), Some(word)) => shape_of(word),
            _ => 0,
        };
        shapes[start..end].fill(shape);
        start = end;
    }
    shapes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_word_shapes() {
        for (word, shape) in [
            ("astana", 1),
            ("Astana", 2),
            ("NATO", 3),
            ("A", 2),
            ("McDonald", 4),
            ("1996", 5),
            ("F16", 6),
            (".", 7),
            ("U.S.", 8),
            ("Zoë", 2),
            ("東京", 1),
        ] {
            assert_eq!(shape_of(word), shape, "{word}");
        }
    }
}
