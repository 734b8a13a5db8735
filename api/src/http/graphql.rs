//! GraphQL over HTTP, as the GraphQL-over-HTTP specification says: POST
//! with `application/json` (one request, or a batch: a JSON array of them),
//! GET for queries only, answers in `application/graphql-response+json`
//! (when the client accepts it) with status 400 for requests that fail to
//! parse or validate, or in `application/json` with status 200.
//!
//! A GET answer carries a weak ETag from the newest revision, the day and
//! the request; `If-None-Match` with it (weak comparison) gets 304 without
//! running the query. A batch runs as one request: its items are costed
//! one by one and together, share one time limit and one request's
//! database connections, and answer as an array in the same order.

use super::pipeline::{self, Incoming, Params, Ran, Refusal};
use super::{request_error, ws, AppState, GRAPHQL_RESPONSE, JSON};
use crate::auth::Credentials;
use crate::graphql::request_loader;
use crate::protect::nesting;
use async_graphql::parser::types::OperationType;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query as UrlQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::IntoResponse;
use std::collections::HashMap;

/// Most operations one batch may hold.
pub const MAX_BATCH: usize = 20;

/// Which media type the response is in, from the `Accept` header.
fn response_type(headers: &HeaderMap) -> Option<&'static str> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(JSON);
    };
    let types: Vec<&str> = accept.split(',').map(|t| t.split(';').next().unwrap_or("").trim()).collect();
    if types.contains(&GRAPHQL_RESPONSE) {
        Some(GRAPHQL_RESPONSE)
    } else if types.iter().any(|t| *t == JSON || *t == "application/*" || *t == "*/*") {
        Some(JSON)
    } else {
        None
    }
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.split(',').any(|t| t.trim().starts_with("text/html")))
}

fn not_acceptable() -> axum::response::Response {
    request_error(
        StatusCode::NOT_ACCEPTABLE,
        JSON,
        "NOT_ACCEPTABLE",
        "accept application/graphql-response+json or application/json",
    )
}

fn is_websocket(headers: &HeaderMap) -> bool {
    headers.get(header::UPGRADE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

fn json_response(status: StatusCode, media: &'static str, body: String) -> axum::response::Response {
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static(media))], body).into_response()
}

fn refused(media: &'static str, refusal: &Refusal) -> axum::response::Response {
    let status = if media == GRAPHQL_RESPONSE { refusal.status } else { refusal.json_status };
    json_response(status, media, refusal.body().to_string())
}

fn credentials(headers: &HeaderMap) -> Credentials {
    Credentials::from_header(headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()))
}

/// `GET /graphql`: a WebSocket upgrade, the playground for a browser, or a
/// query in the URL.
pub(crate) async fn get(State(state): State<AppState>, request: axum::extract::Request) -> axum::response::Response {
    let (parts, _) = request.into_parts();
    if is_websocket(&parts.headers) {
        return ws::upgrade(state, parts).await;
    }
    let headers = parts.headers;
    let raw: HashMap<String, String> = match UrlQuery::try_from_uri(&parts.uri) {
        Ok(UrlQuery(raw)) => raw,
        Err(_) => {
            return request_error(StatusCode::BAD_REQUEST, JSON, "BAD_REQUEST", "the query string does not parse")
        }
    };
    if !raw.contains_key("query") && wants_html(&headers) {
        return super::assets::playground().await;
    }
    let Some(media) = response_type(&headers) else { return not_acceptable() };
    let mut params = Params {
        query: raw.get("query").cloned(),
        operation_name: raw.get("operationName").cloned(),
        ..Default::default()
    };
    for (field, slot) in [("variables", &mut params.variables), ("extensions", &mut params.extensions)] {
        if let Some(text) = raw.get(field) {
            match serde_json::from_str(text) {
                Ok(v) => *slot = Some(v),
                Err(e) if nesting::is_json_too_deep(&e) => {
                    let message = format!("{field}: nested too deep; send flatter input");
                    return request_error(StatusCode::BAD_REQUEST, media, "INPUT_TOO_LARGE", &message);
                }
                Err(_) => {
                    let message = format!("{field}: not a JSON object");
                    return request_error(StatusCode::BAD_REQUEST, media, "BAD_REQUEST", &message);
                }
            }
        }
    }
    one(&state, params, media, Method::GET, &headers).await
}

