//! The token-classification networks claimex runs: rust-bert's plain
//! `BertForTokenClassification`, or the same encoder with a learned word-shape embedding added to
//! the word-piece embeddings (for uncased encoders, which otherwise cannot see capital letters).

use rust_bert::bert::{BertConfig, BertEmbeddings, BertForTokenClassification, BertModel};
use rust_bert::deberta::{DebertaConfig, DebertaForTokenClassification};
use rust_bert::deberta_v2::{DebertaV2Config, DebertaV2ForTokenClassification};
use rust_bert::distilbert::{DistilBertConfig, DistilBertForTokenClassification};
use rust_bert::roberta::RobertaForTokenClassification;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tch::nn::{self, Module, VarStore};
use tch::Tensor;

use crate::error::ConfigError;
use crate::fast_bert::FastBert;
use crate::shape::SHAPE_CLASSES;
use crate::{Error, Result};

/// Name of the config.json field that selects the word-shape network.
pub const SHAPE_FEATURES_FIELD: &str = "claimex_shape_features";

/// `model_type` values of config.json that claimex runs, with the rust-bert network each gets.
pub const SUPPORTED_MODEL_TYPES: [&str; 7] = [
    "bert",
    "distilbert",
    "roberta",
    "xlm-roberta",
    "camembert",
    "deberta",
    "deberta-v2",
];

pub(crate) enum Network {
    /// rust-bert's network, and the same variables read by the fused inference path.
    Bert(Box<BertForTokenClassification>, Option<FastBert>),
    Roberta(RobertaForTokenClassification),
    DistilBert(DistilBertForTokenClassification),
    Deberta(DebertaForTokenClassification),
    DebertaV2(Box<DebertaV2ForTokenClassification>),
    Shaped(Box<ShapedTagger>),
}

/// What one forward pass gives.
pub(crate) struct NetOutput {
    /// `[batch, len, labels]`.
    pub logits: Tensor,
    /// `[batch, len, hidden]` after each encoder layer, first to last.
    pub layers: Vec<Tensor>,
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
    /// The fused inference path over the same variables.
    fast: Option<FastBert>,
}

/// What loading needs to know of a `config.json`, whatever the architecture.
pub(crate) struct ConfigSummary {
    /// Labels by class index, from `id2label`.
    pub labels: Vec<String>,
    pub vocab_size: i64,
    /// Longest input in tokens, special tokens included (RoBERTa-style position embeddings
    /// reserve two rows for padding and so take two fewer).
    pub max_tokens: usize,
    /// The word-shape network (BERT only).
    pub shaped: bool,
}

/// `dir/config.json` parsed: its path and value, or an error naming the file (missing, or not
/// JSON).
pub(crate) fn read_config(dir: &std::path::Path) -> Result<(std::path::PathBuf, Value)> {
    let path = dir.join("config.json");
    let raw = std::fs::read_to_string(&path).map_err(|_| Error::MissingFile {
        dir: dir.to_path_buf(),
        what: "config.json".into(),
    })?;
    let value = serde_json::from_str(&raw).map_err(|source| Error::Json {
        path: path.clone(),
        what: "invalid JSON".into(),
        source,
    })?;
    Ok((path, value))
}

/// The `model_type` of a configuration (`bert` when absent, as in old BERT checkpoints).
pub(crate) fn model_type(config: &Value) -> &str {
    config
        .get("model_type")
        .and_then(Value::as_str)
        .unwrap_or("bert")
}

fn parse<T: DeserializeOwned>(
    config: &Value,
    architecture: &'static str,
) -> std::result::Result<T, ConfigError> {
    serde_json::from_value(config.clone()).map_err(|source| ConfigError::Fields {
        architecture,
        source,
    })
}

