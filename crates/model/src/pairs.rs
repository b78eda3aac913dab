//! The relation head: a typed relation (or none) for an ordered pair of entity mentions, read from
//! the encoder's layer outputs over the two mentions and the words between them, plus the two
//! entity types. Like the syntax head it lives beside the weights (`relations.json`,
//! `relations.safetensors`), is trained over the frozen encoder (`claimex train relations`), and
//! leaves NER untouched.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use tch::nn::{self, Module, VarStore};
use tch::{Device, Kind, Tensor};

use claimex_core::TextIndex;
use tokenizers::Encoding;

use crate::heads::{load_head, save_head, PieceStates};
use crate::{Error, Result};

/// File holding the head's settings and label sets.
pub const RELATION_CONFIG: &str = "relations.json";
/// File holding its weights.
pub const RELATION_WEIGHTS: &str = "relations.safetensors";

/// Width of the learned entity-type embedding.
const TYPE_WIDTH: i64 = 16;

/// What a relation head reads and predicts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RelationConfig {
    /// Encoder layers whose outputs are concatenated (0 = first layer's output).
    pub layers: Vec<usize>,
    /// Width of one layer's output.
    pub hidden_size: i64,
    /// Width of the head's hidden layer.
    pub head_size: i64,
    /// Entity types the head was trained with, by index.
    pub entity_types: Vec<String>,
    /// Relation labels; class 0 is "no relation", class `i + 1` is `relations[i]`.
    pub relations: Vec<String>,
    /// The NER model's entity labels mapped to the head's types (PER -> Peop); a type not listed
    /// is used as it is.
    #[serde(default)]
    pub type_map: BTreeMap<String, String>,
    /// For each relation, the (head type, tail type) pairs seen in training: other pairs are
    /// never given that relation.
    #[serde(default)]
    pub signatures: BTreeMap<String, Vec<(String, String)>>,
    /// A pair gets its most likely relation when the probability of "no relation" is below
    /// this (0.5 is plain argmax for two classes; higher trades precision for recall). Tuned on
    /// development data by `claimex train relations`.
    #[serde(default = "half")]
    pub none_below: f32,
}

fn half() -> f32 {
    0.5
}

impl RelationConfig {
    /// Width of one mention's features.
    pub fn feature_size(&self) -> i64 {
        self.hidden_size * self.layers.len() as i64
    }

    /// The head's type index of an NER label, after the type map.
    pub fn type_index(&self, label: &str) -> Option<usize> {
        let mapped = self.type_map.get(label).map_or(label, String::as_str);
        self.entity_types.iter().position(|t| t == mapped)
    }

    /// Whether relation `relation` may hold from a `head`-typed to a `tail`-typed entity.
    pub fn allows(&self, relation: &str, head: &str, tail: &str) -> bool {
        self.signatures.get(relation).map_or(true, |pairs| {
            pairs.iter().any(|(h, t)| h == head && t == tail)
        })
    }
}

/// Features of a batch of ordered pairs: head mention, tail mention, the words between (zeros when
/// adjacent), the two type indices, and whether the head comes first.
pub struct PairBatch {
    /// `[n, feature_size]`.
    pub head: Tensor,
    /// `[n, feature_size]`.
    pub tail: Tensor,
    /// `[n, feature_size]`.
    pub between: Tensor,
    /// `[n]` type indices.
    pub head_type: Tensor,
    /// `[n]` type indices.
    pub tail_type: Tensor,
    /// `[n, 1]`: 1.0 when the head mention comes first.
    pub head_first: Tensor,
}

/// A loaded or freshly initialised relation head.
pub struct RelationHead {
    config: RelationConfig,
    vs: VarStore,
    types: nn::Embedding,
    hidden: nn::Linear,
    out: nn::Linear,
}

impl std::fmt::Debug for RelationHead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelationHead")
            .field("config", &self.config)
            .finish()
    }
}

