//! The command line (clap derive). Subcommands are variants of [`Command`]; more
//! (`import`, `export`, `demo`) are added there as new variants with their own
//! argument structs.

use clap::{Args, Parser, Subcommand, ValueEnum};
use hyperspatial_server::{DEFAULT_ADDR, DEFAULT_FEED_CAPACITY, DEFAULT_MAX_SUBSCRIPTIONS};
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
    /// Import entities and edges from CSV, JSON or JSONL.
    Import(ImportArgs),
    /// Export a collection as CSV, JSON or JSONL.
    Export(ExportArgs),
    /// Load the bundled demo data set (if not loaded) and run the showcase queries.
    Demo(DemoArgs),
    /// Lay out a collection's positions again from its edges (online).
    Relayout(RelayoutArgs),
    /// Show or change a collection's position settings (mix, weights, ignored fields).
    Positions(PositionsArgs),
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

/// A file format of `import` and `export` (see [`hyperspatial::transfer::Format`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FileFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON array of objects.
    Json,
    /// One JSON object per line.
    Jsonl,
}

impl From<FileFormat> for hyperspatial::transfer::Format {
    fn from(f: FileFormat) -> Self {
        match f {
            FileFormat::Csv => Self::Csv,
            FileFormat::Json => Self::Json,
            FileFormat::Jsonl => Self::Jsonl,
        }
    }
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
    /// Most collections the database may hold (creating one more is refused).
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_collections: u64,
}

/// The database a command reaches: embedded (`--data`) or a server (`--url`).
#[derive(Debug, Args)]
pub struct ConnArgs {
    /// The embedded database.
    #[command(flatten)]
    pub data: DataArgs,
    /// A running server instead of the embedded database, e.g. http://127.0.0.1:7878.
    #[arg(long, value_name = "URL", conflicts_with = "data")]
    pub url: Option<String>,
    /// Bearer token for the server.
    #[arg(long, env = "HYPERSPATIAL_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
}

/// The database a client command talks to, and how it prints results.
#[derive(Debug, Args)]
pub struct TargetArgs {
    /// Where statements run.
    #[command(flatten)]
    pub conn: ConnArgs,
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
    /// Largest body of `POST /import` (streamed, not held in memory).
    #[arg(long, value_name = "SIZE", default_value = "4GiB", value_parser = parse_size)]
    pub max_import: usize,
    /// Longest time to answer one request, in seconds (import and export have no
    /// time limit).
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
    /// Most memory one query request may hold: rows kept by joins, sorts, aggregates
    /// and traversals, and the results of all its statements (422 beyond); also the
    /// largest JSON array `POST /import` reads (it is read whole).
    #[arg(long, value_name = "SIZE", default_value = "256MiB", value_parser = parse_size)]
    pub max_query_memory: usize,
    /// Longest line of a JSONL `POST /import` (the import fails beyond).
    #[arg(long, value_name = "SIZE", default_value = "16MiB", value_parser = parse_size)]
    pub max_import_line: usize,
    /// Change events buffered per WebSocket subscription before they are dropped
    /// (and reported as lagged).
    #[arg(long, value_name = "EVENTS", default_value_t = DEFAULT_FEED_CAPACITY)]
    pub feed_capacity: usize,
    /// Largest number of WebSocket subscriptions open at once (503 beyond).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_SUBSCRIPTIONS)]
    pub max_subscriptions: usize,
    /// Publish `{"tick": n}` to stream NAME every MS milliseconds (repeatable).
    #[arg(long = "tick", value_name = "NAME=MS", value_parser = parse_tick)]
    pub ticks: Vec<(String, std::time::Duration)>,
    /// A browser origin (`scheme://host[:port]`) whose pages may send writes and open
    /// WebSockets, besides the server's own; `*` for any. Repeatable.
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allow_origins: Vec<String>,
    /// A `Host` name to answer besides loopback names when listening on loopback
    /// without a token (a DNS-rebinding guard); `*` for any. Repeatable.
    #[arg(long = "allow-host", value_name = "NAME")]
    pub allow_hosts: Vec<String>,
    /// Load the bundled demo data set first (kept when it is there already).
    #[arg(long)]
    pub demo: bool,
}

