//! What one article says of one fact (an entity, a relation, an event, a statement), as JSON. The fact's row is the merge of its current contributions, so reloading one article changes only its own part.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "contribution")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `entity`, `relation`, `event` or `statement`.
    pub subject_kind: String,
    pub subject_key: String,
    pub article_key: String,
    /// The article's part, in the JSON form of the loader's fact types.
    #[sea_orm(column_type = "Text")]
    pub content: String,
    /// Record time (microseconds since the Unix epoch, UTC) when this row was written.
    pub recorded_at: i64,
    /// Record time when a later row replaced or retracted this one; `None` while current.
    pub superseded_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
