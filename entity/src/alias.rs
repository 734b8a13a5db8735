//! Another name of an entity version; belongs to that version row, so it is versioned with it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "alias")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub entity_id: i64,
    pub name: String,
    /// Alias folded for search: lowercase, accents removed.
    pub search_name: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
