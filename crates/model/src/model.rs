use std::path::{Path, PathBuf};

use claimex_core::{tokenize, EntitySpan, Sentence, TaggedToken, TextIndex};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tch::{nn::VarStore, Device, Kind, Tensor};
use tokenizers::Encoding;

use crate::decode::{constrained_labels, decode_words, Tag};
use crate::heads::{select_layers, write_weights, PieceStates, Precision};
use crate::network::{summary_of, Network};
use crate::pairs::{find_relations_in, FoundRelation, Mention, RelationHead, RELATION_WEIGHTS};
use crate::parser::{ParserHead, PARSER_WEIGHTS};
use crate::shape::piece_shapes;
use crate::syntax::{SyntaxHead, SYNTAX_WEIGHTS};
use crate::tokenizer::{copy_tokenizer_files, load_tokenizer, LoadedTokenizer};
use crate::words::word_pieces;
use crate::{Error, Result};

/// Inference settings. The defaults suit news sentences on a CPU.
#[derive(Debug, Clone)]
pub struct NerConfig {
    /// Windows (sequences) per forward pass. Windows are sorted by length first, so a batch holds
    /// windows of similar length and padding stays small; a batch of long windows holds fewer,
    /// at most `batch_size` × 128 word pieces once padded.
    pub batch_size: usize,
    /// Longest window in word pieces, including the two special tokens; capped by the model's
    /// `max_position_embeddings`. Longer sentences are cut into half-overlapping windows.
    pub max_tokens: usize,
    /// Run the encoder's linear layers with int8 weights and activations (BERT models only). For
    /// inference: the int8 weights are a snapshot of the loaded ones, which training would not
    /// update. The model id gets `+int8`.
    pub int8: bool,
    /// Give tokens dependency trees in [`NerModel::analyze`] when the model has a parser head.
    /// Off by default: the head adds about a third to the encoder's time, and only claims read
    /// from trees use them.
    pub parse: bool,
}

impl Default for NerConfig {
    fn default() -> Self {
        NerConfig {
            batch_size: 32,
            max_tokens: 256,
            int8: false,
            parse: false,
        }
    }
}

/// What a loaded model is: printed in summaries and stored with every claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelInfo {
    /// Human name (from `claimex-model.json`, else the directory name).
    pub name: String,
    /// `name@` plus the first 8 hex digits of the weights' SHA-256: changes whenever weights do.
    pub id: String,
    /// False for randomly initialised test models, whose output means nothing.
    pub trained: bool,
    /// Labels by class index, from `config.json`'s `id2label`.
    pub labels: Vec<String>,
    /// Directory it was loaded from.
    pub dir: PathBuf,
    /// `syntax@` plus the first 8 hex digits of the syntax head's weights, when it has one.
    pub syntax_id: Option<String>,
    /// `relations@` and a hash of the relation head's weights, when the model has one.
    pub relations_id: Option<String>,
    /// `parser@` and a hash of the parser head's weights, when the model has one.
    pub parser_id: Option<String>,
}

/// What one sentence holds: its entities, its tokens with part-of-speech and chunk tags (empty
/// when the model has no syntax head), and the encoder states the relation head reads (when the
/// model has one), all from one forward pass.
#[derive(Debug, Clone, PartialEq)]
pub struct SentenceAnalysis {
    /// Entity mentions, document offsets.
    pub entities: Vec<EntitySpan>,
    /// Treebank-style tokens with tags, document offsets.
    pub tokens: Vec<TaggedToken>,
    /// The relation head's input for this sentence, when the model has a relation head.
    pub pieces: Option<PieceStates>,
}

/// Optional `claimex-model.json` next to the weights.
#[derive(Debug, Deserialize)]
struct ModelCard {
    name: Option<String>,
    #[serde(default = "yes")]
    trained: bool,
}

fn yes() -> bool {
    true
}

/// A token-classification model ready for inference.
pub struct NerModel {
    info: ModelInfo,
    tokenizer: LoadedTokenizer,
    model: Network,
    /// Owns the weights `model` points into.
    vs: VarStore,
    tags: Vec<Tag>,
    config: NerConfig,
    /// Word pieces per window, special tokens excluded.
    window: usize,
    /// `config.json` as loaded; [`NerModel::save`] writes it back with the current labels.
    config_json: serde_json::Value,
    /// Part-of-speech and chunk tags from the same forward pass, if the directory has the head.
    syntax: Option<SyntaxHead>,
    /// Typed relations between mentions, if the directory has the head.
    relations: Option<RelationHead>,
    /// Dependency trees over the tagged tokens, if the directory has the head.
    parser: Option<ParserHead>,
}

/// One row of model input: word-piece ids and their word shapes (same length).
#[derive(Debug, Clone, Copy)]
pub struct PieceRow<'a> {
    /// Word-piece ids, without special tokens.
    pub ids: &'a [u32],
    /// Shape class of each piece.
    pub shapes: &'a [i64],
}

/// One model input: word pieces `start..end` of sentence `sentence`.
#[derive(Debug, Clone, Copy)]
struct Window {
    sentence: usize,
    start: usize,
    end: usize,
}

