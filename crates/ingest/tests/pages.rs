//! Article pages with page chrome in plain `<div>`s, around and inside the article (cookie
//! banners, ads with claim-like sentences, share bars, comment counts, related-link lists,
//! newsletter boxes, author bios, paywall nags): the workspace's `tests/fixtures/pages` (see its
//! README). Read as `claimex run` reads them, each page's stored text must be exactly its article
//! paragraphs, and its metadata must say who published it and when.

use std::path::{Path, PathBuf};

use claimex_ingest::{
    clean_document, expand_inputs, html_to_text, DocumentReader, Extractor, ReaderConfig,
};
use serde::Deserialize;

#[derive(Deserialize)]
struct Expected {
    body: Vec<String>,
    chrome: Vec<String>,
    published_at: String,
    author: String,
    title: String,
}

fn pages() -> Vec<(PathBuf, Expected)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/pages");
    let mut pages: Vec<(PathBuf, Expected)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "html"))
        .map(|page| {
            let expected = std::fs::read_to_string(page.with_extension("expected.json")).unwrap();
            (page, serde_json::from_str(&expected).unwrap())
        })
        .collect();
    pages.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(pages.len() >= 6, "pages in {}", dir.display());
    pages
}

#[test]
fn chrome_heavy_pages_keep_only_their_article_paragraphs_and_their_metadata() {
    let mut failures = Vec::new();
    for (page, expected) in pages() {
        let name = page.file_name().unwrap().to_string_lossy().into_owned();
        let html = std::fs::read_to_string(&page).unwrap();
        assert_eq!(
            html_to_text(&html).extractor,
            Extractor::Readability,
            "{name}"
        );
        let files = expand_inputs(std::slice::from_ref(&page)).unwrap();
        let raw = DocumentReader::new(files, ReaderConfig::default())
            .next()
            .unwrap()
            .unwrap();
        let doc = clean_document(raw).unwrap();
        let want = expected.body.join("\n\n");
        if doc.text != want {
            let got: Vec<&str> = doc.text.split("\n\n").collect();
            let extra: Vec<&&str> = got
                .iter()
                .filter(|p| !expected.body.iter().any(|b| b == *p))
                .collect();
            let lost: Vec<&String> = expected
                .body
                .iter()
                .filter(|b| !got.contains(&b.as_str()))
                .collect();
            failures.push(format!(
                "{name}: stored text differs from the article's paragraphs;\n  kept: {extra:?}\n  lost: {lost:?}"
            ));
        }
        for chrome in &expected.chrome {
            if doc.text.contains(chrome.as_str()) {
                failures.push(format!("{name}: page chrome kept: {chrome:?}"));
            }
        }
        let meta = &doc.meta;
        let got = (
            meta.published_at.as_deref(),
            meta.author.as_deref(),
            meta.title.as_deref(),
        );
        let want = (
            Some(expected.published_at.as_str()),
            Some(expected.author.as_str()),
            Some(expected.title.as_str()),
        );
        if got != want {
            failures.push(format!("{name}: metadata {got:?} instead of {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
