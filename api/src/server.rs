//! HTTP: the listener and its limits, the axum router, GraphQL over HTTP and
//! over WebSocket (subscriptions, graphql-transport-ws), the embedded
//! playground, operations endpoints, and graceful shutdown.
//!
//! GraphQL requests follow the GraphQL-over-HTTP specification: POST with
//! `application/json`, GET for queries only, responses in
//! `application/graphql-response+json` (when the client accepts it) with
//! status 400 for requests that fail to parse or validate, or in
//! `application/json` with status 200.
//!
//! No client may take more than its share: connections are capped, a
//! client has a bounded time to send a request's head and body, a request's
//! body, cost, time, database connections and answer are bounded, and every
//! refusal is a GraphQL error with a code.

use crate::auth::Credentials;
use crate::changes::ChangeFeed;
use crate::config::Limits;
use crate::documents::{Documents, PersistError};
use crate::graphql::{build_schemas, request_loader, stream_loader, AppSchema};
use crate::ops::Metrics;
use crate::protect::Refusal;
use crate::store::Store;
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::{parser::types::OperationType, Request, ServerError, Variables};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocketUpgrade};
use axum::extract::{DefaultBodyLimit, FromRequestParts, Query as UrlQuery, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::Router;
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tracing::Instrument;

#[derive(Clone)]
struct AppState {
    /// For subscriptions: the cost limit and hygiene as extensions.
    schema: AppSchema,
    /// For HTTP: the same, applied around execution by [`execute`].
    bare: AppSchema,
    cost: crate::protect::CostLimit,
    store: Store,
    feed: ChangeFeed,
    limits: Arc<Limits>,
    metrics: Metrics,
    ids: Arc<RequestIds>,
    documents: Arc<Documents>,
    /// Turns true when the server begins to shut down.
    closing: watch::Receiver<bool>,
    /// Exports streaming now; at most `max_exports`.
    exports: Arc<Semaphore>,
}

/// Request IDs: a random prefix per server and a counter.
struct RequestIds {
    prefix: String,
    next: AtomicU64,
}

impl RequestIds {
    fn new() -> RequestIds {
        let mut bytes = [0u8; 4];
        let _ = getrandom::fill(&mut bytes);
        RequestIds { prefix: bytes.iter().map(|b| format!("{b:02x}")).collect(), next: AtomicU64::new(1) }
    }

    fn next(&self) -> String {
        format!("{}-{}", self.prefix, self.next.fetch_add(1, Ordering::Relaxed))
    }
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
    ("start.js", "text/javascript; charset=utf-8", include_bytes!("../assets/playground/start.js")),
];

const EXPLORER: &str = include_str!("../assets/explore/index.html");
const EXPLORER_ASSETS: &[(&str, &str, &[u8])] = &[
    ("explore.js", "text/javascript; charset=utf-8", include_bytes!("../assets/explore/explore.js")),
    ("explore.css", "text/css; charset=utf-8", include_bytes!("../assets/explore/explore.css")),
    (
        "vendor/cytoscape.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/explore/vendor/cytoscape.min.js"),
    ),
];

/// The playground's Content-Security-Policy: scripts and connections to
/// this server only (GraphiQL sets inline styles), never framed.
const PLAYGROUND_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";
const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The router over a store and its change feed, with these limits.
fn router(state: AppState) -> Router {
    let limits = state.limits.clone();
    let mut app = Router::new()
        .route("/", get(playground))
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/playground/{file}", get(asset))
        .route("/explore", get(explorer))
        .route("/explore/{*file}", get(explorer_asset))
        .route("/export/{file}", get(export))
        .route("/health", get(readyz))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(limits.body_timeout))
        .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-").to_owned();
            tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
        }));
    if let Some(cors) = cors(&limits.cors_origins) {
        app = app.layer(cors);
    }
    app.layer(axum::middleware::from_fn_with_state(state.clone(), around)).with_state(state)
}

/// CORS for the configured origins; none configured, none allowed.
fn cors(origins: &[String]) -> Option<tower_http::cors::CorsLayer> {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()))
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION, header::ACCEPT, REQUEST_ID])
            .expose_headers([REQUEST_ID, HeaderName::from_static("x-known-at"), header::ETAG])
            .max_age(std::time::Duration::from_secs(3600)),
    )
}

