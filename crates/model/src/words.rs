use tokenizers::Encoding;

/// The word pieces of each pre-tokenised word of `enc`, as (first piece, last piece), in order.
/// Pieces that belong to no word (special tokens) are left out. This is the one place that
/// groups pieces into words: inference reads a word's first piece, training labels it, and word
/// shapes cover all of its pieces.
pub fn word_pieces(enc: &Encoding) -> Vec<(usize, usize)> {
    let mut words: Vec<(usize, usize)> = Vec::new();
    let ids = enc.get_word_ids();
    for (piece, word) in ids.iter().enumerate() {
        if word.is_none() {
            continue;
        }
        match words.last_mut() {
            Some(last) if last.1 + 1 == piece && ids[last.1] == *word => last.1 = piece,
            _ => words.push((piece, piece)),
        }
    }
    words
}
