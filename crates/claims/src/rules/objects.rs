//! Objects in the rules builder: the noun phrase after a verb group (or after a relation noun or
//! a preposition the verb takes), an adjective after a copula, Open IE's prepositional adjuncts
//! and lists, and where a clause ends.

use super::context::Context;
use super::words::{IDIOMS, OBJECT_PREPOSITIONS, PREPOSITION_FRAMES, RELATION_NOUNS};
use crate::confidence::ObjectKind;
use crate::lexicon::TIME_WORDS;
use crate::phrases::{NounPhrase, Tok, VerbGroup};

pub(super) enum ObjectPhrase {
    Noun(NounPhrase),
    /// Tokens `start..end` as they stand: an adjective complement of a copula, or in Open IE
    /// style a prepositional phrase after a verb without an object.
    Span(usize, usize),
}

pub(super) struct ObjectFound {
    pub(super) phrases: Vec<ObjectPhrase>,
    /// Token after the last predicate token (the preposition or relation noun included).
    pub(super) predicate_end: usize,
    /// Lemma when the predicate grew ("maintain ties with").
    pub(super) lemma: Option<String>,
    pub(super) kind: ObjectKind,
}

impl Context<'_> {
    /// The object of a verb group: a noun phrase right after it (the second of two when the
    /// first is a pronoun, "offered him a contract"), the phrase after a relation noun ("ties
    /// with Israel"), after a preposition the verb takes ("met with"), or an adjective after a
    /// copula ("remains cautious"); conjuncts split.
    pub(super) fn object_of(&self, g: &VerbGroup) -> Option<ObjectFound> {
        let toks = self.toks;
        let k = g.end;
        let lemma = g.lemma.as_str();
        let limit = toks.len();
        let next = toks.get(k);
        if next.is_some_and(|t| t.lower == "that") || self.clause_at(k) {
            // A clause complement is not an object ("believes the deal will pass").
            return Some(ObjectFound {
                phrases: vec![],
                predicate_end: k,
                lemma: None,
                kind: ObjectKind::Clause,
            });
        }
        if let Some(mut np) = self.np_at(k) {
            if toks[np.start].pos == "PRP" {
                if let Some(second) = self.np_at(np.end) {
                    np = second;
                }
            }
            let head = &toks[np.end - 1];
            if np.end - np.start == 1 && IDIOMS.contains(&(lemma, head.lower.as_str())) {
                let idiom = format!("{lemma} {}", head.lower);
                return Some(
                    self.prepositional_object(np.end, &idiom)
                        .unwrap_or(ObjectFound {
                            phrases: vec![],
                            predicate_end: np.end,
                            lemma: Some(idiom),
                            kind: ObjectKind::None,
                        }),
                );
            }
            if RELATION_NOUNS.contains(&head.lower.as_str()) {
                if let Some(prep) = toks.get(np.end).filter(|t| t.lower == "with") {
                    if let Some(target) = self.np_at(np.end + 1) {
                        return Some(ObjectFound {
                            phrases: self
                                .conjuncts(target, limit, false)
                                .into_iter()
                                .map(ObjectPhrase::Noun)
                                .collect(),
                            predicate_end: np.end + 1,
                            lemma: Some(format!("{} {} {}", lemma, head.lower, prep.lower)),
                            kind: ObjectKind::Direct,
                        });
                    }
                }
            }
            return Some(ObjectFound {
                phrases: self
                    .conjuncts(np, limit, false)
                    .into_iter()
                    .map(ObjectPhrase::Noun)
                    .collect(),
                predicate_end: k,
                lemma: None,
                kind: ObjectKind::Direct,
            });
        }
        if let Some(found) = self.prepositional_object(k, lemma) {
            return Some(found);
        }
        if matches!(
            lemma,
            "be" | "remain" | "become" | "seem" | "appear" | "stay"
        ) {
            // Adjectives, and adverbs before one ("still more common").
            let mut e = k;
            while e < limit
                && (toks[e].pos.starts_with("JJ")
                    || (toks[e].pos.starts_with("RB")
                        && toks[e..]
                            .iter()
                            .find(|t| !t.pos.starts_with("RB"))
                            .is_some_and(|t| t.pos.starts_with("JJ"))))
            {
                e += 1;
            }
            if e > k {
                return Some(ObjectFound {
                    phrases: vec![ObjectPhrase::Span(k, e)],
                    predicate_end: k,
                    lemma: None,
                    kind: ObjectKind::Adjective,
                });
            }
            // A copula needs a complement to say anything.
            return None;
        }
        Some(ObjectFound {
            phrases: vec![],
            predicate_end: k,
            lemma: None,
            kind: ObjectKind::None,
        })
    }

    /// Open IE: for a verb without an object, the prepositional phrase after it up to the end
    /// of its clause, preposition included ("stayed | for less than a year").
    pub(super) fn adjunct_of(&self, g: &VerbGroup) -> Option<ObjectFound> {
        let toks = self.toks;
        let prep = toks.get(g.end)?;
        if !matches!(prep.pos.as_str(), "IN" | "TO")
            || matches!(prep.lower.as_str(), "that" | "whether" | "if" | "because")
        {
            return None;
        }
        let end = self.clause_end(g.end + 1);
        (end > g.end + 1).then(|| ObjectFound {
            phrases: vec![ObjectPhrase::Span(g.end, end)],
            predicate_end: g.end,
            lemma: None,
            kind: ObjectKind::Prepositional,
        })
    }

    /// An object after a preposition at `k` for a verb without a direct object ("died in
    /// Stockholm", "met with four leaders", "grew by 4 percent"); not a time ("on Monday").
    pub(super) fn prepositional_object(&self, k: usize, lemma: &str) -> Option<ObjectFound> {
        let toks = self.toks;
        let prep = toks
            .get(k)
            .filter(|t| matches!(t.pos.as_str(), "IN" | "TO"))?;
        if !OBJECT_PREPOSITIONS.contains(&prep.lower.as_str()) {
            return None;
        }
        // Past adverbs: "goes beyond just diplomatic ties".
        let from = (k + 1..toks.len())
            .find(|&j| !toks[j].pos.starts_with("RB"))
            .unwrap_or(k + 1);
        let np = self.np_at(from)?;
        let words = &toks[np.start..np.end];
        if words.iter().any(|t| TIME_WORDS.contains(&t.lower.as_str()))
            || words.iter().all(|t| t.pos == "CD" || t.pos == "DT")
        {
            return None;
        }
        let framed = PREPOSITION_FRAMES.contains(&(lemma, prep.lower.as_str()));
        Some(ObjectFound {
            phrases: self
                .conjuncts(np, toks.len(), false)
                .into_iter()
                .map(ObjectPhrase::Noun)
                .collect(),
            predicate_end: k + 1,
            lemma: Some(format!("{lemma} {}", prep.lower)),
            kind: if framed {
                ObjectKind::Direct
            } else {
                ObjectKind::Prepositional
            },
        })
    }

    /// Past a phrase ending at `end`: "of"-style prepositional phrases that attach to it ("32.7 %
    /// of all households", "the first Prime Minister of Australia").
    pub(super) fn extend_over_prepositions(&self, mut end: usize) -> usize {
        while let Some(t) = self.toks.get(end) {
            if !(t.pos == "IN"
                && matches!(
                    t.lower.as_str(),
                    "of" | "for" | "from" | "in" | "on" | "with"
                ))
                && t.pos != "POS"
            {
                break;
            }
            match self.np_at(end + 1) {
                Some(np) => end = np.end,
                None => break,
            }
        }
        end
    }

    /// Open IE: a list after the last preposition of an argument `start..end` ("a notable
    /// influence on John Buchan and Ken Follett", "in relation to direct taxes and indirect
    /// taxes, tax credits, and money laundering"): the token where the list starts and each
    /// item's tokens. CaRB's annotators give one tuple per item, with the words before the list
    /// in the relation. Items are noun phrases (with what follows them up to the next comma or
    /// conjunction, no verb); a comma continues the list only when a conjunction ends it later.
    pub(super) fn list_in_argument(
        &self,
        start: usize,
        end: usize,
    ) -> Option<(usize, Vec<(usize, usize)>)> {
        let toks = self.toks;
        let is_and = |k: usize| {
            toks.get(k)
                .is_some_and(|t| matches!(t.lower.as_str(), "and" | "or"))
        };
        let is_comma = |k: usize| toks.get(k).is_some_and(|t| t.lower == ",");
        // The list's conjunction may lie past the comma that ends the argument ("to A , B ,
        // and C"), not past a verb or the end of the clause.
        let first_and = (start + 1..toks.len())
            .take_while(|&k| {
                !toks[k].is_verb() && !matches!(toks[k].lower.as_str(), ";" | ":" | "." | "?" | "!")
            })
            .find(|&k| is_and(k))?;
        let from = (start..first_and.min(end))
            .rev()
            .find(|&k| matches!(toks[k].pos.as_str(), "IN" | "TO"))?
            + 1;
        // The words before the list join the relation: a short phrase, no verb.
        if from - start > 6 || toks[start..from].iter().any(Tok::is_verb) {
            return None;
        }
        // Where an item starting at `k` ends, or None when it holds a verb or is too long.
        let item_end = |k: usize| {
            let mut e = k;
            while e < toks.len()
                && !is_and(e)
                && !matches!(
                    toks[e].lower.as_str(),
                    "," | ";"
                        | ":"
                        | "."
                        | "!"
                        | "?"
                        | "which"
                        | "who"
                        | "''"
                        | "``"
                        | "\""
                        | "("
                        | ")"
                )
            {
                if toks[e].is_verb() || e - k >= 8 {
                    return None;
                }
                e += 1;
            }
            Some(e)
        };
        // A later conjunction reached over comma-separated items.
        let and_ahead = |mut k: usize| loop {
            if self.np_at(k).is_none() {
                return false;
            }
            let Some(e) = item_end(k) else {
                return false;
            };
            if is_and(e) || (is_comma(e) && is_and(e + 1)) {
                return true;
            }
            if !is_comma(e) {
                return false;
            }
            k = e + 1;
        };
        let mut items = Vec::new();
        let mut k = from;
        let mut coordinated = false;
        loop {
            if self.np_at(k).is_none() {
                break;
            }
            let Some(e) = item_end(k) else {
                break;
            };
            items.push((k, e));
            let next = if is_and(e) {
                Some((e + 1, true))
            } else if is_comma(e) && is_and(e + 1) {
                Some((e + 2, true))
            } else if is_comma(e) && and_ahead(e + 1) {
                Some((e + 1, false))
            } else {
                None
            };
            let Some((after, conjunction)) = next else {
                break;
            };
            coordinated |= conjunction;
            k = after;
        }
        (coordinated && items.len() >= 2 && from < first_and).then_some((from, items))
    }

    /// Where the clause that continues at token `k` ends: before a comma, semicolon, colon or
    /// final punctuation, a relative pronoun, or "and"/"but" that starts another clause.
    pub(super) fn clause_end(&self, k: usize) -> usize {
        let toks = self.toks;
        let mut end = k;
        while end < toks.len() {
            let t = &toks[end];
            let stop = matches!(
                t.lower.as_str(),
                "," | ";" | ":" | "." | "!" | "?" | "which" | "who" | "''" | "``" | "\""
            ) || (matches!(t.lower.as_str(), "and" | "but")
                && toks[end + 1..].iter().take(4).any(|n| n.is_verb()));
            if stop {
                break;
            }
            end += 1;
        }
        end
    }

    /// A clause starts at `k`: a noun phrase followed by a verb.
    pub(super) fn clause_at(&self, k: usize) -> bool {
        self.np_at(k).is_some_and(|np| {
            self.toks
                .get(np.end)
                .is_some_and(|t| t.is_verb() && !t.pos.starts_with("VBG"))
        })
    }
}
