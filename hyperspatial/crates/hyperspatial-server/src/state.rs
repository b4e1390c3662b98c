//! What every handler shares: the database, the query engine, the stream hub, the
//! settings and the counters.

use super::ServerConfig;
use super::metrics::Metrics;
use hyperql::Engine;
use hyperspatial::Database;
use hyperspatial::streams::StreamHub;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::watch;

/// The state of a running server (behind an `Arc`).
pub(crate) struct AppState {
    pub(crate) db: Database,
    pub(crate) engine: Engine<Database>,
    pub(crate) streams: StreamHub,
    pub(crate) token: Option<String>,
    pub(crate) feed_capacity: usize,
    pub(crate) metrics: Metrics,
    pub(crate) started: Instant,
    /// Turns `true` when the server shuts down (WebSocket streams then close).
    pub(crate) shutdown: watch::Receiver<bool>,
}

/// The shared handle handlers receive.
pub(crate) type Shared = Arc<AppState>;

impl AppState {
    pub(crate) fn new(
        db: Database,
        streams: StreamHub,
        config: &ServerConfig,
        shutdown: watch::Receiver<bool>,
    ) -> Shared {
        Arc::new(AppState {
            engine: Engine::new(db.clone()),
            streams,
            db,
            token: config.token.clone().filter(|t| !t.is_empty()),
            feed_capacity: config.feed_capacity.max(1),
            metrics: Metrics::default(),
            started: Instant::now(),
            shutdown,
        })
    }
}
