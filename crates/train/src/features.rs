//! What heads trained on a frozen encoder read: for each gold-tokenised sentence, the encoder's
//! layer outputs at each word's first word piece.

use claimex_core::TextIndex;
use claimex_model::{piece_shapes, NerModel, PieceRow};
use tch::Tensor;

use crate::conll::join_tokens;
use crate::{Error, Result};

/// Sentences per encoder batch while computing features.
const BATCH: usize = 32;

/// The features of each sentence's words, `[words, width]`: `select` picks them from the layer
/// outputs of one forward pass, each word's row is its first piece's (the words joined by single
/// spaces and tokenised as a whole). `None` for a sentence longer than the encoder's window or
/// whose words the tokenizer does not reach (every such sentence is one the caller must count).
pub(crate) fn first_piece_features(
    model: &NerModel,
    sentences: &[&[String]],
    select: impl Fn(&[Tensor]) -> claimex_model::Result<Tensor>,
) -> Result<Vec<Option<Tensor>>> {
    struct Item {
        at: usize,
        input: WordInput,
    }
    let mut items = Vec::new();
    for (at, words) in sentences.iter().enumerate() {
        if let Some(input) = word_input(model, words)? {
            items.push(Item { at, input });
        }
    }
    // Batches of similar lengths pad little.
    items.sort_by_key(|i| i.input.ids.len());
    let mut out: Vec<Option<Tensor>> = (0..sentences.len()).map(|_| None).collect();
    for batch in items.chunks(BATCH) {
        let rows: Vec<PieceRow> = batch.iter().map(|i| i.input.row()).collect();
        let features = tch::no_grad(|| -> Result<Tensor> {
            let (_, layers) = model.forward_rows(&rows, false).map_err(Error::Ner)?;
            select(&layers).map_err(Error::Ner)
        })?;
        for (row, item) in batch.iter().enumerate() {
            out[item.at] = Some(
                features
                    .get(row as i64)
                    .index_select(0, &Tensor::from_slice(&item.input.firsts)),
            );
        }
    }
    Ok(out)
}

/// A gold-tokenised sentence as encoder input: its word pieces (the words joined by single
/// spaces) and the position of each word's first piece in the encoder's output.
pub(crate) struct WordInput {
    pub(crate) ids: Vec<u32>,
    pub(crate) shapes: Vec<i64>,
    /// Output position of each word's first piece (position 0 is `[CLS]`, so piece k is at k + 1).
    pub(crate) firsts: Vec<i64>,
}

impl WordInput {
    pub(crate) fn row(&self) -> PieceRow<'_> {
        PieceRow {
            ids: &self.ids,
            shapes: &self.shapes,
        }
    }
}

/// `words` as encoder input; `None` when the sentence is longer than the encoder's window or
/// the tokenizer does not reach every word.
pub(crate) fn word_input(model: &NerModel, words: &[String]) -> Result<Option<WordInput>> {
    let (text, spans) = join_tokens(words);
    let enc = model.encode(&text).map_err(Error::Ner)?;
    if enc.len() > model.window() {
        return Ok(None);
    }
    let index = TextIndex::new(&text);
    let offsets = enc.get_offsets();
    let mut firsts = Vec::with_capacity(spans.len());
    for span in &spans {
        let start = index.byte_of_char(span.start).unwrap_or(text.len());
        match offsets.iter().position(|o| o.1 > start) {
            Some(p) => firsts.push(p as i64 + 1),
            None => return Ok(None),
        }
    }
    Ok(Some(WordInput {
        shapes: piece_shapes(&text, &enc),
        ids: enc.get_ids().to_vec(),
        firsts,
    }))
}
