//! Training and scoring the dependency parser head on a CoNLL-U treebank (UD English EWT). The
//! encoder is frozen: each training word's features are computed once, and only the head learns.
//! Scores follow the CoNLL 2018 shared task: gold tokenisation, every word counted, punctuation
//! included; LAS compares the universal relation (the part before any `:` subtype), and the
//! full-label LAS is reported beside it.

use claimex_model::{NerModel, Parse, ParserConfig, ParserHead};
use serde::Serialize;
use tch::nn::OptimizerConfig;
use tch::{Device, Kind, Tensor};

use crate::conllu::TreeSentence;
use crate::features::first_piece_features;
use crate::{Error, Result};

/// Settings of [`train_parser`].
#[derive(Debug, Clone)]
pub struct ParserTrainConfig {
    /// Encoder layers the head reads (0 = first layer's output); empty: every layer.
    pub layers: Vec<usize>,
    /// Width of the word states.
    pub word_size: i64,
    /// Width of the arc scorer's states.
    pub arc_size: i64,
    /// Width of the label scorer's states.
    pub label_size: i64,
    /// Passes over the training sentences.
    pub epochs: usize,
    /// Adam learning rate.
    pub learning_rate: f64,
    /// Sentences per optimiser step.
    pub batch_sentences: usize,
    /// Seed of initialisation and order.
    pub seed: u64,
    /// What the head is trained on, for the model card.
    pub trained_on: String,
}

impl Default for ParserTrainConfig {
    fn default() -> Self {
        ParserTrainConfig {
            layers: vec![],
            word_size: 512,
            arc_size: 384,
            label_size: 128,
            epochs: 30,
            learning_rate: 2e-3,
            batch_sentences: 32,
            seed: 17,
            trained_on: String::new(),
        }
    }
}

/// Attachment scores of a parser head.
#[derive(Debug, Clone, Serialize)]
pub struct ParserReport {
    /// Sentences scored.
    pub sentences: usize,
    /// Words scored (every word, punctuation included).
    pub words: usize,
    /// Words in sentences the encoder could not read whole (longer than its window): counted
    /// as wrong.
    pub unread_words: usize,
    /// Share of words with the right head.
    pub uas: f64,
    /// Share of words with the right head and universal relation (CoNLL 2018 LAS).
    pub las: f64,
    /// Share of words with the right head and full relation, subtype included.
    pub las_full: f64,
}

/// A treebank's sentences with their features (those the encoder reads whole).
struct Table {
    features: Vec<Tensor>,
    heads: Vec<Vec<i64>>,
    labels: Vec<Vec<i64>>,
}

fn table(model: &NerModel, head: &ParserHead, data: &[TreeSentence]) -> Result<(Table, Vec<bool>)> {
    let labels = &head.config().labels;
    let words: Vec<&[String]> = data.iter().map(|s| s.words.as_slice()).collect();
    let features = first_piece_features(model, &words, |layers| head.features(layers))?;
    let mut table = Table {
        features: vec![],
        heads: vec![],
        labels: vec![],
    };
    let mut read = Vec::with_capacity(data.len());
    for (s, f) in data.iter().zip(features) {
        read.push(f.is_some());
        let Some(f) = f else { continue };
        table.features.push(f);
        table
            .heads
            .push(s.heads.iter().map(|&h| h as i64).collect());
        table.labels.push(
            s.relations
                .iter()
                .map(|r| labels.iter().position(|l| l == r).unwrap_or(0) as i64)
                .collect(),
        );
    }
    Ok((table, read))
}

/// Pads sentences `picked` of `table` into one batch: features `[b, n, d]`, lengths, heads and
/// labels `[b, n]`.
fn batch(table: &Table, picked: &[usize]) -> (Tensor, Vec<i64>, Tensor, Tensor) {
    let lengths: Vec<i64> = picked
        .iter()
        .map(|&i| table.heads[i].len() as i64)
        .collect();
    let longest = lengths.iter().copied().max().unwrap_or(0);
    let pad = |t: &Tensor| {
        let n = t.size()[0];
        if n == longest {
            t.shallow_clone()
        } else {
            t.constant_pad_nd([0, 0, 0, longest - n])
        }
    };
    let features = Tensor::stack(
        &picked
            .iter()
            .map(|&i| pad(&table.features[i]))
            .collect::<Vec<_>>(),
        0,
    );
    let padded = |rows: &[Vec<i64>]| {
        let mut flat = Vec::with_capacity(picked.len() * longest as usize);
        for &i in picked {
            flat.extend(&rows[i]);
            flat.resize(flat.len() + longest as usize - rows[i].len(), 0);
        }
        Tensor::from_slice(&flat).view([picked.len() as i64, longest])
    };
    (
        features,
        lengths,
        padded(&table.heads),
        padded(&table.labels),
    )
}

/// A randomly initialised parser head for `model`'s encoder, sized by `config` (seeded by its
/// seed), with the relation labels of `train`.
pub fn new_parser_head(
    model: &NerModel,
    train: &[TreeSentence],
    config: &ParserTrainConfig,
) -> Result<ParserHead> {
    let labels = crate::label_set(train.iter().flat_map(|s| s.relations.clone()));
    let layers = if config.layers.is_empty() {
        (0..crate::syntax::layer_count(model)?).collect()
    } else {
        config.layers.clone()
    };
    tch::manual_seed(config.seed as i64);
    ParserHead::new(ParserConfig {
        layers,
        hidden_size: crate::syntax::encoder_width(model)?,
        word_size: config.word_size,
        arc_size: config.arc_size,
        label_size: config.label_size,
        labels,
        trained_on: config.trained_on.clone(),
    })
    .map_err(Error::Ner)
}

