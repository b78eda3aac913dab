use std::path::PathBuf;

use anyhow::Context;
use claimex_core::{ModelIds, Sentence};
use claimex_ingest::split_sentences;
use claimex_ner::NerConfig;
use claimex_relations::{reliability, Calibration, SentenceInput};
use claimex_train::{
    correct_claims, predict, read_carb, read_claim_fixtures, read_conll_documents, read_examples,
    rebuild_documents, score_boundaries, score_carb, score_claims, score_spans, worst_errors,
    EvalReport, GoldClaim, Layout, OpenTuple, PredictedClaim, ScoredTuple, SentenceErrors,
    TypedSpan, NONE,
};
use clap::Args;

use crate::parallelism;

#[derive(Args)]
pub struct EvalNerArgs {
    /// Model directory.
    #[arg(long)]
    model: PathBuf,
    /// CoNLL column file (token first, entity tag last; IOB1 or IOB2), claimex fixture JSONL
    /// (`.jsonl`, entities as character offsets) or CoNLL04 JSON (`.json`).
    #[arg(long)]
    data: PathBuf,
    /// Print one JSON object (precision, recall, f1, per_type, confusion, worst_errors) instead of
    /// tables.
    #[arg(long)]
    json: bool,
    /// Threads [default: all cores].
    #[arg(long)]
    threads: Option<usize>,
    /// Sentence windows per forward pass.
    #[arg(long, default_value_t = 32)]
    batch_size: usize,
    /// Run the encoder's linear layers in int8 (dynamic quantisation, FBGEMM; BERT models):
    /// faster, slightly less accurate; the model id gets `+int8`.
    #[arg(long)]
    int8: bool,
    /// List this many sentences with the most errors (missed and spurious entities).
    #[arg(long, default_value_t = 10)]
    errors: usize,
    /// Score only these entity types (comma-separated), dropping others from gold and
    /// predictions: e.g. a model with an added type scored on data that lacks it.
    #[arg(long, value_delimiter = ',')]
    only_types: Vec<String>,
}

pub fn ner(args: EvalNerArgs) -> anyhow::Result<()> {
    let threads = parallelism::configure(args.threads)?;
    let model = crate::model_arg::load(
        &args.model,
        NerConfig {
            batch_size: args.batch_size,
            int8: args.int8,
            ..NerConfig::default()
        },
    )?;
    let examples = read_examples(&args.data)?;
    let keep = |spans: Vec<TypedSpan>| -> Vec<TypedSpan> {
        spans
            .into_iter()
            .filter(|s| args.only_types.is_empty() || args.only_types.contains(&s.label))
            .collect()
    };
    let started = std::time::Instant::now();
    let predicted: Vec<_> = predict(&model, &examples)?.into_iter().map(keep).collect();
    let seconds = started.elapsed().as_secs_f64();
    let speed = Speed {
        seconds,
        sentences_per_s: examples.len() as f64 / seconds.max(1e-9),
        batch_size: args.batch_size,
        threads,
        peak_rss_mib: parallelism::peak_rss_mib(),
    };
    let gold: Vec<_> = examples.iter().map(|e| keep(e.entities.clone())).collect();
    let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
    let report = score_spans(&gold, &predicted);
    let worst = worst_errors(&texts, &gold, &predicted, args.errors);
    if args.json {
        let mut value = serde_json::to_value(&report)?;
        value["model"] = model.info().id.clone().into();
        value["data"] = args.data.display().to_string().into();
        value["worst_errors"] = serde_json::to_value(&worst)?;
        value["speed"] = serde_json::to_value(&speed)?;
        println!("{value}");
    } else {
        print_table(&report, &model.info().id, &args.data);
        println!(
            "{} sentences in {:.1} s: {:.1} sentences/s (batch {}, {} threads), peak RSS {}",
            report.sentences,
            speed.seconds,
            speed.sentences_per_s,
            speed.batch_size,
            speed.threads,
            speed
                .peak_rss_mib
                .map_or("unknown".into(), |m| format!("{m:.0} MiB"))
        );
        print_confusion(&report);
        print_errors(&worst);
    }
    Ok(())
}

