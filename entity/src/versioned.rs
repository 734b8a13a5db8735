//! Tables of facts in record time.
//!
//! Every fact row carries `recorded_at` and `superseded_at`; closing a row
//! (setting `superseded_at`) is the only update the store ever makes. A
//! fact named by a stable key (an article, an entity, a relation, an event,
//! a statement) is a sequence of such rows; the current version is the row
//! not yet superseded. [`Recorded`] and [`Versioned`] name, for each table,
//! the columns that make it one, so that code reading or writing versions
//! (the loader's version cycle, the store's lookups by key) is written once.

use crate::{
    alias, article, citation, contribution, entity, event, external_id, participant, quantity, relation, statement,
    statement_about, statement_quantity, status_period,
};
use domain::FactKind;
use sea_orm::EntityTrait;

/// A table whose rows live in record time.
pub trait Recorded: EntityTrait + Default {
    const ID: Self::Column;
    const RECORDED_AT: Self::Column;
    const SUPERSEDED_AT: Self::Column;
}

/// A table whose rows are versions of facts named by a stable key.
pub trait Versioned: Recorded {
    /// What citations and revisions call this kind of fact.
    const KIND: FactKind;
    /// The stable key (a slug for entities).
    const KEY: Self::Column;

    /// The stable key of a row.
    fn key(row: &Self::Model) -> &str;
    /// The id of a row.
    fn id(row: &Self::Model) -> i64;
}

macro_rules! recorded {
    ($($module:ident),+) => {
        $(impl Recorded for $module::Entity {
            const ID: $module::Column = $module::Column::Id;
            const RECORDED_AT: $module::Column = $module::Column::RecordedAt;
            const SUPERSEDED_AT: $module::Column = $module::Column::SupersededAt;
        })+
    };
}

recorded!(article, citation, contribution, entity, event, relation, statement, status_period);

macro_rules! versioned {
    ($module:ident, $kind:ident, $key:ident, $field:ident) => {
        impl Versioned for $module::Entity {
            const KIND: FactKind = FactKind::$kind;
            const KEY: $module::Column = $module::Column::$key;

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

/// A table of rows owned by one version row of a fact (an entity's aliases,
/// an event's participants): they are written with that row and never
/// change, so they are versioned with it.
pub trait Owned: EntityTrait {
    /// The column naming the owning row.
    const PARENT: Self::Column;
    const ID: Self::Column;

    /// The owning row of a row.
    fn parent(row: &Self::Model) -> i64;
}

macro_rules! owned {
    ($($module:ident . $parent:ident => $column:ident),+ $(,)?) => {
        $(impl Owned for $module::Entity {
            const PARENT: $module::Column = $module::Column::$column;
            const ID: $module::Column = $module::Column::Id;

            fn parent(row: &$module::Model) -> i64 {
                row.$parent
            }
        })+
    };
}

owned!(
    alias.entity_id => EntityId,
    external_id.entity_id => EntityId,
    participant.event_id => EventId,
    quantity.event_id => EventId,
    statement_about.statement_id => StatementId,
    statement_quantity.statement_id => StatementId,
);
