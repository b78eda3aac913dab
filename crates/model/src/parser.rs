//! The dependency parser head: biaffine arc and label scorers (Dozat and Manning 2017) over the
//! encoder's word states (each word's first piece, from the same layers' outputs the other heads
//! read), decoded to a well-formed tree ([`crate::mst::best_tree`]). It lives beside the model's
//! weights as `parser.json` and `parser.safetensors` and is trained with the encoder frozen
//! (`claimex train parser`).

use std::path::Path;

use serde::{Deserialize, Serialize};
use tch::nn::{self, Module, VarStore};
use tch::{Device, Kind, Tensor};

use crate::heads::{load_head, save_head, select_layers};
use crate::{Error, Result};

/// File holding the head's settings and relation labels.
pub const PARSER_CONFIG: &str = "parser.json";
/// File holding the head's weights.
pub const PARSER_WEIGHTS: &str = "parser.safetensors";

/// What a parser head reads and predicts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParserConfig {
    /// Encoder layers whose outputs are concatenated as input (0 = first layer's output).
    pub layers: Vec<usize>,
    /// Width of one layer's output.
    pub hidden_size: i64,
    /// Width of the word states the scorers share.
    pub word_size: i64,
    /// Width of the arc scorer's dependent and head states.
    pub arc_size: i64,
    /// Width of the label scorer's dependent and head states.
    pub label_size: i64,
    /// Dependency relations by class index (UD labels, subtypes included).
    pub labels: Vec<String>,
    /// What the head was trained on, for the model card.
    #[serde(default)]
    pub trained_on: String,
}

/// A loaded or freshly initialised parser head.
pub struct ParserHead {
    config: ParserConfig,
    vs: VarStore,
    word: nn::Linear,
    root: Tensor,
    arc_dep: nn::Linear,
    arc_head: nn::Linear,
    arc_weight: Tensor,
    arc_bias: Tensor,
    label_dep: nn::Linear,
    label_head: nn::Linear,
    label_weight: Tensor,
}

impl std::fmt::Debug for ParserHead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParserHead")
            .field("config", &self.config)
            .finish()
    }
}

/// Word states of a batch of sentences, from [`ParserHead::states`].
pub struct ParserStates {
    /// Arc scores `[batch, words, words + 1]`: dependent by head, head 0 the root.
    pub arcs: Tensor,
    label_dep: Tensor,
    label_head: Tensor,
}

/// A parsed sentence: each word's head (0 for the root, else the 1-based head word) and the
/// index of its relation in the head's labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parse {
    /// Heads, one per word.
    pub heads: Vec<usize>,
    /// Relation classes, one per word.
    pub labels: Vec<usize>,
}

/// Words whose relation labels are scored in one matrix product.
const LABEL_ROWS: i64 = 256;

/// Dropout on the head's states while training.
const DROPOUT: f64 = 0.33;

impl ParserHead {
    /// A randomly initialised head (seed libtorch first for a reproducible one).
    pub fn new(config: ParserConfig) -> Result<ParserHead> {
        if config.layers.is_empty() || config.labels.is_empty() {
            return Err(Error::Model(
                "a parser head needs at least one layer and one relation label".into(),
            ));
        }
        let vs = VarStore::new(Device::Cpu);
        let root = vs.root();
        let input = config.hidden_size * config.layers.len() as i64;
        let linear =
            |name: &str, from: i64, to: i64| nn::linear(&root / name, from, to, Default::default());
        let word = linear("word", input, config.word_size);
        let arc_dep = linear("arc_dep", config.word_size, config.arc_size);
        let arc_head = linear("arc_head", config.word_size, config.arc_size);
        let label_dep = linear("label_dep", config.word_size, config.label_size);
        let label_head = linear("label_head", config.word_size, config.label_size);
        let root_state = root.randn("root", &[config.word_size], 0.0, 0.02);
        let arc_weight = root.zeros("arc_weight", &[config.arc_size, config.arc_size]);
        let arc_bias = root.zeros("arc_bias", &[config.arc_size]);
        let l = config.label_size + 1;
        let label_weight = root.zeros("label_weight", &[config.labels.len() as i64, l, l]);
        Ok(ParserHead {
            config,
            vs,
            word,
            root: root_state,
            arc_dep,
            arc_head,
            arc_weight,
            arc_bias,
            label_dep,
            label_head,
            label_weight,
        })
    }

