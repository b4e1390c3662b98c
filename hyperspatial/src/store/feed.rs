//! The change feed: every committed batch publishes one event per entity it
//! inserted, updated or deleted, in commit order, to every subscriber.
//!
//! Back-pressure policy: each subscriber has a bounded buffer. Publishing never
//! blocks a writer; when a subscriber's buffer is full the event is dropped for that
//! subscriber only and counted in [`Subscription::lagged`], so a slow consumer can
//! tell that it missed changes (and re-read what it needs). A dropped subscription
//! is forgotten at the next publish.

use hyperql::Record;
use parking_lot::Mutex;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
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

struct Subscriber {
    tx: SyncSender<Arc<ChangeEvent>>,
    lagged: Arc<AtomicU64>,
}

/// The publishing side, owned by the database.
#[derive(Default)]
pub(crate) struct Feed {
    subs: Mutex<Vec<Subscriber>>,
    seq: AtomicU64,
}

impl Feed {
    pub(crate) fn subscribe(&self, capacity: usize) -> Subscription {
        let (tx, rx) = sync_channel(capacity.max(1));
        let lagged = Arc::new(AtomicU64::new(0));
        self.subs.lock().push(Subscriber {
            tx,
            lagged: lagged.clone(),
        });
        Subscription { rx, lagged }
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
            let ev = Arc::new(ChangeEvent {
                seq: self.seq.fetch_add(1, Relaxed) + 1,
                collection,
                id,
                kind,
                record,
            });
            subs.retain(|s| match s.tx.try_send(ev.clone()) {
                Ok(()) => true,
                Err(TrySendError::Full(_)) => {
                    s.lagged.fetch_add(1, Relaxed);
                    true
                }
                Err(TrySendError::Disconnected(_)) => false,
            });
        }
    }
}

/// A subscriber's end of the change feed.
pub struct Subscription {
    rx: Receiver<Arc<ChangeEvent>>,
    lagged: Arc<AtomicU64>,
}

impl Subscription {
    /// The next event, waiting up to `timeout`; `None` on timeout or when the
    /// database is gone.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<Arc<ChangeEvent>> {
        self.rx.recv_timeout(timeout).ok()
    }

    /// The next event if one is buffered.
    pub fn try_recv(&self) -> Option<Arc<ChangeEvent>> {
        self.rx.try_recv().ok()
    }

    /// Events dropped because this subscriber's buffer was full.
    pub fn lagged(&self) -> u64 {
        self.lagged.load(Relaxed)
    }
}
