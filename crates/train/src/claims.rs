//! Gold claims in labelled fixtures, and the claim scorer.
//!
//! A claims fixture line holds a short text and the claims a careful reader takes from it:
//!
//! ```json
//! {"id": "cl-054", "text": "President Trump announced that Kazakhstan would soon officially join the accords.",
//!  "claims": [{"subject": "Kazakhstan", "predicate": "join", "object": "accords",
//!              "modality": "future", "attribution": {"source": "Trump", "cue": "announced"}}]}
//! ```
//!
//! Arguments are written as they appear in the text (a pronoun or "the kingdom" is written as the
//! entity it names, which must also appear in the text); `predicate` is the lemma of the relation
//! phrase, with a particle where one belongs ("step down as"); the object is the noun phrase the
//! verb governs ("signed a gas contract with Lithuania": sign, gas contract), except after nouns
//! that only carry a relation ("ties", "talks", "relations"), which stay in the predicate with the
//! entity as object ("maintain ties with", Israel); `object` is null for intransitive claims; `modality` is asserted, negated, hedged or
//! future; `attribution` is null or the source and reporting cue.
//!
//! Matching is lenient on surface form and strict on content: arguments match when, lower-cased
//! and without a leading article, one is the other or contains it as whole words ("Coastal Bank"
//! and "the Coastal Bank board" match, "Bank" and "Coastal" do not match each other); predicates
//! match when the predicted lemma is one of the gold phrase's words up to a final -e/-ed/-s/-ing
//! ("buy" matches "buy trains from"). Each gold claim matches at most one predicted claim.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Who a gold claim is attributed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoldAttribution {
    /// The source as named in the text.
    pub source: String,
    /// The reporting cue ("said", "according to").
    pub cue: String,
}

/// One gold claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoldClaim {
    /// Subject as written.
    pub subject: String,
    /// Predicate lemma (phrase).
    pub predicate: String,
    /// Object as written, if any.
    pub object: Option<String>,
    /// asserted, negated, hedged or future.
    pub modality: String,
    /// Source and cue, if attributed.
    pub attribution: Option<GoldAttribution>,
}

/// A text with its gold claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimExample {
    /// Fixture id.
    pub id: String,
    /// The text.
    pub text: String,
    /// What it claims.
    pub claims: Vec<GoldClaim>,
}

/// Reads a claims fixture file; a bad line is an error naming file and line, and every argument
/// must occur in its text.
pub fn read_claim_fixtures(path: &Path) -> Result<Vec<ClaimExample>> {
    let mut out = Vec::new();
    for (line, example) in crate::fixtures::read_jsonl::<ClaimExample>(path)? {
        let bad = |reason: String| Error::Format {
            path: path.to_path_buf(),
            line,
            reason,
        };
        let lower = example.text.to_lowercase();
        for claim in &example.claims {
            let mut args = vec![&claim.subject];
            args.extend(&claim.object);
            args.extend(claim.attribution.as_ref().map(|a| &a.source));
            if let Some(missing) = args.iter().find(|a| !lower.contains(&a.to_lowercase())) {
                return Err(bad(format!(
                    "argument {missing:?} does not occur in the text"
                )));
            }
            if !["asserted", "negated", "hedged", "future"].contains(&claim.modality.as_str()) {
                return Err(bad(format!("unknown modality {:?}", claim.modality)));
            }
        }
        out.push(example);
    }
    Ok(out)
}

/// A predicted claim reduced to what the scorer compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PredictedClaim {
    /// Subject text.
    pub subject: String,
    /// Predicate lemma.
    pub predicate: String,
    /// Object text.
    pub object: Option<String>,
    /// Modality name.
    pub modality: String,
    /// Attribution source text.
    pub source: Option<String>,
}

/// Scores of claim extraction on fixtures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimReport {
    /// Texts scored.
    pub texts: usize,
    /// Gold claims.
    pub gold: usize,
    /// Predicted claims.
    pub predicted: usize,
    /// Claims whose subject, predicate and object match.
    pub matched: usize,
    /// Precision of (subject, predicate, object).
    pub precision: f64,
    /// Recall of (subject, predicate, object).
    pub recall: f64,
    /// F1 of (subject, predicate, object).
    pub f1: f64,
    /// F1 when the modality must match too.
    pub f1_with_modality: f64,
    /// Share of matched claims with the right modality.
    pub modality_accuracy: f64,
    /// Share of matched gold claims with an attribution whose source was found.
    pub attribution_recall: f64,
}

fn words(s: &str) -> Vec<String> {
    let mut w: Vec<String> = s
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if w.first()
        .is_some_and(|f| f == "the" || f == "a" || f == "an")
    {
        w.remove(0);
    }
    w
}

/// Whole-word containment either way, after lower-casing and dropping a leading article.
pub fn arguments_match(gold: &str, predicted: &str) -> bool {
    let (g, p) = (words(gold), words(predicted));
    if g.is_empty() || p.is_empty() {
        return false;
    }
    let contains = |a: &[String], b: &[String]| a.windows(b.len()).any(|w| w == b);
    contains(&g, &p) || contains(&p, &g)
}

fn stem(w: &str) -> &str {
    for suffix in ["ing", "ed", "es", "s", "e"] {
        if let Some(s) = w.strip_suffix(suffix).filter(|s| s.len() >= 3) {
            return s;
        }
    }
    w
}

/// The predicted lemma is one of the gold predicate's words, up to inflection.
pub fn predicates_match(gold: &str, predicted: &str) -> bool {
    let p = words(predicted);
    let Some(head) = p.first() else { return false };
    words(gold).iter().any(|g| stem(g) == stem(head))
}

