//! The write-ahead log: preallocated segments overwritten in place, group commit, and
//! the scan that recovery replays. The byte layout of a segment is in [`super::segment`].
//!
//! Invariants:
//! - sequence numbers are consecutive within a segment and never reissued: the next one
//!   after an open is above every sequence number any segment (chained or not) or family
//!   holds, and above every number a segment whose header survives could have been given
//!   (`first_seq + capacity`), so even a record whose bytes were all lost keeps its number;
//! - a segment's header (first sequence number, epoch, salt) is synced before any frame
//!   of it is written; frames are checksummed with the salt, so frames of a previous use
//!   of the segment never pass for frames of the current one;
//! - a frame is written in full (one `pwrite`, under the append lock) before the next
//!   sequence number is handed out, so "written up to N" is a prefix;
//! - the fragments of a record longer than a segment take consecutive sequence numbers
//!   under one hold of the append lock, and `written` and `last_seq` move past them only
//!   at the last one: a checkpoint watermark or a family's applied number is always the
//!   end of a whole record, so replay starts at the first fragment of a record, and a
//!   segment holding fragments is reused only once the whole record is checkpointed;
//! - a segment is overwritten only when every record in it is at or below the
//!   checkpoint watermark (durably reflected in every family);
//! - a commit is acknowledged only after an `fdatasync` that started after its frame was
//!   written; concurrent committers share `fdatasync`s (a committer whose record a
//!   started sync covers waits for it; otherwise it syncs for everyone written so far);
//! - after a failed sync the log is poisoned: no sync that completes later (even
//!   successfully) makes anything durable in its eyes, and nothing more is appended.

use super::segment::{self, FRAME_HEADER, HEADER, Header};
use super::uring::{self, PendingSync};
use crate::error::{Error, Poison, Result};
use crate::storage::io::{FileIo, write_zeros};
use parking_lot::{Condvar, Mutex};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Largest payload of one frame (its length field has 31 bits).
const MAX_FRAME_PAYLOAD: usize = (segment::MORE - 1) as usize;
/// A fragment of a long record starts in the current segment only if at least this
/// much of it fits there.
const MIN_FRAGMENT: usize = 4096;

#[derive(Debug, Clone)]
struct Segment {
    offset: u64,
    /// First sequence number written since the segment was last started (0: never).
    first_seq: u64,
    /// Last sequence number in it (0: none).
    last_seq: u64,
}

#[derive(Debug)]
struct AppendState {
    segments: Vec<Segment>,
    current: Option<usize>,
    pos: u64,
    next_seq: u64,
    checkpointed: u64,
    bytes_since_checkpoint: u64,
    buf: Vec<u8>,
    /// This incarnation's epoch (above every epoch found in the file at open).
    epoch: u64,
    /// Segments started in this epoch (numbers the salts).
    starts: u64,
    /// Salt of the current segment.
    salt: u64,
}

#[derive(Debug, Default)]
struct SyncState {
    /// Every record up to here is durable.
    durable: u64,
    /// The highest target of any sync started so far: a committer at or below it waits
    /// for that sync instead of starting its own.
    covered: u64,
    /// Number of the next sync to start.
    next_sync: u64,
    /// Numbers of the syncs started and not yet recorded.
    in_flight: std::collections::BTreeSet<u64>,
    /// Syncs that succeeded while earlier-started ones were in flight: (the last number
    /// started when it ended, its target). The target becomes durable once every sync
    /// up to that number has ended, unless one failed: a sync that succeeds while a
    /// failed one has not reported yet may have run after the failure dropped pages it
    /// covers.
    succeeded: Vec<(u64, u64)>,
}

impl SyncState {
    /// Numbers a sync that starts now.
    fn start(&mut self) -> u64 {
        let id = self.next_sync;
        self.next_sync += 1;
        self.in_flight.insert(id);
        id
    }
}

