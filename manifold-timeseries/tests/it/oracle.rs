//! A random workload of batched, out-of-order and overwriting writes and range
//! deletions, checked against a `BTreeMap` model of the raw points after every step:
//! raw ranges, latest points, rollups at every level (recomputed from the raw points),
//! and downsampling through both the raw and the rollup path.

use crate::{assert_aggs, buckets, store};
use manifold_timeseries::{Config, Granularity, Series, TimeSeries, TimeUnit, WriteBatch};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;

const WINDOW: i64 = 4 * 3600;

fn config() -> Config {
    Config {
        unit: TimeUnit::Seconds,
        // Small chunks: many chunk boundaries, splits and merges.
        chunk_points: 16,
        out_of_order_window: Some(WINDOW),
        ..Config::default()
    }
}

fn check(ts: &TimeSeries, s: &Series<f64>, model: &BTreeMap<i64, f64>, rng: &mut StdRng) {
    let all = ts.range(s, ..).unwrap();
    let want: Vec<(i64, f64)> = model.iter().map(|(&t, &v)| (t, v)).collect();
    assert_eq!(all, want, "raw range of {}", s.name());
    assert_eq!(
        ts.latest(s).unwrap(),
        model.last_key_value().map(|(&t, &v)| (t, v))
    );
    if let (Some(&lo), Some(&hi)) = (model.keys().next(), model.keys().next_back()) {
        let a = rng.random_range(lo - 100..=hi + 100);
        let b = rng.random_range(a..=hi + 200);
        let sub: Vec<(i64, f64)> = model.range(a..b).map(|(&t, &v)| (t, v)).collect();
        assert_eq!(ts.range(s, a..b).unwrap(), sub, "range {a}..{b}");
        let inclusive: Vec<(i64, f64)> = model.range(a..=b).map(|(&t, &v)| (t, v)).collect();
        assert_eq!(ts.range(s, a..=b).unwrap(), inclusive);
    }
    // Rollups equal the aggregates recomputed from the raw points the store returns.
    let raw: BTreeMap<i64, f64> = all.into_iter().collect();
    for g in Granularity::ALL {
        let width = ts.config().width(g);
        let got = ts.aggregate(s, g, ..).unwrap();
        assert_aggs(&got, &buckets(&raw, width), &format!("{g:?} rollups"));
    }
    for width in [1, 7, 90, 3600, 5000] {
        let got = ts.downsample(s, .., width).unwrap();
        assert_aggs(
            &got,
            &buckets(model, width),
            &format!("raw downsample {width}"),
        );
    }
    // Aligned to days and a multiple of the hour: served from rollups.
    let day = 86_400;
    let (a, b) = (-2 * day, 10 * day);
    let restricted: BTreeMap<i64, f64> = model.range(a..b).map(|(&t, &v)| (t, v)).collect();
    let got = ts.downsample(s, a..b, 7200).unwrap();
    assert_aggs(&got, &buckets(&restricted, 7200), "rollup downsample");
}

#[test]
fn random_workload_matches_a_btreemap_model() {
    let (_dir, _db, ts) = store(config());
    let series: Vec<Series<f64>> = (0..3)
        .map(|i| ts.series::<f64>(&format!("s{i}")).unwrap())
        .collect();
    let mut model: Vec<BTreeMap<i64, f64>> = vec![BTreeMap::new(); series.len()];
    let mut rng = StdRng::seed_from_u64(7);
    let mut clock = -5_000i64;
    for round in 0..160 {
        if round % 9 == 8 {
            let k = rng.random_range(0..series.len());
            let a = clock - rng.random_range(0..6 * 3600);
            let b = a + rng.random_range(1..4 * 3600);
            let removed = ts.delete_range(&series[k], a..b).unwrap();
            let keys: Vec<i64> = model[k].range(a..b).map(|(&t, _)| t).collect();
            for t in &keys {
                model[k].remove(t);
            }
            assert_eq!(removed, keys.len() as u64, "deleted count");
        } else {
            let mut batch = WriteBatch::new();
            for (k, s) in series.iter().enumerate() {
                if rng.random_bool(0.3) {
                    continue;
                }
                let latest = model[k].keys().next_back().copied().unwrap_or(clock);
                for _ in 0..rng.random_range(1..60) {
                    let t = match rng.random_range(0..10) {
                        // Overwrite an existing point (last write wins).
                        0 if !model[k].is_empty() => {
                            let keys: Vec<i64> =
                                model[k].range(latest - WINDOW..).map(|(&t, _)| t).collect();
                            keys[rng.random_range(0..keys.len())]
                        }
                        // Out of order, inside the window.
                        1 | 2 => latest - rng.random_range(0..WINDOW),
                        _ => clock + rng.random_range(0..900),
                    };
                    // Quarter integers: every sum is exact, whatever the order.
                    let v = f64::from(rng.random_range(-400i32..400)) / 4.0;
                    batch.push(s, t, &v);
                    model[k].insert(t, v);
                }
            }
            ts.write(batch).unwrap();
            clock += rng.random_range(0..1200);
        }
        for (s, m) in series.iter().zip(&model) {
            check(&ts, s, m, &mut rng);
        }
    }
    assert!(model.iter().map(BTreeMap::len).sum::<usize>() > 1000);
}
