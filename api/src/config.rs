//! Typed configuration, from flags and environment, with defaults that work
//! out of the box: an SQLite file in the working directory, served on
//! 127.0.0.1:8000. A flag wins over its environment variable.

use std::net::SocketAddr;

pub use seed::db::DEFAULT_DATABASE_URL;
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
    Help,
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
}

pub const USAGE: &str = "usage: api [--database-url URL] [--listen ADDR] [--max-connections N] [--no-seed]
       api schema      print the GraphQL schema (SDL)
       api [--database-url URL] token create --name NAME --scope read|write|admin
       api [--database-url URL] token list
       api [--database-url URL] token revoke --name NAME

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
        Ok(Command::Serve(Config { database_url, listen, max_connections, seed }))
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
        assert_eq!(parse(&["schema"], &[]).unwrap(), Command::PrintSchema);
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