/// Trains a parser head on `train` over `model`'s frozen encoder, scoring `dev` after each epoch
/// and keeping the epoch with the best dev LAS. Relation labels come from the training data.
pub fn train_parser(
    model: &NerModel,
    train: &[TreeSentence],
    dev: &[TreeSentence],
    config: &ParserTrainConfig,
    mut progress: impl FnMut(&str),
) -> Result<(ParserHead, ParserReport)> {
    if train.is_empty() {
        return Err(Error::Training(
            "the training treebank has no sentences".into(),
        ));
    }
    let head = new_parser_head(model, train, config)?;
    let layers = head.config().layers.clone();
    progress(&format!(
        "computing encoder features of {} training sentences (layers {layers:?})",
        train.len()
    ));
    let (table, _) = self::table(model, &head, train)?;
    let n = table.features.len();
    if n == 0 {
        return Err(Error::Training(format!(
            "none of the {} training sentences fits the encoder's window",
            train.len()
        )));
    }
    progress(&format!("{n} training sentences read whole by the encoder"));
    // The dev features are computed once too: the encoder is frozen.
    let dev_table = self::table(model, &head, dev)?;
    let mut opt = tch::nn::Adam {
        beta2: 0.9,
        ..Default::default()
    }
    .build(head.var_store(), config.learning_rate)?;
    let steps_per_epoch = n.div_ceil(config.batch_sentences);
    let total = (steps_per_epoch * config.epochs) as f64;
    let mut step = 0usize;
    let mut best: Option<(ParserReport, Vec<(String, Tensor)>)> = None;
    // Sentences of similar length batched together, batches in random order.
    let mut by_length: Vec<usize> = (0..n).collect();
    by_length.sort_by_key(|&i| table.heads[i].len());
    let batches: Vec<Vec<usize>> = by_length
        .chunks(config.batch_sentences)
        .map(<[usize]>::to_vec)
        .collect();
    for epoch in 0..config.epochs {
        tch::manual_seed(config.seed.wrapping_add(1 + epoch as u64) as i64);
        let order = Tensor::randperm(batches.len() as i64, (Kind::Int64, Device::Cpu));
        let order = Vec::<i64>::try_from(&order).unwrap_or_default();
        let mut loss_sum = 0.0;
        for &b in &order {
            let (features, lengths, heads, labels) = batch(&table, &batches[b as usize]);
            let states = head.states(&features, true);
            let loss = head.loss(&states, &lengths, &heads, &labels);
            step += 1;
            // Linear decay to a tenth of the rate.
            opt.set_lr(config.learning_rate * (1.0 - 0.9 * step as f64 / total));
            opt.backward_step_clip_norm(&loss, 5.0);
            loss_sum += loss.double_value(&[]);
        }
        let report = score(&head, &dev_table, dev);
        progress(&format!(
            "epoch {}/{}: mean loss {:.4}; dev UAS {:.4} LAS {:.4}",
            epoch + 1,
            config.epochs,
            loss_sum / steps_per_epoch.max(1) as f64,
            report.uas,
            report.las
        ));
        if !matches!(&best, Some((b, _)) if report.las <= b.las) {
            let weights = head
                .var_store()
                .variables()
                .into_iter()
                .map(|(k, v)| (k, v.copy()))
                .collect();
            best = Some((report, weights));
        }
    }
    let (report, weights) = best.ok_or_else(|| Error::Training("no epochs to train".into()))?;
    tch::no_grad(|| {
        let mut vars = head.var_store().variables();
        for (name, value) in weights {
            if let Some(v) = vars.get_mut(&name) {
                v.copy_(&value);
            }
        }
    });
    Ok((head, report))
}

/// Scores `head` over `model`'s encoder on gold-tokenised sentences.
pub fn evaluate_parser(
    model: &NerModel,
    head: &ParserHead,
    data: &[TreeSentence],
) -> Result<ParserReport> {
    Ok(score(head, &table(model, head, data)?, data))
}

/// Scores `head` on `data` given its features (the table and which sentences it holds).
fn score(
    head: &ParserHead,
    (table, read): &(Table, Vec<bool>),
    data: &[TreeSentence],
) -> ParserReport {
    let labels = &head.config().labels;
    let universal = |l: &str| l.split(':').next().unwrap_or(l).to_string();
    let mut order: Vec<usize> = (0..table.features.len()).collect();
    order.sort_by_key(|&i| table.heads[i].len());
    let mut parses: Vec<Option<Parse>> = (0..table.features.len()).map(|_| None).collect();
    for picked in order.chunks(64) {
        let (features, lengths, _, _) = batch(table, picked);
        for (&i, parse) in picked.iter().zip(head.parse(&features, &lengths)) {
            parses[i] = Some(parse);
        }
    }
    let (mut words, mut unread, mut uas, mut las, mut las_full) = (0, 0, 0, 0, 0);
    let mut parsed = parses.into_iter().flatten();
    for (sentence, &was_read) in data.iter().zip(read) {
        words += sentence.words.len();
        if !was_read {
            unread += sentence.words.len();
            continue;
        }
        let Some(parse) = parsed.next() else { break };
        for (i, (&gold_head, gold_rel)) in
            sentence.heads.iter().zip(&sentence.relations).enumerate()
        {
            if parse.heads[i] != gold_head {
                continue;
            }
            uas += 1;
            let predicted = &labels[parse.labels[i]];
            las += usize::from(universal(predicted) == universal(gold_rel));
            las_full += usize::from(predicted == gold_rel);
        }
    }
    let share = |k: usize| {
        if words == 0 {
            0.0
        } else {
            k as f64 / words as f64
        }
    };
    ParserReport {
        sentences: data.len(),
        words,
        unread_words: unread,
        uas: share(uas),
        las: share(las),
        las_full: share(las_full),
    }
}
