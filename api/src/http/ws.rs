//! GraphQL over WebSocket on `/graphql`: the graphql-transport-ws protocol
//! (the one the `graphql-ws` library speaks), as its specification says.
//!
//! - The client has the header timeout to send `connection_init`; else the
//!   socket closes with 4408. A second `connection_init` closes it with
//!   4429. `connection_init`'s payload may carry `Authorization: Bearer …`
//!   (a browser cannot set headers on a WebSocket): a token that is not
//!   valid closes the socket with 4403; without one, the socket may read,
//!   as over HTTP.
//! - `subscribe` before the acknowledgement closes with 4401; with the id of
//!   an operation still running, 4409; a message that is not one of the
//!   protocol's closes with 4400 and says why.
//! - Each operation goes through the same pipeline as over HTTP (nesting,
//!   cost, completion, error hygiene). A request refused before it runs —
//!   it does not parse or validate, costs too much, or names an unknown
//!   slug to follow — gets an `error` message; results come as `next`, and
//!   `complete` when the server has nothing more to send. A `complete` from
//!   the client stops its operation and is not echoed.
//! - At most [`MAX_OPERATIONS`] operations run at once on one socket; the
//!   server's shutdown closes every socket with 1001.

use super::pipeline::{self, Params, Ran};
use super::{request_error, AppState, JSON};
use crate::auth::{Credentials, Scope};
use crate::graphql::{request_loader, stream_loader};
use crate::protect::nesting;
use async_graphql::parser::types::OperationType;
use async_graphql::Response;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::FromRequestParts;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::HashMap;
use tokio::sync::mpsc;

/// The subprotocol spoken.
pub const PROTOCOL: &str = "graphql-transport-ws";
/// Operations one socket may run at once.
pub const MAX_OPERATIONS: usize = 32;

/// Upgrades a request to a socket that speaks graphql-transport-ws.
pub(crate) async fn upgrade(state: AppState, mut parts: axum::http::request::Parts) -> axum::response::Response {
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &state).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let offered = parts
        .headers
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|p| p.trim() == PROTOCOL);
    if !offered {
        let message = "use the graphql-transport-ws WebSocket subprotocol";
        return request_error(StatusCode::BAD_REQUEST, JSON, "BAD_REQUEST", message);
    }
    let credentials = Credentials::from_header(parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()));
    upgrade
        .protocols([PROTOCOL])
        .max_message_size(state.limits.max_body_bytes)
        .on_upgrade(move |socket| serve(state, socket, credentials))
}

/// What the writer sends.
enum Out {
    Text(String),
    Close(u16, String),
}

/// Why the socket closes, as the protocol's code and reason.
struct Close(u16, String);

impl Close {
    fn invalid(why: impl Into<String>) -> Close {
        Close(4400, why.into())
    }
}

/// An operation running on the socket.
struct Running {
    generation: u64,
    task: tokio::task::AbortHandle,
}

/// One socket's state.
struct Session {
    state: AppState,
    out: mpsc::Sender<Out>,
    done: mpsc::UnboundedSender<(String, u64)>,
    credentials: Credentials,
    initialised: bool,
    acknowledged: bool,
    running: HashMap<String, Running>,
    generation: u64,
}

