//! Page chrome that Readability leaves inside an article's container, or that the rules would
//! read from a whole page: ads, share bars, bylines, author bios, captions, comment counts,
//! related-link lists, paywall and newsletter boxes, hidden elements. Found by what such blocks
//! are called (their class and id words), by the label an ad carries, by being mostly links, and
//! by being hidden; [`chrome_nodes`] returns them for the text walk to skip.

use std::collections::{HashMap, HashSet};

use ego_tree::iter::Edge;
use ego_tree::NodeId;
use scraper::{Html, Node};

use crate::html::in_script;

/// Words in a class or id (split at `-`, `_` and spaces, lower-cased) that name page chrome.
const CHROME_WORDS: &[&str] = &[
    "ad",
    "ads",
    "advert",
    "adverts",
    "advertisement",
    "sponsor",
    "sponsored",
    "promo",
    "promoted",
    "paywall",
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "share",
    "sharing",
    "social",
    "related",
    "recommended",
    "newsletter",
    "signup",
    "subscribe",
    "byline",
    "dateline",
    "author",
    "authors",
    "writer",
    "contrib",
    "contributor",
    "profile",
    "bio",
    "caption",
    "credit",
    "credits",
    "breadcrumb",
    "breadcrumbs",
    "crumbs",
    "comment",
    "comments",
    "respond",
    "tags",
    "meta",
    "toolbar",
    "tools",
    "rail",
    "widget",
    "popular",
    "trending",
    "outbrain",
    "taboola",
    "disqus",
    "hidden",
];

/// What ads and paid content are labelled with, alone on their line.
const AD_LABELS: &[&str] = &[
    "advertisement",
    "advertisements",
    "ad",
    "sponsored",
    "sponsored content",
    "promoted",
    "paid content",
    "partner content",
];

/// Words in a link's address (split at `/`, `-`, `_`, `.`, `?`, `=`) that make the box around it
/// a call to subscribe, join or sign in.
const CALL_WORDS: &[&str] = &[
    "subscribe",
    "subscription",
    "subscriptions",
    "membership",
    "signup",
    "register",
    "login",
    "newsletter",
    "newsletters",
];

/// An ad's box holds this much text at most: a label inside a longer block marks only itself.
const MAX_AD_CHARS: usize = 600;

/// Blocks whose text lies more than this share inside links are navigation (related stories,
/// "Also read:" lines, tag lists), not prose.
const MAX_LINK_SHARE: f64 = 0.5;

/// Elements inside a line of text: the link share is judged on the blocks around them (a link
/// is all link).
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd",
    "label", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
];

/// Text held by an element: all of it and the part inside links.
#[derive(Default, Clone, Copy)]
struct Held {
    text: usize,
    links: usize,
}

/// The elements of `page` that are page chrome, outermost ones included (the walk skips their
/// whole subtree). An element holding half the page's text or more is never chrome by its name,
/// so a `<body class="author-page">` or a `<div class="content-with-sidebar">` around the article
/// is read. Linear in the page's size.
pub(crate) fn chrome_nodes(page: &Html) -> HashSet<NodeId> {
    let held = text_held(page);
    let total = held.get(&page.tree.root().id()).map_or(0, |h| h.text);
    let hidden_classes = classes_hidden_by_styles(page);
    let mut chrome = HashSet::new();
    for node in page.tree.root().descendants() {
        let Node::Element(el) = node.value() else {
            if let Node::Text(text) = node.value() {
                if let Some(ad) = ad_box(node, text, &held) {
                    chrome.insert(ad);
                }
            }
            continue;
        };
        let h = held.get(&node.id()).copied().unwrap_or_default();
        let name = el.name();
        let words = || {
            el.attr("class")
                .into_iter()
                .chain(el.attr("id"))
                .flat_map(|v| v.split(|c: char| c == '-' || c == '_' || c.is_whitespace()))
                .filter(|w| !w.is_empty())
                .map(str::to_ascii_lowercase)
        };
        let named = words().any(|w| CHROME_WORDS.contains(&w.as_str()));
        let hidden = el.attr("hidden").is_some()
            || el.attr("aria-hidden") == Some("true")
            || el.attr("style").is_some_and(hides)
            || el.classes().any(|c| hidden_classes.contains(c));
        let small = 2 * h.text < total;
        let linky = !INLINE.contains(&name)
            && h.text > 0
            && h.links as f64 > MAX_LINK_SHARE * h.text as f64;
        if (named && small) || hidden || (linky && small) {
            chrome.insert(node.id());
        }
        if let Some(the_box) = call_box(node, &held) {
            chrome.insert(the_box);
        }
    }
    chrome
}

