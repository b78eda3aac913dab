/// Auxiliary and modal verbs: part of a predicate phrase, but the head only when no other verb is.
pub const AUXILIARIES: &[(&str, &str)] = &[
    ("is", "be"),
    ("are", "be"),
    ("was", "be"),
    ("were", "be"),
    ("be", "be"),
    ("been", "be"),
    ("being", "be"),
    ("am", "be"),
    ("has", "have"),
    ("have", "have"),
    ("had", "have"),
    ("having", "have"),
    ("does", "do"),
    ("do", "do"),
    ("did", "do"),
    ("will", "will"),
    ("would", "would"),
    ("can", "can"),
    ("could", "could"),
    ("may", "may"),
    ("might", "might"),
    ("shall", "shall"),
    ("should", "should"),
    ("must", "must"),
];

/// Irregular past forms and participles of verbs common in news.
const IRREGULAR: &[(&str, &str)] = &[
    ("met", "meet"),
    ("said", "say"),
    ("told", "tell"),
    ("made", "make"),
    ("took", "take"),
    ("taken", "take"),
    ("went", "go"),
    ("gone", "go"),
    ("won", "win"),
    ("led", "lead"),
    ("held", "hold"),
    ("became", "become"),
    ("began", "begin"),
    ("begun", "begin"),
    ("brought", "bring"),
    ("bought", "buy"),
    ("sold", "sell"),
    ("left", "leave"),
    ("gave", "give"),
    ("given", "give"),
    ("found", "find"),
    ("saw", "see"),
    ("seen", "see"),
    ("spoke", "speak"),
    ("spoken", "speak"),
    ("wrote", "write"),
    ("written", "write"),
    ("ran", "run"),
    ("struck", "strike"),
    ("paid", "pay"),
    ("sent", "send"),
    ("built", "build"),
    ("fell", "fall"),
    ("fallen", "fall"),
    ("rose", "rise"),
    ("risen", "rise"),
    ("chose", "choose"),
    ("chosen", "choose"),
    ("drew", "draw"),
    ("drawn", "draw"),
    ("grew", "grow"),
    ("grown", "grow"),
    ("knew", "know"),
    ("known", "know"),
    ("lost", "lose"),
    ("kept", "keep"),
    ("meant", "mean"),
    ("sought", "seek"),
    ("thought", "think"),
    ("felt", "feel"),
    ("heard", "hear"),
    ("beat", "beat"),
    ("beaten", "beat"),
    ("set", "set"),
    ("put", "put"),
    ("hit", "hit"),
    ("cut", "cut"),
    ("quit", "quit"),
    ("bid", "bid"),
    ("spent", "spend"),
    ("lent", "lend"),
    ("shut", "shut"),
    ("stood", "stand"),
    ("understood", "understand"),
    ("withdrew", "withdraw"),
    ("withdrawn", "withdraw"),
    ("overtook", "overtake"),
    ("forgave", "forgive"),
    ("flew", "fly"),
    ("flown", "fly"),
    ("ate", "eat"),
    ("drove", "drive"),
    ("driven", "drive"),
    ("broke", "break"),
    ("broken", "break"),
    ("froze", "freeze"),
    ("frozen", "freeze"),
    ("swore", "swear"),
    ("sworn", "swear"),
    ("upheld", "uphold"),
    ("fought", "fight"),
    ("caught", "catch"),
];

