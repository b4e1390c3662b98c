//! One named stream: its sequence, counters and consumers, and delivery.

use super::StreamError;
use super::filter::MessageFilter;
use super::hub::Core;
use super::message::{Message, Source, now_us};
use super::queue::{PushError, Queue};
use parking_lot::{Mutex, RwLock};
use serde_json::Value as JsonValue;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

/// Where a consumer's messages go.
pub(crate) enum Target {
    /// A subscriber's queue: lossy, the publisher never waits.
    Subscriber(Arc<Queue<Arc<Message>>>),
    /// A processor's queue: the publisher waits up to `max_wait` for room.
    Worker(Arc<Queue<Arc<Message>>>),
    /// Another stream, in the publisher's thread.
    Route(Arc<Stream>),
}

impl Target {
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Target::Subscriber(_) => "subscriber",
            Target::Worker(_) => "processor",
            Target::Route(_) => "route",
        }
    }

    /// The queue, for consumers that have one.
    pub(crate) fn queue(&self) -> Option<&Arc<Queue<Arc<Message>>>> {
        match self {
            Target::Subscriber(q) | Target::Worker(q) => Some(q),
            Target::Route(_) => None,
        }
    }
}

/// A consumer attached to a stream.
pub(crate) struct Consumer {
    pub(crate) id: u64,
    /// The processor's name, the route's destination, or `subscriber`.
    pub(crate) name: Arc<str>,
    pub(crate) target: Target,
    pub(crate) filter: Option<MessageFilter>,
    /// Messages handed over.
    pub(crate) delivered: AtomicU64,
    /// Messages it did not get: queue full, or (routes) the hop limit.
    pub(crate) dropped: AtomicU64,
    /// Filter failures, and for processors failed messages.
    pub(crate) errors: AtomicU64,
}

impl Consumer {
    pub(crate) fn new(
        id: u64,
        name: Arc<str>,
        target: Target,
        filter: Option<MessageFilter>,
    ) -> Self {
        Consumer {
            id,
            name,
            target,
            filter,
            delivered: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            errors: AtomicU64::new(0),
        }
    }
}

/// A named stream.
pub(crate) struct Stream {
    pub(crate) name: Arc<str>,
    /// The last sequence number; held while a message is handed to the queues so
    /// each stream delivers in sequence order.
    seq: Mutex<u64>,
    consumers: RwLock<Arc<Vec<Arc<Consumer>>>>,
    pub(crate) published: AtomicU64,
    pub(crate) delivered: AtomicU64,
    pub(crate) dropped: AtomicU64,
    pub(crate) errors: AtomicU64,
}

enum Handed {
    Yes,
    Filtered,
    Full,
    Gone,
    Failed,
}

impl Stream {
    pub(crate) fn new(name: &str) -> Self {
        Stream {
            name: Arc::from(name),
            seq: Mutex::new(0),
            consumers: RwLock::new(Arc::new(Vec::new())),
            published: AtomicU64::new(0),
            delivered: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            errors: AtomicU64::new(0),
        }
    }

    pub(crate) fn consumers(&self) -> Arc<Vec<Arc<Consumer>>> {
        self.consumers.read().clone()
    }

    pub(crate) fn add(&self, c: Arc<Consumer>) {
        let mut w = self.consumers.write();
        let mut v = (**w).clone();
        v.push(c);
        *w = Arc::new(v);
    }

    /// Detaches consumers; the removed ones.
    pub(crate) fn remove(&self, ids: &[u64]) -> Vec<Arc<Consumer>> {
        let mut w = self.consumers.write();
        let (gone, kept): (Vec<_>, Vec<_>) = w.iter().cloned().partition(|c| ids.contains(&c.id));
        if !gone.is_empty() {
            *w = Arc::new(kept);
        }
        gone
    }

    /// Publishes `payload`; its sequence number. Routes forward after the
    /// stream's own consumers received the message.
    pub(crate) fn publish(
        &self,
        core: &Core,
        payload: JsonValue,
        source: Source,
        hops: u32,
    ) -> Result<u64, StreamError> {
        if core.is_stopping() {
            return Err(StreamError::ShutDown);
        }
        if hops > core.config.max_hops {
            core.count_loop_drop();
            return Err(StreamError::HopLimit(core.config.max_hops));
        }
        let consumers = self.consumers();
        let mut routes = Vec::new();
        let mut gone = Vec::new();
        let msg;
        let size = super::message::weight(&payload);
        {
            let mut seq = self.seq.lock();
            *seq += 1;
            msg = Arc::new(Message {
                stream: self.name.clone(),
                seq: *seq,
                ts_us: now_us(),
                source,
                hops,
                payload,
            });
            self.published.fetch_add(1, Relaxed);
            for c in consumers.iter() {
                let handed = match &c.target {
                    Target::Route(to) => {
                        routes.push((c, to));
                        continue;
                    }
                    Target::Subscriber(q) => self.hand(c, q, &msg, size, Duration::ZERO),
                    Target::Worker(q) => self.hand(c, q, &msg, size, core.config.max_wait),
                };
                self.count(c, &handed);
                if matches!(handed, Handed::Gone) {
                    gone.push(c.id);
                }
            }
        }
        for (c, to) in routes {
            let handed = match wants(c, &msg) {
                Ok(true) => {
                    let source = Source::Route(self.name.clone());
                    match to.publish(core, msg.payload.clone(), source, hops.saturating_add(1)) {
                        Ok(_) => Handed::Yes,
                        Err(StreamError::HopLimit(_)) => Handed::Full,
                        Err(StreamError::ShutDown) => Handed::Gone,
                        Err(_) => Handed::Failed,
                    }
                }
                Ok(false) => Handed::Filtered,
                Err(()) => Handed::Failed,
            };
            self.count(c, &handed);
        }
        if !gone.is_empty() {
            self.remove(&gone);
        }
        Ok(msg.seq)
    }

    fn hand(
        &self,
        c: &Consumer,
        q: &Queue<Arc<Message>>,
        msg: &Arc<Message>,
        size: usize,
        wait: Duration,
    ) -> Handed {
        match wants(c, msg) {
            Ok(true) => match q.push(msg.clone(), size, wait) {
                Ok(()) => Handed::Yes,
                Err(PushError::Full(_)) => Handed::Full,
                Err(PushError::Closed(_)) => Handed::Gone,
            },
            Ok(false) => Handed::Filtered,
            Err(()) => Handed::Failed,
        }
    }

    fn count(&self, c: &Consumer, handed: &Handed) {
        let (mine, stream) = match handed {
            Handed::Yes => (&c.delivered, &self.delivered),
            Handed::Full => (&c.dropped, &self.dropped),
            Handed::Failed => (&c.errors, &self.errors),
            Handed::Filtered | Handed::Gone => return,
        };
        mine.fetch_add(1, Relaxed);
        stream.fetch_add(1, Relaxed);
    }
}

/// Whether `c`'s filter lets `msg` through; `Err` when the filter failed.
fn wants(c: &Consumer, msg: &Message) -> Result<bool, ()> {
    match &c.filter {
        None => Ok(true),
        Some(f) => f.matches(msg).map_err(|_| ()),
    }
}
