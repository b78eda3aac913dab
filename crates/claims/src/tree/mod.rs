//! Method `tree-v0`: claims read from dependency trees (the model's parser head fills each
//! token's `head` and `relation`, Universal Dependencies labels). A clause is a verb, or a noun
//! or adjective with a copula (not a participle describing a noun inside a prepositional
//! phrase); its subject is its `nsubj`/`nsubj:pass` (else the subject of the clause it is
//! conjoined to or depends on, the object of an object-control verb, or the noun a relative
//! clause or participle modifies; pronouns stand for the reporter or an earlier subject that
//! agrees); its object its `obj`, else its passive agent or first prepositional argument after it
//! that is no time, else the copula's complement. An open complement joins the chain ("agreed
//! to buy X": buy X) unless the governor has an object ("allowed Japan to come": two claims);
//! passives keep their participle ("be seen"). The clause complement of a reporting verb, or a
//! clause that a reporting verb interrupts ("..., officials said"), is attributed to the
//! reporter instead of being a claim of the reporting verb. Conjoined subjects and objects give
//! one claim each.

use claimex_core::{Claim, EntityLinker, EntitySpan, ModelIds, TaggedToken};

mod arguments;
mod attribution;
mod clauses;
mod graph;

use arguments::{antecedent, argument, resolve_reference, resolve_relative, span_predicate};
use attribution::{attribution_of, attribution_subject, reports};
use clauses::{
    denial_of, direct_object, inherited_modality, is_passive, light_copula_complement,
    light_copula_verb, modality_over, object_control, prepositional_object, subject_of,
    within_description,
};
use graph::Tree;

use crate::confidence::{raw_confidence, ObjectKind};
use crate::lexicon::lemma_of_tagged_verb;
use crate::resolve::Earlier;
use crate::rules::{make_claim, SentenceInput, IDIOMS, RELATION_NOUNS, REPORTING};

/// Name of this claim-building method.
pub const TREE_METHOD: &str = "tree-v0";

/// Whether every token of a sentence has a head: the sentences `tree-v0` can read.
pub fn has_tree(tokens: &[TaggedToken]) -> bool {
    !tokens.is_empty() && tokens.iter().all(|t| t.head.is_some())
}

/// The claims `tree-v0` reads from one sentence on its own (its tokens must have heads,
/// [`has_tree`]): pronouns and descriptions resolve within the sentence only.
pub fn tree_claims_of_sentence(
    doc_id: &str,
    input: &SentenceInput,
    models: &ModelIds,
) -> Vec<Claim> {
    let here: Vec<&EntitySpan> = input.entities.iter().collect();
    let linker = EntityLinker::new(doc_id);
    let earlier = Earlier {
        seen: &[],
        here: &here,
        linker: &linker,
    };
    tree_claims(doc_id, input, models, &earlier)
}

