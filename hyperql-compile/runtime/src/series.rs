//! Time-series collections on manifold-timeseries: every document of such a collection
//! is also a point, at its time field, of the series named by the collection and its
//! series field's value (`trades:AAA`; `trades:` without a series field). A point
//! holds the document's id; the document itself stays in the documents table, which
//! keeps every field (text included) and serves reads by id.
//!
//! Points are written, moved and removed in the generated `Tx`'s manifold transaction,
//! so they commit or roll back with the documents. New points wait in the
//! transaction's [`PendingPoints`] and are written in one batch (one merge per chunk,
//! not one per point) before anything reads or removes points in the transaction, and
//! when it commits. A series has at most one point per timestamp: a second document at
//! the same time in the same series is refused ([`Error::Constraint`]) rather than
//! replacing the first — at once when both are new, when the batch is written
//! otherwise.

use crate::error::Error;
use manifold::{ColumnFamily, WriteTransaction};
use manifold_timeseries::{Config, Record, TimeSeries, TimeUnit, TxRef};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Bound;

/// Points a write transaction has added and not yet written (see the module docs),
/// grouped by series: a point of a series already pending costs no allocation.
#[derive(Debug, Default)]
pub struct PendingPoints {
    /// Position in `series` of each series name.
    at: HashMap<String, usize>,
    /// Per series: its name, its `(time, id)` points in arrival order, and their times.
    series: Vec<Pending>,
    /// Scratch for building a series name.
    name: String,
}

/// The pending points of one series: its name, `(time, id)` in arrival order, and
/// their times.
type Pending = (String, Vec<(i64, i64)>, HashSet<i64>);

impl PendingPoints {
    fn is_empty(&self) -> bool {
        self.series.iter().all(|s| s.1.is_empty())
    }

    fn clear(&mut self) {
        self.at.clear();
        self.series.clear();
    }
}

/// The value of a point: the id of its document.
struct DocId(i64);

impl Record for DocId {
    const SIZE: usize = 8;
    const TYPE_NAME: &'static str = "hql.doc_id";
    fn write(&self, out: &mut [u8]) {
        out.copy_from_slice(&self.0.to_le_bytes());
    }
    fn read(bytes: &[u8]) -> Self {
        let mut b = [0u8; 8];
        let n = bytes.len().min(8);
        b[..n].copy_from_slice(&bytes[..n]);
        DocId(i64::from_le_bytes(b))
    }
}

fn taken(collection: &str, series: &str, t: i64) -> Error {
    Error::Constraint(format!(
        "a document of {collection} is already at time {t} of series `{series}`"
    ))
}

/// The points of every time-series collection of a generated database, in its one
/// column family.
#[derive(Debug, Clone)]
pub struct SeriesStore {
    ts: TimeSeries,
}

/// The series of `collection` whose series field is `series`.
fn series_name(collection: &str, series: &str) -> String {
    let mut name = String::with_capacity(collection.len() + 1 + series.len());
    name_into(&mut name, collection, series);
    name
}

/// Writes the series name of `collection` and `series` into `out`.
fn name_into(out: &mut String, collection: &str, series: &str) {
    out.clear();
    out.push_str(collection);
    out.push(':');
    out.push_str(series);
}

impl SeriesStore {
    /// Opens the store in `cf`: microsecond timestamps (the unit of `Timestamp`), and
    /// no out-of-order window, so that a document may be inserted at any time, as the
    /// interpreted engine accepts it.
    pub fn open(cf: &ColumnFamily) -> Result<SeriesStore, Error> {
        let config = Config {
            unit: TimeUnit::Micros,
            out_of_order_window: None,
            ..Config::default()
        };
        Ok(SeriesStore {
            ts: TimeSeries::open_in(cf.clone(), config)?,
        })
    }