/// How fast the model tagged the data (tokenisation, windows, inference and decoding; reading and
/// scoring excluded), and the process's peak memory.
#[derive(serde::Serialize)]
struct Speed {
    seconds: f64,
    sentences_per_s: f64,
    batch_size: usize,
    threads: usize,
    peak_rss_mib: Option<f64>,
}

/// Rows are gold types, columns predicted types; `O` is "no entity with these boundaries".
fn print_confusion(r: &EvalReport) {
    let mut types: Vec<&str> = r
        .confusion
        .iter()
        .flat_map(|(g, row)| std::iter::once(g.as_str()).chain(row.keys().map(String::as_str)))
        .filter(|t| *t != NONE)
        .collect();
    types.sort();
    types.dedup();
    types.push(NONE);
    let width = types.iter().map(|t| t.len()).max().unwrap_or(1).max(7);
    println!(
        "\nconfusion (rows gold, columns predicted; {NONE} = no entity with those boundaries)"
    );
    print!("{:<width$}", "");
    for t in &types {
        print!(" {t:>width$}");
    }
    println!();
    for g in &types {
        print!("{g:<width$}");
        for p in &types {
            let n = r.confusion.get(*g).and_then(|row| row.get(*p)).copied();
            match n {
                _ if *g == NONE && *p == NONE => print!(" {:>width$}", "-"),
                Some(n) => print!(" {n:>width$}"),
                None => print!(" {:>width$}", 0),
            }
        }
        println!();
    }
}

fn print_errors(worst: &[SentenceErrors]) {
    if worst.is_empty() {
        return;
    }
    println!("\nsentences with the most errors (- gold not found, + predicted not in gold)");
    for e in worst {
        println!(
            "#{} ({} errors): {}",
            e.sentence + 1,
            e.missed.len() + e.spurious.len(),
            e.text
        );
        for (sign, spans) in [("-", &e.missed), ("+", &e.spurious)] {
            for s in spans.iter() {
                println!(
                    "    {sign} {:<6} {:?} at {}..{}",
                    s.label, s.text, s.start, s.end
                );
            }
        }
    }
}

