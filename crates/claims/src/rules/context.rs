//! The sentence the rules builder reads, and how it finds subjects: the first noun phrase of a
//! clause outside prepositional phrases, the noun a relative pronoun refers to, and the phrases
//! coordinated with it.

use claimex_core::{EntityLinker, EntitySpan, Sentence};

use super::words::TITLES;
use super::Style;
use crate::lexicon::may_be_participle;
use crate::phrases::{NounPhrase, Tok, VerbGroup};

/// One sentence as the rules builder reads it: its tokens, noun phrases and entity mentions,
/// and the document's entities so far. The methods live by concern: subjects and conjuncts
/// here, objects in `objects`, arguments in `arguments`.
pub(super) struct Context<'a> {
    pub(super) style: Style,
    pub(super) sentence: &'a Sentence,
    pub(super) toks: &'a [Tok],
    pub(super) nps: &'a [NounPhrase],
    pub(super) ents: &'a [&'a EntitySpan],
    pub(super) chars: &'a [char],
    pub(super) linker: &'a EntityLinker,
    pub(super) seen: &'a [EntitySpan],
}

impl Context<'_> {
    /// The noun phrase starting at token `k`.
    pub(super) fn np_at(&self, k: usize) -> Option<NounPhrase> {
        self.nps.iter().copied().find(|np| np.start == k)
    }

    /// Whether the phrase is the object of a preposition: not after a word that starts a
    /// clause, not a number after "about" ("About 800 have crossed"), and not the subject of a
    /// subordinate clause ("as the bid broke", "before the two routes diverge").
    pub(super) fn after_preposition(&self, np: &NounPhrase) -> bool {
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
    pub(super) fn subject_of(
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

    pub(super) fn in_according(&self, np: &NounPhrase) -> bool {
        np.start >= 2 && self.toks[np.start - 2].lower == "according"
    }

    /// `first` and the phrases coordinated with it before token `limit` ("Israel and the United
    /// Arab Emirates, Bahrain, and Morocco"); a phrase followed by a verb starts a new clause and
    /// is not a conjunct.
    pub(super) fn conjuncts(
        &self,
        first: NounPhrase,
        limit: usize,
        subject: bool,
    ) -> Vec<NounPhrase> {
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
}