    /// Loads the head of model directory `dir`: `None` when it has none.
    pub fn load(dir: &Path) -> Result<Option<ParserHead>> {
        load_head(
            dir,
            PARSER_CONFIG,
            PARSER_WEIGHTS,
            "parser head",
            ParserHead::new,
            |h| &mut h.vs,
        )
    }

    /// Writes `parser.json` and `parser.safetensors` into `dir` (each written whole, then renamed).
    pub fn save(&self, dir: &Path) -> Result<()> {
        save_head(dir, &self.vs, &self.config, PARSER_CONFIG, PARSER_WEIGHTS)
    }

    /// Settings and labels.
    pub fn config(&self) -> &ParserConfig {
        &self.config
    }

    /// The head's weights, for an optimiser.
    pub fn var_store(&self) -> &VarStore {
        &self.vs
    }

    /// The head's input from all layer outputs of a forward pass: the configured layers
    /// concatenated, `[.., hidden_size * layers]`.
    pub fn features(&self, layers: &[Tensor]) -> Result<Tensor> {
        select_layers(layers, &self.config.layers, "the parser head")
    }

    /// Arc scores and label states of a batch of word features `[batch, words, input]`
    /// (padding anywhere after a sentence's words; masked by [`ParserHead::loss`] and [`ParserHead::parse`]).
    pub fn states(&self, features: &Tensor, train: bool) -> ParserStates {
        let (batch, _, _) = features.size3().unwrap_or((1, 0, 0));
        let words = self
            .word
            .forward(features)
            .gelu("none")
            .dropout(DROPOUT, train);
        let root = self
            .root
            .view([1, 1, -1])
            .expand([batch, 1, self.config.word_size], false);
        let nodes = Tensor::cat(&[root, words.shallow_clone()], 1);
        let mlp =
            |layer: &nn::Linear, x: &Tensor| layer.forward(x).gelu("none").dropout(DROPOUT, train);
        let dep = mlp(&self.arc_dep, &words);
        let head = mlp(&self.arc_head, &nodes);
        // dep W head^T + head . bias: [batch, words, nodes]
        let arcs = dep.matmul(&self.arc_weight).matmul(&head.transpose(1, 2))
            + head.matmul(&self.arc_bias).unsqueeze(1);
        ParserStates {
            arcs,
            label_dep: mlp(&self.label_dep, &words),
            label_head: mlp(&self.label_head, &nodes),
        }
    }

    /// Label scores `[batch, words, labels]` of each word under the heads given (`[batch, words]`,
    /// node indices).
    pub fn label_scores(&self, states: &ParserStates, heads: &Tensor) -> Tensor {
        let size = states.label_head.size();
        let index = heads
            .unsqueeze(-1)
            .expand([size[0], heads.size()[1], size[2]], false);
        let head = states.label_head.gather(1, &index, false);
        let ones = |x: &Tensor| {
            let mut shape = x.size();
            if let Some(last) = shape.last_mut() {
                *last = 1;
            }
            Tensor::cat(
                &[
                    x.shallow_clone(),
                    Tensor::ones(&shape, (Kind::Float, Device::Cpu)),
                ],
                -1,
            )
        };
        // dep_i W_lij head_j for every word and label, as matrix products: each word's outer
        // product dep ⊗ head [width²] by the labels' weights [width², labels], a few hundred
        // words at a time so that the outer products stay in cache. Three times faster than
        // multiplying head by every label's W first (a product with only `width` terms to sum,
        // then a reduction over `width`); the same sum up to rounding.
        let (dep, head) = (ones(&states.label_dep), ones(&head));
        let (b, n, width) = dep.size3().unwrap_or((0, 0, 0));
        let labels = self.label_weight.size()[0];
        if b * n == 0 {
            return Tensor::zeros([b, n, labels], (Kind::Float, Device::Cpu));
        }
        let weight = self.label_weight.view([labels, width * width]).tr();
        let (dep, head) = (dep.view([b * n, width, 1]), head.view([b * n, 1, width]));
        let parts: Vec<Tensor> = (0..b * n)
            .step_by(LABEL_ROWS as usize)
            .map(|at| {
                let rows = LABEL_ROWS.min(b * n - at);
                (dep.narrow(0, at, rows) * head.narrow(0, at, rows))
                    .view([rows, width * width])
                    .matmul(&weight)
            })
            .collect();
        Tensor::cat(&parts, 0).view([b, n, labels])
    }

