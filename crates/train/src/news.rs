//! The real-news claims test set (tests/fixtures/news-claims): Reuters sentences from CoNLL-2003
//! named by position, with gold claims as token spans. The text stays in the CoNLL files; it is
//! rebuilt here (punctuation attached, as printed) and the spans become the strings the claim
//! scorer compares.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::claims::{ClaimExample, GoldAttribution, GoldClaim};
use crate::conll::{read_conll_documents, rebuild_documents, Layout};
use crate::{Error, Result};

/// Which sentences of the set to score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewsSplit {
    /// The 50 sentences looked at while developing.
    Develop,
    /// The 100 sentences scored only when a change is done.
    Test,
    /// All of them.
    All,
}

#[derive(Deserialize)]
struct Selected {
    id: String,
    split: String,
    file: String,
    doc: usize,
    sentence: usize,
    tokens: usize,
}

#[derive(Deserialize)]
struct Labelled {
    id: String,
    claims: Vec<SpanClaim>,
}

#[derive(Deserialize)]
struct SpanClaim {
    subject: [usize; 2],
    predicate: String,
    object: Option<[usize; 2]>,
    modality: String,
    attribution: Option<SpanAttribution>,
}

#[derive(Deserialize)]
struct SpanAttribution {
    source: [usize; 2],
    cue: String,
}

