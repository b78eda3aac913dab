use claimex_core::Sentence;
use claimex_ner::{piece_shapes, word_pieces, NerModel, PieceRow};
use tch::nn::OptimizerConfig;
use tch::{Reduction, Tensor};

use crate::metrics::{score_spans, EvalReport, TypedSpan};
use crate::{ConllSentence, Error, Result};

/// Class index that the loss ignores (pieces after a word's first, and special tokens).
const IGNORE: i64 = -100;

/// A labelled sentence: text and gold entities as character spans over it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainExample {
    /// Sentence text.
    pub text: String,
    /// Gold entities.
    pub entities: Vec<TypedSpan>,
}

impl From<&ConllSentence> for TrainExample {
    fn from(s: &ConllSentence) -> Self {
        TrainExample {
            text: s.text().0,
            entities: s.entities(),
        }
    }
}

/// Fine-tuning settings. Defaults are the usual ones for BERT-family token classification.
#[derive(Debug, Clone)]
pub struct TrainConfig {
    /// Passes over the training data.
    pub epochs: usize,
    /// Sentences per optimiser step.
    pub batch_size: usize,
    /// Peak learning rate (AdamW).
    pub learning_rate: f64,
    /// Share of all steps spent warming the learning rate up linearly from 0; it then decays
    /// linearly to 0.
    pub warmup_fraction: f64,
    /// AdamW weight decay.
    pub weight_decay: f64,
    /// Gradients are rescaled to at most this global norm.
    pub max_grad_norm: f64,
    /// Seeds libtorch (dropout, initialisation) and the batch order.
    pub seed: u64,
    /// With a dev set: stop after this many epochs without a better dev F1. The weights of the
    /// best epoch are restored at the end either way.
    pub patience: usize,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 3,
            batch_size: 32,
            learning_rate: 5e-5,
            warmup_fraction: 0.1,
            weight_decay: 0.01,
            max_grad_norm: 1.0,
            seed: 42,
            patience: 2,
        }
    }
}

/// What happened at one optimiser step, for progress display.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepReport {
    /// 1-based epoch.
    pub epoch: usize,
    /// 1-based step over the whole run.
    pub step: usize,
    /// Steps in the whole run.
    pub total_steps: usize,
    /// Mean cross-entropy of this batch.
    pub loss: f64,
    /// Learning rate used.
    pub learning_rate: f64,
}

/// A sentence turned into model input: word-piece ids and one target class per piece.
struct Encoded {
    ids: Vec<u32>,
    shapes: Vec<i64>,
    targets: Vec<i64>,
}

/// Aligns gold character spans with the model's word pieces: a word's first piece gets `B-X` when
/// an entity starts there, `I-X` inside one, `O` elsewhere; other pieces are ignored by the loss,
/// as inference reads only first pieces.
fn encode(model: &NerModel, example: &TrainExample) -> Result<Encoded> {
    let enc = model
        .encode(&example.text)
        .map_err(|e| Error::Training(e.to_string()))?;
    let index = claimex_core::TextIndex::new(&example.text);
    let labels = &model.info().labels;
    let class = |label: &str| -> Result<i64> {
        labels
            .iter()
            .position(|l| l == label)
            .map(|i| i as i64)
            .ok_or_else(|| {
                Error::Training(format!(
                    "label {label} is not among the model's labels {labels:?}; extending the label set is not built yet"
                ))
            })
    };
    let mut targets = vec![IGNORE; enc.len()];
    for (first, _) in word_pieces(&enc) {
        let start = index.char_at_or_before_byte(enc.get_offsets()[first].0);
        let label = example
            .entities
            .iter()
            .find(|e| e.start <= start && start < e.end)
            .map(|e| {
                let prefix = if e.start == start { "B" } else { "I" };
                format!("{prefix}-{}", e.label)
            })
            .unwrap_or_else(|| "O".to_string());
        targets[first] = class(&label)?;
    }
    Ok(Encoded {
        ids: enc.get_ids().to_vec(),
        shapes: piece_shapes(&example.text, &enc),
        targets,
    })
}

