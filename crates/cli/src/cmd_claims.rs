//! `eval claims` and `eval openie`: the claims of the whole pipeline scored against labelled
//! claims and against Open IE benchmarks, both through `claimex::Pipeline`.

use std::path::PathBuf;

use anyhow::Context;
use claimex::{ClaimStyle, Config, Pipeline, SourceRef};
use claimex_claims::{reliability, Calibration};
use claimex_core::TaggedToken;
use claimex_ingest::RawDocument;
use claimex_train::{
    correct_claims, read_carb, read_claim_fixtures, read_news_claims, score_carb, score_claims,
    ClaimExample, GoldClaim, NewsSplit, OpenTuple, PredictedClaim, ScoredTuple,
};
use clap::Args;

use crate::model_arg::{Method, ModelArg};

#[derive(Args)]
pub struct EvalClaimsArgs {
    /// Claims fixture JSONL (text plus gold claims; see tests/fixtures/claims.jsonl).
    #[arg(long, required_unless_present = "news", conflicts_with = "news")]
    data: Option<PathBuf>,
    /// A claims set that names CoNLL-2003 sentences instead of holding text
    /// (tests/fixtures/news-claims: selection.jsonl and labels.jsonl).
    #[arg(long, value_name = "DIR")]
    news: Option<PathBuf>,
    /// Which sentences of the --news set to score.
    #[arg(long, value_enum, default_value_t = Split::Develop, requires = "news")]
    split: Split,
    /// How claims are built: from dependency trees when the model has parser and syntax heads
    /// (auto), or as chosen.
    #[arg(long, value_enum, default_value_t = Method::Auto)]
    method: Method,
    /// The CoNLL-2003 folder (dev.txt, test.txt) the --news set's sentences are rebuilt from.
    #[arg(
        long,
        value_name = "DIR",
        default_value = "../shared/data/conll2003",
        requires = "news"
    )]
    conll: PathBuf,
    #[command(flatten)]
    model: ModelArg,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// List this many texts whose claims were missed or wrong.
    #[arg(long, default_value_t = 10)]
    errors: usize,
    /// With each listed text, print its tokens: part of speech, and head and relation when claims
    /// are read from trees.
    #[arg(long)]
    trees: bool,
    /// Threads [default: all cores].
    #[arg(long)]
    threads: Option<usize>,
    /// Fit the confidence calibration on this file's claims and write it to PATH (to use it, put
    /// it in the model directory as claims-calibration.json). Scores are then the raw ones, and
    /// the reliability table shows 5-fold cross-fitted calibration (each text calibrated by a map
    /// fitted without it).
    #[arg(long, value_name = "PATH")]
    fit_calibration: Option<PathBuf>,
}

/// Which sentences of a `--news` set to score.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Split {
    /// The sentences looked at while developing.
    Develop,
    /// The held-out sentences, scored only when a change is done.
    Test,
    /// Both.
    All,
}

/// What the pipeline found in one fixture text: its claims with their confidences, and each
/// sentence's tagged tokens (for `--trees`).
struct FoundInText {
    claims: Vec<(PredictedClaim, f32)>,
    tokens: Vec<Vec<TaggedToken>>,
}

/// What the pipeline finds in each fixture text. Every text is a document of its own, cleaned
/// and split as `claimex run` does.
fn pipeline_claims(
    pipeline: &Pipeline,
    examples: &[ClaimExample],
) -> anyhow::Result<Vec<FoundInText>> {
    let docs = examples
        .iter()
        .enumerate()
        .map(|(k, e)| {
            let mut raw = RawDocument::new(
                SourceRef::new("fixture", Some(k as u64 + 1)),
                e.text.clone(),
            );
            raw.id = Some(e.id.clone());
            raw
        })
        .collect();
    pipeline
        .process(docs)
        .into_iter()
        .map(|result| {
            if result.document.is_none() {
                anyhow::bail!(
                    "fixture {} was not processed: {}",
                    result.record.source,
                    result.record.reason.as_deref().unwrap_or("no reason given")
                );
            }
            Ok(FoundInText {
                claims: predicted_claims(&result),
                tokens: result.tokens,
            })
        })
        .collect()
}

