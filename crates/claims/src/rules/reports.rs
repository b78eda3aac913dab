//! Reported speech in the rules builder: "X said (that) ...", "..., X said.", "according to X":
//! who each reported clause belongs to, and the clause boundaries they open.

use claimex_core::Argument;

use super::context::Context;
use super::words::{REPORTING, TELL};
use super::Style;
use crate::phrases::VerbGroup;

/// Who a reported clause belongs to.
#[derive(Debug, Clone)]
pub(super) struct Source {
    pub(super) arg: Argument,
    pub(super) cue: String,
    /// Token where the reported clause starts and ends.
    pub(super) from: usize,
    pub(super) to: usize,
    pub(super) negates: bool,
}

/// The reported speech of a sentence and the clause boundaries around it.
pub(super) struct Reports {
    /// Tokens where clauses start: after relative and complement words, where reported clauses
    /// begin (sorted).
    pub(super) boundaries: Vec<usize>,
    /// Who each reported clause belongs to.
    pub(super) sources: Vec<Source>,
    /// Per verb group, whether it is the reporting verb of a clause.
    pub(super) reporting: Vec<bool>,
    /// Open IE style only: (source, reporting group, clause start, clause end), each a tuple of
    /// its own.
    pub(super) tuples: Vec<(Argument, usize, usize, usize)>,
}

/// Finds the reported clauses of a sentence and their sources.
pub(super) fn reports(ctx: &Context, groups: &[VerbGroup]) -> Reports {
    let toks = ctx.toks;
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
    let mut tuples: Vec<(Argument, usize, usize, usize)> = Vec::new();
    if let Some(s) = according_to(ctx) {
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
            let subject = ctx.subject_of(g, &boundaries, groups);
            if let Some(arg) = subject.and_then(|np| ctx.argument(np, None)) {
                reporting[gi] = true;
                if ctx.style == Style::OpenIe {
                    tuples.push((arg.clone(), gi, k, ctx.clause_end(k)));
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
                if ctx.style == Style::OpenIe {
                    // The report covers the sentence before the comma.
                    let from = usize::from(toks[0].text.chars().all(|c| !c.is_alphanumeric()));
                    tuples.push((arg.clone(), gi, from, c - 1));
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
    Reports {
        boundaries,
        sources,
        reporting,
        tuples,
    }
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
