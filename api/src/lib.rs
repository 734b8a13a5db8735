//! The knowledge base of international relations, served as GraphQL.
//!
//! [`run`] opens the database named by the configuration (migrating it and
//! seeding the bundled articles into an empty one), then serves the API on
//! the given listener until `shutdown` completes. Tests start it on port 0.

pub mod auth;
pub mod commands;
pub mod config;
pub mod documents;
pub mod error;
pub mod export;
pub mod graphql;
pub mod http;
pub mod protect;
pub mod time;

use config::Config;
use std::future::Future;
use tokio::net::TcpListener;

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot open or seed the database: {0}")]
    Store(#[from] store::Error),
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
}

/// Opens (migrates, seeds) the database and serves until `shutdown`.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), RunError> {
    let pool = store::db::Pool {
        max_connections: config.max_connections,
        acquire_timeout: config.limits.acquire_timeout,
        statement_timeout: config.limits.statement_timeout,
    };
    let store = store::Store::open(&config.database_url, pool).await?;
    if config.seed {
        let loaded = seed::seed_if_empty(&store).await?;
        if loaded > 0 {
            tracing::info!(bundles = loaded, "seeded an empty database with the bundled articles");
        }
    }
    tracing::info!(address = %listener.local_addr()?, "serving GraphQL at /graphql and the playground at /");
    http::serve_with(store, listener, config.limits, shutdown).await?;
    Ok(())
}

/// Installs the log subscriber; `RUST_LOG` controls it (default `info`).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
