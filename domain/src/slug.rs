//! Stable keys: the slugs of entities and the keys of articles, relations,
//! events and statements. They are how a fact is recognised again when its
//! article is loaded anew, so they are plain and predictable.

/// `true` for lowercase ASCII words (letters and digits) joined by single
/// hyphens: `south-ossetia`, `g8`, `nato-russia-council`.
pub fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text.split('-').all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::is_slug;

    #[test]
    fn slugs_are_lowercase_hyphenated_words() {
        assert!(is_slug("south-ossetia"));
        assert!(is_slug("g8"));
        assert!(!is_slug("South-Ossetia"));
        assert!(!is_slug("south--ossetia"));
        assert!(!is_slug("-nato"));
        assert!(!is_slug("nato-"));
        assert!(!is_slug(""));
    }
}
