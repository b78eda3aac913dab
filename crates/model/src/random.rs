use std::path::Path;

use tch::{nn::VarStore, Device};
use tokenizers::models::wordpiece::WordPiece;
use tokenizers::normalizers::BertNormalizer;
use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
use tokenizers::Tokenizer;

use crate::network::{Network, SHAPE_FEATURES_FIELD};
use crate::{Error, Result};

/// The CoNLL-2003 label set in IOB2, in the order most public CoNLL models use.
pub const CONLL_LABELS: [&str; 9] = [
    "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC",
];

/// Shape of a randomly initialised token-classification model: for tests and for running the
/// pipeline before a trained model exists. Its predictions mean nothing.
#[derive(Debug, Clone)]
pub struct RandomModelSpec {
    /// Name written to `claimex-model.json`.
    pub name: String,
    /// Hidden size.
    pub hidden_size: i64,
    /// Transformer layers.
    pub layers: i64,
    /// Attention heads (must divide `hidden_size`).
    pub heads: i64,
    /// Feed-forward size.
    pub intermediate_size: i64,
    /// Longest sequence the position embeddings cover.
    pub max_positions: i64,
    /// Labels, index = class id.
    pub labels: Vec<String>,
    /// Seed for libtorch's generator: the same spec gives the same weights.
    pub seed: i64,
    /// Added to the first label's (`O`'s) classifier bias so that most tokens come out as
    /// outside, as in real text; 0 leaves the classifier as initialised.
    pub outside_bias: f64,
    /// Whole words to put in the vocabulary besides single characters.
    pub extra_words: Vec<String>,
    /// Build the word-shape network instead of plain BERT token classification.
    pub shape_features: bool,
    /// config.json `model_type`: `bert`, `distilbert`, `roberta`, `deberta` or `deberta-v2`.
    pub architecture: String,
}

impl Default for RandomModelSpec {
    fn default() -> Self {
        RandomModelSpec {
            name: "tiny-random".into(),
            hidden_size: 32,
            layers: 2,
            heads: 2,
            intermediate_size: 64,
            max_positions: 512,
            labels: CONLL_LABELS.iter().map(|s| s.to_string()).collect(),
            seed: 42,
            outside_bias: 3.0,
            extra_words: vec![],
            shape_features: false,
            architecture: "bert".into(),
        }
    }
}

/// A cased WordPiece vocabulary: special tokens, printable ASCII and Latin-1 letters, common
/// typographic punctuation, their `##` continuations, and `extra_words`.
/// RoBERTa's position ids assume padding is token 1, so its specials come in RoBERTa's order.
fn vocabulary(extra_words: &[String], architecture: &str) -> Vec<String> {
    let specials = if architecture == "roberta" {
        ["[CLS]", "[PAD]", "[SEP]", "[UNK]", "[MASK]"]
    } else {
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    };
    let mut vocab: Vec<String> = specials.iter().map(|s| s.to_string()).collect();
    let chars: Vec<char> = ('!'..='~')
        .chain('À'..='ÿ')
        .chain(['‘', '’', '“', '”', '–', '—', '…', '€', '£'])
        .collect();
    vocab.extend(chars.iter().map(|c| c.to_string()));
    vocab.extend(
        chars
            .iter()
            .filter(|c| c.is_alphanumeric())
            .map(|c| format!("##{c}")),
    );
    for word in extra_words {
        if !vocab.contains(word) {
            vocab.push(word.clone());
        }
    }
    vocab
}

/// Writes a complete model directory (config.json, vocab.txt, tokenizer.json, model.safetensors,
/// claimex-model.json) with random weights, through the same rust-bert code that loads models.
pub fn write_random_model(dir: &Path, spec: &RandomModelSpec) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
    let vocab = vocabulary(&spec.extra_words, &spec.architecture);

    let mut config_json = architecture_config(spec, vocab.len() as i64)?;
    crate::model::set_labels(&mut config_json, &spec.labels);
    config_json[SHAPE_FEATURES_FIELD] = spec.shape_features.into();
    write_file(
        &dir.join("config.json"),
        &serde_json::to_string_pretty(&config_json).unwrap_or_default(),
    )?;
    write_file(&dir.join("vocab.txt"), &(vocab.join("\n") + "\n"))?;

    let model = WordPiece::builder()
        .vocab(
            vocab
                .iter()
                .enumerate()
                .map(|(i, t)| (t.clone(), i as u32))
                .collect(),
        )
        .unk_token("[UNK]".into())
        .build()
        .map_err(Error::TokenizerFailed)?;
    let mut tokenizer = Tokenizer::new(model);
    tokenizer
        .with_normalizer(Some(BertNormalizer::new(true, true, Some(false), false)))
        .with_pre_tokenizer(Some(BertPreTokenizer));
    let tokenizer_path = dir.join("tokenizer.json");
    tokenizer
        .save(&tokenizer_path, true)
        .map_err(|source| Error::TokenizerFile {
            path: tokenizer_path,
            what: "cannot write the tokenizer".into(),
            source,
        })?;

    // Seeded under the crate's lock, from seeding to the last draw, so that the same seed gives the
    // same weights even while other threads build models.
    let vs = crate::seeded(spec.seed, || -> Result<VarStore> {
        let vs = VarStore::new(Device::Cpu);
        Network::build(&vs, &config_json)?;
        randomise_extras(&vs, spec);
        Ok(vs)
    })?;
    crate::heads::write_weights(&vs, &dir.join("model.safetensors"), crate::Precision::F32)?;

    let card = serde_json::json!({
        "name": spec.name,
        "trained": false,
        "note": "Randomly initialised by `claimex models init-random`: its entities are noise. It exists to run and test the pipeline before a trained model is available.",
        "seed": spec.seed,
    });
    write_file(
        &dir.join("claimex-model.json"),
        &serde_json::to_string_pretty(&card).unwrap_or_default(),
    )?;
    Ok(())
}

