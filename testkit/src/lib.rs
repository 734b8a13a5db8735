//! The one test harness of the workspace.
//!
//! - [`TestDb`]: a fresh, migrated database per test, on SQLite (default) or
//!   PostgreSQL (`TEST_DATABASE_URL`), removed afterwards even if the test
//!   panicked;
//! - [`TestServer`]: the real server on port 0 over such a database, in the
//!   test's process, with a count of the SQL it runs; [`Process`]: the real
//!   binary in a process of its own;
//! - [`Client`]: an HTTP client (reqwest) with the few helpers the tests
//!   share; [`fixtures`]: the bundles tests write, written once;
//! - [`alone`]: for a test that measures time or memory, the machine to itself.

pub mod alone;
mod client;
mod db;
pub mod fixtures;
mod process;
mod server;

pub use alone::alone;
pub use client::{Client, HttpResponse, RawResponse};
pub use db::TestDb;
pub use process::Process;
pub use server::TestServer;

/// The strings at `field` of every edge node of a connection.
pub fn node_strings(connection: &serde_json::Value, field: &str) -> Vec<String> {
    connection["edges"]
        .as_array()
        .map(|edges| edges.iter().map(|e| e["node"][field].as_str().unwrap_or_default().to_owned()).collect())
        .unwrap_or_default()
}
