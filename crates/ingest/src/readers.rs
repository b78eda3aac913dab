use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use claimex_core::{DocumentRecord, SourceRef};
use flate2::read::MultiGzDecoder;
use serde_json::Value;

use crate::prepare::{RawDocument, RawFormat};
use crate::{Error, Result};

/// One item read from the inputs: a raw document to prepare, or the record of one that could not
/// be read.
pub type ReadItem = std::result::Result<RawDocument, DocumentRecord>;

/// Field names and limits for reading documents.
#[derive(Debug, Clone)]
pub struct ReaderConfig {
    /// JSONL field holding the document id (string or number). Missing ids get a content hash.
    pub id_field: String,
    /// JSONL field holding the article text.
    pub text_field: String,
    /// JSONL field holding an optional headline.
    pub title_field: String,
    /// JSONL field holding an optional article URL.
    pub url_field: String,
    /// JSONL field holding an optional publication time.
    pub published_field: String,
    /// JSONL field holding an optional publisher name.
    pub publisher_field: String,
    /// Documents longer than this many bytes (after decompression) are skipped and recorded.
    pub max_doc_bytes: usize,
}

impl Default for ReaderConfig {
    fn default() -> Self {
        ReaderConfig {
            id_field: "id".into(),
            text_field: "text".into(),
            title_field: "title".into(),
            url_field: "url".into(),
            published_field: "published_at".into(),
            publisher_field: "source".into(),
            max_doc_bytes: 10 * 1024 * 1024,
        }
    }
}

/// How a file's contents become documents, decided by its extension (after any `.gz`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// Whole file is one document (.txt, .md).
    Text,
    /// Whole file is one HTML page (.html, .htm).
    Html,
    /// One JSON object per line (.jsonl, .ndjson, and standard input).
    Jsonl,
    /// Not readable by claimex.
    Unsupported,
}

/// One input file found by [`expand_inputs`]. `-` stands for standard input (JSONL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// Path as given or found while walking a folder.
    pub path: PathBuf,
}

impl InputFile {
    fn is_stdin(&self) -> bool {
        self.path.as_os_str() == "-"
    }

    fn gzipped(&self) -> bool {
        self.path.extension().is_some_and(|e| e == "gz")
    }

    fn format(&self) -> Format {
        if self.is_stdin() {
            return Format::Jsonl;
        }
        let inner = if self.gzipped() {
            self.path.with_extension("")
        } else {
            self.path.clone()
        };
        match inner
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("txt" | "md" | "markdown") => Format::Text,
            Some("html" | "htm" | "xhtml") => Format::Html,
            Some("jsonl" | "ndjson") => Format::Jsonl,
            _ => Format::Unsupported,
        }
    }

    fn display(&self) -> String {
        self.path.display().to_string()
    }
}

/// Expands the command line's inputs into files: folders are walked recursively in name order
/// (hidden entries skipped), files and `-` are kept as given. A path that does not exist is an
/// error, because it is almost always a typo.
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<InputFile>> {
    let mut files = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            files.push(InputFile {
                path: input.clone(),
            });
            continue;
        }
        let meta = std::fs::metadata(input).map_err(|source| Error::Input {
            path: input.clone(),
            source,
        })?;
        if meta.is_dir() {
            walk(input, &mut files)?;
        } else {
            files.push(InputFile {
                path: input.clone(),
            });
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<InputFile>) -> Result<()> {
    let io_err = |source| Error::Input {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io_err)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()
        .map_err(io_err)?;
    entries.sort();
    for path in entries {
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            walk(&path, files)?;
        } else {
            files.push(InputFile { path });
        }
    }
    Ok(())
}

/// Streams documents out of a list of input files, one at a time. Every document that cannot be
/// produced comes out as a [`DocumentRecord`] with the file, line and reason; reading then goes on.
pub struct DocumentReader {
    config: ReaderConfig,
    files: VecDeque<InputFile>,
    current: Option<OpenJsonl>,
}

struct OpenJsonl {
    file: InputFile,
    lines: Box<dyn BufRead + Send>,
    line_no: u64,
}

