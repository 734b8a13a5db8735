//! `api`: parse the configuration and call [`api::run`]; nothing else.

use api::config::{Command, TokenAction, USAGE};
use std::process::ExitCode;

#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let command = match Command::parse(std::env::args().skip(1), |name| std::env::var(name).ok()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let config = match command {
        Command::Help => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Command::PrintSchema => {
            print!("{}", api::graphql::build_schema().sdl());
            return ExitCode::SUCCESS;
        }
        Command::Token { database_url, action } => return token(&database_url, action).await,
        Command::ExportColumns => {
            print!("{}", api::export::columns_markdown());
            return ExitCode::SUCCESS;
        }
        Command::Export { database_url, request } => return export(&database_url, request).await,
        Command::Serve(config) => config,
    };
    api::init_tracing();
    let listener = match tokio::net::TcpListener::bind(config.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen on {}: {e}", config.listen);
            return ExitCode::FAILURE;
        }
    };
    match api::run(config, listener, api::shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// `api export ...`: write every table into a folder.
async fn export(database_url: &str, request: api::config::ExportRequest) -> ExitCode {
    let scope = match api::export::scope(request.as_of.as_deref(), request.known_at.as_deref()) {
        Ok(scope) => scope,
        Err(e) => {
            eprintln!("{}", e.message());
            return ExitCode::from(2);
        }
    };
    let store = match store::Store::open(database_url, store::db::Pool::of(2)).await {
        Ok(store) => store,
        Err(e) => {
            eprintln!("cannot open the database: {e}");
            return ExitCode::FAILURE;
        }
    };
    match api::export::write_folder(&store, &request.out, &request.formats, scope).await {
        Ok(files) => {
            println!("known at {}", api::export::known_at_text(scope.known));
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
    let store = match store::Store::open(database_url, store::db::Pool::of(1)).await {
        Ok(store) => store,
        Err(e) => {
            eprintln!("cannot open the database: {e}");
            return ExitCode::FAILURE;
        }
    };
    let done = match action {
        TokenAction::Create { name, scope } => {
            store.create_token(&name, scope).await.map_err(api::error::AppError::from).map(|made| {
                println!("token `{}` with scope {} made; its secret is shown only now:", made.row.name, scope.as_str());
                println!("{}", made.secret);
            })
        }
        TokenAction::List => store.tokens().await.map_err(api::error::AppError::from).map(|tokens| {
            for t in tokens {
                let state = if t.revoked_at.is_some() { "revoked" } else { "valid" };
                println!("{}\t{}\t{}", t.name, t.scope, state);
            }
        }),
        TokenAction::Revoke { name } => {
            store.revoke_token(&name).await.map_err(api::error::AppError::from).and_then(|found| {
                if found {
                    println!("token `{name}` revoked");
                    Ok(())
                } else {
                    Err(api::error::AppError::not_found(format!("no valid token is called `{name}`")))
                }
            })
        }
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}", e.message());
            ExitCode::FAILURE
        }
    }
}
