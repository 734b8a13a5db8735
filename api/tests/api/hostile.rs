//! A corpus of hostile requests, each refused with its code, and the server
//! answering an ordinary query at once right after each; on SQLite, or
//! PostgreSQL with `TEST_DATABASE_URL`.

use serde_json::{json, Value};
use std::time::{Duration, Instant};
use testkit::TestServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ORDINARY: &str = r#"{ entity(slug: "georgia") { name } }"#;

/// Sends raw bytes as a request body (tolerating the server closing early);
/// returns the status and body of the answer.
async fn raw_post(s: &TestServer, body: &[u8]) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(s.addr).await.expect("connect");
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body).await;
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw).await;
    let text = String::from_utf8_lossy(&raw).to_string();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

/// Sends a GET as raw bytes (tolerating the server closing early).
async fn raw_get(s: &TestServer, path: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(s.addr).await.expect("connect");
    let head = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let _ = stream.write_all(head.as_bytes()).await;
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw).await;
    let text = String::from_utf8_lossy(&raw).to_string();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

fn code_in(body: &str) -> String {
    let json: Value = serde_json::from_str(body.trim()).unwrap_or_else(|_| {
        // a chunked body: the JSON starts at the first brace
        let start = body.find('{').unwrap_or(0);
        let end = body.rfind('}').map_or(body.len(), |e| e + 1);
        serde_json::from_str(&body[start..end]).unwrap_or(Value::Null)
    });
    json["errors"][0]["extensions"]["code"].as_str().unwrap_or("<none>").to_owned()
}

async fn still_answers(s: &TestServer, after: &str) {
    let started = Instant::now();
    let data = s.data(ORDINARY, json!({})).await;
    let took = started.elapsed();
    assert_eq!(data["entity"]["name"], "Georgia");
    assert!(took < Duration::from_millis(100), "an ordinary query took {took:?} right after {after}");
}

fn nested_pages(aliases: usize) -> String {
    let inner = "relations(first: 100) { edges { node { label source { relations(first: 100) { edges { node { label } } } } } } }";
    let body: Vec<String> =
        (0..aliases).map(|i| format!("a{i}: entities(first: 100) {{ edges {{ node {{ {inner} }} }} }}")).collect();
    format!("{{ {} }}", body.join(" "))
}

