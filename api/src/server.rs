//! HTTP: the axum router, GraphQL over HTTP and over WebSocket
//! (subscriptions, graphql-transport-ws), the embedded playground, health,
//! and graceful shutdown.
//!
//! GraphQL requests follow the GraphQL-over-HTTP specification: POST with
//! `application/json`, GET for queries only, responses in
//! `application/graphql-response+json` (when the client accepts it) with
//! status 400 for requests that fail to parse or validate, or in
//! `application/json` with status 200.

use crate::auth::Credentials;
use crate::changes::ChangeFeed;
use crate::graphql::{build_schema, request_loader, stream_loader, AppSchema};
use crate::store::Store;
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::{parser::types::OperationType, Request, Response, ServerError, Variables};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::body::Bytes;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::FromRequestParts;
use axum::extract::{Query as UrlQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use std::collections::HashMap;
use std::future::Future;
use std::time::Instant;
use tokio::net::TcpListener;
use tracing::Instrument;

#[derive(Clone)]
struct AppState {
    schema: AppSchema,
    store: Store,
    feed: ChangeFeed,
}

const PLAYGROUND: &str = include_str!("../assets/playground/index.html");
const ASSETS: &[(&str, &str, &[u8])] = &[
    ("graphiql.min.js", "text/javascript; charset=utf-8", include_bytes!("../assets/playground/graphiql.min.js")),
    ("graphiql.min.css", "text/css; charset=utf-8", include_bytes!("../assets/playground/graphiql.min.css")),
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/playground/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/playground/react-dom.production.min.js"),
    ),
];

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// The router over a store and its change feed.
pub fn router(store: Store, feed: ChangeFeed) -> Router {
    let state = AppState { schema: build_schema(), store, feed };
    Router::new()
        .route("/", get(playground))
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/playground/{file}", get(asset))
        .route("/health", get(health))
        .with_state(state)
        .layer(tower_http::trace::TraceLayer::new_for_http())
}

/// Serves until `shutdown` completes, then finishes in-flight requests.
pub async fn serve(
    store: Store,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let feed = ChangeFeed::start(store.clone()).await;
    axum::serve(listener, router(store, feed)).with_graceful_shutdown(shutdown).await
}

async fn playground() -> impl IntoResponse {
    ([(header::CACHE_CONTROL, "no-cache")], Html(PLAYGROUND))
}

async fn asset(axum::extract::Path(file): axum::extract::Path<String>) -> impl IntoResponse {
    match ASSETS.iter().find(|(name, _, _)| *name == file) {
        Some((_, mime, body)) => {
            (StatusCode::OK, [(header::CONTENT_TYPE, *mime), (header::CACHE_CONTROL, "public, max-age=86400")], *body)
                .into_response()
        }
        None => (StatusCode::NOT_FOUND, "no such playground file").into_response(),
    }
}

async fn health(State(state): State<AppState>) -> impl IntoResponse {
    match state.store.db.ping().await {
        Ok(()) => (StatusCode::OK, axum::Json(serde_json::json!({ "status": "ok" }))),
        Err(e) => {
            tracing::error!(error = %e, "health check cannot reach the database");
            (StatusCode::SERVICE_UNAVAILABLE, axum::Json(serde_json::json!({ "status": "database unavailable" })))
        }
    }
}

/// The body of a GraphQL request, from JSON or from a URL query string.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct GraphqlParams {
    query: Option<String>,
    operation_name: Option<String>,
    variables: Option<serde_json::Value>,
    extensions: Option<serde_json::Value>,
}

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

/// An error response in GraphQL shape, for requests that never reached execution.
fn request_error(status: StatusCode, media: &'static str, code: &str, message: &str) -> axum::response::Response {
    let body = serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static(media))], body.to_string()).into_response()
}

fn is_websocket(headers: &HeaderMap) -> bool {
    headers.get(header::UPGRADE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// Subscriptions: GraphQL over a WebSocket on `/graphql`.
async fn subscribe(state: AppState, mut parts: axum::http::request::Parts) -> axum::response::Response {
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &state).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let protocol = match GraphQLProtocol::from_request_parts(&mut parts, &state).await {
        Ok(protocol) => protocol,
        Err(status) => {
            return request_error(status, JSON, "BAD_REQUEST", "use the graphql-transport-ws WebSocket subprotocol")
        }
    };
    let mut data = async_graphql::Data::default();
    data.insert(stream_loader(state.store.clone()));
    data.insert(state.feed.clone());
    data.insert(Credentials::from_header(parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok())));
    let schema = state.schema.clone();
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| GraphQLWebSocket::new(socket, schema, protocol).with_data(data).serve())
}

