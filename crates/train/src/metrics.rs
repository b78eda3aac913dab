use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

/// An entity for scoring: character span and type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TypedSpan {
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// Entity type.
    pub label: String,
}

/// Counts and scores for one entity type (or for all, micro-averaged).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TypeScores {
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
    /// Gold entities.
    pub support: usize,
    /// Predicted entities.
    pub predicted: usize,
    /// Exact matches.
    pub correct: usize,
}

impl TypeScores {
    pub(crate) fn from_counts(correct: usize, predicted: usize, support: usize) -> Self {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let (p, r) = (ratio(correct, predicted), ratio(correct, support));
        let f1 = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        TypeScores {
            precision: p,
            recall: r,
            f1,
            support,
            predicted,
            correct,
        }
    }
}

/// Strict span scores: micro-averaged over all types at the top level, and per type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    /// Micro precision.
    pub precision: f64,
    /// Micro recall.
    pub recall: f64,
    /// Micro F1.
    pub f1: f64,
    /// Sentences scored.
    pub sentences: usize,
    /// Per-type scores, by type name.
    pub per_type: BTreeMap<String, TypeScores>,
    /// Confusion of types over spans, `confusion[gold][predicted]`: spans with the same
    /// boundaries in gold and prediction count under their two types (the diagonal is correct);
    /// a gold span that no prediction matches in boundaries counts as predicted [`NONE`], a
    /// predicted span that no gold span matches counts under gold [`NONE`].
    pub confusion: BTreeMap<String, BTreeMap<String, usize>>,
}

/// The confusion table's name for "no entity with these boundaries".
pub const NONE: &str = "O";

/// Scores predicted entities against gold, sentence by sentence (the two slices are parallel).
pub fn score_spans(gold: &[Vec<TypedSpan>], predicted: &[Vec<TypedSpan>]) -> EvalReport {
    let mut counts: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut confusion: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    let mut confuse = |g: &str, p: &str| {
        *confusion
            .entry(g.to_string())
            .or_default()
            .entry(p.to_string())
            .or_default() += 1;
    };
    for (g, p) in gold.iter().zip(predicted) {
        let bounds = |spans: &[TypedSpan]| -> BTreeMap<(usize, usize), String> {
            spans
                .iter()
                .map(|s| ((s.start, s.end), s.label.clone()))
                .collect()
        };
        let (gold_at, pred_at) = (bounds(g), bounds(p));
        for (at, label) in &gold_at {
            confuse(label, pred_at.get(at).map_or(NONE, String::as_str));
        }
        for (at, label) in &pred_at {
            if !gold_at.contains_key(at) {
                confuse(NONE, label);
            }
        }
        let gold_set: HashSet<&TypedSpan> = g.iter().collect();
        for span in g {
            counts.entry(span.label.clone()).or_default().2 += 1;
        }
        for span in p {
            let entry = counts.entry(span.label.clone()).or_default();
            entry.1 += 1;
            if gold_set.contains(span) {
                entry.0 += 1;
            }
        }
    }
    let total = counts
        .values()
        .fold((0, 0, 0), |t, c| (t.0 + c.0, t.1 + c.1, t.2 + c.2));
    let micro = TypeScores::from_counts(total.0, total.1, total.2);
    EvalReport {
        precision: micro.precision,
        recall: micro.recall,
        f1: micro.f1,
        sentences: gold.len(),
        per_type: counts
            .into_iter()
            .map(|(k, (c, p, s))| (k, TypeScores::from_counts(c, p, s)))
            .collect(),
        confusion,
    }
}

/// An entity in an error listing: span, type and the text it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShownSpan {
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// Entity type.
    pub label: String,
    /// The sentence's text over the span.
    pub text: String,
}

/// One sentence's errors: gold entities not predicted exactly, and predictions not in gold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SentenceErrors {
    /// 0-based position of the sentence in the data.
    pub sentence: usize,
    /// Its text.
    pub text: String,
    /// Gold entities without an exact prediction (false negatives).
    pub missed: Vec<ShownSpan>,
    /// Predictions without an exact gold entity (false positives).
    pub spurious: Vec<ShownSpan>,
}

/// The `n` sentences with the most errors (missed plus spurious entities), most first, ties in
/// data order. `texts`, `gold` and `predicted` are parallel.
pub fn worst_errors(
    texts: &[&str],
    gold: &[Vec<TypedSpan>],
    predicted: &[Vec<TypedSpan>],
    n: usize,
) -> Vec<SentenceErrors> {
    let shown = |text: &str, s: &TypedSpan| ShownSpan {
        start: s.start,
        end: s.end,
        label: s.label.clone(),
        text: text.chars().skip(s.start).take(s.end - s.start).collect(),
    };
    let mut all: Vec<SentenceErrors> = texts
        .iter()
        .zip(gold.iter().zip(predicted))
        .enumerate()
        .filter_map(|(sentence, (text, (g, p)))| {
            let only_in = |a: &[TypedSpan], b: &[TypedSpan]| -> Vec<ShownSpan> {
                a.iter()
                    .filter(|s| !b.contains(s))
                    .map(|s| shown(text, s))
                    .collect()
            };
            let (missed, spurious) = (only_in(g, p), only_in(p, g));
            (!missed.is_empty() || !spurious.is_empty()).then(|| SentenceErrors {
                sentence,
                text: text.to_string(),
                missed,
                spurious,
            })
        })
        .collect();
    all.sort_by_key(|e| {
        (
            std::cmp::Reverse(e.missed.len() + e.spurious.len()),
            e.sentence,
        )
    });
    all.truncate(n);
    all
}