/// What a replay found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct ReplayOutcome {
    /// Records handed to the callback.
    pub replayed: u64,
    /// Last sequence number of the unbroken chain (0 when the log is empty).
    pub chain_end: u64,
    /// Checksummed records found past a gap or a damaged record, not replayed: an unsynced
    /// tail (a crash mid-write), or damage to synced data.
    pub discarded: u64,
    /// Highest sequence number found anywhere in the log.
    pub max_seen: u64,
}

/// How a committer takes part in syncing the log past its record (see
/// [`Log::begin_sync`]). Dropping a ticket that leads a sync completes that sync, so a
/// committer that fails or unwinds never leaves the others waiting.
#[derive(Debug)]
pub(crate) struct SyncTicket<'a> {
    log: &'a Log,
    lead: Option<(u64, u64, PendingSync)>,
}

impl Drop for SyncTicket<'_> {
    fn drop(&mut self) {
        if let Some((id, target, pending)) = self.lead.take() {
            self.log.complete_sync(id, target, uring::finish(pending));
        }
    }
}

/// The shared write-ahead log.
#[derive(Debug)]
pub(crate) struct Log {
    file: Arc<dyn FileIo>,
    segment_size: u64,
    state: Mutex<AppendState>,
    written: AtomicU64,
    /// `fdatasync` calls made for commits (group commit shares them).
    syncs: AtomicU64,
    sync: Mutex<SyncState>,
    synced: Condvar,
    poison: Arc<Poison>,
    /// Every sequence number handed out before this open is at or below this.
    issued_bound: u64,
}

impl Log {
    /// Opens the log, preallocating `segments` segments if the file is shorter. A failed
    /// sync sets `poison`.
    pub(crate) fn open(
        file: Arc<dyn FileIo>,
        segment_size: u64,
        segments: usize,
        poison: Arc<Poison>,
    ) -> Result<Log> {
        let len = file.len().map_err(Error::io("reading the log length"))?;
        let want = segment_size * segments as u64;
        if len < want {
            write_zeros(file.as_ref(), len, want - len)
                .map_err(Error::io("preallocating the log"))?;
            file.sync_all().map_err(Error::io("syncing the log"))?;
        }
        let count = (len.max(want) / segment_size) as usize;
        let mut segs = Vec::with_capacity(count);
        let mut buf = vec![0u8; segment_size as usize];
        let (mut epoch, mut issued_bound) = (0, 0);
        for i in 0..count {
            let offset = i as u64 * segment_size;
            file.read_at(offset, &mut buf)
                .map_err(Error::io("reading the log"))?;
            let (first_seq, last_seq) = match segment::scan(&buf, |_| Ok(()))? {
                Some(s) => {
                    epoch = epoch.max(s.header.epoch);
                    let bound = s.header.first_seq + segment::capacity(segment_size) - 1;
                    issued_bound = issued_bound.max(bound);
                    (s.header.first_seq, s.last_seq)
                }
                None => (0, 0),
            };
            segs.push(Segment {
                offset,
                first_seq,
                last_seq,
            });
        }
        Ok(Log {
            file,
            segment_size,
            state: Mutex::new(AppendState {
                segments: segs,
                current: None,
                pos: 0,
                next_seq: 1,
                checkpointed: 0,
                bytes_since_checkpoint: 0,
                buf: Vec::new(),
                epoch: epoch + 1,
                starts: 0,
                salt: 0,
            }),
            written: AtomicU64::new(0),
            syncs: AtomicU64::new(0),
            sync: Mutex::new(SyncState::default()),
            synced: Condvar::new(),
            poison,
            issued_bound,
        })
    }

