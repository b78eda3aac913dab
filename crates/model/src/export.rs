//! A claimex model directory as a Hugging Face `transformers` checkpoint, so that Python users (and
//! the throughput benchmark's peers) load the very same weights with
//! `AutoModelForTokenClassification.from_pretrained(dir)`.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use tokenizers::processors::bert::BertProcessing;

use crate::network::SHAPE_FEATURES_FIELD;
use crate::tokenizer::load_tokenizer;
use crate::{Error, Result};

/// What [`export_hf`] wrote.
#[derive(Debug, Clone)]
pub struct HfExport {
    /// The `transformers` class that loads the directory.
    pub architecture: String,
    /// Tensors in `model.safetensors`.
    pub tensors: usize,
    /// claimex-only files of the source left out (syntax and relation heads, the model card).
    pub left_out: Vec<String>,
}

/// Writes `out` as a Hugging Face token-classification checkpoint of the model in `dir`:
/// `config.json` (with `id2label`, `architectures: ["BertForTokenClassification"]`),
/// `model.safetensors` (the same tensors, bytes untouched, with the `{"format": "pt"}` metadata
/// `transformers` asks for), `tokenizer.json` (the tokenizer claimex uses, with `[CLS] … [SEP]`
/// added as claimex adds them) and `tokenizer_config.json`.
///
/// Only plain BERT models are exported: a model with word-shape features has an input that
/// `BertForTokenClassification` lacks, and the other families' tensor names are not checked
/// against `transformers` yet; both are errors that say so.
pub fn export_hf(dir: &Path, out: &Path) -> Result<HfExport> {
    let (config_path, mut config) = crate::network::read_config(dir)?;
    let bad = |path: &Path, reason: String| Error::BadFile {
        path: path.to_path_buf(),
        reason,
    };
    if config[SHAPE_FEATURES_FIELD].as_bool() == Some(true) {
        return Err(bad(
            &config_path,
            "this model adds word-shape features, which Hugging Face's BertForTokenClassification does not have; export a model imported without --shape-features".into(),
        ));
    }
    let kind = crate::network::model_type(&config);
    if kind != "bert" {
        return Err(bad(
            &config_path,
            format!("only BERT models are exported for now (model_type is `{kind}`)"),
        ));
    }
    let weights = dir.join("model.safetensors");
    if !weights.is_file() {
        return Err(Error::MissingFile {
            dir: dir.to_path_buf(),
            what: "model.safetensors (a rust_model.ot model cannot be exported)".into(),
        });
    }

    std::fs::create_dir_all(out).map_err(Error::io(out))?;
    let architecture = "BertForTokenClassification".to_string();
    config["architectures"] = serde_json::json!([architecture]);
    if let Some(map) = config.as_object_mut() {
        map.remove(SHAPE_FEATURES_FIELD);
    }
    let config_out = out.join("config.json");
    let text = serde_json::to_string_pretty(&config).map_err(|source| Error::Json {
        path: config_out.clone(),
        what: "cannot write the configuration".into(),
        source,
    })?;
    std::fs::write(&config_out, text).map_err(Error::io(&config_out))?;

    let tensors = copy_safetensors_with_metadata(&weights, &out.join("model.safetensors"))?;

    let mut loaded = load_tokenizer(dir)?;
    let tokenizer = &mut loaded.tokenizer;
    if tokenizer.get_post_processor().is_none() {
        let token = |id: i64| tokenizer.id_to_token(id as u32).unwrap_or_default();
        let processor = BertProcessing::new(
            (token(loaded.sep), loaded.sep as u32),
            (token(loaded.cls), loaded.cls as u32),
        );
        tokenizer.with_post_processor(Some(processor));
    }
    let tokenizer_out = out.join("tokenizer.json");
    tokenizer
        .save(&tokenizer_out, false)
        .map_err(|source| Error::TokenizerFile {
            path: tokenizer_out,
            what: "cannot write the tokenizer".into(),
            source,
        })?;
    let tok_config = dir.join("tokenizer_config.json");
    let tok_config_out = out.join("tokenizer_config.json");
    if tok_config.is_file() {
        std::fs::copy(&tok_config, &tok_config_out).map_err(Error::io(&tok_config))?;
    } else {
        let text = serde_json::json!({"tokenizer_class": "BertTokenizer", "model_max_length": 512});
        std::fs::write(&tok_config_out, text.to_string()).map_err(Error::io(&tok_config_out))?;
    }
    let vocab = dir.join("vocab.txt");
    if vocab.is_file() {
        std::fs::copy(&vocab, out.join("vocab.txt")).map_err(Error::io(&vocab))?;
    }

    let left_out = [
        crate::SYNTAX_CONFIG,
        crate::SYNTAX_WEIGHTS,
        crate::RELATION_CONFIG,
        crate::RELATION_WEIGHTS,
        "claimex-model.json",
    ]
    .iter()
    .filter(|f| dir.join(f).is_file())
    .map(|f| f.to_string())
    .collect();
    Ok(HfExport {
        architecture,
        tensors,
        left_out,
    })
}