/// [`tree_claims_of_sentence`] with what the document named before: a pronoun or definite
/// description that nothing in the sentence explains takes the entity it stands for.
pub(crate) fn tree_claims(
    doc_id: &str,
    input: &SentenceInput,
    models: &ModelIds,
    earlier: &Earlier,
) -> Vec<Claim> {
    let tree = Tree::new(input.tokens);
    let n = input.tokens.len();
    let chars: Vec<char> = input.sentence.text.chars().collect();
    let arg = |first: usize, last: usize, head: usize| {
        let mut a = argument(input, first, last, head);
        if a.label.is_none() {
            resolve_reference(&tree, input, earlier, first, head, &mut a);
        }
        a
    };
    // Whether token `k` is in a person's name (None: in no name).
    let person_of = |k: usize| {
        let t = &input.tokens[k];
        input
            .entities
            .iter()
            .find(|e| e.start < t.end && t.start < e.end)
            .map(|e| e.label == "PER")
    };
    // Each clause's verb of denial, once: the verb is no claim, the clause is negated.
    let denials: Vec<Option<usize>> = (0..n).map(|c| denial_of(&tree, c)).collect();
    let mut claims = Vec::new();
    for anchor in 0..n {
        // A verb with a copula ("the aim is to go") is a parse of a verb clause, not a copular one.
        let copular = tree.child(anchor, &["cop"]).is_some() && !tree.is_verb(anchor);
        if !(tree.is_verb(anchor) || copular) {
            continue;
        }
        if within_description(&tree, anchor) {
            continue;
        }
        // An open complement is part of its governor's claim; a reporting verb with a clause
        // complement is its clause's attribution, not a claim.
        if tree.base(anchor) == "xcomp"
            && tree.heads[anchor].is_some_and(|h| {
                h < anchor && tree.is_verb(h) && object_control(&tree, h).is_none()
            })
        {
            continue;
        }
        if reports(&tree, anchor).is_some() || light_copula_verb(&tree, anchor).is_some() {
            continue;
        }
        // "his aides denied rumours that he was ill": the denied clause is the claim.
        if denials.contains(&Some(anchor)) {
            continue;
        }
        // "is in the final stages of joining X", "is close to signing X": the verb is the claim.
        // The chain's content verb: a light copula's complement, then open complements, each
        // after the word before it (a complement to the left is a clause of its own).
        let mut content = light_copula_complement(&tree, anchor).unwrap_or(anchor);
        // "are considered likely candidates to join X": through a nominal complement with a
        // copula to the verb it leads to.
        while let Some(next) = tree
            .child(content, &["xcomp"])
            .filter(|&c| c > content && object_control(&tree, content).is_none())
            .and_then(|c| {
                if tree.is_verb(c) {
                    Some(c)
                } else {
                    light_copula_complement(&tree, c)
                }
            })
        {
            content = next;
        }
        let copular = copular && content == anchor;
        let Some(subject_head) = subject_of(&tree, anchor) else {
            continue;
        };
        // A relative pronoun first becomes its noun, so that "A and B, which maintain ..." is
        // about both.
        let subjects: Vec<usize> = tree.conjuncts(resolve_relative(&tree, subject_head));
        // "take effect": the noun belongs to the predicate and is no object.
        let idiom = tree.child(content, &["obj"]).filter(|&o| {
            tree.children[o].is_empty()
                && IDIOMS.contains(&(
                    lemma_of_tagged_verb(&input.tokens[content].text).as_str(),
                    tree.word(o).as_str(),
                ))
        });
        let (objects, kind, case): (Vec<usize>, ObjectKind, Option<usize>) = if idiom.is_some() {
            (vec![], ObjectKind::None, None)
        } else if copular {
            (tree.conjuncts(anchor), ObjectKind::Adjective, None)
        } else if let Some(o) = direct_object(&tree, content) {
            // An object with a preposition of its own is a prepositional one the parser
            // mislabelled ("objected to increases").
            let case = tree.child(o, &["case"]).filter(|&c| c < o);
            let kind = if case.is_some() {
                ObjectKind::Prepositional
            } else {
                ObjectKind::Direct
            };
            (tree.conjuncts(o), kind, case)
        } else if let Some(o) = tree
            .child(content, &["xcomp"])
            .filter(|&c| !tree.is_verb(c) && c > content)
        {
            // "become the first member", "remains cautious".
            (tree.conjuncts(o), ObjectKind::Adjective, None)
        } else if let Some(o) = prepositional_object(&tree, content) {
            let case = tree.child(o, &["case"]);
            (tree.conjuncts(o), ObjectKind::Prepositional, case)
        } else {
            (vec![], ObjectKind::None, None)
        };
        // "maintains close ties with Israel": the relation noun joins the predicate and what it
        // relates to is the object.
        let relation = match objects.as_slice() {
            [o] if kind == ObjectKind::Direct
                && RELATION_NOUNS.contains(&tree.word(*o).as_str()) =>
            {
                tree.children[*o].iter().copied().find_map(|m| {
                    let with = tree
                        .child(m, &["case"])
                        .filter(|&c| tree.word(c) == "with")?;
                    (tree.base(m) == "nmod").then_some((*o, m, with))
                })
            }
            _ => None,
        };
        let objects = match relation {
            Some((_, target, _)) => tree.conjuncts(target),
            None => objects,
        };
        // The predicate: from the first auxiliary, negation or the anchor to the content verb
        // (and its preposition), its lemma the content verb's, `be` for a copula.
        // A passive keeps its participle: "be seen", "be held up by", "a side led by".
        let passive = !copular && is_passive(&tree, content);
        let mut lemma = if copular && content == anchor {
            // "was up to his old tricks", "have been for drug charges": the preposition too.
            match tree.child(anchor, &["case"]).filter(|&c| c < anchor) {
                Some(c) if tree.child(anchor, &["nmod:poss"]).is_none() => {
                    format!("be {}", tree.word(c))
                }
                _ => "be".to_string(),
            }
        } else if passive {
            format!("be {}", tree.word(content))
        } else {
            lemma_of_tagged_verb(&input.tokens[content].text)
        };
        let particle = tree.child(content, &["compound:prt"]).or(idiom);
        if let Some(p) = particle {
            lemma = format!("{lemma} {}", tree.word(p));
        }
        if let Some(c) = case {
            lemma = format!("{lemma} {}", tree.word(c));
        }
        if let Some((noun, _, with)) = relation {
            lemma = format!("{lemma} {} {}", tree.word(noun), tree.word(with));
        }
        let pred_first = tree.group_start(anchor, &["aux", "aux:pass", "advmod", "cop"]);
        // A copular predicate ends at its copula (or the last auxiliary before the nominal).
        let pred_last = if copular {
            tree.children_before(anchor, &["cop", "aux", "aux:pass"])
                .max()
                .unwrap_or(anchor)
        } else if let Some((_, _, with)) = relation {
            with
        } else {
            particle.filter(|&p| p == content + 1).unwrap_or(content)
        };
        let predicate_span = (pred_first, pred_last.max(pred_first));
        let modality = {
            let mut m = modality_over(&chars, input, predicate_span.0, content);
            // "no plans to", "there was no confirmation", "maintains no ties with": a "no" on
            // the object, the subject or the relation noun.
            if objects
                .first()
                .copied()
                .into_iter()
                .chain(std::iter::once(subject_head))
                .chain(relation.map(|(noun, _, _)| noun))
                .filter_map(|o| tree.child(o, &["det"]))
                .any(|d| tree.word(d) == "no")
            {
                m = claimex_core::Modality::Negated;
            }
            if denials[anchor].is_some() {
                m = claimex_core::Modality::Negated;
            }
            if m == claimex_core::Modality::Asserted {
                m = inherited_modality(&tree, &chars, input, anchor).unwrap_or(m);
            }
            m
        };
        // "an Israeli army spokeswoman said on Saturday": a report of something outside the
        // sentence, no claim.
        // "would not say how much higher profits could be": saying is reporting, whatever the
        // parser made of what is said.
        if (objects.is_empty() && REPORTING.contains(&lemma.as_str())) || lemma == "say" {
            continue;
        }
        let attribution = attribution_of(&tree, anchor, input);
        let predicate = span_predicate(input, predicate_span, lemma);
        for &s in &subjects {
            let s = antecedent(&tree, s, attribution_subject(&tree, anchor), person_of, &[])
                .unwrap_or(s);
            let (sf, sl) = tree.phrase(s, true);
            let subject = arg(sf, sl, s);
            if objects.is_empty() {
                let confidence = raw_confidence(&subject, None, kind);
                claims.push(make_claim(
                    doc_id,
                    input.sentence,
                    subject,
                    predicate.clone(),
                    None,
                    modality,
                    attribution.clone(),
                    confidence,
                    models,
                ));
                continue;
            }
            for &o in &objects {
                let o = antecedent(
                    &tree,
                    o,
                    attribution_subject(&tree, anchor),
                    person_of,
                    &subjects,
                )
                .unwrap_or(o);
                if o == s {
                    // The parse made the subject its own object: no claim.
                    continue;
                }
                let (of, ol) = tree.phrase(o, true);
                let object = arg(of, ol, o);
                let confidence = raw_confidence(&subject, Some(&object), kind);
                claims.push(make_claim(
                    doc_id,
                    input.sentence,
                    subject.clone(),
                    predicate.clone(),
                    Some(object),
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

#[cfg(test)]
mod tests;
