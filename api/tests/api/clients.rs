//! What real GraphQL clients rely on: answers shaped exactly as the
//! specification says (checked on random queries), graphql-transport-ws as
//! its specification says, batches, compression, weak ETags, `Vary`,
//! `possibleTypes`, and metrics that stay bounded whatever clients send.

use futures_util::{SinkExt, StreamExt};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Value};
use std::io::Read;
use std::time::Duration;
use testkit::TestServer;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

// ------------------------------------------------------------ the spec's shape

/// A selection in a generated query, with what the test knows of its type.
#[derive(Debug, Clone)]
enum Sel {
    Field { key: String, text: String, non_null: bool, list: bool, fails: bool, sub: Vec<Sel> },
    On { ty: &'static str, sub: Vec<Sel> },
}

fn field(alias: Option<String>, name: &str, args: &str, non_null: bool, list: bool, fails: bool, sub: Vec<Sel>) -> Sel {
    let key = alias.clone().unwrap_or_else(|| name.to_owned());
    let mut text = match &alias {
        Some(a) => format!("{a}: {name}"),
        None => name.to_owned(),
    };
    if !args.is_empty() {
        text.push_str(&format!("({args})"));
    }
    Sel::Field { key, text, non_null, list, fails, sub }
}

fn leaf(name: &str, non_null: bool) -> Sel {
    field(None, name, "", non_null, false, false, Vec::new())
}

fn render(sels: &[Sel]) -> String {
    let parts: Vec<String> = sels
        .iter()
        .map(|s| match s {
            Sel::Field { text, sub, .. } if sub.is_empty() => text.clone(),
            Sel::Field { text, sub, .. } => format!("{text} {{ {} }}", render(sub)),
            Sel::On { ty, sub } => format!("... on {ty} {{ {} }}", render(sub)),
        })
        .collect();
    parts.join(" ")
}

const DAYS: [(&str, bool); 2] = [("2008-09-01", false), ("2008-13-45", true)];

fn connection() -> impl Strategy<Value = Vec<Sel>> {
    (any::<bool>(), any::<bool>(), any::<bool>(), 0..2usize, any::<bool>()).prop_map(
        |(count, edges, info, day, first)| {
            let mut sub = Vec::new();
            if info {
                sub.push(field(None, "pageInfo", "", true, false, false, vec![leaf("hasNextPage", true)]));
            }
            if edges || (!count && !info) {
                let (d, fails) = DAYS[day];
                let node = vec![
                    leaf("label", true),
                    field(None, "status", &format!("asOf: \"{d}\""), false, false, fails, vec![]),
                ];
                let node = if first { node } else { node.into_iter().rev().collect() };
                sub.push(field(
                    None,
                    "edges",
                    "",
                    true,
                    true,
                    false,
                    vec![field(None, "node", "", true, false, false, node)],
                ));
            }
            if count {
                sub.push(leaf("totalCount", true));
            }
            sub
        },
    )
}

fn entity_selection() -> impl Strategy<Value = Vec<Sel>> {
    (proptest::collection::vec(0..6usize, 1..5), 0..2usize, connection(), any::<bool>()).prop_map(
        |(picks, day, conn, typename_first)| {
            let mut sub = Vec::new();
            if typename_first {
                sub.push(leaf("__typename", true));
            }
            for pick in picks {
                sub.push(match pick {
                    0 => leaf("name", true),
                    1 => leaf("slug", true),
                    2 => Sel::On { ty: "Organisation", sub: vec![leaf("name", true), leaf("kind", true)] },
                    3 => Sel::On { ty: "Actor", sub: vec![leaf("slug", true), leaf("description", false)] },
                    4 => Sel::On {
                        ty: "Region",
                        sub: vec![field(
                            None,
                            "partOf",
                            "first: 2",
                            true,
                            true,
                            false,
                            vec![leaf("__typename", true), leaf("slug", true)],
                        )],
                    },
                    _ => {
                        let (d, fails) = DAYS[day];
                        field(
                            Some("rels".into()),
                            "relations",
                            &format!("asOf: \"{d}\", first: 2"),
                            true,
                            false,
                            fails,
                            conn.clone(),
                        )
                    }
                });
            }
            if !typename_first {
                sub.push(leaf("__typename", true));
            }
            sub
        },
    )
}

fn root_field() -> impl Strategy<Value = (usize, u8, Vec<Sel>, Vec<Sel>)> {
    (0..4usize, any::<u8>(), entity_selection(), connection())
}

fn query() -> impl Strategy<Value = Vec<Sel>> {
    proptest::collection::vec(root_field(), 1..5).prop_map(|roots| {
        roots
            .into_iter()
            .enumerate()
            .map(|(i, (kind, choice, entity_sel, conn))| {
                // Unique aliases in an order that is not alphabetical.
                let alias = Some(format!("{}{i}", ["zeta", "alpha", "mid", "beta"][i % 4]));
                let good = choice % 2 == 0;
                match kind {
                    0 => {
                        let slug = ["nato", "georgia", "gori", "nope"][choice as usize % 4];
                        field(alias, "entity", &format!("slug: \"{slug}\""), false, false, false, entity_sel)
                    }
                    1 => {
                        let (entity, day, first) = match choice % 4 {
                            0 => ("nato", "2008-09-01", 2),
                            1 => ("nope", "2008-09-01", 2),
                            2 => ("nato", "2008-13-45", 2),
                            _ => ("nato", "2008-09-01", 101),
                        };
                        let args = format!("entity: \"{entity}\", asOf: \"{day}\", first: {first}");
                        field(alias, "relations", &args, true, false, choice % 4 != 0, conn)
                    }
                    2 => {
                        let text = if good { "geo" } else { "%" };
                        let sub = vec![leaf("slug", true), leaf("__typename", true)];
                        field(alias, "search", &format!("text: \"{text}\", first: 3"), true, true, !good, sub)
                    }
                    _ => {
                        let first = if good { 1 } else { 101 };
                        field(
                            alias,
                            "articles",
                            &format!("first: {first}"),
                            true,
                            false,
                            !good,
                            vec![leaf("totalCount", true)],
                        )
                    }
                }
            })
            .collect()
    })
}

/// The response keys of a selection for an object of type `ty`, in order,
/// with the selections of each (the specification's CollectFields).
fn collect<'a>(sels: &'a [Sel], ty: Option<&str>, out: &mut Vec<(String, Vec<&'a Sel>)>) {
    for s in sels {
        match s {
            Sel::Field { key, .. } => match out.iter_mut().find(|(k, _)| k == key) {
                Some((_, group)) => group.push(s),
                None => out.push((key.clone(), vec![s])),
            },
            Sel::On { ty: on, sub } => {
                if ty == Some(*on) {
                    collect(sub, ty, out);
                }
            }
        }
    }
}

fn value_at<'a>(data: &'a Value, path: &[Value]) -> Option<&'a Value> {
    let mut at = data;
    for step in path {
        if at.is_null() {
            return Some(at);
        }
        at = match step {
            Value::String(k) => at.get(k)?,
            Value::Number(i) => at.get(i.as_u64()? as usize)?,
            _ => return None,
        };
    }
    Some(at)
}

