//! Claims of a document from its tagged sentences (method `rules-v1`): clauses around verb
//! groups, subjects and objects from noun phrases, conjuncts split, reported clauses attributed
//! to their source, and pronouns and descriptions ("it", "the kingdom", "the accords") resolved
//! to entities named earlier. A sentence whose tokens carry a dependency tree goes to the tree
//! builder ([`crate::tree`]) when the method is `tree-v0`.
//!
//! The parts: `sentence` (the clauses of one sentence), `reports` (reported speech and its
//! sources), `context` (the sentence's phrases and subjects), `objects` (objects and where a
//! clause ends), `arguments` (arguments from phrases, pronouns and descriptions resolved) and
//! `words` (the word lists they read).

mod arguments;
mod context;
mod objects;
mod reports;
mod sentence;
mod words;

use claimex_core::{
    claim_id, Argument, Attribution, Claim, EntityLinker, EntitySpan, ModelIds, Predicate,
    Sentence, TaggedToken,
};

use crate::calibration::Calibration;
use crate::phrases::{sentence_tokens, Tok};
use crate::resolve::Earlier;
use claimex_core::Modality;
use sentence::sentence_claims;

pub(crate) use words::{IDIOMS, RELATION_NOUNS, REPORTING};

/// How the rules builder writes its claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// Claims as `claimex run` gives them: arguments are entities or noun phrases without their
    /// determiner, pronouns and descriptions resolved, reporting verbs attributions.
    Claims,
    /// Open IE style, for benchmarks such as CaRB: arguments keep their determiners and reach to
    /// the end of their phrase or clause, pronouns stay unresolved, reporting verbs are tuples
    /// too.
    OpenIe,
}

/// One sentence's input: its entities (document offsets, linked) and its tagged tokens (empty
/// when the model has no syntax head; tags are then guessed).
#[derive(Debug, Clone, Copy)]
pub struct SentenceInput<'a> {
    /// The sentence.
    pub sentence: &'a Sentence,
    /// Its entity mentions.
    pub entities: &'a [EntitySpan],
    /// Its tagged tokens.
    pub tokens: &'a [TaggedToken],
}

impl<'a> SentenceInput<'a> {
    /// The sentence's entity mentions in order, and its tokens, each noting its mention.
    pub(crate) fn tokens_and_entities(&self) -> (Vec<&'a EntitySpan>, Vec<Tok>) {
        let sentence = self.sentence;
        let mut ents: Vec<&EntitySpan> = self
            .entities
            .iter()
            .filter(|e| sentence.start <= e.start && e.end <= sentence.end && e.start < e.end)
            .collect();
        ents.sort_by_key(|e| (e.start, e.end));
        let toks = sentence_tokens(sentence, self.tokens, &ents);
        (ents, toks)
    }

    /// The inputs of a document from its sentences and, sentence by sentence, their entities and
    /// tagged tokens (as `NerModel::analyze` gives them).
    pub fn zip(
        sentences: &'a [Sentence],
        entities: &'a [Vec<EntitySpan>],
        tokens: &'a [Vec<TaggedToken>],
    ) -> Vec<SentenceInput<'a>> {
        sentences
            .iter()
            .zip(entities)
            .zip(tokens)
            .map(|((sentence, entities), tokens)| SentenceInput {
                sentence,
                entities,
                tokens,
            })
            .collect()
    }
}

