//! Every SQL statement of the knowledge base, behind one handle: [`Store`].
//!
//! It owns connecting and migrating ([`db`]), the reads the API answers
//! from ([`read`]), the append-only write side ([`write`]) and the typed
//! facts it writes ([`facts`]), write tokens ([`tokens`]), the change feed
//! over LISTEN/NOTIFY ([`feed`]) and synthetic data for benchmarks
//! ([`synth`]). Its connection is private: nothing above this crate holds a
//! database handle or writes SQL. The rules it applies come from `domain`
//! (through `entity::rules` for SQL), its tables from `entity` and
//! `migration`; it knows nothing of GraphQL, HTTP or bundle files.

pub mod db;
mod error;
pub mod facts;
pub mod feed;
pub mod read;
mod sql;
pub mod synth;
#[cfg(feature = "testing")]
pub mod testing;
pub mod tokens;
pub mod write;

pub use error::{Error, Result};
pub use sql::Page;
pub use write::{Cited, Contribution, Edit, LoadReport, RelationEntry, Warning};

use sea_orm::{DatabaseBackend, DatabaseConnection};
use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Handle on the knowledge base, cheap to clone. A request's store may hold
/// only so many pool connections at once (its gate), so one request cannot
/// take the pool from the others.
#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    gate: Option<Arc<Semaphore>>,
}

impl Store {
    /// Opens the database at `url`: connects, migrates to the latest schema.
    pub async fn open(url: &str, pool: db::Pool) -> Result<Store> {
        Ok(Store::new(db::open(url, pool).await?))
    }

    pub(crate) fn new(db: DatabaseConnection) -> Self {
        Store { db, gate: None }
    }

    /// The store of one request, holding at most `connections` pool
    /// connections at once.
    pub fn for_request(&self, connections: usize) -> Store {
        Store { db: self.db.clone(), gate: Some(Arc::new(Semaphore::new(connections.max(1)))) }
    }

    /// Waits for the request's turn to use a connection; held while it does.
    pub(crate) async fn turn(&self) -> Option<OwnedSemaphorePermit> {
        match &self.gate {
            Some(gate) => gate.clone().acquire_owned().await.ok(),
            None => None,
        }
    }

    /// Which database it is: `postgres` or `sqlite`.
    pub fn backend(&self) -> &'static str {
        match self.db.get_database_backend() {
            DatabaseBackend::Postgres => "postgres",
            _ => "sqlite",
        }
    }

    /// Closes the pool's connections.
    pub async fn close(self) -> Result<()> {
        Ok(self.db.close().await?)
    }
}
