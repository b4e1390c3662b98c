//! Deleting data: range deletion, retention by policy, and a background retention task.

use crate::aggregate::{Granularity, bucket_start};
use crate::codec;
use crate::config::Config;
use crate::error::Result;
use crate::points::{Points, corrupt};
use crate::series::{Series, load_checked, load_meta};
use crate::store::{TimeSeries, clamp_range};
use crate::tables::{CHUNKS, ChunkKey, MAX_TS, META, MIN_TS, SeriesMeta, rollup_table};
use crate::value::{SeriesValue, ValueKind};
use crate::write::{recompute, store_split};
use manifold::{TableMut, WriteTransaction};
use parking_lot::{Condvar, Mutex};
use std::ops::{Bound, RangeBounds};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// What one retention pass removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RetentionReport {
    /// Series visited.
    pub series: u64,
    /// Raw points removed.
    pub points: u64,
    /// Rollup buckets removed, all levels together.
    pub buckets: u64,
}

impl TimeSeries {
    /// Removes the raw points of `series` with timestamps in `range`, and keeps the
    /// rollups in step: buckets inside the range are removed, buckets cut by its ends
    /// are recomputed from the raw points that remain (buckets older than the
    /// retention horizon, whose raw points are gone, are left as they are). Returns how
    /// many raw points were removed.
    pub fn delete_range<V: SeriesValue>(
        &self,
        series: &Series<V>,
        range: impl RangeBounds<i64>,
    ) -> Result<u64> {
        let (start, end) = clamp_range(range);
        if start >= end {
            return Ok(0);
        }
        let tx = self.cf.begin_write()?;
        let meta = load_checked(&tx.open_table(META)?, series)?;
        let removed = delete_in(&tx, &self.config, series.id, &meta, start, end)?;
        tx.commit()?;
        Ok(removed)
    }

    /// Applies the retention policy as of time `now` (in timestamp units) to every
    /// series, in one transaction. Each level keeps data newer than `now` minus its
    /// duration, rounded down to a whole day; raw points older than that can no longer
    /// be written.
    pub fn apply_retention(&self, now: i64) -> Result<RetentionReport> {
        let policy = self.config.retention;
        let day = self.config.width(Granularity::Day);
        let horizon =
            |keep: i64| bucket_start(now.saturating_sub(keep).clamp(MIN_TS, MAX_TS), 0, day);
        let tx = self.cf.begin_write()?;
        let mut report = RetentionReport::default();
        {
            let mut metas = tx.open_table(META)?;
            let mut chunks = tx.open_table(CHUNKS)?;
            let mut ids = Vec::new();
            for e in metas.iter()? {
                ids.push(e?.0);
            }
            for id in ids {
                report.series += 1;
                let mut meta = load_meta(&metas, id)?;
                if let Some(keep) = policy.raw {
                    let h = horizon(keep);
                    if h > meta.horizon {
                        report.points += cut_raw(&mut chunks, &self.config, id, &meta, MIN_TS, h)?;
                        meta.horizon = h;
                        metas.insert(&id, &meta.encode())?;
                    }
                }
                for g in Granularity::ALL {
                    if let Some(keep) = policy.rollup(g) {
                        let (lo, hi) = ((id, i64::MIN), (id, horizon(keep)));
                        report.buckets += tx.open_table(rollup_table(g))?.remove_range(&lo..&hi)?;
                    }
                }
            }
        }
        tx.commit()?;
        Ok(report)
    }

    /// Starts a thread that applies the retention policy every `every`, with `now`
    /// taken from the system clock in the store's time unit.
    pub fn spawn_retention(&self, every: Duration) -> Result<RetentionTask> {
        let per_second = self.config.unit.per_second();
        self.spawn_retention_with_clock(every, move || {
            let since = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            let nanos = i64::try_from(since.as_nanos()).unwrap_or(i64::MAX);
            nanos / (1_000_000_000 / per_second)
        })
    }

    /// Like [`TimeSeries::spawn_retention`], with `now` taken from `clock`.
    pub fn spawn_retention_with_clock(
        &self,
        every: Duration,
        clock: impl Fn() -> i64 + Send + 'static,
    ) -> Result<RetentionTask> {
        let shared = Arc::new(TaskShared::default());
        let (store, state) = (self.clone(), shared.clone());
        let thread = std::thread::Builder::new()
            .name("timeseries-retention".into())
            .spawn(move || {
                loop {
                    {
                        let mut s = state.status.lock();
                        if !s.stop {
                            state.wake.wait_for(&mut s, every);
                        }
                        if s.stop {
                            return;
                        }
                    }
                    let outcome = store.apply_retention(clock());
                    let mut s = state.status.lock();
                    s.runs += 1;
                    match outcome {
                        Ok(r) => s.last = Ok(r),
                        Err(e) => s.last = Err(e.to_string()),
                    }
                }
            })
            .map_err(|e| crate::Error::Config(format!("cannot spawn the retention thread: {e}")))?;
        Ok(RetentionTask {
            shared,
            thread: Some(thread),
        })
    }
}