/// Checks an object of the answer against the selections that made it.
fn check_object(value: &Value, sels: &[&Sel], path: &mut Vec<Value>, errors: &[Value]) -> Result<(), TestCaseError> {
    let object = value.as_object().ok_or_else(|| TestCaseError::fail(format!("not an object at {path:?}: {value}")))?;
    let ty = object.get("__typename").and_then(Value::as_str);
    let mut groups = Vec::new();
    for s in sels {
        if let Sel::Field { sub, .. } = s {
            collect(sub, ty, &mut groups);
        }
    }
    let expected: Vec<&str> = groups.iter().map(|(k, _)| k.as_str()).collect();
    let got: Vec<&str> = object.keys().map(String::as_str).collect();
    prop_assert_eq!(&got, &expected, "keys at {:?}", path);
    for (key, group) in &groups {
        let Sel::Field { non_null, list, fails, .. } = group[0] else { continue };
        path.push(Value::String(key.clone()));
        let v = &object[key];
        prop_assert!(!(v.is_null() && *non_null), "a non-null field is null at {:?}", path);
        if *fails {
            prop_assert!(v.is_null(), "a failed field is not null at {:?}", path);
            prop_assert!(
                errors.iter().any(|e| e["path"].as_array() == Some(path)),
                "no error at {:?}: {:?}",
                path,
                errors
            );
        }
        if !v.is_null() {
            check_value(v, group, *list, path, errors)?;
        }
        path.pop();
    }
    Ok(())
}

