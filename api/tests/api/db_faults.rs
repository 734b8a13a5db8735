//! The database going away, for real: the test makes its own throwaway
//! PostgreSQL cluster with the machine's `initdb` and `pg_ctl`, serves it
//! with the real binary, stops the cluster in the middle of reads and
//! writes, and starts it again. While it is down, requests fail fast with
//! DATABASE_UNAVAILABLE, /readyz says 503 and the process stays up; once it
//! is back, the server serves again within seconds without a restart; every
//! write answered as done is in the database, and none that failed is.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use store::tokens::Scope;
use testkit::{Client, Process};

/// The directory of PostgreSQL's server programs on this machine.
fn pg_bin() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL's programs are installed under /usr/lib/postgresql")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().expect("an initdb")
}

/// Runs a PostgreSQL program as the `postgres` user when this is root (the
/// server refuses to run as root).
fn as_postgres(program: &Path, args: &[&str]) -> std::process::Output {
    let root = Command::new("id").arg("-u").output().map(|o| o.stdout == b"0\n").unwrap_or(false);
    let mut command = if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    command.args(args).output().expect("the program runs")
}

/// A throwaway cluster, stopped and removed on drop.
struct Cluster {
    dir: PathBuf,
    port: u16,
}

impl Cluster {
    fn create() -> Cluster {
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("addr").port();
        let dir = std::env::temp_dir().join(format!("kb-fault-cluster-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("make the cluster's folder");
        let _ = Command::new("chown").args(["postgres:postgres", &dir.display().to_string()]).status();
        let data = dir.join("data");
        let out = as_postgres(
            &pg_bin().join("initdb"),
            &["-D", &data.display().to_string(), "-A", "trust", "-U", "postgres"],
        );
        assert!(out.status.success(), "initdb: {}", String::from_utf8_lossy(&out.stderr));
        let cluster = Cluster { dir, port };
        cluster.start();
        cluster
    }

    fn pg_ctl(&self, args: &[&str]) -> std::process::Output {
        let data = self.dir.join("data").display().to_string();
        let mut all = vec!["-D", data.as_str()];
        all.extend_from_slice(args);
        as_postgres(&pg_bin().join("pg_ctl"), &all)
    }

    fn start(&self) {
        let options = format!("-p {} -k {} -c listen_addresses=127.0.0.1", self.port, self.dir.display());
        let log = self.dir.join("log").display().to_string();
        let out = self.pg_ctl(&["-o", &options, "-l", &log, "-w", "start"]);
        assert!(out.status.success(), "pg_ctl start: {}", String::from_utf8_lossy(&out.stderr));
    }

    fn stop(&self) {
        let out = self.pg_ctl(&["-m", "immediate", "-w", "stop"]);
        assert!(out.status.success(), "pg_ctl stop: {}", String::from_utf8_lossy(&out.stderr));
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.pg_ctl(&["-m", "immediate", "stop"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn query(addr: std::net::SocketAddr, token: Option<&str>, query: &str, variables: Value) -> (Value, Duration) {
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("Content-Type", "application/json")];
    if let Some(auth) = &auth {
        headers.push(("Authorization", auth.as_str()));
    }
    let body = json!({ "query": query, "variables": variables }).to_string();
    let started = Instant::now();
    let answer = Client::new(addr).request("POST", "/graphql", &headers, &body).await;
    (answer.json(), started.elapsed())
}

fn article(n: usize) -> String {
    format!("[article]\nkey = \"test-fault-{n}\"\ntitle = \"T{n}\"\npublisher = \"Test\"\npublished_at = \"2008-09-01T00:00:00Z\"\n")
}

const INGEST: &str = "mutation($t: String!) { ingestBundle(toml: $t) { created } }";
const READ: &str = r#"{ entity(slug: "georgia") { name } }"#;

#[tokio::test]
async fn the_server_survives_the_database_going_away_and_coming_back() {
    let _alone = testkit::alone().await;
    let cluster = Cluster::create();
    let store = store::Store::open(&cluster.url(), store::db::Pool::of(2)).await.expect("the cluster answers");
    let (name, text) = seed::bundled()[0];
    store.load(&seed::parse_bundled(name, text).expect("valid"), "seed").await.expect("seeded");
    let token = store.create_token("fault", Scope::Write).await.expect("a token").secret;
    store.close().await.expect("close");

    let mut server = Process::start(
        env!("CARGO_BIN_EXE_api"),
        &cluster.url(),
        &[("KB_DB_WAIT_MS", "1000"), ("KB_STATEMENT_TIMEOUT_MS", "2000")],
    )
    .await;
    let addr = server.addr;
    let mut done = Vec::new();
    let mut failed = Vec::new();
    for n in 0..3 {
        let (answer, _) = query(addr, Some(&token), INGEST, json!({ "t": article(n) })).await;
        assert!(answer["errors"].is_null(), "{answer}");
        done.push(n);
    }

    cluster.stop();
    // Reads fail fast, and say why.
    for _ in 0..3 {
        let (answer, took) = query(addr, None, READ, json!({})).await;
        assert_eq!(answer["errors"][0]["extensions"]["code"], "DATABASE_UNAVAILABLE", "{answer}");
        assert!(took < Duration::from_secs(4), "a request took {took:?} while the database was down");
    }
    let (answer, _) = query(addr, Some(&token), INGEST, json!({ "t": article(10) })).await;
    assert_eq!(answer["errors"][0]["extensions"]["code"], "DATABASE_UNAVAILABLE", "{answer}");
    failed.push(10);
    let ready = Client::new(addr).request("GET", "/readyz", &[], "").await;
    assert_eq!(ready.status, 503);
    let alive = Client::new(addr).request("GET", "/healthz", &[], "").await;
    assert_eq!(alive.status, 200);
    assert!(server.alive(), "the process stays up");

    cluster.start();
    let back = Instant::now();
    loop {
        let ready = Client::new(addr).request("GET", "/readyz", &[], "").await;
        if ready.status == 200 {
            break;
        }
        assert!(back.elapsed() < Duration::from_secs(15), "not ready 15 s after the database returned");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mut recovered = false;
    for _ in 0..20 {
        let (answer, _) = query(addr, None, READ, json!({})).await;
        if answer["data"]["entity"]["name"] == "Georgia" {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(recovered, "reads answer again without a restart");
    for n in 3..5 {
        let (answer, _) = query(addr, Some(&token), INGEST, json!({ "t": article(n) })).await;
        assert!(answer["errors"].is_null(), "{answer}");
        done.push(n);
    }
    assert!(back.elapsed() < Duration::from_secs(20));

    // Every write answered as done is there; the failed one left nothing.
    let (articles, _) = query(addr, None, "{ articles(first: 100) { edges { node { key } } } }", json!({})).await;
    let keys: Vec<&str> = articles["data"]["articles"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter_map(|e| e["node"]["key"].as_str())
        .collect();
    for n in done {
        assert!(keys.contains(&format!("test-fault-{n}").as_str()), "{keys:?}");
    }
    for n in failed {
        assert!(!keys.contains(&format!("test-fault-{n}").as_str()), "{keys:?}");
    }
    server.stop().await;
}
