//! Throwaway databases, on SQLite or PostgreSQL.
//!
//! Without `TEST_DATABASE_URL` a test gets a fresh SQLite file in the
//! temporary directory. With `TEST_DATABASE_URL` pointing at a PostgreSQL
//! server, it gets a fresh database with a random name on that server. Both
//! are migrated by the real `Migrator`, and both are removed when the
//! [`TestDb`] is dropped, even if the test panicked.

use std::sync::atomic::{AtomicU64, Ordering};
use store::Store;

/// A migrated, empty database that removes itself on drop.
pub struct TestDb {
    pub store: Store,
    /// URL of the database, for code that opens its own connections.
    pub url: String,
    cleanup: Cleanup,
    /// This test's share of the machine (see [`crate::alone`]).
    _turn: Option<tokio::sync::OwnedRwLockReadGuard<()>>,
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
    pub async fn new() -> store::Result<TestDb> {
        let _turn = crate::alone::shared().await;
        let name = unique_name();
        match std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
            Some(admin_url) => {
                store::db::create_database(&admin_url, &name).await?;
                let url = with_database(&admin_url, &name);
                let store = Store::open(&url, store::db::Pool::of(8)).await?;
                Ok(TestDb { store, url, cleanup: Cleanup::Postgres { admin_url, name }, _turn })
            }
            None => {
                let path = std::env::temp_dir().join(format!("{name}.sqlite"));
                let url = format!("sqlite://{}?mode=rwc", path.display());
                let store = Store::open(&url, store::db::Pool::of(8)).await?;
                Ok(TestDb { store, url, cleanup: Cleanup::File(path), _turn })
            }
        }
    }

    /// A fresh database holding every shipped bundle.
    pub async fn seeded() -> TestDb {
        let db = TestDb::new().await.expect("test database");
        seed::seed_if_empty(&db.store).await.expect("the shipped bundles load");
        db
    }

    /// A fresh database holding only the first shipped bundle, for tests
    /// that check what that one article says.
    pub async fn first_article() -> TestDb {
        let db = TestDb::new().await.expect("test database");
        let (name, text) = seed::bundled()[0];
        let valid = seed::parse_bundled(name, text).expect("the first bundle is valid");
        db.store.load(&valid, "seed").await.expect("the first bundle loads");
        db
    }

    /// Loads a bundle's text (which must be valid) as `author`.
    pub async fn load(&self, file: &str, text: &str, author: &str) -> store::LoadReport {
        let valid = seed::bundle::parse(file, text).unwrap_or_else(|p| panic!("{file} is not valid:\n{p}"));
        self.store.load(&valid, author).await.unwrap_or_else(|e| panic!("{file} does not load: {e}"))
    }

    /// The raw connection, for tests that read rows back or break them.
    pub fn raw(&self) -> &store::testing::Connection {
        store::testing::connection(&self.store)
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
                        let _ = store::db::drop_database(&admin_url, &name).await;
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
