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
/// inside a block folded. Also returns the `<title>` (else the first `<h1>`) as the headline.
pub fn html_to_text(html: &str) -> (String, Option<String>) {
    let doc = Html::parse_document(html);
    let mut out = String::new();
    let mut skipping: Option<ego_tree::NodeId> = None;
    let mut title: Option<String> = None;
    let mut h1: Option<String> = None;
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Element(el) => {
                        let name = el.name();
                        if name == "title" || name == "h1" {
                            let text = collapse(&node_text(node));
                            let slot = if name == "title" { &mut title } else { &mut h1 };
                            if slot.is_none() && !text.is_empty() {
                                *slot = Some(text);
                            }
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

fn node_text(node: ego_tree::NodeRef<'_, Node>) -> String {
    node.descendants()
        .filter_map(|n| match n.value() {
            Node::Text(t) => Some(&**t),
            _ => None,
        })
        .collect()
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
}
