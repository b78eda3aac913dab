//! The syntax head: part-of-speech and chunk tags from the NER encoder's hidden states, so one
//! forward pass gives entities and the tags the claim builder needs. It lives beside the model's
//! weights as `syntax.json` (layers read, sizes, label sets) and `syntax.safetensors`, is trained
//! with the encoder frozen (`claimex train syntax`), and changes nothing of the NER network.

use std::path::Path;

use serde::{Deserialize, Serialize};
use tch::nn::{self, Module, VarStore};
use tch::{Device, Tensor};

use crate::decode::Tag;
use crate::heads::{load_head, save_head, select_layers};
use crate::{Error, Result};

/// File holding the head's settings and label sets.
pub const SYNTAX_CONFIG: &str = "syntax.json";
/// File holding the head's weights.
pub const SYNTAX_WEIGHTS: &str = "syntax.safetensors";

/// What a syntax head reads and predicts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyntaxConfig {
    /// Encoder layers whose outputs are concatenated as input (0 = first layer's output).
    pub layers: Vec<usize>,
    /// Width of one layer's output.
    pub hidden_size: i64,
    /// Width of the head's own hidden layer.
    pub head_size: i64,
    /// Part-of-speech labels by class index.
    pub pos_labels: Vec<String>,
    /// Chunk labels (IOB2) by class index.
    pub chunk_labels: Vec<String>,
}

/// A loaded or freshly initialised syntax head.
pub struct SyntaxHead {
    config: SyntaxConfig,
    vs: VarStore,
    hidden: nn::Linear,
    pos: nn::Linear,
    chunk: nn::Linear,
    chunk_tags: Vec<Tag>,
}

impl std::fmt::Debug for SyntaxHead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyntaxHead")
            .field("config", &self.config)
            .finish()
    }
}

impl SyntaxHead {
    /// A randomly initialised head (seed libtorch first for a reproducible one).
    pub fn new(config: SyntaxConfig) -> Result<SyntaxHead> {
        if config.layers.is_empty()
            || config.pos_labels.is_empty()
            || config.chunk_labels.is_empty()
        {
            return Err(Error::Model(
                "a syntax head needs at least one layer, POS labels and chunk labels".into(),
            ));
        }
        let vs = VarStore::new(Device::Cpu);
        let root = vs.root();
        let input = config.hidden_size * config.layers.len() as i64;
        let hidden = nn::linear(
            &root / "hidden",
            input,
            config.head_size,
            Default::default(),
        );
        let pos = nn::linear(
            &root / "pos",
            config.head_size,
            config.pos_labels.len() as i64,
            Default::default(),
        );
        let chunk = nn::linear(
            &root / "chunk",
            config.head_size,
            config.chunk_labels.len() as i64,
            Default::default(),
        );
        let chunk_tags = config.chunk_labels.iter().map(|l| Tag::parse(l)).collect();
        Ok(SyntaxHead {
            config,
            vs,
            hidden,
            pos,
            chunk,
            chunk_tags,
        })
    }

    /// Loads the head of model directory `dir`: `None` when it has none.
    pub fn load(dir: &Path) -> Result<Option<SyntaxHead>> {
        load_head(
            dir,
            SYNTAX_CONFIG,
            SYNTAX_WEIGHTS,
            "syntax head",
            SyntaxHead::new,
            |h| &mut h.vs,
        )
    }

    /// Writes `syntax.json` and `syntax.safetensors` into `dir` (each written whole, then renamed).
    pub fn save(&self, dir: &Path) -> Result<()> {
        save_head(dir, &self.vs, &self.config, SYNTAX_CONFIG, SYNTAX_WEIGHTS)
    }

    /// Settings and label sets.
    pub fn config(&self) -> &SyntaxConfig {
        &self.config
    }

    /// The head's weights, for an optimiser.
    pub fn var_store(&self) -> &VarStore {
        &self.vs
    }

    /// Chunk labels parsed, for constrained decoding.
    pub fn chunk_tags(&self) -> &[Tag] {
        &self.chunk_tags
    }

    /// The head's input from all layer outputs of a forward pass: the configured layers
    /// concatenated, `[.., hidden_size * layers]`.
    pub fn features(&self, layers: &[Tensor]) -> Result<Tensor> {
        select_layers(layers, &self.config.layers, "the syntax head")
    }

    /// POS and chunk logits for features from [`SyntaxHead::features`].
    pub fn forward(&self, features: &Tensor, train: bool) -> (Tensor, Tensor) {
        let h = self
            .hidden
            .forward(features)
            .gelu("none")
            .dropout(0.1, train);
        (self.pos.forward(&h), self.chunk.forward(&h))
    }
}