impl RelationHead {
    /// A randomly initialised head (seed libtorch first for a reproducible one).
    pub fn new(config: RelationConfig) -> Result<RelationHead> {
        if config.layers.is_empty() || config.entity_types.is_empty() || config.relations.is_empty()
        {
            return Err(Error::Model(
                "a relation head needs at least one layer, entity types and relation labels".into(),
            ));
        }
        let vs = VarStore::new(Device::Cpu);
        let root = vs.root();
        let f = config.feature_size();
        let types = nn::embedding(
            &root / "types",
            config.entity_types.len() as i64,
            TYPE_WIDTH,
            Default::default(),
        );
        let input = 3 * f + 2 * TYPE_WIDTH + 1;
        let hidden = nn::linear(
            &root / "hidden",
            input,
            config.head_size,
            Default::default(),
        );
        let out = nn::linear(
            &root / "out",
            config.head_size,
            config.relations.len() as i64 + 1,
            Default::default(),
        );
        Ok(RelationHead {
            config,
            vs,
            types,
            hidden,
            out,
        })
    }

    /// Loads the head of model directory `dir`: `None` when it has none.
    pub fn load(dir: &Path) -> Result<Option<RelationHead>> {
        load_head(
            dir,
            RELATION_CONFIG,
            RELATION_WEIGHTS,
            "relation head",
            RelationHead::new,
            |h| &mut h.vs,
        )
    }

    /// Writes `relations.json` and `relations.safetensors` into `dir` (each whole, then renamed).
    pub fn save(&self, dir: &Path) -> Result<()> {
        save_head(
            dir,
            &self.vs,
            &self.config,
            RELATION_CONFIG,
            RELATION_WEIGHTS,
        )
    }

    /// Settings and label sets.
    pub fn config(&self) -> &RelationConfig {
        &self.config
    }

    /// The head's weights, for an optimiser.
    pub fn var_store(&self) -> &VarStore {
        &self.vs
    }

    /// Sets [`RelationConfig::none_below`].
    pub fn set_none_below(&mut self, threshold: f32) {
        self.config.none_below = threshold;
    }

    /// Logits `[n, relations + 1]` for a batch of pairs.
    pub fn forward(&self, pairs: &PairBatch, train: bool) -> Tensor {
        let x = Tensor::cat(
            &[
                pairs.head.shallow_clone(),
                pairs.tail.shallow_clone(),
                pairs.between.shallow_clone(),
                self.types.forward(&pairs.head_type),
                self.types.forward(&pairs.tail_type),
                pairs.head_first.shallow_clone(),
            ],
            -1,
        );
        self.hidden
            .forward(&x)
            .gelu("none")
            .dropout(0.1, train)
            .apply(&self.out)
    }
}

/// Mean of `states` (`[pieces, width]`) over pieces `start..end`; zeros for an empty range.
pub fn mean_of_pieces(states: &Tensor, start: usize, end: usize) -> Tensor {
    let width = states.size()[1];
    if end <= start {
        return Tensor::zeros([width], (Kind::Float, Device::Cpu));
    }
    states
        .narrow(0, start as i64, (end - start) as i64)
        .mean_dim(0, false, Kind::Float)
}

/// An entity mention as the relation head sees it: character span in its text and NER label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// Entity label (mapped by the head's type map).
    pub label: String,
}

/// One candidate ordered pair with its features.
pub struct PairCandidate {
    /// Index of the head mention.
    pub head: usize,
    /// Index of the tail mention.
    pub tail: usize,
    features: [Tensor; 3],
    head_type: i64,
    tail_type: i64,
    head_first: f32,
}

/// Which pieces a character span covers: `first..end` piece indices.
fn pieces_of(
    enc: &Encoding,
    index: &TextIndex,
    start: usize,
    end: usize,
) -> Option<(usize, usize)> {
    let (start, end) = (index.byte_of_char(start)?, index.byte_of_char(end)?);
    let offsets = enc.get_offsets();
    let first = offsets.iter().position(|o| o.1 > start && o.0 < end)?;
    let last = offsets.iter().rposition(|o| o.1 > start && o.0 < end)?;
    Some((first, last + 1))
}

