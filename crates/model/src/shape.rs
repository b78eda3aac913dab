//! Word shapes: the case and character-class information that an uncased vocabulary throws away.
//! Each word piece carries the shape of the whole word it belongs to.

use tokenizers::Encoding;

use crate::words::word_pieces;

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
    let offsets = enc.get_offsets();
    let mut shapes = vec![0; enc.len()];
    for (first, last) in word_pieces(enc) {
        if let Some(word) = text.get(offsets[first].0..offsets[last].1) {
            shapes[first..=last].fill(shape_of(word));
        }
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
