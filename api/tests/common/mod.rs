//! Test harness: a real server on port 0 over a fresh database (SQLite, or
//! PostgreSQL with `TEST_DATABASE_URL`), and a small HTTP client.

#![allow(dead_code)]

use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use testkit::TestDb;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub struct TestServer {
    pub addr: SocketAddr,
    pub db: TestDb,
    /// SQL statements run by the server so far.
    pub statements: Arc<AtomicUsize>,
    /// Their text, in order, for messages.
    pub log: Arc<std::sync::Mutex<Vec<String>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<()>>,
}

pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

impl TestServer {
    /// A server over a database seeded with the bundled articles.
    pub async fn seeded() -> TestServer {
        let db = TestDb::new().await.expect("test database");
        seed::seed_if_empty(&db.db).await.expect("seeding works");
        TestServer::start(db).await
    }

    /// A server over a database holding only the first article's bundle,
    /// for tests that check what that one article says.
    pub async fn first_article() -> TestServer {
        let db = TestDb::new().await.expect("test database");
        let (name, text) = seed::bundled()[0];
        let valid = seed::parse_bundled(name, text).expect("the first bundle is valid");
        seed::load_bundle(&db.db, &valid, "seed").await.expect("the first bundle loads");
        TestServer::start(db).await
    }

    /// A server over the given database.
    pub async fn start(db: TestDb) -> TestServer {
        TestServer::with_limits(db, api::config::Limits::default()).await
    }

    /// A server over the given database, with these limits.
    pub async fn with_limits(db: TestDb, limits: api::config::Limits) -> TestServer {
        let statements = Arc::new(AtomicUsize::new(0));
        let mut conn = db.db.clone();
        let counter = statements.clone();
        let log = Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = log.clone();
        conn.set_metric_callback(move |info| {
            counter.fetch_add(1, Ordering::SeqCst);
            if let Ok(mut log) = sink.lock() {
                log.push(info.statement.sql.chars().take(90).collect());
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
        let addr = listener.local_addr().expect("local address");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let handle = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            api::http::serve_with(api::store::Store::new(conn), listener, limits, shutdown).await.expect("server runs");
        });
        TestServer { addr, db, statements, log, stop: Some(stop), handle: Some(handle) }
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(handle) = self.handle.take() {
            handle.await.expect("server task ends cleanly");
        }
    }

    /// Sends one HTTP/1.1 request and reads the whole response.
    pub async fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> HttpResponse {
        Client { addr: self.addr }.request(method, path, headers, body).await
    }

    /// POSTs a query with variables; returns the JSON response (data and errors).
    pub async fn post(&self, query: &str, variables: Value) -> Value {
        let body = json!({ "query": query, "variables": variables }).to_string();
        let response = self.request("POST", "/graphql", &[("Content-Type", "application/json")], &body).await;
        assert_eq!(response.status, 200, "{}", response.body);
        response.json()
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
}

/// A minimal HTTP/1.1 client for one server address.
pub struct Client {
    pub addr: SocketAddr,
}

/// A response whose body is kept as bytes (a compressed one, say).
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub bytes: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

impl Client {
    /// Sends one request and reads the response's body as bytes, de-chunked.
    pub async fn request_bytes(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> RawResponse {
        let mut stream = tokio::net::TcpStream::connect(self.addr).await.expect("connect");
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).await.expect("write head");
        stream.write_all(body.as_bytes()).await.expect("write body");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.expect("read response");
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a head and a body");
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        let mut body = raw[split + 4..].to_vec();
        let mut lines = head.lines();
        let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).expect("status line");
        let headers: Vec<(String, String)> =
            lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned())).collect();
        if headers.iter().any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked")) {
            let mut out = Vec::new();
            let mut rest = &body[..];
            while let Some(end) = rest.windows(2).position(|w| w == b"\r\n") {
                let size =
                    std::str::from_utf8(&rest[..end]).ok().and_then(|s| usize::from_str_radix(s.trim(), 16).ok());
                let Some(n) = size.filter(|n| *n > 0) else { break };
                out.extend_from_slice(&rest[end + 2..end + 2 + n]);
                rest = &rest[end + 2 + n + 2..];
            }
            body = out;
        }
        RawResponse { status, headers, bytes: body }
    }

    /// Sends one HTTP/1.1 request and reads the whole response.
    pub async fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> HttpResponse {
        let mut stream = tokio::net::TcpStream::connect(self.addr).await.expect("connect");
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).await.expect("write head");
        stream.write_all(body.as_bytes()).await.expect("write body");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.expect("read response");
        let text = String::from_utf8(raw).expect("UTF-8 response");
        let (head, body) = text.split_once("\r\n\r\n").expect("a head and a body");
        let mut lines = head.lines();
        let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).expect("status line");
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
            .collect::<Vec<_>>();
        let body = if headers.iter().any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"))
        {
            dechunk(body)
        } else {
            body.to_owned()
        };
        HttpResponse { status, headers, body }
    }
}

/// The real `api` binary serving a database, in a process of its own.
pub struct Process {
    pub addr: SocketAddr,
    child: tokio::process::Child,
}

impl Process {
    /// Starts the binary on a free port over the database at `url` (not
    /// seeding it) and waits until it serves.
    pub async fn start(url: &str) -> Process {
        Process::start_with(url, &[]).await
    }

    /// Like [`Process::start`], with these environment variables.
    pub async fn start_with(url: &str, env: &[(&str, &str)]) -> Process {
        Process::start_program(env!("CARGO_BIN_EXE_api"), url, env).await
    }

    /// Like [`Process::start_with`], with another build of the server.
    pub async fn start_program(program: &str, url: &str, env: &[(&str, &str)]) -> Process {
        use tokio::io::AsyncBufReadExt;
        let mut child = tokio::process::Command::new(program)
            .args(["--database-url", url, "--listen", "127.0.0.1:0", "--no-seed"])
            .env("RUST_LOG", "info")
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the api binary starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let addr = tokio::time::timeout(std::time::Duration::from_secs(30), async {
            while let Some(line) = lines.next_line().await.expect("read the log") {
                let plain = strip_ansi(&line);
                if let Some(rest) = plain.split("address=").nth(1) {
                    return rest.split_whitespace().next().and_then(|a| a.parse().ok());
                }
            }
            None
        })
        .await
        .expect("the server says where it serves within 30 s")
        .expect("an address in the log");
        // Keep draining the log so the process never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Process { addr, child }
    }

    pub async fn stop(&mut self) {
        let _ = self.child.kill().await;
    }

    /// The process's resident memory in KiB (Linux).
    pub fn rss_kib(&self) -> Option<u64> {
        let pid = self.child.id()?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        status.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()
    }

    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

fn strip_ansi(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else { break };
        if n == 0 {
            break;
        }
        out.push_str(&after[..n]);
        rest = &after[n + 2..];
    }
    out
}

/// The strings at `field` of every edge node of a connection.
pub fn node_strings(connection: &Value, field: &str) -> Vec<String> {
    connection["edges"]
        .as_array()
        .map(|edges| edges.iter().map(|e| e["node"][field].as_str().unwrap_or_default().to_owned()).collect())
        .unwrap_or_default()
}