    /// Adds the point of document `id` of `collection` at time `t` of `series` to
    /// `pending`. A new point at the same time of the same series is
    /// [`Error::Constraint`] here; one stored already, when `pending` is written.
    pub fn put(
        &self,
        pending: &mut PendingPoints,
        collection: &str,
        series: &str,
        t: i64,
        id: i64,
    ) -> Result<(), Error> {
        let PendingPoints {
            at,
            series: all,
            name,
        } = pending;
        name_into(name, collection, series);
        let i = match at.get(name.as_str()) {
            Some(i) => *i,
            None => {
                all.push((name.clone(), Vec::new(), HashSet::new()));
                at.insert(name.clone(), all.len() - 1);
                all.len() - 1
            }
        };
        let (_, points, times) = &mut all[i];
        if !times.insert(t) {
            return Err(taken(collection, series, t));
        }
        points.push((t, id));
        Ok(())
    }

    /// Writes the points of `pending` in `tx`, in one batch, after checking that no
    /// stored point of another document has their series and time.
    pub fn flush(&self, tx: &WriteTransaction, pending: &mut PendingPoints) -> Result<(), Error> {
        if pending.is_empty() {
            return Ok(());
        }
        for (name, points, _) in &pending.series {
            let Some(lo) = points.iter().map(|p| p.0).min() else {
                continue;
            };
            let hi = points.iter().map(|p| p.0).max().unwrap_or(lo);
            let stored: Vec<(i64, DocId)> = self.ts.range_in(TxRef::Write(tx), name, lo..=hi)?;
            if stored.is_empty() {
                continue;
            }
            let stored: BTreeMap<i64, i64> = stored.into_iter().map(|(t, d)| (t, d.0)).collect();
            for (t, id) in points {
                if let Some(other) = stored.get(t)
                    && other != id
                {
                    let (collection, series) = name.split_once(':').unwrap_or((name, ""));
                    return Err(taken(collection, series, *t));
                }
            }
        }
        let batch: Vec<(&str, i64, DocId)> = pending
            .series
            .iter()
            .flat_map(|(name, points, _)| {
                points
                    .iter()
                    .map(move |(t, id)| (name.as_str(), *t, DocId(*id)))
            })
            .collect();
        self.ts.append_named_in(tx, &batch)?;
        pending.clear();
        Ok(())
    }

    /// Removes the point at time `t` of `series` of `collection`, in `tx` (after
    /// writing `pending`).
    pub fn remove(
        &self,
        tx: &WriteTransaction,
        pending: &mut PendingPoints,
        collection: &str,
        series: &str,
        t: i64,
    ) -> Result<(), Error> {
        self.flush(tx, pending)?;
        let name = series_name(collection, series);
        self.ts.delete_range_in::<DocId>(tx, &name, t..=t)?;
        Ok(())
    }

    /// Removes every point of `collection`, in `tx` (a migration rebuilds them from
    /// the documents).
    pub fn clear(&self, tx: &WriteTransaction, collection: &str) -> Result<(), Error> {
        let names = self
            .ts
            .series_names_in(TxRef::Write(tx), &series_name(collection, ""))?;
        for name in names {
            self.ts.delete_range_in::<DocId>(tx, &name, ..)?;
        }
        Ok(())
    }

