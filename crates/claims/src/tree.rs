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

use claimex_core::{
    Argument, Attribution, Claim, EntityLinker, EntitySpan, ModelIds, Predicate, Sentence,
    TaggedToken,
};

use crate::build::{make_claim, SentenceInput, IDIOMS, REPORTING};
use crate::confidence::{raw_confidence, ObjectKind};
use crate::lexicon::{lemma_of_tagged_verb, TIME_WORDS};
use crate::modality::modality_of;
use crate::resolve::Earlier;

/// Name of this claim-building method.
pub const TREE_METHOD: &str = "tree-v0";

/// Whether every token of a sentence has a head: the sentences `tree-v0` can read.
pub fn has_tree(tokens: &[TaggedToken]) -> bool {
    !tokens.is_empty() && tokens.iter().all(|t| t.head.is_some())
}

/// A sentence's tokens with their tree: children lists and relations, 0-based.
struct Tree<'a> {
    tokens: &'a [TaggedToken],
    heads: Vec<Option<usize>>,
    children: Vec<Vec<usize>>,
}

impl<'a> Tree<'a> {
    fn new(tokens: &'a [TaggedToken]) -> Tree<'a> {
        let heads: Vec<Option<usize>> = tokens
            .iter()
            .map(|t| t.head.and_then(|h| h.checked_sub(1)))
            .collect();
        let mut children = vec![Vec::new(); tokens.len()];
        for (i, h) in heads.iter().enumerate() {
            if let Some(h) = *h {
                if h < tokens.len() {
                    children[h].push(i);
                }
            }
        }
        Tree {
            tokens,
            heads,
            children,
        }
    }

    fn rel(&self, i: usize) -> &str {
        self.tokens[i].relation.as_deref().unwrap_or("dep")
    }

    /// The universal part of `i`'s relation (`nsubj` of `nsubj:pass`).
    fn base(&self, i: usize) -> &str {
        self.rel(i).split(':').next().unwrap_or_default()
    }

    /// The first child of `i` with the first of `rels` that it has.
    fn child(&self, i: usize, rels: &[&str]) -> Option<usize> {
        rels.iter().find_map(|rel| {
            self.children[i]
                .iter()
                .copied()
                .find(|&c| self.rel(c) == *rel)
        })
    }

    /// A verb by its tag, or by its tree when the tagger missed it ("cut" tagged as an
    /// adjective but governing an object, "balanced" with a passive auxiliary).
    fn is_verb(&self, i: usize) -> bool {
        if matches!(self.base(i), "aux" | "cop" | "amod" | "compound") {
            return false;
        }
        self.tokens[i].pos.starts_with("VB")
            || (self.child(i, &["cop"]).is_none()
                && self.child(i, &["obj", "aux:pass", "nsubj:pass"]).is_some())
    }

    fn word(&self, i: usize) -> String {
        self.tokens[i].text.to_lowercase()
    }

    /// The phrase headed by `i`: its subtree without relative clauses, participles, appositions,
    /// clauses and punctuation, without the head's own conjuncts (each is an argument of its
    /// own; deeper ones stay: "the force of Suker and Mijatovic"), without a "not" on the head,
    /// and without a leading preposition (`case`) when `drop_case`; as the first and last token.
    fn phrase(&self, i: usize, drop_case: bool) -> (usize, usize) {
        let (mut first, mut last) = (i, i);
        let mut stack = vec![i];
        while let Some(k) = stack.pop() {
            first = first.min(k);
            last = last.max(k);
            for &c in &self.children[k] {
                let skip = matches!(
                    self.base(c),
                    "acl" | "appos" | "punct" | "parataxis" | "advcl" | "ccomp" | "dep"
                ) || (k == i && matches!(self.base(c), "conj" | "cc"))
                    || (drop_case && k == i && self.base(c) == "case" && c < i)
                    || (k == i
                        && self.base(c) == "advmod"
                        && matches!(self.word(c).as_str(), "not" | "n't" | "never"))
                    // A copula's nominal as an object: without the clause's subject, copula,
                    // auxiliaries and subordinator.
                    || (k == i
                        && matches!(self.base(c), "cop" | "nsubj" | "csubj" | "aux" | "mark"));
                if !skip {
                    stack.push(c);
                }
            }
        }
        (first, last)
    }

    /// `i` and the heads of its conjuncts (`X, Y and Z`).
    /// (A conjunct with a subject or copula of its own is a clause of its own.)
    fn conjuncts(&self, i: usize) -> Vec<usize> {
        let mut out = vec![i];
        for &c in &self.children[i] {
            let clause = self.child(c, &["nsubj", "nsubj:pass", "cop"]).is_some();
            if self.base(c) == "conj" && !self.is_verb(c) && !clause {
                out.push(c);
            }
        }
        out
    }
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
    let mut claims = Vec::new();
    for anchor in 0..n {
        // A verb with a copula ("the aim is to go") is a parse of a verb clause, not a copular one.
        let copular = tree.child(anchor, &["cop"]).is_some() && !tree.is_verb(anchor);
        if !(tree.is_verb(anchor) || copular) {
            continue;
        }
        if descriptive_participle(&tree, anchor) {
            continue;
        }
        // An open complement is part of its governor's claim; a reporting verb with a clause
        // complement is its clause's attribution, not a claim.
        if tree.base(anchor) == "xcomp"
            && tree.heads[anchor]
                .is_some_and(|h| tree.is_verb(h) && object_control(&tree, h).is_none())
        {
            continue;
        }
        if reports(&tree, anchor).is_some() || light_copula_verb(&tree, anchor).is_some() {
            continue;
        }
        // "is in the final stages of joining X", "is close to signing X": the verb is the claim.
        // The chain's content verb: a light copula's complement, then open complements, each
        // after the word before it (a complement to the left is a clause of its own).
        let mut content = light_copula_complement(&tree, anchor).unwrap_or(anchor);
        while let Some(next) = tree
            .child(content, &["xcomp"])
            .filter(|&c| tree.is_verb(c) && c > content && object_control(&tree, content).is_none())
        {
            content = next;
        }
        let copular = copular && content == anchor;
        let Some(subject_head) = subject_of(&tree, anchor) else {
            continue;
        };
        let subjects: Vec<usize> = tree.conjuncts(subject_head);
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
        } else if let Some(o) = tree.child(content, &["obj", "iobj"]) {
            (tree.conjuncts(o), ObjectKind::Direct, None)
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
        let pred_first = tree.children[anchor]
            .iter()
            .copied()
            .filter(|&c| matches!(tree.rel(c), "aux" | "aux:pass" | "advmod" | "cop") && c < anchor)
            .min()
            .unwrap_or(anchor)
            .min(anchor);
        // A copular predicate ends at its copula (or the last auxiliary before the nominal).
        let pred_last = if copular {
            tree.children[anchor]
                .iter()
                .copied()
                .filter(|&c| matches!(tree.rel(c), "cop" | "aux" | "aux:pass") && c < anchor)
                .max()
                .unwrap_or(anchor)
        } else {
            particle.filter(|&p| p == content + 1).unwrap_or(content)
        };
        let predicate_span = (pred_first, pred_last.max(pred_first));
        let modality = {
            let start = input.tokens[predicate_span.0].start - input.sentence.start;
            let end = (input.tokens[content].end - input.sentence.start)
                .min(chars.len())
                .max(start);
            let mut m = modality_of(&chars, start, end);
            if objects
                .first()
                .and_then(|&o| tree.child(o, &["det"]))
                .is_some_and(|d| tree.word(d) == "no")
            {
                m = claimex_core::Modality::Negated;
            }
            if m == claimex_core::Modality::Asserted {
                m = inherited_modality(&tree, &chars, input, anchor).unwrap_or(m);
            }
            m
        };
        let attribution = attribution_of(&tree, anchor, input);
        let predicate = span_predicate(input, predicate_span, lemma);
        for &s in &subjects {
            let s = resolve_relative(&tree, s);
            let s =
                antecedent(&tree, s, attribution_subject(&tree, anchor), person_of).unwrap_or(s);
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
                let o = antecedent(&tree, o, attribution_subject(&tree, anchor), person_of)
                    .unwrap_or(o);
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

/// For a copula's nominal ("stages" in "is in the final stages of joining"): its verb
/// complement introduced by "of" or "to", which carries the claim.
fn light_copula_complement(tree: &Tree, anchor: usize) -> Option<usize> {
    tree.child(anchor, &["cop"])?;
    tree.children[anchor].iter().copied().find(|&c| {
        c > anchor
            && matches!(tree.base(c), "acl" | "advcl")
            && tree.is_verb(c)
            && tree
                .child(c, &["mark"])
                .is_some_and(|m| matches!(tree.word(m).as_str(), "of" | "to"))
    })
}

/// Whether `verb` is such a complement (and so part of its copula's claim).
fn light_copula_verb(tree: &Tree, verb: usize) -> Option<usize> {
    let head = tree.heads[verb]?;
    (light_copula_complement(tree, head) == Some(verb)).then_some(head)
}

/// The modality a clause without cues of its own takes from the clause it belongs to: a purpose
/// clause ("might sell X to reduce Y"), an open complement, or a conjoined verb without
/// auxiliaries of its own ("will move and serve").
fn inherited_modality(
    tree: &Tree,
    chars: &[char],
    input: &SentenceInput,
    anchor: usize,
) -> Option<claimex_core::Modality> {
    let mut at = anchor;
    for _ in 0..tree.tokens.len() {
        let head = tree.heads[at]?;
        let own_aux = tree
            .child(at, &["aux", "aux:pass", "nsubj", "nsubj:pass"])
            .is_some();
        let linked = match tree.rel(at) {
            "xcomp" => true,
            "advcl" => tree
                .child(at, &["mark"])
                .is_some_and(|m| tree.word(m) == "to"),
            "conj" => !own_aux,
            _ => false,
        };
        if !linked {
            return None;
        }
        let first = tree.children[head]
            .iter()
            .copied()
            .filter(|&c| matches!(tree.rel(c), "aux" | "aux:pass" | "advmod") && c < head)
            .min()
            .unwrap_or(head);
        let start = input.tokens[first].start - input.sentence.start;
        let end = (input.tokens[head].end - input.sentence.start)
            .min(chars.len())
            .max(start);
        let m = modality_of(chars, start, end);
        if m != claimex_core::Modality::Asserted {
            return Some(m);
        }
        at = head;
    }
    None
}

/// A passive verb: with a passive auxiliary, or a participle with a passive subject or after a
/// noun ("a side led by ...").
fn is_passive(tree: &Tree, verb: usize) -> bool {
    let participle = tree.tokens[verb].pos == "VBN";
    tree.child(verb, &["aux:pass"]).is_some()
        || (participle && tree.child(verb, &["nsubj:pass"]).is_some())
        || (participle && tree.rel(verb) == "acl")
}

/// A participle that describes a noun inside a prepositional phrase ("of the 270 people hanged
/// for ...", "at a news conference called to ..."): no claim of its own.
fn descriptive_participle(tree: &Tree, verb: usize) -> bool {
    tree.rel(verb) == "acl"
        && matches!(tree.tokens[verb].pos.as_str(), "VBN" | "VBG")
        && tree.heads[verb].is_some_and(|noun| tree.child(noun, &["case"]).is_some())
}

/// For a verb with a direct object and an open complement ("allowed Japan to come", "urged
/// them to vote"): the object, which is the complement's subject.
fn object_control(tree: &Tree, verb: usize) -> Option<usize> {
    tree.child(verb, &["xcomp"]).filter(|&c| tree.is_verb(c))?;
    tree.child(verb, &["obj"])
}

/// Prepositions whose phrase is a circumstance of the clause (time, place nearby, cause), not an
/// argument of the verb: "cut jobs after a loss", "arrested near the station".
const ADJUNCT_PREPOSITIONS: &[&str] = &[
    "after",
    "amid",
    "before",
    "because",
    "despite",
    "during",
    "following",
    "near",
    "since",
    "throughout",
    "until",
    "while",
    "within",
    "without",
];

/// Whether the phrase headed by `i` names a time: a time word, a year ("in 1984") or a day of a
/// month ("on June 1", where the number heads the phrase).
fn is_time(tree: &Tree, i: usize) -> bool {
    let word = tree.word(i);
    let month = |k: usize| {
        matches!(
            tree.word(k).as_str(),
            "january"
                | "february"
                | "march"
                | "april"
                | "may"
                | "june"
                | "july"
                | "august"
                | "september"
                | "october"
                | "november"
                | "december"
        )
    };
    let dated = tree.tokens[i].pos == "CD" && tree.children[i].iter().any(|&c| month(c));
    dated
        || TIME_WORDS.contains(&word.as_str())
        || (word.len() == 4
            && word.starts_with(['1', '2'])
            && word.chars().all(|c| c.is_ascii_digit()))
        || matches!(tree.rel(i), "obl:tmod" | "obl:unmarked")
}

/// A verb's prepositional argument: its passive agent, else its first prepositional phrase after
/// it that is not a time or an "according to" phrase.
fn prepositional_object(tree: &Tree, verb: usize) -> Option<usize> {
    if let Some(agent) = tree.child(verb, &["obl:agent"]) {
        return Some(agent);
    }
    if is_passive(tree, verb) {
        let by = tree.children[verb].iter().copied().find(|&c| {
            c > verb
                && tree.base(c) == "obl"
                && tree
                    .child(c, &["case"])
                    .is_some_and(|k| tree.word(k) == "by")
        });
        if by.is_some() {
            return by;
        }
    }
    tree.children[verb].iter().copied().find(|&c| {
        c > verb
            && matches!(tree.rel(c), "obl" | "obl:npmod")
            && !is_time(tree, c)
            && tree.child(c, &["case"]).map_or(true, |k| {
                let case = tree.word(k);
                case != "according" && !ADJUNCT_PREPOSITIONS.contains(&case.as_str())
            })
    })
}

/// The subject of the reporting verb that reports the clause at `anchor`, if any.
fn attribution_subject(tree: &Tree, anchor: usize) -> Option<usize> {
    for &c in &tree.children[anchor] {
        if reports(tree, c) == Some(anchor) {
            return tree.child(c, &["nsubj", "nsubj:pass"]);
        }
    }
    let mut at = anchor;
    while let Some(h) = tree.heads[at] {
        if reports(tree, h) == Some(at) {
            return tree.child(h, &["nsubj", "nsubj:pass"]);
        }
        if !matches!(tree.base(at), "conj" | "xcomp" | "advcl") {
            break;
        }
        at = h;
    }
    None
}

/// What a personal pronoun at `i` stands for within its sentence: "I" and "we" in a reported
/// clause are the reporter (`source`); "he", "she", "it" and "they" the reporter when it comes
/// first and agrees in number, else the nearest earlier clause subject that does (and is no
/// pronoun). `None`:
/// `i` is no pronoun, or nothing in the sentence fits (the pronoun stays).
fn antecedent(
    tree: &Tree,
    i: usize,
    source: Option<usize>,
    person_of: impl Fn(usize) -> Option<bool>,
) -> Option<usize> {
    let word = tree.word(i);
    let first_person = matches!(word.as_str(), "i" | "we" | "me" | "us");
    let third = matches!(
        word.as_str(),
        "he" | "she" | "it" | "they" | "him" | "her" | "them"
    );
    let pronoun = |k: usize| tree.tokens[k].pos.starts_with("PRP") || tree.tokens[k].pos == "WP";
    if !(first_person || third) {
        return None;
    }
    // "he" and "she" need a person's name, "it" a singular noun that is no person's name;
    // "they" may be a plural or a name.
    let person_pronoun = matches!(word.as_str(), "he" | "she" | "him" | "her");
    let singular = person_pronoun || word == "it";
    let agrees = |k: usize| {
        let person = person_of(k);
        // A name other than a person's ("Vela Motors") is an "it" whatever its tag.
        let singular_noun =
            matches!(tree.tokens[k].pos.as_str(), "NN" | "NNP") || person == Some(false);
        (!singular || singular_noun)
            && (!person_pronoun || person == Some(true))
            && !(word == "it" && person == Some(true))
    };
    if let Some(s) = source.filter(|&s| s != i && !pronoun(s)) {
        if first_person || (s < i && agrees(s)) {
            return Some(s);
        }
    }
    if first_person {
        return None;
    }
    (0..i)
        .rev()
        .find(|&k| matches!(tree.rel(k), "nsubj" | "nsubj:pass") && !pronoun(k) && agrees(k))
}

/// The subject of the clause at `anchor`: its own, else that of the clause it is conjoined to or
/// an adverbial clause of, else the noun a relative clause or participle modifies.
fn subject_of(tree: &Tree, anchor: usize) -> Option<usize> {
    let mut at = anchor;
    for _ in 0..tree.tokens.len() {
        if let Some(s) = tree.child(at, &["nsubj", "nsubj:pass", "csubj"]) {
            return Some(s);
        }
        let head = tree.heads[at]?;
        if tree.rel(at) == "xcomp" {
            if let Some(o) = object_control(tree, head) {
                return Some(o);
            }
        }
        match tree.rel(at) {
            "conj" | "advcl" | "xcomp" => at = head,
            "acl" | "acl:relcl" => return Some(head),
            _ => return None,
        }
    }
    None
}

/// A relative pronoun stands for the noun its clause modifies.
fn resolve_relative(tree: &Tree, s: usize) -> usize {
    let relative = matches!(tree.word(s).as_str(), "who" | "which" | "that" | "whom");
    let mut at = s;
    if relative {
        while let Some(h) = tree.heads[at] {
            if tree.rel(at) == "acl:relcl" {
                return h;
            }
            at = h;
        }
    }
    s
}

/// For a reporting verb: the clause it reports (its clause complement, or the clause it
/// interrupts as a parenthetical).
fn reports(tree: &Tree, verb: usize) -> Option<usize> {
    if !tree.is_verb(verb)
        || !REPORTING.contains(&lemma_of_tagged_verb(&tree.tokens[verb].text).as_str())
    {
        return None;
    }
    if let Some(c) = tree.child(verb, &["ccomp"]) {
        return Some(c);
    }
    match tree.rel(verb) {
        "parataxis" => tree.heads[verb],
        _ => None,
    }
}

/// Who the clause at `anchor` is attributed to: the subject of a reporting verb whose clause
/// complement holds it, or which interrupts it, or an `according to X` phrase.
fn attribution_of(tree: &Tree, anchor: usize, input: &SentenceInput) -> Option<Attribution> {
    // A reporting verb among the clause's own children (parenthetical "..., he said").
    for &c in &tree.children[anchor] {
        if reports(tree, c) == Some(anchor) {
            return source(tree, c, input);
        }
        if tree.base(c) == "obl"
            && tree
                .child(c, &["case"])
                .is_some_and(|k| tree.word(k) == "according")
        {
            let (f, l) = tree.phrase(c, true);
            let a = argument(input, f, l, c);
            return Some(Attribution {
                text: a.text.trim_start_matches("to ").to_string(),
                label: a.label,
                cue: "according to".into(),
            });
        }
    }
    // Up the tree through clause links to a reporting verb.
    let mut at = anchor;
    while let Some(h) = tree.heads[at] {
        if reports(tree, h) == Some(at) {
            return source(tree, h, input);
        }
        if !matches!(tree.base(at), "conj" | "xcomp" | "advcl") {
            break;
        }
        at = h;
    }
    None
}

fn source(tree: &Tree, verb: usize, input: &SentenceInput) -> Option<Attribution> {
    let s = tree.child(verb, &["nsubj", "nsubj:pass"])?;
    let (f, l) = tree.phrase(s, false);
    let a = argument(input, f, l, s);
    Some(Attribution {
        text: a.text,
        label: a.label,
        cue: input.tokens[verb].text.clone(),
    })
}

/// Gives an argument that is a pronoun or a definite description ("the kingdom") the id and type
/// of the entity it stands for among those named before it, if any; its text and span stay.
fn resolve_reference(
    tree: &Tree,
    input: &SentenceInput,
    earlier: &Earlier,
    first: usize,
    head: usize,
    arg: &mut Argument,
) {
    let at = input.tokens[first].start;
    let found = if first == head && input.tokens[head].pos == "PRP" {
        earlier
            .pronoun(&tree.word(head), at)
            .cloned()
            .map(|e| (e, 0.8))
    } else if tree.word(first) == "the" && head > first {
        let words: Vec<String> = (first + 1..=head).map(|k| tree.word(k)).collect();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        earlier.description(&words, at).map(|e| (e, 0.9))
    } else {
        None
    };
    if let Some((entity, factor)) = found {
        arg.label = Some(entity.label.clone());
        arg.entity = entity.entity.clone();
        arg.score = entity.score * factor;
    }
}

/// The argument over tokens `first..=last`, typed by the entity mention at its head token
/// `head` (a phrase that merely holds a name, "a hardline Hindu campaign", is no entity), scored
/// 0.75 when it is no entity.
fn argument(input: &SentenceInput, first: usize, last: usize, head: usize) -> Argument {
    let (start, end) = (input.tokens[first].start, input.tokens[last].end);
    let text = slice(input.sentence, start, end);
    let head = &input.tokens[head];
    let entity: Option<&EntitySpan> = input
        .entities
        .iter()
        .find(|e| e.start < head.end && head.start < e.end);
    Argument {
        text,
        label: entity.map(|e| e.label.clone()),
        start,
        end,
        score: entity.map_or(0.75, |e| e.score),
        entity: entity.and_then(|e| e.entity.clone()),
    }
}

fn span_predicate(
    input: &SentenceInput,
    (first, last): (usize, usize),
    lemma: String,
) -> Predicate {
    let (start, end) = (input.tokens[first].start, input.tokens[last].end);
    Predicate {
        text: slice(input.sentence, start, end),
        lemma,
        start,
        end,
    }
}

/// Document characters `start..end` of a sentence.
fn slice(sentence: &Sentence, start: usize, end: usize) -> String {
    sentence
        .text
        .chars()
        .skip(start - sentence.start)
        .take(end - start)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use claimex_core::Modality;

    /// A sentence from (word, tag, head, relation) rows, words joined by single spaces, and its
    /// claims with `names` marked as entities.
    fn claims(rows: &[(&str, &str, usize, &str)], names: &[(&str, &str)]) -> Vec<Claim> {
        claims_after(rows, names, &[])
    }

    /// [`claims`] in a document that named `seen` before the sentence.
    fn claims_after(
        rows: &[(&str, &str, usize, &str)],
        names: &[(&str, &str)],
        seen: &[EntitySpan],
    ) -> Vec<Claim> {
        let mut text = String::new();
        let mut tokens = Vec::new();
        for &(word, pos, head, rel) in rows {
            if !text.is_empty() {
                text.push(' ');
            }
            let start = text.chars().count();
            text.push_str(word);
            tokens.push(TaggedToken {
                text: word.into(),
                start,
                end: start + word.chars().count(),
                pos: pos.into(),
                chunk: "O".into(),
                head: Some(head),
                relation: Some(rel.into()),
            });
        }
        let entities: Vec<EntitySpan> = names
            .iter()
            .map(|&(name, label)| {
                let at = text.find(name).unwrap();
                let start = text[..at].chars().count();
                EntitySpan {
                    text: name.into(),
                    label: label.into(),
                    start,
                    end: start + name.chars().count(),
                    score: 0.99,
                    min_score: 0.99,
                    entity: None,
                }
            })
            .collect();
        let sentence = Sentence {
            start: 0,
            end: text.chars().count(),
            text: text.clone(),
        };
        let input = SentenceInput {
            sentence: &sentence,
            entities: &entities,
            tokens: &tokens,
        };
        let models = ModelIds {
            ner: "n".into(),
            relations: TREE_METHOD.into(),
        };
        let here: Vec<&EntitySpan> = entities.iter().collect();
        let mut linker = EntityLinker::new("d");
        for e in seen {
            linker.link(e);
        }
        let earlier = Earlier {
            seen,
            here: &here,
            linker: &linker,
        };
        let found = tree_claims("d", &input, &models, &earlier);
        for c in &found {
            for (span, part) in [
                (c.subject.span(), &c.subject.text),
                (c.predicate.span(), &c.predicate.text),
            ] {
                let sliced: String = text
                    .chars()
                    .skip(span.start)
                    .take(span.end - span.start)
                    .collect();
                assert_eq!(&sliced, part);
            }
        }
        found
    }

    fn triples(claims: &[Claim]) -> Vec<(String, String, Option<String>, Modality)> {
        claims
            .iter()
            .map(|c| {
                (
                    c.subject.text.clone(),
                    c.predicate.lemma.clone(),
                    c.object.as_ref().map(|o| o.text.clone()),
                    c.modality,
                )
            })
            .collect()
    }

    #[test]
    fn the_seed_sentence_gives_kazakhstan_join_abraham_accords_in_the_future() {
        let rows = [
            ("Kazakhstan", "NNP", 6, "nsubj"),
            ("is", "VBZ", 6, "cop"),
            ("in", "IN", 6, "case"),
            ("the", "DT", 6, "det"),
            ("final", "JJ", 6, "amod"),
            ("stages", "NNS", 0, "root"),
            ("of", "IN", 8, "mark"),
            ("joining", "VBG", 6, "acl"),
            ("the", "DT", 11, "det"),
            ("Abraham", "NNP", 11, "compound"),
            ("Accords", "NNPS", 8, "obj"),
            (".", ".", 6, "punct"),
        ];
        let found = claims(&rows, &[("Kazakhstan", "LOC"), ("Abraham Accords", "MISC")]);
        assert_eq!(
            triples(&found),
            [(
                "Kazakhstan".into(),
                "join".into(),
                Some("the Abraham Accords".into()),
                Modality::Future
            )]
        );
        assert_eq!(found[0].predicate.text, "is in the final stages of joining");
        assert_eq!(found[0].subject.label.as_deref(), Some("LOC"));
        assert_eq!(
            found[0].object.as_ref().unwrap().label.as_deref(),
            Some("MISC")
        );
    }

    #[test]
    fn a_control_verb_keeps_its_complement_and_a_final_report_is_the_attribution() {
        // "Acme decided to sell its stake in Beta , a spokeswoman said ."
        let rows = [
            ("Acme", "NNP", 2, "nsubj"),
            ("decided", "VBD", 0, "root"),
            ("to", "TO", 4, "mark"),
            ("sell", "VB", 2, "xcomp"),
            ("its", "PRP$", 6, "nmod:poss"),
            ("stake", "NN", 4, "obj"),
            ("in", "IN", 8, "case"),
            ("Beta", "NNP", 6, "nmod"),
            (",", ",", 12, "punct"),
            ("a", "DT", 11, "det"),
            ("spokeswoman", "NN", 12, "nsubj"),
            ("said", "VBD", 2, "parataxis"),
            (".", ".", 2, "punct"),
        ];
        let found = claims(&rows, &[("Acme", "ORG"), ("Beta", "ORG")]);
        assert_eq!(
            triples(&found),
            [(
                "Acme".into(),
                "sell".into(),
                Some("its stake in Beta".into()),
                Modality::Asserted
            )]
        );
        let attribution = found[0].attribution.as_ref().unwrap();
        assert_eq!(
            (attribution.text.as_str(), attribution.cue.as_str()),
            ("a spokeswoman", "said")
        );
    }

    #[test]
    fn a_copular_clause_has_the_nominal_alone_as_object_and_the_copula_as_predicate() {
        // "Kazakhstan is a member of the WTO ."
        let rows = [
            ("Kazakhstan", "NNP", 4, "nsubj"),
            ("is", "VBZ", 4, "cop"),
            ("a", "DT", 4, "det"),
            ("member", "NN", 0, "root"),
            ("of", "IN", 7, "case"),
            ("the", "DT", 7, "det"),
            ("WTO", "NNP", 4, "nmod"),
            (".", ".", 4, "punct"),
        ];
        let found = claims(&rows, &[("Kazakhstan", "LOC"), ("WTO", "ORG")]);
        assert_eq!(
            triples(&found),
            [(
                "Kazakhstan".into(),
                "be".into(),
                Some("a member of the WTO".into()),
                Modality::Asserted
            )]
        );
        assert_eq!(found[0].predicate.text, "is");
    }

    #[test]
    fn a_clause_before_its_copula_and_conjoined_copular_clauses_stay_apart() {
        // "To win the title , Oslo is ready and Rome is keen ."
        let rows = [
            ("To", "TO", 2, "mark"),
            ("win", "VB", 8, "advcl"),
            ("the", "DT", 4, "det"),
            ("title", "NN", 2, "obj"),
            (",", ",", 8, "punct"),
            ("Oslo", "NNP", 8, "nsubj"),
            ("is", "VBZ", 8, "cop"),
            ("ready", "JJ", 0, "root"),
            ("and", "CC", 12, "cc"),
            ("Rome", "NNP", 12, "nsubj"),
            ("is", "VBZ", 12, "cop"),
            ("keen", "JJ", 8, "conj"),
            (".", ".", 8, "punct"),
        ];
        let found = claims(&rows, &[("Oslo", "LOC"), ("Rome", "LOC")]);
        assert_eq!(
            triples(&found),
            [
                (
                    "Oslo".into(),
                    "win".into(),
                    Some("the title".into()),
                    Modality::Asserted
                ),
                (
                    "Oslo".into(),
                    "be".into(),
                    Some("ready".into()),
                    Modality::Asserted
                ),
                (
                    "Rome".into(),
                    "be".into(),
                    Some("keen".into()),
                    Modality::Asserted
                ),
            ]
        );
    }

    #[test]
    fn a_relative_clause_gives_a_claim_and_a_list_inside_an_object_stays_whole() {
        // "Oslo , which hosts the talks , signed deals with Rome and Paris ."
        let rows = [
            ("Oslo", "NNP", 7, "nsubj"),
            (",", ",", 4, "punct"),
            ("which", "WDT", 4, "nsubj"),
            ("hosts", "VBZ", 1, "acl:relcl"),
            ("the", "DT", 6, "det"),
            ("talks", "NNS", 4, "obj"),
            ("signed", "VBD", 0, "root"),
            ("deals", "NNS", 7, "obj"),
            ("with", "IN", 10, "case"),
            ("Rome", "NNP", 8, "nmod"),
            ("and", "CC", 12, "cc"),
            ("Paris", "NNP", 10, "conj"),
            (".", ".", 7, "punct"),
        ];
        let found = claims(&rows, &[("Oslo", "LOC"), ("Rome", "LOC"), ("Paris", "LOC")]);
        assert_eq!(
            triples(&found),
            [
                (
                    "Oslo".into(),
                    "host".into(),
                    Some("the talks".into()),
                    Modality::Asserted
                ),
                (
                    "Oslo".into(),
                    "sign".into(),
                    Some("deals with Rome and Paris".into()),
                    Modality::Asserted
                ),
            ]
        );
    }

    #[test]
    fn object_control_gives_the_object_its_own_claim_and_times_are_no_objects() {
        // "Two goals allowed Japan to win on Saturday ."
        let rows = [
            ("Two", "CD", 2, "nummod"),
            ("goals", "NNS", 3, "nsubj"),
            ("allowed", "VBD", 0, "root"),
            ("Japan", "NNP", 3, "obj"),
            ("to", "TO", 6, "mark"),
            ("win", "VB", 3, "xcomp"),
            ("on", "IN", 8, "case"),
            ("Saturday", "NNP", 6, "obl"),
            (".", ".", 3, "punct"),
        ];
        let found = claims(&rows, &[("Japan", "LOC")]);
        assert_eq!(
            triples(&found),
            [
                (
                    "Two goals".into(),
                    "allow".into(),
                    Some("Japan".into()),
                    Modality::Asserted
                ),
                ("Japan".into(), "win".into(), None, Modality::Asserted),
            ]
        );
        assert_eq!(found[0].subject.label, None);
        assert_eq!(found[1].subject.label.as_deref(), Some("LOC"));
    }

    #[test]
    fn pronouns_stand_for_the_reporter_or_an_earlier_subject_that_agrees() {
        // "I will move to Oslo , Frater said ."
        let rows = [
            ("I", "PRP", 3, "nsubj"),
            ("will", "MD", 3, "aux"),
            ("move", "VB", 0, "root"),
            ("to", "IN", 5, "case"),
            ("Oslo", "NNP", 3, "obl"),
            (",", ",", 8, "punct"),
            ("Frater", "NNP", 8, "nsubj"),
            ("said", "VBD", 3, "parataxis"),
            (".", ".", 3, "punct"),
        ];
        let found = claims(&rows, &[("Oslo", "LOC"), ("Frater", "PER")]);
        assert_eq!(
            triples(&found),
            [(
                "Frater".into(),
                "move to".into(),
                Some("Oslo".into()),
                Modality::Future
            )]
        );
        // "Yeltsin rested although his aides said he was massacred ." (he: Yeltsin, not the
        // plural aides)
        let rows = [
            ("Yeltsin", "NNP", 2, "nsubj"),
            ("rested", "VBD", 0, "root"),
            ("although", "IN", 6, "mark"),
            ("his", "PRP$", 5, "nmod:poss"),
            ("aides", "NNS", 6, "nsubj"),
            ("said", "VBD", 2, "advcl"),
            ("he", "PRP", 9, "nsubj:pass"),
            ("was", "VBD", 9, "aux:pass"),
            ("massacred", "VBN", 6, "ccomp"),
            (".", ".", 2, "punct"),
        ];
        let found = claims(&rows, &[("Yeltsin", "PER")]);
        assert_eq!(
            triples(&found),
            [
                ("Yeltsin".into(), "rest".into(), None, Modality::Asserted),
                (
                    "Yeltsin".into(),
                    "be massacred".into(),
                    None,
                    Modality::Asserted
                ),
            ]
        );
        assert_eq!(found[1].attribution.as_ref().unwrap().text, "his aides");
    }

    #[test]
    fn pronouns_and_descriptions_take_the_entity_named_in_an_earlier_sentence() {
        let saudi = EntitySpan {
            text: "Saudi Arabia".into(),
            label: "LOC".into(),
            start: 0,
            end: 0,
            score: 0.9,
            min_score: 0.9,
            entity: Some("d#saudi-arabia".into()),
        };
        // "The kingdom remains cautious ." after a sentence naming Saudi Arabia.
        let rows = [
            ("The", "DT", 2, "det"),
            ("kingdom", "NN", 3, "nsubj"),
            ("remains", "VBZ", 0, "root"),
            ("cautious", "JJ", 3, "xcomp"),
            (".", ".", 3, "punct"),
        ];
        let found = claims_after(&rows, &[], std::slice::from_ref(&saudi));
        assert_eq!(
            triples(&found),
            [(
                "The kingdom".into(),
                "remain".into(),
                Some("cautious".into()),
                Modality::Asserted
            )]
        );
        assert_eq!(found[0].subject.entity, saudi.entity);
        assert_eq!(found[0].subject.label.as_deref(), Some("LOC"));
        // "It denied the report ." : "it" is no person, so Saudi Arabia again; alone, nothing.
        let rows = [
            ("It", "PRP", 2, "nsubj"),
            ("denied", "VBD", 0, "root"),
            ("the", "DT", 4, "det"),
            ("report", "NN", 2, "obj"),
            (".", ".", 2, "punct"),
        ];
        let found = claims_after(&rows, &[], std::slice::from_ref(&saudi));
        assert_eq!(found[0].subject.entity, saudi.entity);
        assert_eq!(found[0].subject.text, "It");
        assert_eq!(claims(&rows, &[])[0].subject.entity, None);
    }
}
