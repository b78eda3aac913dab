//! Rows per second into each sink for synthetic claims (1 million by default; set
//! CLAIMEX_BENCH_ROWS to change it): JSONL first as the baseline, then CSV, Parquet, SQLite and,
//! when CLAIMEX_TEST_POSTGRES names a server (`scripts/with-postgres.sh` sets it), PostgreSQL.
//! Ratios to JSONL are measured in the same process, so they hold on a noisy machine.
//!
//!   scripts/with-postgres.sh cargo bench -p claimex-export --bench sinks
//!
//! Writes bench/results/sinks.json.

use std::time::Instant;

use claimex_core::{
    Argument, Claim, DocStatus, DocumentRecord, EntitySpan, Modality, ModelIds, Predicate,
    Sentence, SourceRef,
};
use claimex_export::{open_sink, OwnedDocument, RunInfo, DOCS_PER_TRANSACTION};

const CLAIMS_PER_DOC: usize = 10;

fn synthetic(docs: usize) -> Vec<OwnedDocument> {
    let names = [
        "Nordvolt",
        "Coastal Bank",
        "Vela Motors",
        "Helix Pharma",
        "Orion Telecom",
    ];
    (0..docs)
        .map(|d| {
            let doc_id = format!("doc-{d}");
            let sentence = format!(
                "{} agreed to buy a stake in {} for {} million euros, people familiar with the talks said.",
                names[d % 5],
                names[(d + 1) % 5],
                d % 900 + 100
            );
            let n = sentence.chars().count();
            let arg = |text: &str, start: usize| Argument {
                text: text.into(),
                label: Some("ORG".into()),
                start,
                end: start + text.chars().count(),
                score: 0.93,
                entity: Some(format!("ent:{d}-{start}")),
            };
            let claims = (0..CLAIMS_PER_DOC)
                .map(|k| Claim {
                    claim_id: format!("{d:08x}{k:04x}"),
                    doc_id: doc_id.clone(),
                    sentence: Sentence {
                        start: k * (n + 1),
                        end: k * (n + 1) + n,
                        text: sentence.clone(),
                    },
                    subject: arg(names[d % 5], k * (n + 1)),
                    predicate: Predicate {
                        text: "agreed to buy".into(),
                        lemma: "buy".into(),
                        start: k * (n + 1) + 10,
                        end: k * (n + 1) + 23,
                    },
                    object: Some(arg(names[(d + 1) % 5], k * (n + 1) + 40)),
                    relation: None,
                    modality: Modality::Future,
                    attribution: None,
                    confidence: 0.71,
                    model: ModelIds {
                        ner: "bench@1".into(),
                        relations: "rules-v0".into(),
                    },
                    also_stated: vec![],
                    document: Default::default(),
                })
                .collect();
            let entities = (0..CLAIMS_PER_DOC)
                .map(|k| EntitySpan {
                    text: names[d % 5].into(),
                    label: "ORG".into(),
                    start: k * (n + 1),
                    end: k * (n + 1) + names[d % 5].chars().count(),
                    score: 0.93,
                    min_score: 0.9,
                    entity: Some(format!("ent:{d}")),
                })
                .collect();
            OwnedDocument {
                models: ModelIds {
                    ner: "bench@1".into(),
                    relations: "rules-v0".into(),
                },
                record: DocumentRecord {
                    doc_id: Some(doc_id),
                    source: SourceRef {
                        path: "bench.jsonl".into(),
                        line: Some(d as u64 + 1),
                        key: format!("doc:{}", d + 1),
                    },
                    status: DocStatus::Processed,
                    reason: None,
                    sentences: CLAIMS_PER_DOC,
                    entities: CLAIMS_PER_DOC,
                    claims: CLAIMS_PER_DOC,
                },
                entities,
                claims,
                meta: Default::default(),
                text: None,
            }
        })
        .collect()
}

fn main() {
    let rows: usize = std::env::var("CLAIMEX_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let docs = synthetic(rows.div_ceil(CLAIMS_PER_DOC));
    let claims: usize = docs.iter().map(|d| d.claims.len()).sum();
    let dir = tempfile::tempdir().unwrap();
    let run = RunInfo {
        ner_model: "bench@1".into(),
        relations_model: "rules-v0".into(),
        config: "bench".into(),
        docs_per_transaction: DOCS_PER_TRANSACTION,
        csv_cells: claimex_export::CsvCells::default(),
    };
    let mut targets: Vec<(String, String)> = ["jsonl", "csv", "parquet", "db"]
        .iter()
        .map(|ext| {
            let name = if *ext == "db" { "sqlite" } else { ext };
            (
                name.to_string(),
                dir.path()
                    .join(format!("claims.{ext}"))
                    .display()
                    .to_string(),
            )
        })
        .collect();
    match std::env::var("CLAIMEX_TEST_POSTGRES") {
        Ok(url) => targets.push(("postgres".into(), url)),
        Err(_) => eprintln!("no CLAIMEX_TEST_POSTGRES: PostgreSQL not measured"),
    }
    println!(
        "{claims} claims in {} documents (each also writes {CLAIMS_PER_DOC} mentions, evidence and a ledger row where the sink keeps them)",
        docs.len()
    );
    println!(
        "{:<9} {:>9} {:>12} {:>9}",
        "sink", "seconds", "claims/s", "x jsonl"
    );
    let mut results = Vec::new();
    let mut baseline = None;
    for (name, target) in &targets {
        let started = Instant::now();
        let mut sink = open_sink(target, &run).unwrap();
        for doc in &docs {
            sink.write_document(&doc.output()).unwrap();
        }
        sink.finish().unwrap();
        let secs = started.elapsed().as_secs_f64();
        let rate = claims as f64 / secs;
        let base = *baseline.get_or_insert(rate);
        println!("{name:<9} {secs:>9.2} {rate:>12.0} {:>9.2}", rate / base);
        results.push(serde_json::json!({
            "sink": name, "seconds": secs, "claims_per_s": rate, "ratio_to_jsonl": rate / base,
        }));
    }
    let out =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/results/sinks.json");
    let report = serde_json::json!({
        "claims": claims,
        "documents": docs.len(),
        "command": "scripts/with-postgres.sh cargo bench -p claimex-export --bench sinks",
        "results": results,
    });
    std::fs::write(&out, serde_json::to_string_pretty(&report).unwrap()).unwrap();
    println!("wrote {}", out.display());
}
