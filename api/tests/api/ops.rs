//! Operations and HTTP hygiene: health, readiness and metrics endpoints,
//! request IDs, security headers, CORS, and the limits on slow clients,
//! connections, answers and time.

use api::config::Limits;
use serde_json::json;
use std::time::Duration;
use testkit::{TestDb, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn first_article_with(limits: Limits) -> TestServer {
    let db = testkit::TestDb::new().await.expect("test database");
    let (name, text) = seed::bundled()[0];
    db.store.load(&seed::parse_bundled(name, text).expect("valid"), "seed").await.expect("loads");
    TestServer::with_limits(db, limits).await
}

#[tokio::test]
async fn health_readiness_and_metrics_are_served() {
    let s = TestServer::first_article().await;
    let alive = s.request("GET", "/healthz", &[], "").await;
    assert_eq!((alive.status, alive.json()), (200, json!({ "status": "ok" })));
    let ready = s.request("GET", "/readyz", &[], "").await;
    assert_eq!((ready.status, ready.json()), (200, json!({ "status": "ok" })));
    s.data(r#"query Georgia { entity(slug: "georgia") { name } }"#, json!({})).await;
    s.post(r#"{ relations(entity: "atlantis") { totalCount } }"#, json!({})).await;
    let metrics = s.request("GET", "/metrics", &[], "").await;
    assert_eq!(metrics.status, 200);
    assert!(metrics.header("content-type").is_some_and(|t| t.starts_with("text/plain")));
    for line in [
        r#"graphql_requests_total{operation="Georgia",outcome="ok"} 1"#,
        r#"graphql_errors_total{code="NOT_FOUND"} 1"#,
        r#"http_requests_total{route="/graphql",status="200"}"#,
        "graphql_request_duration_seconds_bucket",
        "graphql_query_cost_bucket",
        "db_pool_connections",
    ] {
        assert!(metrics.body.contains(line), "/metrics lacks {line}:\n{}", metrics.body);
    }
    s.stop().await;
}

#[tokio::test]
async fn requests_carry_ids_and_the_playground_its_security_headers() {
    let s = TestServer::first_article().await;
    let page = s.request("GET", "/", &[("Accept", "text/html")], "").await;
    assert_eq!(page.status, 200);
    let csp = page.header("content-security-policy").expect("a CSP");
    assert!(csp.contains("script-src 'self'") && !csp.contains("script-src 'self' 'unsafe"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    let api =
        s.request("POST", "/graphql", &[("Content-Type", "application/json")], r#"{"query":"{ __typename }"}"#).await;
    assert_eq!(api.header("x-content-type-options"), Some("nosniff"));
    let generated = api.header("x-request-id").expect("an id").to_owned();
    let again = s.request("GET", "/healthz", &[], "").await;
    assert_ne!(again.header("x-request-id"), Some(generated.as_str()), "each request has its own id");
    let kept = s.request("GET", "/healthz", &[("X-Request-Id", "dash-42")], "").await;
    assert_eq!(kept.header("x-request-id"), Some("dash-42"), "a client's id is kept");
    let replaced = s.request("GET", "/healthz", &[("X-Request-Id", "<script>")], "").await;
    assert_ne!(replaced.header("x-request-id"), Some("<script>"));
    let missing = s.request("GET", "/nowhere", &[], "").await;
    assert_eq!((missing.status, missing.json()["errors"][0]["extensions"]["code"].as_str()), (404, Some("NOT_FOUND")));
    s.stop().await;
}

#[tokio::test]
async fn cors_allows_only_the_configured_origins() {
    let closed = TestServer::first_article().await;
    let pre = [("Origin", "https://dash.example"), ("Access-Control-Request-Method", "POST")];
    let answer = closed.request("OPTIONS", "/graphql", &pre, "").await;
    assert_eq!(answer.header("access-control-allow-origin"), None, "no origin is allowed by default");
    closed.stop().await;

    let limits = Limits { cors_origins: vec!["https://dash.example".into()], ..Limits::default() };
    let open = first_article_with(limits).await;
    let answer = open.request("OPTIONS", "/graphql", &pre, "").await;
    assert_eq!(answer.header("access-control-allow-origin"), Some("https://dash.example"));
    let other = [("Origin", "https://evil.example"), ("Access-Control-Request-Method", "POST")];
    let answer = open.request("OPTIONS", "/graphql", &other, "").await;
    assert_eq!(answer.header("access-control-allow-origin"), None);
    open.stop().await;
}

#[tokio::test]
async fn slow_clients_are_cut_off_and_connections_are_capped() {
    let limits = Limits {
        header_timeout: Duration::from_millis(300),
        body_timeout: Duration::from_millis(300),
        max_clients: 2,
        ..Limits::default()
    };
    let s = first_article_with(limits).await;

    // Half a request head: the connection is closed once the time is up.
    let mut slow = tokio::net::TcpStream::connect(s.addr).await.expect("connect");
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.expect("write");
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "a client that never finishes its head is cut off");

    // Half a body: the request fails once the time is up.
    let mut slow = tokio::net::TcpStream::connect(s.addr).await.expect("connect");
    slow.write_all(
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"qu",
    )
    .await
    .expect("write");
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "a client that never finishes its body is cut off");
    let text = String::from_utf8_lossy(&buf);
    assert!(text.is_empty() || text.starts_with("HTTP/1.1 408"), "{text}");

    // Two clients hold both connections; a third waits until one leaves.
    let mut a = tokio::net::TcpStream::connect(s.addr).await.expect("connect");
    let mut b = tokio::net::TcpStream::connect(s.addr).await.expect("connect");
    a.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.expect("write");
    b.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.expect("write");
    let mut first = [0u8; 12];
    a.read_exact(&mut first).await.expect("a is served");
    b.read_exact(&mut first).await.expect("b is served");
    let third = tokio::spawn({
        let addr = s.addr;
        async move { testkit::Client::new(addr).request("GET", "/healthz", &[], "").await.status }
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert!(!third.is_finished(), "a third connection waits while two are open");
    drop(a);
    let status =
        tokio::time::timeout(Duration::from_secs(5), third).await.expect("served once one leaves").expect("task");
    assert_eq!(status, 200);
    drop(b);
    s.stop().await;
}

#[tokio::test]
async fn answers_and_requests_are_bounded_in_size_and_time() {
    let small = first_article_with(Limits { max_response_bytes: 2_048, ..Limits::default() }).await;
    let big =
        small.post("{ entities(first: 100) { edges { node { slug name description aliases } } } }", json!({})).await;
    assert_eq!(big["errors"][0]["extensions"]["code"], "RESPONSE_TOO_LARGE", "{big}");
    assert!(big["errors"][0]["message"].as_str().expect("message").contains("2048"));
    small.stop().await;

    // A query that takes well over a millisecond: a page of 100 entities,
    // each with its relations, over synthetic data.
    let db = TestDb::new().await.expect("test database");
    store::synth::generate(&db.store, store::synth::SynthSpec::new(200, 2_000)).await.expect("synthetic data");
    let limits = Limits { request_timeout: Duration::from_millis(1), ..Limits::default() };
    let quick = TestServer::with_limits(db, limits).await;
    let slow = quick
        .post("{ entities(first: 100) { edges { node { relations(first: 20) { totalCount edges { node { label history { status } } } } } } } }", json!({}))
        .await;
    assert_eq!(slow["errors"][0]["extensions"]["code"], "TIMEOUT", "{slow}");
    quick.stop().await;
}