/// A document's claims as the fixtures write them. An argument that names an entity by pronoun
/// or description is scored by the entity's first mention ("the kingdom" as Saudi Arabia).
fn predicted_claims(result: &claimex::DocumentResult) -> Vec<(PredictedClaim, f32)> {
    let names: std::collections::HashMap<&str, &str> = result
        .entities
        .iter()
        .rev()
        .filter_map(|e| Some((e.entity.as_deref()?, e.text.as_str())))
        .collect();
    let named = |a: &claimex_core::Argument| {
        a.entity
            .as_deref()
            .and_then(|id| names.get(id))
            .map_or(a.text.clone(), |n| n.to_string())
    };
    result
        .claims
        .iter()
        .map(|c| {
            let predicted = PredictedClaim {
                subject: named(&c.subject),
                predicate: c.predicate.lemma.clone(),
                object: c.object.as_ref().map(named),
                modality: c.modality.as_str().to_string(),
                source: c.attribution.as_ref().map(|a| a.text.clone()),
            };
            (predicted, c.confidence)
        })
        .collect()
}

/// Folds for cross-fitting the calibration: text `i` is in fold `i % FOLDS`.
const FOLDS: usize = 5;

/// Each text's (confidence, right) pairs calibrated by a map fitted on the other folds.
fn cross_fitted(pairs: &[Vec<(f32, bool)>], method: &str) -> Vec<(f32, bool)> {
    let mut out = Vec::new();
    for fold in 0..FOLDS {
        let train: Vec<(f32, bool)> = pairs
            .iter()
            .enumerate()
            .filter(|(i, _)| i % FOLDS != fold)
            .flat_map(|(_, p)| p.iter().copied())
            .collect();
        let Some(map) = Calibration::fit(&train, method, "fold") else {
            continue;
        };
        for (_, p) in pairs.iter().enumerate().filter(|(i, _)| i % FOLDS == fold) {
            out.extend(p.iter().map(|&(c, right)| (map.apply(c), right)));
        }
    }
    out
}

fn print_reliability(title: &str, pairs: &[(f32, bool)]) {
    let (table, ece) = reliability(pairs, 10);
    println!(
        "\n{title}: expected calibration error {ece:.3} over {} claims",
        pairs.len()
    );
    println!("    confidence     claims  mean conf.  accuracy");
    for bin in table {
        if bin.count == 0 {
            println!("    {:.1}-{:.1}             0", bin.low, bin.high);
        } else {
            println!(
                "    {:.1}-{:.1}   {:>10}  {:>10.3}  {:>8.3}",
                bin.low, bin.high, bin.count, bin.confidence, bin.accuracy
            );
        }
    }
}

