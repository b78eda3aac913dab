use serde::{Deserialize, Serialize};

use crate::Span;

/// A sentence of a document, with its character span and text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    /// First character, inclusive.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// `document.text[start..end]` (character offsets).
    pub text: String,
}

impl Sentence {
    /// The sentence's span.
    pub fn span(&self) -> Span {
        Span::new(self.start, self.end)
    }
}

/// A named-entity mention found by NER.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntitySpan {
    /// The mention's text, exactly as in the document.
    pub text: String,
    /// Entity type (PER, ORG, LOC, MISC, or whatever the model's labels say).
    pub label: String,
    /// First character in the document, inclusive.
    pub start: usize,
    /// One past the last character in the document.
    pub end: usize,
    /// Mean probability of the chosen label over the mention's tokens.
    pub score: f32,
    /// Lowest token probability inside the mention.
    pub min_score: f32,
    /// Id of the entity this mention names within its document (see [`crate::link_entities`]);
    /// `None` until linked.
    #[serde(default)]
    pub entity: Option<String>,
}

impl EntitySpan {
    /// The mention's span.
    pub fn span(&self) -> Span {
        Span::new(self.start, self.end)
    }
}

/// Subject or object of a claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Argument {
    /// Text as in the document.
    pub text: String,
    /// Entity type, or `None` for an argument that is not a named entity.
    #[serde(rename = "type")]
    pub label: Option<String>,
    /// First character in the document.
    pub start: usize,
    /// One past the last character in the document.
    pub end: usize,
    /// Confidence in the argument itself (the entity score for entities).
    pub score: f32,
    /// Id of the linked entity within the document, when the argument is a linked mention.
    #[serde(default)]
    pub entity: Option<String>,
}

impl Argument {
    /// The argument's span.
    pub fn span(&self) -> Span {
        Span::new(self.start, self.end)
    }
}

impl From<&EntitySpan> for Argument {
    fn from(e: &EntitySpan) -> Self {
        Argument {
            text: e.text.clone(),
            label: Some(e.label.clone()),
            start: e.start,
            end: e.end,
            score: e.score,
            entity: e.entity.clone(),
        }
    }
}

/// The relation phrase of a claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Predicate {
    /// The phrase as in the document ("is in the final stages of joining").
    pub text: String,
    /// Normalised head verb ("join").
    pub lemma: String,
    /// First character in the document.
    pub start: usize,
    /// One past the last character in the document.
    pub end: usize,
}

impl Predicate {
    /// The predicate's span.
    pub fn span(&self) -> Span {
        Span::new(self.start, self.end)
    }
}

/// How the source presents the claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Modality {
    /// Stated as fact.
    Asserted,
    /// Stated as not the case.
    Negated,
    /// Stated with doubt (may, could, reportedly).
    Hedged,
    /// Stated as going to happen (will, is set to, in the final stages of).
    Future,
}

impl Modality {
    /// The lower-case name used in every output.
    pub fn as_str(&self) -> &'static str {
        match self {
            Modality::Asserted => "asserted",
            Modality::Negated => "negated",
            Modality::Hedged => "hedged",
            Modality::Future => "future",
        }
    }
}

/// Who the claim is attributed to ("Trump" + "announced").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attribution {
    /// The source as named in the text.
    pub text: String,
    /// The source's entity type, if it is an entity.
    #[serde(rename = "type")]
    pub label: Option<String>,
    /// The reporting cue ("announced", "according to").
    pub cue: String,
}

/// Identifiers of the models that produced a claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelIds {
    /// NER model identifier.
    pub ner: String,
    /// Claim-building method identifier.
    pub relations: String,
}

/// One extracted claim: the record every sink stores (see docs/claim-record in the README).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// Deterministic id: see [`crate::claim_id`].
    pub claim_id: String,
    /// Document the claim comes from.
    pub doc_id: String,
    /// The evidence sentence.
    pub sentence: Sentence,
    /// Who or what the claim is about.
    pub subject: Argument,
    /// The relation phrase.
    pub predicate: Predicate,
    /// The other argument, if any.
    pub object: Option<Argument>,
    /// Typed relation (member_of, located_in, works_for, ...) where one applies.
    pub relation: Option<String>,
    /// asserted, negated, hedged or future.
    pub modality: Modality,
    /// Who says so, if the text attributes it.
    pub attribution: Option<Attribution>,
    /// Confidence in 0..=1.
    pub confidence: f32,
    /// Models that produced it.
    pub model: ModelIds,
    /// Other places in the document that state the same claim (same arguments, predicate,
    /// modality and source), in order; the claim's own sentence and spans are the first place.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_stated: Vec<Evidence>,
    /// Where and when the claim's document appeared (its headline, URL, publication time,
    /// publisher, author, language), so that one claim record answers who said what, where and
    /// when.
    #[serde(default, skip_serializing_if = "crate::DocumentMeta::is_empty")]
    pub document: crate::DocumentMeta,
}

/// Where a claim is stated: its sentence and the span from its first to its last part
/// (document character offsets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The sentence's first character.
    pub sentence_start: usize,
    /// One past the sentence's last character.
    pub sentence_end: usize,
    /// First character of the claim's first part (subject, predicate or object).
    pub start: usize,
    /// One past the last character of its last part.
    pub end: usize,
}

impl Claim {
    /// Where this claim's own parts are: its sentence and the span covering subject, predicate
    /// and object.
    pub fn evidence(&self) -> Evidence {
        let mut start = self.subject.start.min(self.predicate.start);
        let mut end = self.subject.end.max(self.predicate.end);
        if let Some(o) = &self.object {
            start = start.min(o.start);
            end = end.max(o.end);
        }
        Evidence {
            sentence_start: self.sentence.start,
            sentence_end: self.sentence.end,
            start,
            end,
        }
    }

    /// Every place the claim is stated: its own, then [`Claim::also_stated`].
    pub fn all_evidence(&self) -> Vec<Evidence> {
        std::iter::once(self.evidence())
            .chain(self.also_stated.iter().cloned())
            .collect()
    }
}