fn deep(levels: usize) -> String {
    let mut q = String::from("name");
    for _ in 0..levels {
        q = format!("partOf {{ ... on Region {{ {q} }} }}");
    }
    format!(r#"{{ entity(slug: "gori") {{ ... on Region {{ {q} }} }} }}"#)
}

#[tokio::test]
async fn hostile_documents_are_refused_with_their_codes() {
    let _alone = testkit::alone().await;
    let s = TestServer::first_article().await;
    let introspection_copies: Vec<String> =
        (0..500).map(|i| format!("i{i}: __schema {{ types {{ name }} }}")).collect();
    let many_aliases: Vec<String> = (0..3000).map(|i| format!("a{i}: __typename")).collect();
    let cases: Vec<(&str, String, Value, &[&str])> = vec![
        ("depth", deep(20), json!({}), &["GRAPHQL_VALIDATION_FAILED"]),
        ("nested pages of 100", nested_pages(80), json!({}), &["QUERY_TOO_COSTLY"]),
        (
            "introspection under 500 aliases",
            format!("{{ {} }}", introspection_copies.join(" ")),
            json!({}),
            &["QUERY_TOO_COSTLY"],
        ),
        ("3,000 aliases", format!("{{ {} }}", many_aliases.join(" ")), json!({}), &["QUERY_TOO_LARGE"]),
        (
            "a fragment cycle",
            "{ entity(slug: \"georgia\") { ...a } } fragment a on Entity { ...b } fragment b on Entity { ...a }".into(),
            json!({}),
            &["GRAPHQL_VALIDATION_FAILED", "QUERY_TOO_COSTLY"],
        ),
        (
            "a variable of the wrong type",
            "query($n: Int) { entities(first: $n) { totalCount } }".into(),
            json!({ "n": "ten" }),
            &["BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"],
        ),
        ("a huge integer", "{ entities(first: 2147483648) { totalCount } }".into(), json!({}), &["BAD_USER_INPUT"]),
        ("first over 100", "{ entities(first: 101) { totalCount } }".into(), json!({}), &["BAD_USER_INPUT"]),
        (
            "a bad cursor",
            r#"{ entities(after: "bm90IGEgY3Vyc29y") { totalCount } }"#.into(),
            json!({}),
            &["BAD_USER_INPUT"],
        ),
        (
            "a huge cursor",
            format!(r#"{{ entities(after: "{}") {{ totalCount }} }}"#, "A".repeat(100_000)),
            json!({}),
            &["INPUT_TOO_LARGE"],
        ),
        ("a bad ID", r#"{ node(id: "Zm9v") { id } }"#.into(), json!({}), &["BAD_USER_INPUT"]),
        (
            "an impossible date",
            r#"{ relations(asOf: "2008-02-30") { totalCount } }"#.into(),
            json!({}),
            &["BAD_USER_INPUT"],
        ),
        (
            "long odd unicode",
            "query($t: String!) { search(text: $t) { slug } }".into(),
            json!({ "t": "ﷺ".repeat(9_000) }),
            &["INPUT_TOO_LARGE"],
        ),
        (
            "SQL in a slug",
            r#"{ relations(entity: "x' OR 1=1; DROP TABLE entity; --") { totalCount } }"#.into(),
            json!({}),
            &["NOT_FOUND"],
        ),
        ("a parse error", "{ entity(slug: ".into(), json!({}), &["GRAPHQL_PARSE_FAILED"]),
    ];
    for (name, query, variables, codes) in cases {
        let answer = s.post(&query, variables).await;
        let code = answer["errors"][0]["extensions"]["code"].as_str().unwrap_or("<none>").to_owned();
        assert!(
            codes.contains(&code.as_str()),
            "{name}: code {code}: {}",
            &answer.to_string()[..answer.to_string().len().min(500)]
        );
        let message = answer["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.chars().count() <= 301, "{name}: the message echoes too much: {} characters", message.len());
        for e in answer["errors"].as_array().expect("errors") {
            assert!(e["extensions"]["code"].is_string(), "{name}: every error has a code: {e}");
        }
        still_answers(&s, name).await;
    }
    // SQL-looking search text is only text.
    let found = s.data(r#"{ search(text: "%' OR '1'='1") { slug } }"#, json!({})).await;
    assert_eq!(found["search"], json!([]));
    s.stop().await;
}

#[tokio::test]
async fn hostile_bodies_are_refused_with_graphql_errors() {
    let _alone = testkit::alone().await;
    let s = TestServer::first_article().await;
    let big = format!(r#"{{"query":"{{ __typename }}","variables":{{"x":"{}"}}}}"#, "a".repeat(10 * 1024 * 1024));
    let (status, body) = raw_post(&s, big.as_bytes()).await;
    assert_eq!((status, code_in(&body).as_str()), (413, "PAYLOAD_TOO_LARGE"), "{body}");
    still_answers(&s, "a 10 MB body").await;

    let batch: Vec<Value> = (0..1000).map(|_| json!({ "query": ORDINARY })).collect();
    let (status, body) = raw_post(&s, serde_json::to_string(&batch).expect("json").as_bytes()).await;
    assert_eq!((status, code_in(&body).as_str()), (400, "INPUT_TOO_LARGE"), "a batch over the limit: {body}");
    still_answers(&s, "a batch of 1,000").await;

    for bad in [&b"{not json"[..], b"", b"\xff\xfe", b"[]", b"{\"query\": 42}"] {
        let (status, body) = raw_post(&s, bad).await;
        assert_eq!((status, code_in(&body).as_str()), (400, "BAD_REQUEST"), "{bad:?}: {body}");
        still_answers(&s, "bad JSON").await;
    }
    s.stop().await;
}

fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Documents nested 2,000 deep (a 4 KB request once aborted the whole
/// process at that depth) and 100,000 deep, in every place nesting can hide:
/// list and object literals in arguments, selections, variables, a
/// subscription's arguments, a WebSocket message itself.
#[tokio::test]
async fn deep_nesting_is_refused_everywhere_and_the_server_keeps_serving() {
    let _alone = testkit::alone().await;
    let s = TestServer::first_article().await;
    for n in [2_000usize, 100_000] {
        let documents = [
            (
                "a list",
                format!("{{ relations(between: {}\"nato\"{}) {{ totalCount }} }}", "[".repeat(n), "]".repeat(n)),
            ),
            ("an object", format!("{{ relations(between: {}1{}) {{ totalCount }} }}", "{a:".repeat(n), "}".repeat(n))),
            ("selections", format!("{{ {}__typename{} }}", "e { ".repeat(n), " }".repeat(n))),
        ];
        for (what, query) in &documents {
            let answer = s.post(query, json!({})).await;
            assert_eq!(answer["errors"][0]["extensions"]["code"], "INPUT_TOO_LARGE", "{what} {n} deep over POST");
            still_answers(&s, what).await;
            let (status, body) = raw_get(&s, &format!("/graphql?query={}", percent(query))).await;
            // A URL this long may be refused by the HTTP layer itself.
            let refused =
                code_in(&body) == "INPUT_TOO_LARGE" || (query.len() > 16 * 1024 && (status >= 400 || status == 0));
            assert!(refused, "{what} {n} deep over GET: {status} {body}");
            still_answers(&s, what).await;
        }
        let mut deep = json!("nato");
        for _ in 0..200 {
            deep = json!([deep]);
        }
        let nested = format!("{}\"nato\"{}", "[".repeat(n), "]".repeat(n));
        let body = format!(
            r#"{{"query":"query($b: [String!]) {{ relations(between: $b) {{ totalCount }} }}","variables":{{"b":{nested}}}}}"#
        );
        let (status, answer) = raw_post(&s, body.as_bytes()).await;
        assert_eq!((status, code_in(&answer).as_str()), (400, "INPUT_TOO_LARGE"), "variables {n} deep: {answer}");
        let (status, answer) =
            raw_post(&s, json!({ "query": "{ __typename }", "variables": { "b": deep } }).to_string().as_bytes()).await;
        assert_eq!((status, code_in(&answer).as_str()), (400, "INPUT_TOO_LARGE"), "variables {n} deep: {answer}");
        still_answers(&s, "deep variables").await;
        // Over the WebSocket: in a subscription's argument, and in the message.
        let (mut socket, _) = tokio_tungstenite::connect_async({
            use tokio_tungstenite::tungstenite::client::IntoClientRequest;
            let mut r = format!("ws://{}/graphql", s.addr).into_client_request().expect("request");
            r.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().expect("header"));
            r
        })
        .await
        .expect("the socket opens");
        use futures_util::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::Message;
        socket.send(Message::text(json!({ "type": "connection_init" }).to_string())).await.expect("init");
        let _ack = socket.next().await;
        let query =
            format!("subscription {{ changes(entities: {}\"nato\"{}) {{ action }} }}", "[".repeat(n), "]".repeat(n));
        let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": query } });
        socket.send(Message::text(subscribe.to_string())).await.expect("subscribe");
        let answer = loop {
            match socket.next().await {
                Some(Ok(Message::Text(text))) => break serde_json::from_str::<Value>(&text).expect("JSON"),
                Some(Ok(_)) => continue,
                other => panic!("the socket ended: {other:?}"),
            }
        };
        assert_eq!(answer["type"], "error", "{n} deep over WebSocket");
        assert_eq!(answer["payload"][0]["extensions"]["code"], "INPUT_TOO_LARGE");
        let message = format!(r#"{{"type":"ping","payload":{}0{}}}"#, "[".repeat(n), "]".repeat(n));
        socket.send(Message::text(message)).await.expect("send");
        let closed = loop {
            match socket.next().await {
                Some(Ok(Message::Close(Some(frame)))) => break u16::from(frame.code),
                Some(Ok(_)) => continue,
                _ => break 0,
            }
        };
        assert_eq!(closed, 4400, "a message nested {n} deep closes the socket as invalid");
        still_answers(&s, "a deep WebSocket message").await;
    }
    s.stop().await;
}
