//! The search rule of the contract (api.md v1.1, "Search"): a query matches when every word of it is
//! the start of some word of the searched fields, after folding case, accents and Unicode
//! normalisation on both sides. `jose`, `JOSÉ` and a decomposed `José` find `José`; `nunez` finds
//! `Núñez`; `strasse` finds `Straße`; `rey` finds `Reyes`; `2026-01` finds `2026-0102`.
//!
//! The store keeps each item's words (`index_words`) and asks for every query word (`query_words`)
//! to begin one of them; `matches` is the same rule in memory, for the tests that pin it down.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// At most this many characters in `q`.
pub const MAX_QUERY_CHARS: usize = 100;

/// Compatibility decomposition, accents dropped, lower case, and the few letters that neither
/// decomposition nor lower-casing spells the way people type them.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfkd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase) {
        match c {
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'ø' => out.push('o'),
            'đ' | 'ð' => out.push('d'),
            'ł' => out.push('l'),
            'þ' => out.push_str("th"),
            'ı' => out.push('i'),
            // Apostrophes join (O'Brien is one word, `obrien`); the parts are indexed too.
            '\'' | '’' | 'ʼ' => out.push('\''),
            other => out.push(other),
        }
    }
    out
}

/// Folded words: runs of letters, digits, hyphens and apostrophes (`2026-0102`, `mary-jane`,
/// `o'brien`), with apostrophes dropped. Everything else, commas included, separates words.
fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
        .map(|w| w.trim_matches(|c| c == '-' || c == '\''))
        .filter(|w| !w.is_empty())
}

/// The words a query asks for, folded, each at most once, in the order given.
pub fn query_words(q: &str) -> Vec<String> {
    let folded = fold(q);
    let mut out: Vec<String> = Vec::new();
    for w in words(&folded).map(|w| w.replace('\'', "")) {
        if !w.is_empty() && !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

/// The words a query may begin: every word of the fields, and the parts of hyphenated or
/// apostrophed ones, so `jane` finds `Mary-Jane` and `2026-01` still finds `2026-0102` whole.
pub fn index_words<'a>(fields: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |w: &str| {
        if !w.is_empty() && !out.iter().any(|o| o == w) {
            out.push(w.to_owned());
        }
    };
    for field in fields {
        let folded = fold(field);
        for w in words(&folded) {
            add(&w.replace('\'', ""));
            if w.contains(['-', '\'']) {
                for part in w.split(['-', '\'']) {
                    add(part);
                }
            }
        }
    }
    out
}

/// The stored form of `index_words`: each word after a space, so that "some word begins with `w`"
/// is the substring test "contains ` w`", which a DynamoDB filter can ask.
pub fn search_text(words: &[String]) -> String {
    let mut s = String::with_capacity(words.iter().map(|w| w.len() + 1).sum::<usize>() + 1);
    for w in words {
        s.push(' ');
        s.push_str(w);
    }
    s.push(' ');
    s
}

/// What the store asks of `search_text` for one query word.
pub fn needle(word: &str) -> String {
    format!(" {word}")
}

/// The rule itself: every query word begins some indexed word.
pub fn matches(q: &str, fields: &[&str]) -> bool {
    let text = search_text(&index_words(fields.iter().copied()));
    query_words(q).iter().all(|w| text.contains(&needle(w)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_of_the_contract_matches() {
        let decomposed = "Jose\u{301}";
        for (q, field) in [
            ("jose", "José"),
            ("JOSÉ", "José"),
            ("José", decomposed),
            (decomposed, "José"),
            ("nunez", "Núñez"),
            ("strasse", "Straße"),
            ("rey", "Reyes"),
            ("2026-01", "2026-0102"),
            ("Reyes, Jordan", "Jordan Reyes"),
            ("jane", "Mary-Jane Smith"),
            ("obrien", "O'Brien"),
            ("brien", "O’Brien"),
            ("ﬁnn", "Finn"),
        ] {
            assert!(matches(q, &[field]), "{q:?} should find {field:?}");
        }
    }

    #[test]
    fn a_word_must_begin_a_word_and_every_word_must_match() {
        assert!(!matches("eyes", &["Reyes"]), "inside a word is not the start of one");
        assert!(!matches("2026-02", &["2026-0102"]));
        assert!(!matches("reyes smith", &["Jordan Reyes"]), "every word of q");
        assert!(matches("reyes lincoln", &["Jordan Reyes", "Lincoln Middle"]), "words may come from any field");
        assert!(!matches("2027", &["2026-0102"]));
    }

    #[test]
    fn a_query_of_separators_only_asks_for_nothing() {
        assert!(query_words(" , ; ").is_empty());
        assert_eq!(query_words("Reyes, Reyes JORDAN"), vec!["reyes", "jordan"]);
    }
}