impl DocumentReader {
    /// A reader over `files`, in order.
    pub fn new(files: Vec<InputFile>, config: ReaderConfig) -> Self {
        DocumentReader {
            config,
            files: files.into(),
            current: None,
        }
    }

    fn open(&self, file: &InputFile) -> std::io::Result<Box<dyn BufRead + Send>> {
        let raw: Box<dyn Read + Send> = if file.is_stdin() {
            Box::new(std::io::stdin())
        } else {
            Box::new(File::open(&file.path)?)
        };
        let raw: Box<dyn Read + Send> = if file.gzipped() {
            Box::new(MultiGzDecoder::new(raw))
        } else {
            raw
        };
        Ok(Box::new(BufReader::with_capacity(1 << 16, raw)))
    }

    fn read_whole_file(&self, file: &InputFile, format: RawFormat) -> ReadItem {
        let source = SourceRef {
            path: file.display(),
            line: None,
        };
        let mut bytes = Vec::new();
        let limit = self.config.max_doc_bytes as u64 + 1;
        let read = self
            .open(file)
            .and_then(|r| r.take(limit).read_to_end(&mut bytes));
        if let Err(e) = read {
            return Err(DocumentRecord::skipped(
                None,
                source,
                format!("cannot read file: {e}"),
            ));
        }
        if bytes.len() > self.config.max_doc_bytes {
            return Err(DocumentRecord::skipped(
                None,
                source,
                format!(
                    "document larger than {} bytes; raise --max-doc-bytes to read it",
                    self.config.max_doc_bytes
                ),
            ));
        }
        let (text, warnings) = decode(bytes);
        Ok(RawDocument {
            format,
            warnings,
            ..RawDocument::new(source, text)
        })
    }

    /// Next line of the open JSONL file as a document, or `None` at its end.
    fn next_jsonl(&mut self) -> Option<ReadItem> {
        let open = self.current.as_mut()?;
        let mut bytes = Vec::new();
        match open.lines.read_until(b'\n', &mut bytes) {
            Ok(0) => {
                self.current = None;
                return None;
            }
            Ok(_) => open.line_no += 1,
            Err(e) => {
                open.line_no += 1;
                let source = SourceRef {
                    path: open.file.display(),
                    line: Some(open.line_no),
                };
                self.current = None;
                return Some(Err(DocumentRecord::skipped(
                    None,
                    source,
                    format!("read error, rest of file not read: {e}"),
                )));
            }
        }
        let source = SourceRef {
            path: open.file.display(),
            line: Some(open.line_no),
        };
        if bytes.iter().all(u8::is_ascii_whitespace) {
            // Blank lines (a trailing newline, spacing) are layout, not documents.
            return self.next_jsonl();
        }
        if bytes.len() > self.config.max_doc_bytes {
            return Some(Err(DocumentRecord::skipped(
                None,
                source,
                format!(
                    "line longer than {} bytes; raise --max-doc-bytes to read it",
                    self.config.max_doc_bytes
                ),
            )));
        }
        let (line, warnings) = decode(bytes);
        Some(self.parse_jsonl_line(&line, source, warnings))
    }

    fn parse_jsonl_line(&self, line: &str, source: SourceRef, warnings: Vec<String>) -> ReadItem {
        let value: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                return Err(DocumentRecord::skipped(
                    None,
                    source,
                    format!("malformed JSON: {e}"),
                ))
            }
        };
        let Value::Object(obj) = value else {
            return Err(DocumentRecord::skipped(
                None,
                source,
                "line is not a JSON object",
            ));
        };
        let id = match obj.get(&self.config.id_field) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(other) => {
                return Err(DocumentRecord::skipped(
                    None,
                    source,
                    format!(
                        "field `{}` must be a string or number, found {other}",
                        self.config.id_field
                    ),
                ))
            }
        };
        let text = match obj.get(&self.config.text_field) {
            Some(Value::String(s)) => s.clone(),
            Some(_) => {
                return Err(DocumentRecord::skipped(
                    id,
                    source,
                    format!("field `{}` is not a string", self.config.text_field),
                ))
            }
            None => {
                return Err(DocumentRecord::skipped(
                    id,
                    source,
                    format!(
                        "no `{}` field (use --text-field to name the field that holds the text)",
                        self.config.text_field
                    ),
                ))
            }
        };
        let field = |name: &str| match obj.get(name) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            _ => None,
        };
        Ok(RawDocument {
            id,
            title: field(&self.config.title_field),
            url: field(&self.config.url_field),
            published_at: field(&self.config.published_field),
            publisher: field(&self.config.publisher_field),
            warnings,
            ..RawDocument::new(source, text)
        })
    }
}

