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
    fn from_counts(correct: usize, predicted: usize, support: usize) -> Self {
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
}

/// Scores predicted entities against gold, sentence by sentence (the two slices are parallel).
pub fn score_spans(gold: &[Vec<TypedSpan>], predicted: &[Vec<TypedSpan>]) -> EvalReport {
    let mut counts: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for (g, p) in gold.iter().zip(predicted) {
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
    }
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
    fn perfect_prediction_scores_one() {
        let g = vec![vec![span(0, 5, "PER")], vec![]];
        let r = score_spans(&g, &g);
        assert_eq!((r.precision, r.recall, r.f1), (1.0, 1.0, 1.0));
    }
}
