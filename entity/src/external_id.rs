//! An identifier of an entity version in another system (Wikidata, ISO 3166).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "external_id")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub entity_id: i64,
    pub scheme: String,
    pub value: String,
    pub url: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
