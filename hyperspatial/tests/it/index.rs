//! HNSW behaviour against the f64 brute-force oracle of `data.rs`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use hyperspatial::{
    Cosine, Dot, Hnsw, HnswParams, IndexError, L2, Lorentz, Metric, MetricKind, Poincare,
};

use crate::data::{self, brute_force, flat, recall};

const K: usize = 10;

fn build<M: Metric>(metric: M, data: &[Vec<f32>]) -> Hnsw<M> {
    let h = Hnsw::new(metric, data[0].len(), HnswParams::default()).unwrap();
    let keys: Vec<u64> = (0..data.len() as u64).collect();
    h.insert_batch(&keys, &flat(data)).unwrap();
    h
}

fn mean_recall<M: Metric>(h: &Hnsw<M>, data: &[Vec<f32>], queries: &[Vec<f32>]) -> f64 {
    let kind = h.metric().kind();
    let total: f64 = queries
        .iter()
        .map(|q| {
            let truth = brute_force(kind, data, q, K);
            let got: Vec<u64> = h.search(q, K).unwrap().iter().map(|n| n.key).collect();
            recall(&truth, &got)
        })
        .sum();
    total / queries.len() as f64
}

fn check_recall<M: Metric>(metric: M, data: &[Vec<f32>], queries: &[Vec<f32>]) {
    let kind = metric.kind();
    let h = build(metric, data);
    let r = mean_recall(&h, data, queries);
    eprintln!("{kind:?}: recall@10 {r}");
    assert!(r >= 0.95, "{kind:?}: recall@10 {r}");
}

const N: usize = 3000;
const NQ: usize = 100;

#[test]
fn recall_l2() {
    check_recall(L2, &data::uniform(1, N, 16), &data::uniform(2, NQ, 16));
    check_recall(
        L2,
        &data::clustered(3, N, 16, 30),
        &data::clustered(4, NQ, 16, 30),
    );
}

#[test]
fn recall_cosine() {
    check_recall(Cosine, &data::uniform(5, N, 16), &data::uniform(6, NQ, 16));
    check_recall(
        Cosine,
        &data::clustered(7, N, 16, 30),
        &data::clustered(8, NQ, 16, 30),
    );
}

#[test]
fn recall_dot() {
    check_recall(Dot, &data::uniform(9, N, 16), &data::uniform(10, NQ, 16));
    check_recall(
        Dot,
        &data::clustered(11, N, 16, 30),
        &data::clustered(12, NQ, 16, 30),
    );
}

#[test]
fn recall_lorentz() {
    let pts = data::to_f32(&data::tree_hyperboloid(13, N + NQ, 8, 6));
    let (d, q) = pts.split_at(N);
    check_recall(Lorentz::default(), d, q);
    // Random points: spatial coordinates uniform in [-2, 2]^8 (x0 is recomputed).
    let r: Vec<Vec<f32>> = data::uniform(14, N + NQ, 9)
        .into_iter()
        .map(|v| v.iter().map(|x| 2.0 * x).collect())
        .collect();
    let (d, q) = r.split_at(N);
    check_recall(Lorentz::new(1.0).unwrap(), d, q);
}

#[test]
fn recall_poincare() {
    let pts = data::tree_poincare(15, N + NQ, 8, 6);
    let (d, q) = pts.split_at(N);
    check_recall(Poincare::default(), d, q);
    // Uniform in the ball of radius 0.9.
    let u: Vec<Vec<f32>> = data::uniform(16, N + NQ, 8)
        .into_iter()
        .map(|v| v.iter().map(|x| x * 0.3).collect())
        .collect();
    let (d, q) = u.split_at(N);
    check_recall(Poincare::default(), d, q);
}

#[test]
fn curvature_other_than_one() {
    let c: f64 = 2.5;
    let pts: Vec<Vec<f32>> = data::tree_poincare(17, N + NQ, 6, 5)
        .into_iter()
        .map(|p| p.iter().map(|x| x / c.sqrt() as f32).collect())
        .collect();
    let (d, q) = pts.split_at(N);
    let h = build(Poincare::new(c as f32).unwrap(), d);
    assert!(mean_recall(&h, d, q) >= 0.95);
    // Distances are the true distances at that curvature.
    let n = h.search(&q[0], 1).unwrap()[0];
    let exact = data::distance(
        MetricKind::Poincare { c: c as f32 },
        &q[0],
        &d[n.key as usize],
    );
    assert!((f64::from(n.distance) - exact).abs() < 1e-3 * (1.0 + exact));
}

#[test]
fn single_inserts_equal_batch_quality() {
    let d = data::clustered(18, 2000, 16, 20);
    let q = data::clustered(19, 50, 16, 20);
    let h = Hnsw::new(L2, 16, HnswParams::default()).unwrap();
    for (i, v) in d.iter().enumerate() {
        h.insert(i as u64, v).unwrap();
    }
    assert_eq!(h.len(), d.len());
    assert!(mean_recall(&h, &d, &q) >= 0.95);
}

