//! Training and scoring the syntax head (part-of-speech and chunk tags) on CoNLL-2003's second and
//! third columns. The encoder is frozen: its layer outputs are computed once for every training
//! token, and only the small head learns, so training takes minutes and the NER output is
//! untouched.

use claimex_core::Sentence;
use claimex_model::{piece_shapes, NerModel, PieceRow, SyntaxConfig, SyntaxHead};
use serde::Serialize;
use tch::nn::OptimizerConfig;
use tch::{Kind, Tensor};

use crate::conll::ConllSentence;
use crate::features::first_piece_features;
use crate::metrics::{score_spans, EvalReport, TypedSpan};
use crate::{Error, Result};

/// Settings of [`train_syntax`].
#[derive(Debug, Clone)]
pub struct SyntaxTrainConfig {
    /// Encoder layers the head reads (0 = first layer's output).
    pub layers: Vec<usize>,
    /// Width of the head's hidden layer.
    pub head_size: i64,
    /// Passes over the training tokens.
    pub epochs: usize,
    /// Adam learning rate.
    pub learning_rate: f64,
    /// Tokens per optimiser step.
    pub batch_tokens: i64,
    /// Seed of initialisation and order.
    pub seed: u64,
}

impl Default for SyntaxTrainConfig {
    fn default() -> Self {
        SyntaxTrainConfig {
            layers: vec![],
            head_size: 256,
            epochs: 4,
            learning_rate: 1e-3,
            batch_tokens: 256,
            seed: 13,
        }
    }
}

/// Accuracy of a syntax head on gold-tagged sentences, measured through [`NerModel::analyze`].
#[derive(Debug, Clone, Serialize)]
pub struct SyntaxReport {
    /// Gold tokens.
    pub tokens: usize,
    /// Share of gold tokens whose span the tokenizer reproduced exactly.
    pub token_match: f64,
    /// Share of gold tokens with the right part of speech (a token the tokenizer split
    /// differently counts as wrong).
    pub pos_accuracy: f64,
    /// Chunks scored as typed character spans (NP, VP, PP, ...), strict.
    pub chunks: EvalReport,
}

/// Gold tokens' part-of-speech and chunk classes, and the encoder's features at their first
/// word pieces.
struct TokenTable {
    features: Tensor,
    pos: Tensor,
    chunk: Tensor,
}

/// Trains a syntax head on `train` (sentences with POS and chunk columns) over `model`'s frozen
/// encoder, reporting after each epoch on `dev` through `progress`. Label sets come from the
/// training data.
pub fn train_syntax(
    model: &NerModel,
    train: &[ConllSentence],
    config: &SyntaxTrainConfig,
    mut progress: impl FnMut(&str),
) -> Result<SyntaxHead> {
    let tagged: Vec<&ConllSentence> = train.iter().filter(|s| !s.pos.is_empty()).collect();
    if tagged.is_empty() {
        return Err(Error::Training(
            "the training data has no part-of-speech and chunk columns (expected four columns: TOKEN POS CHUNK NER, as in CoNLL-2003)".into(),
        ));
    }
    let pos_labels = crate::label_set(tagged.iter().flat_map(|s| s.pos.clone()));
    let chunk_labels = crate::label_set(tagged.iter().flat_map(|s| s.chunks.clone()));

    let layers = if config.layers.is_empty() {
        default_layers(model)?
    } else {
        config.layers.clone()
    };
    let hidden_size = encoder_width(model)?;
    let head = {
        tch::manual_seed(config.seed as i64);
        SyntaxHead::new(SyntaxConfig {
            layers: layers.clone(),
            hidden_size,
            head_size: config.head_size,
            pos_labels: pos_labels.clone(),
            chunk_labels: chunk_labels.clone(),
        })
        .map_err(Error::Ner)?
    };
    progress(&format!(
        "computing encoder features of {} sentences (layers {:?})",
        tagged.len(),
        layers
    ));
    let table = token_table(model, &head, &tagged, &pos_labels, &chunk_labels)?;
    let n = table.pos.size()[0];
    progress(&format!("{n} training tokens"));

    let mut opt = tch::nn::Adam::default().build(head.var_store(), config.learning_rate)?;
    let steps_per_epoch = (n + config.batch_tokens - 1) / config.batch_tokens;
    let total = steps_per_epoch * config.epochs as i64;
    let mut step = 0;
    for epoch in 0..config.epochs {
        tch::manual_seed(config.seed.wrapping_add(1 + epoch as u64) as i64);
        let order = Tensor::randperm(n, (Kind::Int64, tch::Device::Cpu));
        let mut loss_sum = 0.0;
        for b in 0..steps_per_epoch {
            let idx = order.narrow(
                0,
                b * config.batch_tokens,
                config.batch_tokens.min(n - b * config.batch_tokens),
            );
            let x = table.features.index_select(0, &idx);
            let (pos, chunk) = head.forward(&x, true);
            let loss = pos.cross_entropy_for_logits(&table.pos.index_select(0, &idx))
                + chunk.cross_entropy_for_logits(&table.chunk.index_select(0, &idx));
            step += 1;
            // Linear decay to a tenth of the rate.
            opt.set_lr(config.learning_rate * (1.0 - 0.9 * step as f64 / total as f64));
            opt.backward_step(&loss);
            loss_sum += loss.double_value(&[]);
        }
        progress(&format!(
            "epoch {}/{}: mean loss {:.4}",
            epoch + 1,
            config.epochs,
            loss_sum / steps_per_epoch as f64
        ));
    }
    Ok(head)
}

