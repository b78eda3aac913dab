use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Lines that page chrome leaves in scraped articles and that never carry a sentence. Compared
/// case-insensitively after trimming and dropping a trailing colon.
const BOILERPLATE_LINES: &[&str] = &[
    "select language",
    "advertisement",
    "skip to content",
    "skip to main content",
    "share this article",
    "share",
    "subscribe",
    "sign in",
    "log in",
    "read more",
    "related articles",
    "print",
];

/// Cleans raw article text into the text claimex stores and points every offset into:
/// Unicode NFC, byte order marks (U+FEFF) dropped wherever they are, `\r\n` to `\n`, control
/// characters to spaces, trailing spaces trimmed, page-chrome lines ("Select Language:") dropped,
/// runs of blank lines folded to one, blank lines at both ends dropped. Cleaning clean text
/// changes nothing.
pub fn clean_text(raw: &str) -> String {
    let unified = raw
        .replace('\u{feff}', "")
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    let control_to_space = |c: char| {
        if c.is_control() && c != '\n' && c != '\t' {
            ' '
        } else {
            c
        }
    };
    // Most news text is already NFC; the quick check skips the costly normaliser for it.
    let normalised: String = if is_nfc_quick(unified.chars()) == IsNormalized::Yes {
        unified.chars().map(control_to_space).collect()
    } else {
        unified.nfc().map(control_to_space).collect()
    };

    let mut out = String::with_capacity(normalised.len());
    let mut blank_run = 0;
    for line in normalised.lines() {
        let line = line.trim_end();
        if is_boilerplate(line) {
            continue;
        }
        if line.trim().is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        out.push_str(line);
    }
    out
}

fn is_boilerplate(line: &str) -> bool {
    let key = line.trim().trim_end_matches(':').trim().to_lowercase();
    !key.is_empty() && BOILERPLATE_LINES.contains(&key.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_select_language_chrome_line() {
        assert_eq!(
            clean_text("Select Language:\nKazakhstan joins."),
            "Kazakhstan joins."
        );
    }

    #[test]
    fn keeps_paragraph_breaks_and_folds_blank_runs() {
        assert_eq!(
            clean_text("One.\n\n\n\nTwo.\nThree.\n\n"),
            "One.\n\nTwo.\nThree."
        );
    }

    #[test]
    fn normalises_to_nfc() {
        // "e" + combining acute becomes the single character "é".
        assert_eq!(clean_text("Caf\u{65}\u{301}"), "Caf\u{e9}");
    }

    #[test]
    fn replaces_nul_and_control_characters() {
        assert_eq!(clean_text("a\u{0}b\u{7}c"), "a b c");
    }

    #[test]
    fn keeps_a_sentence_that_merely_starts_like_chrome() {
        assert_eq!(clean_text("Share prices fell."), "Share prices fell.");
    }
}