#[test]
fn ef_search_is_adjustable() {
    let d = data::uniform(20, 3000, 32);
    let q = data::uniform(21, 50, 32);
    let h = build(L2, &d);
    h.set_ef_search(10);
    let low = mean_recall(&h, &d, &q);
    h.set_ef_search(300);
    let high = mean_recall(&h, &d, &q);
    assert_eq!(h.ef_search(), 300);
    assert!(high >= low && high >= 0.99, "{low} {high}");
}

#[test]
fn inserts_while_searching() {
    let d = data::clustered(22, 4000, 16, 40);
    let h = Arc::new(Hnsw::new(L2, 16, HnswParams::default()).unwrap());
    let keys: Vec<u64> = (0..1000).collect();
    h.insert_batch(&keys, &flat(&d[..1000])).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let searchers: Vec<_> = (0..2)
        .map(|t| {
            let (h, stop, d) = (h.clone(), stop.clone(), d.clone());
            std::thread::spawn(move || {
                let mut n = 0usize;
                while !stop.load(Ordering::Relaxed) || n < 100 {
                    let q = &d[(n * 7 + t) % 1000];
                    let res = h.search(q, K).unwrap();
                    assert_eq!(res.len(), K);
                    assert!(res.windows(2).all(|w| w[0].distance <= w[1].distance));
                    assert!(res.iter().all(|r| r.key < 4000));
                    n += 1;
                }
                n
            })
        })
        .collect();
    let writers: Vec<_> = (0..2)
        .map(|t| {
            let (h, d) = (h.clone(), d.clone());
            std::thread::spawn(move || {
                for i in (1000 + t..4000).step_by(2) {
                    h.insert(i as u64, &d[i]).unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    for s in searchers {
        assert!(s.join().unwrap() >= 100);
    }
    assert_eq!(h.len(), 4000);
    // Every vector is found as its own nearest neighbour, but for the rare node
    // that heuristic pruning leaves without a way in.
    let found = (0..4000)
        .filter(|&i| h.search(&d[i], 1).unwrap()[0].distance == 0.0)
        .count();
    eprintln!("self-recall {found}");
    assert!(found >= 3992, "{found}");
    let q = data::clustered(23, 50, 16, 40);
    assert!(mean_recall(&h, &d, &q) >= 0.95);
}

#[test]
fn deletes_are_never_returned_and_rebuild_drops_them() {
    let d = data::uniform(24, 3000, 16);
    let q = data::uniform(25, 50, 16);
    let h = build(L2, &d);
    for i in (0..3000u64).filter(|i| i % 3 == 0) {
        assert!(h.delete(i));
    }
    assert!(!h.delete(0), "second delete is a no-op");
    assert_eq!(h.len(), 2000);
    assert!(h.needs_rebuild());
    let live: Vec<Vec<f32>> = d
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 3 != 0)
        .map(|(_, v)| v.clone())
        .collect();
    let live_keys: Vec<u64> = (0..3000u64).filter(|i| i % 3 != 0).collect();
    let check = |h: &Hnsw<L2>| {
        let mut total = 0.0;
        for qq in &q {
            let got: Vec<u64> = h.search(qq, K).unwrap().iter().map(|n| n.key).collect();
            assert!(got.iter().all(|k| k % 3 != 0));
            let truth: Vec<u64> = brute_force(MetricKind::L2, &live, qq, K)
                .iter()
                .map(|i| live_keys[*i as usize])
                .collect();
            total += recall(&truth, &got);
        }
        total / q.len() as f64
    };
    assert!(check(&h) >= 0.95);
    let before = h.memory_bytes();
    assert!(h.maintain());
    assert!(!h.needs_rebuild());
    assert_eq!(h.len(), 2000);
    assert!(h.memory_bytes() < before);
    assert!(check(&h) >= 0.95);
}

#[test]
fn reinserting_a_key_replaces_its_vector() {
    let d = data::uniform(26, 500, 8);
    let h = build(L2, &d);
    h.insert(7, &d[100]).unwrap();
    assert_eq!(h.len(), 500);
    let res = h.search(&d[100], 2).unwrap();
    assert!(res.iter().all(|n| n.distance == 0.0));
    let res = h.search(&d[7], 1).unwrap();
    assert_ne!(res[0].key, 7);
}

#[test]
fn filtered_search_returns_k_when_k_pass() {
    let d = data::clustered(27, 3000, 16, 30);
    let q = data::clustered(28, 30, 16, 30);
    let h = build(L2, &d);
    for (sel, modulus) in [(3u64, 10u64), (11, 500)] {
        let pass = |key: u64| key % modulus == sel;
        let passing: Vec<(u64, Vec<f32>)> = d
            .iter()
            .enumerate()
            .filter(|(i, _)| pass(*i as u64))
            .map(|(i, v)| (i as u64, v.clone()))
            .collect();
        let vecs: Vec<Vec<f32>> = passing.iter().map(|p| p.1.clone()).collect();
        let mut total = 0.0;
        for qq in &q {
            let got = h.search_filtered(qq, K, pass).unwrap();
            assert_eq!(got.len(), K.min(passing.len()));
            assert!(got.iter().all(|n| pass(n.key)));
            let truth: Vec<u64> = brute_force(MetricKind::L2, &vecs, qq, K)
                .iter()
                .map(|i| passing[*i as usize].0)
                .collect();
            let got: Vec<u64> = got.iter().map(|n| n.key).collect();
            total += recall(&truth, &got);
        }
        assert!(total / q.len() as f64 >= 0.95, "filter mod {modulus}");
    }
    // Only three keys pass: all three come back.
    let got = h
        .search_filtered(&q[0], K, |k| k == 5 || k == 1500 || k == 2999)
        .unwrap();
    let mut keys: Vec<u64> = got.iter().map(|n| n.key).collect();
    keys.sort_unstable();
    assert_eq!(keys, vec![5, 1500, 2999]);
}

#[test]
fn quantized_search_keeps_recall() {
    let d = data::clustered(29, 3000, 32, 30);
    let q = data::clustered(30, 50, 32, 30);
    let h = build(L2, &d);
    h.enable_quantization();
    assert!(h.is_quantized());
    assert!(mean_recall(&h, &d, &q) >= 0.95);
    // Inserts after training are encoded too.
    let extra = data::clustered(31, 200, 32, 30);
    for (i, v) in extra.iter().enumerate() {
        h.insert(3000 + i as u64, v).unwrap();
    }
    let res = h.search(&extra[5], 1).unwrap();
    assert_eq!(res[0].key, 3005);
    assert_eq!(res[0].distance, 0.0, "re-ranked with exact distances");
    let pts = data::tree_poincare(32, 3000 + 50, 8, 6);
    let (d, q) = pts.split_at(3000);
    let h = build(Poincare::default(), d);
    h.enable_quantization();
    assert!(mean_recall(&h, d, q) >= 0.95);
}

#[test]
fn bad_input_is_an_error() {
    let h = Hnsw::new(L2, 4, HnswParams::default()).unwrap();
    assert!(matches!(
        h.insert(1, &[1.0; 3]),
        Err(IndexError::DimensionMismatch { .. })
    ));
    assert!(matches!(
        h.insert(1, &[f32::NAN, 0.0, 0.0, 0.0]),
        Err(IndexError::NonFinite)
    ));
    assert!(h.search(&[0.0; 4], 5).unwrap().is_empty());
    assert!(matches!(
        h.search(&[0.0; 5], 5),
        Err(IndexError::DimensionMismatch { .. })
    ));
    let c = Hnsw::new(Cosine, 2, HnswParams::default()).unwrap();
    assert!(matches!(
        c.insert(1, &[0.0, 0.0]),
        Err(IndexError::ZeroVector)
    ));
    let p = Hnsw::new(Poincare::default(), 2, HnswParams::default()).unwrap();
    assert!(matches!(
        p.insert(1, &[0.8, 0.8]),
        Err(IndexError::OutsideBall)
    ));
    assert!(Hnsw::new(L2, 0, HnswParams::default()).is_err());
    assert!(
        Hnsw::new(
            L2,
            4,
            HnswParams {
                m: 1,
                ..HnswParams::default()
            }
        )
        .is_err()
    );
    assert!(Lorentz::new(0.0).is_err());
    // k larger than the index returns everything.
    h.insert(1, &[1.0, 0.0, 0.0, 0.0]).unwrap();
    h.insert(2, &[0.0, 1.0, 0.0, 0.0]).unwrap();
    assert_eq!(h.search(&[0.0; 4], 10).unwrap().len(), 2);
}

/// Nodes linked at the same time can find each other through the layer above; a
/// node must not lose the links others made to it while it was still being linked
/// (that left nodes no search could reach).
#[test]
fn parallel_builds_leave_no_node_unreachable() {
    let mut lost = 0;
    for seed in 0..6u64 {
        let pts = data::tree_poincare(seed, 3000, 8, 6);
        let h = build(Poincare::default(), &pts);
        lost += pts
            .iter()
            .enumerate()
            .filter(|(i, p)| h.search(p, 1).unwrap()[0].key != *i as u64)
            .count();
    }
    // Heuristic pruning may still orphan a node on rare occasions (0 on an idle
    // machine, up to 4 seen under heavy load; before the fix about 20 on an idle
    // machine).
    assert!(lost <= 8, "{lost} of 18000 nodes unreachable");
}
