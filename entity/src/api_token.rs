//! A token that may write. The secret is shown once, when the token is made; only its SHA-256 hash is kept, and `lookup` (a public part of the secret) finds the row so the hash can be compared in constant time.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "api_token")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Who writes with it; revisions name it as their author.
    pub name: String,
    /// `read`, `write` or `admin`.
    pub scope: String,
    #[sea_orm(unique)]
    pub lookup: String,
    /// SHA-256 of the whole secret, hex.
    pub secret_hash: String,
    /// Microseconds since the Unix epoch.
    pub created_at: i64,
    /// When it was revoked; `None` while it is valid.
    pub revoked_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