/// Every ordered pair of distinct mentions of one text whose types the head knows, with the
/// features it reads (`enc` and `states` as [`crate::NerModel::piece_states`] gives them).
pub fn pair_candidates(
    config: &RelationConfig,
    text: &str,
    enc: &Encoding,
    states: &Tensor,
    mentions: &[Mention],
) -> Vec<PairCandidate> {
    let index = TextIndex::new(text);
    let spans: Vec<Option<(usize, usize, usize)>> = mentions
        .iter()
        .map(|m| {
            let ty = config.type_index(&m.label)?;
            let (a, b) = pieces_of(enc, &index, m.start, m.end)?;
            Some((a, b, ty))
        })
        .collect();
    let mut out = Vec::new();
    for (i, h) in spans.iter().enumerate() {
        for (j, t) in spans.iter().enumerate() {
            let (Some(h), Some(t)) = (h, t) else { continue };
            if i == j {
                continue;
            }
            let (lo, hi) = if h.0 < t.0 { (h.1, t.0) } else { (t.1, h.0) };
            out.push(PairCandidate {
                head: i,
                tail: j,
                features: [
                    mean_of_pieces(states, h.0, h.1),
                    mean_of_pieces(states, t.0, t.1),
                    mean_of_pieces(states, lo, hi),
                ],
                head_type: h.2 as i64,
                tail_type: t.2 as i64,
                head_first: if h.0 < t.0 { 1.0 } else { 0.0 },
            });
        }
    }
    out
}

/// Stacks candidates into one batch for [`RelationHead::forward`].
pub fn pair_batch(candidates: &[&PairCandidate]) -> PairBatch {
    let stack = |k: usize| {
        Tensor::stack(
            &candidates
                .iter()
                .map(|c| c.features[k].shallow_clone())
                .collect::<Vec<_>>(),
            0,
        )
    };
    let ints = |f: &dyn Fn(&PairCandidate) -> i64| {
        Tensor::from_slice(&candidates.iter().map(|c| f(c)).collect::<Vec<_>>())
    };
    PairBatch {
        head: stack(0),
        tail: stack(1),
        between: stack(2),
        head_type: ints(&|c| c.head_type),
        tail_type: ints(&|c| c.tail_type),
        head_first: Tensor::from_slice(
            &candidates.iter().map(|c| c.head_first).collect::<Vec<_>>(),
        )
        .unsqueeze(1),
    }
}

/// A relation found between two mentions of a text.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundRelation {
    /// Index of the head mention.
    pub head: usize,
    /// Index of the tail mention.
    pub tail: usize,
    /// Relation label.
    pub label: String,
    /// Its probability.
    pub probability: f32,
}

/// The relations `head` finds between the mentions of each text, reading `states` (the NER
/// pass's, [`crate::SentenceAnalysis::pieces`], or [`crate::NerModel::find_relations`]'s own):
/// for every ordered pair, the most likely relation when "no relation" is below the head's
/// threshold and the relation fits the two types (as mapped by the head's type map).
pub fn find_relations_in(
    head: &RelationHead,
    texts: &[&str],
    states: &[&PieceStates],
    mentions: &[Vec<Mention>],
) -> Result<Vec<Vec<FoundRelation>>> {
    let config = head.config();
    let mut out = Vec::with_capacity(texts.len());
    for ((text, pieces), ments) in texts.iter().zip(states).zip(mentions) {
        let (enc, st) = (&pieces.encoding, &pieces.states);
        let candidates = pair_candidates(config, text, enc, st, ments);
        if candidates.is_empty() {
            out.push(vec![]);
            continue;
        }
        let refs: Vec<&PairCandidate> = candidates.iter().collect();
        let probs = tch::no_grad(|| {
            head.forward(&pair_batch(&refs), false)
                .softmax(-1, Kind::Float)
        });
        let n = config.relations.len() + 1;
        let probs: Vec<f32> = Vec::try_from(probs.flatten(0, -1))?;
        let mut found = Vec::new();
        for (k, c) in candidates.iter().enumerate() {
            let row = &probs[k * n..(k + 1) * n];
            if row[0] >= config.none_below {
                continue;
            }
            let class = (1..n)
                .max_by(|&a, &b| row[a].total_cmp(&row[b]))
                .unwrap_or(1);
            let label = &config.relations[class - 1];
            let mapped = |m: &Mention| {
                config
                    .type_map
                    .get(&m.label)
                    .cloned()
                    .unwrap_or_else(|| m.label.clone())
            };
            if config.allows(label, &mapped(&ments[c.head]), &mapped(&ments[c.tail])) {
                found.push(FoundRelation {
                    head: c.head,
                    tail: c.tail,
                    label: label.clone(),
                    probability: row[class],
                });
            }
        }
        out.push(found);
    }
    Ok(out)
}
