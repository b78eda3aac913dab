//! The claimex model: a BERT-family encoder on rust-bert, loaded from a local model directory and
//! tokenised by Hugging Face `tokenizers` (whose offset mapping gives exact character spans), and
//! the heads that read its one forward pass per batch: token classification for entities (sub-word
//! aggregation to whole words, BIO/BILOU decoding, entity scores that are the mean and minimum of
//! their words' label probabilities), the syntax head, the dependency parser head and the relation
//! head (`heads.rs` holds what they share).
//!
//! A model directory holds `config.json` (with `id2label`), `tokenizer.json` or `vocab.txt`, and
//! weights as `model.safetensors` or `rust_model.ot`; an optional `claimex-model.json` names it.

mod decode;
mod durable;
mod error;
mod export;
mod fast_bert;
mod heads;
mod hub;
mod import;
mod model;
mod mst;
mod network;
mod pairs;
mod parser;
mod random;
mod shape;
mod syntax;
mod tokenizer;
mod words;

pub use decode::{constrained_labels, decode_words, Tag, WordSpan};
pub use error::{ConfigError, Error, Result};
pub use export::{export_hf, HfExport};
pub use heads::{select_layers, PieceStates, Precision};
pub use hub::{hub_cache_dir, resolve_model, HubId, HUB_PREFIX};
pub use import::import_encoder;
pub use model::{ModelInfo, NerConfig, NerModel, PieceRow, SentenceAnalysis};
pub use mst::{best_tree, EXACT_ROOT_SEARCH};
pub use network::SHAPE_FEATURES_FIELD;
pub use pairs::{
    find_relations_in, mean_of_pieces, pair_batch, pair_candidates, FoundRelation, Mention,
    PairBatch, PairCandidate, RelationConfig, RelationHead, RELATION_CONFIG, RELATION_WEIGHTS,
};
pub use parser::{Parse, ParserConfig, ParserHead, ParserStates, PARSER_CONFIG, PARSER_WEIGHTS};
pub use random::{write_random_model, RandomModelSpec, CONLL_LABELS};
pub use shape::{piece_shapes, shape_of, SHAPE_CLASSES};
pub use syntax::{SyntaxConfig, SyntaxHead, SYNTAX_CONFIG, SYNTAX_WEIGHTS};
pub use words::word_pieces;

/// Serialises seeded initialisation: libtorch has one random generator per process, so two
/// threads seeding and drawing at once would each get the other's numbers.
pub(crate) static RNG_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `f` with libtorch's generator seeded with `seed` and no other seeded initialisation of
/// this crate running at the same time (random models, heads): the same seed gives the same
/// numbers in a multithreaded program, such as a test binary.
pub fn seeded<T>(seed: i64, f: impl FnOnce() -> T) -> T {
    let _rng = RNG_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    // The random stream also depends on libtorch's thread count: draw with one, as random
    // models do.
    let threads = tch::get_num_threads();
    tch::set_num_threads(1);
    tch::manual_seed(seed);
    let out = f();
    tch::set_num_threads(threads);
    out
}

/// Runs `f`, which draws random numbers that it then throws away (a network built only to have
/// its weights loaded from a file), with no seeded initialisation running at the same time:
/// without the lock, loading a model would take numbers from the middle of another thread's
/// seeded stream and change the weights that thread draws.
pub(crate) fn unseeded<T>(f: impl FnOnce() -> T) -> T {
    let _rng = RNG_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    f()
}
