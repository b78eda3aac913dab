//! Claims of a document from its tagged sentences: clauses around verb groups, subjects and
//! objects from noun phrases, conjuncts split, reported clauses attributed to their source, and
//! pronouns and descriptions ("it", "the kingdom", "the accords") resolved to entities named
//! earlier.

use claimex_core::{
    claim_id, Argument, Attribution, Claim, EntityLinker, EntitySpan, ModelIds, Predicate,
    Sentence, TaggedToken,
};

use crate::calibration::Calibration;
use crate::confidence::{raw_confidence, ObjectKind};
use crate::lexicon::{may_be_participle, TIME_WORDS};
use crate::modality::modality_of;
use crate::phrases::{noun_phrases, sentence_tokens, verb_groups, NounPhrase, Tok, VerbGroup};
use crate::resolve::Earlier;
use claimex_core::Modality;

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

/// Verbs that report speech or thought: their clause complement is a claim of its subject.
pub(crate) const REPORTING: &[&str] = &[
    "say",
    "announce",
    "tell",
    "indicate",
    "emphasize",
    "emphasise",
    "state",
    "claim",
    "report",
    "confirm",
    "deny",
    "add",
    "note",
    "warn",
    "insist",
    "argue",
    "stress",
    "suggest",
    "explain",
    "reveal",
    "acknowledge",
    "admit",
    "predict",
    "write",
    "signal",
    "declare",
    "disclose",
    "allege",
    "assure",
    "inform",
    "testify",
    "concede",
    "reiterate",
    "believe",
    "think",
    "hope",
    "expect",
    "fear",
];
/// Titles before "of": "Secretary of State Marco Rubio said" is Rubio's statement.
const TITLES: &[&str] = &[
    "secretary",
    "minister",
    "president",
    "envoy",
    "chairman",
    "chairwoman",
    "chair",
    "chief",
    "director",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "ambassador",
    "governor",
    "head",
    "leader",
    "ceo",
    "commissioner",
    "mayor",
    "prime",
    "general",
    "king",
    "queen",
    "prince",
];
/// Reporting verbs that take the hearer as object before the clause ("told reporters that").
const TELL: &[&str] = &["tell", "inform", "assure", "remind", "warn"];
/// Nouns that only carry a relation: they stay in the predicate and the entity after their
/// preposition is the object ("maintains ties with Israel").
pub(crate) const RELATION_NOUNS: &[&str] = &[
    "ties",
    "talks",
    "relations",
    "negotiations",
    "contacts",
    "links",
    "dealings",
];
/// Verbs whose object follows a preposition: such an object gets the prior of a direct object
/// (other prepositional objects get a lower one).
const PREPOSITION_FRAMES: &[(&str, &str)] = &[
    ("meet", "with"),
    ("talk", "to"),
    ("talk", "with"),
    ("speak", "with"),
    ("speak", "to"),
    ("return", "to"),
    ("move", "to"),
    ("apply", "for"),
    ("compete", "with"),
    ("merge", "with"),
    ("partner", "with"),
    ("side", "with"),
    ("agree", "with"),
    ("invest", "in"),
    ("withdraw", "from"),
    ("resign", "from"),
    ("step", "as"),
    ("sue", "over"),
    ("vote", "for"),
    ("vote", "against"),
    ("belong", "to"),
    ("rise", "to"),
    ("fall", "to"),
    ("travel", "to"),
    ("arrive", "in"),
    ("depend", "on"),
    ("rely", "on"),
    ("trade", "with"),
    ("cooperate", "with"),
    ("work", "for"),
    ("work", "with"),
];
/// Verb and noun that together are the predicate ("take effect"): the noun is no object.
pub(crate) const IDIOMS: &[(&str, &str)] = &[
    ("take", "effect"),
    ("take", "place"),
    ("take", "part"),
    ("take", "office"),
    ("take", "power"),
    ("make", "progress"),
    ("come", "power"),
];
/// Prepositions whose phrase can be the object of a verb without a direct one.
const OBJECT_PREPOSITIONS: &[&str] = &[
    "with", "to", "against", "from", "into", "for", "as", "in", "at", "through", "by", "on",
    "over", "about", "between", "beyond",
];
/// Who a reported clause belongs to.
#[derive(Debug, Clone)]
struct Source {
    arg: Argument,
    cue: String,
    /// Token where the reported clause starts and ends.
    from: usize,
    to: usize,
    negates: bool,
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
                doc_id, input, models, &linker, &seen, false,
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

fn sentence_claims(
    doc_id: &str,
    input: &SentenceInput,
    models: &ModelIds,
    linker: &EntityLinker,
    seen: &[EntitySpan],
    open: bool,
) -> Vec<Claim> {
    let sentence = input.sentence;
    let (ents, toks) = input.tokens_and_entities();
    if toks.is_empty() {
        return vec![];
    }
    let nps = noun_phrases(&toks);
    let groups = verb_groups(&toks);
    let chars: Vec<char> = sentence.text.chars().collect();
    let ctx = Context {
        open,
        sentence,
        toks: &toks,
        nps: &nps,
        ents: &ents,
        chars: &chars,
        linker,
        seen,
    };

    // Clause boundaries: after relative and complement words, after reporting verbs' objects.
    let mut boundaries: Vec<usize> = vec![0];
    for (k, t) in toks.iter().enumerate() {
        if matches!(
            t.lower.as_str(),
            "that" | "which" | "who" | ";" | ":" | "whether" | "because" | "but" | "while" | "so"
        ) {
            boundaries.push(k + 1);
        }
    }
    let mut sources: Vec<Source> = Vec::new();
    let mut reporting: Vec<bool> = vec![false; groups.len()];
    // Open IE: (source, reporting group, clause start, clause end) to emit as tuples.
    let mut report_tuples: Vec<(Argument, usize, usize, usize)> = Vec::new();
    if let Some(s) = according_to(&ctx) {
        boundaries.push(s.from);
        sources.push(s);
    }
    for (gi, g) in groups.iter().enumerate() {
        let lemma = g.lemma.as_str();
        if !REPORTING.contains(&lemma) {
            continue;
        }
        let cue = toks[g.head].text.clone();
        // Complement after the verb: "said (that) X will ...", "told reporters (that) X ...".
        let mut k = g.end;
        if TELL.contains(&lemma) {
            if let Some(np) = ctx.np_at(k) {
                k = np.end;
            }
        }
        if toks.get(k).is_some_and(|t| t.lower == "that") {
            k += 1;
        }
        let explicit_that = k > 0 && toks[k - 1].lower == "that";
        let clause_follows = groups[gi + 1..].iter().any(|h| h.start > k)
            && (explicit_that || ctx.np_at(k).is_some());
        if clause_follows {
            let subject = ctx.subject_of(g, &boundaries, &groups);
            if let Some(arg) = subject.and_then(|np| ctx.argument(np, None)) {
                reporting[gi] = true;
                if open {
                    report_tuples.push((arg.clone(), gi, k, ctx.clause_end(k)));
                }
                boundaries.push(k);
                sources.push(Source {
                    arg,
                    cue,
                    from: k,
                    to: toks.len(),
                    negates: lemma == "deny",
                });
            }
            continue;
        }
        // Trailing report: "X will join, Trump said." / ", said Trump."
        let comma_before = (1..=g.start).rev().find(|&k| toks[k - 1].lower == ",");
        let at_end = |k: usize| {
            toks[k..]
                .iter()
                .all(|t| !t.text.chars().any(char::is_alphanumeric))
        };
        if let Some(c) = comma_before {
            let np_before = ctx.np_at(c).filter(|np| np.end == g.start);
            let np_after = ctx.np_at(g.end).filter(|np| at_end(np.end));
            let source_np = if at_end(g.end) && np_before.is_some() {
                np_before
            } else if c == g.start {
                np_after
            } else {
                None
            };
            if let Some(arg) = source_np.and_then(|np| ctx.argument(np, None)) {
                reporting[gi] = true;
                if open {
                    // The report covers the sentence before the comma.
                    let from = usize::from(toks[0].text.chars().all(|c| !c.is_alphanumeric()));
                    report_tuples.push((arg.clone(), gi, from, c - 1));
                }
                sources.push(Source {
                    arg,
                    cue,
                    from: 0,
                    to: c - 1,
                    negates: lemma == "deny",
                });
            }
        }
    }
    boundaries.sort_unstable();

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
        let participle =
            open && !reporting[gi] && !finite(&toks, g, &groups[..gi], &boundaries) && g.start > 0;
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
        if !open
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
        let Some(object) = (if open && objectless {
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
                    ObjectPhrase::Noun(np) if open && i + 1 == object.phrases.len() => {
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
            Some(ObjectPhrase::Noun(np)) if open => {
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

enum ObjectPhrase {
    Noun(NounPhrase),
    /// Tokens `start..end` as they stand: an adjective complement of a copula, or in Open IE
    /// style a prepositional phrase after a verb without an object.
    Span(usize, usize),
}

struct ObjectFound {
    phrases: Vec<ObjectPhrase>,
    /// Token after the last predicate token (the preposition or relation noun included).
    predicate_end: usize,
    /// Lemma when the predicate grew ("maintain ties with").
    lemma: Option<String>,
    kind: ObjectKind,
}

struct Context<'a> {
    /// Open IE style: arguments keep their determiners and reach to the end of their phrase or
    /// clause, pronouns stay unresolved, reporting verbs are tuples too.
    open: bool,
    sentence: &'a Sentence,
    toks: &'a [Tok],
    nps: &'a [NounPhrase],
    ents: &'a [&'a EntitySpan],
    chars: &'a [char],
    linker: &'a EntityLinker,
    seen: &'a [EntitySpan],
}

impl Context<'_> {
    /// The noun phrase starting at token `k`.
    fn np_at(&self, k: usize) -> Option<NounPhrase> {
        self.nps.iter().copied().find(|np| np.start == k)
    }

    /// Whether the phrase is the object of a preposition: not after a word that starts a
    /// clause, not a number after "about" ("About 800 have crossed"), and not the subject of a
    /// subordinate clause ("as the bid broke", "before the two routes diverge").
    fn after_preposition(&self, np: &NounPhrase) -> bool {
        let toks = self.toks;
        if np.start == 0 || !matches!(toks[np.start - 1].pos.as_str(), "IN" | "TO") {
            return false;
        }
        let word = toks[np.start - 1].lower.as_str();
        let approximate = matches!(word, "about" | "around" | "nearly" | "almost" | "over")
            && toks[np.start].pos == "CD";
        let clause = matches!(
            word,
            "as" | "before" | "after" | "since" | "until" | "although" | "though" | "once"
        ) && toks
            .get(np.end)
            .is_some_and(|t| matches!(t.pos.as_str(), "VBD" | "VBZ" | "VBP" | "MD"));
        !matches!(word, "that" | "whether" | "because" | "while" | "if") && !approximate && !clause
    }

    /// The subject of a verb group: after a relative pronoun, the phrase it refers to; else the
    /// first noun phrase of the group's clause that is not inside a prepositional phrase.
    fn subject_of(
        &self,
        g: &VerbGroup,
        boundaries: &[usize],
        groups: &[VerbGroup],
    ) -> Option<NounPhrase> {
        let toks = self.toks;
        if g.start > 0 && matches!(toks[g.start - 1].lower.as_str(), "which" | "who") {
            let mut k = g.start - 1;
            if k > 0 && toks[k - 1].lower == "," {
                k -= 1;
            }
            // After a list, the relative clause is about all of it ("Azerbaijan and Uzbekistan,
            // which maintain ..."): the first conjunct, whose conjuncts the caller takes.
            let mut np = self.nps.iter().copied().rfind(|np| np.end == k)?;
            loop {
                let mut j = np.start;
                if j > 0 && matches!(toks[j - 1].lower.as_str(), "and" | "or") {
                    j -= 1;
                }
                if j > 0 && toks[j - 1].lower == "," {
                    j -= 1;
                }
                match (j < np.start)
                    .then(|| self.nps.iter().copied().rfind(|p| p.end == j))
                    .flatten()
                {
                    Some(earlier) => np = earlier,
                    None => return Some(np),
                }
            }
        }
        // After a relative clause closed by a comma ("countries, which maintain ties, are
        // considered"), the subject stands before the relative clause.
        if g.start > 0 && toks[g.start - 1].lower == "," {
            let relative = (1..g.start - 1).rev().find(|&k| {
                matches!(toks[k].lower.as_str(), "which" | "who") && toks[k - 1].lower == ","
            });
            if let Some(r) = relative {
                let inside: Vec<VerbGroup> =
                    groups.iter().filter(|h| h.end <= r).cloned().collect();
                let stand_in = VerbGroup {
                    start: r - 1,
                    end: r,
                    head: r,
                    lemma: String::new(),
                };
                return self.subject_of(&stand_in, boundaries, &inside);
            }
        }
        // A verb coordinated with an earlier one shares its subject ("stated that ... and
        // reiterated that ...").
        if g.start > 0 && matches!(toks[g.start - 1].lower.as_str(), "and" | "but") {
            let earlier: Vec<&VerbGroup> = groups.iter().filter(|h| h.end < g.start).collect();
            let top: Vec<usize> = boundaries.iter().copied().filter(|&b| b == 0).collect();
            // The first earlier verb with a subject ("After leaving , he tried ... and worked");
            // without one (a verb the tagger missed), the usual search below. A participle alone
            // shares a subject only with a verb group that has one too ("was arrested and
            // charged"), not with a plain verb ("comes ..., but increasingly sought after").
            let verbs = || toks[g.start..g.end].iter().filter(|t| t.is_verb());
            // A past form with an agent after it ("but increasingly sought after by China") is
            // a participle the tagger read as a past tense; "rose by 5 %" is not (a number
            // follows "by", and "rose" has a participle of its own).
            let agent_follows = || {
                let last_verb = (g.start..g.end).rev().find(|&k| toks[k].is_verb());
                let Some(mut k) = last_verb.map(|k| k + 1) else {
                    return false;
                };
                if toks
                    .get(k)
                    .is_some_and(|t| t.pos == "RP" || t.lower == "after")
                {
                    k += 1;
                }
                toks.get(k).is_some_and(|t| t.lower == "by")
                    && toks
                        .get(k + 1)
                        .is_some_and(|t| t.is_noun() && t.pos != "CD")
            };
            let bare_participle = verbs().all(|t| t.pos == "VBN")
                || (verbs().all(|t| t.pos == "VBD" && may_be_participle(&t.text))
                    && agent_follows());
            let found = earlier.iter().find_map(|h| {
                self.subject_of(h, &top, &[])
                    .map(|subject| (subject, toks[h.start..h.end].iter().any(|t| t.pos == "VBN")))
            });
            match found {
                Some((_, false)) if bare_participle => return None,
                Some((subject, _)) => return Some(subject),
                None => {}
            }
        }
        let previous_group_end = groups
            .iter()
            .filter(|h| h.end <= g.start)
            .map(|h| h.end)
            .max()
            .unwrap_or(0);
        let boundary = boundaries
            .iter()
            .copied()
            .filter(|&b| b <= g.start)
            .max()
            .unwrap_or(0)
            .max(previous_group_end);
        // A sentence-opening prepositional phrase closed by a comma holds no subject ("Under
        // the agreement with the House and Senate leaders , the minimum wage would rise").
        let opening = if boundary == 0 && toks[0].pos == "IN" {
            (1..g.start)
                .find(|&k| toks[k].lower == ",")
                .map_or(0, |k| k + 1)
        } else {
            0
        };
        let candidates: Vec<NounPhrase> = self
            .nps
            .iter()
            .copied()
            .filter(|np| np.start >= boundary.max(opening) && np.end <= g.start)
            .filter(|np| !self.after_preposition(np) && !self.in_according(np))
            // "Several years later the trackage was abandoned": a time, not the subject.
            .filter(|np| {
                !toks
                    .get(np.end)
                    .is_some_and(|t| matches!(t.lower.as_str(), "later" | "ago" | "earlier"))
            })
            .collect();
        let first = *candidates.first()?;
        // "X are considered likely candidates to join Y": an infinitive after the complement of
        // a copula or passive has that clause's subject (after an active verb the phrase before
        // it is the subject: "urged leaders to join").
        let infinitive =
            toks[g.start].lower == "to" || (g.start > 0 && toks[g.start - 1].lower == "to");
        if infinitive && candidates.len() == 1 {
            let previous = groups.iter().rfind(|h| h.end == first.start);
            if let Some(h) = previous.filter(|h| h.lemma == "be" || h.lemma.starts_with("be ")) {
                let inside: Vec<VerbGroup> = groups
                    .iter()
                    .filter(|o| o.end <= h.start)
                    .cloned()
                    .collect();
                if let Some(subject) = self.subject_of(h, boundaries, &inside) {
                    return Some(subject);
                }
            }
        }
        // "Secretary of State Marco Rubio": the person after a title and "of".
        let adjacent =
            |np: &NounPhrase| np.end <= g.start && toks[np.end..g.start].iter().all(Tok::is_adverb);
        if TITLES.contains(&toks[first.end - 1].lower.as_str())
            && toks.get(first.end).is_some_and(|t| t.lower == "of")
        {
            if let Some(person) = self.nps.iter().copied().rfind(|np| {
                np.start > first.end && adjacent(np) && toks[np.end - 1].entity.is_some()
            }) {
                return Some(person);
            }
        }
        // A subordinate clause before a comma: "While X is ..., the kingdom remains cautious".
        let clause_start = boundaries
            .iter()
            .copied()
            .filter(|&b| b <= g.start)
            .max()
            .unwrap_or(0);
        let after_comma = candidates
            .iter()
            .copied()
            .rfind(|np| np.start > clause_start && toks[np.start - 1].lower == "," && adjacent(np));
        if let Some(np) = after_comma {
            if toks[clause_start..np.start].iter().any(|t| t.is_verb()) {
                return Some(np);
            }
        }
        Some(first)
    }

    fn in_according(&self, np: &NounPhrase) -> bool {
        np.start >= 2 && self.toks[np.start - 2].lower == "according"
    }

    /// `first` and the phrases coordinated with it before token `limit` ("Israel and the United
    /// Arab Emirates, Bahrain, and Morocco"); a phrase followed by a verb starts a new clause and
    /// is not a conjunct.
    fn conjuncts(&self, first: NounPhrase, limit: usize, subject: bool) -> Vec<NounPhrase> {
        let toks = self.toks;
        let mut out = vec![first];
        let mut k = first.end;
        loop {
            let mut j = k;
            let mut saw = false;
            if toks.get(j).is_some_and(|t| t.lower == ",") {
                j += 1;
                saw = true;
            }
            if toks
                .get(j)
                .is_some_and(|t| matches!(t.lower.as_str(), "and" | "or"))
            {
                j += 1;
                saw = true;
            }
            if !saw {
                break;
            }
            let Some(next) = self.np_at(j).filter(|np| np.end <= limit) else {
                break;
            };
            if !subject && toks.get(next.end).is_some_and(|t| t.is_verb()) {
                break;
            }
            // "X, the carmaker," is an apposition, not a list, unless "and"/"or" ends the list.
            let ends_with_and = (next.end..toks.len().min(next.end + 2))
                .any(|m| matches!(toks[m].lower.as_str(), "and" | "or"))
                || toks[j - 1].pos == "CC";
            if !ends_with_and && toks[next.start].pos == "DT" && toks[k].lower == "," {
                break;
            }
            out.push(next);
            k = next.end;
        }
        out
    }

    /// The object of a verb group: a noun phrase right after it (the second of two when the
    /// first is a pronoun, "offered him a contract"), the phrase after a relation noun ("ties
    /// with Israel"), after a preposition the verb takes ("met with"), or an adjective after a
    /// copula ("remains cautious"); conjuncts split.
    fn object_of(&self, g: &VerbGroup) -> Option<ObjectFound> {
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
    fn adjunct_of(&self, g: &VerbGroup) -> Option<ObjectFound> {
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
    fn prepositional_object(&self, k: usize, lemma: &str) -> Option<ObjectFound> {
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
    fn extend_over_prepositions(&self, mut end: usize) -> usize {
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
    fn list_in_argument(&self, start: usize, end: usize) -> Option<(usize, Vec<(usize, usize)>)> {
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
    fn clause_end(&self, k: usize) -> usize {
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
    fn clause_at(&self, k: usize) -> bool {
        self.np_at(k).is_some_and(|np| {
            self.toks
                .get(np.end)
                .is_some_and(|t| t.is_verb() && !t.pos.starts_with("VBG"))
        })
    }

    /// An argument for a noun phrase: the entity when the phrase ends with one (determiners and
    /// titles dropped: "President Trump" gives Trump), a resolved entity for pronouns and
    /// definite descriptions, else the phrase without its leading determiner.
    fn argument(&self, np: NounPhrase, source: Option<&Source>) -> Option<Argument> {
        let toks = self.toks;
        let head = &toks[np.end - 1];
        if self.open {
            let end = self.extend_over_prepositions(np.end);
            let mut arg = self.plain_argument(np.start, end, 0.75);
            if let Some(e) = head.entity {
                arg.label = Some(self.ents[e].label.clone());
                arg.score = self.ents[e].score;
            }
            return Some(arg);
        }
        if let Some(e) = head.entity {
            return Some(Argument::from(self.ents[e]));
        }
        let mut start = np.start;
        while start < np.end - 1 && matches!(toks[start].lower.as_str(), "the" | "a" | "an") {
            start += 1;
        }
        if head.pos == "PRP" && np.end - np.start == 1 {
            return self.resolve_pronoun(np.start, source);
        }
        let mut arg = self.plain_argument(start, np.end, 0.75);
        let definite = toks[np.start].lower == "the";
        if definite {
            if let Some(found) = self.resolve_description(np) {
                arg.label = Some(found.label.clone());
                arg.entity = found.entity.clone();
                arg.score = found.score * 0.9;
            }
        }
        Some(arg)
    }

    /// The predicate over tokens `start..end` with `lemma`.
    fn predicate(&self, start: usize, end: usize, lemma: String) -> Predicate {
        let (s, e) = (self.toks[start].start, self.toks[end - 1].end);
        Predicate {
            text: self.chars[s..e].iter().collect(),
            lemma,
            start: self.sentence.start + s,
            end: self.sentence.start + e,
        }
    }

    fn plain_argument(&self, start: usize, end: usize, score: f32) -> Argument {
        token_argument(self.sentence, self.toks, self.chars, start, end, score)
    }

    /// "he"/"she" and "it"/"they": the source of the reported clause when it fits, else the
    /// latest earlier entity of a fitting type. Unresolved pronouns are not arguments.
    fn resolve_pronoun(&self, k: usize, source: Option<&Source>) -> Option<Argument> {
        if self.open {
            return Some(self.plain_argument(k, k + 1, 0.6));
        }
        let word = self.toks[k].lower.as_str();
        let person = matches!(word, "he" | "she" | "him" | "her");
        let thing = matches!(word, "it" | "they" | "them");
        if !person && !thing {
            return None;
        }
        let fits = |label: Option<&str>| match label {
            Some("PER") => person,
            Some(_) => thing,
            None => true,
        };
        let tok = &self.toks[k];
        let surface = |mut a: Argument| {
            a.text = tok.text.clone();
            a.start = self.sentence.start + tok.start;
            a.end = self.sentence.start + tok.end;
            a.score *= 0.8;
            a
        };
        // The source is named in this sentence: the claim's subject is that name, where it
        // stands ("The ministry denied that it had ..." is the ministry's claim).
        if let Some(s) = source.filter(|s| fits(s.arg.label.as_deref())) {
            let mut arg = s.arg.clone();
            arg.score *= 0.9;
            return Some(arg);
        }
        self.earlier()
            .pronoun(word, self.sentence.start + tok.start)
            .map(|e| surface(Argument::from(e)))
    }

    /// Earlier entities of the document and this sentence's.
    fn earlier(&self) -> Earlier<'_> {
        Earlier {
            seen: self.seen,
            here: self.ents,
            linker: self.linker,
        }
    }

    /// "the kingdom" names the latest country mentioned; "the accords" the earlier entity whose
    /// name holds those words.
    fn resolve_description(&self, np: NounPhrase) -> Option<EntitySpan> {
        let words: Vec<&str> = self.toks[np.start + 1..np.end]
            .iter()
            .map(|t| t.lower.as_str())
            .collect();
        self.earlier()
            .description(&words, self.sentence.start + self.toks[np.start].start)
    }
}

/// The claims of one sentence in Open IE style, for benchmarks such as CaRB: arguments as
/// they stand (determiners kept, prepositional phrases and the rest of the clause included,
/// pronouns unresolved) and reporting verbs as tuples of their own (source; said; clause).
/// Confidences are raw scores.
pub fn open_claims_of_sentence(input: &SentenceInput, models: &ModelIds) -> Vec<Claim> {
    let linker = EntityLinker::new("open");
    sentence_claims("open", input, models, &linker, &[], true)
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

/// "According to Reuters, ..." or "..., according to officials.": the source of the sentence.
fn according_to(ctx: &Context) -> Option<Source> {
    let toks = ctx.toks;
    let k = (0..toks.len().saturating_sub(1))
        .find(|&k| toks[k].lower == "according" && toks[k + 1].lower == "to")?;
    let np = ctx.np_at(k + 2)?;
    let arg = ctx.argument(np, None)?;
    let cue: String = ctx.chars[toks[k].start..toks[k + 1].end].iter().collect();
    let (from, to) = if k == 0 { (np.end, toks.len()) } else { (0, k) };
    Some(Source {
        arg,
        cue: cue.to_lowercase(),
        from,
        to,
        negates: false,
    })
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
