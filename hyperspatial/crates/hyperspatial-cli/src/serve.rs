//! `hyperspatial serve`: opens the database, starts a tokio runtime and runs the
//! server until Ctrl-C or SIGTERM, then checkpoints.

use super::CliError;
use super::args::ServeArgs;
use super::open::open_database;
use hyperspatial_server::{Server, ServerConfig, shutdown_signal};
use std::time::Duration;

/// Runs the command.
pub fn run(args: &ServeArgs) -> Result<(), CliError> {
    let (db, embedder) = open_database(&args.data)?;
    if args.demo {
        super::demo::load_demo(&db)?;
    }
    let stats = db.stats();
    eprintln!(
        "hyperspatial {}: database {} ({} collections, {} entities)",
        env!("CARGO_PKG_VERSION"),
        args.data.data.display(),
        stats.collections,
        stats.entities
    );
    eprintln!("{embedder}");
    let config = ServerConfig {
        addr: args.addr,
        token: args.token.clone().filter(|t| !t.is_empty()),
        max_body: args.max_body,
        max_import: args.max_import,
        timeout: Duration::from_secs(args.timeout),
        max_query_memory: args.max_query_memory as u64,
        max_import_line: args.max_import_line,
        feed_capacity: args.feed_capacity,
        max_subscriptions: args.max_subscriptions,
        ticks: args.ticks.clone(),
        allowed_origins: args.allow_origins.clone(),
        allowed_hosts: args.allow_hosts.clone(),
    };
    let auth = if config.token.is_some() {
        "auth: bearer token required"
    } else {
        "auth: none, anyone who can reach the address may query"
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async move {
        let server = Server::bind(db, config)
            .await
            .map_err(|e| CliError(format!("cannot listen on {}: {e}", args.addr)))?;
        let addr = server
            .local_addr()
            .map_err(|e| CliError(format!("listening address: {e}")))?;
        eprintln!("listening on http://{addr}; {auth}; Ctrl-C stops");
        server
            .run(async {
                shutdown_signal().await;
                eprintln!("shutting down: finishing requests, then checkpointing");
            })
            .await
            .map_err(|e| CliError(e.to_string()))
    })?;
    eprintln!("checkpointed; bye");
    Ok(())
}
