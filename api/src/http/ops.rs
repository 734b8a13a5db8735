//! Operations: readiness and metrics.
//!
//! `/healthz` says the process is alive; `/readyz` that it can serve (the
//! database answers and its schema is current); `/metrics` gives Prometheus
//! text: requests by route and status, GraphQL requests by operation and
//! outcome, errors by code, a latency histogram, query costs, and the
//! database pool's use, each family with its `# HELP`. Metrics go to this
//! server's own recorder, so two servers in one process never mix their
//! figures. Labels come from closed sets only: a route, a status, an error
//! code, and an operation name the request's own document defines (the
//! first [`MAX_OPERATION_LABELS`] names seen; any later one counts as
//! `other`), so no client can grow the page without bound.

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle, PrometheusRecorder};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use store::Store;

/// Distinct operation names counted under their own label.
pub const MAX_OPERATION_LABELS: usize = 100;
/// Longest operation name used as a label; a longer one counts as `other`.
const LONGEST_LABEL: usize = 64;

/// Seconds of the latency histogram's buckets.
const LATENCY_BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];
/// Cost buckets of the query-cost histogram.
const COST_BUCKETS: [f64; 8] = [10.0, 100.0, 1_000.0, 5_000.0, 20_000.0, 50_000.0, 100_000.0, 200_000.0];

/// This server's metrics.
#[derive(Clone)]
pub struct Metrics {
    recorder: Arc<PrometheusRecorder>,
    handle: PrometheusHandle,
    /// The operation names already given a label of their own.
    operations: Arc<Mutex<HashSet<String>>>,
}

/// Each family and what it counts.
const FAMILIES: &[(&str, &str)] = &[
    ("http_requests_total", "HTTP requests answered, by route and status"),
    ("http_request_duration_seconds", "time to answer an HTTP request, by route"),
    ("graphql_requests_total", "GraphQL operations, by operation name and outcome (ok, errors, refused, timeout)"),
    ("graphql_request_duration_seconds", "time to execute a GraphQL operation, by operation name"),
    ("graphql_errors_total", "errors in GraphQL answers, by extensions.code"),
    ("graphql_query_cost", "the static cost of executed GraphQL operations"),
    ("db_pool_connections", "open database pool connections"),
    ("db_pool_connections_idle", "idle database pool connections"),
];

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                metrics_exporter_prometheus::Matcher::Suffix("duration_seconds".into()),
                &LATENCY_BUCKETS,
            )
            .and_then(|b| {
                b.set_buckets_for_metric(
                    metrics_exporter_prometheus::Matcher::Full("graphql_query_cost".into()),
                    &COST_BUCKETS,
                )
            });
        let recorder = match builder {
            Ok(b) => b.build_recorder(),
            Err(_) => PrometheusBuilder::new().build_recorder(),
        };
        let handle = recorder.handle();
        metrics::with_local_recorder(&recorder, || {
            for (name, help) in FAMILIES {
                metrics::describe_counter!(*name, *help);
            }
        });
        Metrics { recorder: Arc::new(recorder), handle, operations: Arc::default() }
    }

    /// The label of an operation: `-` for an anonymous one, its name while
    /// fewer than [`MAX_OPERATION_LABELS`] names have been seen (and for
    /// those already seen), `other` beyond. Only names the request's
    /// document defines reach here.
    pub fn operation_label(&self, name: Option<&str>) -> String {
        let Some(name) = name else { return "-".to_owned() };
        if name.len() > LONGEST_LABEL || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return "other".to_owned();
        }
        let Ok(mut seen) = self.operations.lock() else { return "other".to_owned() };
        if seen.contains(name) || seen.len() < MAX_OPERATION_LABELS && seen.insert(name.to_owned()) {
            name.to_owned()
        } else {
            "other".to_owned()
        }
    }

    /// Runs `f` with this server's recorder receiving the metrics it records.
    pub fn record(&self, f: impl FnOnce()) {
        metrics::with_local_recorder(&*self.recorder, f);
    }

    /// The Prometheus text, with the pool's use as of now.
    pub fn render(&self, store: &Store) -> String {
        let (size, idle) = store.pool_use();
        self.record(|| {
            metrics::gauge!("db_pool_connections").set(size as f64);
            metrics::gauge!("db_pool_connections_idle").set(idle as f64);
        });
        self.handle.render()
    }
}

/// `/healthz`: the process is alive.
pub(crate) async fn healthz() -> impl axum::response::IntoResponse {
    (axum::http::StatusCode::OK, axum::Json(serde_json::json!({ "status": "ok" })))
}

/// `/readyz`: the server can serve: the database answers and its schema is current.
pub(crate) async fn readyz(
    axum::extract::State(state): axum::extract::State<super::AppState>,
) -> impl axum::response::IntoResponse {
    use axum::http::StatusCode;
    match state.store.ready().await {
        Ok(()) => (StatusCode::OK, axum::Json(serde_json::json!({ "status": "ok" }))),
        Err(why) => {
            tracing::warn!(reason = %why, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, axum::Json(serde_json::json!({ "status": "unavailable", "reason": why })))
        }
    }
}

/// `/metrics`: Prometheus text.
pub(crate) async fn metrics(
    axum::extract::State(state): axum::extract::State<super::AppState>,
) -> impl axum::response::IntoResponse {
    let body = state.metrics.render(&state.store);
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body)
}