/// The route a path falls in, for metrics (never the raw path).
fn route(path: &str) -> &'static str {
    match path {
        "/" => "/",
        "/graphql" => "/graphql",
        "/healthz" | "/readyz" | "/health" | "/metrics" => "/ops",
        p if p.starts_with("/playground/") => "/playground",
        p if p.starts_with("/explore") => "/explore",
        p if p.starts_with("/export/") => "/export",
        _ => "other",
    }
}

/// Around every request: its ID (the client's, if it is short and plain,
/// else a new one) in the request, the log span and the response; security
/// headers; and its metrics.
async fn around(
    State(state): State<AppState>,
    mut request: axum::extract::Request,
    next: Next,
) -> axum::response::Response {
    let given = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_owned);
    let id = given.unwrap_or_else(|| state.ids.next());
    let value = HeaderValue::from_str(&id).unwrap_or_else(|_| HeaderValue::from_static("-"));
    request.headers_mut().insert(REQUEST_ID, value.clone());
    let route = route(request.uri().path());
    let started = Instant::now();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(REQUEST_ID, value);
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    let status = response.status().as_u16().to_string();
    let elapsed = started.elapsed().as_secs_f64();
    state.metrics.record(|| {
        metrics::counter!("http_requests_total", "route" => route, "status" => status).increment(1);
        metrics::histogram!("http_request_duration_seconds", "route" => route).record(elapsed);
    });
    response
}

/// Serves until `shutdown` completes, with the default limits.
pub async fn serve(
    store: Store,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(store, listener, Limits::default(), shutdown).await
}

/// Serves until `shutdown` completes, then lets in-flight requests finish
/// (for at most the shutdown grace) and closes subscriptions.
pub async fn serve_with(
    store: Store,
    listener: TcpListener,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let feed = ChangeFeed::start(store.clone()).await;
    let (close, closing) = watch::channel(false);
    let schemas = build_schemas(limits.cost);
    let state = AppState {
        schema: schemas.guarded,
        bare: schemas.bare,
        cost: schemas.cost,
        store,
        feed,
        limits: Arc::new(limits.clone()),
        metrics: Metrics::new(),
        ids: Arc::new(RequestIds::new()),
        documents: Arc::new(Documents::default()),
        closing: closing.clone(),
        exports: Arc::new(Semaphore::new(limits.max_exports)),
    };
    let app = router(state);
    let slots = Arc::new(Semaphore::new(limits.max_clients));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // At the cap, no more connections are accepted until one closes;
        // waiting clients queue in the kernel's backlog.
        let permit = tokio::select! {
            permit = slots.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            _ = &mut shutdown => break,
        };
        let (socket, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait, do not spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = socket.set_nodelay(true);
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let header_timeout = limits.header_timeout;
        let mut closing = closing.clone();
        tokio::spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(header_timeout)
                .serve_connection(hyper_util::rt::TokioIo::new(socket), service)
                .with_upgrades();
            let mut connection = std::pin::pin!(connection);
            let closed = async move {
                let _ = closing.wait_for(|c| *c).await;
            };
            let finished = tokio::select! {
                _ = connection.as_mut() => true,
                _ = closed => false,
            };
            if !finished {
                connection.as_mut().graceful_shutdown();
                let _ = connection.await;
            }
            drop(permit);
        });
    }
    drop(listener);
    tracing::info!("shutting down: finishing requests in flight");
    let _ = close.send(true);
    let all = u32::try_from(limits.max_clients).unwrap_or(u32::MAX);
    if tokio::time::timeout(limits.shutdown_grace, slots.acquire_many(all)).await.is_err() {
        tracing::warn!("requests still in flight when the shutdown grace ran out");
    }
    Ok(())
}

async fn not_found() -> axum::response::Response {
    request_error(StatusCode::NOT_FOUND, JSON, "NOT_FOUND", "no such path: the API is at /graphql")
}

async fn playground() -> impl IntoResponse {
    (
        [
            (header::CACHE_CONTROL, "no-cache"),
            (header::CONTENT_SECURITY_POLICY, PLAYGROUND_CSP),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::X_FRAME_OPTIONS, "DENY"),
        ],
        Html(PLAYGROUND),
    )
}

