use claimex_core::DocumentMeta;
use ego_tree::iter::Edge;
use scraper::{Html, Node};

/// Elements whose content is never article text.
const SKIPPED: &[&str] = &[
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "select",
    "option",
    "iframe",
    "svg",
    "canvas",
    "figure",
    "figcaption",
];

/// Elements whose content a browser never shows as text.
const NOT_RENDERED: &[&str] = &["script", "style", "noscript", "template"];

/// Whether a text node is the content of a script, style or other element never shown.
pub(crate) fn in_script(node: ego_tree::NodeRef<'_, Node>) -> bool {
    node.parent()
        .and_then(|p| p.value().as_element().map(|el| el.name()))
        .is_some_and(|name| NOT_RENDERED.contains(&name))
}

/// Elements that start a new paragraph (line) in the extracted text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "tr",
    "table",
    "dd",
    "dt",
    "dl",
    "br",
    "hr",
    "address",
];

/// Deepest element nesting kept when reading HTML. html5ever checks the stack of open elements
/// on every start tag, so a page nested 100,000 deep parses in quadratic time; tags below this
/// depth are dropped before parsing (their text is kept), which keeps parsing linear.
pub const MAX_HTML_DEPTH: usize = 256;

/// Text extracted from an HTML page by [`html_to_text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlText {
    /// The article text: paragraphs separated by blank lines.
    pub text: String,
    /// The `<title>`, else the first `<h1>` with text.
    pub headline: Option<String>,
    /// What the page's metadata says of it ([`crate::meta::html_meta`]).
    pub meta: DocumentMeta,
    /// Tags dropped because they were nested deeper than [`MAX_HTML_DEPTH`].
    pub dropped_tags: usize,
    /// Which of the two ways of finding the article gave `text`.
    pub extractor: Extractor,
}

/// How [`html_to_text`] found a page's article text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extractor {
    /// Readability's scoring (`dom_smoothie`, a port of Mozilla's Readability) picked the
    /// article's container from the page with its chrome already taken out; the text is then
    /// read from that container by the rules.
    Readability,
    /// The whole page, read by the rules alone: pages Readability does not judge to be an
    /// article (too little text in paragraphs), or where it finds nothing.
    Rules,
}

/// Pages with more elements than this skip Readability (its scoring walks the tree several
/// times and copies it per attempt) and are read by the rules alone.
pub const MAX_READABILITY_ELEMENTS: usize = 100_000;

/// Text of an HTML page. Page chrome ([`crate::chrome`]: ads, cookie notices, share bars,
/// bylines, link lists, hidden elements) and the page's `<h1>` are taken out first; when
/// Readability then judges the page to be an article, its container is found by Readability's
/// scoring ([`Extractor::Readability`]); otherwise the whole page is read, chrome still left out
/// ([`Extractor::Rules`]). Either way the text is then read by the same rules, through html5ever
/// (`scraper`): scripts, styles, navigation, headers, footers, asides and forms dropped; block
/// elements become line breaks; runs of spaces inside a block folded. Also returns the page's
/// `<title>` (else its first `<h1>` with text) as the headline, and its metadata. Nesting is
/// capped at [`MAX_HTML_DEPTH`] before parsing ([`cap_nesting`]), which keeps parsing linear,
/// and one pass over the tree gathers the headline however headings nest.
pub fn html_to_text(html: &str) -> HtmlText {
    let capped = cap_nesting(html, MAX_HTML_DEPTH);
    let page = capped.as_ref().map_or(html, |(page, _)| page.as_str());
    let mut doc = Html::parse_document(page);
    let meta = crate::meta::html_meta(&doc);
    // Chrome is found on the page as written, class names and all, and taken out before
    // Readability sees the page: Readability rewrites the elements it keeps and drops their
    // classes, and it leaves ads, bylines and bios inside the article's container.
    let chrome = crate::chrome::chrome_nodes(&doc);
    let (whole, headline) = read_text(&doc, &chrome);
    // The page's <h1> is its headline, which the document keeps as its title; Readability would
    // keep it in the article as an <h2>.
    let headings: Vec<_> = doc
        .tree
        .nodes()
        .filter(|n| n.value().as_element().is_some_and(|el| el.name() == "h1"))
        .map(|n| n.id())
        .collect();
    for id in chrome.iter().chain(&headings) {
        if let Some(mut node) = doc.tree.get_mut(*id) {
            node.detach();
        }
    }
    let article = readable_article(&doc.html())
        .map(|content| {
            let article = Html::parse_document(&content);
            read_text(&article, &crate::chrome::chrome_nodes(&article)).0
        })
        .filter(|text| !text.is_empty());
    let (text, extractor) = match article {
        Some(text) => (text, Extractor::Readability),
        None => (whole, Extractor::Rules),
    };
    HtmlText {
        text,
        headline,
        meta,
        dropped_tags: capped.map_or(0, |(_, dropped)| dropped),
        extractor,
    }
}