impl Iterator for DocumentReader {
    type Item = ReadItem;

    fn next(&mut self) -> Option<ReadItem> {
        loop {
            if self.current.is_some() {
                if let Some(item) = self.next_jsonl() {
                    return Some(item);
                }
                continue;
            }
            let file = self.files.pop_front()?;
            match file.format() {
                Format::Text => return Some(self.read_whole_file(&file, RawFormat::Text)),
                Format::Html => return Some(self.read_whole_file(&file, RawFormat::Html)),
                Format::Jsonl => match self.open(&file) {
                    Ok(lines) => {
                        self.current = Some(OpenJsonl {
                            file,
                            lines,
                            line_no: 0,
                        })
                    }
                    Err(e) => {
                        let source = SourceRef {
                            path: file.display(),
                            line: None,
                        };
                        return Some(Err(DocumentRecord::skipped(
                            None,
                            source,
                            format!("cannot open file: {e}"),
                        )));
                    }
                },
                Format::Unsupported => {
                    let source = SourceRef {
                        path: file.display(),
                        line: None,
                    };
                    return Some(Err(DocumentRecord::skipped(
                        None,
                        source,
                        "unsupported file type (claimex reads .txt, .md, .html, .jsonl, .ndjson, optionally .gz)",
                    )));
                }
            }
        }
    }
}

