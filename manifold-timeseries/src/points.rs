//! Columnar runs of points, and reading them back from chunks.

use crate::codec::{self, BadChunk};
use crate::error::{Error, Result};
use crate::tables::{ChunkKey, ChunkSource};
use std::ops::Bound;

/// Points of one series: timestamps and the value bytes, `size` bytes per point.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Points {
    pub(crate) ts: Vec<i64>,
    pub(crate) values: Vec<u8>,
    pub(crate) size: usize,
}

impl Points {
    pub(crate) fn new(size: usize) -> Self {
        Points {
            ts: Vec::new(),
            values: Vec::new(),
            size,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.ts.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ts.is_empty()
    }

    pub(crate) fn value(&self, i: usize) -> &[u8] {
        &self.values[i * self.size..(i + 1) * self.size]
    }

    pub(crate) fn push(&mut self, ts: i64, value: &[u8]) {
        self.ts.push(ts);
        self.values.extend_from_slice(value);
    }

    /// Appends points `range` of `other`.
    pub(crate) fn extend_from(&mut self, other: &Points, range: std::ops::Range<usize>) {
        self.ts.extend_from_slice(&other.ts[range.clone()]);
        self.values
            .extend_from_slice(&other.values[range.start * self.size..range.end * self.size]);
    }

    pub(crate) fn clear(&mut self) {
        self.ts.clear();
        self.values.clear();
    }

    /// Sorts by time; of points with equal timestamps the last pushed wins.
    pub(crate) fn sort_dedup_last_wins(&mut self) {
        if self.ts.windows(2).all(|w| w[0] < w[1]) {
            return;
        }
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.sort_by_key(|&i| self.ts[i]); // stable: pushes keep their order
        let mut out = Points::new(self.size);
        for (k, &i) in order.iter().enumerate() {
            let superseded = order.get(k + 1).is_some_and(|&j| self.ts[j] == self.ts[i]);
            if !superseded {
                out.push(self.ts[i], self.value(i));
            }
        }
        *self = out;
    }

    /// Index of the first point at or after `t`.
    pub(crate) fn lower_bound(&self, t: i64) -> usize {
        self.ts.partition_point(|&x| x < t)
    }
}

/// Merges `new` into `old` (both sorted, unique); on equal timestamps `new` wins and the
/// timestamp is reported in `overwritten`.
pub(crate) fn merge(old: &Points, new: &Points, overwritten: &mut Vec<i64>) -> Points {
    let mut out = Points::new(old.size);
    out.ts.reserve(old.len() + new.len());
    out.values.reserve(old.values.len() + new.values.len());
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        let take_new = match (old.ts.get(i), new.ts.get(j)) {
            (Some(a), Some(b)) if a == b => {
                overwritten.push(*a);
                i += 1;
                true
            }
            (Some(a), Some(b)) => b < a,
            (None, _) => true,
            (Some(_), None) => false,
        };
        if take_new {
            // Runs of new points before the next old one go in one copy.
            let end = match old.ts.get(i) {
                Some(&a) => j + new.ts[j..].partition_point(|&b| b < a).max(1),
                None => new.len(),
            };
            out.extend_from(new, j..end);
            j = end;
        } else {
            let end = match new.ts.get(j) {
                Some(&b) => i + old.ts[i..].partition_point(|&a| a < b).max(1),
                None => old.len(),
            };
            out.extend_from(old, i..end);
            i = end;
        }
    }
    out
}

/// Maps a codec error to a storage corruption error of `series`.
pub(crate) fn corrupt(series: u32) -> impl Fn(BadChunk) -> Error {
    move |e| Error::Corrupted {
        what: "chunk",
        series,
        detail: e.0,
    }
}

/// Appends the points of `series` with `start <= ts < end` to `out`. Decodes only the
/// chunks that overlap the range.
pub(crate) fn read_raw(
    table: &impl ChunkSource,
    series: u32,
    start: i64,
    end: i64,
    out: &mut Points,
) -> Result<()> {
    if start >= end {
        return Ok(());
    }
    let mut scratch = Points::new(out.size);
    let mut visit = |bytes: &[u8]| -> Result<()> {
        scratch.clear();
        let h = codec::decode_into(bytes, &mut scratch.ts, &mut scratch.values)
            .map_err(corrupt(series))?;
        if h.value_size != out.size {
            return Err(Error::Corrupted {
                what: "chunk",
                series,
                detail: "value size disagrees with the series",
            });
        }
        let (a, b) = (scratch.lower_bound(start), scratch.lower_bound(end));
        out.extend_from(&scratch, a..b);
        Ok(())
    };
    // The chunk that may hold `start`, then every chunk starting inside the range.
    let lo = (series, i64::MIN);
    let at = (series, start);
    if let Some(entry) = table
        .chunk_range(Bound::Included(&lo), Bound::Included(&at))?
        .raw()
        .next_back()
    {
        visit(entry?.value_bytes())?;
    }
    let hi = (series, end);
    for entry in table
        .chunk_range(Bound::Excluded(&at), Bound::Excluded(&hi))?
        .raw()
    {
        visit(entry?.value_bytes())?;
    }
    Ok(())
}

/// The chunk key range of one series.
pub(crate) fn series_bounds(series: u32) -> (ChunkKey, ChunkKey) {
    ((series, i64::MIN), (series, i64::MAX))
}
