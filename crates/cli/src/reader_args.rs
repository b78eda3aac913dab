use std::path::{Path, PathBuf};

use claimex_ingest::{expand_inputs, DocumentReader, ReaderConfig};
use clap::Args;

/// Input options shared by `run` and `ingest`.
#[derive(Args, Debug)]
pub struct ReaderArgs {
    /// Input files or folders (.txt .md .html .jsonl .ndjson, optionally .gz), or - for JSONL (plain or gzip) on stdin.
    #[arg(required = true, value_name = "INPUTS")]
    pub inputs: Vec<PathBuf>,
    /// JSONL field holding the article text.
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// JSONL field holding the document id (documents without one get a content hash).
    #[arg(long, default_value = "id")]
    pub id_field: String,
    /// JSONL field holding the headline.
    #[arg(long, default_value = "title")]
    pub title_field: String,
    /// JSONL field holding the article's URL.
    #[arg(long, default_value = "url")]
    pub url_field: String,
    /// JSONL field holding the publication time (RFC 3339, RFC 2822, a date, Unix seconds; the
    /// value as given is kept too).
    #[arg(long, default_value = "published_at")]
    pub published_field: String,
    /// JSONL field holding the publisher or outlet.
    #[arg(long, default_value = "source")]
    pub publisher_field: String,
    /// JSONL field holding the author or authors.
    #[arg(long, default_value = "author")]
    pub author_field: String,
    /// JSONL field holding the language tag.
    #[arg(long, default_value = "language")]
    pub language_field: String,
    /// Skip (and record) documents larger than this many bytes.
    #[arg(long, default_value_t = 10 * 1024 * 1024)]
    pub max_doc_bytes: usize,
}

impl ReaderArgs {
    /// A reader over the inputs. `outputs` are the files the command will write (sinks, ledger):
    /// none of them may be one of the input files, which writing would destroy.
    pub fn reader(&self, outputs: &[&Path]) -> anyhow::Result<DocumentReader> {
        let files = expand_inputs(&self.inputs)?;
        claimex::refuse_outputs_among_inputs(&files, outputs)?;
        let config = ReaderConfig {
            id_field: self.id_field.clone(),
            text_field: self.text_field.clone(),
            title_field: self.title_field.clone(),
            url_field: self.url_field.clone(),
            published_field: self.published_field.clone(),
            publisher_field: self.publisher_field.clone(),
            author_field: self.author_field.clone(),
            language_field: self.language_field.clone(),
            max_doc_bytes: self.max_doc_bytes,
        };
        Ok(DocumentReader::new(files, config))
    }
}
