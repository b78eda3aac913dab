//! Open IE scoring on CaRB (Bhardwaj, Aggarwal and Mausam, 2019), reimplemented from the paper's
//! description: tuples are compared token by token, slot by slot (relation, first argument, the
//! remaining arguments together); a pair whose relations share no token does not match. Recall
//! gives every gold tuple the best recall any system tuple reaches on it; precision matches system
//! and gold tuples one to one, best precision first. Scores are computed at every confidence
//! threshold; the report has the best F1 over thresholds, the scores with every extraction, and the
//! area under the precision-recall curve.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::{Error, Result};

/// An Open IE tuple: relation phrase and arguments, as text.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenTuple {
    /// The relation phrase.
    pub relation: String,
    /// Arguments, subject first.
    pub arguments: Vec<String>,
}

/// A system extraction with its confidence.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredTuple {
    /// The tuple.
    pub tuple: OpenTuple,
    /// Its confidence; extractions are ranked by it.
    pub confidence: f32,
}

/// A CaRB sentence and its gold tuples.
#[derive(Debug, Clone, PartialEq)]
pub struct CarbSentence {
    /// The tokenised sentence as CaRB gives it.
    pub text: String,
    /// Gold tuples (none for a few test sentences).
    pub gold: Vec<OpenTuple>,
}

/// Precision, recall and F1 at one operating point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OperatingPoint {
    /// Lowest confidence kept.
    pub threshold: f32,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
}

/// CaRB scores of a system.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CarbReport {
    /// Sentences scored (those with gold tuples).
    pub sentences: usize,
    /// Gold tuples.
    pub gold: usize,
    /// System extractions on those sentences.
    pub extractions: usize,
    /// Precision at the threshold with the best F1.
    pub precision: f64,
    /// Recall there.
    pub recall: f64,
    /// The best F1 over thresholds.
    pub f1: f64,
    /// Area under the precision-recall curve.
    pub auc: f64,
    /// Scores with every extraction kept.
    pub all: OperatingPoint,
    /// The best-F1 point.
    pub best: OperatingPoint,
}

fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads a CaRB folder: `SPLIT.txt` (one sentence per line) and `gold/SPLIT.tsv` (sentence,
/// relation, arguments, tab-separated), joined on the whitespace-normalised sentence.
pub fn read_carb(dir: &Path, split: &str) -> Result<Vec<CarbSentence>> {
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
    };
    let sentences_path = dir.join(format!("{split}.txt"));
    let gold_path = dir.join("gold").join(format!("{split}.tsv"));
    let sentences = read(&sentences_path)?;
    let gold = read(&gold_path)?;
    let mut tuples: HashMap<String, Vec<OpenTuple>> = HashMap::new();
    for (n, line) in gold.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 3 {
            return Err(Error::Format {
                path: gold_path.clone(),
                line: n + 1,
                reason: "expected sentence, relation and at least one argument, tab-separated"
                    .into(),
            });
        }
        tuples
            .entry(normalise(cols[0]))
            .or_default()
            .push(OpenTuple {
                relation: cols[1].to_string(),
                arguments: cols[2..].iter().map(|a| a.to_string()).collect(),
            });
    }
    Ok(sentences
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| CarbSentence {
            text: l.to_string(),
            gold: tuples.remove(&normalise(l)).unwrap_or_default(),
        })
        .collect())
}

/// Lower-cased tokens of one slot.
fn tokens(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_lowercase).collect()
}

/// A tuple's tokens by slot: relation, first argument, the other arguments together.
type Slots = [Vec<String>; 3];

/// A sentence's system tuples by slot, with their confidences.
type Ranked = Vec<(Slots, f32)>;

/// Slots compared: relation, first argument, the other arguments together.
fn slots(t: &OpenTuple) -> Slots {
    let rest: Vec<String> = t.arguments.iter().skip(1).flat_map(|a| tokens(a)).collect();
    [
        tokens(&t.relation),
        t.arguments.first().map(|a| tokens(a)).unwrap_or_default(),
        rest,
    ]
}

/// Tokens two lists share, counting repeats at most as often as both have them.
fn shared(a: &[String], b: &[String]) -> usize {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for t in b {
        *counts.entry(t).or_default() += 1;
    }
    a.iter()
        .filter(|t| match counts.get_mut(t.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        })
        .count()
}

