//! Where and when an article appeared: publication times read as dates, and an HTML page's
//! metadata (JSON-LD, Open Graph and `article:*` meta tags, `<meta name>`, the canonical link,
//! `<time>`, `<html lang>`).

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use claimex_core::DocumentMeta;
use scraper::{Html, Selector};
use serde_json::Value;

/// A publication time as claimex stores it: `YYYY-MM-DDTHH:MM:SSZ` in UTC when `raw` holds a time
/// (RFC 3339, RFC 2822, ISO 8601 without an offset, read as UTC, or Unix seconds), `YYYY-MM-DD`
/// when it holds a day only; `None` when it is neither.
pub fn normalize_published(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let utc = |t: DateTime<Utc>| Some(t.to_rfc3339_opts(SecondsFormat::Secs, true));
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return utc(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(raw) {
        return utc(t.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%#z",
        "%Y-%m-%dT%H:%M:%S%.f%#z",
        "%Y-%m-%d %H:%M:%S%#z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(raw, format) {
            return utc(t.with_timezone(&Utc));
        }
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(raw, format) {
            return utc(t.and_utc());
        }
    }
    for format in [
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%Y%m%d",
        "%d %B %Y",
        "%B %d, %Y",
        "%b %d, %Y",
    ] {
        if let Ok(day) = NaiveDate::parse_from_str(raw, format) {
            return Some(day.format("%Y-%m-%d").to_string());
        }
    }
    // Unix seconds (a plausible range: 2001 to 2286).
    if raw.len() == 10 && raw.bytes().all(|b| b.is_ascii_digit()) {
        return DateTime::from_timestamp(raw.parse().ok()?, 0).and_then(utc);
    }
    None
}

/// Article types of schema.org whose JSON-LD describes a news page.
const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "BlogPosting",
    "Report",
];

/// `<meta name>`s that hold a publication date on news sites.
const DATE_NAMES: &[&str] = &[
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date",
    "dc.date.issued",
    "dcterms.date",
    "article.published",
    "parsely-pub-date",
    "sailthru.date",
];

