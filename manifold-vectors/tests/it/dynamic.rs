//! `DynVectorTable` (dimension known at run time): round trips against a BTreeMap
//! model, the dimension checked on insert and on reopen, reopening from the stored
//! layout, quantization, a writer inside a multi-family transaction, and search
//! against an f64 oracle.

use crate::{oracle_distance, random_vectors, temp_family};
use manifold::{Config, Database};
use manifold_vectors::{
    DynVectorTable, Metric, MultiVectorTable, SparseVector, SparseVectorTable, VectorError,
    VectorTable, quantization_error_bound,
};
use rand::{Rng, SeedableRng, rngs::StdRng};
use std::collections::BTreeMap;
use uuid::Uuid;

#[test]
fn random_operations_match_a_btreemap_and_the_typed_view() {
    let (_dir, _db, cf) = temp_family();
    let dim = 24;
    let table = DynVectorTable::open(&cf, "t", dim).unwrap();
    assert_eq!(
        (table.name(), table.dim(), table.is_quantized()),
        ("t", dim, false)
    );
    assert!(table.is_empty().unwrap());
    let mut model: BTreeMap<Uuid, Vec<f32>> = BTreeMap::new();
    let mut rng = StdRng::seed_from_u64(21);
    for step in 0..300 {
        let id = Uuid::from_u128(rng.random_range(0..50));
        match rng.random_range(0..10) {
            0..=4 => {
                let v: Vec<f32> = (0..dim).map(|_| rng.random_range(-3.0..3.0)).collect();
                table.insert(id, &v).unwrap();
                model.insert(id, v);
            }
            5 => {
                let batch = random_vectors(4, dim, step);
                let batch: Vec<(Uuid, Vec<f32>)> = batch
                    .into_iter()
                    .map(|(_, v)| (Uuid::from_u128(rng.random_range(0..50)), v))
                    .collect();
                let n = table
                    .insert_batch(batch.iter().map(|(id, v)| (*id, v.as_slice())))
                    .unwrap();
                assert_eq!(n, 4);
                model.extend(batch);
            }
            6..=7 => assert_eq!(table.remove(id).unwrap(), model.remove(&id).is_some()),
            _ => assert_eq!(table.get(id).unwrap(), model.get(&id).cloned()),
        }
        if step % 40 == 0 {
            let r = table.reader().unwrap();
            assert_eq!(r.dim(), dim);
            assert_eq!(r.len().unwrap(), model.len() as u64);
            assert_eq!(r.contains(id).unwrap(), model.contains_key(&id));
            let all: Vec<(Uuid, Vec<f32>)> = r
                .iter()
                .unwrap()
                .map(|e| {
                    let e = e.unwrap();
                    (e.id(), e.vector().to_vec())
                })
                .collect();
            assert_eq!(all, model.clone().into_iter().collect::<Vec<_>>());
        }
    }
    // The typed handle opens the same table and reads the same vectors.
    let typed = VectorTable::<24>::open(&cf, "t").unwrap();
    for (id, v) in &model {
        assert_eq!(typed.get(*id).unwrap().unwrap().to_vec(), *v);
    }
    assert_eq!(typed.as_dyn().dim(), dim);
    assert_eq!(
        typed.reader().unwrap().as_dyn().len().unwrap(),
        model.len() as u64
    );
    let back: VectorTable<24> = DynVectorTable::from(typed).try_into().unwrap();
    assert_eq!(back.len().unwrap(), model.len() as u64);
    let e = VectorTable::<12>::try_from(table).unwrap_err();
    assert!(matches!(e, VectorError::LayoutMismatch { .. }), "{e}");
    assert!(
        e.to_string().contains("24-d") && e.to_string().contains("12-d"),
        "{e}"
    );
}

