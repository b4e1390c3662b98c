//! Retention per level, by a call and by the background task.

use crate::{assert_aggs, buckets, store};
use manifold_timeseries::{Config, Error, Granularity, Retention, Series, TimeSeries, TimeUnit};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const DAY: i64 = 86_400;

fn config() -> Config {
    Config {
        unit: TimeUnit::Seconds,
        chunk_points: 64,
        out_of_order_window: None,
        retention: Retention {
            raw: Some(2 * DAY),
            minute: Some(4 * DAY),
            hour: Some(10 * DAY),
            day: None,
        },
    }
}

/// Twelve days of one point every ten minutes.
fn fill(ts: &TimeSeries, s: &Series<f64>) -> BTreeMap<i64, f64> {
    let model: BTreeMap<i64, f64> = (0..12 * 144).map(|i| (i * 600, (i % 17) as f64)).collect();
    let points: Vec<(i64, f64)> = model.iter().map(|(&t, &v)| (t, v)).collect();
    for batch in points.chunks(500) {
        ts.append(s, batch).unwrap();
    }
    model
}

#[test]
fn retention_drops_whole_days_per_level() {
    let (_dir, _db, ts) = store(config());
    let s = ts.series::<f64>("m").unwrap();
    let model = fill(&ts, &s);
    let report = ts.apply_retention(12 * DAY + 3600).unwrap();
    // Raw keeps from day 10, minutes from day 8, hours from day 2, days forever.
    assert_eq!(report.points, 10 * 144);
    let kept: BTreeMap<i64, f64> = model.range(10 * DAY..).map(|(&t, &v)| (t, v)).collect();
    assert_eq!(
        ts.range(&s, ..).unwrap(),
        kept.iter().map(|(&t, &v)| (t, v)).collect::<Vec<_>>()
    );
    let since =
        |from: i64| -> BTreeMap<i64, f64> { model.range(from..).map(|(&t, &v)| (t, v)).collect() };
    assert_aggs(
        &ts.aggregate(&s, Granularity::Minute, ..).unwrap(),
        &buckets(&since(8 * DAY), 60),
        "minute",
    );
    assert_aggs(
        &ts.aggregate(&s, Granularity::Hour, ..).unwrap(),
        &buckets(&since(2 * DAY), 3600),
        "hour",
    );
    assert_aggs(
        &ts.aggregate(&s, Granularity::Day, ..).unwrap(),
        &buckets(&model, DAY),
        "day",
    );
    // Downsampling aligned to days still sees the dropped days through the rollups.
    let weekly = ts.downsample(&s, 0..14 * DAY, 7 * DAY).unwrap();
    assert_aggs(&weekly, &buckets(&model, 7 * DAY), "weekly");

    // Times before the raw horizon can no longer be written.
    match ts.append(&s, &[(10 * DAY - 1, 1.0)]) {
        Err(Error::TooOld {
            oldest_accepted, ..
        }) => assert_eq!(oldest_accepted, 10 * DAY),
        other => panic!("expected TooOld, got {other:?}"),
    }
    ts.append(&s, &[(10 * DAY, 99.0)]).unwrap();
    assert_eq!(ts.range(&s, ..=10 * DAY).unwrap(), vec![(10 * DAY, 99.0)]);
    // Applying the same policy again removes nothing more.
    let again = ts.apply_retention(12 * DAY + 3600).unwrap();
    assert_eq!((again.points, again.buckets), (0, 0));
}

#[test]
fn delete_range_keeps_rollups_equal_to_raw() {
    let (_dir, _db, ts) = store(Config {
        retention: Retention::default(),
        ..config()
    });
    let s = ts.series::<f64>("m").unwrap();
    let mut model = fill(&ts, &s);
    // Cuts through minutes, hours and a day at both ends.
    let (a, b) = (DAY + 3 * 3600 + 1234, 3 * DAY + 7 * 3600 + 15);
    let want = model.range(a..b).count() as u64;
    assert_eq!(ts.delete_range(&s, a..b).unwrap(), want);
    model.retain(|&t, _| !(a..b).contains(&t));
    for g in Granularity::ALL {
        let width = ts.config().width(g);
        assert_aggs(
            &ts.aggregate(&s, g, ..).unwrap(),
            &buckets(&model, width),
            "after delete",
        );
    }
    assert_eq!(ts.range(&s, ..).unwrap().len(), model.len());
}

#[test]
fn retention_policies_that_lose_data_are_refused() {
    let bad = Retention {
        raw: Some(10 * DAY),
        minute: Some(DAY),
        ..Retention::default()
    };
    let config = Config {
        retention: bad,
        ..config()
    };
    assert!(matches!(config.validate(), Err(Error::Config(_))));
    let forever_raw = Retention {
        raw: None,
        minute: Some(DAY),
        ..Retention::default()
    };
    assert!(
        Config {
            retention: forever_raw,
            ..Config::default()
        }
        .validate()
        .is_err()
    );
}

#[test]
fn the_background_task_applies_retention() {
    let (_dir, _db, ts) = store(config());
    let s = ts.series::<f64>("m").unwrap();
    fill(&ts, &s);
    let task = ts
        .spawn_retention_with_clock(Duration::from_millis(5), || 12 * DAY)
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while task.runs() == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(task.runs() >= 1);
    assert_eq!(task.last_outcome().map(|r| r.series), Ok(1));
    task.stop();
    let first = ts.range(&s, ..).unwrap()[0].0;
    assert_eq!(first, 10 * DAY);
}
