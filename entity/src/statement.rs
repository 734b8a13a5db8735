//! One version of something an entity said.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "statement")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub key: String,
    /// Slug of the entity that said it.
    pub speaker: String,
    pub date_edtf: String,
    pub date_earliest: i32,
    pub date_latest: i32,
    pub quote: Option<String>,
    pub summary: String,
    /// Record time (microseconds since the Unix epoch, UTC) when this row was written.
    pub recorded_at: i64,
    /// Record time when a later row replaced or retracted this one; `None` while current.
    pub superseded_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