    /// Training loss of a padded batch: cross-entropy of each real word's gold head among its
    /// sentence's nodes, plus that of its gold relation under the gold head. `lengths` are the
    /// sentences' word counts, `heads` and `labels` `[batch, words]` (anything in the padding).
    pub fn loss(
        &self,
        states: &ParserStates,
        lengths: &[i64],
        heads: &Tensor,
        labels: &Tensor,
    ) -> Tensor {
        let (batch, words, nodes) = states.arcs.size3().unwrap_or((0, 0, 0));
        let lengths_t = Tensor::from_slice(lengths).view([batch, 1]);
        let word_mask = Tensor::arange(words, (Kind::Int64, Device::Cpu))
            .view([1, words])
            .lt_tensor(&lengths_t);
        // A node past a sentence's end (its words plus the root) is never a head.
        let node_mask = Tensor::arange(nodes, (Kind::Int64, Device::Cpu))
            .view([1, 1, nodes])
            .le_tensor(&lengths_t.view([batch, 1, 1]));
        let arcs = states.arcs.masked_fill(&node_mask.logical_not(), -1e9);
        let flat = word_mask.view([-1]);
        let pick =
            |x: &Tensor, width: i64| x.view([-1, width]).index(&[Some(flat.shallow_clone())]);
        let gold_heads = heads.view([-1]).index(&[Some(flat.shallow_clone())]);
        let gold_labels = labels.view([-1]).index(&[Some(flat.shallow_clone())]);
        let arc_loss = pick(&arcs, nodes).cross_entropy_for_logits(&gold_heads);
        let label_scores = self.label_scores(states, &heads.clamp(0, nodes - 1));
        let label_loss = pick(&label_scores, self.config.labels.len() as i64)
            .cross_entropy_for_logits(&gold_labels);
        arc_loss + label_loss
    }

