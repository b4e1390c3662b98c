//! Streams: ephemeral coordination, not storage. A [`StreamHub`] holds named
//! streams of JSON messages in memory; nothing in a stream is persisted or replayed.
//!
//! - Messages ([`Message`]): a stream name, a per-stream sequence number (from 1),
//!   a timestamp, a [`Source`], a hop count and a JSON payload.
//! - Producers: the database change feed (stream [`CHANGES`], fed from the moment
//!   the first consumer attaches to it, one message per inserted, updated or deleted
//!   entity: `{"seq", "collection", "id", "kind", "record"}`); scheduled ticks
//!   ([`StreamHub::tick`], `{"tick": n}` every interval); external publishers
//!   ([`StreamHub::publish`], `POST /streams/{name}` on the server).
//! - Routing: [`StreamHub::route`] forwards the messages of one stream that pass a
//!   filter into another stream. A filter is a HyperQL WHERE expression evaluated by
//!   HyperQL's executor on the payload (see [`MessageFilter`]).
//! - Consumers, each with an optional filter: subscribers ([`StreamHub::subscribe`],
//!   used by WebSocket clients), processors ([`StreamHub::process`], a
//!   [`Processor`] mapping a message to publishes and database writes) and database
//!   writers ([`StreamHub::write_to`], each payload inserted as a document).
//! - Loop-back: a processor on [`CHANGES`] may write to the database, whose change
//!   feed publishes into [`CHANGES`] again. Every message carries a hop count: 0 for
//!   producers, +1 per route, per processor output and per database write made by
//!   a processor (the hub remembers the entity ids a processor writes, and the
//!   change messages of those entities carry the writer's hop count). A message
//!   that would exceed [`HubConfig::max_hops`] is dropped and counted
//!   ([`StreamHub::loop_dropped`]), so a cycle ends. Changes a cascade makes as a
//!   consequence of such a write count as fresh changes (hop 0).
//!
//! # Delivery and the slow-consumer policy
//!
//! Publishing is synchronous: the publisher's thread assigns the sequence number,
//! evaluates each consumer's filter and hands the message to the consumer; each
//! stream delivers in sequence order. Every consumer has a bounded queue.
//!
//! - Subscribers (lossy): when a subscriber's queue is full the message is dropped
//!   for that subscriber alone and counted as `lagged` (drop-newest, as the
//!   database change feed does). Publishers never wait for subscribers.
//! - Processors and writers (back-pressure): when the queue is full the publisher
//!   waits up to [`HubConfig::max_wait`] for room, then drops the message for that
//!   consumer and counts it. So a slow processor slows its producers down, but no
//!   producer waits without bound.
//! - Routes deliver in the publisher's thread, so back-pressure of the destination's
//!   consumers reaches the source's publisher.
//! - The database never waits: its change feed is itself lossy (events it drops
//!   for the hub's bridge are counted in the [`CHANGES`] stream's `dropped`), and
//!   the bridge thread, not the writer, is what waits on processors.
//!
//! Counters per stream and consumer (published, delivered, dropped, errors) are in
//! [`StreamHub::streams`]. A filter that fails on a message (or a processor that
//! fails or panics) counts an error and the stream goes on.
//!
//! # Threads and shutdown
//!
//! Each processor or writer runs on its own thread; so do each tick producer and
//! the change-feed bridge. [`StreamHub::shutdown`] (or dropping the last clone of
//! the hub) stops producers, closes every queue (subscribers first receive what was
//! already queued, processors stop after the message in hand and discard the rest)
//! and joins the threads.

mod filter;
mod hub;
mod message;
mod processor;
mod producers;
mod queue;
mod stream;
mod subscription;

pub use filter::MessageFilter;
pub use hub::{ConsumerInfo, HubConfig, StreamHub, StreamInfo};
pub use message::{Message, Source};
pub use processor::{Output, ProcessError, Processor};
pub use producers::change_json;
pub use subscription::StreamSubscription;

use crate::StoreError;

/// The stream fed by the database change feed.
pub const CHANGES: &str = "changes";

/// Errors of the stream hub.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError {
    /// A bad stream name.
    #[error("invalid stream name `{name}`: {reason}")]
    InvalidName {
        /// The name.
        name: String,
        /// Why.
        reason: &'static str,
    },
    /// A filter that does not parse or is not a plain WHERE expression.
    #[error("invalid filter: {0}")]
    Filter(String),
    /// The hub holds as many streams as it may.
    #[error("too many streams (at most {0})")]
    TooManyStreams(usize),
    /// A message would exceed the hop limit (a routing or write-back loop).
    #[error("hop limit {0} exceeded (a routing or write-back loop?)")]
    HopLimit(u32),
    /// A tick interval of zero.
    #[error("a tick interval must be at least 1 ms")]
    BadInterval,
    /// The operation needs a database and the hub has none.
    #[error("the stream hub has no database ({0})")]
    NoDatabase(&'static str),
    /// A processor asked for a write the database refused.
    #[error("write: {0}")]
    Store(#[from] StoreError),
    /// A payload that cannot be written as a document.
    #[error("invalid document: {0}")]
    Document(String),
    /// A thread could not be started.
    #[error("cannot start a thread: {0}")]
    Thread(#[source] std::io::Error),
    /// The hub was shut down.
    #[error("the stream hub is shut down")]
    ShutDown,
}

/// Checks a stream name: 1 to 64 bytes of ASCII letters, digits, `_`, `-` and
/// `.`, starting with a letter or `_`.
pub fn check_stream_name(name: &str) -> Result<(), StreamError> {
    match crate::store::name_problem(name, true) {
        Some(reason) => Err(StreamError::InvalidName {
            name: name.chars().take(80).collect(),
            reason,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_names() {
        for ok in ["a", "changes", "orders.eu-1", "_x"] {
            assert!(check_stream_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "1a", "a b", "a/b", &"x".repeat(65), "é"] {
            assert!(
                matches!(check_stream_name(bad), Err(StreamError::InvalidName { .. })),
                "{bad}"
            );
        }
    }
}