/// Builds the claims of a document, sentence by sentence; entities must already be linked
/// ([`claimex_core::link_entities`]) so that resolved arguments carry the entity's id. With a
/// calibration, confidences are calibrated; without, they are the raw scores.
pub fn claims_of_document(
    doc_id: &str,
    sentences: &[SentenceInput],
    models: &ModelIds,
    calibration: Option<&Calibration>,
    method: crate::ClaimMethod,
) -> Vec<Claim> {
    let mut linker = EntityLinker::new(doc_id);
    let mut seen: Vec<EntitySpan> = Vec::new();
    let mut claims = Vec::new();
    for input in sentences {
        if method == crate::ClaimMethod::Tree && crate::tree::has_tree(input.tokens) {
            let here: Vec<&EntitySpan> = input.entities.iter().collect();
            let earlier = Earlier {
                seen: &seen,
                here: &here,
                linker: &linker,
            };
            claims.extend(crate::tree::tree_claims(doc_id, input, models, &earlier));
        } else {
            claims.extend(sentence_claims(
                doc_id,
                input,
                models,
                &linker,
                &seen,
                Style::Claims,
            ));
        }
        for e in input.entities {
            linker.link(e);
            seen.push(e.clone());
        }
    }
    let mut claims = merge_repeats(claims);
    if let Some(c) = calibration {
        for claim in &mut claims {
            claim.confidence = c.apply(claim.confidence);
        }
    }
    claims
}

/// A claim of `sentence` from its parts; the id hashes the document, sentence, spans and triple.
#[allow(clippy::too_many_arguments)]
pub(crate) fn make_claim(
    doc_id: &str,
    sentence: &Sentence,
    subject: Argument,
    predicate: Predicate,
    object: Option<Argument>,
    modality: Modality,
    attribution: Option<Attribution>,
    confidence: f32,
    models: &ModelIds,
) -> Claim {
    Claim {
        claim_id: claim_id(
            doc_id,
            sentence.span(),
            (subject.span(), &subject.text),
            (predicate.span(), &predicate.lemma),
            object.as_ref().map(|o| (o.span(), o.text.as_str())),
        ),
        doc_id: doc_id.to_string(),
        sentence: sentence.clone(),
        subject,
        predicate,
        object,
        relation: None,
        modality,
        attribution,
        confidence,
        model: models.clone(),
        also_stated: vec![],
        document: Default::default(),
    }
}

/// The claims of one sentence in Open IE style, for benchmarks such as CaRB: arguments as
/// they stand (determiners kept, prepositional phrases and the rest of the clause included,
/// pronouns unresolved) and reporting verbs as tuples of their own (source; said; clause).
/// Confidences are raw scores.
pub fn open_claims_of_sentence(input: &SentenceInput, models: &ModelIds) -> Vec<Claim> {
    let linker = EntityLinker::new("open");
    sentence_claims("open", input, models, &linker, &[], Style::OpenIe)
}

/// One claim per statement: a claim made again later in the document (same subject and object,
/// by entity when linked, else by lower-cased text; same predicate lemma, modality and source)
/// becomes another place of the first one, which keeps the higher confidence of the two.
fn merge_repeats(claims: Vec<Claim>) -> Vec<Claim> {
    let arg_key = |a: &Argument| a.entity.clone().unwrap_or_else(|| a.text.to_lowercase());
    let key = |c: &Claim| {
        (
            arg_key(&c.subject),
            c.predicate.lemma.clone(),
            c.object.as_ref().map(arg_key),
            c.modality,
            c.attribution.as_ref().map(|a| a.text.to_lowercase()),
        )
    };
    let mut out: Vec<Claim> = Vec::with_capacity(claims.len());
    let mut first_of = std::collections::HashMap::new();
    for claim in claims {
        match first_of.get(&key(&claim)) {
            Some(&i) => {
                let kept: &mut Claim = &mut out[i];
                kept.confidence = kept.confidence.max(claim.confidence);
                kept.also_stated.push(claim.evidence());
            }
            None => {
                first_of.insert(key(&claim), out.len());
                out.push(claim);
            }
        }
    }
    out
}

/// An argument over tokens `start..end` of `sentence` (`chars` its characters), without a type.
pub(crate) fn token_argument(
    sentence: &Sentence,
    toks: &[Tok],
    chars: &[char],
    start: usize,
    end: usize,
    score: f32,
) -> Argument {
    let (s, e) = (toks[start].start, toks[end - 1].end);
    Argument {
        text: chars[s..e].iter().collect(),
        label: None,
        start: sentence.start + s,
        end: sentence.start + e,
        score,
        entity: None,
    }
}
