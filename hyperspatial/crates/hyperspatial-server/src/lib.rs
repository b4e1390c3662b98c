//! The HTTP and WebSocket server of `hyperspatial serve` (axum on tokio) over an
//! embedded [`Database`].
//!
//! | endpoint | answer |
//! | --- | --- |
//! | `POST /query` | runs HyperQL (see `query`) |
//! | `GET /collections`, `GET /collections/{name}` | collections, counts, settings, schemas |
//! | `POST /collections/{name}/relayout` | lays out the positions again (see `relayout`) |
//! | `GET`, `PUT /collections/{name}/positions` | position settings (see `positions`) |
//! | `GET /schemas/{name}` | a collection's schema |
//! | `GET /health` | `{"status": "ok"}`, without a token |
//! | `GET /metrics` | store and server counters |
//! | `GET /subscribe?query=SUBSCRIBE ..` | WebSocket stream of matching changes |
//! | `POST /import/{collection}?format=jsonl&..` | imports the body (see `transfer`) |
//! | `GET /export/{collection}?format=jsonl` | the collection as a file |
//! | `GET /paths/{pattern}[?limit=N]` | the endpoints matching a path pattern (see `paths`) |
//! | `GET /streams` | streams of the stream hub with their counters |
//! | `POST /streams/{name}` | publishes a JSON message (see `streams`) |
//! | `GET /streams/{name}/subscribe[?where=..]` | WebSocket stream of a stream's messages |
//!
//! Every error is JSON `{"error": "..."}`: 400 bad input, 401 missing or wrong
//! token, 403 a foreign origin or host (see `guard`), 415 a body without its content
//! type, 404 unknown collection or route, 405 wrong method, 408 timeout, 409 a
//! conflict (an id taken, a write that lost to a concurrent one after its
//! retries), 413 body too large, 422 query budget exceeded or import
//! failed, 426 not a WebSocket upgrade, 500 storage failure. [`Server::run`] stops
//! on its shutdown future (see [`shutdown_signal`]), lets requests in flight finish,
//! closes WebSocket streams, shuts the stream hub down and checkpoints the database.
//! Embedders attach processors and routes to [`Server::streams`] before running;
//! [`serve`] is bind and run until Ctrl-C or SIGTERM in one call.
//!
//! ```no_run
//! # async fn f() -> Result<(), Box<dyn std::error::Error>> {
//! let db = hyperspatial::Database::open("data")?;
//! hyperspatial_server::serve(db, hyperspatial_server::ServerConfig::default()).await?;
//! # Ok(()) }
//! ```

mod auth;
mod catalog;
mod config;
mod error;
mod guard;
mod metrics;
mod paths;
mod positions;
mod query;
mod relayout;
mod server;
mod state;
mod streams;
mod subscribe;
mod transfer;

pub use config::{
    DEFAULT_ADDR, DEFAULT_FEED_CAPACITY, DEFAULT_MAX_BODY, DEFAULT_MAX_IMPORT,
    DEFAULT_MAX_IMPORT_LINE, DEFAULT_MAX_QUERY_MEMORY, DEFAULT_MAX_SUBSCRIPTIONS, DEFAULT_TIMEOUT,
    ServerConfig,
};
pub use server::{ServeError, Server, serve, shutdown_signal};
