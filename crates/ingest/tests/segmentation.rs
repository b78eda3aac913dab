//! Sentence segmentation against hand-written news cases (segmentation_cases.txt).

use claimex_core::TextIndex;
use claimex_ingest::split_sentences;

struct Case {
    text: String,
    expected: Vec<String>,
}

fn cases() -> Vec<Case> {
    let raw = include_str!("segmentation_cases.txt");
    let mut cases = Vec::new();
    for block in raw.split("\n\n") {
        let lines: Vec<&str> = block
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .collect();
        if lines.is_empty() {
            continue;
        }
        let mut text = String::new();
        let mut expected = Vec::new();
        for line in lines {
            let (paragraph, sentence) = match line.strip_prefix("¶ ") {
                Some(rest) => (true, rest),
                None => (false, line),
            };
            if !text.is_empty() {
                text.push_str(if paragraph { "\n\n" } else { " " });
            }
            text.push_str(sentence);
            expected.push(sentence.to_string());
        }
        cases.push(Case { text, expected });
    }
    cases
}

#[test]
fn splits_every_hand_written_case() {
    let cases = cases();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let index = TextIndex::new(&case.text);
        let got: Vec<String> = split_sentences(&case.text)
            .into_iter()
            .map(|s| index.slice(&case.text, s).unwrap().to_string())
            .collect();
        if got != case.expected {
            failures.push(format!(
                "input:    {:?}\nexpected: {:#?}\ngot:      {:#?}",
                case.text, case.expected, got
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
