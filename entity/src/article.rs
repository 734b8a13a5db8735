//! A published source. Versioned in record time like every fact: a corrected title is a new row with the same `key`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "article")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Stable key from the seed bundle.
    pub key: String,
    pub title: String,
    pub publisher: String,
    pub url: Option<String>,
    /// Publication instant, microseconds since the Unix epoch (UTC).
    pub published_at: i64,
    /// Record time (microseconds since the Unix epoch, UTC) when this row was written.
    pub recorded_at: i64,
    /// Record time when a later row replaced or retracted this one; `None` while current.
    pub superseded_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
