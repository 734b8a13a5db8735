//! A figure a statement states ("up to 100 monitors"); belongs to one version row of `statement`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "statement_quantity")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub statement_id: i64,
    pub what: String,
    pub value: f64,
    pub unit: Option<String>,
    /// The source gives it as a bound or an estimate.
    pub approximate: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