/// (precision, recall) of a system tuple against a gold tuple, token level over the slots; zero
/// when the relations share no token.
fn pair_score(system: &Slots, gold: &Slots) -> (f64, f64) {
    if shared(&system[0], &gold[0]) == 0 {
        return (0.0, 0.0);
    }
    let matched: usize = (0..3).map(|i| shared(&system[i], &gold[i])).sum();
    let sys_len: usize = system.iter().map(Vec::len).sum();
    let gold_len: usize = gold.iter().map(Vec::len).sum();
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    (ratio(matched, sys_len), ratio(matched, gold_len))
}

/// Sums of precision and recall credit for one sentence, keeping system tuples at or above
/// `threshold`: (precision credit, recall credit, system tuples kept).
fn sentence_credit(gold: &[Slots], system: &[(Slots, f32)], threshold: f32) -> (f64, f64, usize) {
    let kept: Vec<&Slots> = system
        .iter()
        .filter(|(_, c)| *c >= threshold)
        .map(|(t, _)| t)
        .collect();
    let scores: Vec<Vec<(f64, f64)>> = kept
        .iter()
        .map(|s| gold.iter().map(|g| pair_score(s, g)).collect())
        .collect();
    let recall: f64 = (0..gold.len())
        .map(|g| scores.iter().map(|row| row[g].1).fold(0.0, f64::max))
        .sum();
    // One to one for precision, best pairs first.
    let mut pairs: Vec<(f64, usize, usize)> = scores
        .iter()
        .enumerate()
        .flat_map(|(s, row)| row.iter().enumerate().map(move |(g, p)| (p.0, s, g)))
        .filter(|p| p.0 > 0.0)
        .collect();
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (mut used_s, mut used_g) = (vec![false; kept.len()], vec![false; gold.len()]);
    let mut precision = 0.0;
    for (p, s, g) in pairs {
        if !used_s[s] && !used_g[g] {
            used_s[s] = true;
            used_g[g] = true;
            precision += p;
        }
    }
    (precision, recall, kept.len())
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// Scores system extractions (parallel to `data`) with CaRB's rules; sentences without gold
/// tuples are left out, as CaRB does.
pub fn score_carb(data: &[CarbSentence], system: &[Vec<ScoredTuple>]) -> CarbReport {
    let prepared: Vec<(Vec<Slots>, Ranked)> = data
        .iter()
        .zip(system)
        .filter(|(s, _)| !s.gold.is_empty())
        .map(|(s, sys)| {
            (
                s.gold.iter().map(slots).collect(),
                sys.iter()
                    .map(|t| (slots(&t.tuple), t.confidence))
                    .collect(),
            )
        })
        .collect();
    let n_gold: usize = prepared.iter().map(|(g, _)| g.len()).sum();
    let mut thresholds: Vec<f32> = prepared
        .iter()
        .flat_map(|(_, s)| s.iter().map(|(_, c)| *c))
        .collect();
    thresholds.sort_by(|a, b| b.total_cmp(a));
    thresholds.dedup();
    let point = |threshold: f32| {
        let (mut p, mut r, mut n) = (0.0, 0.0, 0);
        for (gold, sys) in &prepared {
            let (sp, sr, sn) = sentence_credit(gold, sys, threshold);
            p += sp;
            r += sr;
            n += sn;
        }
        let precision = if n == 0 { 0.0 } else { p / n as f64 };
        let recall = if n_gold == 0 { 0.0 } else { r / n_gold as f64 };
        OperatingPoint {
            threshold,
            precision,
            recall,
            f1: f1(precision, recall),
        }
    };
    // Highest threshold first: recall grows along the curve.
    let curve: Vec<OperatingPoint> = thresholds.iter().map(|&t| point(t)).collect();
    let all = curve.last().copied().unwrap_or(OperatingPoint {
        threshold: 0.0,
        precision: 0.0,
        recall: 0.0,
        f1: 0.0,
    });
    let best = curve
        .iter()
        .copied()
        .fold(all, |b, p| if p.f1 > b.f1 { p } else { b });
    // Area under the curve by trapezoids over recall, starting at recall 0 with the first
    // point's precision.
    let mut auc = 0.0;
    let mut previous = curve.first().map(|p| (0.0, p.precision));
    for p in &curve {
        if let Some((r0, p0)) = previous {
            auc += (p.recall - r0).max(0.0) * (p.precision + p0) / 2.0;
        }
        previous = Some((p.recall, p.precision));
    }
    CarbReport {
        sentences: prepared.len(),
        gold: n_gold,
        extractions: prepared.iter().map(|(_, s)| s.len()).sum(),
        precision: best.precision,
        recall: best.recall,
        f1: best.f1,
        auc,
        all,
        best,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(rel: &str, args: &[&str]) -> OpenTuple {
        OpenTuple {
            relation: rel.into(),
            arguments: args.iter().map(|a| a.to_string()).collect(),
        }
    }

    fn sys(rel: &str, args: &[&str], c: f32) -> ScoredTuple {
        ScoredTuple {
            tuple: t(rel, args),
            confidence: c,
        }
    }

    fn sentence(gold: Vec<OpenTuple>) -> CarbSentence {
        CarbSentence {
            text: "x".into(),
            gold,
        }
    }

    #[test]
    fn exact_extraction_scores_one() {
        let data = [sentence(vec![t("forms", &["A CEN", "a part of a plan"])])];
        let r = score_carb(
            &data,
            &[vec![sys("forms", &["A CEN", "a part of a plan"], 0.9)]],
        );
        assert_eq!((r.precision, r.recall, r.f1), (1.0, 1.0, 1.0));
        assert!((r.auc - 1.0).abs() < 1e-9);
    }

    #[test]
    fn token_overlap_gives_partial_credit_and_relations_must_share_a_token() {
        let data = [sentence(vec![t("forms", &["A CEN", "an important part"])])];
        // 4 of 5 system tokens in gold, 4 of 6 gold tokens found.
        let r = score_carb(
            &data,
            &[vec![sys("forms", &["A CEN", "important kind"], 0.5)]],
        );
        assert!((r.all.precision - 4.0 / 5.0).abs() < 1e-9, "{r:?}");
        assert!((r.all.recall - 4.0 / 6.0).abs() < 1e-9, "{r:?}");
        let r = score_carb(
            &data,
            &[vec![sys("makes", &["A CEN", "an important part"], 0.5)]],
        );
        assert_eq!((r.all.precision, r.all.recall), (0.0, 0.0));
    }

    #[test]
    fn precision_is_one_to_one_and_recall_takes_the_best_match() {
        let data = [sentence(vec![t("won", &["Ana", "the race"])])];
        // Two copies of the right tuple: recall 1, but only one earns precision.
        let r = score_carb(
            &data,
            &[vec![
                sys("won", &["Ana", "the race"], 0.9),
                sys("won", &["Ana", "the race"], 0.8),
            ]],
        );
        assert_eq!(r.all.recall, 1.0);
        assert_eq!(r.all.precision, 0.5);
        // The best threshold keeps only the first.
        assert_eq!((r.best.precision, r.best.recall), (1.0, 1.0));
        assert_eq!(r.best.threshold, 0.9);
    }

    #[test]
    fn sentences_without_gold_are_left_out() {
        let data = [sentence(vec![]), sentence(vec![t("won", &["Ana", "it"])])];
        let r = score_carb(
            &data,
            &[
                vec![sys("lost", &["Bo", "x"], 0.9)],
                vec![sys("won", &["Ana", "it"], 0.9)],
            ],
        );
        assert_eq!((r.sentences, r.extractions), (1, 1));
        assert_eq!(r.f1, 1.0);
    }

    #[test]
    fn reads_a_carb_folder_joining_on_normalised_whitespace() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("gold")).unwrap();
        std::fs::write(
            dir.path().join("test.txt"),
            "Ana won  the race .\nNobody came .\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("gold/test.tsv"),
            "Ana won the race .\twon\tAna\tthe race\nAna won the race .\twon the\tAna\trace",
        )
        .unwrap();
        let data = read_carb(dir.path(), "test").unwrap();
        assert_eq!(data.len(), 2);
        assert_eq!(data[0].gold.len(), 2);
        assert_eq!(data[0].gold[1].arguments, ["Ana", "race"]);
        assert!(data[1].gold.is_empty());
        std::fs::write(dir.path().join("gold/test.tsv"), "only\ttwo\n").unwrap();
        let err = read_carb(dir.path(), "test").unwrap_err().to_string();
        assert!(err.contains("test.tsv") && err.contains(":1:"), "{err}");
    }
}
