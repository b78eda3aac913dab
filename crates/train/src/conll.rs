use std::io::{BufRead, BufReader};
use std::path::Path;

use claimex_core::Span;

use crate::metrics::TypedSpan;
use crate::{Error, Result};

/// A sentence from a CoNLL column file: its tokens, their IOB2 tags, and where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConllSentence {
    /// Tokens, first column.
    pub tokens: Vec<String>,
    /// Entity tags, last column, converted to IOB2.
    pub tags: Vec<String>,
    /// Part-of-speech tags (second column of four-column files such as CoNLL-2003), else empty.
    pub pos: Vec<String>,
    /// Chunk tags (third column of four), converted to IOB2, else empty.
    pub chunks: Vec<String>,
    /// 1-based line of the first token.
    pub line: usize,
}

impl ConllSentence {
    /// The sentence as text (tokens joined by single spaces) and each token's character span.
    pub fn text(&self) -> (String, Vec<Span>) {
        join_tokens(&self.tokens)
    }

    /// Gold entities as character spans over [`ConllSentence::text`].
    pub fn entities(&self) -> Vec<TypedSpan> {
        let (_, token_spans) = self.text();
        let mut out: Vec<TypedSpan> = Vec::new();
        for (i, tag) in self.tags.iter().enumerate() {
            if let Some(label) = tag.strip_prefix("B-") {
                out.push(TypedSpan {
                    start: token_spans[i].start,
                    end: token_spans[i].end,
                    label: label.into(),
                });
            } else if tag.starts_with("I-") {
                if let Some(last) = out.last_mut() {
                    last.end = token_spans[i].end;
                }
            }
        }
        out
    }
}

/// Joins tokens with single spaces; returns the text and each token's character span in it.
pub(crate) fn join_tokens(tokens: &[String]) -> (String, Vec<Span>) {
    let mut text = String::new();
    let mut spans = Vec::with_capacity(tokens.len());
    let mut pos = 0;
    for (i, token) in tokens.iter().enumerate() {
        if i > 0 {
            text.push(' ');
            pos += 1;
        }
        let len = token.chars().count();
        spans.push(Span::new(pos, pos + len));
        text.push_str(token);
        pos += len;
    }
    (text, spans)
}

/// How sentences of a rebuilt CoNLL document are laid out in its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// As a news page shows them: a sentence without final punctuation (headline, dateline,
    /// byline) stands on its own line; other sentences follow each other separated by a space.
    News,
    /// Every sentence separated by one space, headlines included: the hardest case.
    Flat,
}

/// A document rebuilt from a CoNLL file as running text, with the gold sentence boundaries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RebuiltDocument {
    /// Detokenised text.
    pub text: String,
    /// Character offset where each sentence ends (exclusive), in order.
    pub sentence_ends: Vec<usize>,
    /// Each token's character span in `text`, all sentences' tokens in order.
    pub token_spans: Vec<Span>,
}

/// Tokens that attach to the previous token without a space.
const NO_SPACE_BEFORE: &[&str] = &[
    ".", ",", ";", ":", "?", "!", ")", "]", "}", "%", "'s", "'S", "n't", "'re", "'ve", "'ll", "'d",
    "'m", "...",
];
/// Tokens that attach to the next token without a space.
const NO_SPACE_AFTER: &[&str] = &["(", "[", "{", "$"];

/// Joins CoNLL documents' tokens into text the way it was printed: punctuation attached, quotes
/// paired, sentences separated as `layout` says.
pub fn rebuild_documents(docs: &[Vec<ConllSentence>], layout: Layout) -> Vec<RebuiltDocument> {
    docs.iter()
        .map(|sentences| rebuild(sentences, layout))
        .collect()
}