    /// Calls `f(seq, payload)` for every record of the unbroken chain whose sequence
    /// number is at least `start`, in order.
    pub(crate) fn replay(
        &self,
        start: u64,
        mut f: impl FnMut(u64, &[u8]) -> Result<()>,
    ) -> Result<ReplayOutcome> {
        let mut segs: Vec<Segment> = self
            .state
            .lock()
            .segments
            .iter()
            .filter(|s| s.first_seq > 0)
            .cloned()
            .collect();
        segs.sort_by_key(|s| s.first_seq);
        let mut out = ReplayOutcome {
            max_seen: segs.iter().map(|s| s.last_seq).max().unwrap_or(0),
            ..ReplayOutcome::default()
        };
        let Some(first) = segs.iter().rposition(|s| s.first_seq <= start) else {
            // Nothing at or before `start`: either an empty log, or records are missing.
            out.discarded = segs.iter().map(|s| s.last_seq + 1 - s.first_seq).sum();
            return Ok(out);
        };
        let mut expect = segs[first].first_seq;
        let mut buf = vec![0u8; self.segment_size as usize];
        let mut followed = 0;
        // The fragments read so far of a record that continues (see `segment::MORE`).
        let mut pending: Vec<u8> = Vec::new();
        let mut pending_frames = 0u64;
        for seg in &segs[first..] {
            if seg.first_seq != expect {
                break;
            }
            followed += 1;
            self.file
                .read_at(seg.offset, &mut buf)
                .map_err(Error::io("reading the log"))?;
            let scanned = segment::scan(&buf, |frame| {
                if frame.seq < start {
                    return Ok(());
                }
                if frame.more {
                    pending.extend_from_slice(frame.payload);
                    pending_frames += 1;
                    return Ok(());
                }
                out.replayed += 1;
                if pending_frames == 0 {
                    return f(frame.seq, frame.payload);
                }
                pending.extend_from_slice(frame.payload);
                let record = std::mem::take(&mut pending);
                pending_frames = 0;
                f(frame.seq, &record)
            })?;
            if let Some(s) = scanned {
                expect = s.last_seq + 1;
                out.chain_end = s.last_seq;
            }
        }
        // A record whose last fragment is not in the chain never committed.
        out.discarded = pending_frames
            + segs[first + followed..]
                .iter()
                .filter(|s| s.first_seq > out.chain_end)
                .map(|s| s.last_seq + 1 - s.first_seq)
                .sum::<u64>();
        Ok(out)
    }

    /// Sets where appending resumes: above `above` (every sequence number the caller
    /// found in use) and above every number handed out before this open, and everything
    /// before it is checkpointed, so every segment may be reused. Returns the next
    /// sequence number.
    pub(crate) fn resume(&self, above: u64) -> u64 {
        let next_seq = above.max(self.issued_bound) + 1;
        let mut st = self.state.lock();
        st.next_seq = next_seq;
        st.checkpointed = next_seq - 1;
        st.current = None;
        self.written.store(next_seq - 1, Ordering::Release);
        let mut s = self.sync.lock();
        s.durable = next_seq - 1;
        s.covered = s.durable;
        next_seq
    }

    /// Largest payload one frame may carry; a longer record is written as fragments.
    pub(crate) fn max_payload(&self) -> usize {
        (self.segment_size as usize - HEADER - FRAME_HEADER).min(MAX_FRAME_PAYLOAD)
    }

