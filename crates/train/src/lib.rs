//! Datasets and evaluation. This first version reads CoNLL column files (IOB1 or IOB2) and scores
//! entity spans strictly: a predicted entity counts only if its type and both ends match a gold
//! entity exactly (the definition of seqeval's strict mode and of conlleval).
//!
//! Fine-tuning is not built yet.

mod conll;
mod error;
mod metrics;

pub use conll::{
    read_conll, read_conll_documents, rebuild_documents, ConllSentence, Layout, RebuiltDocument,
};
pub use error::{Error, Result};
pub use metrics::{
    score_boundaries, score_spans, BoundaryReport, EvalReport, TypeScores, TypedSpan,
};
