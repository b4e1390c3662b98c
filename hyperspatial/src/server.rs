//! The HTTP and WebSocket server of `hyperspatial serve` (axum on tokio) over an
//! embedded [`Database`].
//!
//! | endpoint | answer |
//! | --- | --- |
//! | `POST /query` | runs HyperQL (see `query`) |
//! | `GET /collections`, `GET /collections/{name}` | collections, counts, settings, schemas |
//! | `GET /schemas/{name}` | a collection's schema |
//! | `GET /health` | `{"status": "ok"}`, without a token |
//! | `GET /metrics` | store and server counters |
//! | `GET /subscribe?query=SUBSCRIBE ..` | WebSocket stream of matching changes |
//! | `POST /import/{collection}?format=jsonl&..` | imports the body (see `transfer`) |
//! | `GET /export/{collection}?format=jsonl` | the collection as a file |
//! | `GET /streams` | streams of the stream hub with their counters |
//! | `POST /streams/{name}` | publishes a JSON message (see `streams`) |
//! | `GET /streams/{name}/subscribe[?where=..]` | WebSocket stream of a stream's messages |
//!
//! Every error is JSON `{"error": "..."}`: 400 bad input, 401 missing or wrong
//! token, 404 unknown collection or route, 405 wrong method, 408 timeout, 409
//! constraint violated, 413 body too large, 422 query budget exceeded or import
//! failed, 426 not a WebSocket upgrade, 500 storage failure. [`Server::run`] stops
//! on its shutdown future (see [`shutdown_signal`]), lets requests in flight finish,
//! closes
//! WebSocket streams, shuts the stream hub down and checkpoints the database.
//! Embedders attach processors and routes to [`Server::streams`] before running.

mod auth;
mod catalog;
mod error;
mod metrics;
mod query;
mod state;
mod streams;
mod subscribe;
mod transfer;

use crate::streams::{HubConfig, StreamError, StreamHub};
use crate::{Database, StoreError};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use error::ApiError;
use state::AppState;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

/// Where `serve` listens unless told otherwise.
pub const DEFAULT_ADDR: &str = "127.0.0.1:7878";
/// The default request body limit: 16 MiB.
pub const DEFAULT_MAX_BODY: usize = 16 * 1024 * 1024;
/// The default time limit of one request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The default largest body of `POST /import`: 4 GiB (bodies are streamed, not
/// held in memory).
pub const DEFAULT_MAX_IMPORT: usize = 4 << 30;
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
    /// then finishes in the background; a write may still commit.
    pub timeout: Duration,
    /// Change-feed buffer of each WebSocket subscription, in events (also the
    /// queue of each stream subscription, in messages).
    pub feed_capacity: usize,
    /// Tick producers started with the server: stream name and interval.
    pub ticks: Vec<(String, Duration)>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 7878)),
            token: None,
            max_body: DEFAULT_MAX_BODY,
            max_import: DEFAULT_MAX_IMPORT,
            timeout: DEFAULT_TIMEOUT,
            feed_capacity: DEFAULT_FEED_CAPACITY,
            ticks: Vec::new(),
        }
    }
}

/// Errors of [`Server::run`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// Accepting or serving connections failed.
    #[error("server i/o: {0}")]
    Io(#[from] std::io::Error),
    /// The checkpoint at shutdown failed.
    #[error("checkpoint at shutdown: {0}")]
    Checkpoint(#[from] StoreError),
    /// The checkpoint task died.
    #[error("checkpoint task: {0}")]
    Task(String),
    /// A tick producer could not start (bad stream name or interval).
    #[error("streams: {0}")]
    Streams(#[from] StreamError),
}

async fn no_route(method: Method, uri: Uri) -> ApiError {
    ApiError::not_found(format!("no endpoint {method} {}", uri.path()))
}

/// The routes and layers (outermost first: JSON errors, counters, auth, then timeout
/// and body limit, except for import and export: they stream, have their own body
/// limit and no time limit).
fn app(
    db: Database,
    hub: StreamHub,
    config: &ServerConfig,
    shutdown: watch::Receiver<bool>,
) -> Router {
    let state = AppState::new(db, hub, config, shutdown);
    let requests = Router::new()
        .route("/query", post(query::handle))
        .route("/collections", get(catalog::list))
        .route("/collections/{name}", get(catalog::describe))
        .route("/schemas/{name}", get(catalog::schema))
        .route("/health", get(catalog::health))
        .route("/metrics", get(metrics::handle))
        .route("/subscribe", get(subscribe::handle))
        .route("/streams", get(streams::list))
        .route("/streams/{name}", post(streams::publish))
        .route("/streams/{name}/subscribe", get(streams::subscribe))
        .layer(RequestBodyLimitLayer::new(config.max_body))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.timeout,
        ));
    let transfers = Router::new()
        .route("/import/{collection}", post(transfer::import_handler))
        .route("/export/{collection}", get(transfer::export_handler))
        .layer(RequestBodyLimitLayer::new(config.max_import));
    Router::new()
        .merge(requests)
        .merge(transfers)
        .fallback(no_route)
        .layer(DefaultBodyLimit::disable())
        .layer(from_fn_with_state(state.clone(), auth::require_token))
        .layer(from_fn_with_state(state.clone(), metrics::count))
        .layer(from_fn(error::json_errors))
        .with_state(state)
}

/// A bound, not yet running server.
pub struct Server {
    listener: TcpListener,
    db: Database,
    hub: StreamHub,
    config: ServerConfig,
}

impl Server {
    /// Binds `config.addr`.
    pub async fn bind(db: Database, config: ServerConfig) -> std::io::Result<Server> {
        let listener = TcpListener::bind(config.addr).await?;
        let hub = StreamHub::with_database(
            db.clone(),
            HubConfig {
                subscriber_capacity: config.feed_capacity.max(1),
                ..HubConfig::default()
            },
        );
        Ok(Server {
            listener,
            db,
            hub,
            config,
        })
    }

    /// The address it listens on (the real port when bound to port 0).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The stream hub the server publishes to and serves (over the database), to
    /// attach processors, writers and routes before [`run`](Self::run).
    pub fn streams(&self) -> &StreamHub {
        &self.hub
    }

    /// Starts the configured tick producers, serves until `shutdown` completes,
    /// then stops accepting, lets requests in flight finish, closes WebSocket
    /// streams, shuts the stream hub down and checkpoints the database.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        for (stream, every) in &self.config.ticks {
            self.hub.tick(stream, *every)?;
        }
        let (tx, rx) = watch::channel(false);
        let router = app(self.db.clone(), self.hub.clone(), &self.config, rx);
        axum::serve(self.listener, router)
            .with_graceful_shutdown(async move {
                shutdown.await;
                let _ = tx.send(true);
            })
            .await?;
        let hub = self.hub;
        let db = self.db;
        tokio::task::spawn_blocking(move || {
            hub.shutdown();
            db.checkpoint()
        })
        .await
        .map_err(|e| ServeError::Task(e.to_string()))??;
        Ok(())
    }
}

/// Completes on Ctrl-C (SIGINT) or, on Unix, SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
