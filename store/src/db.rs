//! Opening a database by URL: PostgreSQL (`postgres://...`) or an SQLite
//! file (`sqlite://kb.sqlite?mode=rwc`), through the same sea-orm code, with
//! the schema migrated to the latest version.

use domain::{FuzzyDate, Until};
use entity::status_period;
use migration::{Migrator, MigratorTrait};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    TransactionTrait,
};
use std::time::Duration;

/// The database used when none is named: an SQLite file in the working
/// directory, created on first use.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://kb.sqlite?mode=rwc";

/// How a process uses its database connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pool {
    pub max_connections: u32,
    /// How long a query waits for a free connection before it fails, so
    /// that an unreachable database is reported quickly, not queued for.
    pub acquire_timeout: Duration,
    /// On PostgreSQL, how long one statement may run before the database
    /// cancels it.
    pub statement_timeout: Duration,
}

impl Pool {
    /// A pool of `max_connections` with the default timeouts.
    pub fn of(max_connections: u32) -> Pool {
        Pool { max_connections, acquire_timeout: Duration::from_secs(10), statement_timeout: Duration::from_secs(30) }
    }
}

/// Connects, applies every pending migration and fills the columns that
/// migrations added to rows written before them.
pub async fn open(url: &str, pool: Pool) -> Result<DatabaseConnection, DbErr> {
    let db = connect(url, pool).await?;
    Migrator::up(&db, None).await?;
    fill_period_end_earliest(&db).await?;
    Ok(db)
}

/// Connects without migrating.
pub async fn connect(url: &str, pool: Pool) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    let statement_timeout = pool.statement_timeout.as_millis().to_string();
    options
        .max_connections(pool.max_connections)
        .min_connections(1)
        .acquire_timeout(pool.acquire_timeout)
        // No ping before every query: a broken connection fails its query
        // and is replaced, and /readyz reports an unreachable database.
        .test_before_acquire(false)
        .sqlx_logging(false)
        .map_sqlx_postgres_opts(move |o| o.options([("statement_timeout", statement_timeout.as_str())]))
        .map_sqlx_postgres_pool_opts(|o| {
            o.after_connect(|_, _| {
                Box::pin(async {
                    no_delay_on_tcp_sockets();
                    Ok(())
                })
            })
        });
    Database::connect(options).await
}

/// Turns off Nagle's algorithm on every TCP socket of the process, as each
/// new database connection is made.
///
/// The PostgreSQL driver (sqlx 0.9.0) opens its TCP connections without
/// TCP_NODELAY and offers no way to ask for it. A request written in more
/// than one segment then waits for the server's delayed acknowledgement,
/// about 40 ms on Linux: an export's batch, whose period lookup binds a
/// thousand keys, spent 45 of its 65 ms waiting so. The driver's socket is
/// not reachable through its API, so the process's own descriptors are
/// walked instead; every TCP socket this server keeps (its listener, its
/// clients, the database) wants the option anyway, and on a descriptor that
/// is not a TCP socket the call fails and changes nothing.
#[cfg(target_os = "linux")]
pub fn no_delay_on_tcp_sockets() {
    let Ok(entries) = std::fs::read_dir("/proc/self/fd") else { return };
    for entry in entries.flatten() {
        let Some(fd) = entry.file_name().to_str().and_then(|n| n.parse::<libc::c_int>().ok()) else { continue };
        if !std::fs::read_link(entry.path()).is_ok_and(|target| target.to_string_lossy().starts_with("socket:")) {
            continue;
        }
        let on: libc::c_int = 1;
        // SAFETY: setsockopt reads `size_of::<c_int>()` bytes from `on`, a
        // live local, and writes no memory of this process; if `fd` was
        // closed or reused since it was listed, the call fails or sets the
        // option on another socket of this process, which wants it too.
        unsafe {
            libc::setsockopt(
                fd,
                libc::IPPROTO_TCP,
                libc::TCP_NODELAY,
                (&on as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            );
        }
    }
}

/// Elsewhere there is no descriptor listing to walk; connections keep the
/// driver's default.
#[cfg(not(target_os = "linux"))]
pub fn no_delay_on_tcp_sockets() {}

/// Periods written before `to_earliest` existed carry the open-end default
/// although their end is known: compute it from the stored EDTF text. This
/// derived column is the only one ever filled after a row is written, and
/// only once; it states nothing the row did not already say.
async fn fill_period_end_earliest(db: &DatabaseConnection) -> Result<(), DbErr> {
    let stale = status_period::Entity::find()
        .filter(status_period::Column::ToEdtf.is_not_null())
        .filter(status_period::Column::ToEarliest.eq(Until::Ever.column()))
        .all(db)
        .await?;
    if stale.is_empty() {
        return Ok(());
    }
    let txn = db.begin().await?;
    for p in stale {
        let text = p.to_edtf.as_deref().unwrap_or_default();
        let end = FuzzyDate::parse(text)
            .map_err(|e| DbErr::Custom(format!("status period {} has a stored end that does not parse: {e}", p.id)))?;
        status_period::Entity::update_many()
            .col_expr(status_period::Column::ToEarliest, Expr::value(end.earliest_day().number()))
            .filter(status_period::Column::Id.eq(p.id))
            .exec(&txn)
            .await?;
    }
    txn.commit().await
}

impl crate::Store {
    /// Open and idle connections of the pool.
    pub fn pool_use(&self) -> (u32, usize) {
        use sea_orm::DatabaseBackend;
        match self.db.get_database_backend() {
            DatabaseBackend::Postgres => {
                let pool = self.db.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
            DatabaseBackend::Sqlite => {
                let pool = self.db.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
            _ => (0, 0),
        }
    }

    /// Whether the store can serve: the database answers and has every
    /// migration this build knows applied. The error says what is wrong.
    pub async fn ready(&self) -> std::result::Result<(), String> {
        self.db.ping().await.map_err(|_| "the database does not answer".to_owned())?;
        let pending = Migrator::get_pending_migrations(&self.db)
            .await
            .map_err(|_| "the database's migrations cannot be read".to_owned())?;
        if pending.is_empty() {
            Ok(())
        } else {
            Err(format!("{} migrations are not applied", pending.len()))
        }
    }
}

/// Creates an empty PostgreSQL database called `name` on the server of
/// `admin_url` (for throwaway test databases). `name` must be a plain
/// identifier: ASCII letters, digits and underscores.
pub async fn create_database(admin_url: &str, name: &str) -> Result<(), DbErr> {
    let name = plain_identifier(name)?;
    let admin = connect(admin_url, Pool::of(1)).await?;
    admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await?;
    admin.close().await
}

/// Drops the PostgreSQL database `name`, ending its sessions first.
pub async fn drop_database(admin_url: &str, name: &str) -> Result<(), DbErr> {
    let name = plain_identifier(name)?;
    let admin = connect(admin_url, Pool::of(1)).await?;
    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await?;
    admin.close().await
}

fn plain_identifier(name: &str) -> Result<&str, DbErr> {
    if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        Ok(name)
    } else {
        Err(DbErr::Custom(format!("`{name}` is not a plain database name")))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_open_end_a_migration_wrote_as_default_is_the_domain_s() {
        assert_eq!(domain::Until::Ever.column(), migration::OPEN_END_DEFAULT);
    }
}
