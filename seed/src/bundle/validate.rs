//! Checking a bundle's entries and article, every problem reported with
//! its place; an edit's entries are checked by the same rules, without an
//! article of their own.

use super::{
    ArticleSpec, Bundle, EntitySpec, EventSpec, QuantitySpec, RelationSpec, StatementSpec, ValidBundle, LONG_TEXT,
    MAX_FACTS, MAX_ITEMS, SHORT_TEXT,
};
use chrono::{DateTime, Utc};
use domain::edtf::FuzzyDate;
use domain::problem::{Problem, Problems};
use domain::slug::is_slug;
use domain::{vocabulary, EntityKind, Status};
use std::collections::{BTreeMap, HashMap, HashSet};
use store::facts::{
    ArticleFact, EntityPart, EventFact, ExternalId, Participant, PeriodFact, Quantity, RelationFact, StatementFact,
};
use store::{Cited, RelationEntry};

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

/// The facts of a bundle or an edit, checked and typed, before they are
/// tied to an article.
#[derive(Debug, Clone, Default)]
pub struct Entries {
    pub entities: Vec<Cited<EntityPart>>,
    pub mentions: Vec<Cited<()>>,
    pub relations: Vec<RelationEntry>,
    pub events: Vec<Cited<EventFact>>,
    pub statements: Vec<Cited<StatementFact>>,
    /// Slugs used without being defined, with the first place each is used.
    pub external_slugs: BTreeMap<String, String>,
}

/// Checks entries, adding every problem to `c`.
fn check_entries(
    c: &mut Checker<'_>,
    entities_in: &[EntitySpec],
    relations_in: &[RelationSpec],
    events_in: &[EventSpec],
    statements_in: &[StatementSpec],
) -> Entries {
    let facts = entities_in.len() + relations_in.len() + events_in.len() + statements_in.len();
    c.few("", facts, MAX_FACTS);
    let mut refs = References { kinds: HashMap::new(), external: BTreeMap::new() };
    let mut slugs = HashSet::new();
    let mut entities = Vec::new();
    let mut mentions = Vec::new();
    for (i, e) in entities_in.iter().enumerate() {
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
    for (i, r) in relations_in.iter().enumerate() {
        let place = format!("relations[{i}]");
        c.key(&format!("{place}.key"), &r.key, &mut keys, "relation key");
        let rel_type = vocabulary::relation_type(&r.rel_type);
        if rel_type.is_none() {
            c.add(format!("{place}.type"), format!("unknown relation type `{}` (see docs/vocabulary.md)", r.rel_type));
        }
        c.text(&format!("{place}.label"), &r.label);
        refs.check(c, format!("{place}.source"), &r.source, None);
        refs.check(c, format!("{place}.target"), &r.target, None);
        if r.source == r.target {
            c.add(format!("{place}.target"), "a relation needs two different ends");
        }
        if let Some(body) = &r.body {
            refs.check(c, format!("{place}.body"), body, Some(EntityKind::Organisation));
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
    for (i, e) in events_in.iter().enumerate() {
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
            refs.check(c, format!("{place}.location"), location, Some(EntityKind::Region));
        }
        for (j, p) in e.participants.iter().enumerate() {
            refs.check(c, format!("{place}.participants[{j}].entity"), &p.entity, None);
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
    for (i, s) in statements_in.iter().enumerate() {
        let place = format!("statements[{i}]");
        c.key(&format!("{place}.key"), &s.key, &mut keys, "statement key");
        refs.check(c, format!("{place}.speaker"), &s.speaker, None);
        let date = c.date(&format!("{place}.date"), &s.date);
        c.text(&format!("{place}.summary"), &s.summary);
        c.long(&format!("{place}.quote"), s.quote.as_ref());
        c.few(&format!("{place}.about"), s.about.len(), MAX_ITEMS);
        for (j, about) in s.about.iter().enumerate() {
            refs.check(c, format!("{place}.about[{j}]"), about, None);
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
    Entries { entities, mentions, relations, events, statements, external_slugs: refs.external }
}

/// Checks a parsed bundle; every problem is reported, not just the first.
pub fn validate(file: &str, bundle: Bundle) -> Result<ValidBundle, Problems> {
    let mut c = Checker { file, problems: Vec::new() };
    let a: &ArticleSpec = &bundle.article;
    if !is_slug(&a.key) {
        c.add("article.key", format!("`{}` is not a valid key: use lowercase ASCII words joined by hyphens", a.key));
    }
    c.text("article.title", &a.title);
    c.text("article.publisher", &a.publisher);
    let published_at = match DateTime::parse_from_rfc3339(&a.published_at) {
        Ok(t) => Some(t.with_timezone(&Utc)),
        Err(e) => {
            c.add("article.published_at", format!("`{}` is not an RFC 3339 instant: {e}", a.published_at));
            None
        }
    };
    let e = check_entries(&mut c, &bundle.entities, &bundle.relations, &bundle.events, &bundle.statements);
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
            entities: e.entities,
            mentions: e.mentions,
            relations: e.relations,
            events: e.events,
            statements: e.statements,
            external_slugs: e.external_slugs,
        }),
        _ => Err(Problems(c.problems)),
    }
}

/// Checks facts a curator sends without a bundle by a bundle's rules
/// (places name them as in a bundle: `entities[0].name`). They are cited to
/// an article the edit names, so none is made up here.
pub fn validate_entries(
    entities: &[EntitySpec],
    relations: &[RelationSpec],
    events: &[EventSpec],
    statements: &[StatementSpec],
) -> Result<Entries, Problems> {
    let mut c = Checker { file: "edit", problems: Vec::new() };
    let entries = check_entries(&mut c, entities, relations, events, statements);
    if c.problems.is_empty() {
        Ok(entries)
    } else {
        Err(Problems(c.problems))
    }
}
