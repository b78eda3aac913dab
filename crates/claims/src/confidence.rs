//! Raw claim scores: the evidence each part of a claim brings, combined before calibration.

use claimex_core::Argument;

/// How a claim's object was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    /// A noun phrase right after the verb, or after a relation noun.
    Direct,
    /// After a preposition the verb takes, or naming an entity.
    Prepositional,
    /// An adjective after a copula.
    Adjective,
    /// The verb takes a clause, which is not an object.
    Clause,
    /// Nothing follows.
    None,
}

impl ObjectKind {
    /// How often a claim of this shape was right on the labelled fixtures when the rule was
    /// written (a prior; the calibration maps the product to observed accuracy).
    fn prior(self) -> f32 {
        match self {
            ObjectKind::Direct => 0.85,
            ObjectKind::Prepositional => 0.75,
            ObjectKind::Adjective => 0.6,
            ObjectKind::Clause | ObjectKind::None => 0.6,
        }
    }
}

/// The uncalibrated score of a claim: geometric mean of its arguments' scores (entity
/// probabilities; fixed lower scores for plain noun phrases and resolved pronouns) times the
/// prior of its object's shape.
pub fn raw_confidence(subject: &Argument, object: Option<&Argument>, kind: ObjectKind) -> f32 {
    let args = match object {
        Some(o) => (subject.score * o.score).sqrt(),
        None => subject.score,
    };
    (args * kind.prior()).clamp(0.0, 1.0)
}
