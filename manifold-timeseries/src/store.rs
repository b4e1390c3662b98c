//! The store: opening, writing batches, and reading series back.

use crate::aggregate::{Aggregate, Granularity, bucket_start};
use crate::codec;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::points::{Points, corrupt, read_raw, series_bounds};
use crate::series::{self, Series, load_checked};
use crate::tables::{CHUNKS, MAX_TS, META, MIN_TS, NAMES, SETTINGS, rollup_table};
use crate::value::SeriesValue;
use crate::write::{fold, write_series};
use manifold::{ColumnFamily, Database, Durability};
use std::collections::BTreeMap;
use std::ops::{Bound, RangeBounds};
use std::sync::Arc;

/// A time-series store in one column family of a manifold database.
///
/// Cheap to clone (clones share the family). Every write is one transaction.
#[derive(Debug, Clone)]
pub struct TimeSeries {
    pub(crate) cf: ColumnFamily,
    pub(crate) config: Arc<Config>,
}

/// Points of many series, written together in one transaction by
/// [`TimeSeries::write`].
#[derive(Debug, Default)]
pub struct WriteBatch {
    series: BTreeMap<u32, Points>,
    kinds: BTreeMap<u32, crate::value::ValueKindTag>,
    points: usize,
}

impl WriteBatch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one point. Of points with equal timestamps in a series, the last one wins.
    pub fn push<V: SeriesValue>(&mut self, series: &Series<V>, ts: i64, value: &V) {
        let tag = V::kind();
        let size = tag.0.size();
        let pts = self
            .series
            .entry(series.id)
            .or_insert_with(|| Points::new(size));
        self.kinds.entry(series.id).or_insert(tag);
        pts.ts.push(ts);
        value.encode_to(&mut pts.values);
        self.points += 1;
    }

    /// Adds many points of one series.
    pub fn extend<V: SeriesValue>(&mut self, series: &Series<V>, points: &[(i64, V)]) {
        for (ts, v) in points {
            self.push(series, *ts, v);
        }
    }

    /// Number of points added.
    pub fn len(&self) -> usize {
        self.points
    }

    /// Whether no point was added.
    pub fn is_empty(&self) -> bool {
        self.points == 0
    }
}

/// Storage figures of one series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SeriesStats {
    /// Raw points stored.
    pub points: u64,
    /// Chunks holding them.
    pub chunks: u64,
    /// Bytes of the chunks (values) and their keys, as handed to the storage engine.
    pub bytes: u64,
}

const UNIT_KEY: &str = "unit";

/// `[start, end)` of a range of timestamps, clamped to the supported range.
pub(crate) fn clamp_range(range: impl RangeBounds<i64>) -> (i64, i64) {
    let start = match range.start_bound() {
        Bound::Included(&s) => s,
        Bound::Excluded(&s) => s.saturating_add(1),
        Bound::Unbounded => MIN_TS,
    };
    let end = match range.end_bound() {
        Bound::Included(&e) => e.saturating_add(1),
        Bound::Excluded(&e) => e,
        Bound::Unbounded => MAX_TS.saturating_add(1),
    };
    (start.max(MIN_TS), end.min(MAX_TS + 1))
}

impl TimeSeries {
    /// Opens (creating if needed) the store in column family `family` of `db`.
    pub fn open(db: &Database, family: &str, config: Config) -> Result<Self> {
        Self::open_in(db.column_family_or_create(family)?, config)
    }

