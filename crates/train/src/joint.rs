//! Joint fine-tuning on CoNLL04: the encoder, its NER classifier and the relation head learn
//! together, from one loss per batch (the NER cross-entropy over words' first pieces plus the
//! relation cross-entropy over every ordered pair of gold entities). The head keeps reading the
//! same features as when it is trained over a frozen encoder (mention means, the words between,
//! types, order), but the encoder now moves to serve it, and NER learns CoNLL04's conventions at
//! the same time. The best epoch by end-to-end strict relation F1 on dev is kept.

use std::collections::BTreeMap;

use claimex_model::{
    pair_batch, pair_candidates, select_layers, Mention, NerModel, PairCandidate, PieceRow,
    RelationHead,
};
use tch::nn::OptimizerConfig;
use tch::Tensor;
use tokenizers::Encoding;

use crate::conll04::RelationSentence;
use crate::finetune::{
    encode_from, ner_cross_entropy, restore_store, schedule, shuffle, snapshot_store, Encoded,
    SplitMix64, Weights,
};
use crate::relations::{gold_relations, predict_entities, predict_relations, score_relations};
use crate::{Error, Result, TrainExample};

/// Settings of [`finetune_jointly`].
#[derive(Debug, Clone)]
pub struct JointConfig {
    /// Passes over the training sentences.
    pub epochs: usize,
    /// Sentences per optimiser step.
    pub batch_size: usize,
    /// Peak learning rate of the encoder and NER classifier (AdamW, warm-up then linear decay).
    pub encoder_learning_rate: f64,
    /// Peak learning rate of the relation head (same schedule).
    pub head_learning_rate: f64,
    /// Share of the steps spent warming up.
    pub warmup_fraction: f64,
    /// Each part's gradients are rescaled to at most this norm.
    pub max_grad_norm: f64,
    /// Weight of the relation loss against the NER loss.
    pub relation_weight: f64,
    /// Seeds dropout and the batch order.
    pub seed: u64,
    /// Stop after this many epochs without a better dev F1.
    pub patience: usize,
}

impl Default for JointConfig {
    fn default() -> Self {
        JointConfig {
            epochs: 10,
            batch_size: 16,
            encoder_learning_rate: 5e-5,
            head_learning_rate: 5e-4,
            warmup_fraction: 0.1,
            max_grad_norm: 1.0,
            relation_weight: 1.0,
            seed: 23,
            patience: 3,
        }
    }
}

/// What [`finetune_jointly`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct JointSummary {
    /// End-to-end strict relation F1 on dev after each epoch run.
    pub dev_f1: Vec<f64>,
    /// The epoch whose weights were kept (None: no epoch beat the starting point, which is kept).
    pub best_epoch: Option<usize>,
    /// Dev F1 before training.
    pub start_f1: f64,
    /// Training sentences used.
    pub sentences: usize,
    /// Training sentences longer than the model's window, left out.
    pub too_long: usize,
}

/// One training sentence ready for a step.
struct Prepared {
    encoded: Encoded,
    encoding: Encoding,
    text: String,
    mentions: Vec<Mention>,
    /// Class of each gold ordered pair (relation index + 1).
    gold: BTreeMap<(usize, usize), i64>,
}

fn prepare(model: &NerModel, head: &RelationHead, s: &RelationSentence) -> Result<Prepared> {
    let relations = &head.config().relations;
    let example: TrainExample = s.clone().into();
    let encoding = model.encode(&s.text).map_err(Error::Ner)?;
    Ok(Prepared {
        encoded: encode_from(model, &example, &encoding)?,
        encoding,
        text: s.text.clone(),
        mentions: s
            .entities
            .iter()
            .map(|e| Mention {
                start: e.start,
                end: e.end,
                label: e.label.clone(),
            })
            .collect(),
        gold: s
            .relations
            .iter()
            .filter_map(|r| {
                let class = relations.iter().position(|l| *l == r.label)? as i64 + 1;
                Some(((r.head, r.tail), class))
            })
            .collect(),
    })
}

/// End-to-end strict relation F1 of `model` + `head` on `dev` (the model's own entities).
fn dev_f1(model: &NerModel, head: &RelationHead, dev: &[RelationSentence]) -> Result<f64> {
    let texts: Vec<&str> = dev.iter().map(|s| s.text.as_str()).collect();
    let entities = predict_entities(model, &texts)?;
    let predicted = predict_relations(model, head, &texts, &entities)?;
    Ok(score_relations(&gold_relations(dev), &predicted).f1)
}