async fn serve(state: AppState, socket: WebSocket, credentials: Credentials) {
    let (mut sink, mut stream) = socket.split();
    let (out, mut outbox) = mpsc::channel::<Out>(64);
    let writer = tokio::spawn(async move {
        while let Some(message) = outbox.recv().await {
            let (frame, last) = match message {
                Out::Text(text) => (Message::Text(text.into()), false),
                Out::Close(code, reason) => (Message::Close(Some(CloseFrame { code, reason: reason.into() })), true),
            };
            if sink.send(frame).await.is_err() || last {
                break;
            }
        }
        let _ = sink.close().await;
    });
    let (done, mut finished) = mpsc::unbounded_channel();
    let mut closing = state.closing.clone();
    let wait = state.limits.header_timeout;
    let mut session = Session {
        state,
        out: out.clone(),
        done,
        credentials,
        initialised: false,
        acknowledged: false,
        running: HashMap::new(),
        generation: 0,
    };
    let init_timer = tokio::time::sleep(wait);
    let closed = async move {
        let _ = closing.wait_for(|c| *c).await;
    };
    tokio::pin!(init_timer, closed);
    let close = loop {
        tokio::select! {
            _ = &mut init_timer, if !session.initialised => break Some(Close(4408, "Connection initialisation timeout".into())),
            _ = &mut closed => break Some(Close(1001, "the server is going away".into())),
            Some((id, generation)) = finished.recv() => {
                if session.running.get(&id).is_some_and(|r| r.generation == generation) {
                    session.running.remove(&id);
                }
            }
            frame = stream.next() => match frame {
                Some(Ok(Message::Text(text))) => {
                    if let Err(close) = session.receive(text.as_str()).await {
                        break Some(close);
                    }
                }
                Some(Ok(Message::Binary(_))) => {
                    break Some(Close::invalid("binary messages are not part of graphql-transport-ws"));
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break None,
            }
        }
    };
    for running in session.running.values() {
        running.task.abort();
    }
    if let Some(Close(code, reason)) = close {
        let _ = out.send(Out::Close(code, reason)).await;
    }
    drop(out);
    drop(session);
    let _ = writer.await;
}

impl Session {
    async fn send(&self, message: Value) {
        let _ = self.out.send(Out::Text(message.to_string())).await;
    }

    /// Handles one message; `Err` closes the socket.
    async fn receive(&mut self, text: &str) -> Result<(), Close> {
        let message: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) if nesting::is_json_too_deep(&e) => return Err(Close::invalid("the message nests too deep")),
            Err(_) => return Err(Close::invalid("the message is not JSON")),
        };
        if let Err(deep) = nesting::check_json("the message", &message) {
            return Err(Close::invalid(deep.message()));
        }
        match message.get("type").and_then(Value::as_str) {
            Some("connection_init") => self.init(message.get("payload")).await,
            Some("ping") => {
                self.send(json!({ "type": "pong" })).await;
                Ok(())
            }
            Some("pong") => Ok(()),
            Some("subscribe") => self.subscribe(&message).await,
            Some("complete") => {
                let id =
                    message.get("id").and_then(Value::as_str).ok_or_else(|| Close::invalid("complete needs an id"))?;
                if let Some(running) = self.running.remove(id) {
                    running.task.abort();
                }
                Ok(())
            }
            Some(other) => {
                let shown: String = other.chars().take(40).collect();
                Err(Close::invalid(format!("unknown message type `{shown}`")))
            }
            None => Err(Close::invalid("the message has no type")),
        }
    }

    async fn init(&mut self, payload: Option<&Value>) -> Result<(), Close> {
        if self.initialised {
            return Err(Close(4429, "Too many initialisation requests".into()));
        }
        self.initialised = true;
        let payload = match payload {
            None | Some(Value::Null) => None,
            Some(Value::Object(fields)) => Some(fields),
            Some(_) => return Err(Close::invalid("connection_init's payload must be an object")),
        };
        let authorization = payload.and_then(|p| p.get("Authorization").or_else(|| p.get("authorization")));
        match authorization {
            None => {}
            Some(Value::String(value)) => self.credentials = Credentials::from_header(Some(value)),
            Some(_) => return Err(Close::invalid("Authorization in connection_init's payload must be a string")),
        }
        if self.credentials.0.is_some() {
            use crate::error::AppError;
            match crate::auth::require(&self.state.store, &self.credentials, Scope::Read).await {
                Ok(_) => {}
                Err(AppError::Unauthenticated(_) | AppError::Forbidden(_)) => {
                    return Err(Close(4403, "Forbidden".into()))
                }
                Err(e) => {
                    tracing::warn!(code = e.code(), "cannot check a WebSocket's token");
                    return Err(Close(1011, "the token cannot be checked now; try again".into()));
                }
            }
        }
        self.acknowledged = true;
        self.send(json!({ "type": "connection_ack" })).await;
        Ok(())
    }

    async fn subscribe(&mut self, message: &Value) -> Result<(), Close> {
        if !self.acknowledged {
            return Err(Close(4401, "Unauthorized".into()));
        }
        let id = match message.get("id").and_then(Value::as_str) {
            Some(id) if !id.is_empty() && id.len() <= 128 => id.to_owned(),
            _ => return Err(Close::invalid("subscribe needs an id of 1 to 128 characters")),
        };
        if self.running.contains_key(&id) {
            return Err(Close(4409, format!("Subscriber for {id} already exists")));
        }
        let params: Params = match message.get("payload").cloned().map(serde_json::from_value) {
            Some(Ok(params)) => params,
            _ => return Err(Close::invalid("subscribe needs a payload with a query")),
        };
        if self.running.len() >= MAX_OPERATIONS {
            let message = format!("at most {MAX_OPERATIONS} operations may run at once on one connection");
            let errors = vec![pipeline::coded("INPUT_TOO_LARGE", message)];
            self.send(json!({ "id": id, "type": "error", "payload": errors })).await;
            return Ok(());
        }
        self.generation += 1;
        let generation = self.generation;
        let (state, out, done, credentials) =
            (self.state.clone(), self.out.clone(), self.done.clone(), self.credentials.clone());
        let task_id = id.clone();
        let task = tokio::spawn(async move {
            operation(&state, &task_id, params, credentials, &out).await;
            let _ = done.send((task_id, generation));
        });
        self.running.insert(id, Running { generation, task: task.abort_handle() });
        Ok(())
    }
}

