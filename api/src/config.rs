//! Typed configuration, from flags and environment (clap, a flag winning
//! over its variable), with defaults that work out of the box: an SQLite
//! file in the working directory, served on 127.0.0.1:8000. The result is
//! plain data; nothing else in the crate reads the environment.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::time::Duration;

pub use store::db::DEFAULT_DATABASE_URL;
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8000";

/// The command line: serve by default, or one of the subcommands.
#[derive(Debug, Parser)]
#[command(name = "api", version, about = "The knowledge base of international relations, served as GraphQL")]
pub struct Cli {
    /// `postgres://user@host:port/db` or `sqlite://FILE?mode=rwc`
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true, value_parser = database_url)]
    pub database_url: String,
    #[command(flatten)]
    pub serve: ServeArgs,
    #[command(subcommand)]
    pub command: Option<Sub>,
}

/// What serving takes.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// address to serve on
    #[arg(long, env = "KB_LISTEN", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,
    /// database pool size
    #[arg(long, env = "KB_MAX_CONNECTIONS", default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub max_connections: u32,
    /// do not load the bundled articles into an empty database
    #[arg(long)]
    pub no_seed: bool,
    /// load the bundled articles into an empty database (`KB_SEED=false` to skip)
    #[arg(long, env = "KB_SEED", default_value_t = true, hide = true, action = clap::ArgAction::Set,
          value_parser = clap::builder::BoolishValueParser::new())]
    pub seed: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// The limits, each from its variable (or flag).
#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// largest cost a query may have
    #[arg(long, env = "KB_COST_LIMIT", default_value_t = crate::protect::DEFAULT_COST_LIMIT,
          value_parser = clap::value_parser!(u64).range(1..=(u64::MAX / 2)))]
    pub cost_limit: u64,
    /// `measure` runs costlier queries and marks them wouldBeRefused
    #[arg(long, env = "KB_COST_MODE", value_enum, default_value_t = CostModeArg::Enforce)]
    pub cost_mode: CostModeArg,
    /// wall-clock time of one request, in ms
    #[arg(long, env = "KB_REQUEST_TIMEOUT_MS", default_value_t = 10_000, value_parser = millis())]
    pub request_timeout_ms: u64,
    /// time of one SQL statement on PostgreSQL, in ms
    #[arg(long, env = "KB_STATEMENT_TIMEOUT_MS", default_value_t = 5_000, value_parser = millis())]
    pub statement_timeout_ms: u64,
    /// wait for a pool connection before DATABASE_UNAVAILABLE, in ms
    #[arg(long, env = "KB_DB_WAIT_MS", default_value_t = 2_000, value_parser = millis())]
    pub db_wait_ms: u64,
    /// pool connections one request may hold at once
    #[arg(long, env = "KB_REQUEST_CONNECTIONS", default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub request_connections: u64,
    /// largest request body, in bytes
    #[arg(long, env = "KB_MAX_BODY_BYTES", default_value_t = 1024 * 1024, value_parser = clap::value_parser!(u64).range(1024..=(1 << 30)))]
    pub max_body_bytes: u64,
    /// largest answer, in bytes
    #[arg(long, env = "KB_MAX_RESPONSE_BYTES", default_value_t = 8 * 1024 * 1024, value_parser = clap::value_parser!(u64).range(1024..=(1 << 34)))]
    pub max_response_bytes: u64,
    /// time to send a request's head (and to start the next on a kept-alive connection), in ms
    #[arg(long, env = "KB_HEADER_TIMEOUT_MS", default_value_t = 10_000, value_parser = millis())]
    pub header_timeout_ms: u64,
    /// time to send a request's body, in ms
    #[arg(long, env = "KB_BODY_TIMEOUT_MS", default_value_t = 10_000, value_parser = millis())]
    pub body_timeout_ms: u64,
    /// open client connections; more wait to be accepted
    #[arg(long, env = "KB_MAX_CLIENTS", default_value_t = 1024, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_clients: u64,
    /// time in-flight requests get to finish on shutdown, in ms
    #[arg(long, env = "KB_SHUTDOWN_GRACE_MS", default_value_t = 10_000, value_parser = millis())]
    pub shutdown_grace_ms: u64,
    /// origins a browser may call the API from, comma-separated (`*` for any)
    #[arg(long, env = "KB_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    /// exports streaming at once
    #[arg(long, env = "KB_MAX_EXPORTS", default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub max_exports: u64,
}