/// The middle and last encoder layers: the middle one carries more syntax, the last one is the
/// context the NER classifier reads.
fn default_layers(model: &NerModel) -> Result<Vec<usize>> {
    let n = layer_count(model)?;
    Ok(if n >= 2 { vec![n / 2, n - 1] } else { vec![0] })
}

fn probe(model: &NerModel) -> Result<Vec<Tensor>> {
    let enc = model.encode("probe").map_err(Error::Ner)?;
    let shapes = piece_shapes("probe", &enc);
    let row = PieceRow {
        ids: enc.get_ids(),
        shapes: &shapes,
    };
    let (_, layers) = tch::no_grad(|| model.forward_rows(&[row], false)).map_err(Error::Ner)?;
    Ok(layers)
}

pub(crate) fn layer_count(model: &NerModel) -> Result<usize> {
    Ok(probe(model)?.len())
}

pub(crate) fn encoder_width(model: &NerModel) -> Result<i64> {
    probe(model)?
        .last()
        .map(|t| t.size()[2])
        .ok_or_else(|| Error::Training("the encoder returned no layer outputs".into()))
}

fn token_table(
    model: &NerModel,
    head: &SyntaxHead,
    sentences: &[&ConllSentence],
    pos_labels: &[String],
    chunk_labels: &[String],
) -> Result<TokenTable> {
    let class =
        |labels: &[String], l: &String| labels.iter().position(|x| x == l).unwrap_or(0) as i64;
    let words: Vec<&[String]> = sentences.iter().map(|s| s.tokens.as_slice()).collect();
    let table = first_piece_features(model, &words, |layers| head.features(layers))?;
    let mut features = Vec::new();
    let (mut pos, mut chunk): (Vec<i64>, Vec<i64>) = (Vec::new(), Vec::new());
    for (s, f) in sentences.iter().zip(table) {
        let Some(f) = f else { continue };
        features.push(f);
        pos.extend(s.pos.iter().map(|p| class(pos_labels, p)));
        chunk.extend(s.chunks.iter().map(|c| class(chunk_labels, c)));
    }
    Ok(TokenTable {
        features: Tensor::cat(&features, 0),
        pos: Tensor::from_slice(&pos),
        chunk: Tensor::from_slice(&chunk),
    })
}