/// `POST /graphql`: one request, or a batch.
pub(crate) async fn post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> axum::response::Response {
    let Some(media) = response_type(&headers) else { return not_acceptable() };
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let limit = state.limits.max_body_bytes;
            let message = format!("the request body is over the limit of {limit} bytes");
            return request_error(StatusCode::PAYLOAD_TOO_LARGE, media, "PAYLOAD_TOO_LARGE", &message);
        }
        Err(_) => {
            let message = "the request body did not arrive whole in time";
            return request_error(StatusCode::REQUEST_TIMEOUT, media, "BAD_REQUEST", message);
        }
    };
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !content_type.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case(JSON)) {
        let message = "send the request body as application/json";
        return request_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, media, "UNSUPPORTED_MEDIA_TYPE", message);
    }
    let parsed: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(e) if nesting::is_json_too_deep(&e) => {
            let message = "the body nests its JSON too deep; send flatter input";
            return request_error(StatusCode::BAD_REQUEST, media, "INPUT_TOO_LARGE", message);
        }
        Err(e) => {
            let message = format!("the body is not JSON: line {}, column {}", e.line(), e.column());
            return request_error(StatusCode::BAD_REQUEST, media, "BAD_REQUEST", &message);
        }
    };
    match parsed {
        serde_json::Value::Array(items) => batch(&state, items, media, &headers).await,
        single => match serde_json::from_value::<Params>(single) {
            Ok(params) => one(&state, params, media, Method::POST, &headers).await,
            Err(_) => {
                let message = "the body is not a GraphQL request: give an object with a `query` string \
                               (and `variables`, `operationName`), or an array of them for a batch";
                request_error(StatusCode::BAD_REQUEST, media, "BAD_REQUEST", message)
            }
        },
    }
}

/// One request over HTTP.
async fn one(
    state: &AppState,
    params: Params,
    media: &'static str,
    method: Method,
    headers: &HeaderMap,
) -> axum::response::Response {
    let incoming = match pipeline::resolve(state, params) {
        Ok(incoming) => incoming,
        Err(refusal) => return refused(media, &refusal),
    };
    // A GET answer is tagged with the newest revision, the day and the
    // request: while no write happens, the same request gets the same
    // answer, and a client that has it is told so without running it.
    let etag = if method == Method::GET {
        match state.store.latest_revision().await {
            Ok(latest) => Some(entity_tag(latest, &incoming)),
            Err(_) => None,
        }
    } else {
        None
    };
    if let Some(tag) = &etag {
        let given = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok());
        if given.is_some_and(|given| matches_weakly(given, tag)) {
            pipeline::record(state, "-", "not-modified", 0.0, &[]);
            return not_modified(tag);
        }
    }
    let prepared = match pipeline::prepare(state, incoming) {
        Ok(prepared) => prepared,
        Err(refusal) => return refused(media, &refusal),
    };
    if method == Method::GET && prepared.kind != OperationType::Query {
        let message = "only queries may be sent with GET; use POST";
        let mut response = request_error(StatusCode::METHOD_NOT_ALLOWED, media, "METHOD_NOT_ALLOWED", message);
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    let data = request_data(state, headers);
    match pipeline::run(state, prepared, data, state.limits.request_timeout).await {
        Ran::Answered(response) => {
            let clean = response.errors.is_empty();
            let mut answer = serialized(state, media, &response);
            if let (Some(tag), true, true) = (etag, clean, answer.status() == StatusCode::OK) {
                let h = answer.headers_mut();
                h.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL));
                if let Ok(tag) = HeaderValue::from_str(&tag) {
                    h.insert(header::ETAG, tag);
                }
            }
            answer
        }
        Ran::Refused(refusal) | Ran::TimedOut(refusal) => refused(media, &refusal),
    }
}

/// What a request's resolvers may reach: a loader over a share of the
/// pool, the change feed and the caller's credentials.
fn request_data(state: &AppState, headers: &HeaderMap) -> async_graphql::Data {
    let mut data = async_graphql::Data::default();
    data.insert(request_loader(state.store.for_request(state.limits.request_connections)));
    data.insert(state.feed.clone());
    data.insert(credentials(headers));
    data
}

/// An answer as JSON, within the answer size limit.
fn serialized<T: serde::Serialize>(state: &AppState, media: &'static str, answer: &T) -> axum::response::Response {
    match serde_json::to_string(answer) {
        Ok(body) if body.len() > state.limits.max_response_bytes => {
            let limit = state.limits.max_response_bytes;
            let message = format!("the answer is {} bytes, over the limit of {limit}; ask for less", body.len());
            request_error(StatusCode::OK, media, "RESPONSE_TOO_LARGE", &message)
        }
        Ok(body) => json_response(StatusCode::OK, media, body),
        Err(e) => {
            tracing::error!(error = %e, "cannot serialise a response");
            request_error(StatusCode::INTERNAL_SERVER_ERROR, media, "INTERNAL", "internal error")
        }
    }
}

