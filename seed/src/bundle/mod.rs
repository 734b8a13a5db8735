//! Seed bundles: one TOML file per article, holding the article and every
//! fact it supports (format: `docs/seed-format.md`).
//!
//! A bundle is parsed and validated completely before anything is written,
//! so an editor sees every problem at once, each named by file and place
//! (`relations[2].periods[0].from`), and a bad bundle writes nothing.

use domain::problem::{Problem, Problems};
use serde::Deserialize;
pub use store::{Cited, RelationEntry};

mod validate;
pub use validate::{validate, validate_entries, Entries};

/// A bundle that passed validation: every value parsed and checked, ready
/// to write without parsing anything again.
pub type ValidBundle = store::Contribution;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    pub article: ArticleSpec,
    #[serde(default)]
    pub entities: Vec<EntitySpec>,
    #[serde(default)]
    pub relations: Vec<RelationSpec>,
    #[serde(default)]
    pub events: Vec<EventSpec>,
    #[serde(default)]
    pub statements: Vec<StatementSpec>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ArticleSpec {
    pub key: String,
    pub title: String,
    pub publisher: String,
    pub url: Option<String>,
    pub published_at: String,
    /// The article's text, a file beside the bundle; when named, every
    /// `cite` and `quote` must occur in it.
    pub text: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EntitySpec {
    pub slug: String,
    /// `kind`, `category` and `name` come together; an entry with none of
    /// them mentions an entity another article defines.
    pub kind: Option<String>,
    pub category: Option<String>,
    pub name: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub external_ids: Vec<ExternalIdSpec>,
    pub cite: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ExternalIdSpec {
    pub scheme: String,
    pub value: String,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RelationSpec {
    pub key: String,
    #[serde(rename = "type")]
    pub rel_type: String,
    pub label: String,
    pub source: String,
    pub target: String,
    pub symmetric: Option<bool>,
    pub body: Option<String>,
    pub cite: Option<String>,
    #[serde(default)]
    pub periods: Vec<PeriodSpec>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PeriodSpec {
    pub status: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub note: Option<String>,
    pub cite: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EventSpec {
    pub key: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub cameo: Option<String>,
    pub title: String,
    pub summary: Option<String>,
    pub date: String,
    pub location: Option<String>,
    pub cite: Option<String>,
    #[serde(default)]
    pub participants: Vec<ParticipantSpec>,
    #[serde(default)]
    pub quantities: Vec<QuantitySpec>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ParticipantSpec {
    pub entity: String,
    pub role: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct QuantitySpec {
    pub what: String,
    pub value: f64,
    pub unit: Option<String>,
    #[serde(default)]
    pub approximate: bool,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StatementSpec {
    pub key: String,
    pub speaker: String,
    pub date: String,
    pub quote: Option<String>,
    pub summary: String,
    #[serde(default)]
    pub about: Vec<String>,
    #[serde(default)]
    pub quantities: Vec<QuantitySpec>,
    pub cite: Option<String>,
}

/// Reads and validates a bundle file; an article text it names is read
/// from beside it.
pub fn read_file(path: &Path) -> Result<ValidBundle, Problems> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        Problems(vec![Problem { file: file.clone(), place: String::new(), message: format!("cannot read: {e}") }])
    })?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    parse_with(&file, &text, &|name: &str| {
        // Only a plain file name beside the bundle, never a path.
        if name.contains(['/', '\\']) || name.starts_with('.') {
            return None;
        }
        std::fs::read_to_string(dir.join(name)).ok()
    })
}

/// Parses and validates bundle text; `file` names it in problems. A bundle
/// that names an article text is refused: use [`parse_with`].
pub fn parse(file: &str, text: &str) -> Result<ValidBundle, Problems> {
    parse_with(file, text, &|_: &str| None)
}

/// Parses and validates bundle text, finding a named article text with `texts`.
pub fn parse_with(file: &str, text: &str, texts: &dyn Fn(&str) -> Option<String>) -> Result<ValidBundle, Problems> {
    let bundle: Bundle = toml::from_str(text).map_err(|e| {
        let place = e
            .span()
            .map(|span| {
                let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                format!("line {line}")
            })
            .unwrap_or_default();
        Problems(vec![Problem { file: file.to_owned(), place, message: e.message().to_owned() }])
    })?;
    let article_text = match &bundle.article.text {
        None => None,
        Some(name) => match texts(name) {
            Some(t) => Some(t),
            None => {
                return Err(Problems(vec![Problem {
                    file: file.to_owned(),
                    place: "article.text".into(),
                    message: format!("the article text `{name}` is not beside the bundle"),
                }]))
            }
        },
    };
    let valid = validate(file, bundle)?;
    match article_text {
        Some(t) => check_quotes(valid, &t),
        None => Ok(valid),
    }
}

/// Text as compared with an article: quote marks made straight, every run
/// of white space one space.
pub fn normalise_quotes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars() {
        if c.is_whitespace() {
            gap = true;
            continue;
        }
        if gap && !out.is_empty() {
            out.push(' ');
        }
        gap = false;
        out.push(match c {
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '`' => '\'',
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' => '"',
            other => other,
        });
    }
    out
}

/// Refuses a bundle whose cites or quotes do not occur in its article.
fn check_quotes(valid: ValidBundle, article: &str) -> Result<ValidBundle, Problems> {
    let haystack = normalise_quotes(article);
    let mut problems = Vec::new();
    let mut check = |place: String, words: &str| {
        if !haystack.contains(&normalise_quotes(words)) {
            let shown: String = words.chars().take(60).collect();
            problems.push(Problem {
                file: valid.file.clone(),
                place,
                message: format!("`{shown}` does not occur in the article's text"),
            });
        }
    };
    for e in &valid.entities {
        check(format!("entities (slug {}).cite", e.key), &e.cite);
    }
    for e in &valid.mentions {
        check(format!("entities (slug {}).cite", e.key), &e.cite);
    }
    for (i, r) in valid.relations.iter().enumerate() {
        check(format!("relations[{i}].cite"), &r.relation.cite);
        for (j, p) in r.periods.iter().enumerate() {
            check(format!("relations[{i}].periods[{j}].cite"), &p.cite);
        }
    }
    for (i, e) in valid.events.iter().enumerate() {
        check(format!("events[{i}].cite"), &e.cite);
    }
    for (i, s) in valid.statements.iter().enumerate() {
        check(format!("statements[{i}].cite"), &s.cite);
        if let Some(quote) = &s.fact.quote {
            check(format!("statements[{i}].quote"), quote);
        }
    }
    if problems.is_empty() {
        Ok(valid)
    } else {
        Err(Problems(problems))
    }
}

/// Longest name, label, title or alias, in characters.
pub const SHORT_TEXT: usize = 500;
/// Longest summary, description, note, quote or cite, in characters.
pub const LONG_TEXT: usize = 5_000;
/// Most aliases, identifiers, periods, participants, figures or subjects of one fact.
pub const MAX_ITEMS: usize = 50;
/// Most facts in one bundle.
pub const MAX_FACTS: usize = 5_000;

/// The bundle files at these paths: files as given, folders searched for
/// `*.toml` (not recursively), in name order.
pub fn collect_files(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[article]
key = "a-test-article"
title = "T"
publisher = "P"
published_at = "2008-08-19T16:07:00Z"

[[entities]]
slug = "nato"
kind = "organisation"
category = "alliance"
name = "NATO"
cite = "Nato"

[[entities]]
slug = "russia"
kind = "actor"
category = "state"
name = "Russia"
cite = "Russia"

[[relations]]
key = "nato-russia"
type = "council"
label = "NATO–Russia Council"
source = "nato"
target = "russia"
cite = "set up in 2002"

[[relations.periods]]
status = "active"
from = "2002"
cite = "set up in 2002"
"#;

    #[test]
    fn a_good_bundle_validates() {
        let v = parse("good.toml", GOOD).unwrap();
        let from = v.relations[0].periods[0].fact.from.as_ref().map(|d| d.edtf.as_str());
        assert_eq!(from, Some("2002"));
        assert!(!v.relations[0].relation.fact.symmetric, "the council type's default");
        assert!(v.external_slugs.is_empty());
    }

    #[test]
    fn problems_name_the_file_and_place() {
        let bad = GOOD
            .replace("from = \"2002\"", "from = \"2008-13-45\"")
            .replace("target = \"russia\"", "target = \"rusia\"");
        let bad = bad.replace("cite = \"Russia\"\n", "");
        let problems = parse("bad.toml", &bad).unwrap_err().0;
        let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert!(text.iter().any(|t| t.starts_with("bad.toml: relations[0].periods[0].from: `2008-13-45`")), "{text:?}");
        assert!(text.iter().any(|t| t.starts_with("bad.toml: entities[1]: a fact needs a citation")), "{text:?}");
        // An unknown slug is only known to be unknown once the database is asked.
        let v = parse("x.toml", &GOOD.replace("target = \"russia\"", "target = \"rusia\"")).unwrap();
        assert_eq!(v.external_slugs.get("rusia").map(String::as_str), Some("relations[0].target"));
    }

    #[test]
    fn periods_ending_before_they_start_and_duplicates_are_refused() {
        let bad = GOOD.replace("from = \"2002\"", "from = \"2002\"\nto = \"2001\"");
        let p = parse("b.toml", &bad).unwrap_err().0;
        assert_eq!(p[0].place, "relations[0].periods[0].to");
        let dup = GOOD.replace("slug = \"russia\"", "slug = \"nato\"");
        let p = parse("d.toml", &dup).unwrap_err().0;
        assert!(
            p.iter().any(|p| p.place == "entities[1].slug" && p.message.contains("duplicate slug `nato`")),
            "{p:?}"
        );
    }

    #[test]
    fn unknown_fields_and_syntax_errors_are_located() {
        let p = parse("u.toml", &GOOD.replace("name = \"NATO\"", "name = \"NATO\"\nnmae = \"x\"")).unwrap_err().0;
        assert!(p[0].message.contains("nmae"), "{p:?}");
        assert!(p[0].place.starts_with("line "), "{p:?}");
    }
}
