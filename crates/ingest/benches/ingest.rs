//! Ingest throughput (clean + split) in MB/s on the sample corpus replicated to about 50 MB, in one
//! thread and in all threads, and of article pages (tests/fixtures/pages: Readability, chrome
//! removal, then the same cleaning and splitting) in one thread, to set against the text.
//! Run: `cargo bench -p claimex-ingest --bench ingest`.

use std::path::Path;

use claimex_core::SourceRef;
use claimex_ingest::{
    expand_inputs, prepare, prepare_all, DocumentReader, RawDocument, RawFormat, ReaderConfig,
};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const TARGET_BYTES: usize = 50 * 1024 * 1024;

/// The sample corpus's documents, repeated (each copy numbered so no two texts are equal) until
/// they hold about 50 MB.
fn corpus() -> Vec<RawDocument> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let files = expand_inputs(&[dir]).expect("corpus/ exists");
    let base: Vec<RawDocument> = DocumentReader::new(files, ReaderConfig::default())
        .filter_map(Result::ok)
        .collect();
    let mut out = Vec::new();
    let mut bytes = 0;
    let mut copy = 0;
    while bytes < TARGET_BYTES {
        for doc in &base {
            let text = format!("Copy {copy}.\n{}", doc.text);
            bytes += text.len();
            out.push(RawDocument {
                text,
                ..RawDocument::new(SourceRef::new("bench", None), String::new())
            });
        }
        copy += 1;
    }
    out
}

/// The article pages of tests/fixtures/pages, repeated until they hold about 10 MB.
fn pages() -> Vec<RawDocument> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/pages");
    let base: Vec<String> = std::fs::read_dir(dir)
        .expect("tests/fixtures/pages exists")
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| std::fs::read_to_string(p).expect("a page"))
        .collect();
    let mut out = Vec::new();
    let mut bytes = 0;
    while bytes < TARGET_BYTES / 5 {
        for page in &base {
            bytes += page.len();
            out.push(RawDocument {
                format: RawFormat::Html,
                ..RawDocument::new(SourceRef::new("bench", None), page.clone())
            });
        }
    }
    out
}

fn html(c: &mut Criterion) {
    let docs = pages();
    let mut group = c.benchmark_group("ingest");
    one_thread(&mut group, "html_pages_1_thread", &docs);
    group.finish();
}

/// Benchmarks preparing `docs` one after the other, as `name`, in MB of raw text per second.
fn one_thread(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    docs: &[RawDocument],
) {
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    group
        .sample_size(10)
        .throughput(Throughput::Bytes(bytes as u64));
    group.bench_function(name, |b| {
        b.iter(|| {
            docs.iter()
                .cloned()
                .map(prepare)
                .filter(Result::is_ok)
                .count()
        })
    });
}

fn ingest(c: &mut Criterion) {
    let docs = corpus();
    let mut group = c.benchmark_group("ingest");
    one_thread(&mut group, "prepare_1_thread", &docs);
    let all = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(all)
        .build()
        .expect("thread pool");
    group.bench_function(format!("prepare_{all}_threads"), |b| {
        b.iter(|| pool.install(|| prepare_all(docs.iter().cloned().map(Ok).collect()).len()))
    });
    group.finish();
}

criterion_group!(benches, ingest, html);
criterion_main!(benches);
