//! Open IE output: a sentence's claims as tuples in the style Open IE benchmarks such as CaRB
//! annotate (relation phrase, then arguments as they stand in the sentence), with an opening
//! prepositional phrase as a further argument and the relations the sentence implies.

use claimex_core::ModelIds;

use crate::implied::implied_relations;
use crate::rules::{open_claims_of_sentence, SentenceInput};

/// One Open IE extraction: a relation phrase, its arguments (subject first) and a raw score on
/// which extractions are ranked.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenExtraction {
    /// The relation phrase ("is in the final stages of joining"), or an implied relation word.
    pub relation: String,
    /// Arguments as they stand in the sentence, subject first.
    pub arguments: Vec<String>,
    /// The raw claim score.
    pub confidence: f32,
}

/// Words that open a sentence's leading prepositional phrase.
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

/// A sentence's opening prepositional phrase up to its comma ("In October 2008 , ..."), which
/// Open IE tuples carry as a further argument. Looks at the first ten words only.
pub fn leading_adverbial(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let first = words.first()?.to_lowercase();
    if !OPENERS.contains(&first.as_str()) {
        return None;
    }
    let comma = words.iter().take(10).position(|w| *w == ",")?;
    (comma > 1).then(|| words[..comma].join(" "))
}

/// The Open IE extractions of one sentence: its claims in Open IE style
/// ([`open_claims_of_sentence`]) with the sentence's opening phrase appended to their arguments,
/// then its implied relations.
pub fn open_extractions(input: &SentenceInput, models: &ModelIds) -> Vec<OpenExtraction> {
    let setting = leading_adverbial(&input.sentence.text);
    let claims = open_claims_of_sentence(input, models)
        .into_iter()
        .map(|c| OpenExtraction {
            relation: c.predicate.text,
            arguments: std::iter::once(c.subject.text)
                .chain(c.object.map(|o| o.text))
                .chain(setting.clone())
                .collect(),
            confidence: c.confidence,
        });
    let implied = implied_relations(input)
        .into_iter()
        .map(|r| OpenExtraction {
            relation: r.relation.to_string(),
            arguments: vec![r.subject.text, r.object.text],
            confidence: r.confidence,
        });
    claims.chain(implied).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_prepositional_phrase_up_to_its_comma() {
        assert_eq!(
            leading_adverbial("In October 2008 , the firm moved").as_deref(),
            Some("In October 2008")
        );
    }

    #[test]
    fn no_leading_phrase_without_an_opener_or_a_near_comma() {
        assert_eq!(
            leading_adverbial("The firm moved in 2008 , they said"),
            None
        );
        assert_eq!(leading_adverbial("In , the firm moved"), None);
        assert_eq!(
            leading_adverbial(
                "In a year that nobody in the town would ever forget again , it fell"
            ),
            None
        );
    }
}