fn check_value(
    v: &Value,
    group: &[&Sel],
    list: bool,
    path: &mut Vec<Value>,
    errors: &[Value],
) -> Result<(), TestCaseError> {
    let has_sub = group.iter().any(|s| matches!(s, Sel::Field { sub, .. } if !sub.is_empty()));
    if !has_sub {
        return Ok(());
    }
    if list {
        let items = v.as_array().ok_or_else(|| TestCaseError::fail(format!("not a list at {path:?}")))?;
        for (i, item) in items.iter().enumerate() {
            path.push(json!(i));
            prop_assert!(!item.is_null(), "a non-null item is null at {:?}", path);
            check_object(item, group, path, errors)?;
            path.pop();
        }
        Ok(())
    } else {
        check_object(v, group, path, errors)
    }
}

fn check_answer(root: &[Sel], answer: &Value) -> Result<(), TestCaseError> {
    prop_assert!(answer.get("data").is_some(), "an executed answer has data: {}", answer);
    let errors: Vec<Value> = answer["errors"].as_array().cloned().unwrap_or_default();
    for e in &errors {
        prop_assert!(e["extensions"]["code"].is_string(), "an error without a code: {}", e);
        let path = e["path"].as_array().cloned().unwrap_or_default();
        prop_assert!(!path.is_empty(), "a field error without a path: {}", e);
        let at = value_at(&answer["data"], &path);
        prop_assert!(at.is_none_or(Value::is_null), "an error's path leads to a value: {} in {}", e, answer["data"]);
    }
    if answer["data"].is_null() {
        prop_assert!(!errors.is_empty(), "data is null without an error");
        return Ok(());
    }
    let top = Sel::Field {
        key: String::new(),
        text: String::new(),
        non_null: true,
        list: false,
        fails: false,
        sub: root.to_vec(),
    };
    check_object(&answer["data"], &[&top], &mut Vec::new(), &errors)
}