/// Claim precision/recall of the whole pipeline on a claims fixture file.
pub fn claims(args: EvalClaimsArgs) -> anyhow::Result<()> {
    // The data first: a wrong path should not wait for a model to load.
    let (examples, data) = match (&args.data, &args.news) {
        (Some(path), _) => (read_claim_fixtures(path)?, path.display().to_string()),
        (None, Some(dir)) => {
            let split = match args.split {
                Split::Develop => NewsSplit::Develop,
                Split::Test => NewsSplit::Test,
                Split::All => NewsSplit::All,
            };
            let examples = read_news_claims(dir, &args.conll, split)?;
            (examples, dir.display().to_string())
        }
        (None, None) => unreachable!("clap requires --data or --news"),
    };
    let pipeline = Pipeline::new(Config {
        model: Some(args.model.resolve()?),
        threads: args.threads,
        // Fixture texts may repeat one another; each is scored.
        skip_duplicates: false,
        // Fitting needs the raw scores.
        calibrate: args.fit_calibration.is_none(),
        method: args.method.into(),
        ..Config::default()
    })?;
    for warning in pipeline.take_warnings() {
        eprintln!("warning: {warning}");
    }
    let models = pipeline.model_ids().clone();
    // Calibration is keyed by the claim-building method, not by the relation head.
    let method = claimex::method_id(pipeline.model_info(), pipeline.method());
    let calibrated = pipeline.is_calibrated();
    let (found, tokens): (Vec<_>, Vec<_>) = pipeline_claims(&pipeline, &examples)?
        .into_iter()
        .map(|f| (f.claims, f.tokens))
        .unzip();
    let (predicted, confidences): (Vec<Vec<PredictedClaim>>, Vec<Vec<f32>>) = found
        .into_iter()
        .map(|claims: Vec<(PredictedClaim, f32)>| claims.into_iter().unzip())
        .unzip();
    let gold: Vec<Vec<GoldClaim>> = examples.iter().map(|e| e.claims.clone()).collect();
    let report = score_claims(&gold, &predicted);
    let pairs: Vec<Vec<(f32, bool)>> = gold
        .iter()
        .zip(&predicted)
        .zip(&confidences)
        .map(|((g, p), c)| c.iter().copied().zip(correct_claims(g, p)).collect())
        .collect();
    let flat: Vec<(f32, bool)> = pairs.iter().flatten().copied().collect();
    let (confidence_kind, shown_pairs) = match (&args.fit_calibration, calibrated) {
        (Some(_), _) => (
            "5-fold cross-fitted calibration",
            cross_fitted(&pairs, &method),
        ),
        (None, true) => ("calibrated confidence", flat.clone()),
        (None, false) => (
            "raw confidence (the model has no calibration)",
            flat.clone(),
        ),
    };
    if let Some(path) = &args.fit_calibration {
        let fitted = Calibration::fit(&flat, &method, &data).ok_or_else(|| {
            anyhow::anyhow!("{data}: no predicted claims to fit a calibration on")
        })?;
        std::fs::write(path, serde_json::to_string_pretty(&fitted)? + "\n")
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if args.json {
        let mut value = serde_json::to_value(&report)?;
        let (table, ece) = reliability(&shown_pairs, 10);
        value["reliability"] =
            serde_json::json!({ "confidence": confidence_kind, "bins": table, "ece": ece });
        value["model"] = models.ner.clone().into();
        value["relations"] = models.relations.clone().into();
        value["method"] = method.clone().into();
        value["data"] = data.clone().into();
        println!("{value}");
        return Ok(());
    }
    println!(
        "claims of {} + {} on {} ({} texts, {} gold claims, {} predicted)",
        models.ner, models.relations, data, report.texts, report.gold, report.predicted
    );
    println!(
        "(subject, predicate, object): P {:.3} R {:.3} F1 {:.3}; with modality F1 {:.3}",
        report.precision, report.recall, report.f1, report.f1_with_modality
    );
    println!(
        "of the {} matched: modality right {:.3}; attributed gold claims with their source {:.3}",
        report.matched, report.modality_accuracy, report.attribution_recall
    );
    if args.fit_calibration.is_some() {
        print_reliability("raw score", &flat);
    }
    print_reliability(confidence_kind, &shown_pairs);
    if let Some(path) = &args.fit_calibration {
        println!(
            "calibration fitted on all {} claims written to {}",
            flat.len(),
            path.display()
        );
    }
    let mut shown = 0;
    for (((example, g), p), tokens) in examples.iter().zip(&gold).zip(&predicted).zip(&tokens) {
        let one = score_claims(std::slice::from_ref(g), std::slice::from_ref(p));
        if shown >= args.errors || (one.matched == g.len() && one.matched == p.len()) {
            continue;
        }
        shown += 1;
        println!("\n{} {}", example.id, example.text);
        if args.trees {
            for sentence in tokens {
                print_tree(sentence);
            }
        }
        let show = |tag: &str, s: &str, pred: &str, o: Option<&str>, m: &str| {
            println!("    {tag} {s} | {pred} | {} ({m})", o.unwrap_or("-"));
        };
        for c in g {
            show(
                "gold",
                &c.subject,
                &c.predicate,
                c.object.as_deref(),
                &c.modality,
            );
        }
        for c in p {
            show(
                "got ",
                &c.subject,
                &c.predicate,
                c.object.as_deref(),
                &c.modality,
            );
        }
    }
    Ok(())
}

/// One line per token: index, word, tag, head index (0: the root) and relation.
fn print_tree(tokens: &[TaggedToken]) {
    let line: Vec<String> = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let head = t.head.map_or("-".to_string(), |h| h.to_string());
            let rel = t.relation.as_deref().unwrap_or("-");
            format!("{}:{}/{}<-{head}:{rel}", i + 1, t.text, t.pos)
        })
        .collect();
    println!("    tree {}", line.join(" "));
}

