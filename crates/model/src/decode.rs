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

/// True when a word tagged `cur` may follow a word tagged `prev` (`None`: sentence start): an
/// inside tag must continue an open entity of its own type.
fn can_follow(prev: Option<&Tag>, cur: &Tag) -> bool {
    match cur {
        Tag::Inside { label, .. } => match prev {
            Some(Tag::Begin {
                label: l,
                single: false,
            })
            | Some(Tag::Inside {
                label: l,
                last: false,
            }) => l == label,
            _ => false,
        },
        _ => true,
    }
}

/// The most probable tag sequence in which every entity is well formed (no `I-X` after `O` or
/// after another type), by Viterbi over per-word label distributions. `dists[w][c]` is the
/// probability of label `c` for word `w`. Label sets without begin tags (IO schemes) have no
/// constraint, so there each word simply takes its most probable label.
pub fn constrained_labels(tags: &[Tag], dists: &[Vec<f32>]) -> Vec<usize> {
    let n_labels = tags.len();
    if dists.is_empty() || n_labels == 0 {
        return vec![];
    }
    let constrained = tags.iter().any(|t| matches!(t, Tag::Begin { .. }));
    let log = |p: f32| f64::from(p.max(1e-12)).ln();
    let mut score: Vec<f64> = Vec::new();
    let mut back: Vec<Vec<usize>> = Vec::with_capacity(dists.len());
    for (w, dist) in dists.iter().enumerate() {
        let mut next = vec![f64::NEG_INFINITY; n_labels];
        let mut from = vec![0; n_labels];
        for (c, cur) in tags.iter().enumerate() {
            let emit = log(dist.get(c).copied().unwrap_or(0.0));
            if w == 0 {
                if !constrained || can_follow(None, cur) {
                    next[c] = emit;
                }
                continue;
            }
            for (p, prev) in tags.iter().enumerate() {
                if constrained && !can_follow(Some(prev), cur) {
                    continue;
                }
                let candidate = score[p] + emit;
                if candidate > next[c] {
                    next[c] = candidate;
                    from[c] = p;
                }
            }
        }
        score = next;
        back.push(from);
    }
    let Some(mut best) = (0..n_labels).max_by(|&a, &b| score[a].total_cmp(&score[b])) else {
        return vec![];
    };
    let mut path = vec![0; dists.len()];
    for w in (0..dists.len()).rev() {
        path[w] = best;
        best = back[w][best];
    }
    path
}

#[cfg(test)]
mod viterbi_tests {
    use super::*;

    fn tags() -> Vec<Tag> {
        ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
            .iter()
            .map(|l| Tag::parse(l))
            .collect()
    }

    #[test]
    fn inside_after_outside_is_repaired_to_the_best_valid_sequence() {
        // Argmax would give O, I-PER; the best valid sequence makes the entity start properly.
        let dists = vec![
            vec![0.9, 0.05, 0.02, 0.02, 0.01],
            vec![0.3, 0.3, 0.35, 0.03, 0.02],
        ];
        assert_eq!(constrained_labels(&tags(), &dists), [0, 1]);
    }

    #[test]
    fn inside_of_another_type_is_not_allowed() {
        let dists = vec![vec![0.0, 0.9, 0.0, 0.1, 0.0], vec![0.1, 0.0, 0.2, 0.0, 0.7]];
        let path = constrained_labels(&tags(), &dists);
        assert_ne!(path, [1, 4]);
        assert_eq!(path, [1, 2]);
    }

    #[test]
    fn valid_argmax_is_kept() {
        let dists = vec![
            vec![0.1, 0.8, 0.1, 0.0, 0.0],
            vec![0.1, 0.1, 0.8, 0.0, 0.0],
            vec![0.9, 0.0, 0.0, 0.1, 0.0],
        ];
        assert_eq!(constrained_labels(&tags(), &dists), [1, 2, 0]);
    }

    #[test]
    fn io_labels_are_unconstrained() {
        let io: Vec<Tag> = ["O", "PER"].iter().map(|l| Tag::parse(l)).collect();
        assert_eq!(constrained_labels(&io, &[vec![0.2, 0.8]]), [1]);
    }
}
