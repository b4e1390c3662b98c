//! What one request shares across its statements: an [`Interrupt`] that cancels it
//! or ends it at a deadline, the memory budget of everything it holds, and a live
//! count of the rows it processed ([`RequestCtx`]).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

/// Why work stopped before it finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Interrupted {
    /// [`Interrupt::cancel`] was called (the client went away, the caller gave up).
    #[error("the request was cancelled")]
    Cancelled,
    /// The deadline of the [`Interrupt`] passed.
    #[error("the request ran past its deadline")]
    Timeout,
}

/// A cancellation handle: a flag shared by every clone, and an optional deadline.
///
/// The executor checks it every few hundred rows in every loop that can run long,
/// and hands it to the source with each scan ([`crate::ScanRequest::interrupt`]), so
/// a cancelled or late request stops within milliseconds. Two interrupts always
/// compare equal (like [`crate::Span`]s), so requests that carry one still compare
/// by what they ask for.
#[derive(Clone, Default)]
pub struct Interrupt {
    flag: Arc<AtomicBool>,
    deadline: Option<Instant>,
}

impl Interrupt {
    /// A handle that is not cancelled and has no deadline.
    pub fn new() -> Self {
        Self::default()
    }

    /// The same handle (sharing the flag) that also stops at `deadline`.
    pub fn with_deadline(mut self, deadline: Instant) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The deadline, if any.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// Cancels the work of every clone of this handle.
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::Relaxed);
    }

    /// Whether [`cancel`](Self::cancel) was called (the deadline is not looked at).
    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }

    /// `Ok` while the work may go on; why it must stop otherwise.
    pub fn check(&self) -> Result<(), Interrupted> {
        if self.is_cancelled() {
            return Err(Interrupted::Cancelled);
        }
        match self.deadline {
            Some(d) if Instant::now() >= d => Err(Interrupted::Timeout),
            _ => Ok(()),
        }
    }
}

impl Interrupt {
    /// How many calls of [`check_every`](Self::check_every) make one real check.
    pub const STRIDE: u32 = 256;

    /// [`check`](Self::check) every [`STRIDE`](Self::STRIDE)th call, counting calls
    /// in `count` (for loops over many rows: a flag load and a clock read per few
    /// hundred rows).
    pub fn check_every(&self, count: &mut u32) -> Result<(), Interrupted> {
        *count = count.wrapping_add(1);
        if count.is_multiple_of(Self::STRIDE) {
            self.check()
        } else {
            Ok(())
        }
    }
}

impl fmt::Debug for Interrupt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Interrupt")
            .field("cancelled", &self.is_cancelled())
            .field("deadline", &self.deadline)
            .finish()
    }
}

impl PartialEq for Interrupt {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// The state of one request (one script, or several statements run one by one with
/// the same context): its [`Interrupt`], its memory budget and a live row counter.
///
/// Memory is charged by every statement run with this context: rows held by joins,
/// sorts, aggregates and traversals while a statement runs (released when it ends),
/// and the result rows it returns (kept until the context is dropped, since the
/// caller holds them). Use one context per request.
#[derive(Debug)]
pub struct RequestCtx {
    interrupt: Interrupt,
    max_memory: u64,
    memory: AtomicU64,
    progress: Arc<AtomicU64>,
}

impl RequestCtx {
    /// A context stopped by `interrupt` that may hold at most `max_memory` bytes.
    pub fn new(interrupt: Interrupt, max_memory: u64) -> Self {
        RequestCtx {
            interrupt,
            max_memory,
            memory: AtomicU64::new(0),
            progress: Arc::default(),
        }
    }

    /// Counts the rows the executor processes into `counter` as well (a live
    /// figure another thread may read while the request runs).
    pub fn with_progress(mut self, counter: Arc<AtomicU64>) -> Self {
        self.progress = counter;
        self
    }

    /// The interrupt.
    pub fn interrupt(&self) -> &Interrupt {
        &self.interrupt
    }

    /// The memory budget in bytes.
    pub fn max_memory(&self) -> u64 {
        self.max_memory
    }

    /// Bytes charged now.
    pub fn memory(&self) -> u64 {
        self.memory.load(Ordering::Relaxed)
    }

    /// Charges `bytes`; `Err(limit)` when the request now holds more than its budget.
    pub(crate) fn charge(&self, bytes: u64) -> Result<(), u64> {
        let now = self.memory.fetch_add(bytes, Ordering::Relaxed) + bytes;
        if now > self.max_memory {
            return Err(self.max_memory);
        }
        Ok(())
    }

    /// Releases `bytes` charged before.
    pub(crate) fn release(&self, bytes: u64) {
        let _ = self
            .memory
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |m| {
                Some(m.saturating_sub(bytes))
            });
    }

    /// Counts `n` rows processed.
    pub(crate) fn progress(&self, n: u64) {
        self.progress.fetch_add(n, Ordering::Relaxed);
    }
}
