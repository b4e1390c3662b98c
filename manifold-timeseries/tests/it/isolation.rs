//! A range scan of one series reads only that series' keys: with the chunks of every
//! other series replaced by garbage, the scan still succeeds.

use crate::store;
use manifold::TableDefinition;
use manifold_timeseries::{Config, Error, Series, TimeUnit, WriteBatch};

const CHUNKS: TableDefinition<(u32, i64), [u8]> = TableDefinition::new("ts_chunks");

#[test]
fn scanning_one_series_among_many_touches_only_it() {
    let config = Config {
        unit: TimeUnit::Seconds,
        chunk_points: 32,
        ..Config::default()
    };
    let (_dir, db, ts) = store(config);
    let series: Vec<Series<f64>> = (0..300)
        .map(|i| ts.series::<f64>(&format!("host{i:03}.load")).unwrap())
        .collect();
    // Interleaved writes: every batch holds a slice of time of every series.
    for step in 0..10i64 {
        let mut batch = WriteBatch::new();
        for (k, s) in series.iter().enumerate() {
            for j in 0..20i64 {
                let t = (step * 20 + j) * 10;
                batch.push(s, t, &((k as i64 * 1000 + t) as f64));
            }
        }
        ts.write(batch).unwrap();
    }
    assert_eq!(ts.series_names().unwrap().len(), 300);
    let target = &series[150];
    let want: Vec<(i64, f64)> = (0..200i64)
        .map(|i| (i * 10, (150_000 + i * 10) as f64))
        .collect();
    assert_eq!(ts.range(target, ..).unwrap(), want);

    // Replace every other series' chunks with garbage.
    let cf = db.column_family("series").unwrap();
    let tx = cf.begin_write().unwrap();
    {
        let mut t = tx.open_table(CHUNKS).unwrap();
        let keys: Vec<(u32, i64)> = t.iter().unwrap().map(|e| e.unwrap().0).collect();
        for k in keys.into_iter().filter(|k| k.0 != target.id()) {
            t.insert(&k, &[0xff; 9]).unwrap();
        }
    }
    tx.commit().unwrap();

    assert_eq!(ts.range(target, ..).unwrap(), want);
    assert_eq!(ts.range(target, 500..1000).unwrap(), want[50..100].to_vec());
    assert_eq!(ts.latest(target).unwrap(), Some((1990, 151_990.0)));
    assert_eq!(ts.stats(target).unwrap().points, 200);
    // The neighbours really are unreadable now.
    for k in [149, 151] {
        assert!(matches!(
            ts.range(&series[k], ..),
            Err(Error::Corrupted { what: "chunk", .. })
        ));
    }
}

#[test]
fn series_survive_reopening_and_keep_their_ids() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ts.manifold");
    let ids: Vec<u32> = {
        let db = manifold::Database::open_with(&path, manifold::Config::small()).unwrap();
        let ts = manifold_timeseries::TimeSeries::open(&db, "m", Config::default()).unwrap();
        let a = ts.series::<f64>("a").unwrap();
        let b = ts.series::<f64>("b").unwrap();
        ts.append(&b, &[(1, 1.0), (2, 2.0)]).unwrap();
        vec![a.id(), b.id()]
    };
    let db = manifold::Database::open_with(&path, manifold::Config::small()).unwrap();
    let ts = manifold_timeseries::TimeSeries::open(&db, "m", Config::default()).unwrap();
    let b = ts.find_series::<f64>("b").unwrap().unwrap();
    assert_eq!(vec![ts.series::<f64>("a").unwrap().id(), b.id()], ids);
    assert_eq!(ts.range(&b, ..).unwrap(), vec![(1, 1.0), (2, 2.0)]);
    assert!(ts.find_series::<f64>("c").unwrap().is_none());
    // The time unit is part of the store.
    let other = Config {
        unit: TimeUnit::Nanos,
        ..Config::default()
    };
    assert!(matches!(
        manifold_timeseries::TimeSeries::open(&db, "m", other),
        Err(Error::Config(_))
    ));
    assert!(matches!(ts.series::<f64>(""), Err(Error::InvalidName(_))));
}
