//! Typed configuration, from flags and environment, with defaults that work
//! out of the box: an SQLite file in the working directory, served on
//! 127.0.0.1:8000. A flag wins over its environment variable.

use crate::graphql::{CostMode, CostPolicy};
use std::net::SocketAddr;
use std::time::Duration;

pub use store::db::DEFAULT_DATABASE_URL;
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8000";

/// What the binary was asked to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Serve the API.
    Serve(Config),
    /// Print the schema in SDL and exit.
    PrintSchema,
    /// Manage write tokens in the database at this URL.
    Token {
        database_url: String,
        action: TokenAction,
    },
    /// Write exports of the database at this URL into a folder.
    Export {
        database_url: String,
        request: ExportRequest,
    },
    /// Print the exports' columns (the table docs/exports.md carries).
    ExportColumns,
    Help,
}

/// What `api export` writes.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRequest {
    pub out: std::path::PathBuf,
    /// `--as-of DAY`: the valid-time day (every row when absent).
    pub as_of: Option<String>,
    /// `--known-at INSTANT`: the record-time instant (now when absent).
    pub known_at: Option<String>,
    /// `--format csv|jsonl`: both when absent.
    pub formats: Vec<crate::export::Format>,
}

/// What `api token` does.
#[derive(Debug, Clone, PartialEq)]
pub enum TokenAction {
    /// Make a token; its secret is printed once, on the last line.
    Create {
        name: String,
        scope: crate::auth::Scope,
    },
    List,
    Revoke {
        name: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// `DATABASE_URL` / `--database-url`: `postgres://...` or `sqlite://FILE?mode=rwc`.
    pub database_url: String,
    /// `KB_LISTEN` / `--listen`: address to bind.
    pub listen: SocketAddr,
    /// `KB_MAX_CONNECTIONS` / `--max-connections`: database pool size.
    pub max_connections: u32,
    /// `KB_SEED` / `--no-seed`: load the bundled articles into an empty database.
    pub seed: bool,
    pub limits: Limits,
}

/// What one request or client may take; each from an environment variable.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// `KB_COST_LIMIT`, `KB_COST_MODE` (enforce or measure).
    pub cost: CostPolicy,
    /// `KB_REQUEST_TIMEOUT_MS`: wall-clock time one GraphQL request may take.
    pub request_timeout: Duration,
    /// `KB_STATEMENT_TIMEOUT_MS`: time one SQL statement may take (PostgreSQL).
    pub statement_timeout: Duration,
    /// `KB_DB_WAIT_MS`: how long a query waits for a pool connection before
    /// the request is told the database is unavailable.
    pub acquire_timeout: Duration,
    /// `KB_REQUEST_CONNECTIONS`: pool connections one request may hold at once.
    pub request_connections: usize,
    /// `KB_MAX_RESPONSE_BYTES`: largest response body.
    pub max_response_bytes: usize,
    /// `KB_MAX_BODY_BYTES`: largest request body.
    pub max_body_bytes: usize,
    /// `KB_HEADER_TIMEOUT_MS`: time a client has to send a request's head,
    /// and to start the next one on a kept-alive connection.
    pub header_timeout: Duration,
    /// `KB_BODY_TIMEOUT_MS`: time a client has to send a request's body.
    pub body_timeout: Duration,
    /// `KB_MAX_CLIENTS`: open client connections; more wait to be accepted.
    pub max_clients: usize,
    /// `KB_SHUTDOWN_GRACE_MS`: time in-flight requests get to finish on shutdown.
    pub shutdown_grace: Duration,
    /// `KB_CORS_ORIGINS`: comma-separated origins allowed to call the API
    /// from a browser (none by default; `*` for any).
    pub cors_origins: Vec<String>,
    /// `KB_MAX_EXPORTS`: exports streaming at once; more are told to retry.
    pub max_exports: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            cost: CostPolicy::default(),
            request_timeout: Duration::from_secs(10),
            statement_timeout: Duration::from_secs(5),
            acquire_timeout: Duration::from_secs(2),
            request_connections: 4,
            max_response_bytes: 8 * 1024 * 1024,
            max_body_bytes: 1024 * 1024,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            max_clients: 1024,
            shutdown_grace: Duration::from_secs(10),
            cors_origins: Vec::new(),
            max_exports: 2,
        }
    }
}

