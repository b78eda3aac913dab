/// A parsed token-classification label: scheme prefix and entity type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tag {
    /// Outside any entity.
    Outside,
    /// Begins an entity (B-, or S-/U- for a single-word entity when `single` is true).
    Begin {
        /// Entity type.
        label: String,
        /// The entity ends at this word (BILOU U-, BIOES S-).
        single: bool,
    },
    /// Continues an entity (I-, or L-/E- when `last` is true; also a bare type without prefix).
    Inside {
        /// Entity type.
        label: String,
        /// The entity ends at this word (BILOU L-, BIOES E-).
        last: bool,
    },
}

impl Tag {
    /// Parses labels such as `O`, `B-PER`, `I-ORG`, `L-LOC`, `U-MISC`, `E-X`, `S-X`, or a bare `PER`.
    pub fn parse(label: &str) -> Tag {
        if label == "O" || label.is_empty() {
            return Tag::Outside;
        }
        let (prefix, rest) = match label.split_once(['-', '_']) {
            Some((p, r)) if p.len() == 1 => (p, r),
            _ => ("I", label),
        };
        let label = rest.to_string();
        match prefix {
            "B" => Tag::Begin {
                label,
                single: false,
            },
            "U" | "S" => Tag::Begin {
                label,
                single: true,
            },
            "L" | "E" => Tag::Inside { label, last: true },
            _ => Tag::Inside { label, last: false },
        }
    }
}

/// An entity found over word indices `start..end` (exclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordSpan {
    /// First word.
    pub start: usize,
    /// One past the last word.
    pub end: usize,
    /// Entity type.
    pub label: String,
}

/// Decodes per-word tags into entities. One rule for every ill-formed sequence: an inside tag
/// continues the open entity only if it has the same type; otherwise it starts a new entity
/// (conlleval's reading, which keeps every predicted entity word instead of dropping it).
pub fn decode_words(tags: &[Tag]) -> Vec<WordSpan> {
    let mut spans = Vec::new();
    let mut open: Option<WordSpan> = None;
    for (i, tag) in tags.iter().enumerate() {
        match tag {
            Tag::Outside => spans.extend(open.take()),
            Tag::Begin { label, single } => {
                spans.extend(open.take());
                let span = WordSpan {
                    start: i,
                    end: i + 1,
                    label: label.clone(),
                };
                if *single {
                    spans.push(span);
                } else {
                    open = Some(span);
                }
            }
            Tag::Inside { label, last } => {
                match open.as_mut() {
                    Some(span) if span.label == *label => span.end = i + 1,
                    _ => {
                        spans.extend(open.take());
                        open = Some(WordSpan {
                            start: i,
                            end: i + 1,
                            label: label.clone(),
                        });
                    }
                }
                if *last {
                    spans.extend(open.take());
                }
            }
        }
    }
    spans.extend(open);
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(labels: &[&str]) -> Vec<(usize, usize, String)> {
        let tags: Vec<Tag> = labels.iter().map(|l| Tag::parse(l)).collect();
        decode_words(&tags)
            .into_iter()
            .map(|s| (s.start, s.end, s.label))
            .collect()
    }

    #[test]
    fn decodes_bio_entities() {
        assert_eq!(
            decode(&["B-PER", "I-PER", "O", "B-LOC"]),
            [(0, 2, "PER".into()), (3, 4, "LOC".into())]
        );
    }

    #[test]
    fn inside_after_outside_starts_an_entity() {
        assert_eq!(decode(&["O", "I-ORG", "I-ORG"]), [(1, 3, "ORG".into())]);
    }

    #[test]
    fn inside_of_another_type_starts_a_new_entity() {
        assert_eq!(
            decode(&["B-PER", "I-LOC"]),
            [(0, 1, "PER".into()), (1, 2, "LOC".into())]
        );
    }

    #[test]
    fn begin_after_begin_of_same_type_splits() {
        assert_eq!(
            decode(&["B-LOC", "B-LOC"]),
            [(0, 1, "LOC".into()), (1, 2, "LOC".into())]
        );
    }

    #[test]
    fn decodes_bilou_entities() {
        assert_eq!(
            decode(&["U-LOC", "B-ORG", "I-ORG", "L-ORG", "I-ORG"]),
            [
                (0, 1, "LOC".into()),
                (1, 4, "ORG".into()),
                (4, 5, "ORG".into())
            ]
        );
    }

    #[test]
    fn bare_type_labels_are_io_scheme() {
        assert_eq!(decode(&["PER", "PER", "O"]), [(0, 2, "PER".into())]);
    }
}