/// Best prediction so far for one word piece, and how central it was in its window.
#[derive(Debug, Clone, Default)]
struct Prediction {
    /// Probability of every label.
    dist: Vec<f32>,
    /// Probability of every part-of-speech tag (empty without a syntax head).
    pos: Vec<f32>,
    /// Probability of every chunk tag (empty without a syntax head).
    chunk: Vec<f32>,
    centrality: Option<usize>,
}

/// Weight files a model directory may hold, in the order they are looked for.
pub(crate) const WEIGHT_FILES: [&str; 2] = ["model.safetensors", "rust_model.ot"];

impl NerModel {
    /// Loads a model directory. Every missing or inconsistent file is an error naming it.
    pub fn load(dir: &Path, config: NerConfig) -> Result<NerModel> {
        if !dir.is_dir() {
            return Err(Error::MissingFile {
                dir: dir.to_path_buf(),
                what: "the directory itself".into(),
            });
        }
        let (config_path, value) = crate::network::read_config(dir)?;
        let bad_config = |reason: String| Error::BadFile {
            path: config_path.clone(),
            reason,
        };
        let summary = summary_of(&value).map_err(|source| Error::BadConfig {
            path: config_path.clone(),
            source,
        })?;
        let labels = summary.labels;

        let weights = WEIGHT_FILES
            .iter()
            .map(|f| dir.join(f))
            .find(|p| p.is_file())
            .ok_or_else(|| Error::MissingFile {
                dir: dir.to_path_buf(),
                what: "weights (model.safetensors or rust_model.ot)".into(),
            })?;

        let tokenizer = load_tokenizer(dir)?;
        let vocab = tokenizer.tokenizer.get_vocab_size(true) as i64;
        if vocab > summary.vocab_size {
            return Err(bad_config(format!(
                "vocab_size {} is smaller than the tokenizer's {vocab} tokens",
                summary.vocab_size
            )));
        }

        let mut vs = VarStore::new(Device::Cpu);
        let mut model = crate::unseeded(|| Network::build(&vs, &value))?;
        vs.load(&weights).map_err(|e| Error::Weights {
            path: weights.clone(),
            config: "config.json".into(),
            source: Box::new(e),
        })?;
        // Loading half-precision weights leaves half-precision variables, which CPUs run many
        // times slower than f32: compute in f32 whatever the file holds.
        vs.float();
        if config.int8 {
            model.quantize_int8()?;
        }

        let card: Option<ModelCard> = std::fs::read_to_string(dir.join("claimex-model.json"))
            .ok()
            .and_then(|s| serde_json::from_str(&s).ok());
        let dir_name = dir
            .canonicalize()
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "model".into());
        let name = card
            .as_ref()
            .and_then(|c| c.name.clone())
            .unwrap_or(dir_name);
        let hash = file_sha256_prefix(&weights)?;
        let syntax = SyntaxHead::load(dir)?;
        let relations = RelationHead::load(dir)?;
        let parser = ParserHead::load(dir)?;
        let parser_id = match &parser {
            Some(_) => Some(format!(
                "parser@{}",
                file_sha256_prefix(&dir.join(PARSER_WEIGHTS))?
            )),
            None => None,
        };
        let syntax_id = match &syntax {
            Some(_) => Some(format!(
                "syntax@{}",
                file_sha256_prefix(&dir.join(SYNTAX_WEIGHTS))?
            )),
            None => None,
        };
        let relations_id = match &relations {
            Some(_) => Some(format!(
                "relations@{}",
                file_sha256_prefix(&dir.join(RELATION_WEIGHTS))?
            )),
            None => None,
        };
        let window = config.max_tokens.min(summary.max_tokens).max(4) - 2;
        Ok(NerModel {
            tags: labels.iter().map(|l| Tag::parse(l)).collect(),
            info: ModelInfo {
                id: format!("{name}@{hash}{}", if config.int8 { "+int8" } else { "" }),
                name,
                trained: card.map_or(true, |c| c.trained),
                labels,
                dir: dir.to_path_buf(),
                syntax_id,
                relations_id,
                parser_id,
            },
            tokenizer,
            model,
            vs,
            config,
            window,
            config_json: value,
            syntax,
            relations,
            parser,
        })
    }

    /// Adds entity types the model does not know yet, for fine-tuning on data that has them. Each
    /// new type gets one label per prefix of the model's scheme (`B-`/`I-` for IOB2, all four for
    /// BILOU/BIOES), appended after the existing labels so that every existing class keeps its
    /// index and its trained classifier row. A new row's weights are freshly initialised (seeded by
    /// `seed`) and its bias is the lowest existing bias, so the new labels start out unlikely
    /// rather than competing with trained ones. Returns the labels added (none if every type is
    /// known).
    pub fn extend_labels(&mut self, types: &[String], seed: u64) -> Result<Vec<String>> {
        let mut prefixes: Vec<String> = Vec::new();
        for label in &self.info.labels {
            if let Some((p, _)) = label.split_once('-').filter(|(p, _)| p.len() == 1) {
                if !prefixes.iter().any(|q| q == p) {
                    prefixes.push(p.to_string());
                }
            }
        }
        if prefixes.is_empty() {
            prefixes = vec!["B".into(), "I".into()];
        }
        let known: Vec<String> = self
            .tags
            .iter()
            .filter_map(|t| match t {
                Tag::Outside => None,
                Tag::Begin { label, .. } | Tag::Inside { label, .. } => Some(label.clone()),
            })
            .collect();
        let mut added = Vec::new();
        for ty in types {
            if ty.is_empty() || ty == "O" {
                return Err(Error::Model(format!("`{ty}` cannot be an entity type")));
            }
            if known.contains(ty)
                || added
                    .iter()
                    .any(|l: &String| l.ends_with(&format!("-{ty}")))
            {
                continue;
            }
            added.extend(prefixes.iter().map(|p| format!("{p}-{ty}")));
        }
        if added.is_empty() {
            return Ok(added);
        }
        let old_n = self.info.labels.len() as i64;
        let labels: Vec<String> = self.info.labels.iter().chain(&added).cloned().collect();
        let mut config = self.config_json.clone();
        set_labels(&mut config, &labels);
        let vs = VarStore::new(Device::Cpu);
        let model = {
            let _guard = crate::RNG_LOCK.lock().unwrap_or_else(|e| e.into_inner());
            tch::manual_seed(seed as i64);
            Network::build(&vs, &config)?
        };
        let old = self.vs.variables();
        tch::no_grad(|| -> Result<()> {
            for (name, mut var) in vs.variables() {
                let from = old.get(&name).ok_or_else(|| {
                    Error::Model(format!("variable {name} missing from the loaded model"))
                })?;
                if from.size() == var.size() {
                    var.copy_(from);
                } else if name.starts_with("classifier.") {
                    var.narrow(0, 0, old_n).copy_(from);
                    if name.ends_with("bias") {
                        let _ = var
                            .narrow(0, old_n, labels.len() as i64 - old_n)
                            .fill_(from.min().double_value(&[]));
                    }
                } else {
                    return Err(Error::Model(format!(
                        "variable {name} is {:?} in the loaded model but {:?} in the new one",
                        from.size(),
                        var.size()
                    )));
                }
            }
            Ok(())
        })?;
        self.vs = vs;
        self.model = model;
        self.config_json = config;
        self.tags = labels.iter().map(|l| Tag::parse(l)).collect();
        self.info.labels = labels;
        Ok(added)
    }

    /// What this model is.
    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// Finds the entities of each sentence. Offsets are document offsets (the sentences' own
    /// `start` added), so `entity.text == document.text[entity.start..entity.end]` in characters.
    pub fn recognize(&self, sentences: &[Sentence]) -> Result<Vec<Vec<EntitySpan>>> {
        Ok(self
            .analyze(sentences)?
            .into_iter()
            .map(|a| a.entities)
            .collect())
    }

    /// Entities and, when the model has a syntax head, tagged tokens of each sentence, from one
    /// forward pass per window. Offsets are document offsets.
    pub fn analyze(&self, sentences: &[Sentence]) -> Result<Vec<SentenceAnalysis>> {
        let encodings: Vec<Encoding> = sentences
            .iter()
            .map(|s| self.encode(&s.text))
            .collect::<Result<_>>()?;

        let shapes: Vec<Vec<i64>> = sentences
            .iter()
            .zip(&encodings)
            .map(|(s, e)| piece_shapes(&s.text, e))
            .collect();
        let mut windows = Vec::new();
        for (sentence, enc) in encodings.iter().enumerate() {
            windows.extend(windows_of(sentence, enc.len(), self.window));
        }
        // Longest first, so each batch pads to a similar length.
        windows.sort_by_key(|w| std::cmp::Reverse(w.end - w.start));

        let mut predictions: Vec<Vec<Prediction>> = encodings
            .iter()
            .map(|e| vec![Prediction::default(); e.len()])
            .collect();
        let mut states: Vec<Option<Tensor>> = sentences.iter().map(|_| None).collect();
        let mut parser_states: Vec<Option<Tensor>> = sentences.iter().map(|_| None).collect();
        for batch in batches(&windows, self.config.batch_size) {
            self.predict_batch(
                batch,
                &encodings,
                &shapes,
                &mut predictions,
                &mut states,
                &mut parser_states,
            )?;
        }

        let mut analyses: Vec<SentenceAnalysis> = Vec::with_capacity(sentences.len());
        let mut firsts_of = Vec::with_capacity(sentences.len());
        for (((sentence, enc), preds), states) in sentences
            .iter()
            .zip(encodings)
            .zip(&predictions)
            .zip(states)
        {
            let (tokens, firsts) = self.tokens_of(sentence, &enc, preds);
            firsts_of.push(firsts);
            analyses.push(SentenceAnalysis {
                entities: self.entities_of(sentence, &enc, preds),
                tokens,
                pieces: states.map(|states| {
                    let mut encoding = enc;
                    encoding.truncate(self.window, 0, tokenizers::TruncationDirection::Right);
                    PieceStates { encoding, states }
                }),
            });
        }
        if let Some(parser) = self.parser.as_ref().filter(|_| self.config.parse) {
            parse_tokens(parser, &mut analyses, &firsts_of, &parser_states);
        }
        Ok(analyses)
    }

    fn predict_batch(
        &self,
        batch: &[Window],
        encodings: &[Encoding],
        shapes: &[Vec<i64>],
        predictions: &mut [Vec<Prediction>],
        states: &mut [Option<Tensor>],
        parser_states: &mut [Option<Tensor>],
    ) -> Result<()> {
        let rows: Vec<PieceRow> = batch
            .iter()
            .map(|w| PieceRow {
                ids: &encodings[w.sentence].get_ids()[w.start..w.end],
                shapes: &shapes[w.sentence][w.start..w.end],
            })
            .collect();
        let len = rows.iter().map(|r| r.ids.len()).max().unwrap_or(0) + 2;
        let (probs, syntax) = tch::no_grad(|| -> Result<_> {
            let (logits, layers) = self.forward_rows(&rows, false)?;
            // Heads that read the same layers share one concatenation of them.
            let mut joined: Vec<(Vec<usize>, Tensor)> = Vec::new();
            let mut join = |reader: &str, list: &[usize]| -> Result<Tensor> {
                if let Some((_, t)) = joined.iter().find(|(l, _)| l == list) {
                    return Ok(t.shallow_clone());
                }
                let t = select_layers(&layers, list, reader)?;
                joined.push((list.to_vec(), t.shallow_clone()));
                Ok(t)
            };
            // The relation head and the parser read the first window of each sentence, from
            // this pass. Position 0 is [CLS]: piece k is at k + 1.
            let first_windows = |picked: &Tensor, out: &mut [Option<Tensor>]| {
                for (row, w) in batch.iter().enumerate().filter(|(_, w)| w.start == 0) {
                    let n = (w.end - w.start) as i64;
                    out[w.sentence] = Some(picked.get(row as i64).narrow(0, 1, n));
                }
            };
            if let Some(head) = &self.relations {
                first_windows(&join("the relation head", &head.config().layers)?, states);
            }
            if let Some(head) = self.parser.as_ref().filter(|_| self.config.parse) {
                first_windows(
                    &join("the parser head", &head.config().layers)?,
                    parser_states,
                );
            }
            let probs: Vec<f32> = Vec::try_from(logits.softmax(-1, Kind::Float).flatten(0, -1))?;
            let syntax = match &self.syntax {
                Some(head) => {
                    let features = join("the syntax head", &head.config().layers)?;
                    let (pos, chunk) = head.forward(&features, false);
                    let flat =
                        |t: Tensor| Vec::<f32>::try_from(t.softmax(-1, Kind::Float).flatten(0, -1));
                    Some((flat(pos)?, flat(chunk)?))
                }
                None => None,
            };
            Ok((probs, syntax))
        })?;
        let n_labels = self.tags.len();
        let n_pos = self
            .syntax
            .as_ref()
            .map_or(0, |h| h.config().pos_labels.len());
        let n_chunk = self
            .syntax
            .as_ref()
            .map_or(0, |h| h.config().chunk_labels.len());

        for (row, w) in batch.iter().enumerate() {
            let slots = &mut predictions[w.sentence][w.start..w.end];
            for (k, slot) in slots.iter_mut().enumerate() {
                let at = row * len + 1 + k;
                let centrality = k.min(w.end - w.start - 1 - k);
                if slot.centrality.map_or(true, |c| centrality > c) {
                    let (pos, chunk) = match &syntax {
                        Some((pos, chunk)) => (
                            pos[at * n_pos..(at + 1) * n_pos].to_vec(),
                            chunk[at * n_chunk..(at + 1) * n_chunk].to_vec(),
                        ),
                        None => (vec![], vec![]),
                    };
                    *slot = Prediction {
                        dist: probs[at * n_labels..(at + 1) * n_labels].to_vec(),
                        pos,
                        chunk,
                        centrality: Some(centrality),
                    };
                }
            }
        }
        Ok(())
    }

    /// Tokenises `text` without special tokens: piece ids, byte offsets and word ids.
    pub fn encode(&self, text: &str) -> Result<Encoding> {
        self.tokenizer
            .tokenizer
            .encode(text, false)
            .map_err(Error::TokenizerFailed)
    }

    /// Longest row of word pieces one forward pass takes (special tokens excluded).
    pub fn window(&self) -> usize {
        self.window
    }

    /// Logits `[rows, longest + 2, labels]` for rows of word pieces; `[CLS]`/`[SEP]` are added
    /// and shorter rows padded and masked here. Position 0 is `[CLS]`, so piece `k` of a row is at
    /// position `k + 1`. `train` switches dropout on and keeps the graph for gradients.
    pub fn logits(&self, rows: &[PieceRow], train: bool) -> Result<Tensor> {
        Ok(self.forward_rows(rows, train)?.0)
    }

    /// [`NerModel::logits`] and the output of every encoder layer (`[rows, longest + 2, hidden]`
    /// each, first layer first): what a syntax head reads.
    pub fn forward_rows(&self, rows: &[PieceRow], train: bool) -> Result<(Tensor, Vec<Tensor>)> {
        let len = rows.iter().map(|r| r.ids.len()).max().unwrap_or(0) + 2;
        let mut ids = vec![self.tokenizer.pad; rows.len() * len];
        let mut shapes = vec![0i64; rows.len() * len];
        let mut mask = vec![0i64; rows.len() * len];
        for (row, pieces) in rows.iter().enumerate() {
            let base = row * len;
            let n = pieces.ids.len();
            ids[base] = self.tokenizer.cls;
            for (k, &id) in pieces.ids.iter().enumerate() {
                ids[base + 1 + k] = i64::from(id);
            }
            ids[base + 1 + n] = self.tokenizer.sep;
            shapes[base + 1..base + 1 + n].copy_from_slice(pieces.shapes);
            mask[base..base + n + 2].fill(1);
        }
        let dims = [rows.len() as i64, len as i64];
        let ids = Tensor::from_slice(&ids).view(dims);
        let shapes = Tensor::from_slice(&shapes).view(dims);
        let mask = Tensor::from_slice(&mask).view(dims);
        let out = self.model.forward(&ids, &shapes, &mask, train)?;
        Ok((out.logits, out.layers))
    }

    /// For each text, its word pieces (special tokens excluded; a text longer than one window is
    /// cut to the first window) and the outputs of encoder `layers` concatenated,
    /// `[pieces, hidden * layers]`: what a relation head reads. Runs under no-grad, in batches of
    /// texts of similar length (results come back in the order of `texts`).
    pub fn piece_states(
        &self,
        texts: &[&str],
        layers: &[usize],
    ) -> Result<Vec<(Encoding, Tensor)>> {
        let mut encodings: Vec<Encoding> = Vec::with_capacity(texts.len());
        for text in texts {
            let mut enc = self.encode(text)?;
            enc.truncate(self.window, 0, tokenizers::TruncationDirection::Right);
            encodings.push(enc);
        }
        let shapes: Vec<Vec<i64>> = texts
            .iter()
            .zip(&encodings)
            .map(|(t, e)| piece_shapes(t, e))
            .collect();
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| encodings[i].len());
        let mut states: Vec<Option<Tensor>> = (0..texts.len()).map(|_| None).collect();
        for batch in order.chunks(self.config.batch_size.max(1)) {
            let rows: Vec<PieceRow> = batch
                .iter()
                .map(|&i| PieceRow {
                    ids: encodings[i].get_ids(),
                    shapes: &shapes[i],
                })
                .collect();
            let picked = tch::no_grad(|| -> Result<Tensor> {
                let (_, all) = self.forward_rows(&rows, false)?;
                select_layers(&all, layers, "the relation head")
            })?;
            for (row, &i) in batch.iter().enumerate() {
                let n = encodings[i].len() as i64;
                // Position 0 is [CLS]: piece k is at k + 1.
                states[i] = Some(picked.get(row as i64).narrow(0, 1, n));
            }
        }
        Ok(encodings
            .into_iter()
            .zip(states)
            .map(|(enc, s)| {
                let s = s.expect("every text is in exactly one batch");
                (enc, s)
            })
            .collect())
    }

    /// The relations `head` finds between the mentions of each text, encoding the texts for it
    /// ([`NerModel::piece_states`]); see [`find_relations_in`]. A pipeline that already ran
    /// [`NerModel::analyze`] reads the states of that pass instead.
    pub fn find_relations(
        &self,
        head: &RelationHead,
        texts: &[&str],
        mentions: &[Vec<Mention>],
    ) -> Result<Vec<Vec<FoundRelation>>> {
        let states: Vec<PieceStates> = self
            .piece_states(texts, &head.config().layers)?
            .into_iter()
            .map(|(encoding, states)| PieceStates { encoding, states })
            .collect();
        let states: Vec<&PieceStates> = states.iter().collect();
        find_relations_in(head, texts, &states, mentions)
    }

    /// The relation head, if the model has one.
    pub fn relation_head(&self) -> Option<&RelationHead> {
        self.relations.as_ref()
    }

    /// The syntax head, if the model has one.
    pub fn syntax(&self) -> Option<&SyntaxHead> {
        self.syntax.as_ref()
    }

    /// The model's weights, for an optimiser.
    pub fn var_store(&self) -> &VarStore {
        &self.vs
    }

    /// Writes this model as a complete model directory (weights, config, tokenizer files, card
    /// with `name` and `trained: true`). Files are written to `DIR.partial`, synced and renamed
    /// into place, so `dir` never holds a half-written model.
    pub fn save(&self, dir: &Path, name: &str, precision: Precision) -> Result<()> {
        self.save_with(dir, name, precision, |_| Ok(()))
    }

    /// [`NerModel::save`], and `extra` writes more files into the directory before it is renamed
    /// into place, so they appear atomically with the model (a training checkpoint's state).
    pub fn save_with(
        &self,
        dir: &Path,
        name: &str,
        precision: Precision,
        extra: impl FnOnce(&Path) -> Result<()>,
    ) -> Result<()> {
        let mut partial_name = dir.file_name().unwrap_or_default().to_os_string();
        partial_name.push(".partial");
        let partial = dir.with_file_name(partial_name);
        if partial.exists() {
            std::fs::remove_dir_all(&partial).map_err(Error::io(&partial))?;
        }
        std::fs::create_dir_all(&partial).map_err(Error::io(&partial))?;
        let mut config = self.config_json.clone();
        set_labels(&mut config, &self.info.labels);
        let config_path = partial.join("config.json");
        let pretty = serde_json::to_string_pretty(&config).map_err(|source| Error::Json {
            path: config_path.clone(),
            what: "cannot write the configuration".into(),
            source,
        })?;
        std::fs::write(&config_path, pretty).map_err(Error::io(&config_path))?;
        copy_tokenizer_files(&self.info.dir, &partial)?;
        write_weights(&self.vs, &partial.join("model.safetensors"), precision)?;
        // The syntax head was trained on the encoder it was loaded with; fine-tuning moves the
        // encoder a little, and the head goes along (decisions.md: the syntax head).
        if let Some(head) = &self.syntax {
            head.save(&partial)?;
        }
        if let Some(head) = &self.relations {
            head.save(&partial)?;
        }
        if let Some(head) = &self.parser {
            head.save(&partial)?;
        }
        let card = serde_json::json!({ "name": name, "trained": true, "base": self.info.id });
        std::fs::write(partial.join("claimex-model.json"), card.to_string())
            .map_err(Error::io(&partial))?;
        extra(&partial).map_err(|e| Error::InFile {
            path: partial.clone(),
            source: Box::new(e),
        })?;
        crate::durable::sync(&partial)?;
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(Error::io(dir))?;
        }
        crate::durable::rename_synced(&partial, dir)
    }

    /// Aggregates word pieces to words (a word takes its first piece's label and probability),
    /// decodes entities over words, and maps them to document character offsets.
    fn entities_of(
        &self,
        sentence: &Sentence,
        enc: &Encoding,
        preds: &[Prediction],
    ) -> Vec<EntitySpan> {
        let words = word_pieces(enc);
        let dists: Vec<Vec<f32>> = words
            .iter()
            .map(|&(first, _)| preds[first].dist.clone())
            .collect();
        let labels = constrained_labels(&self.tags, &dists);
        let tags: Vec<Tag> = labels.iter().map(|&c| self.tags[c].clone()).collect();

        let text = sentence.text.as_str();
        let index = TextIndex::new(text);
        let offsets = enc.get_offsets();
        let spans: Vec<EntitySpan> = decode_words(&tags)
            .into_iter()
            .filter_map(|span| {
                let first_piece = words[span.start].0;
                let last_piece = words[span.end - 1].1;
                let (start, end) =
                    widen_to_word(text, offsets[first_piece].0, offsets[last_piece].1);
                let chars = index.span_of_bytes(start, end)?;
                let probs: Vec<f32> = (span.start..span.end)
                    .map(|w| dists[w].get(labels[w]).copied().unwrap_or(0.0))
                    .collect();
                Some(EntitySpan {
                    text: text[start..end].to_string(),
                    label: span.label,
                    start: sentence.start + chars.start,
                    end: sentence.start + chars.end,
                    score: probs.iter().sum::<f32>() / probs.len() as f32,
                    min_score: probs.iter().copied().fold(f32::INFINITY, f32::min),
                    entity: None,
                })
            })
            .collect();
        merge_overlaps(text, sentence.start, spans)
    }
}