/// What a random test model draws besides the network's own initialisation: shape embeddings
/// (imports start them at zero; a random model gets random ones so the path matters) and a bias
/// on the first class.
fn randomise_extras(vs: &VarStore, spec: &RandomModelSpec) {
    let vars = vs.variables();
    if spec.shape_features {
        if let Some(shapes) = vars.get("shape_embeddings.weight") {
            tch::no_grad(|| {
                shapes.shallow_clone().copy_(&(shapes.randn_like() * 0.5));
            });
        }
    }
    if spec.outside_bias != 0.0 {
        if let Some(bias) = vars.get("classifier.bias") {
            tch::no_grad(|| {
                let _ = bias.get(0).fill_(spec.outside_bias);
            });
        }
    }
}

/// The architecture-specific part of a random model's config.json.
fn architecture_config(spec: &RandomModelSpec, vocab_size: i64) -> Result<serde_json::Value> {
    let common = serde_json::json!({
        "vocab_size": vocab_size,
        "max_position_embeddings": spec.max_positions,
        "initializer_range": 0.02,
    });
    let bert_like = serde_json::json!({
        "hidden_act": "gelu",
        "attention_probs_dropout_prob": 0.1,
        "hidden_dropout_prob": 0.1,
        "hidden_size": spec.hidden_size,
        "intermediate_size": spec.intermediate_size,
        "num_attention_heads": spec.heads,
        "num_hidden_layers": spec.layers,
        "type_vocab_size": 2,
    });
    let specific = match spec.architecture.as_str() {
        "bert" => bert_like,
        "roberta" => {
            let mut c = bert_like;
            c["type_vocab_size"] = 1.into();
            // Two position rows are reserved for padding in RoBERTa.
            c["max_position_embeddings"] = (spec.max_positions + 2).into();
            c["pad_token_id"] = 1.into();
            c
        }
        "deberta" | "deberta-v2" => {
            let mut c = bert_like;
            c["type_vocab_size"] = 0.into();
            c["relative_attention"] = true.into();
            c["max_relative_positions"] = (-1).into();
            c["pos_att_type"] = serde_json::json!(["c2p", "p2c"]);
            c["position_biased_input"] = false.into();
            c["pad_token_id"] = 0.into();
            if spec.architecture == "deberta-v2" {
                c["position_buckets"] = 64.into();
                c["norm_rel_ebd"] = "layer_norm".into();
                c["share_att_key"] = true.into();
            }
            c
        }
        "distilbert" => serde_json::json!({
            "activation": "gelu",
            "attention_dropout": 0.1,
            "dim": spec.hidden_size,
            "dropout": 0.1,
            "hidden_dim": spec.intermediate_size,
            "n_heads": spec.heads,
            "n_layers": spec.layers,
            "qa_dropout": 0.1,
            "seq_classif_dropout": 0.2,
            "sinusoidal_pos_embds": false,
            "tie_weights_": true,
        }),
        other => {
            return Err(Error::Model(format!(
                "no random model for architecture `{other}` (bert, distilbert, roberta, deberta, deberta-v2)"
            )))
        }
    };
    let mut config = common;
    for (k, v) in specific.as_object().into_iter().flatten() {
        config[k] = v.clone();
    }
    config["model_type"] = spec.architecture.clone().into();
    config["architectures"] = serde_json::json!(["ForTokenClassification"]);
    Ok(config)
}

fn write_file(path: &Path, contents: &str) -> Result<()> {
    std::fs::write(path, contents).map_err(Error::io(path))
}
