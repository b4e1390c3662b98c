//! Asynchronous `fdatasync` through io_uring, so that a committing thread can start the
//! log sync, make its (non-durable) redb commit while the device flushes, and only then
//! wait. Measured on this project's machines: the serial path (sync, then redb commit)
//! costs the sum of both; overlapping hides the redb commit under the sync.
//!
//! Each thread keeps its own small ring; a thread only ever waits for the one operation
//! it submitted. Where io_uring is unavailable (old kernel, seccomp, a simulated file)
//! `start` returns `None` and callers sync synchronously.
#![allow(unsafe_code)]

use io_uring::{IoUring, opcode, types};
use std::cell::RefCell;
use std::io;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, Ordering};

static UNAVAILABLE: AtomicBool = AtomicBool::new(false);

thread_local! {
    static RING: RefCell<Option<IoUring>> = const { RefCell::new(None) };
}

/// An `fdatasync` submitted by this thread and not yet reaped.
#[derive(Debug)]
pub(crate) struct PendingSync {
    _not_send: std::marker::PhantomData<*const ()>,
}

/// Submits `fdatasync(fd)` without waiting. `None` when io_uring cannot be used (the
/// caller then syncs synchronously).
pub(crate) fn start(fd: RawFd) -> Option<PendingSync> {
    if UNAVAILABLE.load(Ordering::Relaxed) {
        return None;
    }
    RING.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            match IoUring::new(4) {
                Ok(r) => *slot = Some(r),
                Err(_) => {
                    UNAVAILABLE.store(true, Ordering::Relaxed);
                    return None;
                }
            }
        }
        let ring = slot.as_mut()?;
        let entry = opcode::Fsync::new(types::Fd(fd))
            .flags(types::FsyncFlags::DATASYNC)
            .build()
            .user_data(1);
        // SAFETY: an fsync entry references no buffer, so nothing must outlive it but the
        // file descriptor, which the log keeps open until every sync it started is reaped
        // (`finish` runs before the committing call returns).
        let pushed = unsafe { ring.submission().push(&entry) }.is_ok();
        if !pushed || ring.submit().is_err() {
            UNAVAILABLE.store(true, Ordering::Relaxed);
            return None;
        }
        Some(PendingSync {
            _not_send: std::marker::PhantomData,
        })
    })
}

/// Waits for the sync this thread submitted and returns its outcome.
pub(crate) fn finish(pending: PendingSync) -> io::Result<()> {
    let PendingSync { _not_send: _ } = pending;
    RING.with(|cell| {
        let mut slot = cell.borrow_mut();
        let ring = slot
            .as_mut()
            .ok_or_else(|| io::Error::other("io_uring ring vanished"))?;
        loop {
            if let Some(cqe) = ring.completion().next() {
                let res = cqe.result();
                return if res < 0 {
                    Err(io::Error::from_raw_os_error(-res))
                } else {
                    Ok(())
                };
            }
            match ring.submit_and_wait(1) {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    })
}