/// Widening to whole words can make two entities overlap ("Kassym-Jomart Tokayev" tagged as
/// "Kassym-" and "Jomart Tokayev"): an entity that starts inside the one before becomes part of
/// it (the first one's type, the lower of the two scores).
fn merge_overlaps(text: &str, offset: usize, spans: Vec<EntitySpan>) -> Vec<EntitySpan> {
    let mut out: Vec<EntitySpan> = Vec::with_capacity(spans.len());
    for span in spans {
        match out.last_mut() {
            Some(last) if span.start < last.end => {
                last.end = last.end.max(span.end);
                last.score = last.score.min(span.score);
                last.min_score = last.min_score.min(span.min_score);
                last.text = text
                    .chars()
                    .skip(last.start - offset)
                    .take(last.end - last.start)
                    .collect();
            }
            _ => out.push(span),
        }
    }
    out
}

impl NerModel {
    /// Treebank tokens of the sentence with the tags predicted at each token's first word piece;
    /// chunk tags are decoded under IOB2 constraints. Empty without a syntax head.
    /// The sentence's tagged tokens, and each one's first word piece (`None` for a token of
    /// characters the tokenizer drops).
    fn tokens_of(
        &self,
        sentence: &Sentence,
        enc: &Encoding,
        preds: &[Prediction],
    ) -> (Vec<TaggedToken>, Vec<Option<usize>>) {
        let Some(head) = &self.syntax else {
            return (vec![], vec![]);
        };
        let text = sentence.text.as_str();
        let index = TextIndex::new(text);
        let offsets = enc.get_offsets();
        let spans = tokenize(text);
        // The first piece of each token: pieces are in text order, so a cursor finds it.
        let mut cursor = 0;
        let firsts: Vec<Option<usize>> = spans
            .iter()
            .map(|span| {
                let start = index.byte_of_char(span.start)?;
                let end = index.byte_of_char(span.end)?;
                while cursor < offsets.len() && offsets[cursor].1 <= start {
                    cursor += 1;
                }
                (cursor < offsets.len() && offsets[cursor].0 < end && !preds[cursor].pos.is_empty())
                    .then_some(cursor)
            })
            .collect();
        let tagged: Vec<usize> = (0..spans.len()).filter(|&i| firsts[i].is_some()).collect();
        let chunk_dists: Vec<Vec<f32>> = tagged
            .iter()
            .filter_map(|&i| firsts[i].map(|p| preds[p].chunk.clone()))
            .collect();
        let chunks = constrained_labels(head.chunk_tags(), &chunk_dists);
        let config = head.config();
        let mut chunk_of = vec![None; spans.len()];
        for (k, &i) in tagged.iter().enumerate() {
            chunk_of[i] = Some(chunks[k]);
        }
        let tokens = spans
            .iter()
            .enumerate()
            .map(|(i, span)| {
                let (pos, chunk) = match (firsts[i], chunk_of[i]) {
                    (Some(p), Some(c)) => {
                        let best = argmax(&preds[p].pos);
                        (
                            config.pos_labels[best].clone(),
                            config.chunk_labels[c].clone(),
                        )
                    }
                    // A token of characters the tokenizer drops (control or format characters).
                    _ => ("SYM".to_string(), "O".to_string()),
                };
                TaggedToken {
                    text: text.chars().skip(span.start).take(span.len()).collect(),
                    start: sentence.start + span.start,
                    end: sentence.start + span.end,
                    pos,
                    chunk,
                    head: None,
                    relation: None,
                }
            })
            .collect();
        (tokens, firsts)
    }
}

