//! A relation's status over a valid-time period with fuzzy ends. Unknown start and open end are stored as sentinel day numbers so that one range test serves every query; the EDTF columns stay empty for them.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "status_period")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub relation_key: String,
    /// The relation's source slug when this row was written (so timelines
    /// find an entity's status changes by index, without the relation).
    pub source: String,
    /// The relation's target slug when this row was written.
    pub target: String,
    /// `proposed`, `active`, `suspended` or `ended`.
    pub status: String,
    pub from_edtf: Option<String>,
    /// First day the start can denote (days since 1970-01-01); a far-past sentinel when the start is unknown.
    pub from_earliest: i32,
    /// Last day the start can denote; the far-past sentinel when unknown.
    pub from_latest: i32,
    pub to_edtf: Option<String>,
    /// First day the end can denote (days since 1970-01-01); the far-future sentinel while open.
    pub to_earliest: i32,
    /// Last day the end can denote (days since 1970-01-01); a far-future sentinel while open.
    pub to_latest: i32,
    pub note: Option<String>,
    /// Record time (microseconds since the Unix epoch, UTC) when this row was written.
    pub recorded_at: i64,
    /// Record time when a later row replaced or retracted this one; `None` while current.
    pub superseded_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
