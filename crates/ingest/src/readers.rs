use std::collections::{HashSet, VecDeque};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use claimex_core::{document_key, DocumentRecord, SourceRef};
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
    /// JSONL field holding an optional author.
    pub author_field: String,
    /// JSONL field holding an optional language tag.
    pub language_field: String,
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
            author_field: "author".into(),
            language_field: "language".into(),
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

    /// The file's canonical path (`-` for standard input), the source part of a document's key:
    /// the same file named two ways is one source.
    fn identity(&self) -> String {
        if self.is_stdin() {
            return "-".into();
        }
        std::fs::canonicalize(&self.path)
            .unwrap_or_else(|_| self.path.clone())
            .to_string_lossy()
            .into_owned()
    }

    fn display(&self) -> String {
        self.path.display().to_string()
    }
}

/// Expands the command line's inputs into files: folders are walked recursively in name order
/// (hidden entries skipped), files and `-` are kept as given. A folder reached again, through a
/// symbolic link that loops or a second path to it, is walked once. A path that does not exist is
/// an error, because it is almost always a typo.
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<InputFile>> {
    let mut files = Vec::new();
    let mut walked = HashSet::new();
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
            walk(input, &mut files, &mut walked)?;
        } else {
            files.push(InputFile {
                path: input.clone(),
            });
        }
    }
    Ok(files)
}

/// Adds the files under `dir` to `files`; `walked` holds the canonical paths of the folders
/// already walked, so that a loop of symbolic links ends.
fn walk(dir: &Path, files: &mut Vec<InputFile>, walked: &mut HashSet<PathBuf>) -> Result<()> {
    let io_err = |source| Error::Input {
        path: dir.to_path_buf(),
        source,
    };
    if !walked.insert(std::fs::canonicalize(dir).map_err(io_err)?) {
        return Ok(());
    }
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
            walk(&path, files, walked)?;
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
    /// Bytes read from the input files so far (compressed bytes for `.gz` files).
    read: Arc<AtomicU64>,
    /// The input files' sizes added up; `None` when standard input is one of them.
    total: Option<u64>,
}

/// A file that counts the bytes read from it into a shared counter.
struct Counted<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

struct OpenJsonl {
    file: InputFile,
    /// [`InputFile::identity`], worked out once.
    identity: String,
    lines: Box<dyn BufRead + Send>,
    line_no: u64,
}

impl DocumentReader {
    /// A reader over `files`, in order.
    pub fn new(files: Vec<InputFile>, config: ReaderConfig) -> Self {
        let total = files
            .iter()
            .map(|f| (!f.is_stdin()).then(|| std::fs::metadata(&f.path).map_or(0, |m| m.len())))
            .sum();
        DocumentReader {
            config,
            files: files.into(),
            current: None,
            read: Arc::new(AtomicU64::new(0)),
            total,
        }
    }