/// Base forms of verbs that news sentences use to relate two named things.
const BASE_VERBS: &[&str] = &[
    "accept",
    "accuse",
    "acquire",
    "add",
    "agree",
    "aim",
    "allow",
    "announce",
    "appeal",
    "appoint",
    "approve",
    "arrest",
    "ask",
    "attack",
    "attend",
    "award",
    "back",
    "ban",
    "beat",
    "become",
    "begin",
    "bid",
    "block",
    "boost",
    "break",
    "bring",
    "build",
    "buy",
    "call",
    "catch",
    "charge",
    "choose",
    "cite",
    "claim",
    "close",
    "coach",
    "collaborate",
    "compete",
    "complete",
    "confirm",
    "consider",
    "convict",
    "criticise",
    "criticize",
    "cut",
    "deal",
    "defeat",
    "defend",
    "deliver",
    "deny",
    "deploy",
    "develop",
    "discover",
    "discuss",
    "dismiss",
    "draw",
    "drive",
    "drop",
    "elect",
    "emphasise",
    "emphasize",
    "employ",
    "end",
    "endorse",
    "enter",
    "establish",
    "expand",
    "expect",
    "export",
    "face",
    "fall",
    "fight",
    "file",
    "find",
    "fine",
    "fire",
    "fly",
    "form",
    "found",
    "freeze",
    "fund",
    "give",
    "go",
    "govern",
    "grow",
    "guide",
    "head",
    "hear",
    "help",
    "hire",
    "hit",
    "hold",
    "host",
    "import",
    "indicate",
    "invest",
    "invite",
    "join",
    "keep",
    "kill",
    "know",
    "launch",
    "lead",
    "leave",
    "lend",
    "lift",
    "list",
    "lose",
    "maintain",
    "make",
    "manage",
    "mark",
    "meet",
    "merge",
    "move",
    "name",
    "negotiate",
    "nominate",
    "normalise",
    "normalize",
    "offer",
    "open",
    "operate",
    "order",
    "oust",
    "overtake",
    "own",
    "partner",
    "pass",
    "pay",
    "plan",
    "play",
    "pledge",
    "praise",
    "present",
    "probe",
    "promise",
    "propose",
    "prosecute",
    "publish",
    "pursue",
    "raise",
    "rank",
    "reach",
    "receive",
    "recognise",
    "recognize",
    "reject",
    "release",
    "remain",
    "replace",
    "report",
    "represent",
    "return",
    "reveal",
    "rise",
    "rule",
    "run",
    "sanction",
    "say",
    "score",
    "secure",
    "see",
    "seek",
    "sell",
    "send",
    "sentence",
    "serve",
    "set",
    "settle",
    "share",
    "sign",
    "speak",
    "spend",
    "sponsor",
    "stand",
    "start",
    "strike",
    "study",
    "sue",
    "supply",
    "support",
    "suspend",
    "take",
    "talk",
    "tell",
    "test",
    "think",
    "threaten",
    "tour",
    "trade",
    "train",
    "transfer",
    "travel",
    "uphold",
    "urge",
    "use",
    "veto",
    "visit",
    "vote",
    "warn",
    "welcome",
    "win",
    "withdraw",
    "work",
    "write",
];

fn is_base(word: &str) -> bool {
    BASE_VERBS.binary_search(&word).is_ok()
}

/// The lemma of `word` if it is a known verb form: an auxiliary, an irregular form, or a base
/// verb with a regular ending (-s, -es, -ies, -ed, -d, -ied, -ing, with e-drop and doubling).
pub fn lemma_of_verb(word: &str) -> Option<String> {
    let w = word.to_lowercase();
    if let Some((_, lemma)) = AUXILIARIES
        .iter()
        .chain(IRREGULAR)
        .find(|(form, _)| *form == w)
    {
        return Some(lemma.to_string());
    }
    if is_base(&w) {
        return Some(w);
    }
    let mut candidates: Vec<String> = Vec::new();
    if let Some(stem) = w.strip_suffix("ies").or_else(|| w.strip_suffix("ied")) {
        candidates.push(format!("{stem}y"));
    }
    if let Some(stem) = w.strip_suffix("es") {
        candidates.push(stem.to_string());
    }
    if let Some(stem) = w.strip_suffix('s') {
        candidates.push(stem.to_string());
    }
    for suffix in ["ed", "ing"] {
        if let Some(stem) = w.strip_suffix(suffix) {
            candidates.push(stem.to_string());
            candidates.push(format!("{stem}e"));
            // planned -> plan, hitting -> hit
            let mut chars = stem.chars().rev();
            if let (Some(a), Some(b)) = (chars.next(), chars.next()) {
                if a == b {
                    candidates.push(stem[..stem.len() - a.len_utf8()].to_string());
                }
            }
        }
    }
    if let Some(stem) = w.strip_suffix('d') {
        candidates.push(stem.to_string());
    }
    candidates.into_iter().find(|c| is_base(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_verbs_are_sorted_for_binary_search() {
        assert!(
            BASE_VERBS.windows(2).all(|w| w[0] < w[1]),
            "BASE_VERBS must stay sorted"
        );
    }

    #[test]
    fn lemmatises_regular_and_irregular_forms() {
        for (form, lemma) in [
            ("joining", "join"),
            ("joins", "join"),
            ("joined", "join"),
            ("met", "meet"),
            ("announced", "announce"),
            ("planned", "plan"),
            ("hitting", "hit"),
            ("denies", "deny"),
            ("denied", "deny"),
            ("maintains", "maintain"),
            ("Signed", "sign"),
            ("is", "be"),
            ("will", "will"),
            ("defeated", "defeat"),
            ("closes", "close"),
        ] {
            assert_eq!(lemma_of_verb(form).as_deref(), Some(lemma), "{form}");
        }
    }

    #[test]
    fn non_verbs_have_no_lemma() {
        for word in ["the", "Israel", "stages", "final", "and"] {
            assert_eq!(lemma_of_verb(word), None, "{word}");
        }
    }
}