/// The explorer: a page of its own over the public GraphQL API.
async fn explorer() -> impl IntoResponse {
    (
        [
            (header::CACHE_CONTROL, "no-cache"),
            (header::CONTENT_SECURITY_POLICY, PLAYGROUND_CSP),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::X_FRAME_OPTIONS, "DENY"),
        ],
        Html(EXPLORER),
    )
}

async fn explorer_asset(axum::extract::Path(file): axum::extract::Path<String>) -> axum::response::Response {
    serve_asset(EXPLORER_ASSETS, &file)
}

async fn asset(axum::extract::Path(file): axum::extract::Path<String>) -> axum::response::Response {
    serve_asset(ASSETS, &file)
}

/// One embedded file, by name.
fn serve_asset(assets: &[(&str, &str, &'static [u8])], file: &str) -> axum::response::Response {
    match assets.iter().find(|(name, _, _)| *name == file) {
        Some((_, mime, body)) => {
            (StatusCode::OK, [(header::CONTENT_TYPE, *mime), (header::CACHE_CONTROL, "public, max-age=86400")], *body)
                .into_response()
        }
        None => request_error(StatusCode::NOT_FOUND, JSON, "NOT_FOUND", "no such file"),
    }
}

/// An error of the store or of the input, as an HTTP answer in GraphQL's
/// error shape (for the routes beside /graphql); internal detail is logged.
fn app_error(e: &crate::error::AppError) -> axum::response::Response {
    use crate::error::AppError as E;
    let status = match e {
        E::BadInput(_) | E::Invalid(_) => StatusCode::BAD_REQUEST,
        E::NotFound(_) => StatusCode::NOT_FOUND,
        E::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        E::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        E::Forbidden(_) => StatusCode::FORBIDDEN,
        E::Conflict { .. } => StatusCode::CONFLICT,
        E::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        E::Timeout(_) => StatusCode::GATEWAY_TIMEOUT,
        E::Internal(detail) => {
            tracing::error!(detail = %detail, "internal error");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    request_error(status, JSON, e.code(), &e.message())
}

/// `/export/<table>.<csv|jsonl>?asOf=&knownAt=`: a table streamed in
/// batches. The first batch is read before the answer starts, so bad input
/// and an unavailable database get a proper error; a failure later cuts the
/// transfer short (the client sees an incomplete body, never a silently
/// shortened file). A client that stops reading for longer than the request
/// time limit is dropped. `X-Known-At` names the record-time instant every
/// batch was read at: the same URL with that `knownAt` gives the same file.
async fn export(
    State(state): State<AppState>,
    axum::extract::Path(file): axum::extract::Path<String>,
    uri: axum::http::Uri,
) -> axum::response::Response {
    use crate::export::{scope, Export};
    let raw: HashMap<String, String> = match UrlQuery::try_from_uri(&uri) {
        Ok(UrlQuery(raw)) => raw,
        Err(_) => {
            return request_error(StatusCode::BAD_REQUEST, JSON, "BAD_REQUEST", "the query string does not parse")
        }
    };
    if let Some(unknown) = raw.keys().find(|k| !matches!(k.as_str(), "asOf" | "knownAt")) {
        let shown: String = unknown.chars().take(40).collect();
        let message = format!("unknown parameter `{shown}`; an export takes asOf and knownAt");
        return request_error(StatusCode::BAD_REQUEST, JSON, "BAD_USER_INPUT", &message);
    }
    let (table, format) = match crate::export::parse_file(&file) {
        Ok(found) => found,
        Err(e) => return app_error(&e),
    };
    let (day, today, known) = match scope(raw.get("asOf").map(String::as_str), raw.get("knownAt").map(String::as_str)) {
        Ok(scope) => scope,
        Err(e) => return app_error(&e),
    };
    let Ok(permit) = state.exports.clone().try_acquire_owned() else {
        let mut busy = request_error(
            StatusCode::TOO_MANY_REQUESTS,
            JSON,
            "TOO_MANY_EXPORTS",
            &format!("{} exports are streaming already; try again shortly", state.limits.max_exports),
        );
        busy.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        return busy;
    };
    let mut export = Export::new(state.store.for_request(1), table, format, day, today, known);
    let wait = state.limits.request_timeout;
    let first = match tokio::time::timeout(wait, export.next_chunk()).await {
        Ok(Ok(first)) => first,
        Ok(Err(e)) => return app_error(&e),
        Err(_) => return app_error(&crate::error::AppError::Timeout("the export's first batch took too long".into())),
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(2);
    let name = table.name();
    tokio::spawn(async move {
        let _permit = permit;
        let mut next = first;
        while let Some(chunk) = next {
            if tokio::time::timeout(wait, tx.send(Ok(Bytes::from(chunk)))).await.map_or(true, |sent| sent.is_err()) {
                tracing::info!(table = name, "export abandoned by its client");
                return;
            }
            next = match tokio::time::timeout(wait, export.next_chunk()).await {
                Ok(Ok(chunk)) => chunk,
                Ok(Err(e)) => {
                    tracing::error!(table = name, code = e.code(), detail = ?e, "export cut short");
                    let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
                    return;
                }
                Err(_) => {
                    tracing::error!(table = name, "export cut short: a batch took too long");
                    let _ = tx.send(Err(std::io::Error::other("export timed out"))).await;
                    return;
                }
            };
        }
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) });
    let disposition = format!("inline; filename=\"{}.{}\"", name, format.extension());
    let mut response = axum::body::Body::from_stream(body).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.media_type()));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&crate::export::known_at_text(known)) {
        h.insert(HeaderName::from_static("x-known-at"), v);
    }
    response
}

/// The process is alive.
async fn healthz() -> impl IntoResponse {
    (StatusCode::OK, axum::Json(serde_json::json!({ "status": "ok" })))
}

/// The server can serve: the database answers and its schema is current.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match crate::ops::ready(&state.store).await {
        Ok(()) => (StatusCode::OK, axum::Json(serde_json::json!({ "status": "ok" }))),
        Err(why) => {
            tracing::warn!(reason = %why, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, axum::Json(serde_json::json!({ "status": "unavailable", "reason": why })))
        }
    }
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let body = state.metrics.render(&state.store);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body)
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

