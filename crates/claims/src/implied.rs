//! Relations a sentence states without a verb for them, for Open IE: a title before a name
//! ("author Bill Bryson": Bill Bryson is an author), an apposition ("Cashel Byron , a world
//! champion prizefighter ,"), and a place after "in" or after a comma ("the Laboratory in
//! Cambridge", "Hillsborough , North Carolina"). Open IE benchmarks such as CaRB annotate these;
//! claims do not carry them, because the relation word is not in the text and a claim's
//! predicate is a span of it. Possessives ("Kesey 's son": Kesey has a son) were tried and left
//! out: CaRB annotates few of them (CaRB dev F1 0.469 without them, 0.464 with them).

use claimex_core::Argument;

use crate::phrases::{noun_phrases, NounPhrase};
use crate::rules::{token_argument, SentenceInput};

/// A relation implied by the sentence's wording. The arguments are spans of the sentence; the
/// relation is a word the sentence does not hold.
#[derive(Debug, Clone, PartialEq)]
pub struct ImpliedRelation {
    /// "is"/"are" or "is in"/"are in", by the subject's number.
    pub relation: &'static str,
    /// The first argument.
    pub subject: Argument,
    /// The second argument.
    pub object: Argument,
    /// A score on the scale of the raw claim confidence (they are ranked together).
    pub confidence: f32,
}

/// Confidence of implied relations: below most verb-based claims, which are better supported.
const CONFIDENCE: f32 = 0.3;

/// The relations `input`'s sentence implies (see the module documentation).
pub fn implied_relations(input: &SentenceInput) -> Vec<ImpliedRelation> {
    let (ents, toks) = input.tokens_and_entities();
    if toks.is_empty() {
        return Vec::new();
    }
    let nps = noun_phrases(&toks);
    let chars: Vec<char> = input.sentence.text.chars().collect();
    let label = |k: usize| toks[k].entity.map(|e| ents[e].label.as_str());
    let plural = |k: usize| matches!(toks[k].pos.as_str(), "NNS" | "NNPS");
    let np_at = |k: usize| nps.iter().copied().find(|np| np.start == k);
    let word = |k: usize| toks.get(k).map_or("", |t| t.lower.as_str());
    let is_list_word = |k: usize| matches!(word(k), "and" | "or");
    let mut out = Vec::new();
    let mut push =
        |relation: [&'static str; 2], subject: (usize, usize), object: (usize, usize)| {
            let singular = !plural(subject.1 - 1);
            out.push(ImpliedRelation {
                relation: if singular { relation[0] } else { relation[1] },
                subject: token_argument(input.sentence, &toks, &chars, subject.0, subject.1, 0.6),
                object: token_argument(input.sentence, &toks, &chars, object.0, object.1, 0.6),
                confidence: CONFIDENCE,
            });
        };

    for np in &nps {
        // "author Bill Bryson": Bill Bryson is an author.
        let last = np.end - 1;
        if label(last) == Some("PER") {
            let first = (np.start..np.end)
                .find(|&k| toks[k].entity == toks[last].entity)
                .unwrap_or(last);
            let title = &toks[np.start..first];
            if title
                .iter()
                .any(|t| t.is_noun() && t.entity.is_none() && t.pos != "PRP")
                && !title.iter().any(|t| t.pos == "POS")
            {
                push(["is", "are"], (first, np.end), (np.start, first));
            }
        }
    }

    for pair in nps.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if b.start != a.end + 1 || toks[a.start].pos == "PRP" {
            continue;
        }
        let between = word(a.end);
        let b_place = label(b.end - 1) == Some("LOC");
        // A list ("Israel , Bahrain , and Morocco") is not an apposition or a place in a place.
        let in_list = (a.start > 0 && word(a.start - 1) == ",")
            || is_list_word(b.end)
            || (word(b.end) == "," && is_list_word(b.end + 1))
            || (word(b.end) == "," && np_at(b.end + 1).is_some());
        // "the National Magnet Laboratory in Cambridge": the laboratory is in Cambridge.
        if between == "in" && b_place {
            push(["is in", "are in"], (a.start, a.end), (b.start, b.end));
            continue;
        }
        if between != "," || in_list {
            continue;
        }
        // "Hillsborough , North Carolina": the first place is in the second.
        if b_place && label(a.end - 1) == Some("LOC") && b.end - b.start <= 3 {
            push(["is in", "are in"], (a.start, a.end), (b.start, b.end));
            continue;
        }
        // "Cashel Byron , a world champion prizefighter ,": a name and a description of it,
        // the apposition closed by a comma or the end of the sentence.
        let closed = matches!(word(b.end), "," | "." | ")" | "" | ";");
        let named =
            |np: NounPhrase| toks[np.end - 1].entity.is_some() && label(np.end - 1) != Some("MISC");
        let described = |np: NounPhrase| {
            toks[np.end - 1].entity.is_none()
                && matches!(toks[np.end - 1].pos.as_str(), "NN" | "NNS")
        };
        let of_phrases = |mut end: usize| {
            while word(end) == "of" {
                match np_at(end + 1) {
                    Some(next) => end = next.end,
                    None => break,
                }
            }
            end
        };
        if !closed && word(b.end) != "of" {
            continue;
        }
        if named(a) && described(b) {
            let end = of_phrases(b.end);
            if matches!(word(end), "," | "." | ")" | "" | ";") {
                push(["is", "are"], (a.start, a.end), (b.start, end));
            }
        } else if described(a) && named(b) && closed {
            push(["is", "are"], (b.start, b.end), (a.start, a.end));
        }
    }
    out
}
