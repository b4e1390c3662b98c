//! Integration tests of manifold-timeseries, one module per behaviour, each on a real
//! manifold file in a temporary directory.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] functions

mod codec;
mod in_tx;
mod isolation;
mod oracle;
mod ordering;
mod records;
mod retention;

use manifold::Database;
use manifold_timeseries::{Aggregate, Config, TimeSeries};
use std::collections::BTreeMap;

/// A store in a fresh temporary database.
pub fn store(config: Config) -> (tempfile::TempDir, Database, TimeSeries) {
    let dir = tempfile::tempdir().unwrap();
    let db =
        Database::open_with(dir.path().join("ts.manifold"), manifold::Config::small()).unwrap();
    let ts = TimeSeries::open(&db, "series", config).unwrap();
    (dir, db, ts)
}

/// Aggregates of `points` per bucket of `width` aligned to 0, folded in time order.
pub fn buckets(points: &BTreeMap<i64, f64>, width: i64) -> Vec<(i64, Aggregate)> {
    let mut out: Vec<(i64, Aggregate)> = Vec::new();
    for (&t, &v) in points {
        let b = t.div_euclid(width) * width;
        match out.last_mut() {
            Some((ob, agg)) if *ob == b => agg.add(t, v),
            _ => out.push((b, Aggregate::of(t, v))),
        }
    }
    out
}

/// Compares aggregates: exact on everything; tests use values whose sums are exact.
pub fn assert_aggs(got: &[(i64, Aggregate)], want: &[(i64, Aggregate)], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: bucket count");
    for ((gb, g), (wb, w)) in got.iter().zip(want) {
        assert_eq!(gb, wb, "{what}: bucket start");
        assert_eq!(g, w, "{what}: bucket {gb}");
    }
}
