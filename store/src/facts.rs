//! The facts a bundle states, typed, and how each kind is stored.
//!
//! A validated bundle carries these values with everything parsed (dates,
//! statuses, kinds, vocabulary codes), so the loader never parses again.
//! Each kind of versioned fact implements [`Fact`]: how its content is read
//! back from a stored version (with the rows that version owns) and how a
//! new version is written. The loader's version cycle ([`crate::load`]) is
//! written once over this trait.

use chrono::{DateTime, Utc};
use domain::edtf::FuzzyDate;
use domain::period::Bounds;
use domain::text::fold;
use domain::{EntityKind, Status};
use entity::{
    alias, article, entity as ent, event, external_id, participant, quantity, relation, statement, statement_about,
    statement_quantity, status_period, Owned, Versioned,
};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// A stored value the loader cannot read back: a fault in the store, told
/// apart from a database error.
fn corrupt(what: impl std::fmt::Display) -> DbErr {
    DbErr::Custom(format!("stored data does not read back: {what}"))
}

/// Parses EDTF text read from the store.
pub(crate) fn stored_date(text: &str) -> Result<FuzzyDate, DbErr> {
    FuzzyDate::parse(text).map_err(corrupt)
}

/// One kind of versioned fact.
pub trait Fact: PartialEq + Sized + Send + Sync {
    /// The table of its versions.
    type Table: Versioned;

    /// The content of a stored version, with the rows it owns.
    fn read(
        db: &impl ConnectionTrait,
        row: &<Self::Table as EntityTrait>::Model,
    ) -> impl std::future::Future<Output = Result<Self, DbErr>> + Send;

    /// Writes this content as a new current version of `key`, recorded at
    /// `now`, with the rows it owns.
    fn write(
        &self,
        db: &impl ConnectionTrait,
        key: &str,
        now: i64,
    ) -> impl std::future::Future<Output = Result<(), DbErr>> + Send;

    /// One line for the revision log.
    fn summary(&self) -> String;
}

/// A fact that several articles may describe. Each article's part is kept
/// as its contribution; the fact is their merge, so no article's load can
/// erase what another gave.
///
/// The merge rule, the same for every kind: parts are taken in order of
/// their articles' publication (then article key), so the answer does not
/// depend on the order articles were loaded in. A single-valued field
/// (a name, a kind, a date) comes from the earliest article that gives it;
/// a list (aliases, identifiers, participants, figures) is the union of all,
/// in that order, without repeats.
pub trait Merge: Fact + Clone {
    /// What one article says of the fact.
    type Part: Serialize + DeserializeOwned + Send + Sync;

    /// The fact these parts make, in article order; `None` where together
    /// they do not say enough to make one.
    fn merge(parts: &[Self::Part]) -> Option<Self>;

    /// The part an article gave to a fact recorded before parts were kept.
    fn part_of(fact: &Self) -> Self::Part;

    /// One line on a part, for the revision log.
    fn describe(part: &Self::Part) -> String;
}

/// Facts whose every part is the whole fact as one article tells it.
macro_rules! merge_whole {
    ($fact:ty, |$parts:ident, $first:ident| $merged:expr) => {
        impl Merge for $fact {
            type Part = $fact;

            fn merge($parts: &[Self]) -> Option<Self> {
                let $first = $parts.first()?;
                Some($merged)
            }

            fn part_of(fact: &Self) -> Self {
                fact.clone()
            }

            fn describe(part: &Self) -> String {
                part.summary()
            }
        }
    };
}

/// The union of lists, in order, without repeats.
fn union<T: PartialEq + Clone>(lists: impl IntoIterator<Item = impl IntoIterator<Item = T>>) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for item in lists.into_iter().flatten() {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// The rows owned by one version row, in insertion order.
async fn children<E: Owned>(db: &impl ConnectionTrait, parent_id: i64) -> Result<Vec<E::Model>, DbErr> {
    E::find().filter(E::PARENT.eq(parent_id)).order_by_asc(E::ID).all(db).await
}

/// A published source.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleFact {
    pub title: String,
    pub publisher: String,
    pub url: Option<String>,
    pub published_at: DateTime<Utc>,
}

impl Fact for ArticleFact {
    type Table = article::Entity;

    async fn read(_db: &impl ConnectionTrait, row: &article::Model) -> Result<Self, DbErr> {
        let published_at = DateTime::from_timestamp_micros(row.published_at)
            .ok_or_else(|| corrupt(format_args!("article {} has publication instant {}", row.key, row.published_at)))?;
        Ok(ArticleFact {
            title: row.title.clone(),
            publisher: row.publisher.clone(),
            url: row.url.clone(),
            published_at,
        })
    }

