//! What every handler shares: the database, the query engine, the stream hub, the
//! settings and the counters.

use super::ServerConfig;
use super::guard::Guard;
use super::metrics::Metrics;
use hyperql::{Engine, Interrupt};
use hyperspatial::Database;
use hyperspatial::streams::StreamHub;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, watch};

/// The state of a running server (behind an `Arc`).
pub(crate) struct AppState {
    pub(crate) db: Database,
    pub(crate) engine: Engine<Database>,
    pub(crate) streams: StreamHub,
    /// The SHA-256 digest of the bearer token, if one is required.
    pub(crate) token: Option<[u8; 32]>,
    pub(crate) guard: Guard,
    pub(crate) feed_capacity: usize,
    /// The time limit of a request (the deadline of its statements).
    pub(crate) timeout: Duration,
    /// The memory budget of one query request, in bytes.
    pub(crate) max_query_memory: u64,
    /// The longest line of a JSONL import, in bytes.
    pub(crate) max_import_line: usize,
    /// One permit per WebSocket subscription that may still open.
    pub(crate) subscription_slots: Arc<Semaphore>,
    pub(crate) max_subscriptions: usize,
    pub(crate) metrics: Metrics,
    pub(crate) started: Instant,
    /// Turns `true` when the server shuts down (WebSocket streams then close).
    pub(crate) shutdown: watch::Receiver<bool>,
}

/// Cancels an [`Interrupt`] when dropped: held by a handler while its blocking task
/// runs, it stops the task when the request's future is dropped (the client went
/// away, or the timeout layer answered 408).
pub(crate) struct CancelOnDrop(pub(crate) Interrupt);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
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
            token: config
                .token
                .as_deref()
                .filter(|t| !t.is_empty())
                .map(crate::auth::digest),
            guard: Guard::new(config),
            feed_capacity: config.feed_capacity.max(1),
            timeout: config.timeout,
            max_query_memory: config.max_query_memory,
            max_import_line: config.max_import_line,
            subscription_slots: Arc::new(Semaphore::new(config.max_subscriptions)),
            max_subscriptions: config.max_subscriptions,
            metrics: Metrics::default(),
            started: Instant::now(),
            shutdown,
        })
    }
}
