use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// A half-open range `start..end` of character (Unicode scalar value) offsets into a document text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    /// First character, inclusive.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
}

impl Span {
    /// Creates a span; `start` must not exceed `end`.
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end, "span start {start} > end {end}");
        Span { start, end }
    }

    /// Number of characters covered.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when the span covers no character.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// True when `other` lies entirely inside `self`.
    pub fn contains(&self, other: &Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// Converts between byte offsets (what Rust's `str` and tokenizers use) and character offsets (what
/// claimex emits) for one text. Building it is O(n) once; each lookup is O(log n) or O(1).
#[derive(Debug, Clone)]
pub struct TextIndex {
    /// Byte offset of every character, plus the text length in bytes as a final entry.
    char_to_byte: Vec<usize>,
}

impl TextIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut char_to_byte: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        char_to_byte.push(text.len());
        TextIndex { char_to_byte }
    }

    /// Length of the text in characters.
    pub fn char_len(&self) -> usize {
        self.char_to_byte.len() - 1
    }

    /// Byte offset of character offset `c` (`c == char_len()` gives the byte length).
    pub fn byte_of_char(&self, c: usize) -> Option<usize> {
        self.char_to_byte.get(c).copied()
    }

    /// Character offset of byte offset `b`, which must fall on a character boundary.
    pub fn char_of_byte(&self, b: usize) -> Option<usize> {
        self.char_to_byte.binary_search(&b).ok()
    }

    /// Character offset of the character that contains byte `b` (rounds down inside a character).
    pub fn char_at_or_before_byte(&self, b: usize) -> usize {
        match self.char_to_byte.binary_search(&b) {
            Ok(c) => c,
            Err(c) => c.saturating_sub(1),
        }
    }

    /// Character span of the byte range `start..end`; both ends must be character boundaries.
    pub fn span_of_bytes(&self, start: usize, end: usize) -> Option<Span> {
        Some(Span::new(
            self.char_of_byte(start)?,
            self.char_of_byte(end)?,
        ))
    }

    /// Byte range of a character span.
    pub fn bytes_of_span(&self, span: Span) -> Result<std::ops::Range<usize>> {
        let out_of_range = || Error::SpanOutOfRange {
            start: span.start,
            end: span.end,
            len: self.char_len(),
        };
        if span.start > span.end {
            return Err(out_of_range());
        }
        let start = self.byte_of_char(span.start).ok_or_else(out_of_range)?;
        let end = self.byte_of_char(span.end).ok_or_else(out_of_range)?;
        Ok(start..end)
    }

    /// The text that `span` covers in `text` (which must be the text this index was built from).
    pub fn slice<'t>(&self, text: &'t str, span: Span) -> Result<&'t str> {
        Ok(&text[self.bytes_of_span(span)?])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn slices_multibyte_text_by_characters() {
        let text = "Zoë met 東京 officials 🙂 today";
        let index = TextIndex::new(text);
        assert_eq!(index.slice(text, Span::new(0, 3)).unwrap(), "Zoë");
        assert_eq!(index.slice(text, Span::new(8, 10)).unwrap(), "東京");
        assert_eq!(index.slice(text, Span::new(21, 22)).unwrap(), "🙂");
        assert_eq!(index.char_len(), text.chars().count());
    }

    #[test]
    fn rejects_span_past_the_end() {
        let index = TextIndex::new("abc");
        assert!(index.slice("abc", Span::new(1, 4)).is_err());
    }

    #[test]
    fn byte_inside_a_character_has_no_char_offset() {
        let index = TextIndex::new("é");
        assert_eq!(index.char_of_byte(1), None);
        assert_eq!(index.char_at_or_before_byte(1), 0);
    }

    proptest! {
        #[test]
        fn byte_and_char_offsets_round_trip(text in "\\PC{0,40}") {
            let index = TextIndex::new(&text);
            for (c, (b, ch)) in text.char_indices().enumerate() {
                prop_assert_eq!(index.byte_of_char(c), Some(b));
                prop_assert_eq!(index.char_of_byte(b), Some(c));
                let one = index.slice(&text, Span::new(c, c + 1)).unwrap();
                prop_assert_eq!(one.chars().next(), Some(ch));
            }
        }
    }
}