    async fn write(&self, db: &impl ConnectionTrait, key: &str, now: i64) -> Result<(), DbErr> {
        article::Entity::insert(article::ActiveModel {
            key: Set(key.to_owned()),
            title: Set(self.title.clone()),
            publisher: Set(self.publisher.clone()),
            url: Set(self.url.clone()),
            published_at: Set(self.published_at.timestamp_micros()),
            recorded_at: Set(now),
            superseded_at: Set(None),
            ..Default::default()
        })
        .exec(db)
        .await?;
        Ok(())
    }

    fn summary(&self) -> String {
        format!("{} ({})", self.title, self.publisher)
    }
}

/// An identifier of an entity in another system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalId {
    pub scheme: String,
    pub value: String,
    pub url: Option<String>,
}

/// An actor, organisation or region.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityFact {
    pub kind: EntityKind,
    /// A category code of the vocabulary, checked against the kind.
    pub category: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub description: Option<String>,
    pub external_ids: Vec<ExternalId>,
}

/// What one article says of an entity: what it is (kind, category and
/// name, together) or only more names, identifiers or a description of an
/// entity another article defines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityPart {
    /// Kind, category code and name, given together or not at all.
    pub what: Option<(EntityKind, String, String)>,
    pub aliases: Vec<String>,
    pub description: Option<String>,
    pub external_ids: Vec<ExternalId>,
}

impl Merge for EntityFact {
    type Part = EntityPart;

    fn merge(parts: &[EntityPart]) -> Option<Self> {
        let (kind, category, name) = parts.iter().find_map(|p| p.what.clone())?;
        Some(EntityFact {
            kind,
            category,
            name,
            aliases: union(parts.iter().map(|p| p.aliases.clone())),
            description: parts.iter().find_map(|p| p.description.clone()),
            external_ids: union(parts.iter().map(|p| p.external_ids.clone())),
        })
    }

    fn part_of(fact: &Self) -> EntityPart {
        EntityPart {
            what: Some((fact.kind, fact.category.clone(), fact.name.clone())),
            aliases: fact.aliases.clone(),
            description: fact.description.clone(),
            external_ids: fact.external_ids.clone(),
        }
    }

    fn describe(part: &EntityPart) -> String {
        let mut out = match &part.what {
            Some((kind, category, name)) => format!("{name} ({kind} {category})"),
            None => "more on it".to_owned(),
        };
        if !part.aliases.is_empty() {
            out.push_str(&format!("; also called {}", part.aliases.join(", ")));
        }
        out
    }
}

impl Fact for EntityFact {
    type Table = ent::Entity;

    async fn read(db: &impl ConnectionTrait, row: &ent::Model) -> Result<Self, DbErr> {
        let kind = EntityKind::parse(&row.kind).map_err(corrupt)?;
        let aliases = children::<alias::Entity>(db, row.id).await?;
        let ids = children::<external_id::Entity>(db, row.id).await?;
        Ok(EntityFact {
            kind,
            category: row.category.clone(),
            name: row.name.clone(),
            aliases: aliases.into_iter().map(|a| a.name).collect(),
            description: row.description.clone(),
            external_ids: ids
                .into_iter()
                .map(|x| ExternalId { scheme: x.scheme, value: x.value, url: x.url })
                .collect(),
        })
    }

    async fn write(&self, db: &impl ConnectionTrait, key: &str, now: i64) -> Result<(), DbErr> {
        let row = ent::Entity::insert(ent::ActiveModel {
            slug: Set(key.to_owned()),
            kind: Set(self.kind.as_str().to_owned()),
            category: Set(self.category.clone()),
            name: Set(self.name.clone()),
            search_name: Set(fold(&self.name)),
            description: Set(self.description.clone()),
            recorded_at: Set(now),
            superseded_at: Set(None),
            ..Default::default()
        })
        .exec(db)
        .await?;
        let id = row.last_insert_id;
        if !self.aliases.is_empty() {
            alias::Entity::insert_many(self.aliases.iter().map(|a| alias::ActiveModel {
                entity_id: Set(id),
                name: Set(a.clone()),
                search_name: Set(fold(a)),
                ..Default::default()
            }))
            .exec(db)
            .await?;
        }
        if !self.external_ids.is_empty() {
            external_id::Entity::insert_many(self.external_ids.iter().map(|x| external_id::ActiveModel {
                entity_id: Set(id),
                scheme: Set(x.scheme.clone()),
                value: Set(x.value.clone()),
                url: Set(x.url.clone()),
                ..Default::default()
            }))
            .exec(db)
            .await?;
        }
        Ok(())
    }

    fn summary(&self) -> String {
        format!("{} ({} {})", self.name, self.kind, self.category)
    }
}

/// A lasting tie between two entities (its status history is in periods).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RelationFact {
    /// A relation type code of the vocabulary.
    pub rel_type: String,
    pub label: String,
    pub source: String,
    pub target: String,
    /// Given, or the relation type's default.
    pub symmetric: bool,
    pub body: Option<String>,
}

