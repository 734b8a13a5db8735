//! Opening a database by URL: PostgreSQL (`postgres://...`) or an SQLite
//! file (`sqlite://kb.sqlite?mode=rwc`), through the same sea-orm code, with
//! the schema migrated to the latest version.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use std::time::Duration;

/// Connects and applies every pending migration.
pub async fn open(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    let db = connect(url, max_connections).await?;
    Migrator::up(&db, None).await?;
    Ok(db)
}

/// Connects without migrating.
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(max_connections)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        // No ping before every query: a broken connection fails its query
        // and is replaced, and /health reports an unreachable database.
        .test_before_acquire(false)
        .sqlx_logging(false);
    Database::connect(options).await
}
