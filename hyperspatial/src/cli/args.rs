//! The command line (clap derive). Subcommands are variants of [`Command`]; more
//! (`import`, `export`, `demo`) are added there as new variants with their own
//! argument structs.

use crate::server::{DEFAULT_ADDR, DEFAULT_FEED_CAPACITY};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

/// The default data directory.
pub const DEFAULT_DATA: &str = "./hyperspatial-data";

/// hyperspatial: a database that places entities in hyperbolic space.
#[derive(Debug, Parser)]
#[command(name = "hyperspatial", version, about, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the database over HTTP and WebSocket.
    Serve(ServeArgs),
    /// Run one query (text, a `.hql` file, or `-` for standard input).
    Query(QueryArgs),
    /// An interactive HyperQL shell.
    Shell(ShellArgs),
    /// Load the bundled demo data set (if not loaded) and run the showcase queries.
    Demo(DemoArgs),
}

/// Which embedder `EMBED()` and auto-embedding use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EmbedderChoice {
    /// The sentence model if its files are found, else the hashing embedder.
    Auto,
    /// The sentence model (all-MiniLM-L6-v2); fail when its files are missing.
    Model,
    /// The deterministic hashing embedder (no model files needed).
    Hashing,
}

/// The embedded database: where it is and how to open it.
#[derive(Debug, Args)]
pub struct DataArgs {
    /// Directory of the database (created if missing).
    #[arg(long, value_name = "DIR", default_value = DEFAULT_DATA)]
    pub data: PathBuf,
    /// Embedder for `EMBED()` and auto-embedding.
    #[arg(long, value_enum, default_value_t = EmbedderChoice::Auto)]
    pub embedder: EmbedderChoice,
}

/// The database a client command talks to: embedded (`--data`) or a server (`--url`).
#[derive(Debug, Args)]
pub struct TargetArgs {
    /// The embedded database.
    #[command(flatten)]
    pub data: DataArgs,
    /// A running server instead of the embedded database, e.g. http://127.0.0.1:7878.
    #[arg(long, value_name = "URL", conflicts_with = "data")]
    pub url: Option<String>,
    /// Bearer token for the server.
    #[arg(long, env = "HYPERSPATIAL_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// How results are printed.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns.
    Table,
    /// The server's JSON.
    Json,
    /// Comma-separated values with a header row.
    Csv,
}

/// `hyperspatial serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = DEFAULT_ADDR)]
    pub addr: SocketAddr,
    /// The database.
    #[command(flatten)]
    pub data: DataArgs,
    /// Require `Authorization: Bearer <TOKEN>` on every request but `GET /health`.
    #[arg(long, env = "HYPERSPATIAL_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Largest request body (bytes, or with a unit: 512KiB, 16MiB, 1GiB).
    #[arg(long, value_name = "SIZE", default_value = "16MiB", value_parser = parse_size)]
    pub max_body: usize,
    /// Longest time to answer one request, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
    /// Change events buffered per WebSocket subscription before they are dropped
    /// (and reported as lagged).
    #[arg(long, value_name = "EVENTS", default_value_t = DEFAULT_FEED_CAPACITY)]
    pub feed_capacity: usize,
    /// Load the bundled demo data set first (kept when it is there already).
    #[arg(long)]
    pub demo: bool,
}

/// `hyperspatial query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// HyperQL text, a path ending in `.hql`, or `-` to read standard input.
    #[arg(value_name = "QUERY")]
    pub query: String,
    /// A parameter `$name`, as `name=value` (value in JSON, else taken as text).
    #[arg(long = "param", short = 'p', value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Where to run it and how to print.
    #[command(flatten)]
    pub target: TargetArgs,
}

/// `hyperspatial shell`.
#[derive(Debug, Args)]
pub struct ShellArgs {
    /// History file (default: ~/.hyperspatial_history).
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
    /// Where to run statements and how to print.
    #[command(flatten)]
    pub target: TargetArgs,
}

/// `hyperspatial demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The embedded database the demo data set is loaded into.
    #[command(flatten)]
    pub data: DataArgs,
    /// How results are printed.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Parses `1024`, `512KiB`, `16MiB`, `1GiB` (also `K`, `M`, `G`, `KB`, `MB`, `GB`,
/// all powers of 1024).
pub fn parse_size(s: &str) -> Result<usize, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: usize = num
        .parse()
        .map_err(|_| format!("`{s}` is not a size like 1048576, 512KiB or 16MiB"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        u => return Err(format!("unknown size unit `{u}` (use KiB, MiB or GiB)")),
    };
    n.checked_mul(1 << shift)
        .filter(|&v| v > 0)
        .ok_or_else(|| format!("size `{s}` is zero or too large"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("16MiB"), Ok(16 << 20));
        assert_eq!(parse_size("2k"), Ok(2048));
        assert!(parse_size("0").is_err());
        assert!(parse_size("12 parsecs").is_err());
        assert!(parse_size("MiB").is_err());
    }

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }
}