/// Fine-tunes `model` (encoder and NER classifier) and `head` together on `train`, scoring
/// end-to-end relation F1 on `dev` after every epoch; the best epoch's weights (or the starting
/// ones, if no epoch beats them) are left in both. `model` must already have the data's entity
/// labels (train NER on the data first, or `NerModel::extend_labels`), and `head` the data's
/// relation labels: `train_relations` with no epochs gives a fresh head, which is what to start
/// from (a head already fitted to the frozen encoder leaves the pairs almost no loss to teach the
/// encoder with).
pub fn finetune_jointly(
    model: &NerModel,
    head: &RelationHead,
    train: &[RelationSentence],
    dev: &[RelationSentence],
    config: &JointConfig,
    mut progress: impl FnMut(&str),
) -> Result<JointSummary> {
    let started = std::time::Instant::now();
    let mut prepared = Vec::with_capacity(train.len());
    let mut too_long = 0;
    for s in train {
        let p = prepare(model, head, s)?;
        if p.encoded.ids.is_empty() {
            continue;
        }
        if p.encoded.ids.len() > model.window() {
            too_long += 1;
            continue;
        }
        prepared.push(p);
    }
    if prepared.is_empty() {
        return Err(Error::Training("no usable training sentences".into()));
    }
    prepared.sort_by_key(|p| p.encoded.ids.len());
    let mut batches: Vec<&[Prepared]> = prepared.chunks(config.batch_size.max(1)).collect();
    let total_steps = batches.len() * config.epochs;
    let warmup = ((total_steps as f64) * config.warmup_fraction).ceil() as usize;
    let layers = head.config().layers.clone();

    let start_f1 = dev_f1(model, head, dev)?;
    progress(&format!(
        "{} training sentences ({too_long} too long), {} steps; dev F1 before: {start_f1:.4}",
        prepared.len(),
        total_steps
    ));
    let mut best: (Option<usize>, f64, Weights, Weights) = (
        None,
        start_f1,
        snapshot_store(model.var_store()),
        snapshot_store(head.var_store()),
    );

    tch::manual_seed(config.seed as i64);
    let mut encoder_opt = tch::nn::AdamW {
        wd: 0.01,
        ..Default::default()
    }
    .build(model.var_store(), config.encoder_learning_rate)?;
    let mut head_opt =
        tch::nn::Adam::default().build(head.var_store(), config.head_learning_rate)?;
    let mut rng = SplitMix64(config.seed);
    let mut dev_scores = Vec::new();
    let mut step = 0;
    for epoch in 1..=config.epochs {
        shuffle(&mut batches, &mut rng);
        let (mut ner_total, mut rel_total) = (0.0, 0.0);
        for batch in &batches {
            step += 1;
            let factor = schedule(step, warmup, total_steps);
            encoder_opt.set_lr(config.encoder_learning_rate * factor);
            head_opt.set_lr(config.head_learning_rate * factor);
            let (ner_loss, rel_loss) = batch_loss(model, head, batch, &layers)?;
            let loss = match &rel_loss {
                Some(r) => &ner_loss + r * config.relation_weight,
                None => ner_loss.shallow_clone(),
            };
            encoder_opt.zero_grad();
            head_opt.zero_grad();
            loss.backward();
            encoder_opt.clip_grad_norm(config.max_grad_norm);
            head_opt.clip_grad_norm(config.max_grad_norm);
            encoder_opt.step();
            head_opt.step();
            ner_total += ner_loss.double_value(&[]);
            rel_total += rel_loss.map_or(0.0, |r| r.double_value(&[]));
        }
        let f1 = dev_f1(model, head, dev)?;
        dev_scores.push(f1);
        let n = batches.len().max(1) as f64;
        progress(&format!(
            "epoch {epoch}/{}: NER loss {:.4}, relation loss {:.4}, dev F1 {f1:.4} ({:.0}s)",
            config.epochs,
            ner_total / n,
            rel_total / n,
            started.elapsed().as_secs_f64()
        ));
        if f1 > best.1 {
            best = (
                Some(epoch),
                f1,
                snapshot_store(model.var_store()),
                snapshot_store(head.var_store()),
            );
        } else if epoch - best.0.unwrap_or(0) >= config.patience.max(1) {
            progress(&format!(
                "no better dev F1 for {} epochs: stopping",
                config.patience.max(1)
            ));
            break;
        }
    }
    restore_store(model.var_store(), &best.2)?;
    restore_store(head.var_store(), &best.3)?;
    Ok(JointSummary {
        dev_f1: dev_scores,
        best_epoch: best.0,
        start_f1,
        sentences: prepared.len(),
        too_long,
    })
}

/// The NER loss of one batch and, when it has entity pairs, the relation loss.
fn batch_loss(
    model: &NerModel,
    head: &RelationHead,
    batch: &[Prepared],
    layers: &[usize],
) -> Result<(Tensor, Option<Tensor>)> {
    let rows: Vec<PieceRow> = batch.iter().map(|p| p.encoded.row()).collect();
    let (logits, all) = model.forward_rows(&rows, true).map_err(Error::Ner)?;
    let ner_loss = ner_cross_entropy(&logits, batch.iter().map(|p| p.encoded.targets.as_slice()))?;
    let states = select_layers(&all, layers, "the relation head").map_err(Error::Ner)?;
    let mut candidates: Vec<PairCandidate> = Vec::new();
    let mut labels: Vec<i64> = Vec::new();
    for (row, p) in batch.iter().enumerate() {
        let pieces = states.get(row as i64).narrow(0, 1, p.encoding.len() as i64);
        for c in pair_candidates(head.config(), &p.text, &p.encoding, &pieces, &p.mentions) {
            labels.push(p.gold.get(&(c.head, c.tail)).copied().unwrap_or(0));
            candidates.push(c);
        }
    }
    if candidates.is_empty() {
        return Ok((ner_loss, None));
    }
    let refs: Vec<&PairCandidate> = candidates.iter().collect();
    let rel_loss = head
        .forward(&pair_batch(&refs), true)
        .cross_entropy_for_logits(&Tensor::from_slice(&labels));
    Ok((ner_loss, Some(rel_loss)))
}
