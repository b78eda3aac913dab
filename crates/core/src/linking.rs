//! Light in-document entity linking: a mention that repeats, shortens or extends an earlier
//! mention of the same type ("Tokayev" after "Kassym-Jomart Tokayev") gets the earlier
//! mention's entity id; a noun phrase such as "the accords" can be resolved to the entity it
//! names a part of ("the Abraham Accords").
//!
//! Names are compared as lower-cased word sequences (split at anything not alphanumeric, a
//! leading "the" and a trailing possessive "'s" dropped); one name matches another when its words
//! occur contiguously in the other's. When a mention matches several earlier entities equally
//! well ("Smith" after "John Smith" and "Jane Smith"), it is not linked: a wrong merge would put
//! one person's claims on another.

use crate::ids::entity_id;
use crate::EntitySpan;

/// An entity of a document: its id, type and the name it was first mentioned by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedEntity {
    /// Deterministic id (see [`entity_id`]).
    pub id: String,
    /// Entity type.
    pub label: String,
    /// The first mention's text.
    pub name: String,
    words: Vec<String>,
}

/// The entities of one document, built mention by mention in document order.
#[derive(Debug, Clone)]
pub struct EntityLinker {
    doc_id: String,
    entities: Vec<LinkedEntity>,
}

/// Words of a name for matching: lower-cased alphanumeric runs, without a leading "the" or a
/// trailing possessive.
fn name_words(text: &str) -> Vec<String> {
    let trimmed = text
        .trim()
        .trim_end_matches("'s")
        .trim_end_matches("’s")
        .trim_end_matches(['\'', '’']);
    let mut words: Vec<String> = trimmed
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.first().is_some_and(|w| w == "the") {
        words.remove(0);
    }
    words
}

/// True when `part` occurs as a contiguous run in `whole`.
fn contains_run(whole: &[String], part: &[String]) -> bool {
    !part.is_empty() && whole.windows(part.len()).any(|w| w == part)
}

/// How well `words` names `entity`: 2 for the same name, 1 for a part or an extension of it.
fn match_strength(entity: &LinkedEntity, words: &[String]) -> u8 {
    if entity.words == words {
        2
    } else if contains_run(&entity.words, words) || contains_run(words, &entity.words) {
        1
    } else {
        0
    }
}

impl EntityLinker {
    /// An empty linker for the document `doc_id` (part of every entity id).
    pub fn new(doc_id: &str) -> EntityLinker {
        EntityLinker {
            doc_id: doc_id.to_string(),
            entities: Vec::new(),
        }
    }

    /// The entities seen so far, in order of first mention.
    pub fn entities(&self) -> &[LinkedEntity] {
        &self.entities
    }

    /// The one entity that `words` names best among `candidates`, if it is unambiguous.
    fn best<'a>(
        candidates: impl Iterator<Item = &'a LinkedEntity>,
        words: &[String],
    ) -> Option<&'a LinkedEntity> {
        let mut best: Option<(&LinkedEntity, u8)> = None;
        let mut tied = false;
        for entity in candidates {
            let strength = match_strength(entity, words);
            match best {
                _ if strength == 0 => {}
                Some((_, b)) if strength < b => {}
                Some((_, b)) if strength == b => tied = true,
                _ => {
                    best = Some((entity, strength));
                    tied = false;
                }
            }
        }
        best.filter(|_| !tied).map(|(e, _)| e)
    }

    /// Links a mention: returns the id of the earlier entity of the same type that it names,
    /// or of a new entity it starts.
    pub fn link(&mut self, mention: &EntitySpan) -> String {
        let words = name_words(&mention.text);
        let same_type = self.entities.iter().filter(|e| e.label == mention.label);
        if let Some(found) = Self::best(same_type, &words).filter(|_| !words.is_empty()) {
            return found.id.clone();
        }
        let entity = LinkedEntity {
            id: entity_id(&self.doc_id, &mention.label, &words.join(" ")),
            label: mention.label.clone(),
            name: mention.text.clone(),
            words,
        };
        let id = entity.id.clone();
        if !self.entities.iter().any(|e| e.id == id) {
            self.entities.push(entity);
        }
        id
    }

    /// The entity that a phrase of any kind names, if exactly one fits best: "the accords" after
    /// "the Abraham Accords". Phrases that are only "the" or empty resolve to nothing.
    pub fn resolve(&self, phrase: &str) -> Option<&LinkedEntity> {
        let words = name_words(phrase);
        if words.is_empty() {
            return None;
        }
        Self::best(self.entities.iter(), &words)
    }
}

/// Sets `entity` on every mention of a document (mentions in document order).
pub fn link_entities<'a>(
    doc_id: &str,
    mentions: impl IntoIterator<Item = &'a mut EntitySpan>,
) -> EntityLinker {
    let mut linker = EntityLinker::new(doc_id);
    for mention in mentions {
        mention.entity = Some(linker.link(mention));
    }
    linker
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mention(text: &str, label: &str) -> EntitySpan {
        EntitySpan {
            text: text.into(),
            label: label.into(),
            start: 0,
            end: text.chars().count(),
            score: 0.9,
            min_score: 0.9,
            entity: None,
        }
    }

    fn ids(mentions: &[(&str, &str)]) -> Vec<String> {
        let mut spans: Vec<EntitySpan> = mentions.iter().map(|(t, l)| mention(t, l)).collect();
        link_entities("doc", spans.iter_mut());
        spans.into_iter().map(|s| s.entity.unwrap()).collect()
    }

    #[test]
    fn a_surname_links_to_the_full_name_before_it() {
        let ids = ids(&[
            ("Kassym-Jomart Tokayev", "PER"),
            ("Astana", "LOC"),
            ("Tokayev", "PER"),
            ("Tokayev’s", "PER"),
        ]);
        assert_eq!(ids[0], ids[2]);
        assert_eq!(ids[0], ids[3]);
        assert_ne!(ids[0], ids[1]);
    }

    #[test]
    fn types_must_agree() {
        let ids = ids(&[("Kazakhstan", "LOC"), ("Kazakhstan Railways", "ORG")]);
        assert_ne!(ids[0], ids[1]);
    }

    #[test]
    fn an_ambiguous_surname_is_left_alone() {
        let ids = ids(&[
            ("John Smith", "PER"),
            ("Jane Smith", "PER"),
            ("Smith", "PER"),
        ]);
        assert_ne!(ids[2], ids[0]);
        assert_ne!(ids[2], ids[1]);
        // An exact repeat still links, even among partial matches.
        let ids2 = self::ids(&[
            ("John Smith", "PER"),
            ("Smith", "PER"),
            ("John Smith", "PER"),
        ]);
        assert_eq!(ids2[0], ids2[2]);
    }

    #[test]
    fn ids_are_deterministic_and_per_document() {
        let a = ids(&[("Abraham Accords", "MISC")]);
        assert_eq!(a, ids(&[("the Abraham Accords", "MISC")]));
        let mut other = [mention("Abraham Accords", "MISC")];
        link_entities("another doc", other.iter_mut());
        assert_ne!(Some(&a[0]), other[0].entity.as_ref());
    }

    #[test]
    fn noun_phrases_resolve_to_the_entity_they_name_part_of() {
        let mut spans = [mention("Abraham Accords", "MISC"), mention("Israel", "LOC")];
        let linker = link_entities("doc", spans.iter_mut());
        let found = linker.resolve("the accords").unwrap();
        assert_eq!(found.name, "Abraham Accords");
        assert_eq!(Some(&found.id), spans[0].entity.as_ref());
        assert!(linker.resolve("the").is_none());
        assert!(linker.resolve("the talks").is_none());
    }
}