/// Checks a configuration and reads what loading needs from it.
pub(crate) fn summary_of(config: &Value) -> std::result::Result<ConfigSummary, ConfigError> {
    let kind = model_type(config);
    if !SUPPORTED_MODEL_TYPES.contains(&kind) {
        return Err(ConfigError::UnsupportedModelType {
            kind: kind.to_string(),
            supported: &SUPPORTED_MODEL_TYPES,
        });
    }
    let shaped = config
        .get(SHAPE_FEATURES_FIELD)
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if shaped && kind != "bert" {
        return Err(ConfigError::ShapeFeaturesNotBert {
            kind: kind.to_string(),
            field: SHAPE_FEATURES_FIELD,
        });
    }
    // Parsing into rust-bert's own configuration type catches missing or mistyped fields here,
    // with the file's name, rather than as a panic inside the network.
    let (vocab_size, positions) = match kind {
        "distilbert" => {
            let c: DistilBertConfig = parse(config, "DistilBERT")?;
            (c.vocab_size, c.max_position_embeddings)
        }
        "deberta" => {
            let c: DebertaConfig = parse(config, "DeBERTa")?;
            (c.vocab_size, c.max_position_embeddings)
        }
        "deberta-v2" => {
            let c: DebertaV2Config = parse(config, "DeBERTa-v2")?;
            (c.vocab_size, c.max_position_embeddings)
        }
        "bert" => {
            let c: BertConfig = parse(config, "BERT")?;
            (c.vocab_size, c.max_position_embeddings)
        }
        _ => {
            let c: BertConfig = parse(config, "RoBERTa")?;
            (c.vocab_size, c.max_position_embeddings - 2)
        }
    };
    Ok(ConfigSummary {
        labels: labels_of(config)?,
        vocab_size,
        max_tokens: positions.max(0) as usize,
        shaped,
    })
}

/// Labels by class index from `id2label`, which must cover 0..n without gaps.
fn labels_of(config: &Value) -> std::result::Result<Vec<String>, ConfigError> {
    let map = config
        .get("id2label")
        .and_then(Value::as_object)
        .filter(|m| !m.is_empty())
        .ok_or(ConfigError::NoLabels)?;
    (0..map.len())
        .map(|i| {
            map.get(&i.to_string())
                .and_then(Value::as_str)
                .map(String::from)
                .ok_or(ConfigError::MissingLabel { class: i })
        })
        .collect()
}

impl Network {
    /// Builds the network that `config` describes, its variables in `vs` (randomly initialised;
    /// load weights afterwards), with one output class per label of `id2label`. The shape
    /// embedding starts at zero, so an imported encoder first sees exactly its pretrained input.
    /// Every network returns the hidden states of all its layers (for the syntax head), whatever
    /// `output_hidden_states` the file says.
    pub fn build(vs: &VarStore, config: &Value) -> Result<Network> {
        let summary = summary_of(config)?;
        let mut with_layers = config.clone();
        with_layers["output_hidden_states"] = Value::Bool(true);
        let config = &with_layers;
        let root = vs.root();
        match model_type(config) {
            "distilbert" => {
                let c: DistilBertConfig = parse(config, "DistilBERT")?;
                DistilBertForTokenClassification::new(&root, &c)
                    .map(Network::DistilBert)
                    .map_err(Error::RustBert)
            }
            "deberta" => {
                let c: DebertaConfig = parse(config, "DeBERTa")?;
                DebertaForTokenClassification::new(&root, &c)
                    .map(Network::Deberta)
                    .map_err(Error::RustBert)
            }
            "deberta-v2" => {
                let c: DebertaV2Config = parse(config, "DeBERTa-v2")?;
                DebertaV2ForTokenClassification::new(&root, &c)
                    .map(|m| Network::DebertaV2(Box::new(m)))
                    .map_err(Error::RustBert)
            }
            "bert" if !summary.shaped => {
                let c: BertConfig = parse(config, "BERT")?;
                let model = BertForTokenClassification::new(&root, &c).map_err(Error::RustBert)?;
                Ok(Network::Bert(Box::new(model), FastBert::from_store(vs, &c)))
            }
            "bert" => {
                let c: BertConfig = parse(config, "BERT")?;
                let mut tagger = ShapedTagger::new(vs, &c, summary.labels.len() as i64)?;
                tagger.fast = FastBert::from_store(vs, &c);
                Ok(Network::Shaped(Box::new(tagger)))
            }
            _ => {
                let c: BertConfig = parse(config, "RoBERTa")?;
                RobertaForTokenClassification::new(&root, &c)
                    .map(Network::Roberta)
                    .map_err(Error::RustBert)
            }
        }
    }

