//! Typed relations on CoNLL04: training the relation head over a model's frozen encoder, and
//! strict end-to-end scoring (a predicted relation counts when both entity spans, both entity
//! types and the relation type match a gold one).

use std::collections::{BTreeMap, HashSet};

use claimex_core::Sentence;
use claimex_model::{
    pair_batch, pair_candidates, Mention, NerModel, PairCandidate, RelationConfig, RelationHead,
};
use serde::Serialize;
use tch::nn::OptimizerConfig;
use tch::{Kind, Tensor};

use crate::conll04::RelationSentence;
use crate::metrics::{TypeScores, TypedSpan};
use crate::{Error, Result};

/// Settings of [`train_relations`].
#[derive(Debug, Clone)]
pub struct RelationTrainConfig {
    /// Encoder layers the head reads [empty: the middle and last].
    pub layers: Vec<usize>,
    /// Width of the head's hidden layer.
    pub head_size: i64,
    /// Passes over the training pairs.
    pub epochs: usize,
    /// Adam learning rate.
    pub learning_rate: f64,
    /// Pairs per step.
    pub batch_pairs: i64,
    /// Seed.
    pub seed: u64,
    /// The NER model's labels mapped to the data's entity types.
    pub type_map: BTreeMap<String, String>,
}

impl Default for RelationTrainConfig {
    fn default() -> Self {
        RelationTrainConfig {
            layers: vec![],
            head_size: 256,
            epochs: 30,
            learning_rate: 1e-3,
            batch_pairs: 64,
            seed: 17,
            type_map: BTreeMap::new(),
        }
    }
}

/// A relation between two typed spans.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TypedRelation {
    /// First argument.
    pub head: TypedSpan,
    /// Second argument.
    pub tail: TypedSpan,
    /// Relation type.
    pub label: String,
}

/// Strict relation scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RelationReport {
    /// Micro precision.
    pub precision: f64,
    /// Micro recall.
    pub recall: f64,
    /// Micro F1.
    pub f1: f64,
    /// Sentences.
    pub sentences: usize,
    /// Per relation type.
    pub per_type: BTreeMap<String, TypeScores>,
}

/// Trains a relation head on gold entities and relations over `model`'s frozen encoder.
pub fn train_relations(
    model: &NerModel,
    train: &[RelationSentence],
    config: &RelationTrainConfig,
    mut progress: impl FnMut(&str),
) -> Result<RelationHead> {
    let entity_types = crate::conll04::entity_types(train);
    let relations = crate::label_set(
        train
            .iter()
            .flat_map(|s| s.relations.iter().map(|r| r.label.clone())),
    );
    if relations.is_empty() {
        return Err(Error::Training("the training data has no relations".into()));
    }
    let mut signatures: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for s in train {
        for r in &s.relations {
            let pair = (
                s.entities[r.head].label.clone(),
                s.entities[r.tail].label.clone(),
            );
            let list = signatures.entry(r.label.clone()).or_default();
            if !list.contains(&pair) {
                list.push(pair);
            }
        }
    }
    let probe = model.piece_states(&["probe"], &[0]).map_err(Error::Ner)?;
    let hidden_size = probe[0].1.size()[1];
    let layers = if config.layers.is_empty() {
        let n = (0..64)
            .take_while(|&i| model.piece_states(&["probe"], &[i]).is_ok())
            .count();
        if n >= 2 {
            vec![n / 2, n - 1]
        } else {
            vec![0]
        }
    } else {
        config.layers.clone()
    };
    let head = {
        tch::manual_seed(config.seed as i64);
        RelationHead::new(RelationConfig {
            layers: layers.clone(),
            hidden_size,
            head_size: config.head_size,
            entity_types,
            relations: relations.clone(),
            type_map: config.type_map.clone(),
            signatures,
            none_below: 0.5,
        })
        .map_err(Error::Ner)?
    };
    progress(&format!(
        "computing encoder features of {} sentences (layers {layers:?})",
        train.len()
    ));
    let texts: Vec<&str> = train.iter().map(|s| s.text.as_str()).collect();
    let states = model.piece_states(&texts, &layers).map_err(Error::Ner)?;
    let mut rows: Vec<PairCandidate> = Vec::new();
    let mut labels: Vec<i64> = Vec::new();
    for (s, (enc, st)) in train.iter().zip(&states) {
        let gold: BTreeMap<(usize, usize), i64> = s
            .relations
            .iter()
            .map(|r| {
                (
                    (r.head, r.tail),
                    relations.iter().position(|l| *l == r.label).unwrap_or(0) as i64 + 1,
                )
            })
            .collect();
        for c in pair_candidates(head.config(), &s.text, enc, st, &mentions(&s.entities)) {
            labels.push(gold.get(&(c.head, c.tail)).copied().unwrap_or(0));
            rows.push(c);
        }
    }
    let n = rows.len() as i64;
    progress(&format!(
        "{n} candidate pairs, {} with a relation",
        labels.iter().filter(|&&l| l > 0).count()
    ));
    let labels = Tensor::from_slice(&labels);
    let mut opt = tch::nn::Adam::default().build(head.var_store(), config.learning_rate)?;
    let steps = (n + config.batch_pairs - 1) / config.batch_pairs;
    for epoch in 0..config.epochs {
        tch::manual_seed(config.seed.wrapping_add(1 + epoch as u64) as i64);
        let order: Vec<i64> = Vec::try_from(Tensor::randperm(n, (Kind::Int64, tch::Device::Cpu)))?;
        let mut total = 0.0;
        for b in 0..steps {
            let idx: Vec<i64> = order
                .iter()
                .skip((b * config.batch_pairs) as usize)
                .take(config.batch_pairs as usize)
                .copied()
                .collect();
            let batch: Vec<&PairCandidate> = idx.iter().map(|&i| &rows[i as usize]).collect();
            let logits = head.forward(&pair_batch(&batch), true);
            let loss =
                logits.cross_entropy_for_logits(&labels.index_select(0, &Tensor::from_slice(&idx)));
            opt.backward_step(&loss);
            total += loss.double_value(&[]);
        }
        if (epoch + 1) % 5 == 0 || epoch + 1 == config.epochs {
            progress(&format!(
                "epoch {}/{}: mean loss {:.4}",
                epoch + 1,
                config.epochs,
                total / steps.max(1) as f64
            ));
        }
    }
    Ok(head)
}