async fn graphql_get(State(state): State<AppState>, request: axum::extract::Request) -> axum::response::Response {
    let (parts, _) = request.into_parts();
    if is_websocket(&parts.headers) {
        return subscribe(state, parts).await;
    }
    let headers = parts.headers;
    let raw: HashMap<String, String> = match UrlQuery::try_from_uri(&parts.uri) {
        Ok(UrlQuery(raw)) => raw,
        Err(_) => {
            return request_error(StatusCode::BAD_REQUEST, JSON, "BAD_REQUEST", "the query string does not parse")
        }
    };
    if !raw.contains_key("query") && wants_html(&headers) {
        return playground().await.into_response();
    }
    let Some(media) = response_type(&headers) else {
        return request_error(
            StatusCode::NOT_ACCEPTABLE,
            JSON,
            "NOT_ACCEPTABLE",
            "accept application/graphql-response+json or application/json",
        );
    };
    let mut params = GraphqlParams {
        query: raw.get("query").cloned(),
        operation_name: raw.get("operationName").cloned(),
        ..Default::default()
    };
    for (field, slot) in [("variables", &mut params.variables), ("extensions", &mut params.extensions)] {
        if let Some(text) = raw.get(field) {
            match serde_json::from_str(text) {
                Ok(v) => *slot = Some(v),
                Err(_) => {
                    return request_error(
                        StatusCode::BAD_REQUEST,
                        media,
                        "BAD_REQUEST",
                        &format!("{field}: not a JSON object"),
                    )
                }
            }
        }
    }
    execute(&state, params, media, Method::GET, &headers).await
}

async fn graphql_post(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> axum::response::Response {
    let Some(media) = response_type(&headers) else {
        return request_error(
            StatusCode::NOT_ACCEPTABLE,
            JSON,
            "NOT_ACCEPTABLE",
            "accept application/graphql-response+json or application/json",
        );
    };
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !content_type.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case(JSON)) {
        return request_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            "UNSUPPORTED_MEDIA_TYPE",
            "send the request body as application/json",
        );
    }
    let params: GraphqlParams = match serde_json::from_slice(&body) {
        Ok(p) => p,
        Err(e) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                media,
                "BAD_REQUEST",
                &format!("the body is not a GraphQL request in JSON: {e}"),
            )
        }
    };
    execute(&state, params, media, Method::POST, &headers).await
}

async fn execute(
    state: &AppState,
    params: GraphqlParams,
    media: &'static str,
    method: Method,
    headers: &HeaderMap,
) -> axum::response::Response {
    let Some(query) = params.query.filter(|q| !q.trim().is_empty()) else {
        return request_error(StatusCode::BAD_REQUEST, media, "BAD_REQUEST", "the request has no `query`");
    };
    let variables = match params.variables {
        None | Some(serde_json::Value::Null) => Variables::default(),
        Some(v @ serde_json::Value::Object(_)) => Variables::from_json(v),
        Some(_) => {
            return request_error(StatusCode::BAD_REQUEST, media, "BAD_REQUEST", "`variables` must be a JSON object")
        }
    };
    let operation = params.operation_name.clone().unwrap_or_else(|| "-".to_owned());
    let wanted = params.operation_name.clone();
    let mut request = Request::new(query).variables(variables);
    if let Some(name) = params.operation_name {
        request = request.operation_name(name);
    }
    // Parsed here, once: a parse failure is told by the parser's result, and
    // the document is kept in the request for execution.
    let doc = match request.parsed_query() {
        Ok(doc) => doc,
        Err(e) => return refused(media, "GRAPHQL_PARSE_FAILED", std::slice::from_ref(&e)),
    };
    if method == Method::GET {
        let is_mutation = doc.operations.iter().any(|(name, op)| {
            let selected = wanted.as_deref().is_none_or(|wanted| name.map(|n| n.as_str()) == Some(wanted));
            selected && op.node.ty != OperationType::Query
        });
        if is_mutation {
            let mut response = request_error(
                StatusCode::METHOD_NOT_ALLOWED,
                media,
                "METHOD_NOT_ALLOWED",
                "only queries may be sent with GET; use POST",
            );
            response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
            return response;
        }
    }
    let credentials = Credentials::from_header(headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()));
    let request = request.data(request_loader(state.store.clone())).data(state.feed.clone()).data(credentials);
    let span = tracing::info_span!("graphql", operation = %operation);
    let started = Instant::now();
    let response: Response = state.schema.execute(request).instrument(span.clone()).await;
    let request_failed = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    span.in_scope(|| {
        tracing::debug!(elapsed_ms = started.elapsed().as_secs_f64() * 1e3, errors = response.errors.len(), "executed")
    });
    if !request_failed {
        return match serde_json::to_string(&response) {
            Ok(body) => {
                (StatusCode::OK, [(header::CONTENT_TYPE, HeaderValue::from_static(media))], body).into_response()
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot serialise a response");
                request_error(StatusCode::INTERNAL_SERVER_ERROR, media, "INTERNAL", "internal error")
            }
        };
    }
    // A parsed request that never reached execution failed validation
    // (including variables that do not fit their types).
    refused(media, "GRAPHQL_VALIDATION_FAILED", &response.errors)
}

/// A request refused before execution: no `data` entry, a code on every
/// error, and status 400 where the client accepts graphql-response+json.
fn refused(media: &'static str, code: &str, errors: &[ServerError]) -> axum::response::Response {
    let errors: Vec<serde_json::Value> = errors
        .iter()
        .map(|e| {
            let mut value = serde_json::to_value(e).unwrap_or_else(|_| serde_json::json!({ "message": e.message }));
            if value.get("extensions").is_none() {
                value["extensions"] = serde_json::json!({ "code": code });
            }
            value
        })
        .collect();
    let body = serde_json::json!({ "errors": errors });
    let status = if media == GRAPHQL_RESPONSE { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static(media))], body.to_string()).into_response()
}