fn rebuild(sentences: &[ConllSentence], layout: Layout) -> RebuiltDocument {
    let mut text = String::new();
    let mut len = 0;
    let mut ends = Vec::new();
    let mut token_spans = Vec::new();
    // Quotes often span sentences, so their pairing is tracked over the whole document.
    let mut open_quote = false;
    for (k, sentence) in sentences.iter().enumerate() {
        if k > 0 {
            let previous_last = sentences[k - 1].tokens.last().map(String::as_str);
            let terminal = matches!(previous_last, Some("." | "?" | "!" | "\"" | "'"));
            let line_break = layout == Layout::News && !terminal;
            text.push(if line_break { '\n' } else { ' ' });
            len += 1;
        }
        let mut glue_next = false;
        for (i, token) in sentence.tokens.iter().enumerate() {
            let token = token.as_str();
            let quote = token == "\"";
            let space =
                i > 0 && !(glue_next || NO_SPACE_BEFORE.contains(&token) || (quote && open_quote));
            if space {
                text.push(' ');
                len += 1;
            }
            text.push_str(token);
            let start = len;
            len += token.chars().count();
            token_spans.push(Span::new(start, len));
            glue_next = NO_SPACE_AFTER.contains(&token) || (quote && !open_quote);
            if quote {
                open_quote = !open_quote;
            }
        }
        ends.push(len);
    }
    RebuiltDocument {
        text,
        sentence_ends: ends,
        token_spans,
    }
}

/// Reads a CoNLL file as documents (split at `-DOCSTART-`), each a list of sentences.
pub fn read_conll_documents(path: &Path) -> Result<Vec<Vec<ConllSentence>>> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let text = std::fs::read_to_string(path).map_err(io)?;
    // Sentence line numbers tell which document each sentence belongs to.
    let starts: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("-DOCSTART-"))
        .map(|(n, _)| n + 1)
        .collect();
    let mut docs: Vec<Vec<ConllSentence>> = Vec::new();
    let mut current_doc = None;
    for sentence in read_conll(path)? {
        let doc = starts.iter().filter(|&&s| s < sentence.line).count();
        if current_doc != Some(doc) {
            docs.push(Vec::new());
            current_doc = Some(doc);
        }
        if let Some(last) = docs.last_mut() {
            last.push(sentence);
        }
    }
    Ok(docs)
}

/// Reads a CoNLL column file: one token per line, the token in the first column and its entity tag
/// in the last, blank lines between sentences, `-DOCSTART-` lines ignored. IOB1 tags are converted
/// to IOB2 (an `I-X` that does not continue an `X` entity becomes `B-X`).
pub fn read_conll(path: &Path) -> Result<Vec<ConllSentence>> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let reader = BufReader::new(std::fs::File::open(path).map_err(io)?);
    let mut sentences = Vec::new();
    let empty = || ConllSentence {
        tokens: vec![],
        tags: vec![],
        pos: vec![],
        chunks: vec![],
        line: 0,
    };
    let mut current = empty();
    let finish = |mut s: ConllSentence, out: &mut Vec<ConllSentence>| {
        // Syntax columns count only when every token of the sentence has them.
        if s.pos.len() != s.tokens.len() {
            s.pos.clear();
            s.chunks.clear();
        }
        out.push(s);
    };
    for (n, line) in reader.lines().enumerate() {
        let line = line.map_err(io)?;
        let line_no = n + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with("-DOCSTART-") {
            if !current.tokens.is_empty() {
                finish(std::mem::replace(&mut current, empty()), &mut sentences);
            }
            continue;
        }
        let cols: Vec<&str> = trimmed.split_whitespace().collect();
        if cols.len() < 2 {
            return Err(Error::Format {
                path: path.to_path_buf(),
                line: line_no,
                reason: format!("expected `TOKEN ... TAG` columns, found {trimmed:?}"),
            });
        }
        let tag = cols[cols.len() - 1];
        if tag != "O" && !(tag.starts_with("B-") || tag.starts_with("I-")) {
            return Err(Error::Format {
                path: path.to_path_buf(),
                line: line_no,
                reason: format!("tag {tag:?} is not O, B-TYPE or I-TYPE"),
            });
        }
        if current.tokens.is_empty() {
            current.line = line_no;
        }
        let tag = iob2(tag, current.tags.last());
        if cols.len() >= 4 {
            let chunk = iob2(cols[2], current.chunks.last());
            current.pos.push(cols[1].to_string());
            current.chunks.push(chunk);
        }
        current.tokens.push(cols[0].to_string());
        current.tags.push(tag);
    }
    if !current.tokens.is_empty() {
        finish(current, &mut sentences);
    }
    Ok(sentences)
}