/// The HTML of `page`'s article as Readability finds it, or `None` when the page does not look
/// like an article to it (`is_probably_readable`: too little text in paragraphs), has more than
/// [`MAX_READABILITY_ELEMENTS`] elements, or yields nothing.
fn readable_article(page: &str) -> Option<String> {
    let config = dom_smoothie::Config {
        max_elements_to_parse: MAX_READABILITY_ELEMENTS,
        ..Default::default()
    };
    let mut readability = dom_smoothie::Readability::new(page, None, Some(config)).ok()?;
    if !readability.is_probably_readable() {
        return None;
    }
    let article = readability.parse().ok()?;
    Some(article.content.to_string())
}

/// Elements that never have content, so never deepen the nesting.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
    "source", "track", "wbr",
];

/// Elements a parser closes itself when a sibling starts (`<p>`, `<li>`, table cells): left
/// uncounted, since a page of a thousand unclosed paragraphs is not nested a thousand deep.
const CLOSED_BY_SIBLINGS: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup",
    "colgroup", "rb", "rt", "rp",
];

/// Elements whose content is raw text up to their end tag (no tags inside).
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
];

/// The page with every start tag deeper than `cap` open elements (and the end tags that close
/// them) replaced by an empty comment, and how many tags were replaced; `None` when the page is within the cap and is
/// kept as it is. A linear scan that counts open elements: comments, doctypes and the content of
/// raw-text elements (scripts, styles) are passed over; void, self-closed and raw-text elements
/// and elements closed by their siblings are not counted, so never dropped. Text is never
/// removed; the content of a dropped `<nav>` or `<aside>` below the cap is read as text.
pub fn cap_nesting(html: &str, cap: usize) -> Option<(String, usize)> {
    let bytes = html.as_bytes();
    let mut out: Option<String> = None;
    let mut kept_from = 0; // start of the input not yet copied to `out`
    let (mut depth, mut excess, mut dropped) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while let Some(offset) = memchr_lt(&bytes[i..]) {
        let start = i + offset;
        let Some(tag) = Tag::at(bytes, start) else {
            i = start + 1;
            continue;
        };
        i = tag.end;
        let Some(name) = tag.name else { continue };
        let counted = !tag.self_closing
            && ![VOID, CLOSED_BY_SIBLINGS, RAW_TEXT]
                .iter()
                .any(|names| names.contains(&name.as_str()));
        let drop = match (tag.closing, counted) {
            (_, false) => false,
            (false, true) if depth < cap => {
                depth += 1;
                false
            }
            (false, true) => {
                excess += 1;
                true
            }
            (true, true) if excess > 0 => {
                excess -= 1;
                true
            }
            (true, true) => {
                depth = depth.saturating_sub(1);
                false
            }
        };
        if drop {
            let page = out.get_or_insert_with(|| String::with_capacity(html.len()));
            page.push_str(&html[kept_from..start]);
            // An empty comment, not nothing: a `<` or `&` of the text before the tag must not
            // join the text after it into a new tag or entity.
            page.push_str(EMPTY_COMMENT);
            kept_from = tag.end;
            dropped += 1;
        }
        if !tag.closing && RAW_TEXT.contains(&name.as_str()) {
            i = raw_text_end(bytes, i, &name);
        }
    }
    out.map(|mut page| {
        page.push_str(&html[kept_from..]);
        (page, dropped)
    })
}

/// What a dropped tag is replaced by.
const EMPTY_COMMENT: &str = "<!---->";

fn memchr_lt(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'<')
}

/// One markup construct starting at a `<`.
struct Tag {
    /// Lower-cased element name; `None` for comments, doctypes and processing instructions.
    name: Option<String>,
    closing: bool,
    self_closing: bool,
    /// Index just past the construct.
    end: usize,
}