    /// The bytes read from the input files so far, shared with the reader as it goes on (for a
    /// progress display against [`DocumentReader::total_bytes`]). Compressed files count their
    /// compressed bytes, read ahead by up to 64 KiB.
    pub fn bytes_read(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.read)
    }

    /// The input files' sizes added up, when known (not with standard input among them).
    pub fn total_bytes(&self) -> Option<u64> {
        self.total
    }

    /// Opens `file`, decompressing it when its name ends in `.gz`, or for standard input when
    /// its first bytes are gzip's magic number (no JSON text starts with them).
    fn open(&self, file: &InputFile) -> std::io::Result<Box<dyn BufRead + Send>> {
        if file.is_stdin() {
            // The first two bytes, however the pipe delivers them, then the rest.
            let mut stdin = std::io::stdin();
            let mut magic = Vec::with_capacity(2);
            (&mut stdin).take(2).read_to_end(&mut magic)?;
            let gzipped = magic == [0x1f, 0x8b];
            let whole = std::io::Cursor::new(magic).chain(stdin);
            return Ok(if gzipped {
                Box::new(BufReader::with_capacity(
                    1 << 16,
                    MultiGzDecoder::new(whole),
                ))
            } else {
                Box::new(BufReader::with_capacity(1 << 16, whole))
            });
        }
        let raw: Box<dyn Read + Send> = Box::new(Counted {
            inner: File::open(&file.path)?,
            read: Arc::clone(&self.read),
        });
        let raw: Box<dyn Read + Send> = if file.gzipped() {
            Box::new(MultiGzDecoder::new(raw))
        } else {
            raw
        };
        Ok(Box::new(BufReader::with_capacity(1 << 16, raw)))
    }

    fn read_whole_file(&self, file: &InputFile, format: RawFormat) -> ReadItem {
        let mut source = SourceRef::new(file.display(), None);
        let identity = file.identity();
        source.key = document_key(&identity, None, b"");
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
        source.key = document_key(&identity, None, &bytes);
        let (text, warnings) = decode_document(bytes);
        Ok(RawDocument {
            format,
            warnings,
            ..RawDocument::new(source, text)
        })
    }

    /// Next non-blank line of the open JSONL file as a document, or `None` at its end. A line is
    /// read up to `max_doc_bytes + 1` bytes; the rest of a longer one is skipped up to its newline
    /// without being kept, so memory stays bounded whatever the input.
    fn next_jsonl(&mut self) -> Option<ReadItem> {
        let limit = self.config.max_doc_bytes;
        let open = self.current.as_mut()?;
        let mut bytes = Vec::new();
        // A loop, not recursion: any number of blank lines is layout, not documents.
        loop {
            bytes.clear();
            let read = read_line_bounded(&mut open.lines, &mut bytes, limit);
            open.line_no += 1;
            let mut source = SourceRef::new(open.file.display(), Some(open.line_no));
            source.key = document_key(&open.identity, Some(open.line_no), b"");
            let line = match read {
                Ok(None) => {
                    self.current = None;
                    return None;
                }
                Ok(Some(line)) => line,
                Err(e) => {
                    self.current = None;
                    return Some(Err(DocumentRecord::skipped(
                        None,
                        source,
                        format!("read error, rest of file not read: {e}"),
                    )));
                }
            };
            if open.line_no == 1 {
                strip_utf8_bom(&mut bytes);
            }
            // An over-long line is known by what was kept of it (the limit + 1 bytes).
            source.key = document_key(&open.identity, Some(open.line_no), &bytes);
            if line.too_long {
                return Some(Err(DocumentRecord::skipped(
                    readable_id(&bytes, &self.config.id_field),
                    source,
                    format!(
                        "line of {} bytes, longer than {limit}; raise --max-doc-bytes to read it",
                        line.length
                    ),
                )));
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let (line, warnings) = decode(std::mem::take(&mut bytes));
            return Some(parse_json_record(&line, source, warnings, &self.config));
        }
    }
}

/// One JSON object as a document, as a JSONL line is read: the text from `config.text_field`,
/// the id and metadata from their fields. A malformed object, or one without a text, is a
/// skipped record saying why. `warnings` are repairs already made to the line.
pub fn parse_json_record(
    line: &str,
    source: SourceRef,
    warnings: Vec<String>,
    config: &ReaderConfig,
) -> ReadItem {
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
    let id = match obj.get(&config.id_field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(other) => {
            return Err(DocumentRecord::skipped(
                None,
                source,
                format!(
                    "field `{}` must be a string or number, found {other}",
                    config.id_field
                ),
            ))
        }
    };
    let text = match obj.get(&config.text_field) {
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            return Err(DocumentRecord::skipped(
                id,
                source,
                format!("field `{}` is not a string", config.text_field),
            ))
        }
        None => {
            return Err(DocumentRecord::skipped(
                id,
                source,
                format!(
                    "no `{}` field (use --text-field to name the field that holds the text)",
                    config.text_field
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
        title: field(&config.title_field),
        url: field(&config.url_field),
        published_at: field(&config.published_field),
        publisher: field(&config.publisher_field),
        author: field(&config.author_field),
        language: field(&config.language_field),
        warnings,
        ..RawDocument::new(source, text)
    })
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
                            identity: file.identity(),
                            file,
                            lines,
                            line_no: 0,
                        })
                    }
                    Err(e) => {
                        let mut source = SourceRef::new(file.display(), None);
                        source.key = document_key(&file.identity(), None, b"");
                        return Some(Err(DocumentRecord::skipped(
                            None,
                            source,
                            format!("cannot open file: {e}"),
                        )));
                    }
                },
                Format::Unsupported => {
                    let mut source = SourceRef::new(file.display(), None);
                    source.key = document_key(&file.identity(), None, b"");
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

/// Decodes a whole-file document: a UTF-8 byte order mark is dropped, a UTF-16 one (little or big
/// endian) decodes the file as UTF-16, anything else is read as UTF-8 ([`decode`]).
fn decode_document(mut bytes: Vec<u8>) -> (String, Vec<String>) {
    let utf16 = match bytes.get(..2) {
        Some([0xFF, 0xFE]) => Some(u16::from_le_bytes as fn([u8; 2]) -> u16),
        Some([0xFE, 0xFF]) => Some(u16::from_be_bytes as fn([u8; 2]) -> u16),
        _ => None,
    };
    let Some(unit) = utf16 else {
        strip_utf8_bom(&mut bytes);
        return decode(bytes);
    };
    let mut warnings = vec![];
    if bytes.len() % 2 == 1 {
        warnings.push("UTF-16 file with an odd number of bytes: the last byte dropped".into());
    }
    let units: Vec<u16> = bytes[2..]
        .chunks_exact(2)
        .map(|pair| unit([pair[0], pair[1]]))
        .collect();
    let text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    if text.contains(char::REPLACEMENT_CHARACTER) {
        warnings.push("invalid UTF-16 replaced with U+FFFD".into());
    }
    (text, warnings)
}

/// Drops a leading UTF-8 byte order mark, which editors on Windows write and JSON parsers reject.
fn strip_utf8_bom(bytes: &mut Vec<u8>) {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
}

/// What [`read_line_bounded`] read of one line.
struct LineRead {
    /// Bytes in the line, newline included, whether kept or not.
    length: u64,
    /// The line was longer than the limit: only its first `limit + 1` bytes were kept.
    too_long: bool,
}

/// Reads one line (up to and including `\n`) into `out`, keeping at most `limit + 1` bytes of it
/// and skipping the rest without storing it. `None` at the end of the input.
fn read_line_bounded(
    input: &mut dyn BufRead,
    out: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<Option<LineRead>> {
    let mut length: u64 = 0;
    loop {
        let (done, used) = {
            let buf = match input.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                return Ok((length > 0).then_some(LineRead {
                    length,
                    too_long: out.len() > limit,
                }));
            }
            let (done, used) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (true, i + 1),
                None => (false, buf.len()),
            };
            let room = (limit + 1).saturating_sub(out.len());
            out.extend_from_slice(&buf[..used.min(room)]);
            (done, used)
        };
        input.consume(used);
        length += used as u64;
        if done {
            return Ok(Some(LineRead {
                length,
                too_long: out.len() > limit,
            }));
        }
    }
}

