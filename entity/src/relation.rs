//! One version of a lasting tie between two entities. Its status history lives in `status_period`, keyed by `key`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "relation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub key: String,
    #[sea_orm(column_name = "type")]
    pub rel_type: String,
    pub label: String,
    /// Slug of the source entity.
    pub source: String,
    /// Slug of the target entity.
    pub target: String,
    pub symmetric: bool,
    /// Slug of the organisation that embodies the tie.
    pub body: Option<String>,
    /// Record time (microseconds since the Unix epoch, UTC) when this row was written.
    pub recorded_at: i64,
    /// Record time when a later row replaced or retracted this one; `None` while current.
    pub superseded_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
