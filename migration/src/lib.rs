//! Schema migrations. They describe tables and indexes only and never load
//! data, so they run unchanged on PostgreSQL and SQLite. The server applies
//! them at start-up.
//!
//! A migration that has landed is never edited: a change to the schema is
//! a new migration. `tests/frozen.rs` holds a fingerprint of every landed
//! migration's source and fails when one changes.

pub use sea_orm_migration::prelude::*;

// Landed migrations are kept byte for byte, so the formatter leaves them be.
#[rustfmt::skip]
mod m20260101_000001_create_tables;
#[rustfmt::skip]
mod m20261128_000002_period_end_earliest;
#[rustfmt::skip]
mod m20261128_000003_curation;

pub use m20260101_000001_create_tables::START_CLASSES;
pub use m20261128_000002_period_end_earliest::OPEN_END_DEFAULT;

/// Every migration of the knowledge base, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20260101_000001_create_tables::Migration),
            Box::new(m20261128_000002_period_end_earliest::Migration),
            Box::new(m20261128_000003_curation::Migration),
        ]
    }
}
