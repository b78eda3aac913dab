//! Property-based fuzzing of ingestion, from bytes on disk to sentence offsets: the JSONL, text and
//! HTML readers (given real files, plain and gzip-compressed, intact and damaged), the HTML nesting
//! cap and extraction, cleaning, sentence splitting and capping, `prepare`, duplicate detection and
//! `claimex_core::TextIndex`. Inputs are hostile: invalid UTF-8, byte order marks (UTF-8 and
//! UTF-16), NULs and other control characters, CR/LF mixes, truncated and malformed JSON, lines
//! over the size limit, tag soup, nesting thousands of elements deep, combining marks,
//! bidirectional controls and emoji.
//!
//! Every property checks that nothing panics, and every span it meets slices back exactly to its
//! text; most also check what the readers and stages promise (one item per document or non-blank
//! line, line numbers, skipped records with reasons, script text never extracted, ...).
//!
//! `cargo test -p claimex-ingest --test fuzz` runs a modest number of cases per property, so that
//! `cargo test` stays fast. `PROPTEST_CASES` sets the number for every property, for longer runs:
//! `PROPTEST_CASES=20000 cargo test -p claimex-ingest --test fuzz` (or `make fuzz`). No failure
//! files are written; a failing property prints its shrunk input.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use claimex_core::{content_doc_id, DocStatus, Document, SourceRef, Span, TextIndex};
use claimex_ingest::{
    cap_nesting, cap_sentence_spans, clean_text, html_to_text, prepare, sentences_of,
    split_sentences, DocumentReader, DuplicateFilter, Extractor, HtmlText, InputFile, RawDocument,
    RawFormat, ReadItem, ReaderConfig, MAX_HTML_DEPTH, MAX_SENTENCE_CHARS,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use serde_json::Value;

/// Proptest settings for one group of properties: `default` cases unless `PROPTEST_CASES` gives
/// another number, no failure files written into the source tree, and shrinking bounded so that a
/// failing file-reading property reports within seconds.
fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        failure_persistence: None,
        max_shrink_iters: 4096,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Alphabets
// ---------------------------------------------------------------------------------------------

/// Pieces of text: news words and the punctuation the sentence splitter reasons about, whitespace
/// and line breaks of every kind, characters of more than one byte or more than one `char`,
/// invisible and bidirectional controls, and page chrome that cleaning drops from a line of its
/// own.
const TEXT_TOKENS: &[&str] = &[
    "Astana",
    "talks",
    "ended",
    "the",
    "The",
    "he",
    "officials",
    "Officials",
    "said",
    "and",
    "in",
    "Mr.",
    "Dr.",
    "U.S.",
    "Corp.",
    "e.g.",
    "p.m.",
    "No.",
    "J.",
    "4.5",
    "$1.2",
    "1.",
    "12.",
    "...",
    "\u{2026}",
    ".",
    "!",
    "?",
    "?!",
    ",",
    ";",
    ":",
    "-",
    "\"",
    "\u{201c}",
    "\u{201d}",
    "'",
    "\u{2019}",
    "\u{2018}",
    "(",
    ")",
    "[",
    "]",
    "\u{ab}",
    "\u{bb}",
    " ",
    " ",
    " ",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\t",
    "\u{a0}",
    "\u{2028}",
    "\u{85}",
    "\u{3000}",
    "\u{b}",
    "\u{c}",
    "\u{e9}",
    "e\u{301}",
    "\u{301}",
    "Zo\u{eb}",
    "\u{2126}",
    "\u{212b}",
    "\u{6771}\u{4eac}",
    "\u{1f642}",
    "\u{1f469}\u{200d}\u{1f469}\u{200d}\u{1f467}",
    "\u{202e}",
    "\u{200b}",
    "\u{feff}",
    "\u{0}",
    "\u{7}",
    "\u{1b}",
    "\u{7f}",
    "\u{fffd}",
    "\u{fb01}",
    "\u{1100}\u{1161}",
    "Select Language:",
    "Share",
    "ADVERTISEMENT",
    "Read more",
];

/// Markup pieces for tag soup: block, inline, skipped and raw-text elements, comments, entities
/// (valid, numeric, invalid) and stray angle brackets.
const HTML_TOKENS: &[&str] = &[
    "<div>",
    "</div>",
    "<p>",
    "</p>",
    "<h1>",
    "</h1>",
    "<h2>",
    "<span>",
    "</span>",
    "<b>",
    "</b>",
    "<script>",
    "</script>",
    "<style>",
    "</style>",
    "<!--",
    "-->",
    "<title>",
    "</title>",
    "<nav>",
    "</nav>",
    "<footer>",
    "<br>",
    "<br/>",
    "<hr>",
    "<table>",
    "<tr>",
    "<td>",
    "</table>",
    "<ul>",
    "<li>",
    "<html>",
    "<head>",
    "</head>",
    "<body>",
    "</body>",
    "<!doctype html>",
    "<a href=\"/x\">",
    "</a>",
    "<p class='lead'>",
    "<img src=x>",
    "<template>",
    "</template>",
    "<textarea>",
    "</textarea>",
    "<svg>",
    "</svg>",
    "&amp;",
    "&lt;",
    "&gt;",
    "&nbsp;",
    "&#233;",
    "&#x1F642;",
    "&#0;",
    "&#x202E;",
    "&bogus;",
    "&",
    "<",
    ">",
    "</",
    "<!",
    "<?php ?>",
];

/// A word that only the script tokens below contain, so that where it lands can be traced.
const MARK: &str = "QZXMARK";

/// Script elements holding [`MARK`], closed or not, in the forms the HTML tokenizer treats
/// specially (escaped script data, upper case, inside a heading).
const SCRIPT_TOKENS: &[&str] = &[
    "<script>QZXMARK",
    "<script>QZXMARK</script>",
    "<script>if (a < b) { QZXMARK(); }</script>",
    "<script><!--QZXMARK",
    "<SCRIPT type=\"text/javascript\">QZXMARK</SCRIPT>",
    "<h1><script>QZXMARK</script>",
];

/// Elements nested thousands deep: blocks, inline elements and formatting elements (which the
/// HTML parser tracks in its list of active formatting elements).
const NEST_TAGS: &[&str] = &[
    "div",
    "span",
    "section",
    "article",
    "blockquote",
    "em",
    "strong",
];

/// Start tags opened, never closed, in front of tag soup.
const OPEN_TAGS: &[&str] = &[
    "<div>",
    "<span>",
    "<p>",
    "<h1>",
    "<b>",
    "<i>",
    "<a>",
    "<section>",
    "<ul>",
    "<li>",
    "<table>",
    "<td>",
    "<blockquote>",
];

/// Runs repeated to make documents longer than the sentence cap or the size limit.
const LONG_RUNS: &[&str] = &["long ", "x", "\u{e9} ", "\u{1f642}", "word. ", "a\u{301} "];

/// Words longer than a small sentence cap, with and without spaces.
const LONG_TOKENS: &[&str] = &[
    "supercalifragilisticexpialidocious",
    "\u{1f642}\u{1f642}\u{1f642}\u{1f642}\u{1f642}\u{1f642}",
    "\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}",
    "----------",
    "word word word word",
];

/// Bytes that matter to the readers: JSON punctuation, line ends, NUL, the UTF-8 byte order mark,
/// UTF-16 byte order marks and the pieces of a two-byte UTF-8 character.
const SPECIAL_BYTES: &[u8] = &[
    0, b'{', b'}', b'"', b':', b',', b'\\', b'\r', b' ', 0xEF, 0xBB, 0xBF, 0xFF, 0xFE, 0xC3, 0xA9,
];

/// Bytes that are invalid UTF-8 wherever they stand, each decoded as one U+FFFD.
const BAD_UTF8: &[u8] = &[0x80, 0xBF, 0xC0, 0xC1, 0xF5, 0xFE, 0xFF];

/// JSONL lines that must come out as skipped records: not objects, wrong field types, no text
/// field, trailing data, and lines that look blank but are not ASCII whitespace.
const REJECTED_LINES: &[&str] = &[
    "[]",
    "[1,2]",
    "\"text\"",
    "42",
    "null",
    "true",
    "{}",
    "{\"text\":5}",
    "{\"text\":null}",
    "{\"id\":\"a\",\"text\":[\"x\"]}",
    "{\"id\":[1],\"text\":\"x\"}",
    "{\"id\":true,\"text\":\"x\"}",
    "{\"id\":{},\"text\":\"x\"}",
    "{\"id\":\"a\",\"body\":\"x\"}",
    "{\"id\":\"a\",\"text\":\"x\"} trailing",
    "{\"id\":\"a\",\"text\":\"x\"}{\"id\":\"b\",\"text\":\"y\"}",
    "\u{b}",
    "\u{0}",
];

/// JSONL lines the reader may turn into a document or a record: a blank string id, a duplicate key,
/// numbers at the edge of JSON's range.
const UNSETTLED_LINES: &[&str] = &[
    "{\"id\":\" \",\"text\":\"x\"}",
    "{\"id\":\"a\",\"text\":\"x\",\"text\":\"y\"}",
    "{\"id\":1e400,\"text\":\"x\"}",
    "{\"id\":-0,\"text\":\"x\"}",
    "{\"id\":18446744073709551616,\"text\":\"x\"}",
];

/// ASCII whitespace (as `u8::is_ascii_whitespace` defines it) for blank JSONL lines.
const BLANK_PIECES: &[&str] = &[" ", "\t", "\r", "\u{c}"];

/// Whitespace JSON allows around a record.
const LEADS: &[&str] = &["", "", " ", "\t", "  "];
const TRAILS: &[&str] = &["", "", "\r", " ", "\t\r", " \r"];

/// Whitespace between words for duplicate detection.
const GAPS: &[&str] = &[" ", "  ", "\n", "\t", " \n\n ", "\u{a0}", "\u{3000}"];

const JSONL_EXTS: &[&str] = &["jsonl", "ndjson", "JSONL"];
const TEXT_EXTS: &[&str] = &["txt", "md", "markdown", "TXT"];
const HTML_EXTS: &[&str] = &["html", "htm", "xhtml", "HTML"];

/// What cleaning drops from the start of a text: byte order marks, blank lines, page chrome,
/// control characters.
const LEADING_JUNK: &[&str] = &[
    "\u{feff}",
    "\n",
    " \n",
    "\r\n",
    "\t",
    "\u{0}\n",
    "Share\n",
    "Select Language:\n",
];

/// Some of the page-chrome lines cleaning drops, in the form it compares them.
const CHROME: &[&str] = &[
    "select language",
    "advertisement",
    "share",
    "read more",
    "subscribe",
];

const BOM: &[u8] = b"\xEF\xBB\xBF";

// ---------------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------------

/// One piece of text: mostly [`TEXT_TOKENS`], sometimes random characters (controls included).
fn text_token() -> BoxedStrategy<String> {
    let printable = proptest::string::string_regex("\\PC{1,4}").expect("valid regex");
    prop_oneof![
        12 => select(TEXT_TOKENS).prop_map(str::to_string),
        1 => printable,
        1 => any::<char>().prop_map(String::from),
    ]
    .boxed()
}

/// Text of up to `max_tokens` pieces.
fn prose(max_tokens: usize) -> BoxedStrategy<String> {
    vec(text_token(), 0..max_tokens)
        .prop_map(|tokens| tokens.concat())
        .boxed()
}

/// A short head followed by up to 3,000 repetitions of one run: up to 15,000 bytes, often longer
/// than [`MAX_SENTENCE_CHARS`] without a sentence end.
fn long_prose() -> BoxedStrategy<String> {
    (prose(8), select(LONG_RUNS), 0usize..3000)
        .prop_map(|(head, run, n)| head + &run.repeat(n))
        .boxed()
}

/// Text with words longer than a small sentence cap.
fn capped_prose() -> BoxedStrategy<String> {
    let token = prop_oneof![
        3 => text_token(),
        1 => select(LONG_TOKENS).prop_map(str::to_string),
    ];
    vec(token, 0..150)
        .prop_map(|tokens| tokens.concat())
        .boxed()
}

/// Text for the cleaner: up to three pieces of [`LEADING_JUNK`], then text.
fn cleaner_input() -> BoxedStrategy<String> {
    (vec(select(LEADING_JUNK), 0..4), prose(80))
        .prop_map(|(junk, text)| junk.concat() + &text)
        .boxed()
}

/// Tag soup of up to `max_tokens` markup and text pieces.
fn tag_soup(max_tokens: usize) -> BoxedStrategy<String> {
    let token = prop_oneof![
        4 => select(HTML_TOKENS).prop_map(str::to_string),
        5 => text_token(),
    ];
    vec(token, 0..max_tokens)
        .prop_map(|tokens| tokens.concat())
        .boxed()
}

/// Tag soup behind up to 1,500 start tags that are never closed.
fn nested_soup() -> BoxedStrategy<String> {
    (vec(select(OPEN_TAGS), 0..1500), tag_soup(80))
        .prop_map(|(open, soup)| open.concat() + &soup)
        .boxed()
}

/// Tag soup in which [`MARK`] only ever follows a `<script>` start tag. No random characters, so
/// that nothing but those tokens can spell [`MARK`].
fn script_soup() -> BoxedStrategy<String> {
    let token = prop_oneof![
        4 => select(HTML_TOKENS),
        4 => select(TEXT_TOKENS),
        2 => select(SCRIPT_TOKENS),
    ];
    vec(token, 0..60).prop_map(|tokens| tokens.concat()).boxed()
}

/// A byte, often one of [`SPECIAL_BYTES`].
fn byte() -> BoxedStrategy<u8> {
    prop_oneof![3 => any::<u8>(), 2 => select(SPECIAL_BYTES)].boxed()
}

/// `ReaderConfig::max_doc_bytes`: the default, tiny, or small enough that long lines exceed it.
fn max_doc_bytes() -> BoxedStrategy<usize> {
    prop_oneof![
        2 => Just(ReaderConfig::default().max_doc_bytes),
        1 => 0usize..48,
        2 => 48usize..4096,
    ]
    .boxed()
}

/// What the reader must make of one JSONL line that is neither blank nor over the size limit.
#[derive(Debug, Clone)]
enum Expect {
    /// This document, with repairs noted in its warnings when `lossy`.
    Doc {
        id: Option<String>,
        title: Option<String>,
        text: String,
        lossy: bool,
    },
    /// A skipped record.
    Record,
    /// A document or a skipped record: exactly one item, either way.
    Any,
}

/// One JSONL line without its `\n`, and what reading it must give.
#[derive(Debug, Clone)]
struct Line {
    bytes: Vec<u8>,
    expect: Expect,
}

/// A well-formed JSONL record and the document fields the reader must take from it.
#[derive(Debug, Clone)]
struct Record {
    json: String,
    id: Option<String>,
    title: Option<String>,
    text: String,
}

/// The `id` field as written, and the id the reader must give the document.
fn id_field() -> BoxedStrategy<(Option<Value>, Option<String>)> {
    prop_oneof![
        Just((None::<Value>, None::<String>)),
        Just((Some(Value::Null), None::<String>)),
        "[a-z0-9][a-z0-9_-]{0,10}".prop_map(|s| (Some(Value::String(s.clone())), Some(s))),
        "[a-z0-9]{1,8}".prop_map(|s| (Some(Value::String(format!(" {s}\t"))), Some(s))),
        any::<u32>().prop_map(|n| (Some(Value::from(n)), Some(n.to_string()))),
    ]
    .boxed()
}

/// A record with the given text, an optional id and an optional title, serialised by serde_json
/// (which escapes quotes, backslashes and control characters, so the line holds no `\n`).
fn record(text: BoxedStrategy<String>) -> BoxedStrategy<Record> {
    (id_field(), text, prop::option::of(prose(6)))
        .prop_map(|((id_value, id), text, title)| {
            let mut object = serde_json::Map::new();
            if let Some(value) = id_value {
                object.insert("id".to_string(), value);
            }
            object.insert("text".to_string(), Value::String(text.clone()));
            if let Some(title) = &title {
                object.insert("title".to_string(), Value::String(title.clone()));
            }
            let title = title
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty());
            Record {
                json: Value::Object(object).to_string(),
                id,
                title,
                text,
            }
        })
        .boxed()
}

