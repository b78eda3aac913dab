//! Arguments in the rules builder: an entity mention or a noun phrase, pronouns ("he", "it")
//! and definite descriptions ("the kingdom") resolved to an entity named earlier.

use claimex_core::{Argument, EntitySpan, Predicate};

use super::context::Context;
use super::reports::Source;
use super::{token_argument, Style};
use crate::phrases::NounPhrase;
use crate::resolve::Earlier;

impl Context<'_> {
    /// An argument for a noun phrase: the entity when the phrase ends with one (determiners and
    /// titles dropped: "President Trump" gives Trump), a resolved entity for pronouns and
    /// definite descriptions, else the phrase without its leading determiner.
    pub(super) fn argument(&self, np: NounPhrase, source: Option<&Source>) -> Option<Argument> {
        let toks = self.toks;
        let head = &toks[np.end - 1];
        if self.style == Style::OpenIe {
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
    pub(super) fn predicate(&self, start: usize, end: usize, lemma: String) -> Predicate {
        let (s, e) = (self.toks[start].start, self.toks[end - 1].end);
        Predicate {
            text: self.chars[s..e].iter().collect(),
            lemma,
            start: self.sentence.start + s,
            end: self.sentence.start + e,
        }
    }

    pub(super) fn plain_argument(&self, start: usize, end: usize, score: f32) -> Argument {
        token_argument(self.sentence, self.toks, self.chars, start, end, score)
    }

    /// "he"/"she" and "it"/"they": the source of the reported clause when it fits, else the
    /// latest earlier entity of a fitting type. Unresolved pronouns are not arguments.
    pub(super) fn resolve_pronoun(&self, k: usize, source: Option<&Source>) -> Option<Argument> {
        if self.style == Style::OpenIe {
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
    pub(super) fn earlier(&self) -> Earlier<'_> {
        Earlier {
            seen: self.seen,
            here: self.ents,
            linker: self.linker,
        }
    }

    /// "the kingdom" names the latest country mentioned; "the accords" the earlier entity whose
    /// name holds those words.
    pub(super) fn resolve_description(&self, np: NounPhrase) -> Option<EntitySpan> {
        let words: Vec<&str> = self.toks[np.start + 1..np.end]
            .iter()
            .map(|t| t.lower.as_str())
            .collect();
        self.earlier()
            .description(&words, self.sentence.start + self.toks[np.start].start)
    }
}
