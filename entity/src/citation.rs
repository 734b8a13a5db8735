//! Links a fact to the article that supports it. Facts are named by kind and stable key (a status period by its row id), so a citation outlives corrections of the fact it supports.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "citation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `entity`, `relation`, `period`, `event` or `statement`.
    pub subject_kind: String,
    pub subject_key: String,
    pub article_key: String,
    pub quote: Option<String>,
    /// Record time (microseconds since the Unix epoch, UTC) when this row was written.
    pub recorded_at: i64,
    /// Record time when a later row replaced or retracted this one; `None` while current.
    pub superseded_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