/// An IOB1 or IOB2 tag as IOB2, given the previous tag of its column.
fn iob2(tag: &str, previous: Option<&String>) -> String {
    match (tag.strip_prefix("I-"), previous) {
        (Some(label), Some(prev)) if prev.get(2..) == Some(label) && prev != "O" => tag.to_string(),
        (Some(label), _) => format!("B-{label}"),
        (None, _) => tag.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<ConllSentence>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.conll");
        std::fs::write(&path, text).unwrap();
        read_conll(&path)
    }

    #[test]
    fn reads_sentences_and_skips_docstart() {
        let s = read(
            "-DOCSTART- -X- -X- O\n\nAcme NNP B-NP B-ORG\nwins VBZ B-VP O\n\nZed NNP B-NP B-PER\n",
        )
        .unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].tokens, ["Acme", "wins"]);
        assert_eq!(s[0].line, 3);
        assert_eq!(s[0].pos, ["NNP", "VBZ"]);
        assert_eq!(s[0].chunks, ["B-NP", "B-VP"]);
    }

    #[test]
    fn converts_iob1_to_iob2() {
        let s =
            read("New I-LOC\nYork I-LOC\nBoston B-LOC\nfans O\nlove O\nBoston I-LOC\n").unwrap();
        assert_eq!(s[0].tags, ["B-LOC", "I-LOC", "B-LOC", "O", "O", "B-LOC"]);
        assert!(s[0].pos.is_empty() && s[0].chunks.is_empty());
        let s = read("The DT I-NP O\nbank NN I-NP O\nrose VBD I-VP O\n").unwrap();
        assert_eq!(s[0].chunks, ["B-NP", "I-NP", "B-VP"]);
    }

    #[test]
    fn entities_are_character_spans_of_the_joined_text() {
        let s = read("In O\nNew B-LOC\nYork I-LOC\n").unwrap();
        let (text, _) = s[0].text();
        let e = &s[0].entities()[0];
        assert_eq!(
            text.chars()
                .skip(e.start)
                .take(e.end - e.start)
                .collect::<String>(),
            "New York"
        );
    }

    #[test]
    fn rebuilds_documents_with_attached_punctuation_and_news_layout() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.conll");
        std::fs::write(
            &path,
            "-DOCSTART- O\n\nACME O\nWINS O\n\nBOSTON O\n\nAcme B-ORG\n( O\nAC O\n) O\nsaid O\n\" O\nyes O\n\" O\n. O\n\nIt O\nwon O\n. O\n\n-DOCSTART- O\n\nNext O\n. O\n",
        )
        .unwrap();
        let docs = read_conll_documents(&path).unwrap();
        assert_eq!(docs.len(), 2);
        let rebuilt = rebuild_documents(&docs, Layout::News);
        assert_eq!(
            rebuilt[0].text,
            "ACME WINS\nBOSTON\nAcme (AC) said \"yes\". It won."
        );
        assert_eq!(rebuilt[0].sentence_ends, [9, 16, 38, 46]);
        assert_eq!(
            rebuild_documents(&docs, Layout::Flat)[0].text,
            "ACME WINS BOSTON Acme (AC) said \"yes\". It won."
        );
        assert_eq!(rebuilt[1].text, "Next.");
    }

    #[test]
    fn bad_line_names_file_and_line() {
        let err = read("Acme B-ORG\nlonely\n").unwrap_err();
        assert!(
            err.to_string()
                .ends_with(":2: expected `TOKEN ... TAG` columns, found \"lonely\""),
            "{err}"
        );
    }

    #[test]
    fn bad_tag_names_file_and_line() {
        let err = read("Acme X-ORG\n").unwrap_err();
        assert!(err.to_string().contains(":1: tag \"X-ORG\""), "{err}");
    }
}