/// Subscriptions: GraphQL over a WebSocket on `/graphql`, closed with
/// "going away" when the server shuts down.
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
    let mut closing = state.closing.clone();
    upgrade.protocols(ALL_WEBSOCKET_PROTOCOLS).on_upgrade(move |socket| async move {
        let (mut sink, stream) = socket.split();
        let until_closing = async move {
            let _ = closing.wait_for(|c| *c).await;
        };
        let input = stream.take_until(Box::pin(until_closing));
        GraphQLWebSocket::new_with_pair(&mut sink, input, schema, protocol).with_data(data).serve().await;
        let close = CloseFrame { code: 1001, reason: "the server is going away".into() };
        let _ = sink.send(Message::Close(Some(close))).await;
    })
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
    let Some(media) = response_type(&headers) else { return not_acceptable() };
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

async fn graphql_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> axum::response::Response {
    let Some(media) = response_type(&headers) else { return not_acceptable() };
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let limit = state.limits.max_body_bytes;
            return request_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                media,
                "PAYLOAD_TOO_LARGE",
                &format!("the request body is over the limit of {limit} bytes"),
            );
        }
        Err(_) => {
            return request_error(
                StatusCode::REQUEST_TIMEOUT,
                media,
                "BAD_REQUEST",
                "the request body did not arrive whole in time",
            )
        }
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
                &format!("the body is not a GraphQL request in JSON: line {}, column {}", e.line(), e.column()),
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
    let persisted = params
        .extensions
        .as_ref()
        .and_then(|e| e.get("persistedQuery"))
        .and_then(|p| p.get("sha256Hash"))
        .and_then(|h| h.as_str());
    let query = match (persisted, params.query.filter(|q| !q.trim().is_empty())) {
        (Some(hash), text) => match state.documents.persisted(hash, text.as_deref()) {
            Ok(text) => text,
            Err(PersistError::NotFound) => {
                return request_error(StatusCode::OK, media, "PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")
            }
            Err(PersistError::Mismatch) => {
                let message = "the query's SHA-256 is not the persistedQuery.sha256Hash sent";
                return request_error(StatusCode::BAD_REQUEST, media, "BAD_REQUEST", message);
            }
        },
        (None, Some(text)) => text,
        (None, None) => {
            return request_error(StatusCode::BAD_REQUEST, media, "BAD_REQUEST", "the request has no `query`")
        }
    };
    // A GET answer is tagged with the newest revision, the day and the
    // request: while no write happens, the same request gets the same
    // answer, and a client that has it is told so without running it.
    let etag = if method == Method::GET {
        match state.store.latest_revision().await {
            Ok(latest) => Some(entity_tag(latest, &query, params.variables.as_ref(), params.operation_name.as_deref())),
            Err(_) => None,
        }
    } else {
        None
    };
    if let Some(tag) = &etag {
        let matches = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
        if matches {
            record(state, "-", "not-modified", 0.0, &[]);
            return not_modified(tag);
        }
    }
    let variables = match params.variables {
        None | Some(serde_json::Value::Null) => Variables::default(),
        Some(v @ serde_json::Value::Object(_)) => Variables::from_json(v),
        Some(_) => {
            return request_error(StatusCode::BAD_REQUEST, media, "BAD_REQUEST", "`variables` must be a JSON object")
        }
    };
    let wanted = params.operation_name.clone();
    // Parsed here, once per distinct text: a parse failure is told by the
    // parser's result, and the document goes with the request to execution.
    let doc = match state.documents.parse(&query) {
        Ok(doc) => doc,
        Err(e) => return refused(media, "GRAPHQL_PARSE_FAILED", vec![e], None),
    };
    let mut request = Request::new(query).variables(variables);
    if let Some(name) = params.operation_name {
        request = request.operation_name(name);
    }
    // The operation's name for logs and metrics: the one asked for, or the
    // name of the document's only operation.
    let operation = match &wanted {
        Some(name) => name.clone(),
        None => {
            doc.operations.iter().next().and_then(|(name, _)| name).map_or_else(|| "-".to_owned(), |n| n.to_string())
        }
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
    // The cost limit, before validation and before any SQL runs.
    let cost = match state.cost.check(&doc, &request.variables) {
        Ok(cost) => cost,
        Err(refusal) => {
            let Refusal { error, cost } = *refusal;
            let errors = vec![error];
            record(state, &operation, "refused", 0.0, &errors);
            return refused(media, "GRAPHQL_VALIDATION_FAILED", errors, cost.map(|c| state.cost.report(c)));
        }
    };
    request.set_parsed_query(doc);
    let credentials = Credentials::from_header(headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()));
    let store = state.store.for_request(state.limits.request_connections);
    let request = request.data(request_loader(store)).data(state.feed.clone()).data(credentials);
    let span = tracing::info_span!("graphql", operation = %operation);
    let started = Instant::now();
    let timeout = state.limits.request_timeout;
    let executed = tokio::time::timeout(timeout, state.bare.execute(request).instrument(span.clone())).await;
    let elapsed = started.elapsed().as_secs_f64();
    let Ok(mut response) = executed else {
        span.in_scope(|| tracing::warn!(timeout_ms = timeout.as_millis() as u64, "request timed out"));
        record(state, &operation, "timeout", elapsed, &[]);
        let status = if media == GRAPHQL_RESPONSE { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::OK };
        let message = format!("the request took longer than its limit of {} ms; ask for less", timeout.as_millis());
        return request_error(status, media, "TIMEOUT", &message);
    };
    response.extensions.insert("cost".to_owned(), state.cost.report(cost));
    crate::protect::hygiene::tidy(&mut response);
    let request_failed = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    let outcome = if request_failed {
        "refused"
    } else if response.errors.is_empty() {
        "ok"
    } else {
        "errors"
    };
    record(state, &operation, outcome, elapsed, &response.errors);
    if let Some(cost) = response.extensions.get("cost").and_then(cost_of) {
        state.metrics.record(|| metrics::histogram!("graphql_query_cost").record(cost as f64));
    }
    span.in_scope(|| tracing::debug!(elapsed_ms = elapsed * 1e3, errors = response.errors.len(), "executed"));
    if request_failed {
        // A parsed request that never reached execution failed validation
        // (including variables that do not fit their types) or its cost.
        let extensions = response.extensions.get("cost").cloned();
        return refused(media, "GRAPHQL_VALIDATION_FAILED", response.errors, extensions);
    }
    match serde_json::to_string(&response) {
        Ok(body) if body.len() > state.limits.max_response_bytes => {
            let limit = state.limits.max_response_bytes;
            let message = format!("the answer is {} bytes, over the limit of {limit}; ask for less", body.len());
            request_error(StatusCode::OK, media, "RESPONSE_TOO_LARGE", &message)
        }
        Ok(body) => {
            let mut answer =
                (StatusCode::OK, [(header::CONTENT_TYPE, HeaderValue::from_static(media))], body).into_response();
            if let (Some(tag), true) = (etag, response.errors.is_empty()) {
                let h = answer.headers_mut();
                h.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL));
                if let Ok(tag) = HeaderValue::from_str(&tag) {
                    h.insert(header::ETAG, tag);
                }
            }
            answer
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot serialise a response");
            request_error(StatusCode::INTERNAL_SERVER_ERROR, media, "INTERNAL", "internal error")
        }
    }
}

