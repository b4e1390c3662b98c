//! Multi-vectors: MaxSim on stored bytes against a naive f64 oracle, and bad input.

use crate::{random_vectors, temp_family};
use manifold_vectors::{MultiVectorTable, VectorError};
use uuid::Uuid;

fn naive_maxsim(query: &[Vec<f32>], doc: &[Vec<f32>]) -> f64 {
    query
        .iter()
        .map(|q| {
            doc.iter()
                .map(|d| {
                    q.iter()
                        .zip(d)
                        .map(|(a, b)| f64::from(*a) * f64::from(*b))
                        .sum::<f64>()
                })
                .fold(f64::NEG_INFINITY, f64::max)
        })
        .sum()
}

#[test]
fn maxsim_search_matches_the_oracle() {
    let (_dir, _db, cf) = temp_family();
    let table = MultiVectorTable::<24>::open(&cf, "colbert").unwrap();
    let mut docs = Vec::new();
    for i in 0..120u64 {
        let tokens: Vec<Vec<f32>> = random_vectors(1 + (i as usize % 9), 24, i)
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        let id = Uuid::from_u128(u128::from(i) + 1000);
        table.insert(id, &tokens).unwrap();
        docs.push((id, tokens));
    }
    assert_eq!(table.len().unwrap(), 120);
    assert_eq!(
        table
            .get(docs[5].0)
            .unwrap()
            .unwrap()
            .iter()
            .map(|t| t.to_vec())
            .collect::<Vec<_>>(),
        docs[5].1
    );
    let query: Vec<Vec<f32>> = random_vectors(4, 24, 777)
        .into_iter()
        .map(|(_, v)| v)
        .collect();
    let r = table.reader().unwrap();
    for (id, tokens) in docs.iter().take(10) {
        let got = f64::from(r.maxsim(*id, &query).unwrap().unwrap());
        assert!((got - naive_maxsim(&query, tokens)).abs() < 1e-4);
    }
    let mut exact: Vec<(f64, Uuid)> = docs
        .iter()
        .map(|(id, t)| (naive_maxsim(&query, t), *id))
        .collect();
    exact.sort_by(|a, b| b.0.total_cmp(&a.0));
    let hits = r.search(&query, 5).unwrap();
    let got: Vec<Uuid> = hits.iter().map(|h| h.id).collect();
    let want: Vec<Uuid> = exact[..5].iter().map(|e| e.1).collect();
    assert_eq!(got, want);
    assert!(table.remove(docs[0].0).unwrap());
    assert_eq!(table.get(docs[0].0).unwrap(), None);
}

#[test]
fn bad_multi_vectors_are_refused() {
    let (_dir, _db, cf) = temp_family();
    let table = MultiVectorTable::<3>::open(&cf, "m").unwrap();
    let id = Uuid::from_u128(1);
    let none: [Vec<f32>; 0] = [];
    assert!(matches!(
        table.insert(id, &none),
        Err(VectorError::EmptyMultiVector)
    ));
    let e = table
        .insert(id, &[vec![1.0, 2.0, 3.0], vec![1.0]])
        .unwrap_err();
    assert!(matches!(
        e,
        VectorError::Dimension {
            expected: 3,
            got: 1
        }
    ));
    let e = table.insert(id, &[[1.0, f32::NAN, 3.0]]).unwrap_err();
    assert!(matches!(e, VectorError::NotFinite { .. }));
    assert_eq!(table.len().unwrap(), 0);
    // A dense table cannot be reopened as a multi-vector table.
    manifold_vectors::VectorTable::<3>::open(&cf, "dense").unwrap();
    assert!(matches!(
        MultiVectorTable::<3>::open(&cf, "dense"),
        Err(VectorError::LayoutMismatch { .. })
    ));
}
