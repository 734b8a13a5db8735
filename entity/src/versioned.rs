//! Tables of versioned facts.
//!
//! A fact (an article, an entity, a relation, an event, a statement) is a
//! sequence of rows sharing one stable key; the current version is the row
//! not yet superseded. [`Versioned`] names, for each such table, the columns
//! that make it one, so that code reading or writing versions (the loader's
//! version cycle, the store's lookups by key) is written once for all.

use crate::{article, entity, event, relation, statement};
use domain::FactKind;
use sea_orm::EntityTrait;

/// A table whose rows are versions of facts named by a stable key.
pub trait Versioned: EntityTrait + Default {
    /// What citations and revisions call this kind of fact.
    const KIND: FactKind;
    /// The stable key (a slug for entities).
    const KEY: Self::Column;
    const ID: Self::Column;
    const RECORDED_AT: Self::Column;
    const SUPERSEDED_AT: Self::Column;

    /// The stable key of a row.
    fn key(row: &Self::Model) -> &str;
    /// The id of a row.
    fn id(row: &Self::Model) -> i64;
}

macro_rules! versioned {
    ($module:ident, $kind:ident, $key:ident, $field:ident) => {
        impl Versioned for $module::Entity {
            const KIND: FactKind = FactKind::$kind;
            const KEY: $module::Column = $module::Column::$key;
            const ID: $module::Column = $module::Column::Id;
            const RECORDED_AT: $module::Column = $module::Column::RecordedAt;
            const SUPERSEDED_AT: $module::Column = $module::Column::SupersededAt;

            fn key(row: &$module::Model) -> &str {
                &row.$field
            }

            fn id(row: &$module::Model) -> i64 {
                row.id
            }
        }
    };
}

versioned!(article, Article, Key, key);
versioned!(entity, Entity, Slug, slug);
versioned!(relation, Relation, Key, key);
versioned!(event, Event, Key, key);
versioned!(statement, Statement, Key, key);