impl Tag {
    /// The construct at `bytes[start] == b'<'`, or `None` when the `<` is text.
    fn at(bytes: &[u8], start: usize) -> Option<Tag> {
        let rest = &bytes[start..];
        let find = |from: usize, needle: &[u8]| {
            rest[from.min(rest.len())..]
                .windows(needle.len())
                .position(|w| w == needle)
                .map_or(bytes.len(), |p| start + from + p + needle.len())
        };
        if rest.starts_with(b"<!--") {
            return Some(Tag::other(find(4, b"-->")));
        }
        if rest.len() > 1 && matches!(rest[1], b'!' | b'?') {
            return Some(Tag::other(find(2, b">")));
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_start = 1 + usize::from(closing);
        if !rest.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            return None;
        }
        let name_len = rest[name_start..]
            .iter()
            .position(|b| b.is_ascii_whitespace() || matches!(b, b'/' | b'>'))
            .unwrap_or(rest.len() - name_start);
        let name =
            String::from_utf8_lossy(&rest[name_start..name_start + name_len]).to_ascii_lowercase();
        // Attributes up to the closing `>`; a `>` inside a quoted value does not close the tag.
        let mut quote: Option<u8> = None;
        let mut after_equals = false;
        let mut k = name_start + name_len;
        while k < rest.len() {
            let b = rest[k];
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'>' => break,
                None if after_equals && (b == b'"' || b == b'\'') => quote = Some(b),
                None => {}
            }
            if !b.is_ascii_whitespace() {
                after_equals = quote.is_none() && b == b'=';
            }
            k += 1;
        }
        let self_closing = k > 0 && k < rest.len() && rest[k - 1] == b'/';
        Some(Tag {
            name: Some(name),
            closing,
            self_closing,
            end: (start + k + 1).min(bytes.len()),
        })
    }

    fn other(end: usize) -> Tag {
        Tag {
            name: None,
            closing: false,
            self_closing: false,
            end,
        }
    }
}

/// Where the raw text of a `name` element that starts at `from` ends: at its end tag (matched
/// without regard to case), or at the end of the page.
fn raw_text_end(bytes: &[u8], from: usize, name: &str) -> usize {
    let mut i = from;
    while let Some(offset) = memchr_lt(&bytes[i..]) {
        let at = i + offset;
        let tail = &bytes[at..];
        if tail.len() >= name.len() + 2
            && tail[1] == b'/'
            && tail[2..2 + name.len()].eq_ignore_ascii_case(name.as_bytes())
        {
            return at;
        }
        i = at + 1;
    }
    bytes.len()
}

