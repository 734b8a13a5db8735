//! Live updates over WebSocket (graphql-transport-ws on /graphql): a
//! subscriber sees each committed change it asked for; on PostgreSQL, one
//! written through another server process too.

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::time::Duration;
use store::tokens::Scope;
use testkit::TestServer;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a subscription; returns the socket once the server acknowledged it.
async fn subscribe(addr: &str, query: &str) -> Socket {
    let mut request = format!("ws://{addr}/graphql").into_client_request().expect("a request");
    request.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().expect("a header"));
    let (mut socket, response) = tokio_tungstenite::connect_async(request).await.expect("the socket opens");
    assert_eq!(
        response.headers().get("sec-websocket-protocol").and_then(|v| v.to_str().ok()),
        Some("graphql-transport-ws")
    );
    socket.send(Message::text(json!({ "type": "connection_init", "payload": {} }).to_string())).await.expect("init");
    let ack = next_message(&mut socket).await;
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    let subscribe = json!({ "type": "subscribe", "id": "1", "payload": { "query": query } });
    socket.send(Message::text(subscribe.to_string())).await.expect("subscribe");
    // The subscription is registered once the server has read the message;
    // a ping answered after it proves that.
    socket.send(Message::text(json!({ "type": "ping" }).to_string())).await.expect("ping");
    let pong = next_message(&mut socket).await;
    assert_eq!(pong["type"], "pong", "{pong}");
    socket
}

async fn next_message(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a message within 10 s")
            .expect("the socket is open")
            .expect("a frame");
        if let Message::Text(text) = message {
            return serde_json::from_str(&text).expect("JSON");
        }
    }
}

const CHANGES: &str = r#"subscription { changes(entities: ["abkhazia"]) { action author summary subject { ... on Relation { label } } } }"#;

fn bundle(key: &str, relation: &str, target: &str) -> String {
    format!(
        r#"
[article]
key = "{key}"
title = "A test article"
publisher = "Test"
published_at = "2008-11-01T00:00:00Z"

[[relations]]
key = "{relation}"
type = "presence"
label = "{relation}"
source = "osce"
target = "{target}"
cite = "observers"
"#
    )
}

async fn ingest(addr: &std::net::SocketAddr, token: &str, toml: &str) -> Value {
    let body = json!({ "query": "mutation($t: String!) { ingestBundle(toml: $t) { revisions { id } } }", "variables": { "t": toml } });
    let s = testkit::Client::new(*addr);
    let auth = format!("Bearer {token}");
    let response = s
        .request(
            "POST",
            "/graphql",
            &[("Content-Type", "application/json"), ("Authorization", &auth)],
            &body.to_string(),
        )
        .await;
    response.json()
}

#[tokio::test]
async fn a_subscriber_receives_the_changes_it_asked_for_as_they_commit() {
    let s = TestServer::first_article().await;
    let token = s.db.store.create_token("live", Scope::Write).await.expect("token").secret;
    let mut socket = subscribe(&s.addr.to_string(), CHANGES).await;

    // A change that does not touch Abkhazia is not sent; the next one is.
    let quiet = ingest(&s.addr, &token, &bundle("test-quiet", "osce-in-gori-test", "gori")).await;
    assert!(quiet["errors"].is_null(), "{quiet}");
    let loud = ingest(&s.addr, &token, &bundle("test-loud", "osce-in-abkhazia-test", "abkhazia")).await;
    assert!(loud["errors"].is_null(), "{loud}");
    let message = next_message(&mut socket).await;
    assert_eq!(message["type"], "next", "{message}");
    let change = &message["payload"]["data"]["changes"];
    assert_eq!(change["action"], "create", "{message}");
    assert_eq!(change["author"], "live");
    assert_eq!(change["subject"], json!({ "label": "osce-in-abkhazia-test" }));
    s.stop().await;
}

#[tokio::test]
async fn a_change_written_through_one_process_reaches_a_subscriber_of_another() {
    let db = testkit::TestDb::new().await.expect("test database");
    if db.backend() != "postgres" {
        // SQLite serves one process; its in-process fan-out is tested above.
        eprintln!("two server processes share a database only on PostgreSQL; set TEST_DATABASE_URL to run this");
        return;
    }
    let (name, text) = seed::bundled()[0];
    let valid = seed::parse_bundled(name, text).expect("valid");
    db.store.load(&valid, "seed").await.expect("seeded");
    let token = db.store.create_token("other-process", Scope::Write).await.expect("token").secret;
    let mut first = testkit::Process::start(env!("CARGO_BIN_EXE_api"), &db.url, &[]).await;
    let mut second = testkit::Process::start(env!("CARGO_BIN_EXE_api"), &db.url, &[]).await;

    let mut socket = subscribe(&first.addr.to_string(), CHANGES).await;
    let written =
        ingest(&second.addr, &token, &bundle("test-elsewhere", "osce-in-abkhazia-elsewhere", "abkhazia")).await;
    assert!(written["errors"].is_null(), "{written}");
    let message = next_message(&mut socket).await;
    assert_eq!(
        message["payload"]["data"]["changes"]["subject"],
        json!({ "label": "osce-in-abkhazia-elsewhere" }),
        "{message}"
    );
    assert_eq!(message["payload"]["data"]["changes"]["author"], "other-process");
    first.stop().await;
    second.stop().await;
}

#[tokio::test]
async fn shutting_down_closes_subscriptions_with_going_away() {
    let s = TestServer::first_article().await;
    let mut socket = subscribe(&s.addr.to_string(), CHANGES).await;
    s.stop().await;
    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(frame) = socket.next().await {
            match frame {
                Ok(Message::Close(Some(close))) => return Some(u16::from(close.code)),
                Ok(_) => continue,
                Err(_) => return None,
            }
        }
        None
    })
    .await
    .expect("the socket is closed within 10 s");
    assert_eq!(closed, Some(1001), "closed as going away");
}
