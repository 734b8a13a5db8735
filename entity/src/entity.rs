//! One version of an actor, organisation or region. Other tables refer to it by `slug`, which is stable across versions.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "entity")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub slug: String,
    /// `actor`, `organisation` or `region`.
    pub kind: String,
    pub category: String,
    pub name: String,
    /// Name folded for search: lowercase, accents removed.
    pub search_name: String,
    pub description: Option<String>,
    /// Record time (microseconds since the Unix epoch, UTC) when this row was written.
    pub recorded_at: i64,
    /// Record time when a later row replaced or retracted this one; `None` while current.
    pub superseded_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