/// Precision, recall and F1 of predicted sentence boundaries against gold ones.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoundaryReport {
    /// Share of predicted boundaries that are gold boundaries.
    pub precision: f64,
    /// Share of gold boundaries predicted.
    pub recall: f64,
    /// Harmonic mean.
    pub f1: f64,
    /// Gold boundaries.
    pub gold: usize,
    /// Predicted boundaries.
    pub predicted: usize,
    /// Documents scored.
    pub documents: usize,
}

/// Scores sentence boundaries per document. Each list holds the end offsets of a document's
/// sentences; the end of the last sentence (the end of the text) is not a boundary and is ignored.
pub fn score_boundaries(gold: &[Vec<usize>], predicted: &[Vec<usize>]) -> BoundaryReport {
    let inner = |ends: &Vec<usize>| -> HashSet<usize> {
        ends.iter()
            .take(ends.len().saturating_sub(1))
            .copied()
            .collect()
    };
    let (mut correct, mut n_gold, mut n_pred) = (0, 0, 0);
    for (g, p) in gold.iter().zip(predicted) {
        let (g, p) = (inner(g), inner(p));
        correct += g.intersection(&p).count();
        n_gold += g.len();
        n_pred += p.len();
    }
    let s = TypeScores::from_counts(correct, n_pred, n_gold);
    BoundaryReport {
        precision: s.precision,
        recall: s.recall,
        f1: s.f1,
        gold: n_gold,
        predicted: n_pred,
        documents: gold.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: usize, end: usize, label: &str) -> TypedSpan {
        TypedSpan {
            start,
            end,
            label: label.into(),
        }
    }

    #[test]
    fn exact_matches_only_count() {
        let gold = vec![vec![span(0, 5, "PER"), span(10, 15, "LOC")]];
        let pred = vec![vec![
            span(0, 5, "PER"),
            span(10, 14, "LOC"),
            span(20, 25, "ORG"),
        ]];
        let r = score_spans(&gold, &pred);
        assert!((r.precision - 1.0 / 3.0).abs() < 1e-9);
        assert!((r.recall - 0.5).abs() < 1e-9);
        assert!((r.f1 - 0.4).abs() < 1e-9);
        assert_eq!(r.per_type["LOC"].correct, 0);
        assert_eq!(r.per_type["ORG"].support, 0);
    }

    #[test]
    fn boundary_scores_ignore_the_end_of_text() {
        let r = score_boundaries(&[vec![10, 20, 30]], &[vec![10, 25, 30]]);
        assert_eq!((r.gold, r.predicted), (2, 2));
        assert!((r.f1 - 0.5).abs() < 1e-9);
    }

    #[test]
    fn wrong_type_is_an_error() {
        let r = score_spans(&[vec![span(0, 5, "PER")]], &[vec![span(0, 5, "ORG")]]);
        assert_eq!(r.f1, 0.0);
    }

    #[test]
    fn confusion_counts_types_misses_and_spurious_spans() {
        let gold = vec![vec![
            span(0, 5, "PER"),
            span(10, 15, "LOC"),
            span(20, 24, "ORG"),
        ]];
        let pred = vec![vec![
            span(0, 5, "PER"),
            span(10, 15, "ORG"),
            span(30, 34, "MISC"),
        ]];
        let c = score_spans(&gold, &pred).confusion;
        assert_eq!(c["PER"]["PER"], 1);
        assert_eq!(c["LOC"]["ORG"], 1);
        assert_eq!(c["ORG"][NONE], 1);
        assert_eq!(c[NONE]["MISC"], 1);
        let total: usize = c.values().flat_map(|row| row.values()).sum();
        assert_eq!(total, 4);
    }

    #[test]
    fn worst_errors_come_first_with_their_texts() {
        let texts = ["Ann met Bob", "Zoë went to Oslo"];
        let gold = vec![
            vec![span(0, 3, "PER"), span(8, 11, "PER")],
            vec![span(12, 16, "LOC")],
        ];
        let pred = vec![
            vec![span(0, 3, "PER")],
            vec![span(0, 3, "PER"), span(12, 16, "ORG")],
        ];
        let worst = worst_errors(&texts, &gold, &pred, 5);
        assert_eq!(worst.len(), 2);
        assert_eq!(worst[0].sentence, 1);
        assert_eq!(worst[0].spurious[0].text, "Zoë");
        assert_eq!(worst[0].missed[0].text, "Oslo");
        assert_eq!(worst[1].missed[0].text, "Bob");
        assert_eq!(worst_errors(&texts, &gold, &pred, 1).len(), 1);
    }

    #[test]
    fn perfect_prediction_scores_one() {
        let g = vec![vec![span(0, 5, "PER")], vec![]];
        let r = score_spans(&g, &g);
        assert_eq!((r.precision, r.recall, r.f1), (1.0, 1.0, 1.0));
    }
}
