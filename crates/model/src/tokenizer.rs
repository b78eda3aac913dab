use std::path::Path;

use tokenizers::models::wordpiece::WordPiece;
use tokenizers::normalizers::BertNormalizer;
use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
use tokenizers::Tokenizer;

use crate::{Error, Result};

/// The tokenizer plus the special-token ids the model needs around each window.
pub(crate) struct LoadedTokenizer {
    pub tokenizer: Tokenizer,
    pub cls: i64,
    pub sep: i64,
    pub pad: i64,
}

/// Tokenizer files a model directory may hold; copied along whenever a model is written anew.
const TOKENIZER_FILES: [&str; 3] = ["tokenizer.json", "vocab.txt", "tokenizer_config.json"];

/// Copies whichever tokenizer files `from` has into `to`.
pub(crate) fn copy_tokenizer_files(from: &Path, to: &Path) -> Result<()> {
    for file in TOKENIZER_FILES {
        let source = from.join(file);
        if source.is_file() {
            std::fs::copy(&source, to.join(file)).map_err(Error::io(&source))?;
        }
    }
    Ok(())
}

/// Loads `tokenizer.json`, or builds a BERT WordPiece tokenizer from `vocab.txt`. Truncation and
/// padding configured in the file are switched off: windows and padding are ours to manage.
pub(crate) fn load_tokenizer(dir: &Path) -> Result<LoadedTokenizer> {
    let json = dir.join("tokenizer.json");
    let vocab = dir.join("vocab.txt");
    let mut tokenizer = if json.is_file() {
        Tokenizer::from_file(&json).map_err(|source| Error::TokenizerFile {
            path: json.clone(),
            what: "cannot parse tokenizer".into(),
            source,
        })?
    } else if vocab.is_file() {
        wordpiece_from_vocab(&vocab)?
    } else {
        return Err(Error::MissingFile {
            dir: dir.to_path_buf(),
            what: "tokenizer.json or vocab.txt".into(),
        });
    };
    tokenizer
        .with_truncation(None)
        .map_err(Error::TokenizerFailed)?
        .with_padding(None);
    let special = |names: &[&str]| -> Result<i64> {
        names
            .iter()
            .find_map(|n| tokenizer.token_to_id(n))
            .map(i64::from)
            .ok_or_else(|| Error::BadFile {
                path: dir.to_path_buf(),
                reason: format!("the vocabulary has none of the special tokens {names:?}"),
            })
    };
    Ok(LoadedTokenizer {
        cls: special(&["[CLS]", "<s>"])?,
        sep: special(&["[SEP]", "</s>"])?,
        pad: special(&["[PAD]", "<pad>"])?,
        tokenizer,
    })
}

fn wordpiece_from_vocab(vocab: &Path) -> Result<Tokenizer> {
    let text = std::fs::read_to_string(vocab).map_err(Error::io(vocab))?;
    // A vocabulary without any upper-case word belongs to an uncased model.
    let lowercase = !text
        .lines()
        .any(|t| !t.starts_with('[') && t.chars().any(|c| c.is_ascii_uppercase()));
    let model = WordPiece::from_file(&vocab.to_string_lossy())
        .unk_token("[UNK]".into())
        .build()
        .map_err(|source| Error::TokenizerFile {
            path: vocab.to_path_buf(),
            what: "cannot read WordPiece vocabulary".into(),
            source,
        })?;
    let mut tokenizer = Tokenizer::new(model);
    tokenizer
        .with_normalizer(Some(BertNormalizer::new(
            true,
            true,
            Some(lowercase),
            lowercase,
        )))
        .with_pre_tokenizer(Some(BertPreTokenizer));
    Ok(tokenizer)
}
