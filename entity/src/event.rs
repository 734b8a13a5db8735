//! One version of something that happened at a (fuzzy) time.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub key: String,
    #[sea_orm(column_name = "type")]
    pub event_type: String,
    pub cameo_code: Option<String>,
    pub title: String,
    pub summary: Option<String>,
    pub date_edtf: String,
    /// First day the date can denote (days since 1970-01-01).
    pub date_earliest: i32,
    /// Last day the date can denote (days since 1970-01-01).
    pub date_latest: i32,
    /// Slug of the region where it happened.
    pub location: Option<String>,
    /// Record time (microseconds since the Unix epoch, UTC) when this row was written.
    pub recorded_at: i64,
    /// Record time when a later row replaced or retracted this one; `None` while current.
    pub superseded_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
