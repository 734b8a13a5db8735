//! The binary's subcommands besides serving: print the schema, manage
//! write tokens, write exports into a folder. Each prints what it did and
//! says how it ended; a failure goes to standard error.

use crate::config::{ExportArgs, FormatArg, Sub, TokenAction};
use crate::error::AppError;
use std::process::ExitCode;
use store::Store;

/// Runs a subcommand against the database at `database_url`.
pub async fn run(database_url: &str, command: Sub) -> ExitCode {
    match command {
        Sub::Schema => {
            print!("{}", crate::graphql::build_schema().sdl());
            ExitCode::SUCCESS
        }
        Sub::Export(args) if args.columns => {
            print!("{}", crate::export::columns_markdown());
            ExitCode::SUCCESS
        }
        Sub::Export(args) => export(database_url, args).await,
        Sub::Token { action } => token(database_url, action).await,
    }
}

async fn open(database_url: &str) -> Result<Store, ExitCode> {
    Store::open(database_url, store::db::Pool::of(2)).await.map_err(|e| {
        eprintln!("cannot open the database: {e}");
        ExitCode::FAILURE
    })
}

/// `api export --out DIR ...`: every table, in each format, into a folder.
async fn export(database_url: &str, args: ExportArgs) -> ExitCode {
    let scope = match crate::export::scope(args.as_of.as_deref(), args.known_at.as_deref()) {
        Ok(scope) => scope,
        Err(e) => {
            eprintln!("{}", e.message());
            return ExitCode::from(2);
        }
    };
    let Some(out) = args.out else {
        eprintln!("export needs --out DIR");
        return ExitCode::from(2);
    };
    let mut formats: Vec<crate::export::Format> = args
        .formats
        .iter()
        .map(|f| match f {
            FormatArg::Csv => crate::export::Format::Csv,
            FormatArg::Jsonl => crate::export::Format::Jsonl,
        })
        .collect();
    if formats.is_empty() {
        formats = vec![crate::export::Format::Csv, crate::export::Format::Jsonl];
    }
    let store = match open(database_url).await {
        Ok(store) => store,
        Err(code) => return code,
    };
    match crate::export::write_folder(&store, &out, &formats, scope).await {
        Ok(files) => {
            println!("known at {}", crate::export::known_at_text(scope.known));
            for (path, size) in files {
                println!("{}\t{size} bytes", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// `api token ...`: make, list or revoke write tokens.
async fn token(database_url: &str, action: TokenAction) -> ExitCode {
    let store = match open(database_url).await {
        Ok(store) => store,
        Err(code) => return code,
    };
    let done = match action {
        TokenAction::Create { name, scope } => {
            store.create_token(&name, scope).await.map_err(AppError::from).map(|made| {
                println!("token `{}` with scope {} made; its secret is shown only now:", made.row.name, scope.as_str());
                println!("{}", made.secret);
            })
        }
        TokenAction::List => store.tokens().await.map_err(AppError::from).map(|tokens| {
            for t in tokens {
                let state = if t.revoked_at.is_some() { "revoked" } else { "valid" };
                println!("{}\t{}\t{}", t.name, t.scope, state);
            }
        }),
        TokenAction::Revoke { name } => store.revoke_token(&name).await.map_err(AppError::from).and_then(|found| {
            if found {
                println!("token `{name}` revoked");
                Ok(())
            } else {
                Err(AppError::not_found(format!("no valid token is called `{name}`")))
            }
        }),
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}", e.message());
            ExitCode::FAILURE
        }
    }
}
