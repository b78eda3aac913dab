//! Datasets and evaluation. Reads CoNLL column files (IOB1 or IOB2), CoNLL04 JSON and claimex's
//! labelled-fixture JSONL, and scores entity spans strictly: a predicted entity counts only if its
//! type and both ends match a gold entity exactly (the definition of seqeval's strict mode and of
//! conlleval).
//!
//! [`finetune`] trains a token-classification model from a base checkpoint with AdamW, warm-up and
//! linear decay, and gradient clipping; [`evaluate`] scores it.

mod carb;
mod claims;
mod conll;
mod conll04;
mod conllu;
mod error;
mod features;
mod finetune;
mod fixtures;
mod joint;
mod joint_parser;
mod metrics;
mod news;
mod parser;
mod relations;
mod syntax;

pub use carb::{
    read_carb, score_carb, CarbReport, CarbSentence, OpenTuple, OperatingPoint, ScoredTuple,
};
pub use claims::{
    arguments_match, correct_claims, predicates_match, read_claim_fixtures, score_claims,
    ClaimExample, ClaimReport, GoldAttribution, GoldClaim, PredictedClaim,
};
pub use conll::{
    read_conll, read_conll_documents, rebuild_documents, ConllSentence, Layout, RebuiltDocument,
};
pub use conll04::{entity_types, read_conll04, Relation, RelationSentence};
pub use conllu::{read_conllu, TreeSentence};
pub use error::{Error, Result};
pub use finetune::{
    evaluate, finetune, has_checkpoint, predict, remove_checkpoint, FinetuneSummary, StepReport,
    TrainConfig, TrainExample,
};
pub use fixtures::{read_examples, read_fixtures};
pub use joint::{finetune_jointly, JointConfig, JointSummary};
pub use joint_parser::{finetune_parser, JointHeads, ParserFinetuneConfig, ParserFinetuneState};
pub use metrics::{
    score_boundaries, score_spans, worst_errors, BoundaryReport, EvalReport, SentenceErrors,
    ShownSpan, TypeScores, TypedSpan, NONE,
};
pub use news::{read_news_claims, NewsSplit};
pub use parser::{evaluate_parser, new_parser_head, train_parser, ParserReport, ParserTrainConfig};
pub use relations::{
    gold_relations, predict_entities, predict_relations, score_relations, train_relations,
    tune_threshold, RelationReport, RelationTrainConfig, TypedRelation,
};
pub use syntax::{evaluate_syntax, train_syntax, SyntaxReport, SyntaxTrainConfig};

/// Each label once, sorted: the label set of a head or a dataset, from the labels that occur.
pub(crate) fn label_set(labels: impl IntoIterator<Item = String>) -> Vec<String> {
    labels
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}