/// A batch: every item resolved, bounded and costed first; refused whole
/// when it holds more than [`MAX_BATCH`] items or its items together cost
/// more than one request may; then run within one request's time and
/// connections (queries side by side, a batch with a mutation in order).
async fn batch(
    state: &AppState,
    items: Vec<serde_json::Value>,
    media: &'static str,
    headers: &HeaderMap,
) -> axum::response::Response {
    if items.is_empty() {
        return request_error(StatusCode::BAD_REQUEST, media, "BAD_REQUEST", "the batch is empty");
    }
    if items.len() > MAX_BATCH {
        let message = format!("the batch holds {} operations, over the limit of {MAX_BATCH}", items.len());
        return request_error(StatusCode::BAD_REQUEST, media, "INPUT_TOO_LARGE", &message);
    }
    let mut prepared = Vec::with_capacity(items.len());
    for item in items {
        let ready = serde_json::from_value::<Params>(item)
            .map_err(|_| {
                let message = "this item is not a GraphQL request: give an object with a `query` string";
                Refusal::request(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
            })
            .and_then(|params| pipeline::resolve(state, params))
            .and_then(|incoming| pipeline::prepare(state, incoming));
        prepared.push(ready);
    }
    let total: u64 = prepared.iter().filter_map(|p| p.as_ref().ok()).map(|p| p.cost).fold(0, u64::saturating_add);
    let limit = state.cost.limit();
    if total > limit && state.cost.enforcing() {
        let message = format!("the batch costs {total} in all, over the limit of {limit} for one request; send less");
        let mut error = pipeline::coded("QUERY_TOO_COSTLY", message);
        if let Some(extensions) = error.extensions.as_mut() {
            extensions.set("cost", total);
            extensions.set("limit", limit);
        }
        let refusal =
            Refusal { status: StatusCode::BAD_REQUEST, json_status: StatusCode::OK, errors: vec![error], cost: None };
        return refused(media, &refusal);
    }
    let in_order = prepared.iter().any(|p| p.as_ref().is_ok_and(|p| p.kind != OperationType::Query));
    let deadline = tokio::time::Instant::now() + state.limits.request_timeout;
    let store = state.store.for_request(state.limits.request_connections);
    let loader_store = store.clone();
    let data = move || {
        let mut data = async_graphql::Data::default();
        data.insert(request_loader(loader_store.clone()));
        data.insert(state.feed.clone());
        data.insert(credentials(headers));
        data
    };
    let runs = prepared.into_iter().map(|item| {
        let data = data();
        async move {
            let prepared = match item {
                Ok(prepared) => prepared,
                Err(refusal) => return refusal.body(),
            };
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match pipeline::run(state, prepared, data, left).await {
                Ran::Answered(response) => serde_json::to_value(&response).unwrap_or_else(|e| {
                    tracing::error!(error = %e, "cannot serialise a response");
                    serde_json::json!({ "errors": [{ "message": "internal error", "extensions": { "code": "INTERNAL" } }] })
                }),
                Ran::Refused(refusal) | Ran::TimedOut(refusal) => refusal.body(),
            }
        }
    });
    let answers: Vec<serde_json::Value> = if in_order {
        let mut answers = Vec::new();
        for run in runs {
            answers.push(run.await);
        }
        answers
    } else {
        futures_util::future::join_all(runs).await
    };
    serialized(state, media, &answers)
}

/// Answers to GET may be kept, but must be checked with the server before
/// each use (If-None-Match), which answers 304 while nothing changed.
const CACHE_CONTROL: &str = "private, no-cache";

/// The entity tag of a GET request's answer: the newest revision, today's
/// date (a default `asOf` moves at midnight) and the request itself. Weak:
/// the same data may be sent compressed or not.
fn entity_tag(latest: i64, incoming: &Incoming) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let vars = incoming.variables.as_ref().map(|v| v.to_string()).unwrap_or_default();
    for part in [incoming.query.as_str(), "\u{1f}", &vars, "\u{1f}", incoming.operation_name.as_deref().unwrap_or("")] {
        for b in part.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    let day = chrono::Utc::now().format("%Y%m%d");
    format!("W/\"{latest}-{day}-{h:016x}\"")
}

/// `If-None-Match` against a tag, by weak comparison (RFC 9110 §13.1.2):
/// `W/` prefixes are ignored on both sides; `*` matches anything.
fn matches_weakly(given: &str, tag: &str) -> bool {
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    let ours = opaque(tag);
    given.split(',').any(|t| t.trim() == "*" || opaque(t) == ours)
}

fn not_modified(tag: &str) -> axum::response::Response {
    let mut answer = StatusCode::NOT_MODIFIED.into_response();
    let h = answer.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL));
    if let Ok(tag) = HeaderValue::from_str(tag) {
        h.insert(header::ETAG, tag);
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_tags_match_weakly() {
        let tag = "W/\"7-20261203-00ff\"";
        assert!(matches_weakly(tag, tag));
        assert!(matches_weakly("\"7-20261203-00ff\"", tag));
        assert!(matches_weakly("\"other\", W/\"7-20261203-00ff\"", tag));
        assert!(matches_weakly("*", tag));
        assert!(!matches_weakly("W/\"8-20261203-00ff\"", tag));
    }
}