merge_whole!(RelationFact, |parts, first| first.clone());

impl Fact for RelationFact {
    type Table = relation::Entity;

    async fn read(_db: &impl ConnectionTrait, row: &relation::Model) -> Result<Self, DbErr> {
        Ok(RelationFact {
            rel_type: row.rel_type.clone(),
            label: row.label.clone(),
            source: row.source.clone(),
            target: row.target.clone(),
            symmetric: row.symmetric,
            body: row.body.clone(),
        })
    }

    async fn write(&self, db: &impl ConnectionTrait, key: &str, now: i64) -> Result<(), DbErr> {
        relation::Entity::insert(relation::ActiveModel {
            key: Set(key.to_owned()),
            rel_type: Set(self.rel_type.clone()),
            label: Set(self.label.clone()),
            source: Set(self.source.clone()),
            target: Set(self.target.clone()),
            symmetric: Set(self.symmetric),
            body: Set(self.body.clone()),
            recorded_at: Set(now),
            superseded_at: Set(None),
            ..Default::default()
        })
        .exec(db)
        .await?;
        Ok(())
    }

    fn summary(&self) -> String {
        format!("{} ({} {} → {})", self.label, self.rel_type, self.source, self.target)
    }
}

/// One status period of a relation, as one article tells it.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodFact {
    pub status: Status,
    /// `None`: the source gives no start.
    pub from: Option<FuzzyDate>,
    /// `None`: still open.
    pub to: Option<FuzzyDate>,
    pub note: Option<String>,
}

impl PeriodFact {
    /// The content of a stored period.
    pub fn read(row: &status_period::Model) -> Result<PeriodFact, DbErr> {
        Ok(PeriodFact {
            status: Status::parse(&row.status).map_err(corrupt)?,
            from: row.from_edtf.as_deref().map(stored_date).transpose()?,
            to: row.to_edtf.as_deref().map(stored_date).transpose()?,
            note: row.note.clone(),
        })
    }

    /// A new current row of this period for `relation_key`, whose ends are
    /// copied onto it.
    pub fn row(&self, relation_key: &str, ends: (&str, &str), now: i64) -> status_period::ActiveModel {
        let b = Bounds::of(self.from.as_ref(), self.to.as_ref());
        status_period::ActiveModel {
            relation_key: Set(relation_key.to_owned()),
            source: Set(ends.0.to_owned()),
            target: Set(ends.1.to_owned()),
            status: Set(self.status.as_str().to_owned()),
            from_edtf: Set(self.from.as_ref().map(|d| d.edtf.clone())),
            from_earliest: Set(b.from_earliest.column()),
            from_latest: Set(b.from_latest.column()),
            to_edtf: Set(self.to.as_ref().map(|d| d.edtf.clone())),
            to_earliest: Set(b.to_earliest.column()),
            to_latest: Set(b.to_latest.column()),
            note: Set(self.note.clone()),
            recorded_at: Set(now),
            superseded_at: Set(None),
            ..Default::default()
        }
    }
}

/// An entity's part in an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub entity: String,
    /// A participant role code of the vocabulary.
    pub role: String,
}

/// A figure a source gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quantity {
    pub what: String,
    pub value: f64,
    pub unit: Option<String>,
    pub approximate: bool,
}

/// Figures read back from either table of figures.
macro_rules! quantity_from {
    ($($table:ident),+) => {
        $(impl From<$table::Model> for Quantity {
            fn from(q: $table::Model) -> Quantity {
                Quantity { what: q.what, value: q.value, unit: q.unit, approximate: q.approximate }
            }
        })+
    };
}

quantity_from!(quantity, statement_quantity);

/// Writes figures owned by the version row `$id` of their fact.
macro_rules! quantities {
    ($table:ident, $parent:ident, $id:expr, $quantities:expr, $db:expr) => {
        if !$quantities.is_empty() {
            $table::Entity::insert_many($quantities.iter().map(|q| $table::ActiveModel {
                $parent: Set($id),
                what: Set(q.what.clone()),
                value: Set(q.value),
                unit: Set(q.unit.clone()),
                approximate: Set(q.approximate),
                ..Default::default()
            }))
            .exec($db)
            .await?;
        }
    };
}

/// Something that happened at a time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventFact {
    /// An event type code of the vocabulary.
    pub event_type: String,
    /// Given, or the event type's.
    pub cameo: Option<String>,
    pub title: String,
    pub summary: Option<String>,
    pub date: FuzzyDate,
    pub location: Option<String>,
    pub participants: Vec<Participant>,
    pub quantities: Vec<Quantity>,
}