fn record_line() -> BoxedStrategy<Line> {
    (record(prose(12)), select(LEADS), select(TRAILS))
        .prop_map(|(r, lead, trail)| Line {
            bytes: format!("{lead}{}{trail}", r.json).into_bytes(),
            expect: Expect::Doc {
                id: r.id,
                title: r.title,
                text: r.text,
                lossy: false,
            },
        })
        .boxed()
}

/// A record of up to 15,000 bytes: over a small size limit, and over the sentence cap.
fn long_line() -> BoxedStrategy<Line> {
    record(long_prose())
        .prop_map(|r| Line {
            bytes: r.json.into_bytes(),
            expect: Expect::Doc {
                id: r.id,
                title: r.title,
                text: r.text,
                lossy: false,
            },
        })
        .boxed()
}

/// A record whose text holds invalid UTF-8 bytes, each of which the reader replaces by U+FFFD.
fn lossy_line() -> BoxedStrategy<Line> {
    (
        "[a-z0-9]{1,8}",
        prose(8),
        vec(select(BAD_UTF8), 1..4),
        prose(8),
    )
        .prop_map(|(id, before, bad, after)| {
            let escaped = |s: &str| {
                let quoted = serde_json::to_string(s).expect("a string serialises");
                quoted[1..quoted.len() - 1].to_string()
            };
            let mut bytes =
                format!("{{\"id\":\"{id}\",\"text\":\"{}", escaped(&before)).into_bytes();
            bytes.extend_from_slice(&bad);
            bytes.extend_from_slice(format!("{}\"}}", escaped(&after)).as_bytes());
            let text = format!("{before}{}{after}", "\u{fffd}".repeat(bad.len()));
            Line {
                bytes,
                expect: Expect::Doc {
                    id: Some(id),
                    title: None,
                    text,
                    lossy: true,
                },
            }
        })
        .boxed()
}