/// The id of a line cut short, when it can be read from what was kept: the first
/// `"<field>": "<value>"` or `"<field>": <number>` in it. For the ledger record of a skipped line.
fn readable_id(bytes: &[u8], field: &str) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    let key = format!("\"{field}\"");
    let rest = text[text.find(&key)? + key.len()..].trim_start();
    let rest = rest.strip_prefix(':')?.trim_start();
    let value = if let Some(quoted) = rest.strip_prefix('"') {
        &quoted[..quoted.find('"')?]
    } else {
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '-' || c == '.'))
            .unwrap_or(rest.len());
        &rest[..end]
    };
    (!value.trim().is_empty()).then(|| value.trim().to_string())
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
        assert_eq!(doc.meta.title.as_deref(), Some("T"));
    }

    #[test]
    fn keeps_optional_jsonl_fields() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.jsonl", br#"{"id":"a","text":"News.","title":"H","url":"https://example.org/a","published_at":"2026-11-02T10:00:00+02:00","source":"Wire","author":"Ann Mbeki","language":"en"}
{"id":"b","text":"More news.","published_at":"soon"}"#);
        let mut docs = read_all(dir.path());
        let meta = docs.remove(0).unwrap().meta;
        assert_eq!(
            meta,
            claimex_core::DocumentMeta {
                title: Some("H".into()),
                url: Some("https://example.org/a".into()),
                published_at: Some("2026-11-02T08:00:00Z".into()),
                published_raw: Some("2026-11-02T10:00:00+02:00".into()),
                publisher: Some("Wire".into()),
                author: Some("Ann Mbeki".into()),
                language: Some("en".into()),
            }
        );
        // A time that is not a date is kept as given, with a note.
        let doc = docs.remove(0).unwrap();
        assert_eq!(doc.meta.published_raw.as_deref(), Some("soon"));
        assert_eq!(doc.meta.published_at, None);
        assert!(doc.warnings[0].contains("not a date claimex reads"));
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

    #[test]
    fn any_number_of_blank_lines_is_skipped_without_recursion() {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = vec![b'\n'; 200_000];
        bytes.extend_from_slice(b"{\"id\":\"after\",\"text\":\"Still read.\"}\n");
        write(dir.path(), "a.jsonl", &bytes);
        let items = read_all(dir.path());
        assert_eq!(items.len(), 1);
        let doc = items[0].as_ref().unwrap();
        assert_eq!((doc.id.as_str(), doc.source.line), ("after", Some(200_001)));
    }

    #[test]
    fn an_overlong_line_is_skipped_with_its_id_and_the_next_line_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = b"{\"id\":\"big\",\"text\":\"".to_vec();
        bytes.extend(std::iter::repeat(b'a').take(10_000));
        bytes.extend_from_slice(b"\"}\n{\"id\":\"small\",\"text\":\"Fits.\"}\n");
        write(dir.path(), "a.jsonl", &bytes);
        let files = expand_inputs(&[dir.path().to_path_buf()]).unwrap();
        let config = ReaderConfig {
            max_doc_bytes: 1024,
            ..Default::default()
        };
        let items: Vec<ReadItem> = DocumentReader::new(files, config).collect();
        assert_eq!(items.len(), 2);
        let bad = items[0].as_ref().unwrap_err();
        assert_eq!(bad.doc_id.as_deref(), Some("big"));
        assert_eq!(bad.source.line, Some(1));
        let reason = bad.reason.as_deref().unwrap();
        assert!(
            reason.contains("10023 bytes") && reason.contains("--max-doc-bytes"),
            "{reason}"
        );
        let good = items[1].as_ref().unwrap();
        assert_eq!(
            (good.id.as_deref(), good.source.line),
            (Some("small"), Some(2))
        );
    }

    #[test]
    fn bounded_line_reading_keeps_at_most_the_limit_plus_one_byte() {
        let mut input = std::io::Cursor::new(vec![b'x'; 100_000]);
        let mut out = Vec::new();
        let line = read_line_bounded(&mut input, &mut out, 16)
            .unwrap()
            .unwrap();
        assert_eq!((out.len(), line.length, line.too_long), (17, 100_000, true));
        out.clear();
        assert!(read_line_bounded(&mut input, &mut out, 16)
            .unwrap()
            .is_none());
    }

    #[test]
    fn a_utf8_byte_order_mark_does_not_cost_the_first_jsonl_record() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "a.jsonl",
            b"\xEF\xBB\xBF{\"id\":\"first\",\"text\":\"One.\"}\n{\"id\":\"second\",\"text\":\"Two.\"}\n",
        );
        let ids: Vec<String> = read_all(dir.path())
            .into_iter()
            .map(|item| item.unwrap().id)
            .collect();
        assert_eq!(ids, ["first", "second"]);
    }

    #[test]
    fn byte_order_marks_of_text_files_are_read_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.txt", b"\xEF\xBB\xBFAstana hosted talks.");
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("Zoë met Ángel.".encode_utf16().flat_map(u16::to_le_bytes));
        write(dir.path(), "b.txt", &utf16);
        let mut utf16be = vec![0xFE, 0xFF];
        utf16be.extend("Big endian.".encode_utf16().flat_map(u16::to_be_bytes));
        write(dir.path(), "c.txt", &utf16be);
        let texts: Vec<String> = read_all(dir.path())
            .into_iter()
            .map(|item| item.unwrap().text)
            .collect();
        assert_eq!(
            texts,
            ["Astana hosted talks.", "Zoë met Ángel.", "Big endian."]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_reached_again_through_a_symbolic_link_is_walked_once() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir_all(corpus.join("sub")).unwrap();
        write(&corpus, "a.txt", b"A.");
        write(&corpus.join("sub"), "b.txt", b"B.");
        std::os::unix::fs::symlink(&corpus, corpus.join("sub/loop")).unwrap();
        std::os::unix::fs::symlink(corpus.join("sub"), corpus.join("again")).unwrap();
        let files = expand_inputs(&[corpus.clone(), corpus.join("sub")]).unwrap();
        let names: Vec<_> = files
            .iter()
            .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.txt", "b.txt"]);
    }

    #[test]
    fn the_bytes_read_reach_the_inputs_total_size() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.jsonl"),
            "{\"id\":\"a\",\"text\":\"One.\"}\n\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("b.txt"), "Two sentences. Here.").unwrap();
        let files = expand_inputs(&[dir.path().to_path_buf()]).unwrap();
        let reader = DocumentReader::new(files, ReaderConfig::default());
        let (read, total) = (reader.bytes_read(), reader.total_bytes());
        assert_eq!(total, Some(46));
        assert_eq!(reader.count(), 2);
        assert_eq!(read.load(Ordering::Relaxed), 46);
        let stdin = vec![InputFile { path: "-".into() }];
        assert_eq!(
            DocumentReader::new(stdin, ReaderConfig::default()).total_bytes(),
            None
        );
    }
}