/// Fine-tunes `model` in place on `train` with AdamW, linear warm-up and decay, and gradient
/// clipping. Batches hold sentences of similar length (sorted, then shuffled as blocks by the
/// seed). Sentences longer than the model's window are skipped and counted in the result.
/// With `dev`, every epoch ends with a dev evaluation; training stops early after
/// `config.patience` epochs without improvement and the best epoch's weights are kept.
/// `on_step` sees every step, `on_epoch` every dev evaluation.
pub fn finetune(
    model: &NerModel,
    train: &[TrainExample],
    dev: Option<&[TrainExample]>,
    config: &TrainConfig,
    mut on_step: impl FnMut(&StepReport),
    mut on_epoch: impl FnMut(usize, &EvalReport),
) -> Result<FinetuneSummary> {
    tch::manual_seed(config.seed as i64);
    let mut encoded = Vec::with_capacity(train.len());
    let mut too_long = 0;
    for example in train {
        let e = encode(model, example)?;
        if e.ids.is_empty() {
            continue;
        }
        if e.ids.len() > model.window() {
            too_long += 1;
            continue;
        }
        encoded.push(e);
    }
    if encoded.is_empty() {
        return Err(Error::Training("no usable training sentences".into()));
    }
    encoded.sort_by_key(|e| e.ids.len());
    let batch_size = config.batch_size.max(1);
    let mut batches: Vec<&[Encoded]> = encoded.chunks(batch_size).collect();
    let total_steps = batches.len() * config.epochs;
    let warmup = ((total_steps as f64) * config.warmup_fraction).ceil() as usize;

    let mut optimizer = tch::nn::AdamW {
        wd: config.weight_decay,
        ..Default::default()
    }
    .build(model.var_store(), config.learning_rate)?;
    let mut rng = SplitMix64(config.seed);
    let mut step = 0;
    let mut losses = Vec::with_capacity(total_steps);
    let mut dev_f1 = Vec::new();
    let mut best: Option<BestEpoch> = None;
    for epoch in 1..=config.epochs {
        shuffle(&mut batches, &mut rng);
        for batch in &batches {
            step += 1;
            let lr = config.learning_rate * schedule(step, warmup, total_steps);
            optimizer.set_lr(lr);
            let rows: Vec<PieceRow> = batch
                .iter()
                .map(|e| PieceRow {
                    ids: &e.ids,
                    shapes: &e.shapes,
                })
                .collect();
            let logits = model
                .logits(&rows, true)
                .map_err(|e| Error::Training(e.to_string()))?;
            let (n, len, classes) = logits.size3()?;
            let mut targets = vec![IGNORE; (n * len) as usize];
            for (row, e) in batch.iter().enumerate() {
                let base = row * len as usize + 1;
                targets[base..base + e.targets.len()].copy_from_slice(&e.targets);
            }
            let targets = Tensor::from_slice(&targets);
            let loss = logits.view([-1, classes]).cross_entropy_loss::<Tensor>(
                &targets,
                None,
                Reduction::Mean,
                IGNORE,
                0.0,
            );
            optimizer.backward_step_clip_norm(&loss, config.max_grad_norm);
            let loss = loss.double_value(&[]);
            losses.push(loss);
            on_step(&StepReport {
                epoch,
                step,
                total_steps,
                loss,
                learning_rate: lr,
            });
        }
        let Some(dev) = dev else { continue };
        let report = evaluate(model, dev)?;
        on_epoch(epoch, &report);
        dev_f1.push(report.f1);
        if best.as_ref().map_or(true, |b| report.f1 > b.f1) {
            let weights = model
                .var_store()
                .variables()
                .into_iter()
                .map(|(name, t)| (name, t.detach().copy()))
                .collect();
            best = Some(BestEpoch {
                epoch,
                f1: report.f1,
                weights,
            });
        } else if best
            .as_ref()
            .is_some_and(|b| epoch - b.epoch >= config.patience.max(1))
        {
            break;
        }
    }
    let best_epoch = best.as_ref().map(|b| b.epoch);
    if let Some(BestEpoch { weights, .. }) = best {
        let vars = model.var_store().variables();
        tch::no_grad(|| {
            for (name, saved) in &weights {
                if let Some(var) = vars.get(name) {
                    var.shallow_clone().copy_(saved);
                }
            }
        });
    }
    Ok(FinetuneSummary {
        losses,
        dev_f1,
        best_epoch,
        sentences: encoded.len(),
        too_long,
    })
}

/// The best epoch so far: its dev F1 and a copy of its weights.
struct BestEpoch {
    epoch: usize,
    f1: f64,
    weights: Vec<(String, Tensor)>,
}

/// What a fine-tuning run did.
#[derive(Debug, Clone, PartialEq)]
pub struct FinetuneSummary {
    /// Loss at every step.
    pub losses: Vec<f64>,
    /// Dev F1 after each epoch run (empty without a dev set).
    pub dev_f1: Vec<f64>,
    /// Epoch whose weights the model holds now, when a dev set chose it.
    pub best_epoch: Option<usize>,
    /// Sentences trained on.
    pub sentences: usize,
    /// Sentences skipped for being longer than the model's window.
    pub too_long: usize,
}

/// Strict span scores of `model` on labelled examples.
pub fn evaluate(model: &NerModel, examples: &[TrainExample]) -> Result<EvalReport> {
    let sentences: Vec<Sentence> = examples
        .iter()
        .map(|e| Sentence {
            start: 0,
            end: e.text.chars().count(),
            text: e.text.clone(),
        })
        .collect();
    let predicted: Vec<Vec<TypedSpan>> = model
        .recognize(&sentences)
        .map_err(|e| Error::Training(e.to_string()))?
        .into_iter()
        .map(|ents| {
            ents.into_iter()
                .map(|e| TypedSpan {
                    start: e.start,
                    end: e.end,
                    label: e.label,
                })
                .collect()
        })
        .collect();
    let gold: Vec<Vec<TypedSpan>> = examples.iter().map(|e| e.entities.clone()).collect();
    Ok(score_spans(&gold, &predicted))
}

/// Learning-rate factor: linear warm-up over `warmup` steps, then linear decay to 0 at `total`.
fn schedule(step: usize, warmup: usize, total: usize) -> f64 {
    if step <= warmup {
        step as f64 / warmup.max(1) as f64
    } else {
        (total.saturating_sub(step) as f64 / total.saturating_sub(warmup).max(1) as f64).max(0.0)
    }
}

/// A small seeded generator for the batch order (reproducible without another dependency).
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

fn shuffle<T>(items: &mut [T], rng: &mut SplitMix64) {
    for i in (1..items.len()).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_warms_up_then_decays_to_zero() {
        assert_eq!(schedule(1, 4, 20), 0.25);
        assert_eq!(schedule(4, 4, 20), 1.0);
        assert_eq!(schedule(12, 4, 20), 0.5);
        assert_eq!(schedule(20, 4, 20), 0.0);
    }

    #[test]
    fn shuffle_is_a_seeded_permutation() {
        let mut a: Vec<u32> = (0..20).collect();
        let mut b = a.clone();
        shuffle(&mut a, &mut SplitMix64(7));
        shuffle(&mut b, &mut SplitMix64(7));
        assert_eq!(a, b);
        let mut sorted = a.clone();
        sorted.sort();
        assert_eq!(sorted, (0..20).collect::<Vec<_>>());
        assert_ne!(a, sorted);
    }
}
