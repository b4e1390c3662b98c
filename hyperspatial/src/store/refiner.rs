//! Background refinement of graph positions: one thread per database that lays a
//! collection out again (see `relayout`) once its edges have changed and then stayed
//! quiet, so that the incremental placements made by writes converge to the batch
//! layout.
//!
//! Scheduling: every commit that adds or removes edges counts the change on the
//! collections of both ends and wakes the thread. A collection is due when it has
//! changes not yet laid out, no edge of it has changed for [`AutoRefine::quiet`], and
//! the time since its last refinement ended is at least [`AutoRefine::spacing`] times
//! what that refinement took (so a steady trickle of edges costs at most about
//! `1 / (1 + spacing)` of one core). Writes that land while a refinement runs keep
//! their incremental placements and count as changes, so another round follows.
//!
//! The thread runs at the lowest scheduling priority and holds the database only
//! weakly: it reads the graph and publishes the layout through short-lived handles
//! and computes the layout without one, so dropping the database is not held up by
//! a layout in progress (a refinement whose database is gone is dropped).

use super::collection::Collection;
use super::database::{Database, Inner};
use parking_lot::{Condvar, Mutex};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

/// Settings of the background refinement ([`Options::refine`](super::Options)).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AutoRefine {
    /// How long a collection's edges must stay unchanged before it is laid out
    /// again. Default 1 s.
    pub quiet: Duration,
    /// Least idle time after a refinement, as a multiple of how long it took.
    /// Default 4.
    pub spacing: f64,
}

impl Default for AutoRefine {
    fn default() -> Self {
        AutoRefine {
            quiet: Duration::from_secs(1),
            spacing: 4.0,
        }
    }
}

/// A collection's graph changes, as the refinement sees them.
#[derive(Default)]
pub(crate) struct GraphState {
    /// Edge changes committed since the collection was opened.
    changes: AtomicU64,
    /// The value of `changes` that the last layout read (changes above it are
    /// placed incrementally only).
    laid_out: AtomicU64,
    /// When an edge last changed, and when the last refinement ended and how long
    /// it took.
    times: Mutex<Times>,
    /// Held while a refinement of the collection runs.
    pub(crate) running: Mutex<()>,
}

#[derive(Default)]
struct Times {
    last_change: Option<Instant>,
    last_run: Option<(Instant, Duration)>,
}

impl GraphState {
    /// Counts `n` edge changes committed now.
    pub(crate) fn changed(&self, n: u64) {
        self.times.lock().last_change = Some(Instant::now());
        self.changes.fetch_add(n, SeqCst);
    }

    /// Edge changes not yet laid out.
    pub(crate) fn pending(&self) -> u64 {
        self.changes
            .load(SeqCst)
            .saturating_sub(self.laid_out.load(SeqCst))
    }

    /// The changes counted so far, which a layout about to read the graph will hold:
    /// pass it to [`GraphState::finish`] once the layout is published (or failed: a
    /// layout that fails is not retried until new changes arrive, so one that cannot
    /// succeed does not run in a loop).
    pub(crate) fn begin(&self) -> u64 {
        self.changes.load(SeqCst)
    }

    /// A layout that began at `mark` is published (or failed).
    pub(crate) fn finish(&self, mark: u64) {
        self.laid_out.fetch_max(mark, SeqCst);
    }

    /// Records a finished refinement that took `took`.
    pub(crate) fn ran(&self, took: Duration) {
        self.times.lock().last_run = Some((Instant::now(), took));
    }

    /// When the collection is due for refinement (`None`: nothing pending).
    fn due(&self, s: &AutoRefine) -> Option<Instant> {
        if self.pending() == 0 {
            return None;
        }
        let t = self.times.lock();
        let quiet = t.last_change.map(|c| c + s.quiet);
        let spaced = t
            .last_run
            .map(|(end, took)| end + took.mul_f64(s.spacing.max(0.0)));
        Some(match (quiet, spaced) {
            (Some(a), Some(b)) => a.max(b),
            (a, b) => a.or(b).unwrap_or_else(Instant::now),
        })
    }
}

#[derive(Default)]
struct Shared {
    wake: Condvar,
    lock: Mutex<()>,
    stop: AtomicBool,
}

/// The handle the database keeps; dropping it stops the thread.
#[derive(Default)]
pub(crate) struct Refiner {
    shared: Arc<Shared>,
}

impl Refiner {
    /// Starts the thread for the database `db` refers to.
    pub(crate) fn start(&self, db: Weak<Inner>, settings: AutoRefine) {
        let s = self.shared.clone();
        let _ = std::thread::Builder::new()
            .name("hyperspatial-refiner".into())
            .spawn(move || run(&s, &db, &settings));
    }

    /// Wakes the thread (a collection's edges changed).
    pub(crate) fn notify(&self) {
        let _g = self.shared.lock.lock();
        self.shared.wake.notify_one();
    }
}

impl Drop for Refiner {
    fn drop(&mut self) {
        self.shared.stop.store(true, SeqCst);
        let _g = self.shared.lock.lock();
        self.shared.wake.notify_all();
    }
}

fn run(s: &Shared, db: &Weak<Inner>, settings: &AutoRefine) {
    let _ = thread_priority::set_current_thread_priority(thread_priority::ThreadPriority::Min);
    loop {
        if s.stop.load(SeqCst) {
            return;
        }
        let (due_now, next) = {
            let Some(inner) = db.upgrade() else { return };
            let cols: Vec<Arc<Collection>> = inner.collections.read().values().cloned().collect();
            let now = Instant::now();
            let mut due_now = Vec::new();
            let mut next: Option<Instant> = None;
            for c in cols {
                match c.graph.due(settings) {
                    Some(t) if t <= now => due_now.push(c.name.to_string()),
                    Some(t) => next = Some(next.map_or(t, |n| n.min(t))),
                    None => {}
                }
            }
            (due_now, next)
        };
        for name in due_now {
            if s.stop.load(SeqCst) {
                return;
            }
            let _ = refine_detached(db, &name);
        }
        let mut g = s.lock.lock();
        if s.stop.load(SeqCst) {
            return;
        }
        match next {
            Some(t) => {
                let _ = s.wake.wait_until(&mut g, t);
            }
            None => s.wake.wait(&mut g),
        }
    }
}

/// One refinement of `name` through short-lived handles (see the module docs). Only
/// the collection's [`GraphState`] is held throughout (not its files).
fn refine_detached(db: &Weak<Inner>, name: &str) -> Option<()> {
    let state = {
        let d = Database {
            inner: db.upgrade()?,
        };
        d.collection(name)?.graph.clone()
    };
    let _running = state.running.try_lock()?;
    let started = Instant::now();
    let ((graph, layout), mark) = {
        let d = Database {
            inner: db.upgrade()?,
        };
        let mark = state.begin();
        let read = d
            .refine_layout(name)
            .and_then(|layout| Ok((d.relayout_graph(Some(name))?, layout)));
        match read {
            Ok(r) => (r, mark),
            Err(_) => {
                state.finish(mark);
                return None;
            }
        }
    };
    if let Ok(points) = super::relayout::compute(&graph, &layout) {
        let d = Database {
            inner: db.upgrade()?,
        };
        let _ = d.publish_layout(&graph, points);
    }
    state.finish(mark);
    state.ran(started.elapsed());
    Some(())
}

/// Collections with changes no layout has read.
pub(crate) fn pending_collections(db: &Database) -> Vec<Arc<Collection>> {
    db.inner
        .collections
        .read()
        .values()
        .filter(|c| c.graph.pending() > 0)
        .cloned()
        .collect()
}