    /// `(time, id)` of the documents of `collection` whose time lies in `(lo, hi)`, as
    /// `tx` sees them: of one series when `series` is given, else of every series of
    /// the collection; by series name, then time.
    pub fn ids<'t>(
        &self,
        tx: impl Into<TxRef<'t>>,
        collection: &str,
        series: Option<&str>,
        lo: Bound<i64>,
        hi: Bound<i64>,
    ) -> Result<Vec<(i64, i64)>, Error> {
        let tx = tx.into();
        let names = match series {
            Some(s) => vec![series_name(collection, s)],
            None => self.ts.series_names_in(tx, &series_name(collection, ""))?,
        };
        let mut out = Vec::new();
        for name in names {
            let points: Vec<(i64, DocId)> = self.ts.range_in(tx, &name, (lo, hi))?;
            out.extend(points.into_iter().map(|(t, DocId(id))| (t, id)));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn store() -> (
        tempfile::TempDir,
        manifold::Database,
        ColumnFamily,
        SeriesStore,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let db = manifold::Database::open(dir.path().join("s.manifold")).unwrap();
        let cf = db.column_family_or_create("c").unwrap();
        let s = SeriesStore::open(&cf).unwrap();
        (dir, db, cf, s)
    }

    #[test]
    fn ids_come_by_series_then_time_and_collections_do_not_mix() {
        let (_d, _db, cf, s) = store();
        let tx = cf.begin_write().unwrap();
        let mut p = PendingPoints::default();
        for (coll, series, t, id) in [
            ("trades", "B", 5, 1),
            ("trades", "A", 9, 2),
            ("trades", "A", 3, 3),
            ("trades2", "A", 4, 4),
            ("trades", "A", -7, 5),
        ] {
            s.put(&mut p, coll, series, t, id).unwrap();
        }
        s.flush(&tx, &mut p).unwrap();
        let all = |tx: &WriteTransaction, lo, hi| s.ids(tx, "trades", None, lo, hi).unwrap();
        assert_eq!(
            all(&tx, Bound::Unbounded, Bound::Unbounded),
            [(-7, 5), (3, 3), (9, 2), (5, 1)]
        );
        assert_eq!(
            all(&tx, Bound::Excluded(3), Bound::Included(9)),
            [(9, 2), (5, 1)]
        );
        tx.commit().unwrap();
        let rtx = cf.begin_read().unwrap();
        let a = s
            .ids(
                &rtx,
                "trades",
                Some("A"),
                Bound::Included(3),
                Bound::Excluded(9),
            )
            .unwrap();
        assert_eq!(a, [(3, 3)]);
        assert_eq!(
            s.ids(&rtx, "trades2", None, Bound::Unbounded, Bound::Unbounded)
                .unwrap(),
            [(4, 4)]
        );
    }

    #[test]
    fn a_second_document_at_the_same_time_is_refused_and_remove_frees_it() {
        let (_d, _db, cf, s) = store();
        let tx = cf.begin_write().unwrap();
        let mut p = PendingPoints::default();
        s.put(&mut p, "t", "A", 10, 1).unwrap();
        s.put(&mut p, "t", "B", 10, 2).unwrap();
        // Two new points at one time, then a new one at a stored point's time.
        let two = s.put(&mut p, "t", "A", 10, 3);
        assert!(matches!(two, Err(Error::Constraint(_))));
        s.flush(&tx, &mut p).unwrap();
        s.put(&mut p, "t", "A", 10, 3).unwrap();
        assert!(matches!(s.flush(&tx, &mut p), Err(Error::Constraint(_))));
        let mut p = PendingPoints::default();
        s.remove(&tx, &mut p, "t", "A", 10).unwrap();
        s.put(&mut p, "t", "A", 10, 3).unwrap();
        s.flush(&tx, &mut p).unwrap();
        let ids = s.ids(&tx, "t", None, Bound::Unbounded, Bound::Unbounded);
        assert_eq!(ids.unwrap(), [(10, 3), (10, 2)]);
    }

    #[test]
    fn clear_removes_every_point_of_one_collection_only() {
        let (_d, _db, cf, s) = store();
        let tx = cf.begin_write().unwrap();
        let mut p = PendingPoints::default();
        for (coll, series, t, id) in [
            ("t", "A", -(1 << 62), 1),
            ("t", "B", 1 << 62, 2),
            ("t", "", 0, 3),
            ("t2", "A", 5, 4),
        ] {
            s.put(&mut p, coll, series, t, id).unwrap();
        }
        s.flush(&tx, &mut p).unwrap();
        s.clear(&tx, "t").unwrap();
        let all = |c| {
            s.ids(&tx, c, None, Bound::Unbounded, Bound::Unbounded)
                .unwrap()
        };
        assert_eq!(all("t"), []);
        assert_eq!(all("t2"), [(5, 4)]);
    }
}
