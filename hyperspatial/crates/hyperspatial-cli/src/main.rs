//! The `hyperspatial` binary: `serve` (the HTTP/WebSocket server of
//! `hyperspatial-server`), `query`, `shell`, `import`, `export`, `demo` and `relayout` (see
//! [`args`]).
//!
//! Client commands run against the embedded database in `--data` or a server at
//! `--url`, and print results as a table, JSON or CSV; import and export show
//! progress bars.

mod args;
mod backend;
mod demo;
mod format;
mod open;
mod positions;
mod query;
mod relayout;
mod serve;
mod shell;
mod transfer;

use args::{Cli, Command};
use clap::Parser;
use std::process::ExitCode;

/// mimalloc: queries allocate per row (documents, values), and its small-object
/// path costs a fraction of the system allocator's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A command failed; the message is for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CliError(String);

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CliError {}

/// Runs a parsed command line.
fn run(cli: &Cli) -> Result<(), CliError> {
    match &cli.command {
        Command::Serve(a) => serve::run(a),
        Command::Query(a) => query::run(a),
        Command::Shell(a) => shell::run(a),
        Command::Import(a) => transfer::import(a),
        Command::Export(a) => transfer::export(a),
        Command::Demo(a) => demo::run(a),
        Command::Relayout(a) => relayout::run(a),
        Command::Positions(a) => positions::run(a),
    }
}

/// The entry point of the binary: parses the arguments, runs, reports errors.
fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
