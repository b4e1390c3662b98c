//! The write path: merging points into chunks, and keeping rollups in step.
//!
//! Per series and batch: sort the points (last write wins on equal timestamps), check
//! them against the out-of-order window and the retention horizon, then for each chunk
//! the points fall into, decode it, merge, split into chunks of at most `max_points`,
//! and store them. Rollup buckets that only gained points are updated incrementally;
//! a bucket in which a point was overwritten is recomputed from the raw points.

use crate::aggregate::{Aggregate, Granularity, bucket_start};
use crate::codec::{self, ChunkHeader};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::points::{Points, corrupt, merge, read_raw, series_bounds};
use crate::tables::{CHUNKS, ChunkKey, MAX_TS, MIN_TS, SeriesMeta, rollup_table};
use crate::value::{ValueKind, f64_at};
use manifold::{TableMut, WriteTransaction};
use std::collections::BTreeSet;
use std::ops::Bound;

/// Writes one series' points in `tx`.
pub(crate) fn write_series(
    tx: &WriteTransaction,
    config: &Config,
    id: u32,
    meta: &SeriesMeta,
    mut points: Points,
) -> Result<()> {
    if points.is_empty() {
        return Ok(());
    }
    points.sort_dedup_last_wins();
    let mut chunks = tx.open_table(CHUNKS)?;
    check_times(&chunks, config, id, meta, &points)?;
    let max = config.max_points(meta.kind.size());
    let mut overwritten = Vec::new();
    let mut i = 0;
    while i < points.len() {
        let t = points.ts[i];
        let (lo, _) = series_bounds(id);
        let existing = chunks
            .chunk_before(&lo, &(id, t))?
            .map(|(start, bytes)| (start, bytes.to_vec()));
        let next_start = chunks.next_start(id, t)?;
        let end = next_start.map_or(points.len(), |n| points.lower_bound(n));
        let mut group = Points::new(points.size);
        group.extend_from(&points, i..end);
        let merged = match existing {
            Some((start, bytes)) => {
                let mut old = Points::new(points.size);
                codec::decode_into(&bytes, &mut old.ts, &mut old.values).map_err(corrupt(id))?;
                chunks.remove(&(id, start))?;
                merge(&old, &group, &mut overwritten)
            }
            None => group,
        };
        store_split(
            &mut chunks,
            id,
            &merged,
            max,
            &meta.kind,
            next_start.is_none(),
        )?;
        i = end;
    }
    if meta.kind == ValueKind::F64 {
        for g in Granularity::ALL {
            update_rollup(tx, &chunks, config.width(g), g, id, &points, &overwritten)?;
        }
    }
    Ok(())
}

/// Refuses timestamps out of range, before the horizon, or older than the window.
fn check_times(
    chunks: &TableMut<'_, ChunkKey, [u8]>,
    config: &Config,
    id: u32,
    meta: &SeriesMeta,
    points: &Points,
) -> Result<()> {
    for &t in [points.ts[0], points.ts[points.len() - 1]].iter() {
        if !(MIN_TS..=MAX_TS).contains(&t) {
            return Err(Error::TimestampOutOfRange(t));
        }
    }
    let mut oldest = meta.horizon;
    if let Some(window) = config.out_of_order_window
        && let Some(h) = last_header(chunks, id)?
    {
        oldest = oldest.max(h.last.saturating_sub(window));
    }
    if points.ts[0] < oldest {
        return Err(Error::TooOld {
            series: id,
            timestamp: points.ts[0],
            oldest_accepted: oldest,
        });
    }
    Ok(())
}

/// The header of the series' last chunk.
pub(crate) fn last_header(
    chunks: &impl crate::tables::ChunkSource,
    id: u32,
) -> Result<Option<ChunkHeader>> {
    let (lo, hi) = series_bounds(id);
    match chunks
        .chunk_range(Bound::Included(&lo), Bound::Included(&hi))?
        .raw()
        .next_back()
    {
        Some(e) => Ok(Some(codec::header(e?.value_bytes()).map_err(corrupt(id))?)),
        None => Ok(None),
    }
}

/// Lookups the write path needs on the chunk table.
trait ChunkLookup {
    fn chunk_before(&self, lo: &ChunkKey, at: &ChunkKey) -> Result<Option<(i64, Vec<u8>)>>;
    fn next_start(&self, id: u32, t: i64) -> Result<Option<i64>>;
}