/// Whether an inline `style` hides its element.
fn hides(style: &str) -> bool {
    let style: String = style
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    style.contains("display:none") || style.contains("visibility:hidden")
}

/// Class names that the page's own `<style>` blocks hide with a single-class rule
/// (`.is-hidden{display:none}`); other selectors are not interpreted.
fn classes_hidden_by_styles(page: &Html) -> HashSet<String> {
    let mut hidden = HashSet::new();
    for node in page.tree.root().descendants() {
        let Node::Element(el) = node.value() else {
            continue;
        };
        if el.name() != "style" {
            continue;
        }
        let css: String = node
            .children()
            .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
            .collect();
        for rule in css.split('}') {
            let Some((selectors, body)) = rule.split_once('{') else {
                continue;
            };
            if !hides(body) {
                continue;
            }
            for selector in selectors.split(',') {
                let selector = selector.trim();
                if let Some(class) = selector.strip_prefix('.') {
                    if !class.is_empty()
                        && class
                            .chars()
                            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
                    {
                        hidden.insert(class.to_string());
                    }
                }
            }
        }
    }
    hidden
}

/// The ad box a label such as "Advertisement" marks: the label's parent element when the label
/// is all it holds (`<span class="x">Advertisement</span>` inside the box), else the label's own
/// element; the box only when it holds at most [`MAX_AD_CHARS`] characters.
fn ad_box(
    node: ego_tree::NodeRef<'_, Node>,
    text: &str,
    held: &HashMap<NodeId, Held>,
) -> Option<NodeId> {
    let label = text.trim().trim_end_matches(':').to_lowercase();
    if !AD_LABELS.contains(&label.as_str()) {
        return None;
    }
    let own = node.parent()?;
    let text_of = |id: NodeId| held.get(&id).map_or(usize::MAX, |h| h.text);
    let label_only = text_of(own.id()) == text.chars().filter(|c| !c.is_whitespace()).count();
    let the_box = if label_only {
        own.parent().filter(|p| p.value().is_element())?
    } else {
        own
    };
    (text_of(the_box.id()) <= MAX_AD_CHARS).then_some(the_box.id())
}

/// The box around a link to subscribe, join or sign in (its parent element), when the box
/// holds at most [`MAX_AD_CHARS`] characters: paywall notes, membership and newsletter boxes.
fn call_box(node: ego_tree::NodeRef<'_, Node>, held: &HashMap<NodeId, Held>) -> Option<NodeId> {
    let el = node.value().as_element()?;
    let href = el.attr("href").filter(|_| el.name() == "a")?;
    let path = href.split_once("://").map_or(href, |(_, rest)| rest);
    let calls = path
        .split(['/', '-', '_', '.', '?', '=', '&', '#'])
        .any(|w| CALL_WORDS.contains(&w.to_ascii_lowercase().as_str()));
    let the_box = node.parent().filter(|p| p.value().is_element())?;
    let text = held.get(&the_box.id()).map_or(usize::MAX, |h| h.text);
    (calls && text <= MAX_AD_CHARS).then_some(the_box.id())
}