/// The sentences of `split` from the set in `dir` (`selection.jsonl`, `labels.jsonl`), their
/// text rebuilt from the CoNLL-2003 files in `conll_dir`, their gold claims as text. Errors name
/// the file and line of a label that does not fit its sentence, and a CoNLL folder that does not
/// hold the sentences the selection names.
pub fn read_news_claims(
    dir: &Path,
    conll_dir: &Path,
    split: NewsSplit,
) -> Result<Vec<ClaimExample>> {
    let selection: Vec<(usize, Selected)> =
        crate::fixtures::read_jsonl(&dir.join("selection.jsonl"))?;
    let labels_path = dir.join("labels.jsonl");
    let labels: HashMap<String, (usize, Labelled)> =
        crate::fixtures::read_jsonl::<Labelled>(&labels_path)?
            .into_iter()
            .map(|(line, l)| (l.id.clone(), (line, l)))
            .collect();
    let mut documents = HashMap::new();
    let mut out = Vec::new();
    for (line, chosen) in selection {
        if !matches!(chosen.split.as_str(), "develop" | "test") {
            return Err(Error::Format {
                path: dir.join("selection.jsonl"),
                line,
                reason: format!("split {:?} is neither develop nor test", chosen.split),
            });
        }
        let wanted = match split {
            NewsSplit::All => true,
            NewsSplit::Develop => chosen.split == "develop",
            NewsSplit::Test => chosen.split == "test",
        };
        if !wanted {
            continue;
        }
        let path = conll_dir.join(&chosen.file);
        if !documents.contains_key(&path) {
            documents.insert(path.clone(), read_conll_documents(&path)?);
        }
        let missing = |what: String| {
            Error::Format {
            path: path.clone(),
            line: 0,
            reason: format!(
                "{what} (the selection's {}, document {}, sentence {}): not the CoNLL-2003 file the set was chosen from",
                chosen.id, chosen.doc, chosen.sentence
            ),
        }
        };
        let sentence = documents[&path]
            .get(chosen.doc)
            .and_then(|d| d.get(chosen.sentence))
            .ok_or_else(|| missing("no such sentence".into()))?;
        if sentence.tokens.len() != chosen.tokens {
            return Err(missing(format!(
                "{} tokens, not {}",
                sentence.tokens.len(),
                chosen.tokens
            )));
        }
        let rebuilt =
            rebuild_documents(std::slice::from_ref(&vec![sentence.clone()]), Layout::Flat)
                .remove(0);
        let (line, labelled) = labels.get(&chosen.id).ok_or_else(|| Error::Format {
            path: labels_path.clone(),
            line: 0,
            reason: format!("no labels for {}", chosen.id),
        })?;
        let chars: Vec<char> = rebuilt.text.chars().collect();
        let text_of = |[start, end]: [usize; 2]| -> Result<String> {
            if start >= end || end > rebuilt.token_spans.len() {
                return Err(Error::Format {
                    path: labels_path.clone(),
                    line: *line,
                    reason: format!(
                        "{}: span [{start}, {end}) does not fit its {} tokens",
                        chosen.id, chosen.tokens
                    ),
                });
            }
            let (from, to) = (
                rebuilt.token_spans[start].start,
                rebuilt.token_spans[end - 1].end,
            );
            Ok(chars[from..to].iter().collect())
        };
        let mut claims = Vec::new();
        for c in &labelled.claims {
            claims.push(GoldClaim {
                subject: text_of(c.subject)?,
                predicate: c.predicate.clone(),
                object: c.object.map(text_of).transpose()?,
                modality: c.modality.clone(),
                attribution: c
                    .attribution
                    .as_ref()
                    .map(|a| {
                        Ok::<_, Error>(GoldAttribution {
                            source: text_of(a.source)?,
                            cue: a.cue.clone(),
                        })
                    })
                    .transpose()?,
            });
        }
        out.push(ClaimExample {
            id: chosen.id,
            text: rebuilt.text,
            claims,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONLL: &str = "-DOCSTART- -X- -X- O\n\nVOTE NN B-NP O\n\nNordvolt NNP B-NP B-ORG\nsaid VBD B-VP O\nit PRP B-NP O\nwould MD B-VP O\nbuy VB I-VP O\nLumen NNP B-NP B-ORG\n( ( O O\nU.S. NNP B-NP B-LOC\n) ) O O\n. . O O\n\n-DOCSTART- -X- -X- O\n\nOslo NNP B-NP B-LOC\nwon VBD B-VP O\n\" \" O O\nbig JJ B-NP O\n\" \" O O\n. . O O\n";

    fn set(labels: &str, tokens: usize) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("test.txt"), CONLL).unwrap();
        let selection = format!(
            "{{\"id\": \"nw-001\", \"split\": \"develop\", \"file\": \"test.txt\", \"doc\": 0, \"sentence\": 1, \"tokens\": {tokens}}}\n\
             {{\"id\": \"nw-002\", \"split\": \"test\", \"file\": \"test.txt\", \"doc\": 1, \"sentence\": 0, \"tokens\": 6}}\n"
        );
        std::fs::write(dir.path().join("selection.jsonl"), selection).unwrap();
        std::fs::write(dir.path().join("labels.jsonl"), labels).unwrap();
        dir
    }

    const LABELS: &str = "{\"id\": \"nw-001\", \"claims\": [{\"subject\": [0, 1], \"predicate\": \"buy\", \"object\": [5, 9], \"modality\": \"future\", \"attribution\": {\"source\": [0, 1], \"cue\": \"said\"}}]}\n{\"id\": \"nw-002\", \"claims\": []}\n";

    #[test]
    fn sentences_are_rebuilt_as_printed_and_spans_become_their_text() {
        let dir = set(LABELS, 10);
        let all = read_news_claims(dir.path(), dir.path(), NewsSplit::All).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].text, "Nordvolt said it would buy Lumen (U.S.).");
        let claim = &all[0].claims[0];
        assert_eq!(
            (claim.subject.as_str(), claim.object.as_deref()),
            ("Nordvolt", Some("Lumen (U.S.)"))
        );
        assert_eq!(claim.attribution.as_ref().unwrap().source, "Nordvolt");
        assert_eq!(all[1].text, "Oslo won \"big\".");
        assert!(all[1].claims.is_empty());
        let develop = read_news_claims(dir.path(), dir.path(), NewsSplit::Develop).unwrap();
        assert_eq!(
            develop.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
            ["nw-001"]
        );
        let test = read_news_claims(dir.path(), dir.path(), NewsSplit::Test).unwrap();
        assert_eq!(
            test.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
            ["nw-002"]
        );
    }

    #[test]
    fn a_span_past_the_sentence_or_another_conll_file_is_an_error_saying_so() {
        let dir = set(&LABELS.replace("[5, 9]", "[5, 11]"), 10);
        let err = read_news_claims(dir.path(), dir.path(), NewsSplit::All).unwrap_err();
        assert!(
            err.to_string()
                .contains("nw-001: span [5, 11) does not fit its 10 tokens"),
            "{err}"
        );
        let dir = set(LABELS, 12);
        let err = read_news_claims(dir.path(), dir.path(), NewsSplit::All).unwrap_err();
        assert!(err.to_string().contains("10 tokens, not 12"), "{err}");
        assert!(err.to_string().contains("not the CoNLL-2003 file"), "{err}");
    }
}