#[test]
fn the_dimension_is_checked_on_insert_and_on_reopen() {
    let (_dir, _db, cf) = temp_family();
    let table = DynVectorTable::open(&cf, "embedding", 384).unwrap();
    let id = Uuid::from_u128(1);
    let e = table.insert(id, &[0.5; 383]).unwrap_err();
    assert!(
        matches!(
            e,
            VectorError::Dimension {
                expected: 384,
                got: 383
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("384-d"), "{e}");
    let mut v = vec![0.25f32; 384];
    v[9] = f32::NAN;
    let e = table.insert(id, &v).unwrap_err();
    assert!(matches!(e, VectorError::NotFinite { index: 9, .. }), "{e}");
    // A batch with one vector of the wrong length writes none of them.
    let good = vec![1.0f32; 384];
    let bad = vec![1.0f32; 385];
    let e = table
        .insert_batch([(id, good.as_slice()), (Uuid::from_u128(2), bad.as_slice())])
        .unwrap_err();
    assert!(matches!(e, VectorError::Dimension { got: 385, .. }), "{e}");
    assert!(table.is_empty().unwrap());
    table.insert(id, &good).unwrap();
    // Queries are checked too.
    let r = table.reader().unwrap();
    assert!(r.search(&[1.0; 3], 1, Metric::Dot).is_err());
    assert!(r.search_quantized(&[1.0; 3], 1, Metric::Dot, 5).is_err());
    assert!(r.distance(id, &[1.0; 385], Metric::L2).is_err());

    // Reopening with another dimension, through either handle, is a layout mismatch
    // naming both dimensions.
    let e = DynVectorTable::open(&cf, "embedding", 768).unwrap_err();
    assert!(matches!(e, VectorError::LayoutMismatch { .. }), "{e}");
    let msg = e.to_string();
    assert!(msg.contains("embedding") && msg.contains("384") && msg.contains("768"));
    let e = VectorTable::<128>::open(&cf, "embedding").unwrap_err();
    assert!(matches!(e, VectorError::LayoutMismatch { .. }), "{e}");
    // Nor as another kind.
    assert!(MultiVectorTable::<384>::open(&cf, "embedding").is_err());
    assert_eq!(
        DynVectorTable::open(&cf, "embedding", 384)
            .unwrap()
            .len()
            .unwrap(),
        1
    );

    // Dimensions the layout cannot hold, and reserved names.
    let e = DynVectorTable::open(&cf, "zero", 0).unwrap_err();
    assert!(matches!(e, VectorError::InvalidDimension { dim: 0 }), "{e}");
    let huge = usize::try_from(u64::from(u32::MAX) + 1).unwrap();
    let e = DynVectorTable::open(&cf, "huge", huge).unwrap_err();
    assert!(matches!(e, VectorError::InvalidDimension { .. }), "{e}");
    assert!(
        DynVectorTable::open_existing(&cf, "zero")
            .unwrap()
            .is_none()
    );
    let e = DynVectorTable::open(&cf, "embedding.q8", 4).unwrap_err();
    assert!(matches!(e, VectorError::InvalidName { .. }), "{e}");
}

#[test]
fn open_existing_reads_the_dimension_from_the_layout() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.manifold");
    let data = random_vectors(30, 7, 4);
    {
        let db = Database::open_with(&path, Config::small()).unwrap();
        let cf = db.column_family_or_create("vectors").unwrap();
        // Absent: `None`, and asking creates nothing.
        assert!(DynVectorTable::open_existing(&cf, "q").unwrap().is_none());
        assert!(DynVectorTable::open_existing(&cf, "q").unwrap().is_none());
        let t = DynVectorTable::open_with(&cf, "q", 7, true).unwrap();
        t.insert_batch(data.iter().map(|(id, v)| (*id, v.as_slice())))
            .unwrap();
        VectorTable::<16>::open(&cf, "typed").unwrap();
        SparseVectorTable::open(&cf, "sparse").unwrap();
        MultiVectorTable::<8>::open(&cf, "multi").unwrap();
    }
    let db = Database::open_with(&path, Config::small()).unwrap();
    let cf = db.column_family("vectors").unwrap();
    let t = DynVectorTable::open_existing(&cf, "q").unwrap().unwrap();
    assert_eq!((t.dim(), t.is_quantized()), (7, true));
    assert_eq!(t.len().unwrap(), 30);
    for (id, v) in &data {
        assert_eq!(t.get(*id).unwrap().as_ref(), Some(v));
    }
    let r = t.reader().unwrap();
    assert!(r.get_quantized(data[0].0).unwrap().is_some());
    // A table created through the typed handle reports its dimension.
    let typed = DynVectorTable::open_existing(&cf, "typed")
        .unwrap()
        .unwrap();
    assert_eq!((typed.dim(), typed.is_quantized()), (16, false));
    // Other kinds are refused, reserved names too.
    for name in ["sparse", "multi"] {
        let e = DynVectorTable::open_existing(&cf, name).unwrap_err();
        assert!(matches!(e, VectorError::LayoutMismatch { .. }), "{e}");
        assert!(e.to_string().contains("dense"), "{e}");
    }
    let e = DynVectorTable::open_existing(&cf, "q.meta").unwrap_err();
    assert!(matches!(e, VectorError::InvalidName { .. }), "{e}");
}

#[test]
fn quantized_table_reranks_to_the_exact_answer() {
    let (_dir, _db, cf) = temp_family();
    let dim = 48;
    let table = DynVectorTable::open_with(&cf, "q", dim, true).unwrap();
    assert!(table.is_quantized());
    let data = random_vectors(900, dim, 13);
    table
        .insert_batch(data.iter().map(|(id, v)| (*id, v.as_slice())))
        .unwrap();
    let (id0, _) = &data[0];
    assert!(table.remove(*id0).unwrap());
    let r = table.reader().unwrap();
    assert_eq!(r.get_quantized(*id0).unwrap(), None);
    for (id, v) in &data[1..20] {
        let dq = r.get_quantized(*id).unwrap().unwrap();
        let bound = quantization_error_bound(v.iter().fold(0.0f32, |m, x| m.max(x.abs())));
        assert!(v.iter().zip(&dq).all(|(a, b)| (a - b).abs() <= bound));
    }
    let mut hits = 0;
    for (_, q) in &random_vectors(15, dim, 77) {
        let exact = r.search(q, 10, Metric::Dot).unwrap();
        assert_eq!(r.search_quantized(q, 10, Metric::Dot, 60).unwrap(), exact);
        let approx = r.search_quantized(q, 10, Metric::Dot, 0).unwrap();
        hits += approx
            .iter()
            .filter(|n| exact.iter().any(|e| e.id == n.id))
            .count();
    }
    assert!(hits >= 15 * 10 * 8 / 10, "recall {hits}/150");
    // The setting is recorded; a table without it falls back to exact search.
    assert!(DynVectorTable::open(&cf, "q", dim).unwrap().is_quantized());
    let e = DynVectorTable::open_with(&cf, "q", dim, false).unwrap_err();
    assert!(matches!(e, VectorError::LayoutMismatch { .. }), "{e}");
    let plain = DynVectorTable::open(&cf, "plain", dim).unwrap();
    plain
        .insert_batch(data.iter().map(|(id, v)| (*id, v.as_slice())))
        .unwrap();
    let pr = plain.reader().unwrap();
    assert_eq!(pr.get_quantized(data[1].0).unwrap(), None);
    let q = &data[5].1;
    assert_eq!(
        pr.search_quantized(q, 5, Metric::L2, 0).unwrap(),
        pr.search(q, 5, Metric::L2).unwrap()
    );
}

#[test]
fn writers_join_a_multi_family_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open_with(dir.path().join("t.manifold"), Config::small()).unwrap();
    let a = db.column_family_or_create("a").unwrap();
    let b = db.column_family_or_create("b").unwrap();
    let small = DynVectorTable::open(&a, "small", 3).unwrap();
    let wide = DynVectorTable::open_with(&a, "wide", 5, true).unwrap();
    let other = DynVectorTable::open(&b, "other", 2).unwrap();
    let typed = VectorTable::<4>::open(&b, "typed").unwrap();
    let sparse = SparseVectorTable::open(&b, "sparse").unwrap();
    let id = Uuid::from_u128(9);

    let tx = db.begin_write(&[&a, &b]).unwrap();
    {
        let mut w = wide.writer(&tx).unwrap();
        assert_eq!(w.dim(), 5);
        // A refused vector writes nothing and leaves the transaction usable.
        assert!(w.insert(id, &[1.0; 3]).is_err());
        w.insert(id, &[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
    }
    small
        .writer(&tx)
        .unwrap()
        .insert(id, &[1.0, 0.0, 0.0])
        .unwrap();
    other.writer(&tx).unwrap().insert(id, &[0.5, 0.5]).unwrap();
    typed.writer(&tx).unwrap().insert(id, &[4.0; 4]).unwrap();
    let sv = SparseVector::from_pairs(&[(3, 1.0), (7, 2.0)]).unwrap();
    sparse.writer(&tx).unwrap().insert(id, &sv).unwrap();
    // Nothing is visible before the commit.
    assert!(small.get(id).unwrap().is_none() && other.get(id).unwrap().is_none());
    tx.commit().unwrap();
    assert_eq!(small.get(id).unwrap(), Some(vec![1.0, 0.0, 0.0]));
    assert_eq!(wide.get(id).unwrap(), Some(vec![1.0, 2.0, 3.0, 4.0, 5.0]));
    assert!(wide.reader().unwrap().get_quantized(id).unwrap().is_some());
    assert_eq!(other.get(id).unwrap(), Some(vec![0.5, 0.5]));
    assert_eq!(typed.get(id).unwrap(), Some([4.0; 4]));
    assert_eq!(sparse.get(id).unwrap(), Some(sv));

    // An aborted transaction writes nothing, removals included.
    let tx = db.begin_write(&[&a, &b]).unwrap();
    assert!(wide.writer(&tx).unwrap().remove(id).unwrap());
    other.writer(&tx).unwrap().insert(id, &[9.0, 9.0]).unwrap();
    tx.abort().unwrap();
    assert_eq!(wide.len().unwrap(), 1);
    assert!(wide.reader().unwrap().get_quantized(id).unwrap().is_some());
    assert_eq!(other.get(id).unwrap(), Some(vec![0.5, 0.5]));

    // A writer for a family outside the transaction is refused.
    let tx = a.begin_write().unwrap();
    assert!(other.writer(&tx).is_err());
    drop(tx);
}

#[test]
fn search_matches_brute_force_in_f64() {
    let (_dir, _db, cf) = temp_family();
    for dim in [1usize, 7, 33] {
        let table = DynVectorTable::open(&cf, &format!("d{dim}"), dim).unwrap();
        let data = random_vectors(400, dim, dim as u64);
        table
            .insert_batch(data.iter().map(|(id, v)| (*id, v.as_slice())))
            .unwrap();
        let r = table.reader().unwrap();
        for metric in [Metric::Cosine, Metric::Dot, Metric::L2, Metric::L1] {
            for (_, q) in &random_vectors(5, dim, 1000 + dim as u64) {
                let got = r.search(q, 8, metric).unwrap();
                let mut exact: Vec<(f64, Uuid)> = data
                    .iter()
                    .map(|(id, v)| (oracle_distance(metric, v, q), *id))
                    .collect();
                exact.sort_by(|x, y| x.0.total_cmp(&y.0));
                assert_eq!(got.len(), 8);
                for (n, e) in got.iter().zip(&exact) {
                    // Ties (common in 1-d under cosine) may order ids differently, so
                    // compare distances, then the ids where distances are distinct.
                    assert!((f64::from(n.distance) - e.0).abs() < 1e-4, "{metric:?}");
                    let d = r.distance(n.id, q, metric).unwrap().unwrap();
                    assert_eq!(d, n.distance);
                }
                if dim > 1 {
                    let got_ids: Vec<Uuid> = got.iter().map(|n| n.id).collect();
                    let want: Vec<Uuid> = exact[..8].iter().map(|e| e.1).collect();
                    assert_eq!(got_ids, want, "{metric:?} {dim}-d");
                }
            }
        }
        assert!(r.search(&data[0].1, 0, Metric::L2).unwrap().is_empty());
        assert_eq!(r.search(&data[0].1, 1000, Metric::L2).unwrap().len(), 400);
    }
}

#[test]
fn reader_in_shares_the_callers_snapshot_and_the_writer_reads_its_own_writes() {
    let (_dir, _db, cf) = temp_family();
    let table = DynVectorTable::open_with(&cf, "snap", 3, true).unwrap();
    let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
    table.insert(a, &[1.0, 0.0, 0.0]).unwrap();
    let rtx = cf.begin_read().unwrap();
    let tx = cf.begin_write().unwrap();
    {
        let mut w = table.writer(&tx).unwrap();
        w.insert(b, &[0.0, 1.0, 0.0]).unwrap();
        assert_eq!(w.get(b).unwrap(), Some(vec![0.0, 1.0, 0.0]));
        assert_eq!(w.get(a).unwrap(), Some(vec![1.0, 0.0, 0.0]));
        assert!(w.remove(a).unwrap());
        assert_eq!(w.get(a).unwrap(), None);
    }
    tx.commit().unwrap();
    // The snapshot taken before the commit still sees `a` only.
    let old = table.reader_in(&rtx).unwrap();
    assert_eq!(old.len().unwrap(), 1);
    assert_eq!(old.get(a).unwrap(), Some(vec![1.0, 0.0, 0.0]));
    let hits = old.search(&[0.0, 1.0, 0.0], 5, Metric::Cosine).unwrap();
    assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![a]);
    let new = table.reader_in(&cf.begin_read().unwrap()).unwrap();
    assert_eq!(new.get(b).unwrap(), Some(vec![0.0, 1.0, 0.0]));
    assert!(!new.contains(a).unwrap());
}
