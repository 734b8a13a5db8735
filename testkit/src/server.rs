//! The real server on port 0, in the test's process, over a [`TestDb`];
//! with a count of the SQL statements it runs, for tests that guard
//! against a query per row.

use crate::{Client, HttpResponse, TestDb};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

pub struct TestServer {
    pub addr: SocketAddr,
    pub db: TestDb,
    pub client: Client,
    /// SQL statements run by the server so far.
    pub statements: Arc<AtomicUsize>,
    /// Their text, in order, for messages.
    pub log: Arc<Mutex<Vec<String>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<()>>,
}

impl TestServer {
    /// A server over a database seeded with the shipped bundles.
    pub async fn seeded() -> TestServer {
        TestServer::start(TestDb::seeded().await).await
    }

    /// A server over a database holding only the first shipped bundle.
    pub async fn first_article() -> TestServer {
        TestServer::start(TestDb::first_article().await).await
    }

    /// A server over the given database.
    pub async fn start(db: TestDb) -> TestServer {
        TestServer::with_limits(db, api::config::Limits::default()).await
    }

    /// A server over the given database, with these limits.
    pub async fn with_limits(db: TestDb, limits: api::config::Limits) -> TestServer {
        let statements = Arc::new(AtomicUsize::new(0));
        let log = Arc::new(Mutex::new(Vec::new()));
        let (counter, sink) = (statements.clone(), log.clone());
        let store = store::testing::with_statement_log(&db.store, move |sql| {
            counter.fetch_add(1, Ordering::SeqCst);
            if let Ok(mut log) = sink.lock() {
                log.push(sql.chars().take(90).collect());
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
        let addr = listener.local_addr().expect("local address");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let handle = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            api::http::serve_with(store, listener, limits, shutdown).await.expect("server runs");
        });
        TestServer { addr, db, client: Client::new(addr), statements, log, stop: Some(stop), handle: Some(handle) }
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(handle) = self.handle.take() {
            handle.await.expect("server task ends cleanly");
        }
    }

    /// Sends one HTTP request and reads the whole response.
    pub async fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> HttpResponse {
        self.client.request(method, path, headers, body).await
    }

    /// POSTs a query with variables; returns the JSON response (data and errors).
    pub async fn post(&self, query: &str, variables: Value) -> Value {
        self.client.graphql(query, variables, None).await
    }

    /// POSTs a query that must succeed; returns `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let response = self.post(query, variables).await;
        assert!(response.get("errors").is_none(), "unexpected errors on {}: {response}", self.db.backend());
        response["data"].clone()
    }

    /// POSTs a query that must fail; returns the first error's code and message.
    pub async fn error(&self, query: &str, variables: Value) -> (String, String) {
        let response = self.post(query, variables).await;
        let error = &response["errors"][0];
        assert!(error.is_object(), "expected an error, got {response}");
        (
            error["extensions"]["code"].as_str().unwrap_or("<no code>").to_owned(),
            error["message"].as_str().unwrap_or_default().to_owned(),
        )
    }

    /// A write token with this name and scope.
    pub async fn token(&self, name: &str, scope: store::tokens::Scope) -> String {
        self.db.store.create_token(name, scope).await.expect("a token").secret
    }

    /// Runs a mutation (or query) with a bearer token; the JSON answer.
    pub async fn as_curator(&self, token: &str, query: &str, variables: Value) -> Value {
        self.client.graphql(query, variables, Some(token)).await
    }

    /// The JSON of `body` POSTed as it is (a batch, say).
    pub async fn post_raw(&self, body: &Value) -> HttpResponse {
        self.request("POST", "/graphql", &[("Content-Type", "application/json")], &json!(body).to_string()).await
    }
}