    /// The best tree of each sentence of a padded batch of word features, given the sentences'
    /// word counts: each word's head, then its most likely relation under that head.
    pub fn parse(&self, features: &Tensor, lengths: &[i64]) -> Vec<Parse> {
        let states = tch::no_grad(|| self.states(features, false));
        let mut heads_all = Vec::with_capacity(lengths.len());
        let (_, words, nodes) = states.arcs.size3().unwrap_or((0, 0, 0));
        let mut padded = vec![0i64; lengths.len() * words as usize];
        // Log probabilities of each word's heads among its sentence's nodes, for the whole batch
        // in one conversion.
        let batch = lengths.len() as i64;
        let lengths_t = Tensor::from_slice(lengths).view([batch, 1, 1]);
        let outside = Tensor::arange(nodes, (Kind::Int64, Device::Cpu))
            .view([1, 1, nodes])
            .gt_tensor(&lengths_t);
        let log_probs = states
            .arcs
            .masked_fill(&outside, -1e9)
            .log_softmax(-1, Kind::Float);
        let flat = Vec::<f32>::try_from(log_probs.flatten(0, -1)).unwrap_or_default();
        let (words_u, nodes_u) = (words as usize, nodes as usize);
        for (b, &n) in lengths.iter().enumerate() {
            let n = n as usize;
            let rows: Vec<Vec<f32>> = (0..n)
                .map(|i| {
                    let at = (b * words_u + i) * nodes_u;
                    flat.get(at..at + n + 1)
                        .map(<[f32]>::to_vec)
                        .unwrap_or_default()
                })
                .collect();
            let heads = crate::mst::best_tree(&rows);
            for (i, &h) in heads.iter().enumerate() {
                padded[b * words as usize + i] = h as i64;
            }
            heads_all.push(heads);
        }
        let heads_t = Tensor::from_slice(&padded).view([lengths.len() as i64, words]);
        let labels = tch::no_grad(|| self.label_scores(&states, &heads_t).argmax(-1, false));
        heads_all
            .into_iter()
            .enumerate()
            .map(|(b, heads)| {
                let row = Vec::<i64>::try_from(labels.get(b as i64)).unwrap_or_default();
                Parse {
                    labels: row.iter().take(heads.len()).map(|&l| l as usize).collect(),
                    heads,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head() -> ParserHead {
        tch::manual_seed(5);
        ParserHead::new(ParserConfig {
            layers: vec![0],
            hidden_size: 8,
            word_size: 16,
            arc_size: 8,
            label_size: 4,
            labels: vec!["root".into(), "nsubj".into(), "obj".into()],
            trained_on: String::new(),
        })
        .unwrap()
    }

    #[test]
    fn learns_a_tiny_treebank_and_parses_it_into_trees() {
        let h = head();
        // Two sentences of 3 and 2 words padded to 3; words told apart by their features.
        let features = Tensor::randn([2, 3, 8], (Kind::Float, Device::Cpu));
        let heads = Tensor::from_slice(&[2i64, 0, 2, 0, 1, 0]).view([2, 3]);
        let labels = Tensor::from_slice(&[1i64, 0, 2, 0, 2, 0]).view([2, 3]);
        let mut opt = nn::OptimizerConfig::build(nn::Adam::default(), h.var_store(), 1e-2).unwrap();
        for _ in 0..200 {
            let states = h.states(&features, true);
            let loss = h.loss(&states, &[3, 2], &heads, &labels);
            opt.backward_step(&loss);
        }
        let parses = h.parse(&features, &[3, 2]);
        assert_eq!(
            parses[0],
            Parse {
                heads: vec![2, 0, 2],
                labels: vec![1, 0, 2]
            }
        );
        assert_eq!(
            parses[1],
            Parse {
                heads: vec![0, 1],
                labels: vec![0, 2]
            }
        );
    }

    #[test]
    fn label_scores_in_blocks_are_the_bilinear_form() {
        let h = head();
        tch::no_grad(|| {
            let random = Tensor::randn(h.label_weight.size(), (Kind::Float, Device::Cpu));
            h.label_weight.shallow_clone().copy_(&random);
        });
        // 3 sentences of 110 words: 330 rows, more than one block of LABEL_ROWS.
        let (b, n) = (3, 110);
        assert!(b * n > LABEL_ROWS);
        let features = Tensor::randn([b, n, 8], (Kind::Float, Device::Cpu));
        let states = h.states(&features, false);
        let heads = Tensor::randint(n + 1, [b, n], (Kind::Int64, Device::Cpu));
        let got = h.label_scores(&states, &heads);
        // dep_i W_lij head_j with a 1 appended to both (the bias terms), written out.
        let with_one = |x: &Tensor| {
            let one = Tensor::ones([b, n, 1], (Kind::Float, Device::Cpu));
            Tensor::cat(&[x.shallow_clone(), one], -1)
        };
        let width = states.label_head.size()[2];
        let head =
            states
                .label_head
                .gather(1, &heads.unsqueeze(-1).expand([b, n, width], false), false);
        let want = Tensor::einsum(
            "bni,lij,bnj->bnl",
            &[
                with_one(&states.label_dep),
                h.label_weight.shallow_clone(),
                with_one(&head),
            ],
            None::<i64>,
        );
        assert_eq!(got.size(), [b, n, 3]);
        assert!(got.allclose(&want, 1e-4, 1e-4, false));
        assert!(
            f64::try_from(want.abs().max()).unwrap() > 0.1,
            "scores all near zero"
        );
    }

    #[test]
    fn saves_and_loads_the_same_head() {
        let dir = tempfile::tempdir().unwrap();
        let h = head();
        h.save(dir.path()).unwrap();
        let loaded = ParserHead::load(dir.path()).unwrap().unwrap();
        assert_eq!(loaded.config(), h.config());
        let features = Tensor::randn([1, 4, 8], (Kind::Float, Device::Cpu));
        let a = h.states(&features, false).arcs;
        let b = loaded.states(&features, false).arcs;
        assert!(a.allclose(&b, 1e-6, 1e-6, false));
        assert!(ParserHead::load(&dir.path().join("none"))
            .unwrap()
            .is_none());
    }
}