merge_whole!(EventFact, |parts, first| EventFact {
    summary: parts.iter().find_map(|p| p.summary.clone()),
    cameo: parts.iter().find_map(|p| p.cameo.clone()),
    location: parts.iter().find_map(|p| p.location.clone()),
    participants: union(parts.iter().map(|p| p.participants.clone())),
    quantities: union(parts.iter().map(|p| p.quantities.clone())),
    ..first.clone()
});

impl Fact for EventFact {
    type Table = event::Entity;

    async fn read(db: &impl ConnectionTrait, row: &event::Model) -> Result<Self, DbErr> {
        let parts = children::<participant::Entity>(db, row.id).await?;
        let qs = children::<quantity::Entity>(db, row.id).await?;
        Ok(EventFact {
            event_type: row.event_type.clone(),
            cameo: row.cameo_code.clone(),
            title: row.title.clone(),
            summary: row.summary.clone(),
            date: stored_date(&row.date_edtf)?,
            location: row.location.clone(),
            participants: parts.into_iter().map(|p| Participant { entity: p.entity_slug, role: p.role }).collect(),
            quantities: qs.into_iter().map(Quantity::from).collect(),
        })
    }

    async fn write(&self, db: &impl ConnectionTrait, key: &str, now: i64) -> Result<(), DbErr> {
        let row = event::Entity::insert(event::ActiveModel {
            key: Set(key.to_owned()),
            event_type: Set(self.event_type.clone()),
            cameo_code: Set(self.cameo.clone()),
            title: Set(self.title.clone()),
            summary: Set(self.summary.clone()),
            date_edtf: Set(self.date.edtf.clone()),
            date_earliest: Set(self.date.earliest_day().number()),
            date_latest: Set(self.date.latest_day().number()),
            location: Set(self.location.clone()),
            recorded_at: Set(now),
            superseded_at: Set(None),
            ..Default::default()
        })
        .exec(db)
        .await?;
        let id = row.last_insert_id;
        if !self.participants.is_empty() {
            participant::Entity::insert_many(self.participants.iter().map(|p| participant::ActiveModel {
                event_id: Set(id),
                entity_slug: Set(p.entity.clone()),
                role: Set(p.role.clone()),
                ..Default::default()
            }))
            .exec(db)
            .await?;
        }
        quantities!(quantity, event_id, id, &self.quantities, db);
        Ok(())
    }

    fn summary(&self) -> String {
        format!("{} ({})", self.title, self.date.edtf)
    }
}

/// Something an entity said.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatementFact {
    pub speaker: String,
    pub date: FuzzyDate,
    pub quote: Option<String>,
    pub summary: String,
    pub about: Vec<String>,
    /// Figures the statement gives ("up to 100 monitors").
    pub quantities: Vec<Quantity>,
}

merge_whole!(StatementFact, |parts, first| StatementFact {
    quote: parts.iter().find_map(|p| p.quote.clone()),
    about: union(parts.iter().map(|p| p.about.clone())),
    quantities: union(parts.iter().map(|p| p.quantities.clone())),
    ..first.clone()
});

impl Fact for StatementFact {
    type Table = statement::Entity;

    async fn read(db: &impl ConnectionTrait, row: &statement::Model) -> Result<Self, DbErr> {
        let about = children::<statement_about::Entity>(db, row.id).await?;
        let qs = children::<statement_quantity::Entity>(db, row.id).await?;
        Ok(StatementFact {
            speaker: row.speaker.clone(),
            date: stored_date(&row.date_edtf)?,
            quote: row.quote.clone(),
            summary: row.summary.clone(),
            about: about.into_iter().map(|a| a.entity_slug).collect(),
            quantities: qs.into_iter().map(Quantity::from).collect(),
        })
    }

    async fn write(&self, db: &impl ConnectionTrait, key: &str, now: i64) -> Result<(), DbErr> {
        let row = statement::Entity::insert(statement::ActiveModel {
            key: Set(key.to_owned()),
            speaker: Set(self.speaker.clone()),
            date_edtf: Set(self.date.edtf.clone()),
            date_earliest: Set(self.date.earliest_day().number()),
            date_latest: Set(self.date.latest_day().number()),
            quote: Set(self.quote.clone()),
            summary: Set(self.summary.clone()),
            recorded_at: Set(now),
            superseded_at: Set(None),
            ..Default::default()
        })
        .exec(db)
        .await?;
        if !self.about.is_empty() {
            statement_about::Entity::insert_many(self.about.iter().map(|a| statement_about::ActiveModel {
                statement_id: Set(row.last_insert_id),
                entity_slug: Set(a.clone()),
                ..Default::default()
            }))
            .exec(db)
            .await?;
        }
        quantities!(statement_quantity, statement_id, row.last_insert_id, &self.quantities, db);
        Ok(())
    }

    fn summary(&self) -> String {
        self.summary.clone()
    }
}
