//! An entity a statement version is about.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "statement_about")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub statement_id: i64,
    pub entity_slug: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