/// Sentences parsed per batch.
const PARSE_BATCH: usize = 64;

/// Adds each token's head and relation from `parser`, for the sentences whose tokens all have a
/// first word piece inside the sentence's first window (`states`: the parser's input there);
/// the tokens of other sentences keep no tree.
fn parse_tokens(
    parser: &ParserHead,
    analyses: &mut [SentenceAnalysis],
    firsts: &[Vec<Option<usize>>],
    states: &[Option<Tensor>],
) {
    let mut ready: Vec<(usize, Tensor)> = Vec::new();
    for (i, (pieces, state)) in firsts.iter().zip(states).enumerate() {
        let Some(state) = state else { continue };
        let window = state.size()[0] as usize;
        let at: Option<Vec<i64>> = pieces
            .iter()
            .map(|p| p.filter(|&p| p < window).map(|p| p as i64))
            .collect();
        match at {
            Some(at) if !at.is_empty() => {
                ready.push((i, state.index_select(0, &Tensor::from_slice(&at))));
            }
            _ => {}
        }
    }
    ready.sort_by_key(|(_, f)| f.size()[0]);
    for group in ready.chunks(PARSE_BATCH) {
        let lengths: Vec<i64> = group.iter().map(|(_, f)| f.size()[0]).collect();
        let longest = lengths.iter().copied().max().unwrap_or(0);
        let padded: Vec<Tensor> = group
            .iter()
            .map(|(_, f)| f.constant_pad_nd([0, 0, 0, longest - f.size()[0]]))
            .collect();
        let parses = parser.parse(&Tensor::stack(&padded, 0), &lengths);
        let labels = &parser.config().labels;
        for ((i, _), parse) in group.iter().zip(parses) {
            for (token, (head, label)) in analyses[*i]
                .tokens
                .iter_mut()
                .zip(parse.heads.iter().zip(&parse.labels))
            {
                token.head = Some(*head);
                token.relation = labels.get(*label).cloned();
            }
        }
    }
}

