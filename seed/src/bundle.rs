//! Seed bundles: one TOML file per article, holding the article and every
//! fact it supports (format: `docs/seed-format.md`).
//!
//! A bundle is parsed and validated completely before anything is written,
//! so an editor sees every problem at once, each named by file and place
//! (`relations[2].periods[0].from`), and a bad bundle writes nothing.

use chrono::{DateTime, Utc};
use domain::edtf::FuzzyDate;
use domain::problem::{Problem, Problems};
use domain::slug::is_slug;
use domain::{vocabulary, EntityKind, Status};
use serde::Deserialize;
use store::facts::{
    ArticleFact, EntityPart, EventFact, ExternalId, Participant, PeriodFact, Quantity, RelationFact, StatementFact,
};
pub use store::{Cited, RelationEntry};

/// A bundle that passed validation: every value parsed and checked, ready
/// to write without parsing anything again.
pub type ValidBundle = store::Contribution;
use std::collections::{BTreeMap, HashMap, HashSet};
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

struct Checker<'a> {
    file: &'a str,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn add(&mut self, place: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem { file: self.file.to_owned(), place: place.into(), message: message.into() });
    }

    fn text(&mut self, place: &str, value: &str) {
        if value.trim().is_empty() {
            self.add(place, "must not be empty");
        }
        self.at_most(place, value, SHORT_TEXT);
    }

    /// A text that may be long (a summary, a quote), but not unbounded.
    fn long(&mut self, place: &str, value: Option<&String>) {
        if let Some(value) = value {
            self.at_most(place, value, LONG_TEXT);
        }
    }

    fn at_most(&mut self, place: &str, value: &str, limit: usize) {
        let n = value.chars().count();
        if n > limit {
            self.add(place, format!("is {n} characters long; at most {limit} are allowed"));
        }
    }

    /// A list of at most `limit` items.
    fn few(&mut self, place: &str, len: usize, limit: usize) {
        if len > limit {
            self.add(place, format!("has {len} items; at most {limit} are allowed"));
        }
    }

    /// The citation of a fact; every fact needs one.
    fn cite(&mut self, place: &str, cite: &Option<String>) -> String {
        match cite {
            None => {
                self.add(place, "a fact needs a citation: add `cite` with the supporting words from the article");
                String::new()
            }
            Some(c) if c.trim().is_empty() => {
                self.add(format!("{place}.cite"), "must not be empty");
                String::new()
            }
            Some(c) => {
                self.at_most(&format!("{place}.cite"), c, LONG_TEXT);
                c.clone()
            }
        }
    }

    fn date(&mut self, place: &str, value: &str) -> Option<FuzzyDate> {
        match FuzzyDate::parse(value) {
            Ok(d) => Some(d),
            Err(e) => {
                self.add(place, e.to_string());
                None
            }
        }
    }

    /// An article's part of an entity, with its names and identifiers checked.
    fn entity_part(&mut self, place: &str, what: Option<(EntityKind, String, String)>, e: &EntitySpec) -> EntityPart {
        self.few(&format!("{place}.aliases"), e.aliases.len(), MAX_ITEMS);
        self.few(&format!("{place}.external_ids"), e.external_ids.len(), MAX_ITEMS);
        self.long(&format!("{place}.description"), e.description.as_ref());
        for (j, alias) in e.aliases.iter().enumerate() {
            self.text(&format!("{place}.aliases[{j}]"), alias);
        }
        for (j, x) in e.external_ids.iter().enumerate() {
            self.text(&format!("{place}.external_ids[{j}].scheme"), &x.scheme);
            self.text(&format!("{place}.external_ids[{j}].value"), &x.value);
        }
        EntityPart {
            what,
            aliases: e.aliases.clone(),
            description: e.description.clone(),
            external_ids: e
                .external_ids
                .iter()
                .map(|x| ExternalId { scheme: x.scheme.clone(), value: x.value.clone(), url: x.url.clone() })
                .collect(),
        }
    }

    /// Figures, checked.
    fn quantities(&mut self, place: &str, specs: &[QuantitySpec]) -> Vec<Quantity> {
        self.few(&format!("{place}.quantities"), specs.len(), MAX_ITEMS);
        for (j, q) in specs.iter().enumerate() {
            self.text(&format!("{place}.quantities[{j}].what"), &q.what);
            if !q.value.is_finite() {
                self.add(format!("{place}.quantities[{j}].value"), "must be a finite number");
            }
        }
        specs
            .iter()
            .map(|q| Quantity {
                what: q.what.clone(),
                value: q.value,
                unit: q.unit.clone(),
                approximate: q.approximate,
            })
            .collect()
    }

    /// A date that may be left out; `Err` when it is given but invalid
    /// (reported), so that it never reads as "not given".
    fn optional_date(&mut self, place: &str, value: Option<&str>) -> Result<Option<FuzzyDate>, ()> {
        match value {
            None => Ok(None),
            Some(text) => self.date(place, text).map(Some).ok_or(()),
        }
    }

    fn key(&mut self, place: &str, key: &str, seen: &mut HashSet<String>, what: &str) {
        if !is_slug(key) {
            self.add(place, format!("`{key}` is not a valid {what}: use lowercase ASCII words joined by hyphens"));
        } else if !seen.insert(key.to_owned()) {
            self.add(place, format!("duplicate {what} `{key}`"));
        }
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

/// Slugs a bundle refers to, checked against those it defines.
struct References {
    kinds: HashMap<String, EntityKind>,
    external: BTreeMap<String, String>,
}

impl References {
    /// Checks a reference to an entity; one the bundle does not define must
    /// exist in the database, which only the loader can ask.
    fn check(&mut self, c: &mut Checker, place: String, slug: &str, want: Option<EntityKind>) {
        if !is_slug(slug) {
            c.add(place, format!("`{slug}` is not a valid slug"));
            return;
        }
        match (self.kinds.get(slug), want) {
            (Some(kind), Some(want)) if *kind != want => c.add(place, format!("`{slug}` is a {kind}, not a {want}")),
            (Some(_), _) => {}
            (None, _) => {
                self.external.entry(slug.to_owned()).or_insert(place);
            }
        }
    }
}

/// Checks a parsed bundle; every problem is reported, not just the first.
pub fn validate(file: &str, bundle: Bundle) -> Result<ValidBundle, Problems> {
    let mut c = Checker { file, problems: Vec::new() };

    let a = &bundle.article;
    if !is_slug(&a.key) {
        c.add("article.key", format!("`{}` is not a valid key: use lowercase ASCII words joined by hyphens", a.key));
    }
    let facts = bundle.entities.len() + bundle.relations.len() + bundle.events.len() + bundle.statements.len();
    c.few("", facts, MAX_FACTS);
    c.text("article.title", &a.title);
    c.text("article.publisher", &a.publisher);
    let published_at = match DateTime::parse_from_rfc3339(&a.published_at) {
        Ok(t) => Some(t.with_timezone(&Utc)),
        Err(e) => {
            c.add("article.published_at", format!("`{}` is not an RFC 3339 instant: {e}", a.published_at));
            None
        }
    };

    let mut refs = References { kinds: HashMap::new(), external: BTreeMap::new() };
    let mut slugs = HashSet::new();
    let mut entities = Vec::new();
    let mut mentions = Vec::new();
    for (i, e) in bundle.entities.iter().enumerate() {
        let place = format!("entities[{i}]");
        c.key(&format!("{place}.slug"), &e.slug, &mut slugs, "slug");
        let more = !e.aliases.is_empty() || e.description.is_some() || !e.external_ids.is_empty();
        let (Some(kind_code), Some(category), Some(name)) = (&e.kind, &e.category, &e.name) else {
            if e.kind.is_some() || e.category.is_some() || e.name.is_some() {
                c.add(
                    place.clone(),
                    "give kind, category and name together, or leave all three out for an entity another article defines",
                );
            }
            let cite = c.cite(&place, &e.cite);
            refs.external.entry(e.slug.clone()).or_insert(format!("{place}.slug"));
            if more {
                entities.push(Cited { key: e.slug.clone(), cite, fact: c.entity_part(&place, None, e) });
            } else {
                mentions.push(Cited { key: e.slug.clone(), cite, fact: () });
            }
            continue;
        };
        let kind = match EntityKind::parse(kind_code) {
            Err(unknown) => {
                c.add(format!("{place}.kind"), unknown.to_string());
                None
            }
            Ok(kind) if vocabulary::entity_category(kind, category).is_none() => {
                c.add(
                    format!("{place}.category"),
                    format!("unknown category `{category}` for kind {kind} (see docs/vocabulary.md)"),
                );
                Some(kind)
            }
            Ok(kind) => Some(kind),
        };
        c.text(&format!("{place}.name"), name);
        let cite = c.cite(&place, &e.cite);
        if let Some(kind) = kind {
            refs.kinds.insert(e.slug.clone(), kind);
            let what = (kind, category.clone(), name.clone());
            entities.push(Cited { key: e.slug.clone(), cite, fact: c.entity_part(&place, Some(what), e) });
        }
    }

    let mut keys = HashSet::new();
    let mut relations = Vec::new();
    for (i, r) in bundle.relations.iter().enumerate() {
        let place = format!("relations[{i}]");
        c.key(&format!("{place}.key"), &r.key, &mut keys, "relation key");
        let rel_type = vocabulary::relation_type(&r.rel_type);
        if rel_type.is_none() {
            c.add(format!("{place}.type"), format!("unknown relation type `{}` (see docs/vocabulary.md)", r.rel_type));
        }
        c.text(&format!("{place}.label"), &r.label);
        refs.check(&mut c, format!("{place}.source"), &r.source, None);
        refs.check(&mut c, format!("{place}.target"), &r.target, None);
        if r.source == r.target {
            c.add(format!("{place}.target"), "a relation needs two different ends");
        }
        if let Some(body) = &r.body {
            refs.check(&mut c, format!("{place}.body"), body, Some(EntityKind::Organisation));
        }
        let cite = c.cite(&place, &r.cite);
        c.few(&format!("{place}.periods"), r.periods.len(), MAX_ITEMS);
        let mut periods = Vec::new();
        for (j, p) in r.periods.iter().enumerate() {
            let pp = format!("{place}.periods[{j}]");
            let status = Status::parse(&p.status).map_err(|e| c.add(format!("{pp}.status"), e.to_string())).ok();
            let from = c.optional_date(&format!("{pp}.from"), p.from.as_deref());
            let to = c.optional_date(&format!("{pp}.to"), p.to.as_deref());
            if let (Ok(Some(from)), Ok(Some(to))) = (&from, &to) {
                if to.latest < from.earliest {
                    c.add(
                        format!("{pp}.to"),
                        format!("the period ends ({}) before it starts ({})", to.edtf, from.edtf),
                    );
                }
            }
            let cite = c.cite(&pp, &p.cite);
            c.long(&format!("{pp}.note"), p.note.as_ref());
            if let (Some(status), Ok(from), Ok(to)) = (status, from, to) {
                periods.push(Cited {
                    key: String::new(),
                    cite,
                    fact: PeriodFact { status, from, to, note: p.note.clone() },
                });
            }
        }
        if let Some(t) = rel_type {
            relations.push(RelationEntry {
                relation: Cited {
                    key: r.key.clone(),
                    cite,
                    fact: RelationFact {
                        rel_type: t.code.to_owned(),
                        label: r.label.clone(),
                        source: r.source.clone(),
                        target: r.target.clone(),
                        symmetric: r.symmetric.unwrap_or(t.symmetric),
                        body: r.body.clone(),
                    },
                },
                periods,
            });
        }
    }

    let mut keys = HashSet::new();
    let mut events = Vec::new();
    for (i, e) in bundle.events.iter().enumerate() {
        let place = format!("events[{i}]");
        c.key(&format!("{place}.key"), &e.key, &mut keys, "event key");
        let event_type = vocabulary::event_type(&e.event_type);
        if event_type.is_none() {
            c.add(format!("{place}.type"), format!("unknown event type `{}` (see docs/vocabulary.md)", e.event_type));
        }
        c.text(&format!("{place}.title"), &e.title);
        c.long(&format!("{place}.summary"), e.summary.as_ref());
        c.few(&format!("{place}.participants"), e.participants.len(), MAX_ITEMS);
        let date = c.date(&format!("{place}.date"), &e.date);
        if let Some(location) = &e.location {
            refs.check(&mut c, format!("{place}.location"), location, Some(EntityKind::Region));
        }
        for (j, p) in e.participants.iter().enumerate() {
            refs.check(&mut c, format!("{place}.participants[{j}].entity"), &p.entity, None);
            if vocabulary::participant_role(&p.role).is_none() {
                c.add(
                    format!("{place}.participants[{j}].role"),
                    format!("unknown role `{}` (see docs/vocabulary.md)", p.role),
                );
            }
        }
        let quantities = c.quantities(&place, &e.quantities);
        let cite = c.cite(&place, &e.cite);
        if let (Some(t), Some(date)) = (event_type, date) {
            events.push(Cited {
                key: e.key.clone(),
                cite,
                fact: EventFact {
                    event_type: t.code.to_owned(),
                    cameo: e.cameo.clone().or_else(|| t.cameo.map(str::to_owned)),
                    title: e.title.clone(),
                    summary: e.summary.clone(),
                    date,
                    location: e.location.clone(),
                    participants: e
                        .participants
                        .iter()
                        .map(|p| Participant { entity: p.entity.clone(), role: p.role.clone() })
                        .collect(),
                    quantities,
                },
            });
        }
    }

    let mut keys = HashSet::new();
    let mut statements = Vec::new();
    for (i, s) in bundle.statements.iter().enumerate() {
        let place = format!("statements[{i}]");
        c.key(&format!("{place}.key"), &s.key, &mut keys, "statement key");
        refs.check(&mut c, format!("{place}.speaker"), &s.speaker, None);
        let date = c.date(&format!("{place}.date"), &s.date);
        c.text(&format!("{place}.summary"), &s.summary);
        c.long(&format!("{place}.quote"), s.quote.as_ref());
        c.few(&format!("{place}.about"), s.about.len(), MAX_ITEMS);
        for (j, about) in s.about.iter().enumerate() {
            refs.check(&mut c, format!("{place}.about[{j}]"), about, None);
        }
        let quantities = c.quantities(&place, &s.quantities);
        let cite = c.cite(&place, &s.cite);
        if let Some(date) = date {
            statements.push(Cited {
                key: s.key.clone(),
                cite,
                fact: StatementFact {
                    speaker: s.speaker.clone(),
                    date,
                    quote: s.quote.clone(),
                    summary: s.summary.clone(),
                    about: s.about.clone(),
                    quantities,
                },
            });
        }
    }

    match (c.problems.is_empty(), published_at) {
        (true, Some(published_at)) => Ok(ValidBundle {
            file: file.to_owned(),
            article: Cited {
                key: a.key.clone(),
                cite: String::new(),
                fact: ArticleFact {
                    title: a.title.clone(),
                    publisher: a.publisher.clone(),
                    url: a.url.clone(),
                    published_at,
                },
            },
            entities,
            mentions,
            relations,
            events,
            statements,
            external_slugs: refs.external,
        }),
        _ => Err(Problems(c.problems)),
    }
}

/// Checks facts a curator sends without a bundle, as a bundle's would be
/// checked (places name them as in a bundle: `entities[0].name`). The
/// facts are cited to an article the edit names, so none is given here.
pub fn validate_entries(
    entities: Vec<EntitySpec>,
    relations: Vec<RelationSpec>,
    events: Vec<EventSpec>,
    statements: Vec<StatementSpec>,
) -> Result<ValidBundle, Problems> {
    let article = ArticleSpec {
        key: "edit".into(),
        title: "edit".into(),
        publisher: "edit".into(),
        url: None,
        published_at: "1970-01-01T00:00:00Z".into(),
        text: None,
    };
    validate("edit", Bundle { article, entities, relations, events, statements })
}

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