    /// Appends a record and returns its sequence number (the last one, for a record
    /// written as fragments). The bytes are written (to the operating system) but not
    /// yet durable: see [`Log::wait_durable`].
    ///
    /// A record that fits in one segment is one frame, in a fresh segment if the
    /// current one lacks room. A longer one is split into consecutive fragments that
    /// fill the current segment and as many fresh ones as needed, all under one hold of
    /// the append lock: no other record comes between them, and the last sequence
    /// number (hence what a checkpoint or a family records as applied) only ever falls
    /// on the end of a whole record.
    pub(crate) fn append(&self, payload: &[u8]) -> Result<u64> {
        self.check_poison()?;
        let max = self.max_payload();
        let mut guard = self.state.lock();
        let st = &mut *guard;
        let mut rest = payload;
        let whole = rest.len() <= max;
        loop {
            let seq = st.next_seq;
            // Payload bytes the current segment still takes in one frame (none when
            // there is no current segment or not even a frame header fits).
            let room = st
                .current
                .and_then(|_| self.segment_size.checked_sub(st.pos + FRAME_HEADER as u64));
            let need = if whole {
                rest.len()
            } else {
                rest.len().min(MIN_FRAGMENT)
            };
            if room.is_none_or(|r| r < need as u64) {
                self.start_segment(st, seq)?;
            }
            let room = (self.segment_size - st.pos) as usize - FRAME_HEADER;
            let take = rest.len().min(room).min(max);
            let (chunk, tail) = rest.split_at(take);
            let more = !tail.is_empty();
            st.buf.clear();
            segment::encode_frame(&mut st.buf, st.salt, seq, chunk, more);
            let idx = st.current.unwrap_or(0);
            let at = st.segments[idx].offset + st.pos;
            if let Err(e) = self.file.write_at(at, &st.buf) {
                return Err(self.fail("appending to the log", e));
            }
            st.pos += st.buf.len() as u64;
            st.segments[idx].last_seq = seq;
            st.next_seq += 1;
            st.bytes_since_checkpoint += st.buf.len() as u64;
            if !more {
                self.written.store(seq, Ordering::Release);
                return Ok(seq);
            }
            rest = tail;
        }
    }

    /// Picks a segment and starts it at `seq`: writes its header with a fresh salt and
    /// syncs it, so that the header (hence the epoch, and the bound on the sequence
    /// numbers the segment may hold) is durable before any frame of it exists.
    fn start_segment(&self, st: &mut AppendState, seq: u64) -> Result<()> {
        let idx = self.pick_segment(st)?;
        st.current = None;
        st.salt = segment::salt(st.epoch, st.starts);
        st.starts += 1;
        st.buf.clear();
        Header::new(seq, st.epoch, st.salt).encode(&mut st.buf);
        let offset = st.segments[idx].offset;
        let written = self
            .file
            .write_at(offset, &st.buf)
            .and_then(|()| self.file.sync_data());
        if let Err(e) = written {
            return Err(self.fail("starting a log segment", e));
        }
        st.bytes_since_checkpoint += st.buf.len() as u64;
        st.current = Some(idx);
        st.pos = HEADER as u64;
        st.segments[idx].first_seq = seq;
        st.segments[idx].last_seq = seq - 1;
        Ok(())
    }

    /// Poisons the log with an I/O failure and returns it as an error.
    fn fail(&self, context: &'static str, source: std::io::Error) -> Error {
        let err = Error::Io { context, source };
        self.set_poison(&err);
        err
    }

    /// A segment every record of which is checkpointed, or a new one at the end of the file.
    fn pick_segment(&self, st: &mut AppendState) -> Result<usize> {
        let free = st
            .segments
            .iter()
            .enumerate()
            .filter(|(i, s)| Some(*i) != st.current && s.last_seq <= st.checkpointed)
            .min_by_key(|(_, s)| s.first_seq)
            .map(|(i, _)| i);
        if let Some(i) = free {
            return Ok(i);
        }
        let offset = st.segments.len() as u64 * self.segment_size;
        let grow = write_zeros(self.file.as_ref(), offset, self.segment_size)
            .and_then(|()| self.file.sync_all());
        if let Err(e) = grow {
            return Err(self.fail("growing the log", e));
        }
        st.segments.push(Segment {
            offset,
            first_seq: 0,
            last_seq: 0,
        });
        Ok(st.segments.len() - 1)
    }

    /// Returns once record `seq` (and every one before it) is durable.
    ///
    /// Group commit: a committer whose record an already-started sync covers waits for it;
    /// otherwise it syncs, for itself and every record written so far. Syncs may overlap:
    /// each one covers what was written before it started, so `durable` only moves up;
    /// it moves past a sync only once every sync started before it ended has ended well.
    pub(crate) fn wait_durable(&self, seq: u64) -> Result<()> {
        loop {
            let (id, target) = {
                let mut s = self.sync.lock();
                loop {
                    if s.durable >= seq {
                        return Ok(());
                    }
                    self.check_poison()?;
                    if seq <= s.covered {
                        self.synced.wait(&mut s);
                        continue;
                    }
                    break;
                }
                let target = self.written.load(Ordering::Acquire);
                s.covered = s.covered.max(target);
                (s.start(), target)
            };
            self.complete_sync(id, target, self.file.sync_data());
        }
    }