/// The metadata of a parsed page (`published_at` is left for the caller to read from
/// `published_raw`). Where sources disagree, JSON-LD wins over Open Graph and `article:*` tags,
/// those over `<meta name>` tags, and those over the canonical link, `<time>` and `<html lang>`.
pub fn html_meta(page: &Html) -> DocumentMeta {
    let mut meta = DocumentMeta::default();
    let select = |css: &str| Selector::parse(css).expect("a valid selector");
    // JSON-LD first, so that the fills below only complete it.
    for script in page.select(&select(r#"script[type="application/ld+json"]"#)) {
        let text: String = script.text().collect();
        if let Ok(value) = serde_json::from_str::<Value>(&text) {
            if let Some(article) = find_article(&value) {
                fill_from_json_ld(&mut meta, article);
                break;
            }
        }
    }
    let mut by_name: Vec<(String, String)> = Vec::new();
    for tag in page.select(&select("meta[content]")) {
        let el = tag.value();
        let key = el.attr("property").or_else(|| el.attr("name"));
        if let (Some(key), Some(content)) = (key, el.attr("content")) {
            by_name.push((key.trim().to_ascii_lowercase(), content.to_string()));
        }
    }
    let get = |names: &[&str]| {
        names.iter().find_map(|name| {
            by_name
                .iter()
                .find(|(k, v)| k == name && !v.trim().is_empty())
                .map(|(_, v)| v.clone())
        })
    };
    fill(&mut meta.title, get(&["og:title", "twitter:title"]));
    fill(&mut meta.url, get(&["og:url"]));
    fill(
        &mut meta.publisher,
        get(&["og:site_name", "application-name"]),
    );
    fill(
        &mut meta.published_raw,
        get(&["article:published_time", "og:published_time"]),
    );
    // `article:author` is often a profile URL; a name is what an analyst groups by.
    let author = ["author", "article:author", "byl", "dc.creator"]
        .iter()
        .filter_map(|name| get(&[name]))
        .find(|a| !a.starts_with("http://") && !a.starts_with("https://"));
    fill(
        &mut meta.author,
        author.map(|a| a.trim().trim_start_matches("By ").to_string()),
    );
    fill(&mut meta.published_raw, get(DATE_NAMES));
    if meta.url.is_none() {
        meta.url = page
            .select(&select(r#"link[rel="canonical"][href]"#))
            .find_map(|l| l.value().attr("href").map(String::from));
    }
    if meta.published_raw.is_none() {
        meta.published_raw = page
            .select(&select("time[datetime]"))
            .find_map(|t| t.value().attr("datetime").map(String::from));
    }
    if meta.language.is_none() {
        meta.language = page
            .select(&select("html[lang]"))
            .find_map(|h| h.value().attr("lang").map(String::from))
            .or_else(|| get(&["og:locale"]).map(|l| l.replace('_', "-")));
    }
    tidy(meta)
}

/// Sets `slot` to `value` when it is empty.
fn fill(slot: &mut Option<String>, value: Option<String>) {
    if slot.is_none() {
        *slot = value;
    }
}

/// Whitespace folded and empty values dropped.
fn tidy(meta: DocumentMeta) -> DocumentMeta {
    let fold = |v: Option<String>| {
        v.map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|s| !s.is_empty())
    };
    DocumentMeta {
        title: fold(meta.title),
        url: fold(meta.url),
        published_at: meta.published_at,
        published_raw: fold(meta.published_raw),
        publisher: fold(meta.publisher),
        author: fold(meta.author),
        language: fold(meta.language),
    }
}

/// The first schema.org article object in a JSON-LD value: the value itself, an element of an
/// array, or of an `@graph`.
fn find_article(value: &Value) -> Option<&Value> {
    match value {
        Value::Array(items) => items.iter().find_map(find_article),
        Value::Object(object) => {
            let is_article = match object.get("@type") {
                Some(Value::String(t)) => ARTICLE_TYPES.contains(&t.as_str()),
                Some(Value::Array(types)) => types
                    .iter()
                    .any(|t| t.as_str().is_some_and(|t| ARTICLE_TYPES.contains(&t))),
                _ => false,
            };
            if is_article {
                Some(value)
            } else {
                object.get("@graph").and_then(find_article)
            }
        }
        _ => None,
    }
}

/// A name out of a JSON-LD person or organisation: a string, `{"name": ...}`, or a list of those
/// (joined with commas).
fn names(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("name").and_then(names),
        Value::Array(items) => {
            let all: Vec<String> = items.iter().filter_map(names).collect();
            (!all.is_empty()).then(|| all.join(", "))
        }
        _ => None,
    }
}

fn fill_from_json_ld(meta: &mut DocumentMeta, article: &Value) {
    let text = |key: &str| article.get(key).and_then(Value::as_str).map(String::from);
    fill(&mut meta.title, text("headline"));
    fill(&mut meta.published_raw, text("datePublished"));
    fill(&mut meta.author, article.get("author").and_then(names));
    fill(
        &mut meta.publisher,
        article.get("publisher").and_then(names),
    );
    let page = article.get("mainEntityOfPage").and_then(|p| match p {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("@id").and_then(Value::as_str).map(String::from),
        _ => None,
    });
    fill(&mut meta.url, text("url").or(page));
    fill(&mut meta.language, text("inLanguage"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publication_times_are_read_in_the_forms_news_feeds_use() {
        for (raw, want) in [
            ("2026-11-28T09:30:00+01:00", Some("2026-11-28T08:30:00Z")),
            ("2026-11-28T08:30:00Z", Some("2026-11-28T08:30:00Z")),
            ("2026-11-28T08:30:00.123Z", Some("2026-11-28T08:30:00Z")),
            (
                "Sat, 28 Nov 2026 08:30:00 GMT",
                Some("2026-11-28T08:30:00Z"),
            ),
            ("2026-11-28 08:30:00", Some("2026-11-28T08:30:00Z")),
            ("2026-11-28T08:30:00+0100", Some("2026-11-28T07:30:00Z")),
            ("2026-11-28", Some("2026-11-28")),
            ("2026/11/28", Some("2026-11-28")),
            ("28 November 2026", Some("2026-11-28")),
            ("November 28, 2026", Some("2026-11-28")),
            ("1795854600", Some("2026-11-28T08:30:00Z")),
            ("last Tuesday", None),
            ("2026-13-45", None),
            ("", None),
        ] {
            assert_eq!(normalize_published(raw).as_deref(), want, "{raw}");
        }
    }

    #[test]
    fn json_ld_then_open_graph_then_meta_names_fill_the_metadata() {
        let page = Html::parse_document(
            r#"<html lang="en-GB"><head><title>Talks end | Daily Planet</title>
<meta property="og:title" content="Talks end">
<meta property="og:site_name" content="Daily Planet">
<meta name="author" content="Ann Mbeki">
<meta property="article:published_time" content="2026-11-02T10:00:00Z">
<link rel="canonical" href="https://planet.example/talks">
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
  {"@type":"WebSite","name":"ignored"},
  {"@type":"NewsArticle","headline":"Astana talks end","datePublished":"2026-11-02T09:00:00Z",
   "author":[{"@type":"Person","name":"Zed Okafor"},{"name":"Ann Mbeki"}],
   "publisher":{"@type":"Organization","name":"The Daily Planet"}}]}</script>
</head><body><p>Text.</p><time datetime="2020-01-01">old</time></body></html>"#,
        );
        assert_eq!(
            html_meta(&page),
            DocumentMeta {
                title: Some("Astana talks end".into()),
                url: Some("https://planet.example/talks".into()),
                published_at: None,
                published_raw: Some("2026-11-02T09:00:00Z".into()),
                publisher: Some("The Daily Planet".into()),
                author: Some("Zed Okafor, Ann Mbeki".into()),
                language: Some("en-GB".into()),
            }
        );
    }

    #[test]
    fn a_page_without_json_ld_uses_its_tags_and_a_broken_script_is_ignored() {
        let page = Html::parse_document(
            r#"<html><head><meta property="og:locale" content="fr_FR">
<meta name="author" content="https://planet.example/staff/ann">
<meta name="byl" content="By Ann Mbeki">
<script type="application/ld+json">{not json</script></head>
<body><time datetime="2026-11-03">3 Nov</time></body></html>"#,
        );
        let meta = html_meta(&page);
        assert_eq!(meta.author.as_deref(), Some("Ann Mbeki"));
        assert_eq!(meta.published_raw.as_deref(), Some("2026-11-03"));
        assert_eq!(meta.language.as_deref(), Some("fr-FR"));
        assert_eq!(meta.title, None);
        assert_eq!(
            html_meta(&Html::parse_document("<p>x</p>")),
            DocumentMeta::default()
        );
    }
}
