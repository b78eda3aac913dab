//! The claims of one sentence in the rules builder: each finite verb group with its subject
//! (conjuncts split), its object or objects, its modality and the source that reports it.

use claimex_core::{
    Argument, Attribution, Claim, EntityLinker, EntitySpan, Modality, ModelIds, Predicate,
};

use super::context::Context;
use super::objects::ObjectPhrase;
use super::reports::{reports, Reports};
use super::words::REPORTING;
use super::{make_claim, SentenceInput, Style};
use crate::confidence::{raw_confidence, ObjectKind};
use crate::modality::modality_of;
use crate::phrases::{noun_phrases, verb_groups, Tok, VerbGroup};

pub(super) fn sentence_claims(
    doc_id: &str,
    input: &SentenceInput,
    models: &ModelIds,
    linker: &EntityLinker,
    seen: &[EntitySpan],
    style: Style,
) -> Vec<Claim> {
    let sentence = input.sentence;
    let (ents, toks) = input.tokens_and_entities();
    if toks.is_empty() {
        return vec![];
    }
    let nps = noun_phrases(&toks);
    let groups = verb_groups(&toks);
    let chars: Vec<char> = sentence.text.chars().collect();
    let open_ie = style == Style::OpenIe;
    let ctx = Context {
        style,
        sentence,
        toks: &toks,
        nps: &nps,
        ents: &ents,
        chars: &chars,
        linker,
        seen,
    };

    let Reports {
        boundaries,
        sources,
        reporting,
        tuples: report_tuples,
    } = reports(&ctx, &groups);

    let mut claims = Vec::new();
    for (source, gi, k, end) in report_tuples {
        let g = &groups[gi];
        if end <= k {
            continue;
        }
        let clause = ctx.plain_argument(k, end, 0.6);
        let predicate = ctx.predicate(g.start, g.end, g.lemma.clone());
        let confidence = raw_confidence(&source, Some(&clause), ObjectKind::Clause);
        let modality = modality_of(&chars, toks[g.start].start, toks[g.end - 1].end);
        claims.push(make_claim(
            doc_id,
            sentence,
            source,
            predicate,
            Some(clause),
            modality,
            None,
            confidence,
            models,
        ));
    }
    for (gi, g) in groups.iter().enumerate() {
        let participle = open_ie
            && !reporting[gi]
            && !finite(&toks, g, &groups[..gi], &boundaries)
            && g.start > 0;
        if participle {
            // Open IE: "a German armada preparing to invade England" is (armada; preparing to
            // invade; England), the phrase before the participle its subject.
            let before = if toks[g.start - 1].lower == "," {
                g.start - 1
            } else {
                g.start
            };
            let subject = ctx.nps.iter().copied().rfind(|np| np.end == before);
            if let (Some(np), Some(object)) = (subject, ctx.object_of(g)) {
                if let (Some(subject), false) = (ctx.argument(np, None), object.phrases.is_empty())
                {
                    let lemma = object.lemma.clone().unwrap_or_else(|| g.lemma.clone());
                    let predicate = ctx.predicate(g.start, object.predicate_end, lemma);
                    if let Some(ObjectPhrase::Noun(onp)) = object.phrases.last() {
                        let end = ctx.clause_end(onp.end).max(onp.end);
                        let arg = ctx.plain_argument(onp.start, end, 0.6);
                        let confidence = raw_confidence(&subject, Some(&arg), object.kind) * 0.8;
                        claims.push(make_claim(
                            doc_id,
                            sentence,
                            subject,
                            predicate,
                            Some(arg),
                            Modality::Asserted,
                            None,
                            confidence,
                            models,
                        ));
                    }
                }
            }
            continue;
        }
        if reporting[gi] || !finite(&toks, g, &groups[..gi], &boundaries) {
            continue;
        }
        // A reporting verb whose clause could not be read ("reiterated that joining the accords
        // aligns with ...") says nothing as a claim of its own.
        if !open_ie
            && REPORTING.contains(&g.lemma.as_str())
            && toks.get(g.end).is_some_and(|t| t.lower == "that")
        {
            continue;
        }
        let source = sources
            .iter()
            .filter(|s| s.from <= g.start && g.end <= s.to.max(s.from))
            .max_by_key(|s| s.from);
        let Some(subject_np) = ctx.subject_of(g, &boundaries, &groups) else {
            continue;
        };
        let subjects: Vec<Argument> = ctx
            .conjuncts(subject_np, g.start, true)
            .into_iter()
            .filter_map(|np| ctx.argument(np, source))
            .collect();
        let found = ctx.object_of(g);
        let objectless = found.as_ref().map_or(true, |o| o.kind == ObjectKind::None);
        let Some(object) = (if open_ie && objectless {
            ctx.adjunct_of(g).or(found)
        } else {
            found
        }) else {
            continue;
        };
        let lemma = object.lemma.clone().unwrap_or_else(|| g.lemma.clone());
        let predicate = ctx.predicate(g.start, object.predicate_end, lemma);
        let objects: Vec<Option<Argument>> = if object.phrases.is_empty() {
            vec![None]
        } else {
            object
                .phrases
                .iter()
                .enumerate()
                .filter_map(|(i, p)| match p {
                    // In Open IE style the last object reaches to the end of its clause.
                    ObjectPhrase::Noun(np) if open_ie && i + 1 == object.phrases.len() => {
                        let end = ctx.clause_end(np.end).max(np.end);
                        ctx.argument(*np, source).map(|a| {
                            let mut wide = ctx.plain_argument(np.start, end, a.score);
                            wide.label = a.label;
                            wide.entity = a.entity;
                            Some(wide)
                        })
                    }
                    ObjectPhrase::Noun(np) => ctx.argument(*np, source).map(Some),
                    ObjectPhrase::Span(s, e) => Some(Some(ctx.plain_argument(*s, *e, 0.8))),
                })
                .collect()
        };
        // Open IE: a list inside the last argument also gives one tuple per item, the words
        // before the list joining the relation (CaRB dev F1 0.458 -> 0.459 with the whole
        // argument kept beside them, 0.457 without it).
        let listed: Vec<(Predicate, Argument)> = match object.phrases.last() {
            Some(ObjectPhrase::Noun(np)) if open_ie => {
                let end = ctx.clause_end(np.end).max(np.end);
                ctx.list_in_argument(np.start, end)
                    .map(|(from, items)| {
                        let relation = ctx.predicate(g.start, from, predicate.lemma.clone());
                        items
                            .into_iter()
                            .map(|(s, e)| (relation.clone(), ctx.plain_argument(s, e, 0.75)))
                            .collect()
                    })
                    .unwrap_or_default()
            }
            _ => Vec::new(),
        };
        let mut modality = modality_of(&chars, toks[g.start].start, toks[g.end - 1].end);
        if source.is_some_and(|s| s.negates) {
            modality = Modality::Negated;
        }
        let attribution = source.map(|s| Attribution {
            text: s.arg.text.clone(),
            label: s.arg.label.clone(),
            cue: s.cue.clone(),
        });
        for subject in &subjects {
            for object_arg in &objects {
                if object_arg
                    .as_ref()
                    .is_some_and(|o| o.start == subject.start)
                {
                    continue;
                }
                let confidence = raw_confidence(subject, object_arg.as_ref(), object.kind);
                claims.push(make_claim(
                    doc_id,
                    sentence,
                    subject.clone(),
                    predicate.clone(),
                    object_arg.clone(),
                    modality,
                    attribution.clone(),
                    confidence,
                    models,
                ));
            }
            for (relation, item) in &listed {
                let confidence = raw_confidence(subject, Some(item), object.kind);
                claims.push(make_claim(
                    doc_id,
                    sentence,
                    subject.clone(),
                    relation.clone(),
                    Some(item.clone()),
                    modality,
                    attribution.clone(),
                    confidence,
                    models,
                ));
            }
        }
    }
    claims
}

