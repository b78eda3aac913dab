//! Scores article extraction on a folder of pages with `.expected.json` files (the format of
//! tests/fixtures/pages): for each page, the article paragraphs kept whole, the paragraphs of the
//! stored text that are not article paragraphs, the chrome strings left in, and whether the
//! publication time, author and title are right. Totals at the end.
//!
//!     cargo run -p claimex-ingest --example page_score -- tests/fixtures/pages-heldout

use std::path::PathBuf;

use claimex_ingest::{clean_document, expand_inputs, html_to_text, DocumentReader, ReaderConfig};

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| {
        eprintln!("usage: page_score FOLDER");
        std::process::exit(2)
    }));
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    pages.sort();
    let (mut body, mut kept, mut extra, mut chrome, mut leaked, mut meta_right) =
        (0, 0, 0, 0, 0, 0);
    for page in &pages {
        let expected: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(page.with_extension("expected.json")).expect("expectations"),
        )
        .expect("expectations are JSON");
        let strings = |key: &str| -> Vec<String> {
            expected[key]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default()
        };
        let (want, bad) = (strings("body"), strings("chrome"));
        let html = std::fs::read_to_string(page).expect("a page");
        let extractor = html_to_text(&html).extractor;
        let files = expand_inputs(std::slice::from_ref(page)).expect("the page");
        let raw = DocumentReader::new(files, ReaderConfig::default())
            .next()
            .expect("one document")
            .expect("read");
        let doc = clean_document(raw).expect("text");
        let got: Vec<&str> = doc.text.split("\n\n").collect();
        let k = want.iter().filter(|w| got.contains(&w.as_str())).count();
        let x: Vec<&&str> = got
            .iter()
            .filter(|g| !want.iter().any(|w| w == *g))
            .collect();
        let l: Vec<&String> = bad
            .iter()
            .filter(|c| doc.text.contains(c.as_str()))
            .collect();
        let m = doc.meta.published_at.as_deref() == expected["published_at"].as_str()
            && doc.meta.author.as_deref() == expected["author"].as_str()
            && doc.meta.title.as_deref() == expected["title"].as_str();
        println!(
            "{}: {extractor:?}; article paragraphs kept {k}/{}; other paragraphs {}; chrome strings left {}/{}; metadata {}",
            page.file_name().map(|n| n.to_string_lossy()).unwrap_or_default(),
            want.len(),
            x.len(),
            l.len(),
            bad.len(),
            if m { "right" } else { "wrong" }
        );
        for p in &x {
            println!("    other: {p:?}");
        }
        for c in &l {
            println!("    chrome: {c:?}");
        }
        if !m {
            println!(
                "    metadata: {:?} {:?} {:?}",
                doc.meta.published_at, doc.meta.author, doc.meta.title
            );
        }
        body += want.len();
        kept += k;
        extra += x.len();
        chrome += bad.len();
        leaked += l.len();
        meta_right += usize::from(m);
    }
    println!(
        "total: {} pages; article paragraphs kept {kept}/{body}; other paragraphs {extra}; chrome strings left {leaked}/{chrome}; metadata right on {meta_right}",
        pages.len()
    );
}
