//! Out-of-order points, the out-of-order window, and last-write-wins duplicates.

use crate::store;
use manifold_timeseries::{Config, Error, Granularity, TimeUnit, WriteBatch};

fn config(window: Option<i64>) -> Config {
    Config {
        unit: TimeUnit::Seconds,
        chunk_points: 8,
        out_of_order_window: window,
        ..Config::default()
    }
}

#[test]
fn points_inside_the_window_are_merged_in_time_order() {
    let (_dir, _db, ts) = store(config(Some(100)));
    let s = ts.series::<f64>("m").unwrap();
    ts.append(&s, &[(1000, 1.0), (1010, 2.0), (1020, 3.0)])
        .unwrap();
    // 1020 - 100 = 920 is the oldest time still writable.
    ts.append(&s, &[(1005, 1.5), (920, 0.5)]).unwrap();
    let got = ts.range(&s, ..).unwrap();
    assert_eq!(
        got,
        vec![
            (920, 0.5),
            (1000, 1.0),
            (1005, 1.5),
            (1010, 2.0),
            (1020, 3.0)
        ]
    );
}

#[test]
fn points_behind_the_window_are_refused_and_the_batch_is_atomic() {
    let (_dir, _db, ts) = store(config(Some(100)));
    let a = ts.series::<f64>("a").unwrap();
    let b = ts.series::<f64>("b").unwrap();
    ts.append(&a, &[(1000, 1.0)]).unwrap();
    let mut batch = WriteBatch::new();
    batch.push(&b, 5, &9.0);
    batch.push(&a, 1001, &2.0);
    batch.push(&a, 899, &3.0);
    match ts.write(batch) {
        Err(Error::TooOld {
            timestamp,
            oldest_accepted,
            ..
        }) => assert_eq!((timestamp, oldest_accepted), (899, 900)),
        other => panic!("expected TooOld, got {other:?}"),
    }
    // Nothing of the refused batch was written, in either series.
    assert_eq!(ts.range(&a, ..).unwrap(), vec![(1000, 1.0)]);
    assert_eq!(ts.range(&b, ..).unwrap(), vec![]);
    // A new series has no latest point, so anything goes.
    ts.append(&b, &[(-1_000_000, 1.0)]).unwrap();
}

#[test]
fn without_a_window_any_time_is_writable() {
    let (_dir, _db, ts) = store(config(None));
    let s = ts.series::<f64>("m").unwrap();
    let pts: Vec<(i64, f64)> = (0..100).rev().map(|i| (i * 1000, i as f64)).collect();
    for p in &pts {
        ts.append(&s, std::slice::from_ref(p)).unwrap();
    }
    let mut want = pts.clone();
    want.sort_by_key(|p| p.0);
    assert_eq!(ts.range(&s, ..).unwrap(), want);
    assert!(ts.stats(&s).unwrap().chunks >= 100 / 8);
}

#[test]
fn duplicates_last_write_wins_within_and_across_batches() {
    let (_dir, _db, ts) = store(config(Some(1000)));
    let s = ts.series::<f64>("m").unwrap();
    let mut batch = WriteBatch::new();
    batch.push(&s, 60, &1.0);
    batch.push(&s, 61, &5.0);
    batch.push(&s, 60, &2.0);
    ts.write(batch).unwrap();
    assert_eq!(ts.range(&s, ..).unwrap(), vec![(60, 2.0), (61, 5.0)]);
    // Overwriting the bucket's maximum lowers it: the bucket is recomputed.
    ts.append(&s, &[(61, -1.0)]).unwrap();
    assert_eq!(ts.range(&s, ..).unwrap(), vec![(60, 2.0), (61, -1.0)]);
    let minute = ts.aggregate(&s, Granularity::Minute, ..).unwrap();
    assert_eq!(minute.len(), 1);
    let agg = minute[0].1;
    assert_eq!((agg.count, agg.sum, agg.min, agg.max), (2, 1.0, -1.0, 2.0));
    assert_eq!((agg.first, agg.last), (2.0, -1.0));
}

#[test]
fn out_of_range_timestamps_are_refused() {
    let (_dir, _db, ts) = store(config(None));
    let s = ts.series::<f64>("m").unwrap();
    for t in [i64::MIN, i64::MAX, (1 << 62) + 1] {
        assert!(matches!(
            ts.append(&s, &[(t, 1.0)]),
            Err(Error::TimestampOutOfRange(_))
        ));
    }
    assert!(matches!(
        ts.downsample(&s, .., 0),
        Err(Error::InvalidWidth(0))
    ));
}
