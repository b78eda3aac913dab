use ego_tree::iter::Edge;
use scraper::{Html, Node};

/// Elements whose content is never article text.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "button", "select", "option", "iframe", "svg", "canvas", "figure",
];

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
    "figcaption",
];

/// Text of an HTML page, parsed with html5ever (through `scraper`): scripts, styles, navigation,
/// headers, footers, asides and forms dropped; block elements become line breaks; runs of spaces
/// inside a block folded. Also returns the `<title>` (else the first `<h1>` with text) as the
/// headline. One pass over the tree: the headline's text is gathered while passing through it, so
/// time stays linear however headings nest.
pub fn html_to_text(html: &str) -> (String, Option<String>) {
    let doc = Html::parse_document(html);
    let mut out = String::new();
    let mut skipping: Option<ego_tree::NodeId> = None;
    let mut title: Option<String> = None;
    let mut h1: Option<String> = None;
    // The <title> or <h1> whose text is being gathered, and the text so far.
    let mut heading: Option<(ego_tree::NodeId, bool, String)> = None;
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => {
                if let (Node::Text(text), Some((_, _, gathered))) = (node.value(), heading.as_mut())
                {
                    gathered.push_str(text);
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
                        if SKIPPED.contains(&name) || name == "title" {
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
        let (text, _) = html_to_text(PAGE);
        assert_eq!(
            text,
            "Astana talks end\n\nKazakhstan and Israel signed a trade accord on Monday.\n\nOfficials said more deals would follow.\n\nMarkets rose."
        );
    }

    #[test]
    fn takes_the_title_as_headline() {
        assert_eq!(html_to_text(PAGE).1.as_deref(), Some("Astana talks end"));
    }

    #[test]
    fn decodes_entities_and_survives_broken_markup() {
        let (text, _) = html_to_text("<p>AT&amp;T &lt;3 Caf&eacute;<p>Unclosed <i>italic");
        assert_eq!(text, "AT&T <3 Café\n\nUnclosed italic");
    }

    #[test]
    fn headline_is_the_first_heading_with_text_when_there_is_no_title() {
        let page = "<body><h1> </h1><p>Body.</p><h1><span>Real</span> <b>headline</b></h1><h1>Later</h1></body>";
        let (text, headline) = html_to_text(page);
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
        let (text, headline) = html_to_text(&page);
        assert_eq!(headline.as_deref(), Some("Deep"));
        assert_eq!(text, "Deep\n\nAfter.");
    }
}
