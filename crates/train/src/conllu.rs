//! CoNLL-U treebanks (Universal Dependencies): sentences of words with their part of speech, head
//! and relation. Multiword-token lines (`3-4`) and empty nodes (`5.1`) are skipped: the words
//! are the syntactic ones, as UD's evaluation scores them.

use std::io::{BufRead, BufReader};
use std::path::Path;

use crate::{Error, Result};

/// One sentence of a treebank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeSentence {
    /// Words (FORM).
    pub words: Vec<String>,
    /// Universal part-of-speech tags (UPOS).
    pub upos: Vec<String>,
    /// Each word's head: 0 for the root, else the 1-based index of the head word.
    pub heads: Vec<usize>,
    /// Each word's relation to its head (DEPREL, with its subtype, `obl:tmod`).
    pub relations: Vec<String>,
    /// 1-based line of the sentence's first word.
    pub line: usize,
}

/// Reads a CoNLL-U file. A word line without ten tab-separated columns, or with a head that is
/// not a word of its sentence, is an error naming the file and line.
pub fn read_conllu(path: &Path) -> Result<Vec<TreeSentence>> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let bad = |line: usize, reason: String| Error::Format {
        path: path.to_path_buf(),
        line,
        reason,
    };
    let reader = BufReader::new(std::fs::File::open(path).map_err(io)?);
    let mut out = Vec::new();
    let empty = || TreeSentence {
        words: vec![],
        upos: vec![],
        heads: vec![],
        relations: vec![],
        line: 0,
    };
    let mut current = empty();
    let finish = |s: TreeSentence, out: &mut Vec<TreeSentence>| -> Result<()> {
        if let Some(h) = s.heads.iter().find(|&&h| h > s.words.len()) {
            return Err(bad(
                s.line,
                format!("a head {h} past the sentence's {} words", s.words.len()),
            ));
        }
        out.push(s);
        Ok(())
    };
    for (n, line) in reader.lines().enumerate() {
        let line = line.map_err(io)?;
        let line_no = n + 1;
        if line.trim().is_empty() {
            if !current.words.is_empty() {
                finish(std::mem::replace(&mut current, empty()), &mut out)?;
            }
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 10 {
            return Err(bad(
                line_no,
                format!("{} tab-separated columns instead of 10", cols.len()),
            ));
        }
        if cols[0].contains('-') || cols[0].contains('.') {
            continue;
        }
        let head: usize = cols[6]
            .parse()
            .map_err(|_| bad(line_no, format!("head {:?} is not a number", cols[6])))?;
        if current.words.is_empty() {
            current.line = line_no;
        }
        current.words.push(cols[1].to_string());
        current.upos.push(cols[3].to_string());
        current.heads.push(head);
        current.relations.push(cols[7].to_string());
    }
    if !current.words.is_empty() {
        finish(current, &mut out)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_words_heads_and_relations_skipping_multiword_tokens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.conllu");
        let row = |id: &str, form: &str, upos: &str, head: &str, rel: &str| {
            format!("{id}\t{form}\t_\t{upos}\t_\t_\t{head}\t{rel}\t_\t_\n")
        };
        let text = format!(
            "# sent_id = a\n{}{}{}{}\n{}{}",
            row("1", "Oslo", "PROPN", "2", "nsubj"),
            row("2-3", "won't", "_", "_", "_"),
            row("2", "wo", "AUX", "0", "root"),
            row("3", "n't", "PART", "2", "advmod"),
            row("1", "Yes", "INTJ", "0", "root"),
            row("2", ".", "PUNCT", "1", "punct"),
        );
        std::fs::write(&path, text).unwrap();
        let sentences = read_conllu(&path).unwrap();
        assert_eq!(sentences.len(), 2);
        assert_eq!(sentences[0].words, ["Oslo", "wo", "n't"]);
        assert_eq!(sentences[0].heads, [2, 0, 2]);
        assert_eq!(sentences[0].relations, ["nsubj", "root", "advmod"]);
        assert_eq!(sentences[0].line, 2);
        assert_eq!(sentences[1].upos, ["INTJ", "PUNCT"]);
        std::fs::write(&path, row("1", "x", "X", "4", "dep")).unwrap();
        let err = read_conllu(&path).unwrap_err().to_string();
        assert!(
            err.contains("a head 4 past the sentence's 1 words"),
            "{err}"
        );
    }
}
