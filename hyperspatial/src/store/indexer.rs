//! The indexer: one background thread per database that links staged vectors and
//! positions into their HNSW graphs (see `vindex`), a chunk at a time.
//!
//! Commits stage entries and [`Indexer::enqueue`] the index; the thread drains queued
//! indexes chunk by chunk, round robin, until nothing is staged, then sleeps. It
//! holds indexes only weakly between chunks, so it never keeps a collection (or its
//! files) alive, and it stops when the database is dropped. Callers that need every
//! entry linked now (`Database::wait_for_indexes`) drain on their own thread.
//! Snapshots (checkpoints, close) hold what is linked; what is still staged is staged
//! again when the database is next opened.

use super::vindex::VectorIndex;
use parking_lot::{Condvar, Mutex};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{Arc, Weak};

/// Entries linked per turn of one index (on the indexer thread alone, at the lowest
/// scheduling priority, so that writers keep the cores): small enough that deletes wait little for the
/// index's write lock.
const CHUNK: usize = 256;

#[derive(Default)]
struct Shared {
    queue: Mutex<VecDeque<Weak<VectorIndex>>>,
    wake: Condvar,
    stop: AtomicBool,
}

/// The handle the database keeps; dropping it stops the thread.
pub(crate) struct Indexer {
    shared: Arc<Shared>,
}

impl Indexer {
    /// Starts the thread. Should the thread fail to start, staged entries stay
    /// searchable (exactly) until a `wait_for_indexes` links them.
    pub(crate) fn start() -> Indexer {
        let shared = Arc::new(Shared::default());
        let s = shared.clone();
        let _ = std::thread::Builder::new()
            .name("hyperspatial-indexer".into())
            .spawn(move || run(&s));
        Indexer { shared }
    }

    /// Queues `idx` for draining (no-op when it is queued already).
    pub(crate) fn enqueue(&self, idx: &Arc<VectorIndex>) {
        if !idx.queued.swap(true, SeqCst) {
            self.shared.queue.lock().push_back(Arc::downgrade(idx));
            self.shared.wake.notify_one();
        }
    }
}

impl Drop for Indexer {
    fn drop(&mut self) {
        self.shared.stop.store(true, SeqCst);
        let _q = self.shared.queue.lock();
        self.shared.wake.notify_all();
    }
}

fn run(s: &Shared) {
    // Background work: the scheduler runs it when writers and readers leave a core
    // idle. Without the permission to lower it, it runs at normal priority.
    let _ = thread_priority::set_current_thread_priority(thread_priority::ThreadPriority::Min);
    loop {
        let next = {
            let mut q = s.queue.lock();
            loop {
                if s.stop.load(SeqCst) {
                    return;
                }
                if let Some(w) = q.pop_front() {
                    break w;
                }
                s.wake.wait(&mut q);
            }
        };
        let Some(idx) = next.upgrade() else { continue };
        if idx.drain(CHUNK, false) > 0 {
            s.queue.lock().push_back(next);
            continue;
        }
        // Leave the queue, then look again: a commit that staged after the drain
        // and saw the flag still set did not queue the index.
        idx.queued.store(false, SeqCst);
        if idx.staged() > 0 && !idx.queued.swap(true, SeqCst) {
            s.queue.lock().push_back(next);
        }
    }
}