/// Scores `model`'s syntax head on gold-tagged sentences through the inference path: each
/// sentence's tokens joined by spaces, tokenised and tagged by [`NerModel::analyze`], compared
/// with the gold tokens by character span.
pub fn evaluate_syntax(model: &NerModel, data: &[ConllSentence]) -> Result<SyntaxReport> {
    if model.syntax().is_none() {
        return Err(Error::Training(format!(
            "model {} has no syntax head: train one with `claimex train syntax`",
            model.info().id
        )));
    }
    let tagged: Vec<&ConllSentence> = data.iter().filter(|s| !s.pos.is_empty()).collect();
    if tagged.is_empty() {
        return Err(Error::Training(
            "the data has no part-of-speech and chunk columns".into(),
        ));
    }
    let texts: Vec<(String, Vec<claimex_core::Span>)> = tagged.iter().map(|s| s.text()).collect();
    let sentences: Vec<Sentence> = texts
        .iter()
        .map(|(t, _)| Sentence {
            start: 0,
            end: t.chars().count(),
            text: t.clone(),
        })
        .collect();
    let mut analyses = Vec::with_capacity(sentences.len());
    for chunk in sentences.chunks(256) {
        analyses.extend(model.analyze(chunk).map_err(Error::Ner)?);
    }
    let (mut tokens, mut matched, mut right) = (0, 0, 0);
    let mut gold_chunks = Vec::new();
    let mut predicted_chunks = Vec::new();
    for ((s, (_, spans)), analysis) in tagged.iter().zip(&texts).zip(&analyses) {
        for (i, span) in spans.iter().enumerate() {
            tokens += 1;
            if let Some(t) = analysis
                .tokens
                .iter()
                .find(|t| t.start == span.start && t.end == span.end)
            {
                matched += 1;
                if t.pos == s.pos[i] {
                    right += 1;
                }
            }
        }
        let gold: Vec<(usize, usize, &str)> = spans
            .iter()
            .zip(&s.chunks)
            .map(|(sp, c)| (sp.start, sp.end, c.as_str()))
            .collect();
        let predicted: Vec<(usize, usize, &str)> = analysis
            .tokens
            .iter()
            .map(|t| (t.start, t.end, t.chunk.as_str()))
            .collect();
        gold_chunks.push(chunk_spans(&gold));
        predicted_chunks.push(chunk_spans(&predicted));
    }
    let share = |a: usize| {
        if tokens == 0 {
            0.0
        } else {
            a as f64 / tokens as f64
        }
    };
    Ok(SyntaxReport {
        tokens,
        token_match: share(matched),
        pos_accuracy: share(right),
        chunks: score_spans(&gold_chunks, &predicted_chunks),
    })
}

/// IOB2 chunk tags of tokens (start, end, tag) as typed character spans.
fn chunk_spans(tokens: &[(usize, usize, &str)]) -> Vec<TypedSpan> {
    let mut out: Vec<TypedSpan> = Vec::new();
    let mut open = false;
    for &(start, end, tag) in tokens {
        match (tag.strip_prefix("B-"), tag.strip_prefix("I-")) {
            (Some(label), _) => {
                out.push(TypedSpan {
                    start,
                    end,
                    label: label.into(),
                });
                open = true;
            }
            (_, Some(label)) if open && out.last().is_some_and(|l| l.label == label) => {
                if let Some(last) = out.last_mut() {
                    last.end = end;
                }
            }
            (_, Some(label)) => {
                out.push(TypedSpan {
                    start,
                    end,
                    label: label.into(),
                });
                open = true;
            }
            _ => open = false,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_tags_become_typed_spans() {
        let spans = chunk_spans(&[
            (0, 3, "B-NP"),
            (4, 8, "I-NP"),
            (9, 13, "B-VP"),
            (14, 15, "O"),
            (16, 20, "I-NP"),
        ]);
        let got: Vec<_> = spans
            .iter()
            .map(|s| (s.start, s.end, s.label.as_str()))
            .collect();
        assert_eq!(got, [(0, 8, "NP"), (9, 13, "VP"), (16, 20, "NP")]);
    }
}