/// A record cut short: the object only closes at its last byte, so every shorter prefix is
/// malformed JSON.
fn truncated_line() -> BoxedStrategy<Line> {
    (record(prose(12)), any::<Index>())
        .prop_map(|(r, cut)| {
            let end = 1 + cut.index(r.json.len() - 1);
            Line {
                bytes: r.json.as_bytes()[..end].to_vec(),
                expect: Expect::Record,
            }
        })
        .boxed()
}

fn rejected_line() -> BoxedStrategy<Line> {
    select(REJECTED_LINES)
        .prop_map(|line| Line {
            bytes: line.as_bytes().to_vec(),
            expect: Expect::Record,
        })
        .boxed()
}

fn unsettled_line() -> BoxedStrategy<Line> {
    select(UNSETTLED_LINES)
        .prop_map(|line| Line {
            bytes: line.as_bytes().to_vec(),
            expect: Expect::Any,
        })
        .boxed()
}

/// A line of ASCII whitespace (empty included): no item unless it is over the size limit.
fn blank_line() -> BoxedStrategy<Line> {
    vec(select(BLANK_PIECES), 0..6)
        .prop_map(|pieces| Line {
            bytes: pieces.concat().into_bytes(),
            expect: Expect::Any,
        })
        .boxed()
}

/// Random bytes (NULs, invalid UTF-8, JSON punctuation, lone CRs), without `\n`.
fn garbage_line() -> BoxedStrategy<Line> {
    vec(byte(), 0..80)
        .prop_map(|mut bytes| {
            bytes.retain(|&b| b != b'\n');
            Line {
                bytes,
                expect: Expect::Any,
            }
        })
        .boxed()
}

fn jsonl_line() -> BoxedStrategy<Line> {
    prop_oneof![
        6 => record_line(),
        2 => long_line(),
        2 => lossy_line(),
        3 => blank_line(),
        2 => truncated_line(),
        2 => rejected_line(),
        1 => unsettled_line(),
        2 => garbage_line(),
    ]
    .boxed()
}

/// The contents of a whole-file document (text or HTML).
#[derive(Debug, Clone)]
enum TextFile {
    /// UTF-8, with or without a byte order mark.
    Utf8 { text: String, bom: bool },
    /// UTF-16 with its byte order mark, possibly with one stray byte at the end.
    Utf16 {
        text: String,
        big_endian: bool,
        odd_byte: Option<u8>,
    },
    /// Anything.
    Bytes(Vec<u8>),
}

impl TextFile {
    fn bytes(&self) -> Vec<u8> {
        match self {
            TextFile::Utf8 { text, bom } => {
                let mut bytes = if *bom { BOM.to_vec() } else { Vec::new() };
                bytes.extend_from_slice(text.as_bytes());
                bytes
            }
            TextFile::Utf16 {
                text,
                big_endian,
                odd_byte,
            } => {
                let mut bytes = if *big_endian {
                    vec![0xFE, 0xFF]
                } else {
                    vec![0xFF, 0xFE]
                };
                for unit in text.encode_utf16() {
                    let pair = if *big_endian {
                        unit.to_be_bytes()
                    } else {
                        unit.to_le_bytes()
                    };
                    bytes.extend_from_slice(&pair);
                }
                bytes.extend(odd_byte.iter().copied());
                bytes
            }
            TextFile::Bytes(bytes) => bytes.clone(),
        }
    }

    /// The text the reader must decode and how many warnings it must note; `None` for random bytes
    /// that start like UTF-16, whose decoding is not predicted here.
    fn expected(&self) -> Option<(String, usize)> {
        match self {
            TextFile::Utf8 { text, bom } => {
                let text = if *bom {
                    text.as_str()
                } else {
                    text.strip_prefix('\u{feff}').unwrap_or(text)
                };
                Some((text.to_string(), 0))
            }
            TextFile::Utf16 { text, odd_byte, .. } => {
                let warnings =
                    usize::from(odd_byte.is_some()) + usize::from(text.contains('\u{fffd}'));
                Some((text.clone(), warnings))
            }
            TextFile::Bytes(bytes) => {
                if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
                    return None;
                }
                let body = bytes.strip_prefix(BOM).unwrap_or(bytes);
                let invalid = usize::from(std::str::from_utf8(body).is_err());
                Some((String::from_utf8_lossy(body).into_owned(), invalid))
            }
        }
    }
}