fn argmax(values: &[f32]) -> usize {
    values
        .iter()
        .enumerate()
        .fold((0, f32::NEG_INFINITY), |best, (i, &v)| {
            if v > best.1 {
                (i, v)
            } else {
                best
            }
        })
        .0
}

/// Word pieces per window that a batch of `batch_size` windows is sized for: a batch of longer
/// windows holds fewer of them, so that `batch_size × BATCH_PIECES_PER_WINDOW` pieces (padding
/// included) bound a forward pass's memory whatever the sentence lengths. News sentences are far
/// shorter, so their batches stay full.
const BATCH_PIECES_PER_WINDOW: usize = 128;

/// Consecutive batches of `windows` (sorted longest first): at most `batch_size` windows each,
/// and at most `batch_size × BATCH_PIECES_PER_WINDOW` pieces once padded to the batch's longest
/// window (always at least one window).
fn batches(windows: &[Window], batch_size: usize) -> Vec<&[Window]> {
    let batch_size = batch_size.max(1);
    let budget = batch_size * BATCH_PIECES_PER_WINDOW;
    let mut out = Vec::new();
    let mut rest = windows;
    while let Some(first) = rest.first() {
        let longest = (first.end - first.start).max(1);
        let take = batch_size.min(budget / longest).max(1).min(rest.len());
        let (batch, tail) = rest.split_at(take);
        out.push(batch);
        rest = tail;
    }
    out
}