#[test]
fn answers_follow_the_specification_on_random_queries() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let server = runtime.block_on(TestServer::first_article());
    let mut runner = TestRunner::new(Config { cases: 96, failure_persistence: None, ..Config::default() });
    let result = runner.run(&query(), |root| {
        let text = format!("{{ {} }}", render(&root));
        let answer = runtime.block_on(server.post(&text, json!({})));
        check_answer(&root, &answer).map_err(|e| TestCaseError::fail(format!("{e}\nquery: {text}\nanswer: {answer}")))
    });
    runtime.block_on(server.stop());
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[tokio::test]
async fn a_failed_field_is_null_or_nulls_its_parent_with_its_path() {
    let s = TestServer::first_article().await;
    // `relations` is non-null: its failure nulls `data`, and ok goes with it.
    let answer = s
        .post(r#"{ ok: entity(slug: "nato") { name } bad: relations(entity: "nope") { totalCount } }"#, json!({}))
        .await;
    assert_eq!(answer["data"], Value::Null, "{answer}");
    assert_eq!(answer["errors"][0]["path"], json!(["bad"]));
    assert_eq!(answer["errors"][0]["extensions"]["code"], "NOT_FOUND");
    // A nested argument error: the path names the field; the nullable
    // parent takes the null.
    let answer =
        s.post(r#"{ entity(slug: "nato") { name relations(asOf: "2008-13-45") { totalCount } } }"#, json!({})).await;
    assert_eq!(answer["data"], json!({ "entity": null }), "{answer}");
    assert_eq!(answer["errors"][0]["path"], json!(["entity", "relations"]));
    assert_eq!(answer["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    // A nullable field that fails is present and null.
    let answer = s
        .post(
            r#"{ a: entity(slug: "nato") { name } r: relations(first: 1) { edges { node { status(asOf: "x") } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(answer["data"]["a"], json!({ "name": "NATO" }), "{answer}");
    assert_eq!(answer["data"]["r"]["edges"][0]["node"], json!({ "status": null }), "{answer}");
    assert_eq!(answer["errors"][0]["path"], json!(["r", "edges", 0, "node", "status"]));
    s.stop().await;
}

#[tokio::test]
async fn keys_come_in_the_order_of_the_selection() {
    let s = TestServer::first_article().await;
    let answer = s
        .post(
            r#"{ c: search(text: "geo", first: 1) { slug } a: entity(slug: "nato") { name ... on Organisation { slug } __typename }
                b: articles(first: 1) { totalCount edges { node { title } } pageInfo { hasNextPage } } }"#,
            json!({}),
        )
        .await;
    let data = answer["data"].as_object().expect("data");
    assert_eq!(data.keys().collect::<Vec<_>>(), ["c", "a", "b"]);
    assert_eq!(data["a"].as_object().expect("a").keys().collect::<Vec<_>>(), ["name", "slug", "__typename"]);
    assert_eq!(data["b"].as_object().expect("b").keys().collect::<Vec<_>>(), ["totalCount", "edges", "pageInfo"]);
    assert!(answer.to_string().find("\"c\"") < answer.to_string().find("\"a\""));
    s.stop().await;
}

// ------------------------------------------------------------ graphql-transport-ws

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn open(s: &TestServer, headers: &[(&str, &str)]) -> Socket {
    let mut request = format!("ws://{}/graphql", s.addr).into_client_request().expect("a request");
    request.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().expect("header"));
    for (name, value) in headers {
        let name = tokio_tungstenite::tungstenite::http::HeaderName::from_bytes(name.as_bytes()).expect("a name");
        request.headers_mut().insert(name, value.parse().expect("header"));
    }
    tokio_tungstenite::connect_async(request).await.expect("the socket opens").0
}

async fn send(socket: &mut Socket, message: Value) {
    socket.send(Message::text(message.to_string())).await.expect("send");
}

/// The next text message, or the close code when the socket closes.
async fn receive(socket: &mut Socket) -> Result<Value, u16> {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(10), socket.next()).await.expect("a frame within 10 s");
        match frame {
            Some(Ok(Message::Text(text))) => return Ok(serde_json::from_str(&text).expect("JSON")),
            Some(Ok(Message::Close(Some(close)))) => return Err(u16::from(close.code)),
            Some(Ok(Message::Close(None))) | None | Some(Err(_)) => return Err(0),
            Some(Ok(_)) => continue,
        }
    }
}

async fn acknowledged(s: &TestServer, payload: Value) -> Socket {
    let mut socket = open(s, &[]).await;
    send(&mut socket, json!({ "type": "connection_init", "payload": payload })).await;
    assert_eq!(receive(&mut socket).await.expect("ack")["type"], "connection_ack");
    socket
}

#[tokio::test]
async fn the_protocol_closes_with_its_codes() {
    let s = TestServer::first_article().await;
    // subscribe before connection_init: 4401
    let mut socket = open(&s, &[]).await;
    send(&mut socket, json!({ "id": "1", "type": "subscribe", "payload": { "query": "{ __typename }" } })).await;
    assert_eq!(receive(&mut socket).await, Err(4401));
    // a second connection_init: 4429
    let mut socket = acknowledged(&s, json!({})).await;
    send(&mut socket, json!({ "type": "connection_init" })).await;
    assert_eq!(receive(&mut socket).await, Err(4429));
    // an id still running: 4409
    let mut socket = acknowledged(&s, json!({})).await;
    let follow =
        json!({ "id": "x", "type": "subscribe", "payload": { "query": "subscription { changes { action } }" } });
    send(&mut socket, follow.clone()).await;
    send(&mut socket, follow).await;
    assert_eq!(receive(&mut socket).await, Err(4409));
    // not a message of the protocol: 4400
    for bad in [json!({ "type": "hello" }), json!({ "id": "1" }), json!([1, 2])] {
        let mut socket = acknowledged(&s, json!({})).await;
        send(&mut socket, bad.clone()).await;
        assert_eq!(receive(&mut socket).await, Err(4400), "{bad}");
    }
    // a bad token in connection_init: 4403
    let mut socket = open(&s, &[]).await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "Authorization": "Bearer kb_0000000000000000_x" } }),
    )
    .await;
    assert_eq!(receive(&mut socket).await, Err(4403));
    // no connection_init within the time allowed: 4408
    let limits = api::config::Limits { header_timeout: Duration::from_millis(300), ..Default::default() };
    let quick = TestServer::with_limits(testkit::TestDb::new().await.expect("db"), limits).await;
    let mut socket = open(&quick, &[]).await;
    assert_eq!(receive(&mut socket).await, Err(4408));
    quick.stop().await;
    s.stop().await;
}

