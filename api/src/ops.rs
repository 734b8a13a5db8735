//! Operations: readiness and metrics.
//!
//! `/healthz` says the process is alive; `/readyz` that it can serve (the
//! database answers and its schema is current); `/metrics` gives Prometheus
//! text: requests by route and status, GraphQL requests by operation and
//! outcome, errors by code, a latency histogram, query costs, and the
//! database pool's use. Metrics go to this server's own recorder, so two
//! servers in one process never mix their figures.

use crate::store::Store;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle, PrometheusRecorder};
use migration::MigratorTrait;
use sea_orm::DatabaseBackend;
use std::sync::Arc;

/// Seconds of the latency histogram's buckets.
const LATENCY_BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];
/// Cost buckets of the query-cost histogram.
const COST_BUCKETS: [f64; 8] = [10.0, 100.0, 1_000.0, 5_000.0, 20_000.0, 50_000.0, 100_000.0, 200_000.0];

/// This server's metrics.
#[derive(Clone)]
pub struct Metrics {
    recorder: Arc<PrometheusRecorder>,
    handle: PrometheusHandle,
}

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
        Metrics { recorder: Arc::new(recorder), handle }
    }

    /// Runs `f` with this server's recorder receiving the metrics it records.
    pub fn record(&self, f: impl FnOnce()) {
        metrics::with_local_recorder(&*self.recorder, f);
    }

    /// The Prometheus text, with the pool's use as of now.
    pub fn render(&self, store: &Store) -> String {
        let (size, idle) = pool_use(store);
        self.record(|| {
            metrics::gauge!("db_pool_connections").set(size as f64);
            metrics::gauge!("db_pool_connections_idle").set(idle as f64);
        });
        self.handle.render()
    }
}

/// Open and idle connections of the store's pool.
fn pool_use(store: &Store) -> (u32, usize) {
    match store.db.get_database_backend() {
        DatabaseBackend::Postgres => {
            let pool = store.db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        DatabaseBackend::Sqlite => {
            let pool = store.db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => (0, 0),
    }
}

/// Whether the server can serve: the database answers and has every
/// migration this binary knows applied. The error says what is wrong.
pub async fn ready(store: &Store) -> Result<(), String> {
    store.db.ping().await.map_err(|_| "the database does not answer".to_owned())?;
    let pending = migration::Migrator::get_pending_migrations(&store.db)
        .await
        .map_err(|_| "the database's migrations cannot be read".to_owned())?;
    if pending.is_empty() {
        Ok(())
    } else {
        Err(format!("{} migrations are not applied", pending.len()))
    }
}