fn text_file(content: BoxedStrategy<String>) -> BoxedStrategy<TextFile> {
    prop_oneof![
        4 => (content.clone(), any::<bool>()).prop_map(|(text, bom)| TextFile::Utf8 { text, bom }),
        2 => (content, any::<bool>(), prop::option::of(any::<u8>())).prop_map(
            |(text, big_endian, odd_byte)| TextFile::Utf16 {
                text,
                big_endian,
                odd_byte,
            }
        ),
        1 => vec(byte(), 0..300).prop_map(TextFile::Bytes),
    ]
    .boxed()
}

/// Ways a gzip file gets damaged.
#[derive(Debug, Clone)]
enum Damage {
    Truncate(Index),
    Flip(Index, u8),
    Append(Vec<u8>),
    Replace(Vec<u8>),
}

impl Damage {
    fn apply(&self, gz: &mut Vec<u8>) {
        match self {
            Damage::Truncate(at) => {
                let len = at.index(gz.len());
                gz.truncate(len);
            }
            Damage::Flip(at, mask) => {
                let i = at.index(gz.len());
                gz[i] ^= *mask;
            }
            Damage::Append(extra) => gz.extend_from_slice(extra),
            Damage::Replace(bytes) => gz.clone_from(bytes),
        }
    }
}

fn gzip_damage() -> BoxedStrategy<Damage> {
    prop_oneof![
        any::<Index>().prop_map(Damage::Truncate),
        (any::<Index>(), 1u8..=255).prop_map(|(at, mask)| Damage::Flip(at, mask)),
        vec(any::<u8>(), 1..64).prop_map(Damage::Append),
        vec(byte(), 0..256).prop_map(Damage::Replace),
    ]
    .boxed()
}

/// A raw document for `prepare`: text, HTML, or long text, with or without an id.
fn raw_document() -> BoxedStrategy<RawDocument> {
    let id = || prop::option::of("[a-z0-9]{1,8}");
    prop_oneof![
        3 => (prose(80), id()).prop_map(|(text, id)| raw_document_of(RawFormat::Text, text, id)),
        3 => (tag_soup(80), id()).prop_map(|(text, id)| raw_document_of(RawFormat::Html, text, id)),
        1 => (long_prose(), id()).prop_map(|(text, id)| raw_document_of(RawFormat::Text, text, id)),
    ]
    .boxed()
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn memory_source() -> SourceRef {
    SourceRef::new("fuzz", None)
}

fn raw_document_of(format: RawFormat, text: String, id: Option<String>) -> RawDocument {
    RawDocument {
        id,
        format,
        ..RawDocument::new(memory_source(), text)
    }
}

fn document(id: &str, text: String) -> Document {
    Document {
        id: id.into(),
        text,
        meta: Default::default(),
        source: memory_source(),
        warnings: vec![],
    }
}

fn write_input(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write the fuzz input");
    path
}

/// Everything a reader over `paths` yields.
fn read_all(paths: &[PathBuf], max_doc_bytes: usize) -> Vec<ReadItem> {
    let files = paths
        .iter()
        .map(|path| InputFile { path: path.clone() })
        .collect();
    let config = ReaderConfig {
        max_doc_bytes,
        ..ReaderConfig::default()
    };
    DocumentReader::new(files, config).collect()
}

fn source_of(item: &ReadItem) -> &SourceRef {
    match item {
        Ok(raw) => &raw.source,
        Err(record) => &record.source,
    }
}

/// The item without its source's path and key (which names the file), to compare items read
/// from different files.
fn without_file(item: ReadItem) -> ReadItem {
    match item {
        Ok(mut raw) => {
            raw.source.path.clear();
            raw.source.key.clear();
            Ok(raw)
        }
        Err(mut record) => {
            record.source.path.clear();
            record.source.key.clear();
            Err(record)
        }
    }
}

/// `bytes` as a gzip file of two members, split at `split`.
fn gzip_members(bytes: &[u8], split: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for part in [&bytes[..split], &bytes[split..]] {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(part).expect("gzip into memory");
        out.extend(gz.finish().expect("gzip into memory"));
    }
    out
}

/// The file's lines as the reader meets them: the byte order mark before the first when `bom`, and
/// `\n` after each but the last (after the last too when `final_newline`).
fn physical_lines(lines: &[Line], bom: bool, final_newline: bool) -> Vec<Vec<u8>> {
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let mut bytes = if i == 0 && bom {
                BOM.to_vec()
            } else {
                Vec::new()
            };
            bytes.extend_from_slice(&line.bytes);
            if i + 1 < lines.len() || final_newline {
                bytes.push(b'\n');
            }
            bytes
        })
        .collect()
}

/// One item the JSONL reader must yield.
struct ExpectedItem<'a> {
    /// 1-based line number.
    line: u64,
    /// The line, `\n` included, is longer than `max_doc_bytes`.
    too_long: bool,
    expect: &'a Expect,
}

/// The items a JSONL file of these lines must give: one per line that is over the size limit
/// (whatever it holds, since the reader does not keep such a line whole) or not blank (ASCII
/// whitespace only, after a first line's byte order mark). An empty last line is the end of file.
fn expected_jsonl<'a>(
    lines: &'a [Line],
    physical: &[Vec<u8>],
    max_doc_bytes: usize,
) -> Vec<ExpectedItem<'a>> {
    let mut out = Vec::new();
    for (i, (line, bytes)) in lines.iter().zip(physical).enumerate() {
        if bytes.is_empty() {
            break;
        }
        let kept: &[u8] = if i == 0 {
            bytes.strip_prefix(BOM).unwrap_or(bytes.as_slice())
        } else {
            bytes
        };
        let too_long = bytes.len() > max_doc_bytes;
        if too_long || !kept.iter().all(u8::is_ascii_whitespace) {
            out.push(ExpectedItem {
                line: i as u64 + 1,
                too_long,
                expect: &line.expect,
            });
        }
    }
    out
}

/// Every item a reader yields has a document key; a skipped record has the `Skipped` status and
/// a reason.
fn check_item_shape(item: &ReadItem) -> Result<(), TestCaseError> {
    prop_assert!(
        !source_of(item).key.is_empty(),
        "item without a document key: {item:?}"
    );
    if let Err(record) = item {
        prop_assert_eq!(record.status, DocStatus::Skipped);
        prop_assert!(
            record
                .reason
                .as_deref()
                .is_some_and(|r| !r.trim().is_empty()),
            "record without a reason: {record:?}"
        );
    }
    Ok(())
}