/// Decodes bytes as UTF-8, replacing invalid sequences and saying so.
fn decode(bytes: Vec<u8>) -> (String, Vec<String>) {
    match String::from_utf8(bytes) {
        Ok(s) => (s, vec![]),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            (
                text,
                vec![format!("invalid UTF-8 from byte {at} replaced with U+FFFD")],
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prepare;
    use claimex_core::{DocStatus, Document};
    use std::io::Write;

    /// Reads and prepares everything under `dir`.
    fn read_all(dir: &Path) -> Vec<std::result::Result<Document, DocumentRecord>> {
        let files = expand_inputs(&[dir.to_path_buf()]).unwrap();
        DocumentReader::new(files, ReaderConfig::default())
            .map(|item| item.and_then(prepare).map(|p| p.doc))
            .collect()
    }

    fn write(dir: &Path, name: &str, bytes: &[u8]) {
        std::fs::write(dir.join(name), bytes).unwrap();
    }

    #[test]
    fn reads_text_file_as_one_document_with_content_id() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.txt", b"Astana hosted talks.");
        let items = read_all(dir.path());
        let doc = items[0].as_ref().unwrap();
        assert_eq!(doc.text, "Astana hosted talks.");
        assert!(doc.id.starts_with("sha256:"));
    }

    #[test]
    fn reads_jsonl_lines_with_given_ids_and_line_numbers() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "a.jsonl",
            b"{\"id\":\"x1\",\"text\":\"One.\"}\n\n{\"id\":7,\"text\":\"Two.\"}\n",
        );
        let items = read_all(dir.path());
        assert_eq!(items.len(), 2);
        let second = items[1].as_ref().unwrap();
        assert_eq!(second.id, "7");
        assert_eq!(second.source.line, Some(3));
    }

    #[test]
    fn reads_html_file_as_article_text() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.html", b"<html><head><title>T</title></head><body><nav>Menu</nav><p>Astana hosted talks.</p></body></html>");
        let doc = read_all(dir.path()).remove(0).unwrap();
        assert_eq!(doc.text, "Astana hosted talks.");
        assert_eq!(doc.title.as_deref(), Some("T"));
    }

    #[test]
    fn keeps_optional_jsonl_fields() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.jsonl", br#"{"id":"a","text":"News.","title":"H","url":"https://example.org/a","published_at":"2026-11-02","source":"Wire"}"#);
        let doc = read_all(dir.path()).remove(0).unwrap();
        assert_eq!(doc.title.as_deref(), Some("H"));
        assert_eq!(doc.url.as_deref(), Some("https://example.org/a"));
        assert_eq!(doc.published_at.as_deref(), Some("2026-11-02"));
        assert_eq!(doc.publisher.as_deref(), Some("Wire"));
    }

    #[test]
    fn reads_gzipped_jsonl() {
        let dir = tempfile::tempdir().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"{\"id\":\"g\",\"text\":\"Zipped news.\"}\n")
            .unwrap();
        write(dir.path(), "a.jsonl.gz", &gz.finish().unwrap());
        let items = read_all(dir.path());
        assert_eq!(items[0].as_ref().unwrap().text, "Zipped news.");
    }

    #[test]
    fn skips_malformed_jsonl_line_and_keeps_reading() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.jsonl", b"{\"id\":\"a\",\"text\":\"Fine.\"}\n{not json\n{\"id\":\"c\",\"text\":\"Also fine.\"}\n");
        let items = read_all(dir.path());
        assert_eq!(items.len(), 3);
        let bad = items[1].as_ref().unwrap_err();
        assert_eq!(bad.status, DocStatus::Skipped);
        assert_eq!(bad.source.line, Some(2));
        assert!(bad.reason.as_deref().unwrap().contains("malformed JSON"));
        assert!(items[2].is_ok());
    }

    #[test]
    fn rejects_jsonl_line_without_text_field() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "a.jsonl",
            b"{\"id\":\"a\",\"body\":\"Text elsewhere.\"}\n",
        );
        let bad = read_all(dir.path()).remove(0).unwrap_err();
        assert_eq!(bad.doc_id.as_deref(), Some("a"));
        assert!(bad.reason.unwrap().contains("--text-field"));
    }

    #[test]
    fn reads_text_from_a_configured_field() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "a.jsonl",
            b"{\"id\":\"a\",\"body\":\"Text elsewhere.\"}\n",
        );
        let files = expand_inputs(&[dir.path().to_path_buf()]).unwrap();
        let config = ReaderConfig {
            text_field: "body".into(),
            ..Default::default()
        };
        let doc = DocumentReader::new(files, config).next().unwrap().unwrap();
        assert_eq!(doc.text, "Text elsewhere.");
    }

    #[test]
    fn decodes_invalid_utf8_lossily_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.txt", b"Bad \xff byte here.");
        let doc = read_all(dir.path()).remove(0).unwrap();
        assert_eq!(doc.text, "Bad \u{fffd} byte here.");
        assert!(doc.warnings[0].contains("invalid UTF-8 from byte 4"));
    }

    #[test]
    fn records_empty_file_as_skipped() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.txt", b"  \n ");
        let bad = read_all(dir.path()).remove(0).unwrap_err();
        assert_eq!(bad.reason.as_deref(), Some("empty document"));
    }

    #[test]
    fn records_oversized_document_as_skipped() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.txt", &vec![b'a'; 2048]);
        let files = expand_inputs(&[dir.path().to_path_buf()]).unwrap();
        let config = ReaderConfig {
            max_doc_bytes: 1024,
            ..Default::default()
        };
        let bad = DocumentReader::new(files, config)
            .next()
            .unwrap()
            .unwrap_err();
        assert!(bad.reason.unwrap().contains("--max-doc-bytes"));
    }

    #[test]
    fn records_unsupported_file_types() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "photo.png", b"\x89PNG");
        let bad = read_all(dir.path()).remove(0).unwrap_err();
        assert!(bad.reason.unwrap().contains("unsupported file type"));
    }

    #[test]
    fn missing_input_path_is_an_error_naming_it() {
        let err = expand_inputs(&[PathBuf::from("/no/such/corpus")]).unwrap_err();
        assert!(err.to_string().contains("/no/such/corpus"));
    }

    #[test]
    fn walks_folders_in_name_order_skipping_hidden_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        write(dir.path(), "b.txt", b"B.");
        write(&dir.path().join("sub"), "a.txt", b"A.");
        write(dir.path(), ".hidden.txt", b"H.");
        let names: Vec<_> = expand_inputs(&[dir.path().to_path_buf()])
            .unwrap()
            .into_iter()
            .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["b.txt", "a.txt"]);
    }
}