fn claim_matches(g: &GoldClaim, p: &PredictedClaim) -> bool {
    arguments_match(&g.subject, &p.subject)
        && predicates_match(&g.predicate, &p.predicate)
        && match (&g.object, &p.object) {
            (None, None) => true,
            (Some(go), Some(po)) => arguments_match(go, po),
            _ => false,
        }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// Scores predicted claims against gold, text by text (parallel slices).
pub fn score_claims(gold: &[Vec<GoldClaim>], predicted: &[Vec<PredictedClaim>]) -> ClaimReport {
    let (mut n_gold, mut n_pred, mut matched, mut same_modality) = (0, 0, 0, 0);
    let (mut attributed, mut attribution_found) = (0, 0);
    for (g, p) in gold.iter().zip(predicted) {
        n_gold += g.len();
        n_pred += p.len();
        for (gc, hit) in g.iter().zip(match_text(g, p)) {
            let Some(i) = hit else { continue };
            matched += 1;
            same_modality += usize::from(gc.modality == p[i].modality);
            if let Some(a) = &gc.attribution {
                attributed += 1;
                attribution_found += usize::from(
                    p[i].source
                        .as_deref()
                        .is_some_and(|s| arguments_match(&a.source, s)),
                );
            }
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let (precision, recall) = (ratio(matched, n_pred), ratio(matched, n_gold));
    ClaimReport {
        texts: gold.len(),
        gold: n_gold,
        predicted: n_pred,
        matched,
        precision,
        recall,
        f1: f1(precision, recall),
        f1_with_modality: f1(ratio(same_modality, n_pred), ratio(same_modality, n_gold)),
        modality_accuracy: ratio(same_modality, matched),
        attribution_recall: ratio(attribution_found, attributed),
    }
}

/// For one text, the predicted claim each gold claim matches (greedily, in gold order; each
/// predicted claim matches at most once).
fn match_text(gold: &[GoldClaim], predicted: &[PredictedClaim]) -> Vec<Option<usize>> {
    let mut used = vec![false; predicted.len()];
    gold.iter()
        .map(|gc| {
            let hit = (0..predicted.len()).find(|&i| !used[i] && claim_matches(gc, &predicted[i]));
            if let Some(i) = hit {
                used[i] = true;
            }
            hit
        })
        .collect()
}

/// Whether each predicted claim of one text is right: it matches a gold claim in subject,
/// predicate and object (as [`score_claims`] matches them) and has its modality. What confidence
/// calibration learns from.
pub fn correct_claims(gold: &[GoldClaim], predicted: &[PredictedClaim]) -> Vec<bool> {
    let mut right = vec![false; predicted.len()];
    for (gc, hit) in gold.iter().zip(match_text(gold, predicted)) {
        if let Some(i) = hit {
            right[i] = gc.modality == predicted[i].modality;
        }
    }
    right
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold(s: &str, p: &str, o: Option<&str>, m: &str) -> GoldClaim {
        GoldClaim {
            subject: s.into(),
            predicate: p.into(),
            object: o.map(String::from),
            modality: m.into(),
            attribution: None,
        }
    }

    fn pred(s: &str, p: &str, o: Option<&str>, m: &str) -> PredictedClaim {
        PredictedClaim {
            subject: s.into(),
            predicate: p.into(),
            object: o.map(String::from),
            modality: m.into(),
            source: None,
        }
    }

    #[test]
    fn arguments_match_as_whole_words_either_way() {
        assert!(arguments_match("Coastal Bank", "the Coastal Bank board"));
        assert!(arguments_match("the accords", "Accords"));
        assert!(!arguments_match("Bank", "Banking union"));
        assert!(!arguments_match("Coastal Bank", "Baltic Bank"));
    }

    #[test]
    fn predicates_match_up_to_inflection() {
        assert!(predicates_match("buy trains from", "buy"));
        assert!(predicates_match("be arrested", "arrest"));
        assert!(predicates_match("maintain ties with", "maintain"));
        assert!(!predicates_match("join", "joke"));
    }

    #[test]
    fn scores_count_each_gold_claim_once() {
        let g = vec![vec![
            gold("Kazakhstan", "join", Some("Abraham Accords"), "future"),
            gold(
                "Kazakhstan",
                "maintain ties with",
                Some("Israel"),
                "asserted",
            ),
        ]];
        let p = vec![vec![
            pred(
                "Kazakhstan",
                "join",
                Some("the Abraham Accords"),
                "asserted",
            ),
            pred("Kazakhstan", "join", Some("Abraham Accords"), "future"),
            pred("Israel", "normalize", None, "asserted"),
        ]];
        let r = score_claims(&g, &p);
        assert_eq!((r.gold, r.predicted, r.matched), (2, 3, 1));
        assert!((r.precision - 1.0 / 3.0).abs() < 1e-9);
        assert!((r.recall - 0.5).abs() < 1e-9);
        assert_eq!(r.modality_accuracy, 0.0);
    }
}

#[cfg(test)]
mod reader_tests {
    use super::*;

    #[test]
    fn an_argument_missing_from_the_text_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.jsonl");
        std::fs::write(
            &path,
            concat!(
                r#"{"id":"a","text":"Acme bought Beta.","claims":[{"subject":"Acme","predicate":"buy","object":"Beta","modality":"asserted","attribution":null}]}"#,
                "\n",
                r#"{"id":"b","text":"Acme bought Beta.","claims":[{"subject":"Gamma","predicate":"buy","object":"Beta","modality":"asserted","attribution":null}]}"#,
            ),
        )
        .unwrap();
        let err = read_claim_fixtures(&path).unwrap_err().to_string();
        assert!(err.contains("c.jsonl:2: argument \"Gamma\""), "{err}");
    }
}