impl ChunkLookup for TableMut<'_, ChunkKey, [u8]> {
    /// The last chunk starting at or before `at`.
    fn chunk_before(&self, lo: &ChunkKey, at: &ChunkKey) -> Result<Option<(i64, Vec<u8>)>> {
        match self.range(lo..=at)?.next_back() {
            Some(e) => {
                let ((_, start), bytes) = e?;
                Ok(Some((start, bytes)))
            }
            None => Ok(None),
        }
    }

    /// Start of the first chunk after `t`.
    fn next_start(&self, id: u32, t: i64) -> Result<Option<i64>> {
        let (at, hi) = ((id, t), (id, i64::MAX));
        match self
            .range((Bound::Excluded(&at), Bound::Included(&hi)))?
            .raw()
            .next()
        {
            Some(e) => {
                let key: ChunkKey = manifold::decode_key::<ChunkKey>(e?.key_bytes())
                    .map_err(manifold::Error::from)?;
                Ok(Some(key.1))
            }
            None => Ok(None),
        }
    }
}

/// Stores `merged` as chunks of at most `max` points. The series' last chunk is split
/// into full chunks and a remainder (appends fill it up later); a chunk in the middle is
/// split evenly.
pub(crate) fn store_split(
    chunks: &mut TableMut<'_, ChunkKey, [u8]>,
    id: u32,
    merged: &Points,
    max: usize,
    kind: &ValueKind,
    is_last: bool,
) -> Result<()> {
    let n = merged.len();
    let pieces = n.div_ceil(max);
    let mut start = 0;
    for p in 0..pieces {
        let len = if is_last {
            max.min(n - start)
        } else {
            n / pieces + usize::from(p < n % pieces)
        };
        let (ts, vals) = (
            &merged.ts[start..start + len],
            &merged.values[start * merged.size..(start + len) * merged.size],
        );
        let bytes = codec::encode(ts, vals, merged.size, kind.lanes());
        chunks.insert(&(id, ts[0]), &bytes)?;
        start += len;
    }
    Ok(())
}

/// Brings the rollups of level `g` up to date with a batch of `points` (sorted, unique).
fn update_rollup(
    tx: &WriteTransaction,
    chunks: &TableMut<'_, ChunkKey, [u8]>,
    width: i64,
    g: Granularity,
    id: u32,
    points: &Points,
    overwritten: &[i64],
) -> Result<()> {
    let dirty: BTreeSet<i64> = overwritten
        .iter()
        .map(|&t| bucket_start(t, 0, width))
        .collect();
    let mut table = tx.open_table(rollup_table(g))?;
    // Buckets after the series' last stored one are new: no need to look them up.
    let (lo, hi) = series_bounds(id);
    let last_stored = match table.range(&lo..=&hi)?.next_back() {
        Some(e) => e?.0.1,
        None => i64::MIN,
    };
    let mut i = 0;
    while i < points.len() {
        let b = bucket_start(points.ts[i], 0, width);
        let end = points.lower_bound(b + width);
        if !dirty.contains(&b) {
            let mut agg = Aggregate::of(points.ts[i], f64_at(&points.values, i));
            for k in i + 1..end {
                agg.add(points.ts[k], f64_at(&points.values, k));
            }
            if b <= last_stored
                && let Some(old) = table.get(&(id, b))?
            {
                let mut old = Aggregate::decode(&old);
                old.merge(&agg);
                agg = old;
            }
            table.insert(&(id, b), &agg.encode())?;
        }
        i = end;
    }
    for &b in &dirty {
        match recompute(chunks, id, b, width)? {
            Some(agg) => table.insert(&(id, b), &agg.encode())?,
            None => {
                table.remove(&(id, b))?;
            }
        }
    }
    Ok(())
}

/// The aggregate of the raw points in `[b, b + width)`, if there are any.
pub(crate) fn recompute(
    chunks: &impl crate::tables::ChunkSource,
    id: u32,
    b: i64,
    width: i64,
) -> Result<Option<Aggregate>> {
    let mut raw = Points::new(8);
    read_raw(chunks, id, b, b + width, &mut raw)?;
    Ok(fold(&raw))
}

/// The aggregate of f64 points, in time order.
pub(crate) fn fold(points: &Points) -> Option<Aggregate> {
    let mut agg = Aggregate::of(*points.ts.first()?, f64_at(&points.values, 0));
    for k in 1..points.len() {
        agg.add(points.ts[k], f64_at(&points.values, k));
    }
    Some(agg)
}