fn mentions(spans: &[TypedSpan]) -> Vec<Mention> {
    spans
        .iter()
        .map(|e| Mention {
            start: e.start,
            end: e.end,
            label: e.label.clone(),
        })
        .collect()
}

/// Relations the head finds among the given entities of each text; the relations' spans carry
/// the entity types as mapped by the head's type map.
pub fn predict_relations(
    model: &NerModel,
    head: &RelationHead,
    texts: &[&str],
    entities: &[Vec<TypedSpan>],
) -> Result<Vec<Vec<TypedRelation>>> {
    let config: &RelationConfig = head.config();
    let all: Vec<Vec<Mention>> = entities.iter().map(|e| mentions(e)).collect();
    let found = model
        .find_relations(head, texts, &all)
        .map_err(Error::Ner)?;
    let typed = |e: &TypedSpan| TypedSpan {
        label: config
            .type_map
            .get(&e.label)
            .cloned()
            .unwrap_or_else(|| e.label.clone()),
        ..e.clone()
    };
    Ok(found
        .iter()
        .zip(entities)
        .map(|(rels, ents)| {
            rels.iter()
                .map(|r| TypedRelation {
                    head: typed(&ents[r.head]),
                    tail: typed(&ents[r.tail]),
                    label: r.label.clone(),
                })
                .collect()
        })
        .collect())
}

/// Sets the head's "no relation" threshold to the value in 0.50..0.95 (steps of 0.05) that gives
/// the best strict F1 on `dev` with the model's own entities; returns (threshold, F1).
pub fn tune_threshold(
    model: &NerModel,
    head: &mut RelationHead,
    dev: &[RelationSentence],
) -> Result<(f32, f64)> {
    let texts: Vec<&str> = dev.iter().map(|s| s.text.as_str()).collect();
    let entities = predict_entities(model, &texts)?;
    let gold = gold_relations(dev);
    let mut best = (0.5, -1.0);
    for step in 0..10 {
        let threshold = 0.5 + 0.05 * step as f32;
        head.set_none_below(threshold);
        let f1 = score_relations(&gold, &predict_relations(model, head, &texts, &entities)?).f1;
        if f1 > best.1 {
            best = (threshold, f1);
        }
    }
    head.set_none_below(best.0);
    Ok(best)
}

/// Strict micro and per-type scores of predicted relations against gold, sentence by sentence.
pub fn score_relations(
    gold: &[Vec<TypedRelation>],
    predicted: &[Vec<TypedRelation>],
) -> RelationReport {
    let mut counts: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for (g, p) in gold.iter().zip(predicted) {
        let gs: HashSet<&TypedRelation> = g.iter().collect();
        let ps: HashSet<&TypedRelation> = p.iter().collect();
        for r in &gs {
            counts.entry(r.label.clone()).or_default().2 += 1;
        }
        for r in &ps {
            let c = counts.entry(r.label.clone()).or_default();
            c.1 += 1;
            if gs.contains(r) {
                c.0 += 1;
            }
        }
    }
    let (c, p, g) = counts
        .values()
        .fold((0, 0, 0), |a, v| (a.0 + v.0, a.1 + v.1, a.2 + v.2));
    let all = TypeScores::from_counts(c, p, g);
    RelationReport {
        precision: all.precision,
        recall: all.recall,
        f1: all.f1,
        sentences: gold.len(),
        per_type: counts
            .into_iter()
            .map(|(k, (c, p, g))| (k, TypeScores::from_counts(c, p, g)))
            .collect(),
    }
}

/// The gold relations of CoNLL04 sentences as typed relations.
pub fn gold_relations(data: &[RelationSentence]) -> Vec<Vec<TypedRelation>> {
    data.iter()
        .map(|s| {
            s.relations
                .iter()
                .map(|r| TypedRelation {
                    head: s.entities[r.head].clone(),
                    tail: s.entities[r.tail].clone(),
                    label: r.label.clone(),
                })
                .collect()
        })
        .collect()
}

/// The entities `model` finds in each text (as typed spans over the text).
pub fn predict_entities(model: &NerModel, texts: &[&str]) -> Result<Vec<Vec<TypedSpan>>> {
    let sentences: Vec<Sentence> = texts
        .iter()
        .map(|t| Sentence {
            start: 0,
            end: t.chars().count(),
            text: t.to_string(),
        })
        .collect();
    Ok(model
        .recognize(&sentences)
        .map_err(Error::Ner)?
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
        .collect())
}