/// Parses `NAME=MS` of `serve --tick`.
pub fn parse_tick(s: &str) -> Result<(String, std::time::Duration), String> {
    let (name, ms) = s
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=MS, got `{s}`"))?;
    hyperspatial::streams::check_stream_name(name).map_err(|e| e.to_string())?;
    let ms: u64 = ms
        .trim()
        .parse()
        .map_err(|_| format!("`{ms}` is not a number of milliseconds"))?;
    if ms == 0 {
        return Err("a tick interval must be at least 1 ms".into());
    }
    Ok((name.to_string(), std::time::Duration::from_millis(ms)))
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

/// `hyperspatial import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file to read, or `-` for standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The collection to write into (created if missing).
    #[arg(long, short = 'c')]
    pub collection: String,
    /// The file's format (default: from its extension).
    #[arg(long, value_enum)]
    pub format: Option<FileFormat>,
    /// The column holding each row's external id.
    #[arg(long, value_name = "COLUMN", default_value = "id")]
    pub id_column: String,
    /// The entity type of every row.
    #[arg(long = "type", value_name = "TYPE")]
    pub entity_type: Option<String>,
    /// The column holding each row's entity type.
    #[arg(long, value_name = "COLUMN", default_value = "_type")]
    pub type_column: String,
    /// An edge column: each row's value (an id or an array of ids) is the other end
    /// of an edge LABEL from the row (`:in`: to the row). Repeatable.
    #[arg(long = "edge", value_name = "COLUMN:LABEL[:in]")]
    pub edges: Vec<String>,
    /// A column of outgoing edges as an object `{label: [ids]}` (what export writes).
    #[arg(long, value_name = "COLUMN", default_value = "_edges")]
    pub edges_column: String,
    /// A column holding vectors (arrays of numbers). Repeatable.
    #[arg(long = "vector", value_name = "COLUMN")]
    pub vectors: Vec<String>,
    /// Rows per write batch (one durable commit each).
    #[arg(long, value_name = "ROWS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub batch: u64,
    /// Skip and report refused rows instead of failing (and taking back) the import.
    #[arg(long)]
    pub keep_going: bool,
    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Where to import.
    #[command(flatten)]
    pub conn: ConnArgs,
}

/// `hyperspatial export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The collection to export.
    #[arg(long, short = 'c')]
    pub collection: String,
    /// The output format (default: from the output file's extension, else jsonl).
    #[arg(long, value_enum)]
    pub format: Option<FileFormat>,
    /// The output file (default: standard output).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Where to export from.
    #[command(flatten)]
    pub conn: ConnArgs,
}

/// `hyperspatial relayout`.
#[derive(Debug, Args)]
pub struct RelayoutArgs {
    /// The collection to lay out.
    #[arg(value_name = "COLLECTION")]
    pub collection: String,
    /// An option of HyperQL's `RELAYOUT .. WITH (..)`, as `name=value` (value in
    /// JSON, else taken as text), e.g. `construction=sarkar`, `refine_epochs=20`.
    #[arg(long = "option", short = 'o', value_name = "NAME=VALUE")]
    pub options: Vec<String>,
    /// Measure the reconstruction (MAP, mean rank) of the new positions.
    #[arg(long)]
    pub evaluate: bool,
    /// No progress display.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Where the collection is.
    #[command(flatten)]
    pub conn: ConnArgs,
}

/// `hyperspatial positions`.
#[derive(Debug, Args)]
pub struct PositionsArgs {
    /// The collection.
    #[arg(value_name = "COLLECTION")]
    pub collection: String,
    /// New settings as a JSON object (`{"mix": "weighted", "weights": {"graph": 0.6,
    /// "embedding": 0.3, "property": 0.1}, "ignore": ["id", "*_id"]}`, each key
    /// optional): stored, and every entity of the collection placed again. Without
    /// it, the settings in effect are printed.
    #[arg(long, value_name = "JSON")]
    pub set: Option<String>,
    /// Where the collection is.
    #[command(flatten)]
    pub conn: ConnArgs,
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
