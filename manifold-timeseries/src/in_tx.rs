//! Reading and writing series inside a transaction the caller owns, so that points
//! commit or roll back together with the caller's other tables of the same column
//! family.
//!
//! The invariants are those of the store's own transactions: the same checks on write
//! (out-of-order window, retention horizon, value type), rollups kept equal to the raw
//! points, and reads that see the transaction's own writes.

use crate::error::{Error, Result};
use crate::points::{Points, read_raw};
use crate::retention::delete_in;
use crate::series::{self, MetaSource, check_kind, load_meta};
use crate::store::{TimeSeries, clamp_range};
use crate::tables::{CHUNKS, ChunkSource, META, NAMES, SeriesMeta};
use crate::value::SeriesValue;
use crate::write::write_series;
use manifold::{ReadTransaction, WriteTransaction};
use std::collections::{BTreeMap, HashMap};
use std::ops::RangeBounds;

/// A transaction of the store's column family to read in: a read snapshot or a
/// write transaction (whose own writes are seen).
#[derive(Clone, Copy)]
pub enum TxRef<'a> {
    /// A read snapshot.
    Read(&'a ReadTransaction),
    /// A write transaction.
    Write(&'a WriteTransaction),
}

impl<'a> From<&'a ReadTransaction> for TxRef<'a> {
    fn from(tx: &'a ReadTransaction) -> Self {
        TxRef::Read(tx)
    }
}

impl<'a> From<&'a WriteTransaction> for TxRef<'a> {
    fn from(tx: &'a WriteTransaction) -> Self {
        TxRef::Write(tx)
    }
}

impl TimeSeries {
    /// Writes points of series given by name inside `tx`, creating the missing series
    /// (holding `V`); nothing is stored until the caller commits `tx`, and nothing at
    /// all if it rolls back. The checks of [`TimeSeries::write`] apply; on an error the
    /// caller must not commit (the transaction may hold part of the batch).
    ///
    /// `tx` must be a transaction of the column family the store was opened in.
    pub fn append_named_in<V: SeriesValue>(
        &self,
        tx: &WriteTransaction,
        points: &[(&str, i64, V)],
    ) -> Result<()> {
        if points.is_empty() {
            return Ok(());
        }
        let mut names = tx.open_table(NAMES)?;
        let mut metas = tx.open_table(META)?;
        let size = V::kind().0.size();
        let mut by_series: BTreeMap<u32, (SeriesMeta, Points)> = BTreeMap::new();
        let mut ids: HashMap<&str, u32> = HashMap::new();
        let mut buf = Vec::with_capacity(size);
        for (name, ts, v) in points {
            let id = match ids.get(name) {
                Some(id) => *id,
                None => {
                    let (id, meta, _) = series::intern::<V>(&mut names, &mut metas, name)?;
                    by_series.insert(id, (meta, Points::new(size)));
                    ids.insert(name, id);
                    id
                }
            };
            buf.clear();
            v.encode_to(&mut buf);
            if let Some((_, pts)) = by_series.get_mut(&id) {
                pts.push(*ts, &buf);
            }
        }
        drop(names);
        drop(metas);
        for (id, (meta, pts)) in by_series {
            write_series(tx, &self.config, id, &meta, pts)?;
        }
        Ok(())
    }

    /// Removes the points of series `name` (holding `V`) with timestamps in `range`
    /// inside `tx`, keeping the rollups in step as [`TimeSeries::delete_range`] does.
    /// Returns how many points were removed (0 for a series that does not exist).
    pub fn delete_range_in<V: SeriesValue>(
        &self,
        tx: &WriteTransaction,
        name: &str,
        range: impl RangeBounds<i64>,
    ) -> Result<u64> {
        let (start, end) = clamp_range(range);
        if start >= end {
            return Ok(0);
        }
        let Some(id) = tx.open_table(NAMES)?.get(name)? else {
            return Ok(0);
        };
        let meta = checked_meta::<V>(&tx.open_table(META)?, id, name)?;
        delete_in(tx, &self.config, id, &meta, start, end)
    }

    /// Raw points of series `name` (holding `V`) with timestamps in `range`, in time
    /// order, as `tx` sees them; empty for a series that does not exist.
    pub fn range_in<V: SeriesValue>(
        &self,
        tx: TxRef<'_>,
        name: &str,
        range: impl RangeBounds<i64>,
    ) -> Result<Vec<(i64, V)>> {
        let (start, end) = clamp_range(range);
        let size = V::kind().0.size();
        let mut pts = Points::new(size);
        match tx {
            TxRef::Read(tx) => {
                let Some(id) = tx.open_table(NAMES)?.get(name)? else {
                    return Ok(Vec::new());
                };
                read_checked::<V>(
                    &tx.open_table(META)?,
                    &tx.open_table(CHUNKS)?,
                    id,
                    name,
                    (start, end),
                    &mut pts,
                )?;
            }
            TxRef::Write(tx) => {
                let Some(id) = tx.open_table(NAMES)?.get(name)? else {
                    return Ok(Vec::new());
                };
                read_checked::<V>(
                    &tx.open_table(META)?,
                    &tx.open_table(CHUNKS)?,
                    id,
                    name,
                    (start, end),
                    &mut pts,
                )?;
            }
        }
        Ok((0..pts.len())
            .map(|i| (pts.ts[i], V::decode_from(pts.value(i))))
            .collect())
    }

    /// Names of the series that start with `prefix`, sorted, as `tx` sees them.
    pub fn series_names_in(&self, tx: TxRef<'_>, prefix: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let mut keep = |name: String| {
            if name.starts_with(prefix) {
                out.push(name);
                true
            } else {
                false
            }
        };
        match tx {
            TxRef::Read(tx) => {
                for e in tx.open_table(NAMES)?.range(prefix..)? {
                    if !keep(e?.0) {
                        break;
                    }
                }
            }
            TxRef::Write(tx) => {
                for e in tx.open_table(NAMES)?.range(prefix..)? {
                    if !keep(e?.0) {
                        break;
                    }
                }
            }
        }
        Ok(out)
    }
}

/// The metadata of series `id` (called `name`), checked to hold `V`.
fn checked_meta<V: SeriesValue>(
    metas: &impl MetaSource,
    id: u32,
    name: &str,
) -> Result<SeriesMeta> {
    let meta = load_meta(metas, id)?;
    check_kind(name, &meta.kind, &V::kind().0)?;
    Ok(meta)
}

/// Appends the points of series `id` in `[start, end)` to `out`, after checking that
/// the series holds `V`.
fn read_checked<V: SeriesValue>(
    metas: &impl MetaSource,
    chunks: &impl ChunkSource,
    id: u32,
    name: &str,
    (start, end): (i64, i64),
    out: &mut Points,
) -> Result<()> {
    let meta = checked_meta::<V>(metas, id, name)?;
    if meta.kind.size() != out.size {
        return Err(Error::Corrupted {
            what: "series metadata",
            series: id,
            detail: "value size disagrees with the value type",
        });
    }
    read_raw(chunks, id, start, end, out)
}
