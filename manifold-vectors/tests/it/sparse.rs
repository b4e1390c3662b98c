//! Sparse vectors: validation, inner product against a dense oracle, brute-force
//! search, and a BTreeMap model.

use crate::temp_family;
use manifold_vectors::{SparseVector, SparseVectorTable, VectorError};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use std::collections::BTreeMap;
use uuid::Uuid;

fn sparse(max_index: u32) -> impl Strategy<Value = SparseVector> {
    prop::collection::btree_map(0..max_index, -10.0f32..10.0, 0..40).prop_map(|m| {
        SparseVector::new(m.keys().copied().collect(), m.values().copied().collect()).unwrap()
    })
}

fn dense_dot(a: &SparseVector, b: &SparseVector) -> f64 {
    let m: BTreeMap<u32, f32> = a
        .indices()
        .iter()
        .copied()
        .zip(a.values().iter().copied())
        .collect();
    b.indices()
        .iter()
        .zip(b.values())
        .filter_map(|(i, v)| m.get(i).map(|w| f64::from(*w) * f64::from(*v)))
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn dot_matches_the_dense_oracle(a in sparse(100), b in sparse(100)) {
        let exact = dense_dot(&a, &b);
        prop_assert!((f64::from(a.dot(&b)) - exact).abs() <= 1e-3);
        prop_assert_eq!(a.dot(&b), b.dot(&a));
    }
}

#[test]
fn bad_sparse_vectors_are_refused() {
    let e = SparseVector::new(vec![3, 1], vec![1.0, 2.0]).unwrap_err();
    assert!(
        matches!(
            e,
            VectorError::UnsortedSparse {
                position: 1,
                previous: 3,
                index: 1
            }
        ),
        "{e}"
    );
    let e = SparseVector::new(vec![1, 5, 5], vec![1.0, 2.0, 3.0]).unwrap_err();
    assert!(
        matches!(
            e,
            VectorError::DuplicateSparse {
                position: 2,
                index: 5
            }
        ),
        "{e}"
    );
    let e = SparseVector::new(vec![1, 2], vec![1.0]).unwrap_err();
    assert!(
        matches!(
            e,
            VectorError::SparseLength {
                indices: 2,
                values: 1
            }
        ),
        "{e}"
    );
    let e = SparseVector::from_pairs(&[(1, 1.0), (2, f32::NAN)]).unwrap_err();
    assert!(matches!(e, VectorError::NotFinite { index: 1, .. }), "{e}");
    assert!(e.to_string().contains("finite"));
}

#[test]
fn table_stores_searches_and_matches_a_model() {
    let (_dir, _db, cf) = temp_family();
    let table = SparseVectorTable::open(&cf, "bm25").unwrap();
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strat = prop::collection::vec(sparse(500), 300);
    let vectors = strat.new_tree(&mut runner).unwrap().current();
    let items: Vec<(Uuid, SparseVector)> = vectors
        .into_iter()
        .enumerate()
        .map(|(i, v)| (Uuid::from_u128(i as u128), v))
        .collect();
    table
        .insert_batch(items.iter().map(|(id, v)| (*id, v)))
        .unwrap();
    assert!(table.remove(items[7].0).unwrap());
    let model: BTreeMap<Uuid, SparseVector> = items
        .iter()
        .filter(|(id, _)| *id != items[7].0)
        .cloned()
        .collect();
    assert_eq!(table.len().unwrap(), model.len() as u64);
    for (id, v) in model.iter().take(20) {
        assert_eq!(table.get(*id).unwrap().as_ref(), Some(v));
    }
    let r = table.reader().unwrap();
    let query = items[3].1.clone();
    let hits = r.search(&query, 5).unwrap();
    let mut exact: Vec<(f32, Uuid)> = model.iter().map(|(id, v)| (v.dot(&query), *id)).collect();
    exact.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let want: Vec<(f32, Uuid)> = exact[..5].to_vec();
    let got: Vec<(f32, Uuid)> = hits.iter().map(|s| (s.score, s.id)).collect();
    assert_eq!(got, want);
    assert_eq!(r.dot(items[3].0, &query).unwrap(), Some(query.dot(&query)));
}