fn message(id: &str, kind: &str, payload: Option<Value>) -> Out {
    let mut m = json!({ "id": id, "type": kind });
    if let Some(payload) = payload {
        m["payload"] = payload;
    }
    Out::Text(m.to_string())
}

/// Runs one operation and sends what it yields.
async fn operation(state: &AppState, id: &str, params: Params, credentials: Credentials, out: &mpsc::Sender<Out>) {
    let prepared = pipeline::resolve(state, params).and_then(|incoming| pipeline::prepare(state, incoming));
    let prepared = match prepared {
        Ok(prepared) => prepared,
        Err(refusal) => {
            let _ = out.send(message(id, "error", Some(json!(refusal.errors)))).await;
            return;
        }
    };
    let mut data = async_graphql::Data::default();
    data.insert(state.feed.clone());
    data.insert(credentials);
    if prepared.kind != OperationType::Subscription {
        data.insert(request_loader(state.store.for_request(state.limits.request_connections)));
        match pipeline::run(state, prepared, data, state.limits.request_timeout).await {
            Ran::Answered(response) => {
                let _ = out.send(message(id, "next", serde_json::to_value(&response).ok())).await;
                let _ = out.send(message(id, "complete", None)).await;
            }
            Ran::Refused(refusal) | Ran::TimedOut(refusal) => {
                let _ = out.send(message(id, "error", Some(json!(refusal.errors)))).await;
            }
        }
        return;
    }
    data.insert(stream_loader(state.store.clone()));
    let pipeline::Prepared { mut request, parsed, operation_name, label, .. } = prepared;
    request.data = data;
    let variables = request.variables.clone();
    let mut stream = state.schema.execute_stream(request);
    let mut first = true;
    while let Some(mut response) = stream.next().await {
        let refused = first && response.data == async_graphql::Value::Null && !response.errors.is_empty();
        if !refused {
            state.shapes.complete(&mut response, &parsed.doc, operation_name.as_deref(), &variables);
        }
        crate::protect::hygiene::tidy(&mut response);
        if first {
            let outcome = if refused { "refused" } else { "ok" };
            pipeline::record(state, &label, outcome, 0.0, &response.errors);
        }
        if refused {
            let _ = out.send(message(id, "error", Some(json!(errors_of(response))))).await;
            return;
        }
        first = false;
        if out.send(message(id, "next", serde_json::to_value(&response).ok())).await.is_err() {
            return;
        }
    }
    let _ = out.send(message(id, "complete", None)).await;
}

fn errors_of(response: Response) -> Vec<async_graphql::ServerError> {
    response.errors
}
