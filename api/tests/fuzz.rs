//! A fuzzer over whole requests: HTTP bodies (single, batched, or not JSON
//! at all), GET query strings and WebSocket conversations, generated from a
//! grammar that favours what breaks parsers — brackets of every kind nested
//! anywhere from one to 100,000 deep, strings and comments that hide them,
//! variables nested as deep — sent to the real binary in its own process.
//! After each input the server must still answer `/healthz`, and every
//! GraphQL answer must be JSON whose errors all carry a code.
//!
//! It runs for `FUZZ_SECONDS` (15 by default; CI gives it more) from the
//! seed `FUZZ_SEED` (random by default, printed), and when the process dies
//! it shrinks the input and reports the smallest one that still kills it.
//! `FUZZ_BINARY` points it at another build of the server, which is how
//! docs/hardening.md shows it finding the stack overflow of the build
//! before nesting was bounded.

mod common;

use futures_util::{SinkExt, StreamExt};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

/// One input: what is sent, and over which channel.
#[derive(Debug, Clone)]
enum Input {
    Post(String),
    Get(String),
    Socket(Vec<String>),
}

/// A depth between 1 and 100,000, each order of magnitude equally likely.
fn depth() -> impl Strategy<Value = usize> {
    (0u32..5, 1usize..10).prop_map(|(power, digit)| digit * 10usize.pow(power)).prop_map(|d| d.min(100_000))
}

/// A piece of GraphQL text with something nested inside it.
fn nested() -> impl Strategy<Value = String> {
    let openers = prop_oneof![
        Just(("[", "]")),
        Just(("{a:", "}")),
        Just(("{ a ", " }")),
        Just(("(x:", ")")),
        Just(("[{a:", "}]")),
        Just(("... on Region { partOf { ", " } }")),
    ];
    let inner = prop_oneof![Just("\"nato\""), Just("1"), Just("$v"), Just("__typename"), Just("\"[[[\""), Just("null")];
    (openers, inner, depth(), any::<bool>()).prop_map(|((open, close), inner, n, closed)| {
        let tail = if closed { close.repeat(n) } else { close.repeat(n / 2) };
        format!("{}{inner}{tail}", open.repeat(n))
    })
}

/// A document: an ordinary query with something nested in an argument or a
/// selection, a subscription, a block string or comment hiding brackets, or
/// noise.
fn document() -> impl Strategy<Value = String> {
    prop_oneof![
        nested().prop_map(|n| format!("{{ relations(between: {n}) {{ totalCount }} }}")),
        nested().prop_map(|n| format!("query($v: [String!]) {{ entity(slug: \"gori\") {{ {n} }} }}")),
        nested().prop_map(|n| format!("subscription {{ changes(entities: {n}) {{ action }} }}")),
        nested().prop_map(|n| format!("{{ search(text: \"\"\"{n}\"\"\") {{ slug }} }} # {n}")),
        Just(r#"{ entity(slug: "georgia") { name relations(first: 2) { totalCount } } }"#.to_owned()),
        "[\\[\\]{}()a-z:\"#$ ]{0,200}",
    ]
}

/// JSON text (never built as a value here, so the fuzzer's own stack is
/// safe) nested up to 100,000 deep.
fn json_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("{}".to_owned()),
        Just(r#"{"v": ["nato"]}"#.to_owned()),
        depth().prop_map(|n| format!("{{\"v\": {}\"nato\"{}}}", "[".repeat(n), "]".repeat(n))),
        depth().prop_map(|n| format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n))),
        depth().prop_map(|n| "[".repeat(n)),
    ]
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

fn request_body() -> impl Strategy<Value = String> {
    (document(), json_text()).prop_map(|(doc, vars)| format!("{{\"query\":{},\"variables\":{vars}}}", quoted(&doc)))
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        3 => request_body().prop_map(Input::Post),
        1 => proptest::collection::vec(request_body(), 0..4).prop_map(|items| Input::Post(format!("[{}]", items.join(",")))),
        1 => json_text().prop_map(Input::Post),
        1 => "\\PC{0,64}".prop_map(Input::Post),
        1 => (document(), json_text()).prop_map(|(doc, vars)| Input::Get(format!("query={}&variables={}", percent(&doc), percent(&vars)))),
        2 => (document(), json_text(), json_text()).prop_map(|(doc, vars, junk)| Input::Socket(vec![
            r#"{"type":"connection_init","payload":{}}"#.to_owned(),
            format!("{{\"id\":\"1\",\"type\":\"subscribe\",\"payload\":{{\"query\":{},\"variables\":{vars}}}}}", quoted(&doc)),
            format!("{{\"type\":\"ping\",\"payload\":{junk}}}"),
        ])),
    ]
}

fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// Sends an HTTP request; the status and body, if an answer came.
async fn http(addr: std::net::SocketAddr, head: &str, body: &[u8]) -> Option<(u16, String)> {
    let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body).await;
    let mut raw = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut raw)).await;
    if read.is_err() {
        return None;
    }
    let text = String::from_utf8_lossy(&raw).to_string();
    let status = text.split(' ').nth(1)?.parse().ok()?;
    Some((status, text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default()))
}