/// The text of a parsed page without the elements in `chrome` (and their content), and its
/// headline.
fn read_text(
    doc: &Html,
    chrome: &std::collections::HashSet<ego_tree::NodeId>,
) -> (String, Option<String>) {
    let mut out = String::new();
    let mut skipping: Option<ego_tree::NodeId> = None;
    let mut title: Option<String> = None;
    let mut h1: Option<String> = None;
    // The <title> or <h1> whose text is being gathered, and the text so far.
    let mut heading: Option<(ego_tree::NodeId, bool, String)> = None;
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => {
                // Text inside the heading, but not inside a script or other skipped element
                // within it (a <title>, or a heading that is page chrome, is skipped itself,
                // and gathered; never the text of a script right inside it).
                if let (Node::Text(text), Some((id, _, gathered))) =
                    (node.value(), heading.as_mut())
                {
                    if !in_script(node) && (skipping.is_none() || skipping == Some(*id)) {
                        gathered.push_str(text);
                    }
                }
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Element(el) => {
                        let name = el.name();
                        let wanted = match name {
                            "title" => title.is_none(),
                            "h1" => h1.is_none(),
                            _ => false,
                        };
                        if wanted && heading.is_none() {
                            heading = Some((node.id(), name == "title", String::new()));
                        }
                        if SKIPPED.contains(&name) || name == "title" || chrome.contains(&node.id())
                        {
                            skipping = Some(node.id());
                        } else if BLOCKS.contains(&name) {
                            out.push('\n');
                        }
                    }
                    Node::Text(text) => push_inline(&mut out, text),
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if let Some((_, is_title, gathered)) =
                    heading.take_if(|(id, _, _)| *id == node.id())
                {
                    let text = collapse(&gathered);
                    let slot = if is_title { &mut title } else { &mut h1 };
                    if slot.is_none() && !text.is_empty() {
                        *slot = Some(text);
                    }
                }
                if skipping == Some(node.id()) {
                    skipping = None;
                } else if let Node::Element(el) = node.value() {
                    if skipping.is_none() && BLOCKS.contains(&el.name()) {
                        out.push('\n');
                    }
                }
            }
        }
    }
    let text = out
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    (text, title.or(h1))
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Appends inline text, folding whitespace runs (HTML source line breaks are not text breaks).
fn push_inline(out: &mut String, text: &str) {
    for (i, piece) in text.split(char::is_whitespace).enumerate() {
        if i > 0 && !out.ends_with([' ', '\n']) && !out.is_empty() {
            out.push(' ');
        }
        out.push_str(piece);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html><html><head><title>Astana talks end</title>
<style>p { color: red }</style><script>var x = "not text";</script></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<header>Daily Planet</header>
<article><h1>Astana talks end</h1>
<p>Kazakhstan and   Israel
signed a <b>trade</b> accord on Monday.</p>
<p>Officials said more deals would follow.<br>Markets rose.</p>
<aside>Related: other stories</aside></article>
<footer>© 2026 Daily Planet</footer></body></html>"#;

    #[test]
    fn keeps_article_paragraphs_and_drops_page_chrome() {
        let text = html_to_text(PAGE).text;
        assert_eq!(
            text,
            "Astana talks end\n\nKazakhstan and Israel signed a trade accord on Monday.\n\nOfficials said more deals would follow.\n\nMarkets rose."
        );
    }

    #[test]
    fn takes_the_title_as_headline() {
        assert_eq!(
            html_to_text(PAGE).headline.as_deref(),
            Some("Astana talks end")
        );
    }

    #[test]
    fn decodes_entities_and_survives_broken_markup() {
        let text = html_to_text("<p>AT&amp;T &lt;3 Caf&eacute;<p>Unclosed <i>italic").text;
        assert_eq!(text, "AT&T <3 Café\n\nUnclosed italic");
    }

    #[test]
    fn headline_is_the_first_heading_with_text_when_there_is_no_title() {
        let page = "<body><h1> </h1><p>Body.</p><h1><span>Real</span> <b>headline</b></h1><h1>Later</h1></body>";
        let HtmlText { text, headline, .. } = html_to_text(page);
        assert_eq!(headline.as_deref(), Some("Real headline"));
        assert_eq!(text, "Body.\n\nReal headline\n\nLater");
    }

    #[test]
    fn deeply_nested_headings_keep_the_outermost_text() {
        let page = format!(
            "<h1>{}Deep{}</h1><p>After.</p>",
            "<span>".repeat(5_000),
            "</span>".repeat(5_000)
        );
        let HtmlText { text, headline, .. } = html_to_text(&page);
        assert_eq!(headline.as_deref(), Some("Deep"));
        assert_eq!(text, "Deep\n\nAfter.");
    }

    #[test]
    fn nesting_below_the_cap_is_dropped_and_its_text_kept() {
        let deep = 100_000;
        let page = format!(
            "<title>T</title><div>{}Deep <b>text</b>.{}</div><p>After.</p><script>var a = '<div>';</script>",
            "<div>".repeat(deep),
            "</div>".repeat(deep)
        );
        let html = html_to_text(&page);
        assert_eq!(html.text, "Deep text.\n\nAfter.");
        assert_eq!(html.headline.as_deref(), Some("T"));
        // Every start tag past the cap (the outer <div>, then 100,000 more, then <b>) and its end tag.
        assert_eq!(html.dropped_tags, 2 * (deep + 2 - MAX_HTML_DEPTH));
    }

    #[test]
    fn pages_within_the_cap_are_parsed_unchanged() {
        let page = format!("{}x{}", "<section>".repeat(200), "</section>".repeat(200));
        assert_eq!(cap_nesting(&page, MAX_HTML_DEPTH), None);
        assert_eq!(cap_nesting(PAGE, MAX_HTML_DEPTH), None);
        // Unclosed paragraphs, void and self-closed elements do not deepen the nesting.
        let flat = "<p>a<br><img src=x><span/>".repeat(1_000);
        assert_eq!(cap_nesting(&flat, 8), None);
    }

    #[test]
    fn the_scan_reads_quotes_comments_and_raw_text_as_html_does() {
        // A `>` in a quoted attribute, comments and script text hold no tags to count.
        let page = r#"<a title="x>y"><!-- <b><b><b> --><script>"<i><i><i>"</script><u>t</u></a>"#;
        let (capped, dropped) = cap_nesting(page, 1).unwrap();
        assert_eq!(dropped, 2);
        assert_eq!(
            capped,
            r#"<a title="x>y"><!-- <b><b><b> --><script>"<i><i><i>"</script><!---->t<!----></a>"#
        );
        assert_eq!(html_to_text(&capped).text, "t");
    }

    #[test]
    fn a_dropped_tag_never_joins_the_text_around_it_into_markup() {
        // Dropping <i> must not turn "<" + "x>" into a tag, nor "&" + "amp;" into an entity.
        let (capped, dropped) = cap_nesting("<b><<i>x> &<i>amp;</b>", 1).unwrap();
        // Both <i> and, by the depth count, the </b> after them.
        assert_eq!(dropped, 3);
        assert_eq!(html_to_text(&capped).text, "<x> &amp;");
        assert_eq!(cap_nesting(&capped, 1), None);
    }

    #[test]
    fn script_text_inside_a_heading_is_not_the_headline() {
        let html = html_to_text("<h1><script>var x;</script>Real</h1><p>Body.</p>");
        assert_eq!(html.headline.as_deref(), Some("Real"));
        assert_eq!(html_to_text("<h1><script>var x;").headline, None);
    }
}
