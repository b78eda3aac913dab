use std::collections::HashMap;
use std::path::Path;

use rust_bert::bert::BertConfig;
use rust_bert::Activation;
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
        }
    }
}

/// A cased WordPiece vocabulary: special tokens, printable ASCII and Latin-1 letters, common
/// typographic punctuation, their `##` continuations, and `extra_words`.
fn vocabulary(extra_words: &[String]) -> Vec<String> {
    let mut vocab: Vec<String> = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        .iter()
        .map(|s| s.to_string())
        .collect();
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
    let vocab = vocabulary(&spec.extra_words);

    let id2label: HashMap<i64, String> = spec
        .labels
        .iter()
        .enumerate()
        .map(|(i, l)| (i as i64, l.clone()))
        .collect();
    let config = BertConfig {
        hidden_act: Activation::gelu,
        attention_probs_dropout_prob: 0.1,
        hidden_dropout_prob: 0.1,
        hidden_size: spec.hidden_size,
        initializer_range: 0.02,
        intermediate_size: spec.intermediate_size,
        max_position_embeddings: spec.max_positions,
        num_attention_heads: spec.heads,
        num_hidden_layers: spec.layers,
        type_vocab_size: 2,
        vocab_size: vocab.len() as i64,
        output_attentions: None,
        output_hidden_states: None,
        is_decoder: None,
        label2id: Some(id2label.iter().map(|(i, l)| (l.clone(), *i)).collect()),
        id2label: Some(id2label),
    };
    let mut config_json =
        serde_json::to_value(&config).map_err(|e| Error::Tokenizer(e.to_string()))?;
    config_json["model_type"] = "bert".into();
    config_json["architectures"] = serde_json::json!(["BertForTokenClassification"]);
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
        .map_err(|e| Error::Tokenizer(e.to_string()))?;
    let mut tokenizer = Tokenizer::new(model);
    tokenizer
        .with_normalizer(Some(BertNormalizer::new(true, true, Some(false), false)))
        .with_pre_tokenizer(Some(BertPreTokenizer));
    tokenizer
        .save(dir.join("tokenizer.json"), true)
        .map_err(|e| Error::Tokenizer(e.to_string()))?;

    // libtorch's generator is global to the process: hold the lock from seeding to the last draw
    // so that the same seed gives the same weights even while other threads build models.
    let _rng = crate::RNG_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    // The random stream also depends on libtorch's thread count (set per OS thread): draw with one.
    let threads = tch::get_num_threads();
    tch::set_num_threads(1);
    tch::manual_seed(spec.seed);
    let vs = VarStore::new(Device::Cpu);
    Network::new(&vs, &config, spec.shape_features, spec.labels.len() as i64)?;
    if spec.shape_features {
        // Imports start shapes at zero; a random test model gets random ones so the path matters.
        if let Some(shapes) = vs.variables().get("shape_embeddings.weight") {
            tch::no_grad(|| {
                shapes.shallow_clone().copy_(&(shapes.randn_like() * 0.5));
            });
        }
    }
    if spec.outside_bias != 0.0 {
        let vars = vs.variables();
        if let Some(bias) = vars.get("classifier.bias") {
            tch::no_grad(|| {
                let _ = bias.get(0).fill_(spec.outside_bias);
            });
        }
    }
    tch::set_num_threads(threads);
    crate::model::write_weights(&vs, &dir.join("model.safetensors"), crate::Precision::F32)?;

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

fn write_file(path: &Path, contents: &str) -> Result<()> {
    std::fs::write(path, contents).map_err(Error::io(path))
}