fn print_table(r: &EvalReport, model: &str, data: &std::path::Path) {
    println!(
        "model {model} on {} ({} sentences), strict span match",
        data.display(),
        r.sentences
    );
    println!(
        "{:<8} {:>9} {:>9} {:>9} {:>8} {:>9}",
        "type", "precision", "recall", "f1", "support", "predicted"
    );
    for (label, s) in &r.per_type {
        println!(
            "{label:<8} {:>9.4} {:>9.4} {:>9.4} {:>8} {:>9}",
            s.precision, s.recall, s.f1, s.support, s.predicted
        );
    }
    let support: usize = r.per_type.values().map(|s| s.support).sum();
    let predicted: usize = r.per_type.values().map(|s| s.predicted).sum();
    println!(
        "{:<8} {:>9.4} {:>9.4} {:>9.4} {:>8} {:>9}",
        "micro", r.precision, r.recall, r.f1, support, predicted
    );
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum LayoutArg {
    /// Headlines and datelines (sentences without final punctuation) on their own lines.
    News,
    /// All sentences separated by single spaces.
    Flat,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum SplitterArg {
    /// claimex-ingest's news splitter.
    Claimex,
    /// UAX #29 sentence boundaries.
    Uax29,
}

fn splitter_name(splitter: SplitterArg) -> &'static str {
    match splitter {
        SplitterArg::Claimex => "claimex",
        SplitterArg::Uax29 => "uax29",
    }
}

/// Sentence end offsets (characters) that `splitter` finds in `text`.
fn sentence_ends(text: &str, splitter: SplitterArg) -> Vec<usize> {
    match splitter {
        SplitterArg::Claimex => split_sentences(text).iter().map(|s| s.end).collect(),
        SplitterArg::Uax29 => {
            use unicode_segmentation::UnicodeSegmentation;
            let index = claimex_core::TextIndex::new(text);
            text.split_sentence_bound_indices()
                .filter(|(_, s)| !s.trim().is_empty())
                .filter_map(|(b, s)| index.char_of_byte(b + s.trim_end().len()))
                .collect()
        }
    }
}

#[derive(Args)]
pub struct EvalSentencesArgs {
    /// CoNLL column file with -DOCSTART- lines; each document is rebuilt as text from its tokens.
    #[arg(long)]
    data: PathBuf,
    /// How to lay out the rebuilt documents.
    #[arg(long, value_enum, default_value = "news")]
    layout: LayoutArg,
    /// Print one JSON object (precision, recall, f1, ...) instead of text.
    #[arg(long)]
    json: bool,
    /// Which splitter to score: claimex's, or Unicode UAX #29 sentence boundaries (the
    /// unicode-segmentation crate) for comparison.
    #[arg(long, value_enum, default_value = "claimex")]
    splitter: SplitterArg,
    /// Print up to this many missed or spurious boundaries, with context.
    #[arg(long, default_value_t = 0)]
    show_errors: usize,
}

/// Sentence-boundary precision/recall/F1 of claimex's splitter on rebuilt CoNLL documents.
pub fn sentences(args: EvalSentencesArgs) -> anyhow::Result<()> {
    let layout = match args.layout {
        LayoutArg::News => Layout::News,
        LayoutArg::Flat => Layout::Flat,
    };
    let docs = rebuild_documents(&read_conll_documents(&args.data)?, layout);
    let predicted: Vec<Vec<usize>> = docs
        .iter()
        .map(|d| sentence_ends(&d.text, args.splitter))
        .collect();
    let gold: Vec<Vec<usize>> = docs.iter().map(|d| d.sentence_ends.clone()).collect();
    let report = score_boundaries(&gold, &predicted);
    if args.json {
        let mut value = serde_json::to_value(&report)?;
        value["data"] = args.data.display().to_string().into();
        value["layout"] = format!("{layout:?}").to_lowercase().into();
        value["splitter"] = splitter_name(args.splitter).into();
        println!("{value}");
    } else {
        println!(
            "sentence boundaries of the {} splitter on {} ({} documents, {:?} layout): precision {:.4} recall {:.4} f1 {:.4} (gold {}, predicted {})",
            splitter_name(args.splitter), args.data.display(), report.documents, layout, report.precision, report.recall, report.f1, report.gold, report.predicted
        );
    }
    let mut shown = 0;
    for ((doc, g), p) in docs.iter().zip(&gold).zip(&predicted) {
        let chars: Vec<char> = doc.text.chars().collect();
        let context = |at: usize| -> String {
            let from = at.saturating_sub(40);
            let to = (at + 40).min(chars.len());
            format!(
                "{}⟂{}",
                chars[from..at].iter().collect::<String>(),
                chars[at..to].iter().collect::<String>()
            )
            .replace('\n', "↵")
        };
        let inner = |v: &Vec<usize>| v[..v.len().saturating_sub(1)].to_vec();
        for at in inner(g).into_iter().filter(|e| !p.contains(e)) {
            if shown < args.show_errors {
                println!("missed:   {}", context(at));
                shown += 1;
            }
        }
        for at in inner(p).into_iter().filter(|e| !g.contains(e)) {
            if shown < args.show_errors {
                println!("spurious: {}", context(at));
                shown += 1;
            }
        }
    }
    Ok(())
}

#[derive(Args)]
pub struct EvalClaimsArgs {
    /// Claims fixture JSONL (text plus gold claims; see tests/fixtures/claims.jsonl).
    #[arg(long)]
    data: PathBuf,
    /// NER model directory [default: models/default].
    #[arg(long, default_value = "models/default")]
    model: PathBuf,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// List this many texts whose claims were missed or wrong.
    #[arg(long, default_value_t = 10)]
    errors: usize,
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

/// The claims the whole pipeline (sentences, NER, linking, claim building) finds in `text`.
fn pipeline_claims(
    model: &claimex_ner::NerModel,
    models: &ModelIds,
    calibration: Option<&Calibration>,
    text: &str,
) -> anyhow::Result<Vec<(PredictedClaim, f32)>> {
    let index = claimex_core::TextIndex::new(text);
    let sentences: Vec<Sentence> = split_sentences(text)
        .into_iter()
        .map(|span| {
            Ok(Sentence {
                start: span.start,
                end: span.end,
                text: index.slice(text, span)?.to_string(),
            })
        })
        .collect::<anyhow::Result<_>>()?;
    let analyses = model.analyze(&sentences)?;
    let (mut entities, tokens): (Vec<_>, Vec<_>) =
        analyses.into_iter().map(|a| (a.entities, a.tokens)).unzip();
    claimex_core::link_entities("fixture", entities.iter_mut().flatten());
    let inputs = SentenceInput::zip(&sentences, &entities, &tokens);
    let claims = claimex_relations::claims_of_document("fixture", &inputs, models, calibration);
    // An argument that names an entity by pronoun or description is scored by the entity's
    // first mention ("the kingdom" as Saudi Arabia), as the fixtures write it.
    let names: std::collections::HashMap<&str, &str> = entities
        .iter()
        .flatten()
        .rev()
        .filter_map(|e| Some((e.entity.as_deref()?, e.text.as_str())))
        .collect();
    let named = |a: &claimex_core::Argument| {
        a.entity
            .as_deref()
            .and_then(|id| names.get(id))
            .map_or(a.text.clone(), |n| n.to_string())
    };
    Ok(claims
        .into_iter()
        .map(|c| {
            let predicted = PredictedClaim {
                subject: named(&c.subject),
                predicate: c.predicate.lemma,
                object: c.object.as_ref().map(named),
                modality: c.modality.as_str().to_string(),
                source: c.attribution.map(|a| a.text),
            };
            (predicted, c.confidence)
        })
        .collect())
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
    parallelism::configure(args.threads)?;
    let model = crate::model_arg::load(&args.model, NerConfig::default())?;
    let (models, calibration) = crate::model_arg::claim_settings(&model)?;
    // Calibration is keyed by the claim-building method, not by the relation head.
    let method = claimex_relations::method_id(model.info().syntax_id.as_deref());
    // Fitting needs the raw scores.
    let calibration = calibration.filter(|_| args.fit_calibration.is_none());
    let examples = read_claim_fixtures(&args.data)?;
    let mut predicted = Vec::with_capacity(examples.len());
    let mut confidences = Vec::with_capacity(examples.len());
    for example in &examples {
        let (claims, conf): (Vec<_>, Vec<_>) =
            pipeline_claims(&model, &models, calibration.as_ref(), &example.text)?
                .into_iter()
                .unzip();
        predicted.push(claims);
        confidences.push(conf);
    }
    let gold: Vec<Vec<GoldClaim>> = examples.iter().map(|e| e.claims.clone()).collect();
    let report = score_claims(&gold, &predicted);
    let pairs: Vec<Vec<(f32, bool)>> = gold
        .iter()
        .zip(&predicted)
        .zip(&confidences)
        .map(|((g, p), c)| c.iter().copied().zip(correct_claims(g, p)).collect())
        .collect();
    let flat: Vec<(f32, bool)> = pairs.iter().flatten().copied().collect();
    let (confidence_kind, shown_pairs) = match (&args.fit_calibration, &calibration) {
        (Some(_), _) => (
            "5-fold cross-fitted calibration",
            cross_fitted(&pairs, &method),
        ),
        (None, Some(_)) => ("calibrated confidence", flat.clone()),
        (None, None) => (
            "raw confidence (the model has no calibration)",
            flat.clone(),
        ),
    };
    if let Some(path) = &args.fit_calibration {
        let fitted = Calibration::fit(&flat, &method, &args.data.display().to_string())
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "{}: no predicted claims to fit a calibration on",
                    args.data.display()
                )
            })?;
        std::fs::write(path, serde_json::to_string_pretty(&fitted)? + "\n")
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if args.json {
        let mut value = serde_json::to_value(&report)?;
        let (table, ece) = reliability(&shown_pairs, 10);
        value["reliability"] =
            serde_json::json!({ "confidence": confidence_kind, "bins": table, "ece": ece });
        value["model"] = model.info().id.clone().into();
        value["relations"] = models.relations.clone().into();
        value["method"] = method.clone().into();
        value["data"] = args.data.display().to_string().into();
        println!("{value}");
        return Ok(());
    }
    println!(
        "claims of {} + {} on {} ({} texts, {} gold claims, {} predicted)",
        model.info().id,
        models.relations,
        args.data.display(),
        report.texts,
        report.gold,
        report.predicted
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
    for ((example, g), p) in examples.iter().zip(&gold).zip(&predicted) {
        let one = score_claims(std::slice::from_ref(g), std::slice::from_ref(p));
        if shown >= args.errors || (one.matched == g.len() && one.matched == p.len()) {
            continue;
        }
        shown += 1;
        println!("\n{} {}", example.id, example.text);
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
    /// NER model directory [default: models/default].
    #[arg(long, default_value = "models/default")]
    model: PathBuf,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Threads [default: all cores].
    #[arg(long)]
    threads: Option<usize>,
}

/// The claims of one-sentence texts as Open IE tuples (relation phrase, subject, object as they
/// stand in the sentence), ranked by the raw claim score.
fn open_tuples(
    model: &claimex_ner::NerModel,
    models: &ModelIds,
    texts: &[String],
) -> anyhow::Result<Vec<Vec<ScoredTuple>>> {
    let sentences: Vec<Sentence> = texts
        .iter()
        .map(|t| Sentence {
            start: 0,
            end: t.chars().count(),
            text: t.clone(),
        })
        .collect();
    let mut out = Vec::with_capacity(texts.len());
    for chunk in sentences.chunks(64) {
        for (sentence, analysis) in chunk.iter().zip(model.analyze(chunk)?) {
            let mut entities = analysis.entities;
            claimex_core::link_entities("carb", entities.iter_mut());
            let input = SentenceInput {
                sentence,
                entities: &entities,
                tokens: &analysis.tokens,
            };
            let claims = claimex_relations::open_claims_of_sentence(&input, models);
            let setting = leading_adverbial(&sentence.text);
            let implied = claimex_relations::implied_relations(&input)
                .into_iter()
                .map(|r| ScoredTuple {
                    tuple: OpenTuple {
                        relation: r.relation.to_string(),
                        arguments: vec![r.subject.text, r.object.text],
                    },
                    confidence: r.confidence,
                });
            out.push(
                claims
                    .into_iter()
                    .map(|c| ScoredTuple {
                        tuple: OpenTuple {
                            relation: c.predicate.text,
                            arguments: std::iter::once(c.subject.text)
                                .chain(c.object.map(|o| o.text))
                                .chain(setting.clone())
                                .collect(),
                        },
                        confidence: c.confidence,
                    })
                    .chain(implied)
                    .collect(),
            );
        }
    }
    Ok(out)
}

/// A sentence's opening prepositional phrase up to its comma ("In October 2008 , ..."), which
/// Open IE tuples carry as a further argument.
fn leading_adverbial(text: &str) -> Option<String> {
    const OPENERS: &[&str] = &[
        "in",
        "on",
        "at",
        "after",
        "before",
        "during",
        "since",
        "until",
        "by",
        "from",
        "for",
        "following",
        "under",
        "throughout",
        "between",
    ];
    let words: Vec<&str> = text.split_whitespace().collect();
    let first = words.first()?.to_lowercase();
    if !OPENERS.contains(&first.as_str()) {
        return None;
    }
    let comma = words.iter().take(10).position(|w| *w == ",")?;
    (comma > 1).then(|| words[..comma].join(" "))
}

/// CaRB precision/recall/F1 and AUC of the claims as Open IE tuples.
pub fn openie(args: EvalOpenieArgs) -> anyhow::Result<()> {
    parallelism::configure(args.threads)?;
    let started = std::time::Instant::now();
    // The data first: a wrong path should not wait for a model to load.
    let data = read_carb(&args.data, &args.split)?;
    let model = crate::model_arg::load(&args.model, NerConfig::default())?;
    let (models, _) = crate::model_arg::claim_settings(&model)?;
    let texts: Vec<String> = data.iter().map(|s| s.text.clone()).collect();
    let system = open_tuples(&model, &models, &texts)?;
    let report = score_carb(&data, &system);
    if args.json {
        let mut value = serde_json::to_value(&report)?;
        value["model"] = model.info().id.clone().into();
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
        model.info().id,
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