/// Whether a GraphQL answer is well formed: JSON (an object, or an array
/// of them for a batch) whose every error carries a code.
fn well_formed(body: &str) -> bool {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(body.trim()) else { return false };
    let answers = match &value {
        serde_json::Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    answers.iter().all(|a| {
        a.get("data").is_some()
            && a["errors"].as_array().is_none_or(|e| e.iter().all(|e| e["extensions"]["code"].is_string()))
            || a["errors"]
                .as_array()
                .is_some_and(|e| !e.is_empty() && e.iter().all(|e| e["extensions"]["code"].is_string()))
    })
}

/// Sends one input. `Err` says what was wrong with the answer.
async fn send(addr: std::net::SocketAddr, input: &Input) -> Result<(), String> {
    match input {
        Input::Post(body) => {
            let head = format!(
                "POST /graphql HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            match http(addr, &head, body.as_bytes()).await {
                Some((status, body)) if status == 413 || well_formed(&body) => Ok(()),
                Some((status, body)) => {
                    Err(format!("status {status}, not a GraphQL answer: {}", &body[..body.len().min(300)]))
                }
                None => Err("no answer".into()),
            }
        }
        Input::Get(query) => {
            let head = format!("GET /graphql?{query} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            match http(addr, &head, b"").await {
                // A URL too long for the HTTP layer is refused there.
                Some((status, body)) if well_formed(&body) || (status >= 400 && query.len() > 16 * 1024) => Ok(()),
                Some((status, body)) => {
                    Err(format!("status {status}, not a GraphQL answer: {}", &body[..body.len().min(300)]))
                }
                None => Err("no answer".into()),
            }
        }
        Input::Socket(messages) => {
            let mut request = format!("ws://{addr}/graphql").into_client_request().map_err(|e| e.to_string())?;
            request.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().expect("header"));
            let Ok((mut socket, _)) = tokio_tungstenite::connect_async(request).await else {
                return Err("the socket did not open".into());
            };
            for m in messages {
                if socket.send(Message::text(m.clone())).await.is_err() {
                    break;
                }
            }
            // Read what comes back for a moment; the socket may close.
            let _ = tokio::time::timeout(Duration::from_millis(300), async {
                while let Some(Ok(frame)) = socket.next().await {
                    if let Message::Text(text) = frame {
                        let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                        if value["type"] == "error" {
                            let coded = value["payload"]
                                .as_array()
                                .is_some_and(|e| e.iter().all(|e| e["extensions"]["code"].is_string()));
                            assert!(coded, "an error message without codes: {text}");
                        }
                    }
                }
            })
            .await;
            Ok(())
        }
    }
}

async fn alive(process: &mut common::Process) -> bool {
    if !process.alive() {
        return false;
    }
    let head = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    matches!(http(process.addr, head, b"").await, Some((200, _))) && process.alive()
}

struct Target {
    url: String,
    process: common::Process,
}

impl Target {
    async fn start(url: &str) -> Target {
        Target { url: url.to_owned(), process: Target::process(url).await }
    }

    async fn process(url: &str) -> common::Process {
        match std::env::var("FUZZ_BINARY") {
            Ok(program) => common::Process::start_program(&program, url, &[]).await,
            Err(_) => common::Process::start(url).await,
        }
    }

    /// Whether the server survives the input (restarting it when not).
    async fn survives(&mut self, input: &Input) -> Result<bool, String> {
        let answered = send(self.process.addr, input).await;
        if alive(&mut self.process).await {
            return answered.map(|()| true);
        }
        self.process.stop().await;
        self.process = Target::process(&self.url).await;
        Ok(false)
    }
}

fn shown(input: &Input) -> String {
    let text = format!("{input:?}");
    if text.len() > 400 {
        format!("{}… ({} bytes)", &text[..400], text.len())
    } else {
        text
    }
}

#[test]
fn no_request_kills_the_server() {
    let seconds: u64 = std::env::var("FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(15);
    let seed: u64 = std::env::var("FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1)
    });
    eprintln!("fuzz: seed {seed}, {seconds} s (FUZZ_SEED, FUZZ_SECONDS)");
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let db = runtime.block_on(testkit::TestDb::new()).expect("test database");
    runtime.block_on(seed::seed_if_empty(&db.db)).expect("seeded");
    let mut target = runtime.block_on(Target::start(&db.url));
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let strategy = input();
    let mut cases = 0u64;
    while Instant::now() < deadline {
        let mut tree = strategy.new_tree(&mut runner).expect("an input");
        cases += 1;
        let case = tree.current();
        match runtime.block_on(target.survives(&case)) {
            Ok(true) => continue,
            Err(wrong) => panic!("after {cases} inputs (seed {seed}): {wrong}\ninput: {}", shown(&case)),
            Ok(false) => {}
        }
        // The server died: shrink to the smallest input that still kills it.
        let mut smallest = case;
        let mut steps = 0;
        while steps < 200 && tree.simplify() {
            steps += 1;
            let candidate = tree.current();
            if runtime.block_on(target.survives(&candidate)) == Ok(false) {
                smallest = candidate;
            } else if !tree.complicate() {
                break;
            }
        }
        runtime.block_on(target.process.stop());
        let after = started.elapsed().as_secs_f64();
        panic!(
            "the server died after {cases} inputs, {after:.1} s (seed {seed}); the smallest input that kills it: {}",
            shown(&smallest)
        );
    }
    runtime.block_on(target.process.stop());
    eprintln!("fuzz: {cases} inputs in {seconds} s, the server survived them all");
    drop(db);
}
