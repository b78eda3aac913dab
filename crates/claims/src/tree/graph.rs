//! A sentence's dependency tree as `tree-v0` walks it.

use claimex_core::TaggedToken;

/// Adverbs that bound the amount of the noun they modify, and so stay in its phrase.
const AMOUNT_ADVERBS: &[&str] = &[
    "only",
    "nearly",
    "almost",
    "roughly",
    "approximately",
    "about",
    "around",
];

/// A sentence's tokens with their tree: children lists and relations, 0-based.
pub(super) struct Tree<'a> {
    pub(super) tokens: &'a [TaggedToken],
    pub(super) heads: Vec<Option<usize>>,
    pub(super) children: Vec<Vec<usize>>,
}

impl<'a> Tree<'a> {
    pub(super) fn new(tokens: &'a [TaggedToken]) -> Tree<'a> {
        // Heads outside the sentence are none (a parser gives none; the type allows them).
        let heads: Vec<Option<usize>> = tokens
            .iter()
            .map(|t| {
                t.head
                    .and_then(|h| h.checked_sub(1))
                    .filter(|&h| h < tokens.len())
            })
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

    pub(super) fn rel(&self, i: usize) -> &str {
        self.tokens[i].relation.as_deref().unwrap_or("dep")
    }

    /// The universal part of `i`'s relation (`nsubj` of `nsubj:pass`).
    pub(super) fn base(&self, i: usize) -> &str {
        self.rel(i).split(':').next().unwrap_or_default()
    }

    /// The first child of `i` with the first of `rels` that it has.
    pub(super) fn child(&self, i: usize, rels: &[&str]) -> Option<usize> {
        rels.iter().find_map(|rel| {
            self.children[i]
                .iter()
                .copied()
                .find(|&c| self.rel(c) == *rel)
        })
    }

    /// A verb by its tag, or by its tree when the tagger missed it ("cut" tagged as an
    /// adjective but governing an object, "balanced" with a passive auxiliary, "does not vouch"
    /// with "vouch" tagged as a noun).
    pub(super) fn is_verb(&self, i: usize) -> bool {
        if matches!(self.base(i), "aux" | "cop" | "amod" | "compound") {
            return false;
        }
        self.tokens[i].pos.starts_with("VB")
            || (self.child(i, &["cop"]).is_none()
                && (self
                    .child(i, &["obj", "aux", "aux:pass", "nsubj:pass"])
                    .is_some()
                    // "as professionals gradually switch from vodka", "switch" tagged a noun.
                    || (matches!(self.base(i), "advcl" | "ccomp")
                        && self.child(i, &["nsubj"]).is_some())))
    }

    pub(super) fn word(&self, i: usize) -> String {
        self.tokens[i].text.to_lowercase()
    }

    /// The phrase headed by `i`: its subtree without relative clauses, participles, appositions,
    /// clauses and punctuation, without the head's own conjuncts unless they are alternatives
    /// (each is an argument of its own; deeper ones stay: "the force of Suker and Mijatovic"),
    /// without a "not" on the head, and without a leading preposition (`case`) when
    /// `drop_case`; as the first and last token.
    pub(super) fn phrase(&self, i: usize, drop_case: bool) -> (usize, usize) {
        let mut kept = vec![false; self.tokens.len()];
        let alternatives = self.alternatives(i);
        let mut stack = vec![i];
        while let Some(k) = stack.pop() {
            kept[k] = true;
            for &c in &self.children[k] {
                let skip = matches!(
                    self.base(c),
                    "acl" | "appos" | "punct" | "parataxis" | "advcl" | "ccomp" | "dep"
                ) || (k == i && matches!(self.base(c), "conj" | "cc") && !alternatives)
                    || (drop_case && k == i && self.base(c) == "case" && c < i)
                    // Adverbs on the head ("just diplomatic ties", "not optimistic") are
                    // no part of the argument, except those that bound an amount ("only two
                    // players", "nearly 270 people").
                    || (k == i
                        && self.base(c) == "advmod"
                        && c < i
                        && !AMOUNT_ADVERBS.contains(&self.word(c).as_str()))
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
        // The unbroken run of kept words around the head: a word left out (a verb the parser
        // hung under the phrase's adverb) ends it.
        // Punctuation between kept words stays ("dialogue, mutual respect, and stability").
        let punct = |k: usize| self.base(k) == "punct";
        let (mut first, mut last) = (i, i);
        loop {
            if first > 0 && kept[first - 1] {
                first -= 1;
            } else if first > 1 && punct(first - 1) && kept[first - 2] {
                first -= 2;
            } else {
                break;
            }
        }
        loop {
            if last + 1 < kept.len() && kept[last + 1] {
                last += 1;
            } else if last + 2 < kept.len() && punct(last + 1) && kept[last + 2] {
                last += 2;
            } else {
                break;
            }
        }
        // A clause the parser hung inside the phrase ends it: a finite verb after the head, or a
        // comma before one ("available in all languages, an official said").
        let finite = |k: usize| matches!(self.tokens[k].pos.as_str(), "VBD" | "VBZ" | "VBP" | "MD");
        if let Some(cut) = (i + 1..=last)
            .find(|&k| finite(k) || (self.tokens[k].text == "," && (k + 1..=last).any(finite)))
        {
            last = cut - 1;
            while last > i
                && matches!(
                    self.tokens[last].pos.as_str(),
                    "," | "CC" | ":" | "IN" | "DT"
                )
            {
                last -= 1;
            }
        }
        (first, last)
    }

    /// The first of `i`'s children before it with one of `rels`, else `i`: where a verb group
    /// starts (its auxiliaries and adverbs).
    pub(super) fn group_start(&self, i: usize, rels: &[&str]) -> usize {
        self.children_before(i, rels).min().unwrap_or(i)
    }

    /// `i`'s children before it with one of `rels`.
    pub(super) fn children_before<'s>(
        &'s self,
        i: usize,
        rels: &'s [&str],
    ) -> impl Iterator<Item = usize> + 's {
        self.children[i]
            .iter()
            .copied()
            .filter(move |&c| c < i && rels.contains(&self.rel(c)))
    }

    /// The first word of the subtree of `i`, punctuation not counted.
    pub(super) fn subtree_start(&self, i: usize) -> usize {
        let mut first = i;
        let mut stack = vec![i];
        while let Some(k) = stack.pop() {
            first = first.min(k);
            stack.extend(
                self.children[k]
                    .iter()
                    .copied()
                    .filter(|&c| self.base(c) != "punct"),
            );
        }
        first
    }

    /// `i` and the heads of its conjuncts (`X, Y and Z`), each an argument of its own; only `i`
    /// when they are alternatives (`X or Y`), which stay one argument.
    /// (A conjunct with a subject or copula of its own is a clause of its own.)
    pub(super) fn conjuncts(&self, i: usize) -> Vec<usize> {
        let mut out = vec![i];
        if self.alternatives(i) {
            return out;
        }
        out.extend(self.noun_conjuncts(i));
        out
    }

    fn noun_conjuncts(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.children[i].iter().copied().filter(move |&c| {
            let clause = self.child(c, &["nsubj", "nsubj:pass", "cop"]).is_some();
            self.base(c) == "conj" && !self.is_verb(c) && !clause
        })
    }

    /// Whether the conjuncts of `i` are joined by "or" ("Kurdish autonomy or independence").
    fn alternatives(&self, i: usize) -> bool {
        self.noun_conjuncts(i)
            .any(|c| self.child(c, &["cc"]).is_some_and(|k| self.word(k) == "or"))
    }
}
