//! The write-ahead log: preallocated segments overwritten in place, group commit, and
//! the scan that recovery replays.
//!
//! Segment layout: `magic u32 | crc32(first_seq) u32 | first_seq u64`, then frames
//! `payload length u32 | crc32(length, seq, payload) u32 | seq u64 | payload`.
//!
//! Invariants:
//! - sequence numbers are consecutive within a segment and never reused, even across
//!   reopen (the next one is above every sequence number found anywhere in the file);
//! - a frame is written in full (one `pwrite`, under the append lock) before the next
//!   sequence number is handed out, so "written up to N" is a prefix;
//! - a segment is overwritten only when every record in it is at or below the
//!   checkpoint watermark (durably reflected in every family);
//! - a commit is acknowledged only after an `fdatasync` that started after its frame was
//!   written; concurrent committers share `fdatasync`s (a committer whose record a
//!   started sync covers waits for it; otherwise it syncs for everyone written so far).

use super::uring::{self, PendingSync};
use crate::error::{Error, Result};
use crate::storage::io::{FileIo, write_zeros};
use parking_lot::{Condvar, Mutex};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

const MAGIC: u32 = 0x4D57_414C;
const SEGMENT_HEADER: usize = 16;
const FRAME_HEADER: usize = 16;

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
}

#[derive(Debug, Default)]
struct SyncState {
    /// Every record up to here is durable.
    durable: u64,
    /// The highest target of any sync started so far: a committer at or below it waits
    /// for that sync instead of starting its own.
    covered: u64,
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
    lead: Option<(u64, PendingSync)>,
}

