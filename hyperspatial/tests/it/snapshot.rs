//! Snapshots reopen to the same answers, and corrupt bytes are errors.

use hyperspatial::{Hnsw, HnswParams, IndexError, L2, Poincare};

use crate::data::{self, flat};

#[test]
fn round_trip_gives_identical_results() {
    let d = data::clustered(40, 2000, 16, 20);
    let q = data::clustered(41, 30, 16, 20);
    let h = Hnsw::new(
        L2,
        16,
        HnswParams {
            ef_search: 77,
            ..HnswParams::default()
        },
    )
    .unwrap();
    let keys: Vec<u64> = (0..2000).map(|i| i * 3 + 1).collect();
    h.insert_batch(&keys, &flat(&d)).unwrap();
    h.delete(4);
    h.enable_quantization();
    let bytes = h.to_bytes().unwrap();
    let r = Hnsw::<L2>::from_bytes(&bytes).unwrap();
    assert_eq!(r.len(), h.len());
    assert_eq!(r.ef_search(), 77);
    assert!(r.is_quantized());
    assert!(!r.contains(4) && r.contains(7));
    for qq in &q {
        assert_eq!(h.search(qq, 10).unwrap(), r.search(qq, 10).unwrap());
    }
    // The reopened index accepts inserts.
    r.insert(1_000_000, &d[0]).unwrap();
    assert_eq!(r.len(), h.len() + 1);
}

#[test]
fn wrong_metric_is_refused() {
    let h = Hnsw::new(L2, 2, HnswParams::default()).unwrap();
    h.insert(1, &[0.1, 0.2]).unwrap();
    let bytes = h.to_bytes().unwrap();
    assert!(matches!(
        Hnsw::<Poincare>::from_bytes(&bytes),
        Err(IndexError::MetricMismatch { .. })
    ));
}

#[test]
fn corrupt_bytes_never_panic() {
    let d = data::uniform(42, 300, 8);
    let h = Hnsw::new(L2, 8, HnswParams::default()).unwrap();
    let keys: Vec<u64> = (0..300).collect();
    h.insert_batch(&keys, &flat(&d)).unwrap();
    let bytes = h.to_bytes().unwrap();
    assert!(Hnsw::<L2>::from_bytes(&bytes[..bytes.len() / 2]).is_err());
    assert!(Hnsw::<L2>::from_bytes(&[]).is_err());
    let mut state = 12345u64;
    for _ in 0..300 {
        let mut b = bytes.clone();
        for _ in 0..4 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let i = (state >> 33) as usize % b.len();
            b[i] ^= 1 << (state % 8);
        }
        // Either an error, or an index that searches without panicking.
        if let Ok(r) = Hnsw::<L2>::from_bytes(&b) {
            let _ = r.search(&d[0], 10);
        }
    }
}

#[test]
fn snapshot_survives_a_manifold_round_trip() {
    let d = data::clustered(43, 1000, 8, 10);
    let h = Hnsw::new(L2, 8, HnswParams::default()).unwrap();
    let keys: Vec<u64> = (0..1000).collect();
    h.insert_batch(&keys, &flat(&d)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("idx.manifold");
    {
        let db = manifold::Database::open(&path).unwrap();
        let cf = db.column_family_or_create("index_snapshots").unwrap();
        assert!(Hnsw::<L2>::load_from(&cf, "items").unwrap().is_none());
        h.save_to(&cf, "items").unwrap();
    }
    let db = manifold::Database::open(&path).unwrap();
    let cf = db.column_family("index_snapshots").unwrap();
    let r = Hnsw::<L2>::load_from(&cf, "items").unwrap().unwrap();
    assert_eq!(r.len(), 1000);
    for q in d.iter().take(20) {
        assert_eq!(h.search(q, 10).unwrap(), r.search(q, 10).unwrap());
    }
}

#[test]
fn snapshot_taken_during_inserts_reopens_with_every_node_linked() {
    let d = data::clustered(44, 3000, 8, 10);
    let h = std::sync::Arc::new(Hnsw::new(L2, 8, HnswParams::default()).unwrap());
    let keys: Vec<u64> = (0..500).collect();
    h.insert_batch(&keys, &flat(&d[..500])).unwrap();
    let writer = {
        let (h, d) = (h.clone(), d.clone());
        std::thread::spawn(move || {
            for (i, v) in d.iter().enumerate().skip(500) {
                h.insert(i as u64, v).unwrap();
            }
        })
    };
    let mut snaps = Vec::new();
    for _ in 0..5 {
        snaps.push(h.to_bytes().unwrap());
        std::thread::yield_now();
    }
    writer.join().unwrap();
    for bytes in snaps {
        let r = Hnsw::<L2>::from_bytes(&bytes).unwrap();
        let n = r.len();
        assert!(n >= 500);
        // Every stored vector is reachable: it is its own nearest neighbour.
        let found = (0..n)
            .filter(|&i| r.search(&d[i], 1).unwrap()[0].key == i as u64)
            .count();
        assert!(found + 2 >= n, "{found} of {n}");
    }
}