/// Checks a JSONL file's items against what its lines must give, and prepares every document.
fn check_jsonl_items(
    items: &[ReadItem],
    expected: &[ExpectedItem<'_>],
    path: &Path,
) -> Result<(), TestCaseError> {
    let got: Vec<Option<u64>> = items.iter().map(|item| source_of(item).line).collect();
    let wanted: Vec<Option<u64>> = expected.iter().map(|e| Some(e.line)).collect();
    prop_assert_eq!(&got, &wanted);
    prop_assert!(
        got.windows(2).all(|pair| pair[0] < pair[1]),
        "line numbers not increasing: {got:?}"
    );
    let keys: HashSet<&str> = items
        .iter()
        .map(|item| source_of(item).key.as_str())
        .collect();
    prop_assert!(
        keys.len() == items.len(),
        "two lines of one file share a document key: {keys:?}"
    );
    let path = path.display().to_string();
    for (item, want) in items.iter().zip(expected) {
        prop_assert_eq!(&source_of(item).path, &path);
        check_item_shape(item)?;
        if want.too_long {
            let Err(record) = item else {
                return Err(TestCaseError::fail(format!(
                    "line {} is over the size limit but was read: {item:?}",
                    want.line
                )));
            };
            let reason = record.reason.as_deref().unwrap_or_default();
            prop_assert!(reason.contains("--max-doc-bytes"), "reason: {reason}");
            continue;
        }
        match (item, want.expect) {
            (
                Ok(raw),
                Expect::Doc {
                    id,
                    title,
                    text,
                    lossy,
                },
            ) => {
                prop_assert_eq!(&raw.id, id);
                prop_assert_eq!(&raw.title, title);
                prop_assert_eq!(&raw.text, text);
                prop_assert_eq!(raw.format, RawFormat::Text);
                prop_assert_eq!(raw.warnings.is_empty(), !*lossy);
            }
            (Err(record), Expect::Doc { .. }) => {
                return Err(TestCaseError::fail(format!(
                    "line {} is a good record but was skipped: {record:?}",
                    want.line
                )));
            }
            (Ok(raw), Expect::Record) => {
                return Err(TestCaseError::fail(format!(
                    "line {} is not a good record but was read: {raw:?}",
                    want.line
                )));
            }
            _ => {}
        }
        if let Ok(raw) = item {
            check_prepared(raw)?;
        }
    }
    Ok(())
}

/// Checks a whole-file document (text or HTML) read from a file holding `file`.
fn check_whole_file(
    file: &TextFile,
    name: &str,
    max_doc_bytes: usize,
    format: RawFormat,
) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().expect("temp dir");
    let bytes = file.bytes();
    let path = write_input(dir.path(), name, &bytes);
    let items = read_all(std::slice::from_ref(&path), max_doc_bytes);
    prop_assert_eq!(items.len(), 1);
    let item = &items[0];
    check_item_shape(item)?;
    prop_assert_eq!(&source_of(item).path, &path.display().to_string());
    prop_assert_eq!(source_of(item).line, None);
    match item {
        Err(record) => {
            prop_assert!(
                bytes.len() > max_doc_bytes,
                "{} bytes within the limit of {max_doc_bytes} but skipped: {record:?}",
                bytes.len()
            );
            let reason = record.reason.as_deref().unwrap_or_default();
            prop_assert!(reason.contains("--max-doc-bytes"), "reason: {reason}");
        }
        Ok(raw) => {
            prop_assert!(
                bytes.len() <= max_doc_bytes,
                "{} bytes over the limit of {max_doc_bytes} but read",
                bytes.len()
            );
            prop_assert_eq!(raw.format, format);
            prop_assert!(raw.id.is_none(), "a file gave an id: {raw:?}");
            prop_assert!(raw.title.is_none(), "a file gave a title: {raw:?}");
            if let Some((text, warnings)) = file.expected() {
                prop_assert_eq!(&raw.text, &text);
                prop_assert_eq!(raw.warnings.len(), warnings);
            }
            check_prepared(raw)?;
        }
    }
    Ok(())
}

/// Checks spans into `text` with offsets computed here from `char_indices`: each non-empty, within
/// the text, after the one before (in order, not overlapping), equal to what `TextIndex` slices,
/// trimmed, and without a line break. Returns the slices.
fn check_spans<'t>(text: &'t str, spans: &[Span]) -> Result<Vec<&'t str>, TestCaseError> {
    let starts: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    let byte_of = |c: usize| starts.get(c).copied().unwrap_or(text.len());
    let index = TextIndex::new(text);
    let mut slices = Vec::with_capacity(spans.len());
    let mut last_end = 0;
    for span in spans {
        prop_assert!(
            span.start >= last_end,
            "{span:?} starts before the span before it ends ({last_end})"
        );
        prop_assert!(span.start < span.end, "empty or reversed span {span:?}");
        prop_assert!(
            span.end <= starts.len(),
            "{span:?} ends past the text's {} characters",
            starts.len()
        );
        let slice = &text[byte_of(span.start)..byte_of(span.end)];
        prop_assert_eq!(index.slice(text, *span).ok(), Some(slice));
        prop_assert!(slice.trim() == slice, "{span:?} is not trimmed: {slice:?}");
        prop_assert!(
            !slice.contains('\n'),
            "{span:?} holds a line break: {slice:?}"
        );
        slices.push(slice);
        last_end = span.end;
    }
    Ok(slices)
}

/// Every character of `text` that is not whitespace lies in one of `spans` (already checked to be
/// within the text).
fn check_coverage(text: &str, spans: &[Span]) -> Result<(), TestCaseError> {
    let mut covered = vec![false; text.chars().count()];
    for span in spans {
        covered[span.start..span.end].fill(true);
    }
    for (c, (ch, inside)) in text.chars().zip(covered).enumerate() {
        prop_assert!(
            inside || ch.is_whitespace(),
            "character {c} ({ch:?}) is in no span"
        );
    }
    Ok(())
}

/// Extracted HTML text is paragraphs separated by one blank line, each trimmed, without line breaks
/// and with single spaces only; a headline is non-empty with single spaces.
fn check_extracted(text: &str, headline: Option<&str>) -> Result<(), TestCaseError> {
    if !text.is_empty() {
        for paragraph in text.split("\n\n") {
            prop_assert!(!paragraph.is_empty(), "empty paragraph in {text:?}");
            prop_assert!(
                paragraph.trim() == paragraph,
                "untrimmed paragraph {paragraph:?}"
            );
            prop_assert!(
                paragraph.chars().all(|c| c == ' ' || !c.is_whitespace()),
                "whitespace other than spaces in {paragraph:?}"
            );
            prop_assert!(
                !paragraph.contains("  "),
                "a run of spaces in {paragraph:?}"
            );
        }
    }
    if let Some(headline) = headline {
        let collapsed = headline.split_whitespace().collect::<Vec<_>>().join(" ");
        prop_assert!(
            !headline.is_empty() && collapsed == headline,
            "untidy headline {headline:?}"
        );
    }
    Ok(())
}

/// Cleaned text is NFC, has no carriage returns and no control characters but `\n` and `\t`, no
/// trailing whitespace on any line, no blank line at either end, no run of blank lines, and none of
/// the [`CHROME`] lines.
fn check_clean_form(out: &str) -> Result<(), TestCaseError> {
    prop_assert!(unicode_normalization::is_nfc(out), "not NFC: {out:?}");
    prop_assert!(
        out.chars()
            .all(|c| !c.is_control() || c == '\n' || c == '\t'),
        "control character left in {out:?}"
    );
    prop_assert!(
        !out.starts_with('\n') && !out.ends_with('\n'),
        "blank line at an end of {out:?}"
    );
    prop_assert!(!out.contains("\n\n\n"), "run of blank lines in {out:?}");
    for line in out.split('\n') {
        prop_assert!(line.trim_end() == line, "trailing whitespace on {line:?}");
        let key = line.trim().trim_end_matches(':').trim().to_lowercase();
        prop_assert!(!CHROME.contains(&key.as_str()), "chrome line {line:?} kept");
    }
    Ok(())
}

