//! One client cannot starve the others: while one sends the most costly
//! query the cost limit admits, in a loop, another client's small query
//! keeps answering quickly; and once the load stops, the server's memory
//! returns towards where it was. The real binary, in a process of its own,
//! over a synthetic knowledge base (SQLite, or PostgreSQL with
//! `TEST_DATABASE_URL`).

use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use testkit::{Client, Process};

/// Close to the default limit (about 176,000): 100 entities, 80 relations
/// of each, 20 periods of each.
const HEAVY: &str = r#"{ entities(first: 100) { edges { node { slug
  relations(first: 80, asOf: "1990-01-01") { edges { node { label history(first: 20) { status } } } } } } } }"#;
const LIGHT: &str = r#"{ entity(slug: "synth-e1") { name } }"#;

async fn post(addr: std::net::SocketAddr, query: &str) -> Value {
    let body = json!({ "query": query }).to_string();
    Client::new(addr).request("POST", "/graphql", &[("Content-Type", "application/json")], &body).await.json()
}

#[tokio::test]
async fn a_costly_client_does_not_starve_a_light_one() {
    let _alone = testkit::alone().await;
    let db = testkit::TestDb::new().await.expect("test database");
    store::synth::generate(&db.store, store::synth::SynthSpec::new(1_000, 20_000)).await.expect("synthetic data");
    let mut server = Process::start(env!("CARGO_BIN_EXE_api"), &db.url, &[]).await;
    let addr = server.addr;

    let heavy = post(addr, HEAVY).await;
    assert!(
        heavy["errors"].is_null(),
        "the heavy query is admitted: {}",
        &heavy.to_string()[..300.min(heavy.to_string().len())]
    );
    let cost = heavy["extensions"]["cost"]["requested"].as_u64().expect("cost");
    assert!(cost > api::graphql::DEFAULT_COST_LIMIT * 3 / 4, "the heavy query is near the limit: {cost}");
    for _ in 0..5 {
        assert_eq!(post(addr, LIGHT).await["data"]["entity"]["name"], "Synthland 1");
    }
    let idle = server.rss_kib().expect("memory");

    let stop = Arc::new(AtomicBool::new(false));
    let rounds = Arc::new(AtomicUsize::new(0));
    let loader = tokio::spawn({
        let (stop, rounds) = (stop.clone(), rounds.clone());
        async move {
            while !stop.load(Ordering::Relaxed) {
                let answer = post(addr, HEAVY).await;
                assert!(answer["errors"].is_null() || answer["errors"][0]["extensions"]["code"] == "TIMEOUT");
                rounds.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut times = Vec::new();
    for _ in 0..200 {
        let started = Instant::now();
        let answer = post(addr, LIGHT).await;
        times.push(started.elapsed());
        assert_eq!(answer["data"]["entity"]["name"], "Synthland 1", "{answer}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    stop.store(true, Ordering::Relaxed);
    loader.await.expect("the heavy client ends");
    times.sort();
    let p99 = times[times.len() * 99 / 100];
    let peak = server.rss_kib().expect("memory");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = server.rss_kib().expect("memory");
    eprintln!(
        "heavy rounds {}, light p50 {:?} p99 {:?}, memory idle {idle} KiB, peak {peak} KiB, after {after} KiB",
        rounds.load(Ordering::Relaxed),
        times[times.len() / 2],
        p99
    );
    assert!(rounds.load(Ordering::Relaxed) >= 1, "the heavy client ran");
    assert!(p99 < Duration::from_millis(100), "the light client's p99 was {p99:?}");
    assert!(after <= 2 * idle, "memory after the load {after} KiB, idle {idle} KiB");
    server.stop().await;
}
