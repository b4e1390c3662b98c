//! Fixed-size records as values: a position snapshot of three 17-d f32 arrays.

use crate::store;
use manifold_timeseries::{Config, Error, Record, TimeUnit};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;

const DIM: usize = 17;

#[derive(Debug, Clone, PartialEq)]
struct Snapshot {
    position: [f32; DIM],
    velocity: [f32; DIM],
    acceleration: [f32; DIM],
}

impl Record for Snapshot {
    const SIZE: usize = 3 * DIM * 4;
    const TYPE_NAME: &'static str = "snapshot17";
    fn write(&self, out: &mut [u8]) {
        let all = self
            .position
            .iter()
            .chain(&self.velocity)
            .chain(&self.acceleration);
        for (slot, x) in out.chunks_exact_mut(4).zip(all) {
            slot.copy_from_slice(&x.to_le_bytes());
        }
    }
    fn read(bytes: &[u8]) -> Self {
        let mut xs = bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]));
        let mut next = || std::array::from_fn(|_| xs.next().unwrap_or(0.0));
        Snapshot {
            position: next(),
            velocity: next(),
            acceleration: next(),
        }
    }
}

fn trajectory(n: usize, rng: &mut StdRng) -> Vec<(i64, Snapshot)> {
    let mut s = Snapshot {
        position: [0.0; DIM],
        velocity: std::array::from_fn(|i| i as f32 * 0.01),
        acceleration: [0.0; DIM],
    };
    (0..n)
        .map(|i| {
            // Most coordinates hold still between snapshots; a few move.
            for _ in 0..3 {
                let d = rng.random_range(0..DIM);
                s.acceleration[d] = rng.random_range(-1.0..1.0);
                s.velocity[d] += s.acceleration[d] * 0.1;
            }
            for d in 0..DIM {
                s.position[d] += s.velocity[d];
            }
            (i as i64 * 100, s.clone())
        })
        .collect()
}

#[test]
fn snapshots_round_trip_and_compress() {
    let config = Config {
        unit: TimeUnit::Millis,
        ..Config::default()
    };
    let (_dir, _db, ts) = store(config);
    let s = ts.series::<Snapshot>("agent7.state").unwrap();
    let mut rng = StdRng::seed_from_u64(3);
    let points = trajectory(600, &mut rng);
    for batch in points.chunks(50) {
        ts.append(&s, batch).unwrap();
    }
    let model: BTreeMap<i64, Snapshot> = points.iter().cloned().collect();
    let want: Vec<(i64, Snapshot)> = model.clone().into_iter().collect();
    assert_eq!(ts.range(&s, ..).unwrap(), want);
    assert_eq!(ts.range(&s, 1000..2000).unwrap(), want[10..20].to_vec());
    assert_eq!(
        ts.latest(&s).unwrap(),
        model.last_key_value().map(|(&t, v)| (t, v.clone()))
    );

    let stats = ts.stats(&s).unwrap();
    assert_eq!(stats.points, 600);
    let raw = 600 * (8 + Snapshot::SIZE) as u64;
    assert!(stats.bytes < raw, "{} >= {raw}", stats.bytes);

    // Last write wins for records too, and deletion works the same way.
    let replaced = points[5].1.clone();
    let mut changed = replaced.clone();
    changed.position[0] = -1.0;
    ts.append(&s, &[(points[599].0 - 10, changed.clone())])
        .unwrap();
    ts.append(&s, &[(points[599].0, changed.clone())]).unwrap();
    assert_eq!(ts.latest(&s).unwrap(), Some((points[599].0, changed)));
    assert_eq!(ts.delete_range(&s, 0..1000).unwrap(), 10);
    assert_eq!(ts.range(&s, ..).unwrap().len(), 600 - 10 + 1);
}

#[test]
fn a_series_keeps_its_value_type() {
    let (_dir, _db, ts) = store(Config::default());
    ts.series::<f64>("x").unwrap();
    assert!(matches!(
        ts.series::<Snapshot>("x"),
        Err(Error::WrongValueType { .. })
    ));
    ts.series::<Snapshot>("y").unwrap();
    assert!(matches!(
        ts.find_series::<f64>("y"),
        Err(Error::WrongValueType { .. })
    ));
}

#[test]
fn append_named_creates_series_and_writes_in_one_transaction() {
    let (_dir, _db, ts) = store(Config::default());
    let mut rng = StdRng::seed_from_u64(9);
    let a = trajectory(3, &mut rng);
    let b = trajectory(2, &mut rng);
    ts.series::<Snapshot>("old").unwrap();
    let points: Vec<(&str, i64, Snapshot)> = vec![
        ("new", a[0].0, a[0].1.clone()),
        ("old", b[0].0, b[0].1.clone()),
        ("new", a[2].0, a[2].1.clone()),
        ("new", a[1].0, a[1].1.clone()),
        ("old", b[1].0, b[1].1.clone()),
    ];
    ts.append_named(&points, manifold::Durability::Deferred)
        .unwrap();
    let new = ts.find_series::<Snapshot>("new").unwrap().unwrap();
    let old = ts.find_series::<Snapshot>("old").unwrap().unwrap();
    assert_eq!(ts.range(&new, ..).unwrap(), a);
    assert_eq!(ts.range(&old, ..).unwrap(), b);
    assert_eq!(ts.series_names().unwrap(), vec!["new", "old"]);

    // All or nothing: a point of the wrong value type refuses the whole call.
    ts.series::<f64>("scalar").unwrap();
    let bad = vec![
        ("fresh", 10, a[0].1.clone()),
        ("scalar", 10, a[0].1.clone()),
    ];
    assert!(matches!(
        ts.append_named(&bad, manifold::Durability::Immediate),
        Err(Error::WrongValueType { .. })
    ));
    assert!(ts.find_series::<Snapshot>("fresh").unwrap().is_none());
}