    /// Logits `[batch, len, labels]` and the output of every encoder layer, first to last.
    /// Inference (`train` false) takes the fused BERT path where there is one.
    pub fn forward(
        &self,
        ids: &Tensor,
        shapes: &Tensor,
        mask: &Tensor,
        train: bool,
    ) -> Result<NetOutput> {
        self.forward_with(ids, shapes, mask, train, !train)
    }

    /// Runs the encoder's linear layers in int8 from now on (inference only); an error for
    /// networks without the fused BERT path.
    pub fn quantize_int8(&mut self) -> Result<()> {
        let fast = match self {
            Network::Bert(_, fast) => fast.as_mut(),
            Network::Shaped(m) => m.fast.as_mut(),
            _ => None,
        };
        let fast = fast
            .ok_or_else(|| Error::Model("int8 inference is built for BERT models only".into()))?;
        Ok(fast.quantize_int8()?)
    }

    /// [`Network::forward`], choosing the path: `fused` false always runs rust-bert's network.
    pub fn forward_with(
        &self,
        ids: &Tensor,
        shapes: &Tensor,
        mask: &Tensor,
        train: bool,
        fused: bool,
    ) -> Result<NetOutput> {
        let fast = match self {
            Network::Bert(_, Some(fast)) if fused => Some((fast, None)),
            Network::Shaped(m) if fused => {
                m.fast.as_ref().map(|f| (f, Some(m.shapes.forward(shapes))))
            }
            _ => None,
        };
        if let Some((fast, extra)) = fast {
            let (logits, layers) = fast.forward(ids, extra, mask)?;
            return Ok(NetOutput { logits, layers });
        }
        let (logits, layers) = match self {
            Network::Bert(model, _) => {
                let o = model.forward_t(Some(ids), Some(mask), None, None, None, train);
                (o.logits, o.all_hidden_states)
            }
            Network::Roberta(model) => {
                let o = model.forward_t(Some(ids), Some(mask), None, None, None, train);
                (o.logits, o.all_hidden_states)
            }
            Network::DistilBert(model) => model
                .forward_t(Some(ids), Some(mask), None, train)
                .map(|o| (o.logits, o.all_hidden_states))
                .map_err(Error::RustBert)?,
            Network::Deberta(model) => model
                .forward_t(Some(ids), Some(mask), None, None, None, train)
                .map(|o| (o.logits, o.all_hidden_states))
                .map_err(Error::RustBert)?,
            Network::DebertaV2(model) => model
                .forward_t(Some(ids), Some(mask), None, None, None, train)
                .map(|o| (o.logits, o.all_hidden_states))
                .map_err(Error::RustBert)?,
            Network::Shaped(m) => {
                let embeds = Tensor::embedding(&m.word_embeddings, ids, -1, false, false)
                    + m.shapes.forward(shapes);
                let out = m
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
                    .map_err(Error::RustBert)?;
                let logits = out
                    .hidden_state
                    .dropout(m.dropout, train)
                    .apply(&m.classifier);
                (logits, out.all_hidden_states)
            }
        };
        Ok(NetOutput {
            logits,
            layers: layers.unwrap_or_default(),
        })
    }
}

