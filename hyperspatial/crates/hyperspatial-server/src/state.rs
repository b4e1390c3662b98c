//! What every handler shares: the database, the query engine, the stream hub, the
//! settings and the counters.

use super::ServerConfig;
use super::guard::Guard;
use super::metrics::Metrics;
use hyperql::Engine;
use hyperspatial::Database;
use hyperspatial::streams::StreamHub;
use std::sync::Arc;
use std::time::Instant;
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
    /// One permit per WebSocket subscription that may still open.
    pub(crate) subscription_slots: Arc<Semaphore>,
    pub(crate) max_subscriptions: usize,
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
            token: config
                .token
                .as_deref()
                .filter(|t| !t.is_empty())
                .map(crate::auth::digest),
            guard: Guard::new(config),
            feed_capacity: config.feed_capacity.max(1),
            subscription_slots: Arc::new(Semaphore::new(config.max_subscriptions)),
            max_subscriptions: config.max_subscriptions,
            metrics: Metrics::default(),
            started: Instant::now(),
            shutdown,
        })
    }
}