/// Cuts `n` word pieces into windows of at most `size`, each new window starting half a window
/// after the previous one, so every piece is predicted with context on both sides somewhere.
fn windows_of(sentence: usize, n: usize, size: usize) -> Vec<Window> {
    if n == 0 {
        return vec![];
    }
    if n <= size {
        return vec![Window {
            sentence,
            start: 0,
            end: n,
        }];
    }
    let stride = (size / 2).max(1);
    let mut out = Vec::new();
    let mut start = 0;
    loop {
        let end = (start + size).min(n);
        out.push(Window {
            sentence,
            start,
            end,
        });
        if end == n {
            return out;
        }
        start += stride;
    }
}

/// Grows a byte range so that it does not start or end inside an alphanumeric word: a model that
/// tags only "Kazakh" in "Kazakhstan" still yields "Kazakhstan".
fn widen_to_word(text: &str, mut start: usize, mut end: usize) -> (usize, usize) {
    while let Some(c) = text[..start]
        .chars()
        .next_back()
        .filter(|c| c.is_alphanumeric())
    {
        start -= c.len_utf8();
    }
    while let Some(c) = text[end..].chars().next().filter(|c| c.is_alphanumeric()) {
        end += c.len_utf8();
    }
    (start, end)
}

/// Writes `id2label` and `label2id` of a `config.json` value from labels by class index.
pub(crate) fn set_labels(config: &mut serde_json::Value, labels: &[String]) {
    let numbered = || labels.iter().enumerate();
    config["id2label"] = numbered()
        .map(|(i, l)| (i.to_string(), serde_json::Value::from(l.as_str())))
        .collect();
    config["label2id"] = numbered()
        .map(|(i, l)| (l.clone(), serde_json::Value::from(i)))
        .collect();
}

