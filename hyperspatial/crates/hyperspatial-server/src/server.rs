//! The server: routes and layers, binding, running and shutting down.

use crate::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use hyperspatial::streams::{HubConfig, StreamError, StreamHub};
use hyperspatial::{Database, StoreError};
use std::future::Future;
use std::net::SocketAddr;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::config::ServerConfig;
use crate::{
    auth, catalog, error, guard, metrics, paths, positions, query, relayout, streams, subscribe,
    transfer,
};

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

/// The routes and layers (outermost first: JSON errors, counters, auth, the browser
/// guard (`guard.rs`: content types, origins, hosts), then timeout
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
        .route("/paths/{pattern}", get(paths::handle))
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
    let maintenance = Router::new()
        .route("/collections/{name}/relayout", post(relayout::handle))
        .route(
            "/collections/{name}/positions",
            get(positions::get).put(positions::put),
        )
        .layer(RequestBodyLimitLayer::new(config.max_body));
    Router::new()
        .merge(requests)
        .merge(transfers)
        .merge(maintenance)
        .fallback(no_route)
        .layer(DefaultBodyLimit::disable())
        .layer(from_fn_with_state(state.clone(), guard::protect))
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

/// Binds `config.addr` and serves `db` until Ctrl-C or SIGTERM (see
/// [`shutdown_signal`]), then shuts down as [`Server::run`] does.
pub async fn serve(db: Database, config: ServerConfig) -> Result<(), ServeError> {
    Server::bind(db, config).await?.run(shutdown_signal()).await
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