/// Answers to GET may be kept, but must be checked with the server before
/// each use (If-None-Match), which answers 304 while nothing changed.
const CACHE_CONTROL: &str = "private, no-cache";

/// The entity tag of a GET request's answer: the newest revision, today's
/// date (a default `asOf` moves at midnight) and the request itself.
fn entity_tag(latest: i64, query: &str, variables: Option<&serde_json::Value>, operation: Option<&str>) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let vars = variables.map(|v| v.to_string()).unwrap_or_default();
    for part in [query, "\u{1f}", &vars, "\u{1f}", operation.unwrap_or("")] {
        for b in part.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    let day = chrono::Utc::now().format("%Y%m%d");
    format!("W/\"{latest}-{day}-{h:016x}\"")
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

/// The requested cost in a response's `extensions.cost`.
fn cost_of(value: &async_graphql::Value) -> Option<u64> {
    match value {
        async_graphql::Value::Object(fields) => match fields.get("requested") {
            Some(async_graphql::Value::Number(n)) => n.as_u64(),
            _ => None,
        },
        _ => None,
    }
}

/// Counts a GraphQL request by operation and outcome, its time, and its
/// errors by code.
fn record(state: &AppState, operation: &str, outcome: &'static str, elapsed: f64, errors: &[ServerError]) {
    let operation: String = operation.chars().take(64).collect();
    state.metrics.record(|| {
        metrics::counter!("graphql_requests_total", "operation" => operation.clone(), "outcome" => outcome)
            .increment(1);
        metrics::histogram!("graphql_request_duration_seconds", "operation" => operation.clone()).record(elapsed);
        for e in errors {
            let code = match e.extensions.as_ref().and_then(|x| x.get("code")) {
                Some(async_graphql::Value::String(code)) => code.clone(),
                _ => "UNKNOWN".to_owned(),
            };
            metrics::counter!("graphql_errors_total", "code" => code).increment(1);
        }
    });
}

/// A request refused before execution: no `data` entry, a code on every
/// error, and status 400 where the client accepts graphql-response+json.
fn refused(
    media: &'static str,
    code: &str,
    mut errors: Vec<ServerError>,
    cost: Option<async_graphql::Value>,
) -> axum::response::Response {
    crate::protect::hygiene::clean(&mut errors);
    let errors: Vec<serde_json::Value> = errors
        .iter()
        .map(|e| {
            let mut value = serde_json::to_value(e).unwrap_or_else(|_| serde_json::json!({ "message": e.message }));
            let has_code = value.get("extensions").and_then(|x| x.get("code")).and_then(|c| c.as_str());
            if has_code.is_none_or(|c| c == "GRAPHQL_VALIDATION_FAILED") {
                value["extensions"]["code"] = serde_json::json!(code);
            }
            value
        })
        .collect();
    let mut body = serde_json::json!({ "errors": errors });
    if let Some(cost) = cost {
        body["extensions"] = serde_json::json!({ "cost": cost });
    }
    let status = if media == GRAPHQL_RESPONSE { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static(media))], body.to_string()).into_response()
}