/// Copies a safetensors file, adding `"__metadata__": {"format": "pt"}` to its header; tensor
/// entries and data bytes are unchanged (data offsets count from the end of the header). Returns
/// the number of tensors.
fn copy_safetensors_with_metadata(from: &Path, to: &Path) -> Result<usize> {
    let bad = |reason: String| Error::BadFile {
        path: from.to_path_buf(),
        reason,
    };
    let mut file = std::fs::File::open(from).map_err(Error::io(from))?;
    let mut len = [0u8; 8];
    file.read_exact(&mut len).map_err(Error::io(from))?;
    let len = u64::from_le_bytes(len);
    let file_len = file.metadata().map_err(Error::io(from))?.len();
    if len > file_len.saturating_sub(8) {
        return Err(bad(format!(
            "not a safetensors file: header of {len} bytes in a {file_len}-byte file"
        )));
    }
    let mut header = vec![0u8; len as usize];
    file.read_exact(&mut header).map_err(Error::io(from))?;
    let mut header: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&header)
        .map_err(|source| Error::Json {
            path: from.to_path_buf(),
            what: "not a safetensors file: header is not a JSON object".into(),
            source,
        })?;
    let tensors = header.keys().filter(|k| *k != "__metadata__").count();
    let metadata = header
        .entry("__metadata__")
        .or_insert_with(|| serde_json::json!({}));
    metadata["format"] = "pt".into();
    let mut text = serde_json::to_vec(&header).map_err(|source| Error::Json {
        path: from.to_path_buf(),
        what: "cannot write the safetensors header".into(),
        source,
    })?;
    // Keep the data 8-byte aligned, as writers do: pad the header with spaces.
    while text.len() % 8 != 0 {
        text.push(b' ');
    }

    let partial = PathBuf::from(format!("{}.partial", to.display()));
    let mut sink = std::fs::File::create(&partial).map_err(Error::io(&partial))?;
    sink.write_all(&(text.len() as u64).to_le_bytes())
        .and_then(|_| sink.write_all(&text))
        .map_err(Error::io(&partial))?;
    file.seek(SeekFrom::Start(8 + len))
        .map_err(Error::io(from))?;
    std::io::copy(&mut file, &mut sink).map_err(Error::io(&partial))?;
    drop(sink);
    crate::durable::rename_synced(&partial, to)?;
    Ok(tensors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{write_random_model, NerConfig, NerModel, RandomModelSpec};
    use claimex_core::Sentence;

    fn header(path: &Path) -> serde_json::Value {
        let bytes = std::fs::read(path).unwrap();
        let len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
        serde_json::from_slice(&bytes[8..8 + len]).unwrap()
    }

    fn data(path: &Path) -> Vec<u8> {
        let bytes = std::fs::read(path).unwrap();
        let len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
        bytes[8 + len..].to_vec()
    }

    #[test]
    fn exported_model_has_hf_files_and_tags_as_the_original() {
        tch::set_num_threads(1);
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("src");
        let dst = tmp.path().join("hf");
        let spec = RandomModelSpec {
            extra_words: vec!["paris".into(), "france".into()],
            outside_bias: 0.0,
            ..RandomModelSpec::default()
        };
        write_random_model(&src, &spec).unwrap();
        let done = export_hf(&src, &dst).unwrap();
        assert_eq!(done.architecture, "BertForTokenClassification");

        let config: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dst.join("config.json")).unwrap())
                .unwrap();
        assert_eq!(config["architectures"][0], "BertForTokenClassification");
        assert_eq!(config["id2label"]["1"], "B-PER");
        assert!(config.get(SHAPE_FEATURES_FIELD).is_none());

        let (before, after) = (
            header(&src.join("model.safetensors")),
            header(&dst.join("model.safetensors")),
        );
        assert_eq!(after["__metadata__"]["format"], "pt");
        assert_eq!(
            done.tensors,
            before
                .as_object()
                .unwrap()
                .keys()
                .filter(|k| *k != "__metadata__")
                .count()
        );
        for (name, entry) in before.as_object().unwrap() {
            if name != "__metadata__" {
                assert_eq!(&after[name], entry, "{name}");
            }
        }
        assert_eq!(
            data(&src.join("model.safetensors")),
            data(&dst.join("model.safetensors"))
        );

        // The exported tokenizer adds [CLS] and [SEP] itself, as transformers expects.
        let tok = tokenizers::Tokenizer::from_file(dst.join("tokenizer.json")).unwrap();
        let enc = tok.encode("Paris", true).unwrap();
        assert_eq!(enc.get_tokens().first().map(String::as_str), Some("[CLS]"));
        assert_eq!(enc.get_tokens().last().map(String::as_str), Some("[SEP]"));

        // claimex loads the export and finds the same entities with the same scores.
        let text = "Paris is in France and paris is in france";
        let sentence = Sentence {
            start: 0,
            end: text.len(),
            text: text.into(),
        };
        let a = NerModel::load(&src, NerConfig::default())
            .unwrap()
            .recognize(std::slice::from_ref(&sentence))
            .unwrap();
        let b = NerModel::load(&dst, NerConfig::default())
            .unwrap()
            .recognize(&[sentence])
            .unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn shape_models_and_missing_weights_are_refused_with_reasons() {
        let tmp = tempfile::tempdir().unwrap();
        let shaped = tmp.path().join("shaped");
        let spec = RandomModelSpec {
            shape_features: true,
            ..RandomModelSpec::default()
        };
        write_random_model(&shaped, &spec).unwrap();
        let err = export_hf(&shaped, &tmp.path().join("out"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("word-shape") && err.contains("--shape-features"),
            "{err}"
        );

        let plain = tmp.path().join("plain");
        write_random_model(&plain, &RandomModelSpec::default()).unwrap();
        std::fs::remove_file(plain.join("model.safetensors")).unwrap();
        let err = export_hf(&plain, &tmp.path().join("out2"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("model.safetensors"), "{err}");
    }
}