fn millis() -> clap::builder::RangedU64ValueParser<u64> {
    clap::value_parser!(u64).range(1..=3_600_000)
}

fn database_url(url: &str) -> Result<String, String> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") || url.starts_with("sqlite:") {
        Ok(url.to_owned())
    } else {
        Err(format!("a database URL starts with postgres:// or sqlite:, not `{url}`"))
    }
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Csv,
    Jsonl,
}

/// `KB_COST_MODE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CostModeArg {
    Enforce,
    Measure,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Sub {
    /// print the GraphQL schema (SDL)
    Schema,
    /// make, list or revoke write tokens
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// write exports of every table into a folder
    Export(ExportArgs),
}

/// What `api token` does.
#[derive(Debug, Clone, PartialEq, Subcommand)]
pub enum TokenAction {
    /// make a token; its secret is printed once, on the last line
    Create {
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = scope)]
        scope: store::tokens::Scope,
    },
    /// list the tokens
    List,
    /// revoke the valid token with this name
    Revoke {
        #[arg(long)]
        name: String,
    },
}

fn scope(text: &str) -> Result<store::tokens::Scope, String> {
    store::tokens::Scope::parse(text).ok_or_else(|| format!("a scope is read, write or admin, not `{text}`"))
}

/// What `api export` writes.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct ExportArgs {
    /// the folder to write into (made if missing)
    #[arg(long, required_unless_present = "columns")]
    pub out: Option<std::path::PathBuf>,
    /// the valid-time day (every row when absent)
    #[arg(long)]
    pub as_of: Option<String>,
    /// the record-time instant (now when absent)
    #[arg(long)]
    pub known_at: Option<String>,
    /// csv or jsonl (both when absent)
    #[arg(long = "format", value_enum)]
    pub formats: Vec<FormatArg>,
    /// print the exports' columns (the table docs/exports.md carries)
    #[arg(long)]
    pub columns: bool,
}

/// What one request or client may take.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    pub cost: crate::protect::CostPolicy,
    pub request_timeout: Duration,
    pub statement_timeout: Duration,
    /// How long a query waits for a pool connection before the request is
    /// told the database is unavailable.
    pub acquire_timeout: Duration,
    pub request_connections: usize,
    pub max_response_bytes: usize,
    pub max_body_bytes: usize,
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub max_clients: usize,
    pub shutdown_grace: Duration,
    pub cors_origins: Vec<String>,
    pub max_exports: usize,
}

impl Default for Limits {
    fn default() -> Self {
        let ms = Duration::from_millis;
        Limits {
            cost: crate::protect::CostPolicy::default(),
            request_timeout: ms(10_000),
            statement_timeout: ms(5_000),
            acquire_timeout: ms(2_000),
            request_connections: 4,
            max_response_bytes: 8 * 1024 * 1024,
            max_body_bytes: 1024 * 1024,
            header_timeout: ms(10_000),
            body_timeout: ms(10_000),
            max_clients: 1024,
            shutdown_grace: ms(10_000),
            cors_origins: Vec::new(),
            max_exports: 2,
        }
    }
}

impl From<LimitArgs> for Limits {
    fn from(a: LimitArgs) -> Limits {
        let ms = Duration::from_millis;
        let mode = match a.cost_mode {
            CostModeArg::Enforce => crate::protect::CostMode::Enforce,
            CostModeArg::Measure => crate::protect::CostMode::Measure,
        };
        Limits {
            cost: crate::protect::CostPolicy { limit: a.cost_limit, mode },
            request_timeout: ms(a.request_timeout_ms),
            statement_timeout: ms(a.statement_timeout_ms),
            acquire_timeout: ms(a.db_wait_ms),
            request_connections: a.request_connections as usize,
            max_response_bytes: a.max_response_bytes as usize,
            max_body_bytes: a.max_body_bytes as usize,
            header_timeout: ms(a.header_timeout_ms),
            body_timeout: ms(a.body_timeout_ms),
            max_clients: a.max_clients as usize,
            shutdown_grace: ms(a.shutdown_grace_ms),
            cors_origins: a.cors_origins.into_iter().map(|o| o.trim().to_owned()).filter(|o| !o.is_empty()).collect(),
            max_exports: a.max_exports as usize,
        }
    }
}