/// Prepares `raw` and checks the result: the document's text is the cleaned (and for HTML,
/// extracted) text, its id is the given one or the content hash, its title the given one or the
/// page's headline, and its sentences slice back, lie in order without overlapping, cover every
/// non-space character, fit the sentence cap and agree with `sentences_of`. Reading's warnings are
/// kept, and one note is added for HTML nested past the cap and one for over-long sentences cut.
/// A document with no text left is a skipped record saying why.
fn check_prepared(raw: &RawDocument) -> Result<(), TestCaseError> {
    let extracted = match raw.format {
        RawFormat::Text => HtmlText {
            text: raw.text.clone(),
            headline: None,
            meta: Default::default(),
            dropped_tags: 0,
            extractor: Extractor::Rules,
        },
        RawFormat::Html => html_to_text(&raw.text),
    };
    let cleaned = clean_text(&extracted.text);
    match prepare(raw.clone()) {
        Ok(prepared) => {
            let doc = &prepared.doc;
            prop_assert_eq!(&doc.text, &cleaned);
            prop_assert!(!doc.text.is_empty(), "prepared a document without text");
            let id = raw.id.clone().unwrap_or_else(|| content_doc_id(&doc.text));
            prop_assert_eq!(&doc.id, &id);
            prop_assert_eq!(&doc.source, &raw.source);
            // The input's title, else the page's metadata, else its headline.
            let title = raw
                .title
                .clone()
                .or(extracted.meta.title.clone())
                .or(extracted.headline);
            prop_assert_eq!(&doc.meta.title, &title);
            prop_assert!(
                doc.warnings.starts_with(&raw.warnings),
                "reading's warnings lost: {:?} then {:?}",
                raw.warnings,
                doc.warnings
            );
            let spans: Vec<Span> = prepared
                .sentences
                .iter()
                .map(|s| Span {
                    start: s.start,
                    end: s.end,
                })
                .collect();
            let slices = check_spans(&doc.text, &spans)?;
            check_coverage(&doc.text, &spans)?;
            for (sentence, slice) in prepared.sentences.iter().zip(&slices) {
                prop_assert_eq!(sentence.text.as_str(), *slice);
                prop_assert!(
                    sentence.end - sentence.start <= MAX_SENTENCE_CHARS,
                    "sentence of {} characters",
                    sentence.end - sentence.start
                );
            }
            let over_long = split_sentences(&doc.text)
                .iter()
                .any(|s| s.len() > MAX_SENTENCE_CHARS);
            let notes = usize::from(extracted.dropped_tags > 0) + usize::from(over_long);
            prop_assert!(
                doc.warnings.len() == raw.warnings.len() + notes,
                "warnings {:?} after reading's {:?}; tags dropped: {}; sentences cut: {over_long}",
                doc.warnings,
                raw.warnings,
                extracted.dropped_tags
            );
            prop_assert_eq!(sentences_of(doc), prepared.sentences.clone());
        }
        Err(record) => {
            prop_assert!(
                cleaned.is_empty(),
                "skipped a document that cleans to {cleaned:?}: {record:?}"
            );
            prop_assert_eq!(record.status, DocStatus::Skipped);
            let reason = if raw.text.trim().is_empty() {
                "empty document"
            } else {
                "no text left after cleaning"
            };
            prop_assert_eq!(record.reason.as_deref(), Some(reason));
            prop_assert_eq!(&record.doc_id, &raw.id);
            prop_assert_eq!(&record.source, &raw.source);
        }
    }
    Ok(())
}

/// The page `html_to_text` parses: `html` with its nesting capped at `MAX_HTML_DEPTH`.
fn parsed_page(html: &str) -> String {
    cap_nesting(html, MAX_HTML_DEPTH).map_or_else(|| html.to_string(), |(page, _)| page)
}

/// True when `needle` is `haystack` with some bytes removed.
fn is_subsequence(needle: &[u8], haystack: &[u8]) -> bool {
    let mut rest = haystack.iter();
    needle.iter().all(|b| rest.any(|h| h == b))
}

/// True when a text node of the parsed page that is not inside a `<script>` element holds
/// [`MARK`] (inside `<title>`, `<textarea>` or `<style>`, whose content is text, or where a
/// `<script>` start tag was only text).
fn mark_outside_scripts(html: &str) -> bool {
    let page = scraper::Html::parse_document(html);
    page.tree.root().descendants().any(|node| {
        let scraper::Node::Text(text) = node.value() else {
            return false;
        };
        let text: &str = text;
        text.contains(MARK)
            && !node
                .ancestors()
                .any(|a| matches!(a.value(), scraper::Node::Element(e) if e.name() == "script"))
    })
}

// ---------------------------------------------------------------------------------------------
// Readers
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(cases(128))]

    /// A JSONL file of records, long records, records with invalid UTF-8, blank lines, truncated
    /// records, rejected lines and random bytes, with or without a byte order mark and a final
    /// newline, CRLF or LF: one item per line that is not blank (or is over the size limit), with
    /// its line number; good records become exactly their documents, bad lines skipped records
    /// with a reason; every document prepares into sentences that slice back.
    #[test]
    fn fuzz_jsonl_reader_accounts_for_every_line(
        lines in vec(jsonl_line(), 1..40),
        bom in any::<bool>(),
        final_newline in any::<bool>(),
        ext in select(JSONL_EXTS),
        max_doc_bytes in max_doc_bytes(),
    ) {
        let dir = tempfile::tempdir().expect("temp dir");
        let physical = physical_lines(&lines, bom, final_newline);
        let path = write_input(dir.path(), &format!("input.{ext}"), &physical.concat());
        let items = read_all(std::slice::from_ref(&path), max_doc_bytes);
        let expected = expected_jsonl(&lines, &physical, max_doc_bytes);
        check_jsonl_items(&items, &expected, &path)?;
    }

    /// A text or Markdown file (UTF-8 with or without a byte order mark, UTF-16 either way round
    /// with or without a stray last byte, or random bytes): exactly one item, without a line
    /// number; over the size limit a skipped record, else the decoded text with one warning per
    /// repair; preparing it gives sentences that slice back.
    #[test]
    fn fuzz_text_reader_yields_one_document_per_file(
        file in text_file(prose(60)),
        ext in select(TEXT_EXTS),
        max_doc_bytes in max_doc_bytes(),
    ) {
        check_whole_file(&file, &format!("doc.{ext}"), max_doc_bytes, RawFormat::Text)?;
    }
}

proptest! {
    #![proptest_config(cases(96))]

    /// An HTML file of tag soup, encoded as the text files are: exactly one item, the page as
    /// decoded (format HTML); preparing it extracts, cleans and splits with offsets that slice
    /// back.
    #[test]
    fn fuzz_html_reader_yields_one_page_per_file(
        file in text_file(tag_soup(60)),
        ext in select(HTML_EXTS),
        max_doc_bytes in max_doc_bytes(),
    ) {
        check_whole_file(&file, &format!("page.{ext}"), max_doc_bytes, RawFormat::Html)?;
    }
}