#[derive(Default)]
struct TaskShared {
    status: Mutex<Status>,
    wake: Condvar,
}

struct Status {
    stop: bool,
    runs: u64,
    last: std::result::Result<RetentionReport, String>,
}

impl Default for Status {
    fn default() -> Self {
        Status {
            stop: false,
            runs: 0,
            last: Ok(RetentionReport::default()),
        }
    }
}

/// A background thread applying retention periodically. Dropping it stops the thread.
pub struct RetentionTask {
    shared: Arc<TaskShared>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for RetentionTask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RetentionTask")
            .field("runs", &self.runs())
            .finish()
    }
}

impl RetentionTask {
    /// Passes completed so far.
    pub fn runs(&self) -> u64 {
        self.shared.status.lock().runs
    }

    /// The outcome of the last pass (an error as text: the thread keeps running).
    pub fn last_outcome(&self) -> std::result::Result<RetentionReport, String> {
        self.shared.status.lock().last.clone()
    }

    /// Stops the thread and waits for it.
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        self.shared.status.lock().stop = true;
        self.shared.wake.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for RetentionTask {
    fn drop(&mut self) {
        self.halt();
    }
}

/// Removes the raw points of series `id` in `[start, end)` in `tx` and keeps its
/// rollups in step; returns how many points were removed.
pub(crate) fn delete_in(
    tx: &WriteTransaction,
    config: &Config,
    id: u32,
    meta: &SeriesMeta,
    start: i64,
    end: i64,
) -> Result<u64> {
    let mut chunks = tx.open_table(CHUNKS)?;
    let removed = cut_raw(&mut chunks, config, id, meta, start, end)?;
    if meta.kind == ValueKind::F64 {
        for g in Granularity::ALL {
            fix_rollups(tx, &chunks, config, g, id, meta, start, end)?;
        }
    }
    Ok(removed)
}

/// Removes raw points in `[start, end)`; returns how many.
fn cut_raw(
    chunks: &mut TableMut<'_, ChunkKey, [u8]>,
    config: &Config,
    id: u32,
    meta: &SeriesMeta,
    start: i64,
    end: i64,
) -> Result<u64> {
    let (lo, at, hi) = ((id, i64::MIN), (id, start), (id, end));
    let mut touched: Vec<(i64, Vec<u8>)> = Vec::new();
    if let Some(e) = chunks.range(&lo..=&at)?.next_back() {
        let ((_, s), bytes) = e?;
        touched.push((s, bytes));
    }
    for e in chunks.range((Bound::Excluded(&at), Bound::Excluded(&hi)))? {
        let ((_, s), bytes) = e?;
        touched.push((s, bytes));
    }
    let mut removed = 0;
    let max = config.max_points(meta.kind.size());
    for (s, bytes) in touched {
        let h = codec::header(&bytes).map_err(corrupt(id))?;
        if h.last < start {
            continue;
        }
        chunks.remove(&(id, s))?;
        if h.first >= start && h.last < end {
            removed += h.count as u64;
            continue;
        }
        let mut pts = Points::new(h.value_size);
        codec::decode_into(&bytes, &mut pts.ts, &mut pts.values).map_err(corrupt(id))?;
        let (a, b) = (pts.lower_bound(start), pts.lower_bound(end));
        removed += (b - a) as u64;
        let mut keep = Points::new(h.value_size);
        keep.extend_from(&pts, 0..a);
        keep.extend_from(&pts, b..pts.len());
        if !keep.is_empty() {
            store_split(chunks, id, &keep, max, &meta.kind, false)?;
        }
    }
    Ok(removed)
}

/// After raw points in `[start, end)` were removed: drops the rollup buckets of level
/// `g` inside the range and recomputes the ones cut by its ends.
#[allow(clippy::too_many_arguments)]
fn fix_rollups(
    tx: &WriteTransaction,
    chunks: &TableMut<'_, ChunkKey, [u8]>,
    config: &Config,
    g: Granularity,
    id: u32,
    meta: &SeriesMeta,
    start: i64,
    end: i64,
) -> Result<()> {
    let w = config.width(g);
    let first = bucket_start(start, 0, w);
    let last = bucket_start(end - 1, 0, w);
    let inner_lo = if first == start { first } else { first + w };
    let inner_hi = if last + w == end { end } else { last };
    let mut table = tx.open_table(rollup_table(g))?;
    if inner_lo < inner_hi {
        table.remove_range(&(id, inner_lo)..&(id, inner_hi))?;
    }
    for b in [first, last] {
        let partial = b < start || b + w > end;
        if partial && b >= meta.horizon {
            match recompute(chunks, id, b, w)? {
                Some(agg) => table.insert(&(id, b), &agg.encode())?,
                None => {
                    table.remove(&(id, b))?;
                }
            }
        }
    }
    Ok(())
}
