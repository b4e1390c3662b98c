//! The settings of a server and their defaults.

use std::net::SocketAddr;
use std::time::Duration;

/// Where `serve` listens unless told otherwise.
pub const DEFAULT_ADDR: &str = "127.0.0.1:7878";
/// The default request body limit: 16 MiB.
pub const DEFAULT_MAX_BODY: usize = 16 * 1024 * 1024;
/// The default time limit of one request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The default largest body of `POST /import`: 4 GiB (bodies are streamed, not
/// held in memory).
pub const DEFAULT_MAX_IMPORT: usize = 4 << 30;
/// The default memory budget of one request: 256 MiB.
pub const DEFAULT_MAX_QUERY_MEMORY: u64 = 256 << 20;
/// The default longest line of a JSONL import: 16 MiB.
pub const DEFAULT_MAX_IMPORT_LINE: usize = 16 << 20;
/// The default largest number of open WebSocket subscriptions.
pub const DEFAULT_MAX_SUBSCRIPTIONS: usize = 256;
/// The default change-feed buffer of one WebSocket subscription, in events.
pub const DEFAULT_FEED_CAPACITY: usize = 1024;

/// Settings of a server.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Address to listen on (port 0 picks a free port).
    pub addr: SocketAddr,
    /// Bearer token every request but `GET /health` must carry; `None` (or empty)
    /// leaves the server open.
    pub token: Option<String>,
    /// Largest request body in bytes (413 beyond), but for `POST /import`.
    pub max_body: usize,
    /// Largest body of `POST /import` in bytes (413 beyond). Import and export
    /// stream their data and have no time limit.
    pub max_import: usize,
    /// Longest time to answer a request (408 beyond). A statement still running
    /// then stops (a write not yet committed is taken back).
    pub timeout: Duration,
    /// Most bytes one `POST /query` request may hold (approximately): rows kept by
    /// joins, sorts, aggregates and traversals, and the results of all its
    /// statements together; 422 beyond. Also the largest JSON array `POST /import`
    /// reads (it is read whole).
    pub max_query_memory: u64,
    /// Longest line of a JSONL import in bytes (the import fails with 422 beyond).
    pub max_import_line: usize,
    /// Change-feed buffer of each WebSocket subscription, in events (also the
    /// queue of each stream subscription, in messages).
    pub feed_capacity: usize,
    /// Largest number of WebSocket subscriptions open at once (`/subscribe` and
    /// `/streams/{name}/subscribe` together); one more is refused with 503. Each holds
    /// a thread of its own (never one of the pool that runs queries).
    pub max_subscriptions: usize,
    /// Tick producers started with the server: stream name and interval.
    pub ticks: Vec<(String, Duration)>,
    /// Browser origins (`scheme://host[:port]`) besides the server's own whose pages
    /// may send writes and open WebSockets; `*` allows every origin.
    pub allowed_origins: Vec<String>,
    /// `Host` names answered besides loopback names when the server listens on a
    /// loopback address without a token (a guard against DNS rebinding); `*`
    /// allows every name.
    pub allowed_hosts: Vec<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 7878)),
            token: None,
            max_body: DEFAULT_MAX_BODY,
            max_import: DEFAULT_MAX_IMPORT,
            timeout: DEFAULT_TIMEOUT,
            max_query_memory: DEFAULT_MAX_QUERY_MEMORY,
            max_import_line: DEFAULT_MAX_IMPORT_LINE,
            feed_capacity: DEFAULT_FEED_CAPACITY,
            max_subscriptions: DEFAULT_MAX_SUBSCRIPTIONS,
            ticks: Vec::new(),
            allowed_origins: Vec::new(),
            allowed_hosts: Vec::new(),
        }
    }
}
