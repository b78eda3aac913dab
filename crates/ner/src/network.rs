//! The token-classification networks claimex runs: rust-bert's plain
//! `BertForTokenClassification`, or the same encoder with a learned word-shape embedding added to
//! the word-piece embeddings (for uncased encoders, which otherwise cannot see capital letters).

use rust_bert::bert::{BertConfig, BertEmbeddings, BertForTokenClassification, BertModel};
use tch::nn::{self, Module, VarStore};
use tch::Tensor;

use crate::shape::SHAPE_CLASSES;
use crate::{Error, Result};

/// Name of the config.json field that selects the word-shape network.
pub const SHAPE_FEATURES_FIELD: &str = "claimex_shape_features";

pub(crate) enum Network {
    Plain(BertForTokenClassification),
    Shaped(ShapedTagger),
}

/// BERT whose input embedding is word-piece embedding + shape embedding, then dropout and a
/// linear classifier over the last hidden states.
pub(crate) struct ShapedTagger {
    bert: BertModel<BertEmbeddings>,
    shapes: nn::Embedding,
    classifier: nn::Linear,
    /// The encoder's own word-piece embedding matrix (shared with `bert`, trained with it).
    word_embeddings: Tensor,
    dropout: f64,
}

impl Network {
    /// Builds the network's variables in `vs` (randomly initialised; load weights afterwards).
    /// The shape embedding starts at zero, so an imported encoder first sees exactly its
    /// pretrained input.
    pub fn new(vs: &VarStore, config: &BertConfig, shaped: bool, labels: i64) -> Result<Network> {
        let root = vs.root();
        if !shaped {
            let model = BertForTokenClassification::new(&root, config)
                .map_err(|e| Error::Model(e.to_string()))?;
            return Ok(Network::Plain(model));
        }
        let bert = BertModel::new_with_optional_pooler(&root / "bert", config, false);
        let shapes = nn::embedding(
            &root / "shape_embeddings",
            SHAPE_CLASSES,
            config.hidden_size,
            nn::EmbeddingConfig {
                ws_init: nn::Init::Const(0.0),
                ..Default::default()
            },
        );
        let classifier = nn::linear(
            &root / "classifier",
            config.hidden_size,
            labels,
            Default::default(),
        );
        let word_embeddings = vs
            .variables()
            .get("bert.embeddings.word_embeddings.weight")
            .map(Tensor::shallow_clone)
            .ok_or_else(|| Error::Model("BERT built without word embeddings".into()))?;
        Ok(Network::Shaped(ShapedTagger {
            bert,
            shapes,
            classifier,
            word_embeddings,
            dropout: config.hidden_dropout_prob,
        }))
    }

    /// Logits `[batch, len, labels]`.
    pub fn forward(
        &self,
        ids: &Tensor,
        shapes: &Tensor,
        mask: &Tensor,
        train: bool,
    ) -> Result<Tensor> {
        match self {
            Network::Plain(model) => Ok(model
                .forward_t(Some(ids), Some(mask), None, None, None, train)
                .logits),
            Network::Shaped(m) => {
                let embeds = Tensor::embedding(&m.word_embeddings, ids, -1, false, false)
                    + m.shapes.forward(shapes);
                let hidden = m
                    .bert
                    .forward_t(
                        None,
                        Some(mask),
                        None,
                        None,
                        Some(&embeds),
                        None,
                        None,
                        train,
                    )
                    .map_err(|e| Error::Model(e.to_string()))?
                    .hidden_state;
                Ok(hidden.dropout(m.dropout, train).apply(&m.classifier))
            }
        }
    }
}
