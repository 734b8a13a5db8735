//! `api`: parse the configuration and call [`api::run`]; nothing else.

use api::config::{Command, USAGE};
use std::process::ExitCode;

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