/// What serving needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub database_url: String,
    pub listen: SocketAddr,
    pub max_connections: u32,
    /// Load the bundled articles into an empty database.
    pub seed: bool,
    pub limits: Limits,
}

impl Cli {
    /// The serving configuration these flags and variables give.
    pub fn config(&self) -> Config {
        Config {
            database_url: self.database_url.clone(),
            listen: self.serve.listen,
            max_connections: self.serve.max_connections,
            seed: self.serve.seed && !self.serve.no_seed,
            limits: self.serve.limits.clone().into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("api").chain(args.iter().copied()))
    }

    #[test]
    fn defaults_work_out_of_the_box() {
        let c = parse(&["--database-url", DEFAULT_DATABASE_URL]).unwrap().config();
        assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(c.listen.to_string(), "127.0.0.1:8000");
        assert_eq!(c.max_connections, 16);
        assert!(c.seed);
        assert_eq!(c.limits, Limits::default(), "the flags' defaults are the documented ones");
        assert_eq!(c.limits.cost.limit, crate::protect::DEFAULT_COST_LIMIT);
        assert_eq!(c.limits.request_timeout, Duration::from_secs(10));
        assert_eq!((c.limits.max_body_bytes, c.limits.max_exports), (1024 * 1024, 2));
    }

    #[test]
    fn flags_are_read_and_bad_values_are_explained() {
        let c =
            parse(&["--database-url", "postgres://x@h/db", "--listen", "0.0.0.0:9000", "--no-seed"]).unwrap().config();
        assert_eq!((c.listen.to_string().as_str(), c.seed), ("0.0.0.0:9000", false));
        assert_eq!(c.database_url, "postgres://x@h/db");
        let c = parse(&[
            "--database-url",
            "sqlite://a",
            "--cost-limit",
            "500",
            "--cors-origins",
            "https://a.example, https://b.example",
        ])
        .unwrap()
        .config();
        assert_eq!(c.limits.cost.limit, 500);
        assert_eq!(c.limits.cors_origins, ["https://a.example", "https://b.example"]);
        let error = |args: &[&str]| parse(args).unwrap_err().to_string();
        assert!(error(&["--database-url", "sqlite://a", "--listen", "nowhere"]).contains("--listen"));
        assert!(error(&["--database-url", "mysql://x"]).contains("postgres://"));
        assert!(error(&["--database-url", "sqlite://a", "--max-connections", "0"]).contains("1..=1000"));
        assert!(error(&["--database-url", "sqlite://a", "--bogus"]).contains("--bogus"));
        assert!(error(&["--database-url", "sqlite://a", "--request-timeout-ms", "0"]).contains("request-timeout-ms"));
        assert!(error(&["--database-url", "sqlite://a", "--cost-mode", "lax"]).contains("enforce"));
    }

    #[test]
    fn subcommands_take_their_arguments() {
        let cli = parse(&[
            "--database-url",
            "sqlite://k.db",
            "export",
            "--out",
            "dump",
            "--as-of",
            "2008-08-19",
            "--format",
            "csv",
        ])
        .unwrap();
        let Some(Sub::Export(e)) = cli.command else { panic!("export") };
        assert_eq!(e.out.as_deref(), Some(std::path::Path::new("dump")));
        assert_eq!((e.as_of.as_deref(), e.formats.as_slice()), (Some("2008-08-19"), &[FormatArg::Csv][..]));
        assert!(
            matches!(parse(&["--database-url", "sqlite://k", "export", "--columns"]).unwrap().command, Some(Sub::Export(e)) if e.columns)
        );
        assert!(parse(&["--database-url", "sqlite://k", "export"]).is_err(), "export needs --out");
        assert!(parse(&["--database-url", "sqlite://k", "token", "create", "--name", "ann"]).is_err(), "needs --scope");
        let e = parse(&["--database-url", "sqlite://k", "token", "create", "--name", "ann", "--scope", "root"])
            .unwrap_err();
        assert!(e.to_string().contains("root"));
        let cli = parse(&["--database-url", "sqlite://x.db", "token", "create", "--name", "ann", "--scope", "write"])
            .unwrap();
        assert_eq!(cli.database_url, "sqlite://x.db");
        assert!(matches!(
            cli.command,
            Some(Sub::Token { action: TokenAction::Create { scope: store::tokens::Scope::Write, .. } })
        ));
        assert!(matches!(parse(&["--database-url", "sqlite://k", "schema"]).unwrap().command, Some(Sub::Schema)));
    }
}