    /// Opens the store in an existing column family handle.
    pub fn open_in(cf: ColumnFamily, config: Config) -> Result<Self> {
        config.validate()?;
        let unit = [config.unit.code()];
        let stored = cf.begin_read()?.open_table(SETTINGS)?.get(UNIT_KEY)?;
        match stored {
            Some(u) if u != unit => {
                return Err(Error::Config(format!(
                    "the store was created with time unit code {u:?}, not {:?}",
                    config.unit
                )));
            }
            Some(_) => {}
            None => {
                let tx = cf.begin_write()?;
                tx.open_table(SETTINGS)?.insert(UNIT_KEY, &unit)?;
                tx.commit()?;
            }
        }
        Ok(TimeSeries {
            cf,
            config: Arc::new(config),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The series called `name` holding `V`, created if missing. Fails if it exists
    /// with another value type.
    pub fn series<V: SeriesValue>(&self, name: &str) -> Result<Series<V>> {
        series::get_or_create(&self.cf, name)
    }

    /// The series called `name` holding `V`, if it exists.
    pub fn find_series<V: SeriesValue>(&self, name: &str) -> Result<Option<Series<V>>> {
        series::find(&self.cf, name)
    }

    /// Names of every series, sorted.
    pub fn series_names(&self) -> Result<Vec<String>> {
        let rtx = self.cf.begin_read()?;
        let names = rtx.open_table(NAMES)?;
        let mut out = Vec::new();
        for e in names.iter()? {
            out.push(e?.0);
        }
        Ok(out)
    }

    /// Writes the points of one series (one transaction).
    pub fn append<V: SeriesValue>(&self, series: &Series<V>, points: &[(i64, V)]) -> Result<()> {
        let mut batch = WriteBatch::new();
        batch.extend(series, points);
        self.write(batch)
    }

    /// Writes a batch of points of many series in one transaction: all or nothing.
    ///
    /// A point is refused ([`Error::TooOld`]) if it is older than the series' latest
    /// point minus the out-of-order window, or older than the retention horizon.
    pub fn write(&self, batch: WriteBatch) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let tx = self.cf.begin_write()?;
        {
            let metas = tx.open_table(META)?;
            for (id, points) in batch.series {
                let meta = crate::series::load_meta(&metas, id)?;
                if let Some(tag) = batch.kinds.get(&id)
                    && tag.0 != meta.kind
                {
                    return Err(Error::WrongValueType {
                        name: meta.name,
                        stored: meta.kind.describe(),
                        requested: tag.0.describe(),
                    });
                }
                write_series(&tx, &self.config, id, &meta, points)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Writes points of series given by name, creating the missing ones (holding `V`),
    /// all in one transaction committed with `durability`: many small series cost one
    /// commit rather than one per series created plus one per write. All or nothing,
    /// with the checks of [`TimeSeries::write`].
    pub fn append_named<V: SeriesValue>(
        &self,
        points: &[(&str, i64, V)],
        durability: Durability,
    ) -> Result<()> {
        if points.is_empty() {
            return Ok(());
        }
        let mut tx = self.cf.begin_write()?;
        tx.set_durability(durability);
        self.append_named_in(&tx, points)?;
        tx.commit()?;
        Ok(())
    }

    /// Raw points with timestamps in `range`, in time order.
    pub fn range<V: SeriesValue>(
        &self,
        series: &Series<V>,
        range: impl RangeBounds<i64>,
    ) -> Result<Vec<(i64, V)>> {
        let pts = self.raw_points(series, range)?;
        Ok((0..pts.len())
            .map(|i| (pts.ts[i], V::decode_from(pts.value(i))))
            .collect())
    }

    fn raw_points<V: SeriesValue>(
        &self,
        series: &Series<V>,
        range: impl RangeBounds<i64>,
    ) -> Result<Points> {
        let (start, end) = clamp_range(range);
        let rtx = self.cf.begin_read()?;
        let meta = load_checked(&rtx.open_table(META)?, series)?;
        let mut pts = Points::new(meta.kind.size());
        read_raw(&rtx.open_table(CHUNKS)?, series.id, start, end, &mut pts)?;
        Ok(pts)
    }

    /// The series' latest point.
    pub fn latest<V: SeriesValue>(&self, series: &Series<V>) -> Result<Option<(i64, V)>> {
        let rtx = self.cf.begin_read()?;
        load_checked(&rtx.open_table(META)?, series)?;
        let chunks = rtx.open_table(CHUNKS)?;
        let (lo, hi) = series_bounds(series.id);
        let Some(entry) = chunks.range(&lo..=&hi)?.raw().next_back() else {
            return Ok(None);
        };
        let mut pts = Points::default();
        let h = codec::decode_into(entry?.value_bytes(), &mut pts.ts, &mut pts.values)
            .map_err(corrupt(series.id))?;
        pts.size = h.value_size;
        let last = pts.len() - 1;
        Ok(Some((pts.ts[last], V::decode_from(pts.value(last)))))
    }

    /// Rollup buckets of level `g` whose start lies in `range`, in time order.
    pub fn aggregate(
        &self,
        series: &Series<f64>,
        g: Granularity,
        range: impl RangeBounds<i64>,
    ) -> Result<Vec<(i64, Aggregate)>> {
        let (start, end) = clamp_range(range);
        let rtx = self.cf.begin_read()?;
        load_checked(&rtx.open_table(META)?, series)?;
        let table = rtx.open_table(rollup_table(g))?;
        let (lo, hi) = ((series.id, start), (series.id, end));
        let mut out = Vec::new();
        for e in table.range(&lo..&hi)? {
            let ((_, b), bytes) = e?;
            out.push((b, Aggregate::decode(&bytes)));
        }
        Ok(out)
    }

    /// Aggregates over buckets of any `width` (aligned to timestamp 0) of the points in
    /// `range`; only non-empty buckets are returned.
    ///
    /// When `width` is a multiple of a rollup width and both ends of `range` are aligned
    /// to it, the rollups are combined instead of reading raw points: the same result
    /// (up to the order of floating-point additions in `sum`), much less to read, and it
    /// still works for times whose raw points retention has dropped.
    pub fn downsample(
        &self,
        series: &Series<f64>,
        range: impl RangeBounds<i64>,
        width: i64,
    ) -> Result<Vec<(i64, Aggregate)>> {
        if width <= 0 || width > MAX_TS {
            return Err(Error::InvalidWidth(width));
        }
        let (start, end) = clamp_range(range);
        if start >= end {
            return Ok(Vec::new());
        }
        let aligned = |w: i64| width % w == 0 && start % w == 0 && end % w == 0;
        if let Some(g) = Granularity::ALL
            .into_iter()
            .rev()
            .find(|&g| aligned(self.config.width(g)))
        {
            let mut out: Vec<(i64, Aggregate)> = Vec::new();
            for (b, agg) in self.aggregate(series, g, start..end)? {
                let target = bucket_start(b, 0, width);
                match out.last_mut() {
                    Some((t, acc)) if *t == target => acc.merge(&agg),
                    _ => out.push((target, agg)),
                }
            }
            return Ok(out);
        }
        let pts = self.raw_points(series, start..end)?;
        let mut out = Vec::new();
        let mut i = 0;
        while i < pts.len() {
            let b = bucket_start(pts.ts[i], 0, width);
            let j = pts.lower_bound(b.saturating_add(width));
            let mut part = Points::new(8);
            part.extend_from(&pts, i..j);
            if let Some(agg) = fold(&part) {
                out.push((b, agg));
            }
            i = j;
        }
        Ok(out)
    }

    /// Storage figures of a series.
    pub fn stats<V: SeriesValue>(&self, series: &Series<V>) -> Result<SeriesStats> {
        let rtx = self.cf.begin_read()?;
        load_checked(&rtx.open_table(META)?, series)?;
        let chunks = rtx.open_table(CHUNKS)?;
        let mut stats = SeriesStats::default();
        for e in chunks.prefix(&series.id)?.raw() {
            let e = e?;
            let h = codec::header(e.value_bytes()).map_err(corrupt(series.id))?;
            stats.points += h.count as u64;
            stats.chunks += 1;
            stats.bytes += (e.key_bytes().len() + e.value_bytes().len()) as u64;
        }
        Ok(stats)
    }
}