    /// Starts syncing the log past `seq` without waiting, unless a started sync already
    /// covers it or the file has no asynchronous sync. The caller does other work (its
    /// redb commit), then calls [`Log::end_sync`].
    pub(crate) fn begin_sync(&self, seq: u64) -> SyncTicket<'_> {
        let mut ticket = SyncTicket {
            log: self,
            lead: None,
        };
        let Some(fd) = self.file.raw_fd() else {
            return ticket;
        };
        let mut s = self.sync.lock();
        if s.durable >= seq || seq <= s.covered {
            return ticket;
        }
        let target = self.written.load(Ordering::Acquire);
        if let Some(pending) = uring::start(fd) {
            s.covered = s.covered.max(target);
            ticket.lead = Some((s.start(), target, pending));
        }
        ticket
    }

    /// Returns once record `seq` is durable: reaps the sync this ticket leads, or waits
    /// for (or runs) another.
    pub(crate) fn end_sync(&self, mut ticket: SyncTicket<'_>, seq: u64) -> Result<()> {
        if let Some((id, target, pending)) = ticket.lead.take() {
            self.complete_sync(id, target, uring::finish(pending));
        }
        self.wait_durable(seq)
    }

    /// Records the outcome of a sync that covered every record up to `target`.
    fn complete_sync(&self, id: u64, target: u64, result: std::io::Result<()>) {
        self.syncs.fetch_add(1, Ordering::Relaxed);
        let mut s = self.sync.lock();
        s.in_flight.remove(&id);
        match result {
            Ok(()) => {
                let last = s.next_sync - 1;
                s.succeeded.push((last, target));
            }
            Err(e) => self.set_poison(&Error::Io {
                context: "syncing the log",
                source: e,
            }),
        }
        // A sync that succeeds after another failed proves nothing: the failed one may
        // have dropped pages this one did not write.
        if self.poison.is_set() {
            s.succeeded.clear();
        } else {
            let oldest = s.in_flight.first().copied().unwrap_or(u64::MAX);
            let mut durable = s.durable;
            s.succeeded.retain(|&(last, target)| {
                let settled = last < oldest;
                if settled {
                    durable = durable.max(target);
                }
                !settled
            });
            s.durable = durable;
        }
        self.synced.notify_all();
    }

    /// The last sequence number handed out.
    pub(crate) fn last_seq(&self) -> u64 {
        self.state.lock().next_seq - 1
    }

    /// Number of log syncs so far.
    pub(crate) fn syncs(&self) -> u64 {
        self.syncs.load(Ordering::Relaxed)
    }

    /// Bytes appended since the last checkpoint.
    pub(crate) fn bytes_since_checkpoint(&self) -> u64 {
        self.state.lock().bytes_since_checkpoint
    }

    /// Records that every record up to `seq` is durably reflected in every family, so
    /// segments holding only such records may be overwritten.
    pub(crate) fn set_checkpointed(&self, seq: u64) {
        let mut st = self.state.lock();
        if seq > st.checkpointed {
            st.checkpointed = seq;
        }
        st.bytes_since_checkpoint = 0;
    }

    /// Size of the log file in bytes.
    pub(crate) fn file_len(&self) -> u64 {
        self.state.lock().segments.len() as u64 * self.segment_size
    }

    /// Fails with [`Error::Poisoned`] once a sync (of the log or the data file) failed.
    pub(crate) fn check_poison(&self) -> Result<()> {
        self.poison.check()
    }

    /// Poisons the database (see [`Poison`]).
    pub(crate) fn set_poison(&self, err: &Error) {
        self.poison.set(err);
    }
}
