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

/// What an element holds, in non-space characters (markup whitespace weighs nothing; script and
/// style text is not counted).
#[derive(Default, Clone, Copy)]
struct Held {
    /// All its text.
    text: usize,
    /// Its text inside paragraphs (`<p>`).
    para: usize,
    /// Whether it is or holds an `<article>` or `<main>`.
    article: bool,
}

/// An element's text outside the chrome already found inside it.
#[derive(Default, Clone, Copy)]
struct Live {
    text: usize,
    links: usize,
    /// Sentence ends (`.`, `!`, `?`) outside links: prose has them, link lists do not.
    ends: usize,
}

/// The elements of `page` that are page chrome, outermost ones included (the walk skips their
/// whole subtree). Decided from the innermost elements out, so that a block's link share counts
/// only the text its chrome leaves. Never chrome by name, link share or a label: an element that
/// is or holds an `<article>` or `<main>`, or holds half the page's paragraph text, or half its
/// text. Hidden elements are chrome whatever they hold. Linear in the page's size.
pub(crate) fn chrome_nodes(page: &Html) -> HashSet<NodeId> {
    let held = text_held(page);
    let page_held = held
        .get(&page.tree.root().id())
        .copied()
        .unwrap_or_default();
    let protected = |id: NodeId| {
        held.get(&id)
            .is_some_and(|h| h.article || (page_held.para > 0 && 2 * h.para >= page_held.para))
    };
    let hidden_classes = classes_hidden_by_styles(page);
    // Boxes an ad label or a call-to-action link inside marks, decided when the box closes.
    let mut boxes = HashSet::new();
    let mut chrome = HashSet::new();
    let mut stack: Vec<(Live, bool)> = vec![(Live::default(), false)];
    let mut links_open = 0usize;
    for edge in page.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(el) => {
                    let link = el.name() == "a";
                    links_open += usize::from(link);
                    stack.push((Live::default(), link));
                    boxes.extend(call_box(node, &held));
                }
                Node::Text(_) if in_script(node) => {}
                Node::Text(text) => {
                    boxes.extend(ad_box(node, text, &held));
                    if let Some((top, _)) = stack.last_mut() {
                        let n = text.chars().filter(|c| !c.is_whitespace()).count();
                        top.text += n;
                        if links_open > 0 {
                            top.links += n;
                        } else {
                            top.ends += text.matches(['.', '!', '?']).count();
                        }
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                let Node::Element(el) = node.value() else {
                    continue;
                };
                let (live, link) = stack.pop().unwrap_or_default();
                links_open -= usize::from(link);
                let id = node.id();
                let hidden = el.attr("hidden").is_some()
                    || el.attr("aria-hidden") == Some("true")
                    || el.attr("style").is_some_and(hides)
                    || el.classes().any(|c| hidden_classes.contains(c));
                let is_chrome = hidden
                    || (!protected(id) && {
                        let full = held.get(&id).copied().unwrap_or_default();
                        let named = class_words(el).any(|w| CHROME_WORDS.contains(&w.as_str()));
                        let linky = !INLINE.contains(&el.name())
                            && live.text > 0
                            && live.ends == 0
                            && live.links as f64 > MAX_LINK_SHARE * live.text as f64;
                        // What is left of a box of chrome is its label ("More on this story"
                        // over a list of links): a few words without a sentence end.
                        let leftover = !INLINE.contains(&el.name())
                            && live.ends == 0
                            && full.text > live.text
                            && full.text - live.text >= 2 * live.text;
                        // Half the page's text or more is the page, whatever it looks like.
                        let small = 2 * full.text < page_held.text;
                        small && (named || linky || leftover || boxes.contains(&id))
                    });
                if is_chrome {
                    chrome.insert(id);
                } else if let Some((parent, _)) = stack.last_mut() {
                    parent.text += live.text;
                    parent.links += live.links;
                    parent.ends += live.ends;
                }
            }
        }
    }
    chrome
}

