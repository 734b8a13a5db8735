//! HTTP: the listener and its limits, the router, and one module per job —
//! GraphQL over HTTP ([`graphql`]) and over WebSocket ([`ws`]), both through
//! one request [`pipeline`]; the embedded pages ([`assets`]); bulk exports
//! ([`export`]); health, readiness and metrics ([`ops`]).
//!
//! No client may take more than its share: connections are capped, a
//! client has a bounded time to send a request's head and body, a request's
//! body, nesting, cost, time, database connections and answer are bounded,
//! and every refusal is a GraphQL error with a code. Answers are compressed
//! (gzip or brotli) when the client accepts it.

mod assets;
mod export;
mod graphql;
mod ops;
mod pipeline;
mod ws;

use crate::config::Limits;
use crate::documents::Documents;
use crate::graphql::complete::Shapes;
use crate::graphql::{build_schemas, AppSchema};
use crate::protect::CostLimit;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use ops::Metrics;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;
use store::feed::ChangeFeed;
use store::Store;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};

/// What every handler shares.
#[derive(Clone)]
pub(crate) struct AppState {
    /// The schema, without extensions: the [`pipeline`] applies the limits
    /// and shapes the answers around execution itself.
    pub schema: AppSchema,
    pub shapes: Arc<Shapes>,
    pub cost: CostLimit,
    pub store: Store,
    pub feed: ChangeFeed,
    pub limits: Arc<Limits>,
    pub metrics: Metrics,
    ids: RequestIds,
    pub documents: Arc<Documents>,
    /// Turns true when the server begins to shut down.
    pub closing: watch::Receiver<bool>,
    /// Exports streaming now; at most `max_exports`.
    pub exports: Arc<Semaphore>,
}

/// Request IDs for requests that bring none fit to keep: a random prefix
/// per server and a counter.
#[derive(Clone)]
struct RequestIds {
    prefix: Arc<str>,
    next: Arc<AtomicU64>,
}

impl RequestIds {
    fn new() -> RequestIds {
        let mut bytes = [0u8; 4];
        let _ = getrandom::fill(&mut bytes);
        let prefix: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        RequestIds { prefix: prefix.into(), next: Arc::new(AtomicU64::new(1)) }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let id = format!("{}-{}", self.prefix, self.next.fetch_add(1, Ordering::Relaxed));
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

/// A client's own request ID is kept when it is short and plain (letters,
/// digits, `-`, `_`, at most 64); any other is dropped, and a new one made.
async fn drop_unfit_request_id(mut request: axum::extract::Request, next: Next) -> axum::response::Response {
    let fit = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).is_some_and(|v| {
        !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    });
    if !fit {
        request.headers_mut().remove(REQUEST_ID);
    }
    next.run(request).await
}

pub(crate) const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
pub(crate) const JSON: &str = "application/json";
pub(crate) const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The router over a store and its change feed, with these limits.
fn router(state: AppState) -> Router {
    let limits = state.limits.clone();
    let mut app = Router::new()
        .route("/", get(assets::playground))
        .route("/graphql", get(graphql::get).post(graphql::post))
        .route("/graphql/possible-types.json", get(assets::possible_types))
        .route("/playground/{file}", get(assets::playground_file))
        .route("/explore", get(assets::explorer))
        .route("/explore/{*file}", get(assets::explorer_file))
        .route("/export/{file}", get(export::export))
        .route("/health", get(ops::readyz))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .fallback(assets::not_found)
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(limits.body_timeout))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-").to_owned();
            tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
        }))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(state.ids.clone()))
        .layer(axum::middleware::from_fn(drop_unfit_request_id));
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
        p if p.starts_with("/graphql/") => "/graphql",
        p if p.starts_with("/playground/") => "/playground",
        p if p.starts_with("/explore") => "/explore",
        p if p.starts_with("/export/") => "/export",
        _ => "other",
    }
}

/// Around every request: security headers, `Vary` where the answer depends
/// on `Accept`, and its metrics.
async fn around(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: Next,
) -> axum::response::Response {
    let route = route(request.uri().path());
    let started = Instant::now();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if route == "/graphql" {
        headers.append(header::VARY, HeaderValue::from_static("accept"));
    }
    let status = response.status().as_u16().to_string();
    let elapsed = started.elapsed().as_secs_f64();
    state.metrics.record(|| {
        metrics::counter!("http_requests_total", "route" => route, "status" => status).increment(1);
        metrics::histogram!("http_request_duration_seconds", "route" => route).record(elapsed);
    });
    response
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
        schema: schemas.schema,
        shapes: schemas.shapes,
        cost: schemas.cost,
        store,
        feed,
        limits: Arc::new(limits.clone()),
        metrics: Metrics::new(),
        ids: RequestIds::new(),
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

/// An error response in GraphQL shape, for requests that never reached execution.
pub(crate) fn request_error(
    status: StatusCode,
    media: &'static str,
    code: &str,
    message: &str,
) -> axum::response::Response {
    let body = serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static(media))], body.to_string()).into_response()
}

/// An error of the store or of the input, as an HTTP answer in GraphQL's
/// error shape (for the routes beside /graphql); internal detail is logged.
pub(crate) fn app_error(e: &crate::error::AppError) -> axum::response::Response {
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
