//! The change feed: every committed batch publishes one event per entity it
//! inserted, updated or deleted, in commit order, to every subscriber.
//!
//! Back-pressure policy: each subscriber has a bounded buffer, in events and in
//! bytes (the records it holds, [`MAX_BUFFERED_BYTES`], weighed once per event; one
//! event over the byte bound still enters an empty buffer). Publishing never
//! blocks a writer; when a subscriber's buffer is full the event is dropped for that
//! subscriber only and counted in [`Subscription::lagged`], so a slow consumer can
//! tell that it missed changes (and re-read what it needs). A dropped subscription
//! is forgotten at the next publish.

use hyperql::{Record, Value};
use parking_lot::Mutex;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::time::Duration;
use uuid::Uuid;

/// What happened to an entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// Created.
    Insert,
    /// Changed (by a user or by a cascade).
    Update,
    /// Deleted.
    Delete,
}

/// One change, as published after its batch committed.
#[derive(Clone, Debug)]
pub struct ChangeEvent {
    /// Position in the feed (increasing from 1 since the database opened).
    pub seq: u64,
    /// The entity's collection.
    pub collection: String,
    /// The entity.
    pub id: Uuid,
    /// What happened.
    pub kind: ChangeKind,
    /// The entity after the change (`None` for deletes).
    pub record: Option<Record>,
}

/// Bytes of records one subscriber's buffer may hold (64 MiB).
pub(crate) const MAX_BUFFERED_BYTES: usize = 64 << 20;

struct Subscriber {
    tx: SyncSender<(Arc<ChangeEvent>, usize)>,
    /// Most bytes buffered.
    max_bytes: usize,
    lagged: Arc<AtomicU64>,
    /// Weight of the events buffered.
    bytes: Arc<AtomicUsize>,
}

/// The publishing side, owned by the database.
#[derive(Default)]
pub(crate) struct Feed {
    subs: Mutex<Vec<Subscriber>>,
    seq: AtomicU64,
}

impl Feed {
    pub(crate) fn subscribe(&self, capacity: usize, max_bytes: usize) -> Subscription {
        let (tx, rx) = sync_channel(capacity.max(1));
        let lagged = Arc::new(AtomicU64::new(0));
        let bytes = Arc::new(AtomicUsize::new(0));
        self.subs.lock().push(Subscriber {
            tx,
            max_bytes,
            lagged: lagged.clone(),
            bytes: bytes.clone(),
        });
        Subscription { rx, lagged, bytes }
    }

    pub(crate) fn has_subscribers(&self) -> bool {
        !self.subs.lock().is_empty()
    }

    pub(crate) fn publish(&self, events: Vec<(String, Uuid, ChangeKind, Option<Record>)>) {
        let mut subs = self.subs.lock();
        if subs.is_empty() {
            return;
        }
        for (collection, id, kind, record) in events {
            let weight = 64 + record.as_ref().map_or(0, |r| document_weight(r, 0));
            let ev = Arc::new(ChangeEvent {
                seq: self.seq.fetch_add(1, Relaxed) + 1,
                collection,
                id,
                kind,
                record,
            });
            subs.retain(|s| {
                let held = s.bytes.load(Relaxed);
                if held > 0 && held.saturating_add(weight) > s.max_bytes {
                    s.lagged.fetch_add(1, Relaxed);
                    return true;
                }
                match s.tx.try_send((ev.clone(), weight)) {
                    Ok(()) => {
                        s.bytes.fetch_add(weight, Relaxed);
                        true
                    }
                    Err(TrySendError::Full(_)) => {
                        s.lagged.fetch_add(1, Relaxed);
                        true
                    }
                    Err(TrySendError::Disconnected(_)) => false,
                }
            });
        }
    }
}

/// A subscriber's end of the change feed.
pub struct Subscription {
    rx: Receiver<(Arc<ChangeEvent>, usize)>,
    lagged: Arc<AtomicU64>,
    bytes: Arc<AtomicUsize>,
}

impl Subscription {
    /// The next event, waiting up to `timeout`; `None` on timeout or when the
    /// database is gone.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<Arc<ChangeEvent>> {
        self.rx.recv_timeout(timeout).ok().map(|e| self.taken(e))
    }

    /// The next event if one is buffered.
    pub fn try_recv(&self) -> Option<Arc<ChangeEvent>> {
        self.rx.try_recv().ok().map(|e| self.taken(e))
    }

    fn taken(&self, (ev, weight): (Arc<ChangeEvent>, usize)) -> Arc<ChangeEvent> {
        self.bytes.fetch_sub(weight, Relaxed);
        ev
    }

    /// Events dropped because this subscriber's buffer was full.
    pub fn lagged(&self) -> u64 {
        self.lagged.load(Relaxed)
    }
}

/// Roughly how many bytes a document's values take (texts, vectors, nested values),
/// counting at most [`crate::store::MAX_DEPTH`] levels.
fn document_weight(doc: &hyperql::Document, depth: usize) -> usize {
    doc.iter()
        .map(|(k, v)| 16 + k.len() + value_weight(v, depth + 1))
        .sum()
}

fn value_weight(v: &Value, depth: usize) -> usize {
    if depth > crate::store::MAX_DEPTH {
        return 16;
    }
    match v {
        Value::String(s) => 16 + s.len(),
        Value::Vector(x) => 16 + 4 * x.len(),
        Value::Array(items) => {
            16 + items
                .iter()
                .map(|x| value_weight(x, depth + 1))
                .sum::<usize>()
        }
        Value::Object(d) => 16 + document_weight(d, depth + 1),
        _ => 16,
    }
}