/// [`Held`] for every element (and the root), in one pass. Text is counted in non-space
/// characters, so markup whitespace weighs nothing; script and style text is not counted.
fn text_held(page: &Html) -> HashMap<NodeId, Held> {
    let mut held = HashMap::new();
    // Open elements with what they hold so far, and whether each is a link.
    let mut stack: Vec<(Held, bool)> = vec![(Held::default(), false)];
    let mut links_open = 0usize;
    for edge in page.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(el) => {
                    let link = el.name() == "a";
                    links_open += usize::from(link);
                    stack.push((Held::default(), link));
                }
                Node::Text(_) if in_script(node) => {}
                Node::Text(text) => {
                    let n = text.chars().filter(|c| !c.is_whitespace()).count();
                    if let Some((top, _)) = stack.last_mut() {
                        top.text += n;
                        if links_open > 0 {
                            top.links += n;
                        }
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                if !node.value().is_element() {
                    continue;
                }
                let (mine, link) = stack.pop().unwrap_or_default();
                links_open -= usize::from(link);
                held.insert(node.id(), mine);
                if let Some((parent, _)) = stack.last_mut() {
                    parent.text += mine.text;
                    parent.links += mine.links;
                }
            }
        }
    }
    if let Some((root, _)) = stack.pop() {
        held.insert(page.tree.root().id(), root);
    }
    held
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chrome_texts(html: &str) -> Vec<String> {
        let page = Html::parse_document(html);
        let chrome = chrome_nodes(&page);
        let mut texts: Vec<String> = page
            .tree
            .nodes()
            .filter(|n| chrome.contains(&n.id()))
            .filter_map(scraper::ElementRef::wrap)
            .map(|el| el.text().collect::<String>().trim().to_string())
            .collect();
        texts.sort();
        texts
    }

    const PROSE: &str = "<p>Kazakhstan signed a trade accord with Israel in Astana on Monday, \
        officials said, and more deals would follow later in the year.</p>";

    #[test]
    fn blocks_named_as_chrome_are_chrome() {
        let html = format!(
            r#"<body class="author-page"><div class="content-with-sidebar">{PROSE}{PROSE}
            <div class="c-share_bar">Share</div><div id="author-bio">She writes.</div></div></body>"#
        );
        assert_eq!(chrome_texts(&html), ["Share", "She writes."]);
    }

    #[test]
    fn an_ad_label_marks_its_box() {
        let html = format!(
            r#"<div>{PROSE}<div class="blk-4"><div>Advertisement</div><div>Buy bonds.</div></div>
            <div class="x">Sponsored<p>Fly north.</p></div></div>"#
        );
        assert_eq!(
            chrome_texts(&html),
            ["AdvertisementBuy bonds.", "SponsoredFly north."]
        );
    }

    #[test]
    fn blocks_that_are_mostly_links_are_chrome_and_prose_with_links_is_not() {
        let html = format!(
            r#"<div>{PROSE}<p><b>Also read:</b> <a href="/x">Why mines still threaten shipping</a></p>
            <p>The <a href="/nato">alliance</a> met in Vilnius on Friday, its spokesman said.</p></div>"#
        );
        assert_eq!(
            chrome_texts(&html),
            ["Also read: Why mines still threaten shipping"]
        );
    }

    #[test]
    fn a_box_calling_to_subscribe_or_join_is_chrome() {
        let html = format!(
            r#"<div>{PROSE}<div class="q"><div>Readers keep us going.</div>
            <a href="https://x.example/membership/">Join</a></div>
            <p>The plan, <a href="/world/sign-language-law">reported here</a>, passed on Friday.</p></div>"#
        );
        assert_eq!(
            chrome_texts(&html),
            ["Readers keep us going.\n            Join"]
        );
    }

    #[test]
    fn hidden_elements_are_chrome() {
        let html = format!(
            r#"<style>.a{{color:red}} .is-hidden , .gone {{ display : none }}</style>
            <div>{PROSE}<p hidden>One.</p><p style="visibility: hidden">Two.</p>
            <div class="box is-hidden">Three.</div><p aria-hidden="true">Four.</p></div>"#
        );
        assert_eq!(chrome_texts(&html), ["Four.", "One.", "Three.", "Two."]);
    }
}