proptest! {
    #![proptest_config(cases(64))]

    /// The same JSONL bytes read from a gzip file of two members (split anywhere) give the same
    /// items as read from the plain file.
    #[test]
    fn fuzz_gzipped_jsonl_reads_like_plain_jsonl(
        lines in vec(jsonl_line(), 1..30),
        bom in any::<bool>(),
        final_newline in any::<bool>(),
        split in any::<Index>(),
        max_doc_bytes in max_doc_bytes(),
    ) {
        let bytes = physical_lines(&lines, bom, final_newline).concat();
        let dir = tempfile::tempdir().expect("temp dir");
        let plain = write_input(dir.path(), "a.jsonl", &bytes);
        let gz = gzip_members(&bytes, split.index(bytes.len() + 1));
        let gz = write_input(dir.path(), "a.jsonl.gz", &gz);
        let from_plain: Vec<ReadItem> =
            read_all(&[plain], max_doc_bytes).into_iter().map(without_file).collect();
        let from_gz: Vec<ReadItem> =
            read_all(&[gz], max_doc_bytes).into_iter().map(without_file).collect();
        prop_assert_eq!(from_plain, from_gz);
    }

    /// A damaged gzip file (truncated, a byte flipped, garbage appended, or random bytes) read as
    /// `.jsonl.gz` and then as `.txt.gz`: no panic; the JSONL items have increasing line numbers,
    /// a read error ends that file, and the text file after it still gives its one item.
    #[test]
    fn fuzz_damaged_gzip_is_recorded_and_reading_goes_on(
        lines in vec(jsonl_line(), 1..20),
        damage in gzip_damage(),
        max_doc_bytes in max_doc_bytes(),
    ) {
        let bytes = physical_lines(&lines, false, true).concat();
        let mut gz = gzip_members(&bytes, bytes.len() / 2);
        damage.apply(&mut gz);
        let dir = tempfile::tempdir().expect("temp dir");
        let jsonl = write_input(dir.path(), "a.jsonl.gz", &gz);
        let text = write_input(dir.path(), "b.txt.gz", &gz);
        let items = read_all(&[jsonl.clone(), text.clone()], max_doc_bytes);
        let Some((last, jsonl_items)) = items.split_last() else {
            return Err(TestCaseError::fail("no item at all, not even the text file's"));
        };
        prop_assert_eq!(&source_of(last).path, &text.display().to_string());
        prop_assert_eq!(source_of(last).line, None);
        check_item_shape(last)?;
        let jsonl_path = jsonl.display().to_string();
        let mut previous = 0;
        for (k, item) in jsonl_items.iter().enumerate() {
            check_item_shape(item)?;
            let source = source_of(item);
            prop_assert_eq!(&source.path, &jsonl_path);
            let line = source.line.unwrap_or(0);
            prop_assert!(line > previous, "line {line} after line {previous}");
            previous = line;
            if let Err(record) = item {
                let read_error = record
                    .reason
                    .as_deref()
                    .is_some_and(|r| r.starts_with("read error"));
                prop_assert!(
                    !read_error || k + 1 == jsonl_items.len(),
                    "items after a read error: {jsonl_items:?}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// HTML extraction
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(cases(64))]

    /// Tag soup behind up to 1,500 unclosed start tags: extraction gives tidy paragraphs and a
    /// tidy headline, and preparing the page gives sentences that slice back.
    #[test]
    fn fuzz_html_to_text_gives_tidy_paragraphs(html in nested_soup()) {
        let extracted = html_to_text(&html);
        check_extracted(&extracted.text, extracted.headline.as_deref())?;
        check_prepared(&raw_document_of(RawFormat::Html, html, None))?;
    }
}

proptest! {
    #![proptest_config(cases(256))]

    /// Capping the nesting only replaces tags by empty comments (without those the result is a
    /// subsequence of the page, and there is one more per tag dropped), and leaves a page within
    /// the cap: capping it again with the same cap finds nothing to remove.
    #[test]
    fn fuzz_cap_nesting_leaves_a_page_within_the_cap(
        html in prop_oneof![tag_soup(120), nested_soup()],
        cap in prop_oneof![0usize..12, Just(MAX_HTML_DEPTH)],
    ) {
        if let Some((page, dropped)) = cap_nesting(&html, cap) {
            prop_assert!(dropped > 0, "capped without dropping a tag");
            let bare = |s: &str| s.replace("<!---->", "");
            prop_assert!(
                is_subsequence(bare(&page).as_bytes(), bare(&html).as_bytes()),
                "capping added to the page: {page:?}"
            );
            let comments = |s: &str| s.matches("<!---->").count();
            prop_assert_eq!(comments(&page), comments(&html) + dropped);
            let again = cap_nesting(&page, cap);
            prop_assert!(
                again.is_none(),
                "the page capped at {cap} is still over the cap: {page:?} gives {again:?}"
            );
        }
    }
}

proptest! {
    #![proptest_config(cases(32))]

    /// Text inside up to 4,000 nested blocks, inline and formatting elements, closed or left
    /// open, is extracted whole, followed by the paragraph after it; the tags nested past
    /// `MAX_HTML_DEPTH` are counted as dropped.
    #[test]
    fn fuzz_html_deep_nesting_keeps_the_inner_text(
        tags in vec(select(NEST_TAGS), 0..4000),
        closed in any::<bool>(),
    ) {
        let mut html = String::new();
        for tag in &tags {
            html.push('<');
            html.push_str(tag);
            html.push('>');
        }
        html.push_str("Deep words.");
        if closed {
            for tag in tags.iter().rev() {
                html.push_str("</");
                html.push_str(tag);
                html.push('>');
            }
        }
        html.push_str("<p>After.</p>");
        let extracted = html_to_text(&html);
        prop_assert_eq!(extracted.text.as_str(), "Deep words.\n\nAfter.");
        prop_assert!(
            extracted.headline.is_none(),
            "headline {:?}",
            extracted.headline
        );
        // Start tags past the cap are dropped, and as many end tags when the page closes them.
        let excess = tags.len().saturating_sub(MAX_HTML_DEPTH);
        let dropped = if closed { 2 * excess } else { excess };
        prop_assert_eq!(extracted.dropped_tags, dropped);
    }
}

proptest! {
    #![proptest_config(cases(256))]

    /// The text of `<script>` elements never reaches the extracted text (checked whenever
    /// [`MARK`] is in no text node outside a script in the page as parsed).
    #[test]
    fn fuzz_html_text_never_contains_script_text(html in script_soup()) {
        let text = html_to_text(&html).text;
        if !mark_outside_scripts(&parsed_page(&html)) {
            prop_assert!(!text.contains(MARK), "script text extracted: {text:?}");
        }
    }

    /// The text of `<script>` elements never reaches the headline either (same condition).
    #[test]
    fn fuzz_html_headline_never_contains_script_text(html in script_soup()) {
        let headline = html_to_text(&html).headline;
        if !mark_outside_scripts(&parsed_page(&html)) {
            prop_assert!(
                !headline.as_deref().unwrap_or_default().contains(MARK),
                "script text in the headline {headline:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Cleaning, splitting, preparing
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(cases(256))]

    /// Cleaning gives text in the form its documentation promises, whatever the input.
    #[test]
    fn fuzz_clean_text_output_is_in_clean_form(raw in cleaner_input()) {
        check_clean_form(&clean_text(&raw))?;
    }

    /// Cleaning cleaned text changes nothing.
    #[test]
    fn fuzz_clean_text_is_idempotent(raw in cleaner_input()) {
        let once = clean_text(&raw);
        let twice = clean_text(&once);
        prop_assert_eq!(&twice, &once);
    }

    /// Sentence spans (character offsets) slice back to trimmed text without line breaks, lie in
    /// order without overlapping, and cover every character that is not whitespace.
    #[test]
    fn fuzz_split_sentences_slice_back_in_order_and_cover_the_text(text in prose(120)) {
        let spans = split_sentences(&text);
        check_spans(&text, &spans)?;
        check_coverage(&text, &spans)?;
    }

    /// Capping cuts exactly the sentences longer than the cap, into pieces that fit it, lie inside
    /// the sentence they came from, slice back, and together keep every non-space character in
    /// order.
    #[test]
    fn fuzz_sentence_cap_pieces_fit_and_keep_every_character(
        text in capped_prose(),
        max in 0usize..80,
    ) {
        let spans = split_sentences(&text);
        let (pieces, cut) = cap_sentence_spans(&text, spans.clone(), max);
        let cap = max.max(1);
        prop_assert_eq!(cut, spans.iter().filter(|s| s.len() > cap).count());
        if cut == 0 {
            prop_assert_eq!(&pieces, &spans);
        }
        check_spans(&text, &pieces)?;
        for piece in &pieces {
            prop_assert!(piece.len() <= cap, "{piece:?} is longer than {cap}");
            prop_assert!(
                spans.iter().any(|s| s.contains(piece)),
                "{piece:?} crosses a sentence boundary"
            );
        }
        let chars: Vec<char> = text.chars().collect();
        let visible = |spans: &[Span]| -> String {
            spans
                .iter()
                .flat_map(|s| chars[s.start..s.end].iter())
                .filter(|c| !c.is_whitespace())
                .collect()
        };
        prop_assert_eq!(visible(pieces.as_slice()), visible(spans.as_slice()));
    }
}

proptest! {
    #![proptest_config(cases(128))]

    /// `prepare` on text, tag soup and long text, with and without an id: see `check_prepared`.
    #[test]
    fn fuzz_prepare_gives_sentences_that_slice_back(raw in raw_document()) {
        check_prepared(&raw)?;
    }

    /// The same words with any whitespace between them are a duplicate of the first document;
    /// other words are not. An id used again for other words is noted in that document's
    /// warnings; used again for the same words (a duplicate), it is not.
    #[test]
    fn fuzz_duplicate_filter_ignores_whitespace_layout(
        words in vec("[A-Za-z0-9\u{e9}\u{fc}.,'-]{1,8}", 1..20),
        gaps in vec(select(GAPS), 21),
    ) {
        let single = words.join(" ");
        let mut spread = gaps[0].to_string();
        for (word, gap) in words.iter().zip(&gaps[1..]) {
            spread.push_str(word);
            spread.push_str(gap);
        }
        let mut filter = DuplicateFilter::new();
        let seen = filter.check(&mut document("first", single.clone()));
        prop_assert!(seen.is_none(), "first copy is a duplicate: {seen:?}");

        let mut copy = document("second", spread.clone());
        let Some(record) = filter.check(&mut copy) else {
            return Err(TestCaseError::fail("the same words spaced otherwise are not a duplicate"));
        };
        prop_assert_eq!(record.status, DocStatus::Duplicate);
        prop_assert_eq!(record.doc_id.as_deref(), Some("second"));
        prop_assert!(
            record.reason.as_deref().is_some_and(|r| r.contains("document first")),
            "{record:?}"
        );
        prop_assert!(copy.warnings.is_empty(), "{:?}", copy.warnings);

        let mut other = document("first", format!("{single} \u{a7}"));
        let seen = filter.check(&mut other);
        prop_assert!(seen.is_none(), "a different text is a duplicate: {seen:?}");
        prop_assert_eq!(other.warnings.len(), 1);

        let mut again = document("first", spread);
        let seen = filter.check(&mut again);
        prop_assert!(seen.is_some(), "the first text again is not a duplicate");
        prop_assert!(again.warnings.is_empty(), "{:?}", again.warnings);
    }
}

// ---------------------------------------------------------------------------------------------
// Offsets
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(cases(256))]

    /// `TextIndex` agrees with std's `char_indices` for every character offset (valid or past the
    /// end), every byte offset (on a boundary, inside a character, past the end), byte ranges and
    /// character spans (reversed and out of range included: errors, never panics).
    #[test]
    fn fuzz_text_index_agrees_with_std_offsets(
        text in prose(40),
        bytes in vec(any::<usize>(), 0..24),
        pairs in vec((any::<usize>(), any::<usize>()), 0..24),
    ) {
        let index = TextIndex::new(&text);
        let starts: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        let n = starts.len();
        let byte_of = |c: usize| match starts.get(c) {
            Some(&b) => Some(b),
            None if c == n => Some(text.len()),
            None => None,
        };
        prop_assert_eq!(index.char_len(), n);
        for c in 0..n + 3 {
            prop_assert_eq!(index.byte_of_char(c), byte_of(c));
        }
        for b in bytes.iter().map(|b| b % (text.len() + 4)) {
            let char_of = text
                .is_char_boundary(b)
                .then(|| starts.partition_point(|&s| s < b));
            prop_assert_eq!(index.char_of_byte(b), char_of);
            let containing = if b >= text.len() {
                n
            } else {
                starts.partition_point(|&s| s <= b) - 1
            };
            prop_assert_eq!(index.char_at_or_before_byte(b), containing);
        }
        for (a, b) in pairs.iter().map(|(a, b)| (a % (text.len() + 4), b % (text.len() + 4))) {
            let (lo, hi) = (a.min(b), a.max(b));
            let span = index.span_of_bytes(lo, hi);
            if text.is_char_boundary(lo) && text.is_char_boundary(hi) {
                let Some(span) = span else {
                    return Err(TestCaseError::fail(format!("no span for bytes {lo}..{hi}")));
                };
                prop_assert_eq!(index.slice(&text, span).ok(), Some(&text[lo..hi]));
                prop_assert_eq!(index.bytes_of_span(span).ok(), Some(lo..hi));
            } else {
                prop_assert_eq!(span, None);
            }
        }
        for (start, end) in pairs.iter().map(|(a, b)| (a % (n + 3), b % (n + 3))) {
            let span = Span { start, end };
            let valid = (start..=n).contains(&end);
            match index.bytes_of_span(span) {
                Ok(range) => {
                    prop_assert!(valid, "{span:?} accepted for a text of {n} characters");
                    let expected: String = text.chars().skip(start).take(end - start).collect();
                    prop_assert_eq!(&text[range.clone()], expected.as_str());
                    prop_assert_eq!(index.slice(&text, span).ok(), Some(expected.as_str()));
                    prop_assert_eq!(index.span_of_bytes(range.start, range.end), Some(span));
                    prop_assert_eq!(span.len(), end - start);
                    prop_assert_eq!(span.is_empty(), start == end);
                }
                Err(err) => {
                    prop_assert!(!valid, "{span:?} rejected for a text of {n} characters");
                    prop_assert!(index.slice(&text, span).is_err(), "slice took {span:?}");
                    let named = matches!(
                        err,
                        claimex_core::Error::SpanOutOfRange { start: s, end: e, len }
                            if s == start && e == end && len == n
                    );
                    prop_assert!(named, "{err:?} for {span:?}");
                }
            }
        }
    }
}