#[derive(Args)]
pub struct EvalOpenieArgs {
    /// CaRB folder (SPLIT.txt and gold/SPLIT.tsv).
    #[arg(long)]
    data: PathBuf,
    /// Which split: test (report this) or dev (for tuning).
    #[arg(long, default_value = "test")]
    split: String,
    /// Print this many sentences with their gold and extracted tuples.
    #[arg(long, default_value_t = 0)]
    show: usize,
    #[command(flatten)]
    model: ModelArg,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Threads [default: all cores].
    #[arg(long)]
    threads: Option<usize>,
}

/// The Open IE extractions of each text, ranked by the raw claim score. Every text is a document
/// of its own, cleaned and split as `claimex run` does; the extractions of all its sentences
/// are the text's.
fn open_tuples(pipeline: &Pipeline, texts: &[String]) -> anyhow::Result<Vec<Vec<ScoredTuple>>> {
    let mut out = Vec::with_capacity(texts.len());
    for chunk in texts.chunks(pipeline.config().chunk_docs.max(1)) {
        for result in pipeline.process_texts(chunk) {
            if result.document.is_none() {
                anyhow::bail!(
                    "CaRB sentence {} was not processed: {}",
                    out.len() + 1,
                    result.record.reason.as_deref().unwrap_or("no reason given")
                );
            }
            out.push(
                result
                    .open
                    .into_iter()
                    .flatten()
                    .map(|e| ScoredTuple {
                        tuple: OpenTuple {
                            relation: e.relation,
                            arguments: e.arguments,
                        },
                        confidence: e.confidence,
                    })
                    .collect(),
            );
        }
    }
    Ok(out)
}

/// CaRB precision/recall/F1 and AUC of the claims as Open IE tuples.
pub fn openie(args: EvalOpenieArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    // The data first: a wrong path should not wait for a model to load.
    let data = read_carb(&args.data, &args.split)?;
    let pipeline = Pipeline::new(Config {
        model: Some(args.model.resolve()?),
        threads: args.threads,
        skip_duplicates: false,
        calibrate: false,
        style: ClaimStyle::OpenIe,
        // Open IE tuples come from the tags (rules-v1's analysis); no trees needed.
        method: Some(claimex::ClaimMethod::Rules),
        ..Config::default()
    })?;
    for warning in pipeline.take_warnings() {
        eprintln!("warning: {warning}");
    }
    let models = pipeline.model_ids().clone();
    let texts: Vec<String> = data.iter().map(|s| s.text.clone()).collect();
    let system = open_tuples(&pipeline, &texts)?;
    let report = score_carb(&data, &system);
    if args.json {
        let mut value = serde_json::to_value(&report)?;
        value["model"] = models.ner.clone().into();
        value["relations"] = models.relations.clone().into();
        value["data"] = args.data.join(&args.split).display().to_string().into();
        println!("{value}");
        return Ok(());
    }
    println!(
        "CaRB {} ({} sentences with gold, {} gold tuples) for {} + {}: {} extractions in {:.1} s",
        args.split,
        report.sentences,
        report.gold,
        models.ner,
        models.relations,
        report.extractions,
        started.elapsed().as_secs_f64()
    );
    println!(
        "best F1 {:.3} (P {:.3}, R {:.3} at confidence >= {:.3}); AUC {:.3}; all extractions: P {:.3} R {:.3} F1 {:.3}",
        report.f1,
        report.precision,
        report.recall,
        report.best.threshold,
        report.auc,
        report.all.precision,
        report.all.recall,
        report.all.f1
    );
    let show = |tag: &str, t: &OpenTuple| {
        println!("    {tag} ({}; {})", t.relation, t.arguments.join("; "))
    };
    for (sentence, found) in data.iter().zip(&system).take(args.show) {
        println!("\n{}", sentence.text);
        sentence.gold.iter().for_each(|t| show("gold", t));
        found
            .iter()
            .for_each(|t| show(&format!("got {:.3}", t.confidence), &t.tuple));
    }
    Ok(())
}
