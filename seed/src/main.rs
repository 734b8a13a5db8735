//! `seed`: load bundle files into a database, or generate synthetic data.
//!
//! ```text
//! cargo run -p seed -- <bundle files or folders>...
//! cargo run -p seed -- synth --entities N --relations M
//! ```
//! The database is `DATABASE_URL` (or `--database-url`), by default the
//! same SQLite file the server uses.

use seed::bundle;
use std::path::PathBuf;
use std::process::ExitCode;
use store::{db, synth, Store};

const USAGE: &str = "usage:
  seed [--database-url URL] <bundle files or folders>...
  seed [--database-url URL] synth --entities N --relations M [--events N] [--statements N]";

struct Args {
    database_url: String,
    synth: Option<synth::SynthSpec>,
    paths: Vec<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut database_url = std::env::var("DATABASE_URL").unwrap_or_else(|_| db::DEFAULT_DATABASE_URL.to_owned());
    let mut args = std::env::args().skip(1).peekable();
    let mut paths = Vec::new();
    let mut synth_mode = false;
    let (mut entities, mut relations, mut events, mut statements) = (None, None, None, None);
    let number = |name: &str, value: Option<String>| -> Result<u64, String> {
        value
            .ok_or_else(|| format!("{name} needs a value"))?
            .parse()
            .map_err(|_| format!("{name} takes a whole number"))
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--database-url" => database_url = args.next().ok_or("--database-url needs a value")?,
            "synth" if paths.is_empty() && !synth_mode => synth_mode = true,
            "--entities" if synth_mode => entities = Some(number("--entities", args.next())?),
            "--relations" if synth_mode => relations = Some(number("--relations", args.next())?),
            "--events" if synth_mode => events = Some(number("--events", args.next())?),
            "--statements" if synth_mode => statements = Some(number("--statements", args.next())?),
            "-h" | "--help" => return Err(USAGE.to_owned()),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}\n{USAGE}")),
            path if !synth_mode => paths.push(PathBuf::from(path)),
            other => return Err(format!("unexpected argument {other}\n{USAGE}")),
        }
    }
    let synth = if synth_mode {
        let relations = relations.ok_or("synth needs --relations")?;
        let mut spec = synth::SynthSpec::new(entities.unwrap_or((relations / 10).max(2)), relations);
        spec.events = events.unwrap_or(spec.events);
        spec.statements = statements.unwrap_or(spec.statements);
        Some(spec)
    } else {
        if paths.is_empty() {
            return Err(USAGE.to_owned());
        }
        None
    };
    Ok(Args { database_url, synth, paths })
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let store = match Store::open(&args.database_url, db::Pool::of(4)).await {
        Ok(store) => store,
        Err(e) => {
            eprintln!("cannot open the database: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(spec) = args.synth {
        let started = std::time::Instant::now();
        return match synth::generate(&store, spec).await {
            Ok(r) => {
                println!(
                    "synth: {} entities, {} relations, {} status periods, {} events, {} statements in {:.1} s",
                    r.entities,
                    r.relations,
                    r.periods,
                    r.events,
                    r.statements,
                    started.elapsed().as_secs_f64()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("synth failed: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let files = match bundle::collect_files(&args.paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("cannot list bundles: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut failed = false;
    for file in files {
        let valid = match bundle::read_file(&file) {
            Ok(v) => v,
            Err(problems) => {
                eprintln!("{problems}");
                failed = true;
                continue;
            }
        };
        match store.load(&valid, "seed").await {
            Ok(r) if r.is_unchanged() => println!("{}: unchanged", file.display()),
            Ok(r) => {
                println!("{}: {} created, {} updated, {} retracted", file.display(), r.created, r.updated, r.retracted)
            }
            Err(e) => {
                eprintln!("{e}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
