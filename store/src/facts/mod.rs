//! The facts a bundle states, typed, and how each kind is stored.
//!
//! A validated bundle carries these values with everything parsed (dates,
//! statuses, kinds, vocabulary codes), so the loader never parses again.
//! Each kind of versioned fact implements [`Fact`]: how its content is read
//! back from a stored version (with the rows that version owns) and how a
//! new version is written. The write side's version cycle
//! (`crate::write`) is written once over this trait.

use chrono::{DateTime, Utc};
use domain::edtf::FuzzyDate;
use entity::{article, Owned, Versioned};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde::{de::DeserializeOwned, Serialize};

/// A stored value the loader cannot read back: a fault in the store, told
/// apart from a database error.
pub(crate) fn corrupt(what: impl std::fmt::Display) -> DbErr {
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
pub(crate) fn union<T: PartialEq + Clone>(lists: impl IntoIterator<Item = impl IntoIterator<Item = T>>) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for item in lists.into_iter().flatten() {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// The rows owned by one version row, in insertion order.
pub(crate) async fn children<E: Owned>(db: &impl ConnectionTrait, parent_id: i64) -> Result<Vec<E::Model>, DbErr> {
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

mod entities;
mod events;
mod relations;

pub use entities::{EntityFact, EntityPart, ExternalId};
pub use events::{EventFact, Participant, Quantity, StatementFact};
pub use relations::{PeriodFact, RelationFact};
