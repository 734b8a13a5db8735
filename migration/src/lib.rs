//! Schema migrations. They describe tables and indexes only and never load
//! data, so they run unchanged on PostgreSQL and SQLite. The server applies
//! them at start-up.

pub use sea_orm_migration::prelude::*;

mod m20260101_000001_create_tables;

pub use m20260101_000001_create_tables::START_CLASSES;

/// Every migration of the knowledge base, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m20260101_000001_create_tables::Migration)]
    }
}