impl ShapedTagger {
    fn new(vs: &VarStore, config: &BertConfig, labels: i64) -> Result<ShapedTagger> {
        let root = vs.root();
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
        Ok(ShapedTagger {
            bert,
            shapes,
            classifier,
            word_embeddings,
            dropout: config.hidden_dropout_prob,
            fast: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tch::{Device, Kind};

    fn config(shaped: bool) -> Value {
        serde_json::json!({
            "model_type": "bert", "hidden_act": "gelu", "hidden_size": 32, "intermediate_size": 64,
            "num_attention_heads": 4, "num_hidden_layers": 3, "max_position_embeddings": 64,
            "type_vocab_size": 2, "vocab_size": 50, "initializer_range": 0.2,
            "attention_probs_dropout_prob": 0.1, "hidden_dropout_prob": 0.1,
            "id2label": {"0": "O", "1": "B-PER", "2": "I-PER"},
            SHAPE_FEATURES_FIELD: shaped,
        })
    }

    /// The fused inference path computes what rust-bert's network computes, padding included.
    #[test]
    fn fused_bert_matches_rust_bert() {
        let _rng = crate::RNG_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        tch::set_num_threads(1);
        tch::manual_seed(11);
        for shaped in [false, true] {
            let vs = VarStore::new(Device::Cpu);
            let net = Network::build(&vs, &config(shaped)).unwrap();
            if shaped {
                // The shape embedding starts at zero; give it values so that it counts.
                tch::no_grad(|| {
                    let mut w = vs.variables()["shape_embeddings.weight"].shallow_clone();
                    w.copy_(&Tensor::randn(w.size(), (Kind::Float, Device::Cpu)));
                });
            }
            let ids = Tensor::randint(50, [3, 9], (Kind::Int64, Device::Cpu));
            let shapes = Tensor::randint(SHAPE_CLASSES, [3, 9], (Kind::Int64, Device::Cpu));
            let mask = Tensor::ones([3, 9], (Kind::Int64, Device::Cpu));
            let _ = mask.get(1).narrow(0, 5, 4).fill_(0);
            let _ = mask.get(2).narrow(0, 2, 7).fill_(0);
            let (fused, reference) = tch::no_grad(|| {
                (
                    net.forward_with(&ids, &shapes, &mask, false, true).unwrap(),
                    net.forward_with(&ids, &shapes, &mask, false, false)
                        .unwrap(),
                )
            });
            let has_fused = match &net {
                Network::Bert(_, fast) => fast.is_some(),
                Network::Shaped(m) => m.fast.is_some(),
                _ => false,
            };
            assert!(has_fused, "shaped {shaped}: no fused path was built");
            let gap = |a: &Tensor, b: &Tensor| (a - b).abs().max().double_value(&[]);
            assert!(
                gap(&fused.logits, &reference.logits) < 1e-4,
                "shaped {shaped}: logits differ by {}",
                gap(&fused.logits, &reference.logits)
            );
            assert_eq!(fused.layers.len(), 3);
            assert_eq!(reference.layers.len(), 3);
            for (a, b) in fused.layers.iter().zip(&reference.layers) {
                assert!(
                    gap(a, b) < 1e-4,
                    "shaped {shaped}: a layer differs by {}",
                    gap(a, b)
                );
            }
            // And the logits are not trivially equal: the inputs matter.
            assert!(fused.logits.std(true).double_value(&[]) > 1e-3);
        }
    }

    /// int8 mode stays close to fp32 without being the fp32 path, and other families refuse it.
    #[test]
    fn int8_mode_is_close_to_fp32() {
        let _rng = crate::RNG_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        tch::set_num_threads(1);
        tch::manual_seed(12);
        let vs = VarStore::new(Device::Cpu);
        let mut net = Network::build(&vs, &config(false)).unwrap();
        let ids = Tensor::randint(50, [4, 12], (Kind::Int64, Device::Cpu));
        let shapes = ids.zeros_like();
        let mask = ids.ones_like();
        let run = |net: &Network| {
            tch::no_grad(|| {
                net.forward_with(&ids, &shapes, &mask, false, true)
                    .unwrap()
                    .logits
            })
        };
        let fp32 = run(&net);
        net.quantize_int8().unwrap();
        let int8 = run(&net);
        let gap = (&int8 - &fp32).abs().max().double_value(&[]);
        let spread = fp32.std(true).double_value(&[]);
        assert!(gap > 0.0, "int8 mode gave exactly the fp32 logits");
        assert!(
            gap < 0.1 * spread.max(1e-6) * 10.0,
            "int8 logits off by {gap} (fp32 spread {spread})"
        );
        let agree = fp32
            .argmax(-1, false)
            .eq_tensor(&int8.argmax(-1, false))
            .to_kind(Kind::Float)
            .mean(Kind::Float)
            .double_value(&[]);
        assert!(agree > 0.9, "int8 and fp32 agree on {agree} of the labels");

        // Through loading, as `--int8` reaches it: other families say they cannot.
        let tmp = tempfile::tempdir().unwrap();
        let spec = crate::RandomModelSpec {
            architecture: "distilbert".into(),
            ..Default::default()
        };
        drop(_rng);
        crate::write_random_model(tmp.path(), &spec).unwrap();
        let config = crate::NerConfig {
            int8: true,
            ..Default::default()
        };
        let err = crate::NerModel::load(tmp.path(), config)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("BERT"), "{err}");
    }
}
