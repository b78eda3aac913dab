//! Reference resolution: what a pronoun or a definite description ("the kingdom", "the accords")
//! stands for, among the entities a document has named before it. The claim builders use it
//! for arguments that are no name themselves; the argument keeps its own text and span and takes
//! the entity's id and type.

use claimex_core::{EntityLinker, EntitySpan};

/// Nouns that name a country when used as a definite description ("the kingdom").
const COUNTRY_NOUNS: &[&str] = &[
    "kingdom", "country", "nation", "republic", "emirate", "state", "monarchy",
];
/// Countries by form of state, so that "the kingdom" finds Saudi Arabia even when another place
/// was named since.
const KINDS_OF_STATE: &[(&str, &[&str])] = &[
    (
        "kingdom",
        &[
            "saudi arabia",
            "jordan",
            "morocco",
            "bahrain",
            "spain",
            "united kingdom",
            "britain",
            "netherlands",
            "belgium",
            "sweden",
            "norway",
            "denmark",
            "thailand",
            "cambodia",
            "bhutan",
            "lesotho",
            "eswatini",
            "tonga",
        ],
    ),
    (
        "emirate",
        &["united arab emirates", "qatar", "kuwait", "uae"],
    ),
];

/// What a document has named up to the sentence being read: the entities of earlier sentences
/// (linked in `linker`) and those of the sentence itself.
pub(crate) struct Earlier<'a> {
    /// Entities of earlier sentences, in order.
    pub seen: &'a [EntitySpan],
    /// Entities of the current sentence, in order.
    pub here: &'a [&'a EntitySpan],
    /// The earlier sentences' entities, linked.
    pub linker: &'a EntityLinker,
}

impl Earlier<'_> {
    /// The entities named before document offset `at`, oldest first.
    fn before(&self, at: usize) -> Vec<&EntitySpan> {
        self.seen
            .iter()
            .chain(self.here.iter().copied().filter(|e| e.end <= at))
            .collect()
    }

    /// The latest entity named before `at` that the pronoun `word` can stand for: "he", "she",
    /// "him", "her" a person; "it", "they", "them" anything else. `None` for other words.
    pub(crate) fn pronoun(&self, word: &str, at: usize) -> Option<&EntitySpan> {
        let person = matches!(word, "he" | "she" | "him" | "her");
        let thing = matches!(word, "it" | "they" | "them");
        if !person && !thing {
            return None;
        }
        self.before(at)
            .into_iter()
            .rev()
            .find(|e| (e.label == "PER") == person)
    }

    /// The entity a definite description names, given the words after "the" and the offset
    /// where it starts: "the kingdom" is the latest kingdom named (else the latest place), "the
    /// accords" the earlier entity whose name holds those words.
    pub(crate) fn description(&self, words: &[&str], at: usize) -> Option<EntitySpan> {
        let earlier = self.before(at);
        if words.len() == 1 && COUNTRY_NOUNS.contains(&words[0]) {
            let kind = KINDS_OF_STATE.iter().find(|(noun, _)| *noun == words[0]);
            let of_kind = kind.and_then(|(_, names)| {
                earlier
                    .iter()
                    .rev()
                    .find(|e| e.label == "LOC" && names.contains(&e.text.to_lowercase().as_str()))
            });
            return of_kind
                .or_else(|| earlier.iter().rev().find(|e| e.label == "LOC"))
                .map(|e| (*e).clone());
        }
        let mut linker = self.linker.clone();
        for e in self.here.iter().filter(|e| e.end <= at) {
            linker.link(e);
        }
        let found = linker.resolve(&format!("the {}", words.join(" ")))?;
        earlier
            .into_iter()
            .rev()
            .find(|e| {
                e.entity.as_deref() == Some(found.id.as_str())
                    || (e.entity.is_none() && e.text == found.name)
            })
            .cloned()
    }
}