impl Drop for SyncTicket<'_> {
    fn drop(&mut self) {
        if let Some((target, pending)) = self.lead.take() {
            self.log.complete_sync(target, uring::finish(pending));
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
    poison: Mutex<Option<String>>,
}

impl Log {
    /// Opens the log, preallocating `segments` segments if the file is shorter.
    pub(crate) fn open(file: Arc<dyn FileIo>, segment_size: u64, segments: usize) -> Result<Log> {
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
        for i in 0..count {
            let offset = i as u64 * segment_size;
            file.read_at(offset, &mut buf)
                .map_err(Error::io("reading the log"))?;
            let (first_seq, last_seq) = match scan_segment(&buf, |_, _| Ok(()))? {
                Some(s) => (s.first_seq, s.last_seq),
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
            }),
            written: AtomicU64::new(0),
            syncs: AtomicU64::new(0),
            sync: Mutex::new(SyncState::default()),
            synced: Condvar::new(),
            poison: Mutex::new(None),
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
        for seg in &segs[first..] {
            if seg.first_seq != expect {
                break;
            }
            followed += 1;
            self.file
                .read_at(seg.offset, &mut buf)
                .map_err(Error::io("reading the log"))?;
            let scanned = scan_segment(&buf, |seq, payload| {
                if seq >= start {
                    out.replayed += 1;
                    f(seq, payload)?;
                }
                Ok(())
            })?;
            if let Some(s) = scanned {
                expect = s.last_seq + 1;
                out.chain_end = s.last_seq;
            }
        }
        out.discarded = segs[first + followed..]
            .iter()
            .filter(|s| s.first_seq > out.chain_end)
            .map(|s| s.last_seq + 1 - s.first_seq)
            .sum();
        Ok(out)
    }

    /// Sets where appending resumes: `next_seq` is above every sequence number used so far,
    /// and everything before it is checkpointed, so every segment may be reused.
    pub(crate) fn resume(&self, next_seq: u64) {
        let mut st = self.state.lock();
        st.next_seq = next_seq.max(1);
        st.checkpointed = next_seq.saturating_sub(1);
        st.current = None;
        self.written
            .store(next_seq.saturating_sub(1), Ordering::Release);
        let mut s = self.sync.lock();
        s.durable = next_seq.saturating_sub(1);
        s.covered = s.durable;
    }

    /// Largest payload one record may carry.
    pub(crate) fn max_payload(&self) -> usize {
        self.segment_size as usize - SEGMENT_HEADER - FRAME_HEADER
    }

    /// Appends a record and returns its sequence number. The bytes are written (to the
    /// operating system) but not yet durable: see [`Log::wait_durable`].
    pub(crate) fn append(&self, payload: &[u8]) -> Result<u64> {
        self.check_poison()?;
        if payload.len() > self.max_payload() {
            return Err(Error::RecordTooLarge {
                size: payload.len(),
                max: self.max_payload(),
            });
        }
        let frame = (FRAME_HEADER + payload.len()) as u64;
        let mut guard = self.state.lock();
        let st = &mut *guard;
        let seq = st.next_seq;
        st.buf.clear();
        if st.current.is_none() || st.pos + frame > self.segment_size {
            let idx = self.pick_segment(st)?;
            st.current = Some(idx);
            st.pos = 0;
            st.segments[idx].first_seq = seq;
            st.segments[idx].last_seq = seq - 1;
            let mut crc = crc32fast::Hasher::new();
            crc.update(&seq.to_le_bytes());
            st.buf.extend_from_slice(&MAGIC.to_le_bytes());
            st.buf.extend_from_slice(&crc.finalize().to_le_bytes());
            st.buf.extend_from_slice(&seq.to_le_bytes());
        }
        let len = payload.len() as u32;
        let mut crc = crc32fast::Hasher::new();
        crc.update(&len.to_le_bytes());
        crc.update(&seq.to_le_bytes());
        crc.update(payload);
        st.buf.extend_from_slice(&len.to_le_bytes());
        st.buf.extend_from_slice(&crc.finalize().to_le_bytes());
        st.buf.extend_from_slice(&seq.to_le_bytes());
        st.buf.extend_from_slice(payload);
        let idx = st.current.unwrap_or(0);
        let at = st.segments[idx].offset + st.pos;
        if let Err(e) = self.file.write_at(at, &st.buf) {
            let err = Error::Io {
                context: "appending to the log",
                source: e,
            };
            self.set_poison(&err);
            return Err(err);
        }
        st.pos += st.buf.len() as u64;
        st.segments[idx].last_seq = seq;
        st.next_seq += 1;
        st.bytes_since_checkpoint += st.buf.len() as u64;
        self.written.store(seq, Ordering::Release);
        Ok(seq)
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
            let err = Error::Io {
                context: "growing the log",
                source: e,
            };
            self.set_poison(&err);
            return Err(err);
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
    /// each one covers what was written before it started, so `durable` only moves up.
    pub(crate) fn wait_durable(&self, seq: u64) -> Result<()> {
        loop {
            let target = {
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
                target
            };
            self.complete_sync(target, self.file.sync_data());
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
            ticket.lead = Some((target, pending));
        }
        ticket
    }

    /// Returns once record `seq` is durable: reaps the sync this ticket leads, or waits
    /// for (or runs) another.
    pub(crate) fn end_sync(&self, mut ticket: SyncTicket<'_>, seq: u64) -> Result<()> {
        if let Some((target, pending)) = ticket.lead.take() {
            self.complete_sync(target, uring::finish(pending));
        }
        self.wait_durable(seq)
    }

    /// Records the outcome of a sync that covered every record up to `target`.
    fn complete_sync(&self, target: u64, result: std::io::Result<()>) {
        self.syncs.fetch_add(1, Ordering::Relaxed);
        let mut s = self.sync.lock();
        match result {
            Ok(()) => s.durable = s.durable.max(target),
            Err(e) => self.set_poison(&Error::Io {
                context: "syncing the log",
                source: e,
            }),
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

    fn check_poison(&self) -> Result<()> {
        match &*self.poison.lock() {
            Some(msg) => Err(Error::Poisoned(msg.clone())),
            None => Ok(()),
        }
    }

    pub(crate) fn set_poison(&self, err: &Error) {
        let mut p = self.poison.lock();
        if p.is_none() {
            *p = Some(err.to_string());
        }
    }
}

struct Scanned {
    first_seq: u64,
    last_seq: u64,
}

/// Walks the frames of one segment image while they are intact and consecutive.
/// `None` when the segment header is not valid.
fn scan_segment(
    buf: &[u8],
    mut f: impl FnMut(u64, &[u8]) -> Result<()>,
) -> Result<Option<Scanned>> {
    if buf.len() < SEGMENT_HEADER {
        return Ok(None);
    }
    let magic = u32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]);
    let hcrc = u32::from_le_bytes([buf[4], buf[5], buf[6], buf[7]]);
    let first_seq = u64_at(buf, 8);
    if magic != MAGIC || first_seq == 0 || crc32fast::hash(&buf[8..16]) != hcrc {
        return Ok(None);
    }
    let mut pos = SEGMENT_HEADER;
    let mut expect = first_seq;
    while pos + FRAME_HEADER <= buf.len() {
        let len = u32::from_le_bytes([buf[pos], buf[pos + 1], buf[pos + 2], buf[pos + 3]]);
        let crc = u32::from_le_bytes([buf[pos + 4], buf[pos + 5], buf[pos + 6], buf[pos + 7]]);
        let seq = u64_at(buf, pos + 8);
        let end = pos + FRAME_HEADER + len as usize;
        if seq != expect || end > buf.len() {
            break;
        }
        let payload = &buf[pos + FRAME_HEADER..end];
        let mut h = crc32fast::Hasher::new();
        h.update(&len.to_le_bytes());
        h.update(&seq.to_le_bytes());
        h.update(payload);
        if h.finalize() != crc {
            break;
        }
        f(seq, payload)?;
        expect += 1;
        pos = end;
    }
    Ok(Some(Scanned {
        first_seq,
        last_seq: expect - 1,
    }))
}

fn u64_at(buf: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&buf[at..at + 8]);
    u64::from_le_bytes(a)
}