impl Limits {
    /// Reads every limit from the environment; an unset one keeps its default.
    pub fn from_env(env: &impl Fn(&str) -> Option<String>) -> Result<Limits, String> {
        let mut l = Limits::default();
        let number = |name: &str, min: u64, max: u64| -> Result<Option<u64>, String> {
            match env(name) {
                None => Ok(None),
                Some(text) => text
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| (min..=max).contains(n))
                    .map(Some)
                    .ok_or_else(|| format!("{name} must be a whole number from {min} to {max}, not `{text}`")),
            }
        };
        let millis = |name: &str| -> Result<Option<Duration>, String> {
            Ok(number(name, 1, 3_600_000)?.map(Duration::from_millis))
        };
        if let Some(n) = number("KB_COST_LIMIT", 1, u64::MAX / 2)? {
            l.cost.limit = n;
        }
        l.cost.mode = match env("KB_COST_MODE").as_deref() {
            None | Some("enforce") => CostMode::Enforce,
            Some("measure") => CostMode::Measure,
            Some(other) => return Err(format!("KB_COST_MODE must be enforce or measure, not `{other}`")),
        };
        if let Some(d) = millis("KB_REQUEST_TIMEOUT_MS")? {
            l.request_timeout = d;
        }
        if let Some(d) = millis("KB_STATEMENT_TIMEOUT_MS")? {
            l.statement_timeout = d;
        }
        if let Some(d) = millis("KB_DB_WAIT_MS")? {
            l.acquire_timeout = d;
        }
        if let Some(n) = number("KB_REQUEST_CONNECTIONS", 1, 1000)? {
            l.request_connections = n as usize;
        }
        if let Some(n) = number("KB_MAX_RESPONSE_BYTES", 1024, 1 << 34)? {
            l.max_response_bytes = n as usize;
        }
        if let Some(n) = number("KB_MAX_BODY_BYTES", 1024, 1 << 30)? {
            l.max_body_bytes = n as usize;
        }
        if let Some(d) = millis("KB_HEADER_TIMEOUT_MS")? {
            l.header_timeout = d;
        }
        if let Some(d) = millis("KB_BODY_TIMEOUT_MS")? {
            l.body_timeout = d;
        }
        if let Some(n) = number("KB_MAX_CLIENTS", 1, 1_000_000)? {
            l.max_clients = n as usize;
        }
        if let Some(d) = millis("KB_SHUTDOWN_GRACE_MS")? {
            l.shutdown_grace = d;
        }
        if let Some(n) = number("KB_MAX_EXPORTS", 1, 64)? {
            l.max_exports = n as usize;
        }
        if let Some(origins) = env("KB_CORS_ORIGINS") {
            l.cors_origins = origins.split(',').map(|o| o.trim().to_owned()).filter(|o| !o.is_empty()).collect();
        }
        Ok(l)
    }
}

pub const USAGE: &str = "usage: api [--database-url URL] [--listen ADDR] [--max-connections N] [--no-seed]
       api schema      print the GraphQL schema (SDL)
       api [--database-url URL] token create --name NAME --scope read|write|admin
       api [--database-url URL] token list
       api [--database-url URL] token revoke --name NAME
       api [--database-url URL] export --out DIR [--as-of DAY] [--known-at INSTANT] [--format csv|jsonl]
       api export --columns   print the exports' columns

environment: DATABASE_URL (default an SQLite file kb.sqlite), KB_LISTEN (default 127.0.0.1:8000),
             KB_MAX_CONNECTIONS (default 16), KB_SEED (default true), RUST_LOG (default info)";