fn file_sha256_prefix(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).map_err(Error::io(path))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(Error::io(path))?;
    Ok(hasher.finalize()[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_that_overlap_after_widening_become_one() {
        // Sentence text starting at document offset 10.
        let text = "Kassym-Jomart Tokayev spoke.";
        let span = |start: usize, end: usize, label: &str, score: f32| EntitySpan {
            text: text.chars().skip(start).take(end - start).collect(),
            label: label.into(),
            start: 10 + start,
            end: 10 + end,
            score,
            min_score: score,
            entity: None,
        };
        let merged = merge_overlaps(
            text,
            10,
            vec![
                span(0, 13, "PER", 0.9),
                span(7, 21, "PER", 0.8),
                span(22, 27, "ORG", 0.7),
            ],
        );
        assert_eq!(merged.len(), 2);
        assert_eq!((merged[0].start, merged[0].end), (10, 31));
        assert_eq!(merged[0].text, "Kassym-Jomart Tokayev");
        assert_eq!(merged[0].score, 0.8);
        assert_eq!(merged[1].text, "spoke");
    }

    #[test]
    fn short_input_is_one_window() {
        let w = windows_of(0, 5, 8);
        assert_eq!((w.len(), w[0].start, w[0].end), (1, 0, 5));
    }

    #[test]
    fn long_input_gets_half_overlapping_windows_covering_everything() {
        let w = windows_of(0, 20, 8);
        let bounds: Vec<_> = w.iter().map(|w| (w.start, w.end)).collect();
        assert_eq!(bounds, [(0, 8), (4, 12), (8, 16), (12, 20)]);
    }

    #[test]
    fn batches_of_long_windows_hold_fewer_of_them() {
        let window = |len: usize| Window {
            sentence: 0,
            start: 0,
            end: len,
        };
        let mut windows: Vec<Window> = (0..40).map(|_| window(256)).collect();
        windows.extend((0..70).map(|_| window(20)));
        let sizes: Vec<usize> = batches(&windows, 32).iter().map(|b| b.len()).collect();
        // 32 × 128 pieces: 16 windows while the longest is 256 (the third batch pads 8 short
        // windows to 256), then full batches of 32 short ones.
        assert_eq!(sizes, [16, 16, 16, 32, 30]);
        assert_eq!(sizes.iter().sum::<usize>(), windows.len());
    }

    #[test]
    fn widens_partial_word_to_whole_word() {
        assert_eq!(widen_to_word("in Kazakhstan’s capital", 3, 9), (3, 13));
        assert_eq!(widen_to_word("Zoë Ünal", 0, 2), (0, 4));
    }
}