/// The words of an element's class and id, split at `-`, `_` and spaces, lower-cased.
fn class_words(el: &scraper::node::Element) -> impl Iterator<Item = String> + '_ {
    el.attr("class")
        .into_iter()
        .chain(el.attr("id"))
        .flat_map(|v| v.split(|c: char| c == '-' || c == '_' || c.is_whitespace()))
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
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
        for rule in without_at_rules(&css).split('}') {
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

/// A style sheet without its at-rule blocks (`@media (...) { ... }`, `@supports`): what they
/// hide, they hide only sometimes.
fn without_at_rules(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(at) = rest.find('@') {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        // The block from the at-rule's first `{` to its matching `}`; one without a block
        // (`@import ...;`) ends at its semicolon.
        let open = after.find('{');
        let semi = after.find(';');
        if open.is_none() || semi.is_some_and(|s| Some(s) < open) {
            rest = semi.map_or("", |s| &after[s + 1..]);
            continue;
        }
        let mut depth = 0usize;
        let mut end = after.len();
        for (i, c) in after.char_indices().skip(open.unwrap_or(0)) {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
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
    // A paragraph or list item linking to a registration page is prose, not a box.
    let the_box = node.parent().filter(|p| {
        p.value()
            .as_element()
            .is_some_and(|e| !matches!(e.name(), "p" | "li" | "td" | "blockquote"))
    })?;
    let text = held.get(&the_box.id()).map_or(usize::MAX, |h| h.text);
    (calls && text <= MAX_AD_CHARS).then_some(the_box.id())
}

/// [`Held`] for every element (and the root), in one pass.
fn text_held(page: &Html) -> HashMap<NodeId, Held> {
    let mut held = HashMap::new();
    // Open elements with what they hold so far, and whether each is a paragraph.
    let mut stack: Vec<(Held, bool)> = vec![(Held::default(), false)];
    let mut paras_open = 0usize;
    for edge in page.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(el) => {
                    let para = el.name() == "p";
                    paras_open += usize::from(para);
                    let article = matches!(el.name(), "article" | "main");
                    stack.push((
                        Held {
                            article,
                            ..Held::default()
                        },
                        para,
                    ));
                }
                Node::Text(_) if in_script(node) => {}
                Node::Text(text) => {
                    let n = text.chars().filter(|c| !c.is_whitespace()).count();
                    if let Some((top, _)) = stack.last_mut() {
                        top.text += n;
                        if paras_open > 0 {
                            top.para += n;
                        }
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                if !node.value().is_element() {
                    continue;
                }
                let (mine, para) = stack.pop().unwrap_or_default();
                paras_open -= usize::from(para);
                held.insert(node.id(), mine);
                if let Some((parent, _)) = stack.last_mut() {
                    parent.text += mine.text;
                    parent.para += mine.para;
                    parent.article |= mine.article;
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
    fn an_article_among_much_chrome_keeps_its_container_and_its_linked_prose() {
        let nav = "<a href='/x'>Section name here</a>".repeat(40);
        let related = "<li><a href='/r'>Another related headline here</a></li>".repeat(30);
        let html = format!(
            r#"<nav>{nav}</nav><div class="main-rail">{PROSE}
            <p>The <a href="/imf">International Monetary Fund</a> and the <a href="/wb">World Bank</a> agreed.</p>
            <p>Voters have until Monday to <a href="https://www.gov.uk/register-to-vote">register</a>, the commission said.</p>
            <ul class="x">{related}</ul></div><div>{nav}</div>"#
        );
        let texts = chrome_texts(&html);
        assert!(
            texts.iter().all(|t| !t.contains("Kazakhstan")
                && !t.contains("World Bank")
                && !t.contains("Voters")),
            "{texts:?}"
        );
        assert!(
            texts
                .iter()
                .any(|t| t.starts_with("Another related headline")),
            "{texts:?}"
        );
    }

    #[test]
    fn a_utility_class_and_a_media_query_do_not_hide_text() {
        let html = format!(
            r#"<style>@media (max-width: 600px) {{ .wide {{ display: none }} }} .gone {{ display: none }}</style>
            <div class="hidden md:block">{PROSE}</div><p class="wide">Wide.</p><p class="gone">Gone.</p>"#
        );
        assert_eq!(chrome_texts(&html), ["Gone."]);
        assert_eq!(
            without_at_rules("@import url(x.css); .a{b:c} @media x {.d{e:f}} .g{h:i}"),
            " .a{b:c}  .g{h:i}"
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