#[tokio::test]
async fn refusals_are_error_messages_and_complete_is_not_echoed() {
    let s = TestServer::first_article().await;
    let mut socket = acknowledged(&s, json!({})).await;
    for (id, query, code) in [
        ("v", "subscription { changes { nosuchfield } }", "GRAPHQL_VALIDATION_FAILED"),
        ("u", r#"subscription { changes(entities: ["nosuchslug"]) { action } }"#, "NOT_FOUND"),
        ("p", "subscription { changes { ", "GRAPHQL_PARSE_FAILED"),
    ] {
        send(&mut socket, json!({ "id": id, "type": "subscribe", "payload": { "query": query } })).await;
        let answer = receive(&mut socket).await.expect("an answer");
        assert_eq!((answer["type"].as_str(), answer["id"].as_str()), (Some("error"), Some(id)), "{answer}");
        assert_eq!(answer["payload"][0]["extensions"]["code"], code, "{answer}");
    }
    // A query over the socket: next, then complete.
    send(
        &mut socket,
        json!({ "id": "q", "type": "subscribe", "payload": { "query": r#"{ entity(slug: "nato") { name } }"# } }),
    )
    .await;
    let next = receive(&mut socket).await.expect("next");
    assert_eq!(
        (next["type"].as_str(), &next["payload"]["data"]),
        (Some("next"), &json!({ "entity": { "name": "NATO" } }))
    );
    assert_eq!(receive(&mut socket).await.expect("complete"), json!({ "id": "q", "type": "complete" }));
    // The client completes a subscription: nothing is echoed; the id is free again.
    send(
        &mut socket,
        json!({ "id": "s", "type": "subscribe", "payload": { "query": "subscription { changes { action } }" } }),
    )
    .await;
    send(&mut socket, json!({ "id": "s", "type": "complete" })).await;
    send(&mut socket, json!({ "type": "ping" })).await;
    assert_eq!(receive(&mut socket).await.expect("pong"), json!({ "type": "pong" }));
    send(&mut socket, json!({ "id": "s", "type": "subscribe", "payload": { "query": "{ __typename }" } })).await;
    assert_eq!(receive(&mut socket).await.expect("next")["type"], "next");
    s.stop().await;
}

#[tokio::test]
async fn a_browser_authenticates_a_mutation_in_connection_init() {
    let s = TestServer::first_article().await;
    let token = s.db.store.create_token("browser", store::tokens::Scope::Write).await.expect("token").secret;
    let events = s.data("{ events(first: 1) { edges { node { id } } } }", json!({})).await;
    let id = events["events"]["edges"][0]["node"]["id"].as_str().expect("an event").to_owned();
    let retract = format!(r#"mutation {{ retract(id: "{id}", reason: "test") {{ revision {{ action author }} }} }}"#);
    // Without a token the mutation is refused, over the socket as over HTTP.
    let mut anonymous = acknowledged(&s, json!({})).await;
    send(&mut anonymous, json!({ "id": "m", "type": "subscribe", "payload": { "query": retract } })).await;
    let answer = receive(&mut anonymous).await.expect("an answer");
    assert_eq!(answer["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{answer}");
    let mut socket = acknowledged(&s, json!({ "Authorization": format!("Bearer {token}") })).await;
    send(&mut socket, json!({ "id": "m", "type": "subscribe", "payload": { "query": retract } })).await;
    let answer = receive(&mut socket).await.expect("an answer");
    assert_eq!(
        answer["payload"]["data"]["retract"]["revision"],
        json!({ "action": "retract", "author": "browser" }),
        "{answer}"
    );
    s.stop().await;
}

// ------------------------------------------------------------ batches

#[tokio::test]
async fn a_batch_answers_each_operation_in_order_within_one_budget() {
    let s = TestServer::first_article().await;
    let batch = json!([
        { "query": r#"{ entity(slug: "nato") { name } }"# },
        { "query": "query Q($s: String!) { entity(slug: $s) { name } }", "variables": { "s": "georgia" }, "operationName": "Q" },
        { "query": "{ nosuchfield }" },
        { "query": r#"{ relations(entity: "nope") { totalCount } }"# },
    ]);
    let r = s.request("POST", "/graphql", &[("Content-Type", "application/json")], &batch.to_string()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let answers = r.json();
    assert_eq!(answers[0]["data"], json!({ "entity": { "name": "NATO" } }));
    assert_eq!(answers[1]["data"], json!({ "entity": { "name": "Georgia" } }));
    assert_eq!(answers[2]["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED");
    assert!(answers[2].get("data").is_none(), "a refused item has no data: {}", answers[2]);
    assert_eq!(answers[3]["errors"][0]["path"], json!(["relations"]));
    // Together over one request's cost: refused whole, before anything runs.
    let costly =
        r#"{ entities(first: 100) { edges { node { relations(first: 100) { edges { node { label } } } } } } }"#;
    let heavy: Vec<Value> = (0..10).map(|_| json!({ "query": costly })).collect();
    let r = s.request("POST", "/graphql", &[("Content-Type", "application/json")], &json!(heavy).to_string()).await;
    assert_eq!(r.json()["errors"][0]["extensions"]["code"], "QUERY_TOO_COSTLY", "{}", r.body);
    s.stop().await;
}

// ------------------------------------------------------------ HTTP details

fn gunzip(bytes: &[u8]) -> String {
    let mut out = String::new();
    flate2::read::GzDecoder::new(bytes).read_to_string(&mut out).expect("gzip");
    out
}

#[tokio::test]
async fn answers_are_compressed_vary_by_accept_and_match_weak_etags() {
    let s = TestServer::first_article().await;
    let path = "/graphql?query=%7B%20entity(slug%3A%20%22nato%22)%20%7B%20name%20description%20%7D%20%7D";
    let plain = s.request("GET", path, &[], "").await;
    assert!(plain.header("vary").is_some_and(|v| v.to_ascii_lowercase().contains("accept")), "{:?}", plain.headers);
    let zipped = s.client.request_bytes("GET", path, &[("Accept-Encoding", "gzip")], "").await;
    assert_eq!(zipped.header("content-encoding"), Some("gzip"));
    assert_eq!(gunzip(&zipped.bytes), plain.body);
    let export = s.client.request_bytes("GET", "/export/entities.csv", &[("Accept-Encoding", "gzip")], "").await;
    assert_eq!(export.header("content-encoding"), Some("gzip"));
    assert!(gunzip(&export.bytes).lines().count() > 10);
    // A tag sent back with or without W/ is the same tag (weak comparison).
    let tag = plain.header("etag").expect("an ETag").to_owned();
    let strong = tag.trim_start_matches("W/");
    for sent in [tag.as_str(), strong] {
        let again = s.request("GET", path, &[("If-None-Match", sent)], "").await;
        assert_eq!(again.status, 304, "{sent}");
    }
    s.stop().await;
}

#[tokio::test]
async fn possible_types_are_served_from_the_schema() {
    let s = TestServer::first_article().await;
    let r = s.request("GET", "/graphql/possible-types.json", &[], "").await;
    assert_eq!(r.status, 200);
    let types = r.json();
    assert_eq!(types["Entity"], json!(["Actor", "Organisation", "Region"]));
    assert_eq!(types["Node"], json!(["Actor", "Article", "Event", "Organisation", "Region", "Relation", "Statement"]));
    let committed: Value = serde_json::from_str(include_str!("../../../examples/possible-types.json")).expect("JSON");
    assert_eq!(types, committed, "examples/possible-types.json is stale: copy the served one");
    s.stop().await;
}

#[tokio::test]
async fn metrics_stay_bounded_whatever_operation_names_clients_send() {
    let s = TestServer::first_article().await;
    let lines = |body: &str| body.lines().count();
    for i in 0..10 {
        s.post(&format!("query Warm{i} {{ __typename }}"), json!({})).await;
    }
    let before = lines(&s.request("GET", "/metrics", &[], "").await.body);
    for i in 0..1000 {
        // A name the document does not define, then one it does.
        let body = json!({ "query": "{ __typename }", "operationName": format!("Undefined{i}") });
        s.request("POST", "/graphql", &[("Content-Type", "application/json")], &body.to_string()).await;
        s.post(&format!("query Op{i} {{ __typename }}"), json!({})).await;
    }
    let metrics = s.request("GET", "/metrics", &[], "").await.body;
    assert!(!metrics.contains("Undefined"), "a name the document does not define became a label");
    let labelled: std::collections::BTreeSet<&str> =
        metrics.lines().filter_map(|l| l.split("operation=\"").nth(1)).filter_map(|l| l.split('"').next()).collect();
    assert!(labelled.len() <= 102, "{} operation labels", labelled.len());
    assert!(labelled.contains("other"));
    // Within a fixed number of lines: the 100 named labels, `-` and `other`.
    assert!(lines(&metrics) < before + 102 * 20, "{} lines after, {before} before", lines(&metrics));
    for family in ["http_requests_total", "graphql_requests_total", "graphql_errors_total", "graphql_query_cost"] {
        assert!(metrics.contains(&format!("# HELP {family} ")), "no HELP for {family}");
    }
    s.stop().await;
}
