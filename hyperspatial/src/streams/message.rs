//! A message of a stream and where it came from.

use serde_json::{Value as JsonValue, json};
use std::fmt;
use std::sync::Arc;

/// Who produced a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// An external publisher ([`StreamHub::publish`](super::StreamHub::publish),
    /// `POST /streams/{name}`).
    Api,
    /// The database change feed.
    Changes,
    /// A tick producer.
    Tick,
    /// A route from the named stream.
    Route(Arc<str>),
    /// The named processor.
    Processor(Arc<str>),
}

impl fmt::Display for Source {
    /// `api`, `changes`, `tick`, `route:<stream>` or `processor:<name>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Api => f.write_str("api"),
            Source::Changes => f.write_str("changes"),
            Source::Tick => f.write_str("tick"),
            Source::Route(s) => write!(f, "route:{s}"),
            Source::Processor(p) => write!(f, "processor:{p}"),
        }
    }
}

/// One message of a stream. Shared (`Arc`) between the consumers that receive it.
#[derive(Clone, Debug)]
pub struct Message {
    /// The stream it was published to.
    pub stream: Arc<str>,
    /// Position in the stream, increasing from 1 since the stream was created.
    pub seq: u64,
    /// When it was published, in microseconds since the Unix epoch.
    pub ts_us: i64,
    /// Who produced it.
    pub source: Source,
    /// Routes, processor steps and database write-backs since a producer made the
    /// first message of this chain (0 for a producer's own message).
    pub hops: u32,
    /// The content.
    pub payload: JsonValue,
}

impl Message {
    /// The message as JSON: `{"stream", "seq", "ts", "source", "hops", "payload"}`
    /// (`ts` in microseconds since the Unix epoch).
    pub fn to_json(&self) -> JsonValue {
        json!({
            "stream": &*self.stream,
            "seq": self.seq,
            "ts": self.ts_us,
            "source": self.source.to_string(),
            "hops": self.hops,
            "payload": self.payload,
        })
    }
}

/// Roughly how many bytes `v` takes (its JSON text, give or take): what a message
/// weighs in a consumer's queue.
pub(crate) fn weight(v: &JsonValue) -> usize {
    const NODE: usize = 16;
    match v {
        JsonValue::Null | JsonValue::Bool(_) | JsonValue::Number(_) => NODE,
        JsonValue::String(s) => NODE + s.len(),
        JsonValue::Array(items) => NODE + items.iter().map(weight).sum::<usize>(),
        JsonValue::Object(m) => {
            NODE + m
                .iter()
                .map(|(k, v)| NODE + k.len() + weight(v))
                .sum::<usize>()
        }
    }
}

/// Microseconds since the Unix epoch.
pub(crate) fn now_us() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
}
