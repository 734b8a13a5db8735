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
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use store::Store;

/// Distinct operation names counted under their own label.
pub const MAX_OPERATION_LABELS: usize = 100;
/// Longest operation name used as a label; a longer one counts as `other`.
const LONGEST_LABEL: usize = 64;

/// Recordings between two drains of the histograms' pending samples.
///
/// The exporter keeps every sample a histogram records, in a lock-free
/// bucket, until it is drained into the histogram's counts. Only its own
/// HTTP listener drains on a timer (its "upkeep"); a recorder built with
/// `build_recorder`, as here, is drained only by `render` (a scrape of
/// `/metrics`) or `run_upkeep`. Unscraped, each request's three samples
/// were kept for the life of the process: about 60 bytes a request, all
/// of the soak's growth in memory. Draining every this many
/// recordings bounds the pending samples whatever the load, and loses
/// none: each is counted in its bucket.
const DRAIN_EVERY: usize = 1024;

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
    /// Recordings so far, to drain the histograms every [`DRAIN_EVERY`].
    recorded: Arc<AtomicUsize>,
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
        Metrics { recorder: Arc::new(recorder), handle, operations: Arc::default(), recorded: Arc::default() }
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

    /// Runs `f` with this server's recorder receiving the metrics it
    /// records; every [`DRAIN_EVERY`] recordings, folds the histograms'
    /// pending samples into their counts, so they never pile up.
    pub fn record(&self, f: impl FnOnce()) {
        metrics::with_local_recorder(&*self.recorder, f);
        if self.recorded.fetch_add(1, Ordering::Relaxed) % DRAIN_EVERY == DRAIN_EVERY - 1 {
            self.handle.run_upkeep();
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draining_the_histograms_loses_no_sample() {
        let m = Metrics::new();
        let n = 3 * DRAIN_EVERY + 7;
        for i in 0..n {
            m.record(|| metrics::histogram!("graphql_query_cost").record((i % 50) as f64));
        }
        let text = m.handle.render();
        assert!(text.contains(&format!("graphql_query_cost_count {n}\n")), "{text}");
        assert!(text.contains(&format!("graphql_query_cost_bucket{{le=\"100\"}} {n}\n")), "{text}");
        // Drained while recording: the count is right before any render too.
        m.record(|| metrics::histogram!("graphql_query_cost").record(1.0));
        assert!(m.handle.render().contains(&format!("graphql_query_cost_count {}\n", n + 1)));
    }
}
