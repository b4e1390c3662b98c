//! `VectorTable` against a BTreeMap model, several named tables per id, brute-force
//! search against an f64 oracle, and bad input.

use crate::{oracle_distance, random_vectors, temp_family};
use manifold_vectors::{Metric, VectorError, VectorTable};
use rand::{Rng, SeedableRng, rngs::StdRng};
use std::collections::BTreeMap;
use uuid::Uuid;

#[test]
fn random_operations_match_a_btreemap() {
    let (_dir, _db, cf) = temp_family();
    let table = VectorTable::<12>::open(&cf, "t").unwrap();
    let mut model: BTreeMap<Uuid, Vec<f32>> = BTreeMap::new();
    let mut rng = StdRng::seed_from_u64(7);
    for step in 0..400 {
        let id = Uuid::from_u128(rng.random_range(0..60));
        match rng.random_range(0..10) {
            0..=4 => {
                let v: Vec<f32> = (0..12).map(|_| rng.random_range(-5.0..5.0)).collect();
                table.insert(id, &v).unwrap();
                model.insert(id, v);
            }
            5 => {
                let batch: Vec<(Uuid, Vec<f32>)> = (0..5)
                    .map(|_| {
                        let id = Uuid::from_u128(rng.random_range(0..60));
                        (id, (0..12).map(|_| rng.random_range(-5.0..5.0)).collect())
                    })
                    .collect();
                let n = table
                    .insert_batch(batch.iter().map(|(id, v)| (*id, v.as_slice())))
                    .unwrap();
                assert_eq!(n, 5);
                model.extend(batch);
            }
            6..=7 => assert_eq!(table.remove(id).unwrap(), model.remove(&id).is_some()),
            _ => assert_eq!(
                table.get(id).unwrap().map(|a| a.to_vec()),
                model.get(&id).cloned()
            ),
        }
        if step % 50 == 0 {
            let r = table.reader().unwrap();
            assert_eq!(r.len().unwrap(), model.len() as u64);
            let all: Vec<(Uuid, Vec<f32>)> = r
                .iter()
                .unwrap()
                .map(|e| {
                    let e = e.unwrap();
                    (e.id(), e.vector().to_vec())
                })
                .collect();
            let expected: Vec<(Uuid, Vec<f32>)> = model.clone().into_iter().collect();
            assert_eq!(all, expected);
        }
    }
}

#[test]
fn named_tables_hold_different_dimensions_for_the_same_id() {
    let (dir, db, cf) = temp_family();
    let semantic = VectorTable::<768>::open(&cf, "semantic_vectors").unwrap();
    let code = VectorTable::<512>::open(&cf, "code_vectors").unwrap();
    let id = Uuid::from_u128(42);
    let a: Vec<f32> = (0..768).map(|i| i as f32 / 768.0).collect();
    let b: Vec<f32> = (0..512).map(|i| -(i as f32)).collect();
    // One transaction writes both.
    let tx = cf.begin_write().unwrap();
    semantic.writer(&tx).unwrap().insert(id, &a).unwrap();
    code.writer(&tx).unwrap().insert(id, &b).unwrap();
    tx.commit().unwrap();
    drop((semantic, code, cf, db));

    let db =
        manifold::Database::open_with(dir.path().join("t.manifold"), manifold::Config::small())
            .unwrap();
    let cf = db.column_family("vectors").unwrap();
    let semantic = VectorTable::<768>::open(&cf, "semantic_vectors").unwrap();
    let code = VectorTable::<512>::open(&cf, "code_vectors").unwrap();
    assert_eq!(semantic.get(id).unwrap().unwrap().to_vec(), a);
    assert_eq!(code.get(id).unwrap().unwrap().to_vec(), b);
    // Companion-table names are reserved.
    let err = VectorTable::<4>::open(&cf, "semantic_vectors.q8").unwrap_err();
    assert!(matches!(err, VectorError::InvalidName { .. }), "{err}");
    // Reopening with another dimension is refused.
    let err = VectorTable::<384>::open(&cf, "semantic_vectors").unwrap_err();
    assert!(matches!(err, VectorError::LayoutMismatch { .. }), "{err}");
    assert!(err.to_string().contains("768"));
}

#[test]
fn search_matches_brute_force_in_f64() {
    let (_dir, _db, cf) = temp_family();
    let table = VectorTable::<37>::open(&cf, "t").unwrap();
    let data = random_vectors(700, 37, 3);
    table
        .insert_batch(data.iter().map(|(id, v)| (*id, v.as_slice())))
        .unwrap();
    let r = table.reader().unwrap();
    let queries = random_vectors(10, 37, 99);
    for metric in [Metric::Cosine, Metric::Dot, Metric::L2, Metric::L1] {
        for (_, q) in &queries {
            let got = r.search(q, 10, metric).unwrap();
            let mut exact: Vec<(f64, Uuid)> = data
                .iter()
                .map(|(id, v)| (oracle_distance(metric, v, q), *id))
                .collect();
            exact.sort_by(|a, b| a.0.total_cmp(&b.0));
            let got_ids: Vec<Uuid> = got.iter().map(|n| n.id).collect();
            let want_ids: Vec<Uuid> = exact[..10].iter().map(|e| e.1).collect();
            assert_eq!(got_ids, want_ids, "{metric:?}");
            for (n, e) in got.iter().zip(&exact) {
                assert!((f64::from(n.distance) - e.0).abs() < 1e-4, "{metric:?}");
            }
            // distance() on one id agrees with the search.
            let d = r.distance(got[0].id, q, metric).unwrap().unwrap();
            assert_eq!(d, got[0].distance);
        }
    }
    assert!(r.search(&queries[0].1, 0, Metric::L2).unwrap().is_empty());
    assert_eq!(
        r.search(&queries[0].1, 5000, Metric::L2).unwrap().len(),
        700
    );
}

#[test]
fn bad_input_is_refused_with_a_clear_error_and_writes_nothing() {
    let (_dir, _db, cf) = temp_family();
    let table = VectorTable::<4>::open(&cf, "t").unwrap();
    let id = Uuid::from_u128(1);
    let e = table.insert(id, &[1.0, 2.0, 3.0]).unwrap_err();
    assert!(matches!(
        e,
        VectorError::Dimension {
            expected: 4,
            got: 3
        }
    ));
    assert!(e.to_string().contains("4-d"), "{e}");
    let e = table.insert(id, &[1.0, f32::NAN, 3.0, 4.0]).unwrap_err();
    assert!(matches!(e, VectorError::NotFinite { index: 1, .. }), "{e}");
    let e = table
        .insert(id, &[1.0, 2.0, 3.0, f32::NEG_INFINITY])
        .unwrap_err();
    assert!(matches!(e, VectorError::NotFinite { index: 3, .. }), "{e}");
    // A batch with one bad vector writes none of them.
    let good = [1.0f32; 4];
    let bad = [1.0f32, 2.0];
    let e = table
        .insert_batch([
            (Uuid::from_u128(2), &good[..]),
            (Uuid::from_u128(3), &bad[..]),
        ])
        .unwrap_err();
    assert!(matches!(e, VectorError::Dimension { .. }));
    assert_eq!(table.len().unwrap(), 0);
    // Queries are checked too.
    let r = table.reader().unwrap();
    assert!(r.search(&[1.0; 5], 3, Metric::L2).is_err());
    assert!(r.distance(id, &[f32::INFINITY; 4], Metric::L2).is_err());
}