/// Whether a verb group is a clause's own verb rather than a participle or gerund modifying a
/// noun ("the accords following talks", "countries expected to join"): it holds a tensed verb or
/// a modal, or starts with a base form, or starts with a participle in a clause that has no
/// tensed verb yet (taggers often confuse a past tense with a participle).
fn finite(toks: &[Tok], g: &VerbGroup, earlier: &[VerbGroup], boundaries: &[usize]) -> bool {
    let tensed = |g: &VerbGroup| {
        let verbs: Vec<&Tok> = toks[g.start..g.end]
            .iter()
            .filter(|t| t.is_verb())
            .collect();
        verbs
            .iter()
            .any(|t| matches!(t.pos.as_str(), "VBD" | "VBZ" | "VBP" | "MD"))
            || verbs.first().is_some_and(|t| t.pos == "VB")
    };
    if tensed(g) {
        return true;
    }
    let first_verb = toks[g.start..g.end].iter().find(|t| t.is_verb());
    if !first_verb.is_some_and(|t| t.pos == "VBN") {
        return false;
    }
    let clause = boundaries
        .iter()
        .copied()
        .filter(|&b| b <= g.start)
        .max()
        .unwrap_or(0);
    !earlier.iter().any(|h| h.start >= clause && tensed(h))
}
