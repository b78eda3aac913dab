//! The seed article the project started from (read from ../shared, which CI has and a fresh user
//! machine may not: there these tests say they were skipped).

use std::path::PathBuf;

use crate::util::{read_jsonl, run_ok, slice_chars, workspace_root};

fn seed_article() -> Option<PathBuf> {
    let path = workspace_root().join("../shared/seed-article.txt");
    if path.is_file() {
        Some(path)
    } else {
        eprintln!(
            "SKIPPED: {} not found (it is part of the shared data, not of the repository)",
            path.display()
        );
        None
    }
}

#[test]
fn seed_article_splits_into_its_natural_sentences_without_page_chrome() {
    let Some(seed) = seed_article() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s.jsonl");
    run_ok(&[
        "ingest",
        seed.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let doc = &read_jsonl(&out)[0];
    let text = doc["text"].as_str().unwrap();
    assert!(!text.contains("Select Language"));
    let sentences: Vec<&str> = doc["sentences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        sentences[0],
        "Kazakhstan is in the final stages of joining the Abraham Accords, which aim to normalize relations between Israel and Muslim-majority countries."
    );
    assert_eq!(doc["sentences"][0]["start"], 0);
    assert!(sentences.contains(&"Trump also met with four Central Asian leaders—Kyrgyzstan, Tajikistan, Turkmenistan, and Uzbekistan—at the White House."));
    assert!(sentences.contains(&"U.S. special envoy Steve Witkoff indicated he would return to Washington for the announcement, with reports initially pointing to Kazakhstan as the country set to join."));
    assert_eq!(sentences.len(), 14, "{sentences:#?}");
    for s in doc["sentences"].as_array().unwrap() {
        assert_eq!(
            slice_chars(
                text,
                s["start"].as_u64().unwrap(),
                s["end"].as_u64().unwrap()
            ),
            s["text"].as_str().unwrap()
        );
    }
}
