//! Throwaway databases for tests, on SQLite or PostgreSQL.
//!
//! Without `TEST_DATABASE_URL` a test gets a fresh SQLite file in the
//! temporary directory. With `TEST_DATABASE_URL` pointing at a PostgreSQL
//! server, it gets a fresh database with a random name on that server. Both
//! are migrated by the real `Migrator`, and both are removed when the
//! [`TestDb`] is dropped, even if the test panicked.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use std::sync::atomic::{AtomicU64, Ordering};

/// A migrated, empty database that removes itself on drop.
pub struct TestDb {
    pub db: DatabaseConnection,
    /// URL of the database, for code that opens its own connections.
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

fn unique_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!("kb_test_{}_{}_{}", std::process::id(), nanos, COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// Replaces the database name (the URL path) of a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{}", &base[..host_end], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl TestDb {
    /// A fresh database on the backend the environment selects.
    pub async fn new() -> Result<TestDb, DbErr> {
        let name = unique_name();
        match std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
            Some(admin_url) => {
                let admin = seed::db::connect(&admin_url, seed::db::Pool::of(1)).await?;
                admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await?;
                admin.close().await?;
                let url = with_database(&admin_url, &name);
                let db = seed::db::open(&url, seed::db::Pool::of(8)).await?;
                Ok(TestDb { db, url, cleanup: Cleanup::Postgres { admin_url, name } })
            }
            None => {
                let path = std::env::temp_dir().join(format!("{name}.sqlite"));
                let url = format!("sqlite://{}?mode=rwc", path.display());
                let db = seed::db::open(&url, seed::db::Pool::of(8)).await?;
                Ok(TestDb { db, url, cleanup: Cleanup::File(path) })
            }
        }
    }

    /// Which backend this is, for messages.
    pub fn backend(&self) -> &'static str {
        match self.cleanup {
            Cleanup::File(_) => "sqlite",
            Cleanup::Postgres { .. } => "postgres",
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop may run inside a runtime; do the async work on a thread
                // of its own. The test's pool is not closed from there (its
                // connections belong to the test's runtime, which is blocked
                // here): FORCE ends them on the server side.
                let done = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
                    let Ok(runtime) = runtime else { return };
                    runtime.block_on(async move {
                        if let Ok(admin) = seed::db::connect(&admin_url, seed::db::Pool::of(1)).await {
                            let _ = admin
                                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                                .await;
                            let _ = admin.close().await;
                        }
                    });
                })
                .join();
                if done.is_err() {
                    eprintln!("could not drop test database {}", self.url);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_name_is_replaced_in_urls() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(with_database("postgres://u@h/db?sslmode=disable", "x"), "postgres://u@h/x?sslmode=disable");
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }
}