impl Command {
    /// Reads flags and the environment (through `env`, so tests need not touch the process's).
    pub fn parse(
        args: impl IntoIterator<Item = String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Command, String> {
        let mut database_url = env("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        let mut listen = env("KB_LISTEN").unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
        let mut max_connections = env("KB_MAX_CONNECTIONS").unwrap_or_else(|| "16".to_owned());
        let mut seed = match env("KB_SEED").as_deref() {
            None | Some("1") | Some("true") => true,
            Some("0") | Some("false") => false,
            Some(other) => return Err(format!("KB_SEED must be true or false, not `{other}`")),
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
            match arg.as_str() {
                "schema" => return Ok(Command::PrintSchema),
                "token" => {
                    let action = TokenAction::parse(args.by_ref())?;
                    return Ok(Command::Token { database_url, action });
                }
                "export" => return ExportRequest::parse(args.by_ref(), database_url),
                "-h" | "--help" => return Ok(Command::Help),
                "--database-url" => database_url = value("--database-url")?,
                "--listen" => listen = value("--listen")?,
                "--max-connections" => max_connections = value("--max-connections")?,
                "--no-seed" => seed = false,
                other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
            }
        }
        let listen =
            listen.parse().map_err(|_| format!("listen address `{listen}` is not HOST:PORT (like 127.0.0.1:8000)"))?;
        let max_connections: u32 = max_connections
            .parse()
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .ok_or_else(|| format!("max connections `{max_connections}` must be a number from 1 to 1000"))?;
        if !(database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://")
            || database_url.starts_with("sqlite:"))
        {
            return Err(format!("database URL must start with postgres:// or sqlite:, not `{database_url}`"));
        }
        let limits = Limits::from_env(&env)?;
        Ok(Command::Serve(Config { database_url, listen, max_connections, seed, limits }))
    }
}

impl ExportRequest {
    fn parse(mut args: impl Iterator<Item = String>, database_url: String) -> Result<Command, String> {
        let (mut out, mut as_of, mut known_at, mut formats) = (None, None, None, Vec::new());
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
            match arg.as_str() {
                "--columns" => return Ok(Command::ExportColumns),
                "--out" => out = Some(std::path::PathBuf::from(value("--out")?)),
                "--as-of" => as_of = Some(value("--as-of")?),
                "--known-at" => known_at = Some(value("--known-at")?),
                "--format" => formats.push(match value("--format")?.as_str() {
                    "csv" => crate::export::Format::Csv,
                    "jsonl" => crate::export::Format::Jsonl,
                    other => return Err(format!("--format is csv or jsonl, not `{other}`")),
                }),
                other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
            }
        }
        let out = out.ok_or("export needs --out DIR")?;
        if formats.is_empty() {
            formats = vec![crate::export::Format::Csv, crate::export::Format::Jsonl];
        }
        Ok(Command::Export { database_url, request: ExportRequest { out, as_of, known_at, formats } })
    }
}

impl TokenAction {
    fn parse(mut args: impl Iterator<Item = String>) -> Result<TokenAction, String> {
        let verb = args.next().ok_or_else(|| format!("token needs create, list or revoke\n{USAGE}"))?;
        let (mut name, mut scope) = (None, None);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--name" => name = Some(args.next().ok_or("--name needs a value")?),
                "--scope" => scope = Some(args.next().ok_or("--scope needs a value")?),
                other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
            }
        }
        match verb.as_str() {
            "create" => {
                let name = name.ok_or("token create needs --name")?;
                let scope = scope.ok_or("token create needs --scope read, write or admin")?;
                let scope = crate::auth::Scope::parse(&scope)
                    .ok_or_else(|| format!("scope `{scope}` is not read, write or admin"))?;
                Ok(TokenAction::Create { name, scope })
            }
            "list" => Ok(TokenAction::List),
            "revoke" => Ok(TokenAction::Revoke { name: name.ok_or("token revoke needs --name")? }),
            other => Err(format!("token needs create, list or revoke, not `{other}`")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], env: &[(&str, &str)]) -> Result<Command, String> {
        let env: Vec<(String, String)> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Command::parse(args.iter().map(|s| s.to_string()), move |k| {
            env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn defaults_work_out_of_the_box() {
        let Command::Serve(c) = parse(&[], &[]).unwrap() else { panic!("expected serve") };
        assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(c.listen.to_string(), "127.0.0.1:8000");
        assert_eq!(c.max_connections, 16);
        assert!(c.seed);
        assert_eq!(c.limits, Limits::default());
    }

    #[test]
    fn flags_override_environment() {
        let Command::Serve(c) = parse(
            &["--listen", "0.0.0.0:9000", "--no-seed"],
            &[("KB_LISTEN", "127.0.0.1:1"), ("DATABASE_URL", "postgres://x@h/db")],
        )
        .unwrap() else {
            panic!("expected serve")
        };
        assert_eq!(c.listen.to_string(), "0.0.0.0:9000");
        assert_eq!(c.database_url, "postgres://x@h/db");
        assert!(!c.seed);
    }

    #[test]
    fn bad_values_are_explained() {
        assert!(parse(&["--listen", "nowhere"], &[]).unwrap_err().contains("HOST:PORT"));
        assert!(parse(&["--database-url", "mysql://x"], &[]).unwrap_err().contains("postgres://"));
        assert!(parse(&["--max-connections", "0"], &[]).unwrap_err().contains("1 to 1000"));
        assert!(parse(&["--bogus"], &[]).unwrap_err().contains("unknown argument"));
        assert!(parse(&[], &[("KB_REQUEST_TIMEOUT_MS", "0")]).unwrap_err().contains("KB_REQUEST_TIMEOUT_MS"));
        assert!(parse(&[], &[("KB_COST_MODE", "lax")]).unwrap_err().contains("enforce or measure"));
        let Command::Serve(c) =
            parse(&[], &[("KB_COST_LIMIT", "500"), ("KB_CORS_ORIGINS", "https://a.example, https://b.example")])
                .unwrap()
        else {
            panic!("expected serve")
        };
        assert_eq!(c.limits.cost.limit, 500);
        assert_eq!(c.limits.cors_origins, ["https://a.example", "https://b.example"]);
        assert_eq!(parse(&["schema"], &[]).unwrap(), Command::PrintSchema);
        assert_eq!(parse(&["export", "--columns"], &[]).unwrap(), Command::ExportColumns);
        assert!(parse(&["export"], &[]).unwrap_err().contains("--out"));
        assert!(parse(&["export", "--out", "x", "--format", "xlsx"], &[]).unwrap_err().contains("csv or jsonl"));
        assert_eq!(
            parse(
                &["export", "--out", "dump", "--as-of", "2008-08-19", "--format", "csv"],
                &[("DATABASE_URL", "sqlite://k.db")]
            )
            .unwrap(),
            Command::Export {
                database_url: "sqlite://k.db".into(),
                request: ExportRequest {
                    out: "dump".into(),
                    as_of: Some("2008-08-19".into()),
                    known_at: None,
                    formats: vec![crate::export::Format::Csv]
                }
            }
        );
        assert!(parse(&["token", "create", "--name", "ann"], &[]).unwrap_err().contains("--scope"));
        assert!(parse(&["token", "create", "--name", "ann", "--scope", "root"], &[]).unwrap_err().contains("root"));
        assert_eq!(
            parse(&["--database-url", "sqlite://x.db", "token", "create", "--name", "ann", "--scope", "write"], &[])
                .unwrap(),
            Command::Token {
                database_url: "sqlite://x.db".into(),
                action: TokenAction::Create { name: "ann".into(), scope: crate::auth::Scope::Write }
            }
        );
    }
}
