//! i8 scalar quantization: the per-component error bound, the inner-product bound that
//! follows from it, and quantized search with reranking against exact search.

use crate::{random_vectors, temp_family};
use manifold_vectors::{
    Metric, QuantizedRef, VectorError, VectorTable, quantization_error_bound, quantize_into,
};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn every_component_is_within_half_a_step(v in prop::collection::vec(-1e6f32..1e6, 1..200),
                                             q in prop::collection::vec(-10f32..10.0, 200)) {
        let mut buf = Vec::new();
        quantize_into(&v, &mut buf);
        let stored = QuantizedRef::new(&buf).unwrap();
        let max = v.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        let bound = quantization_error_bound(max);
        let back = stored.to_vec();
        for (x, y) in v.iter().zip(&back) {
            prop_assert!((x - y).abs() <= bound, "{x} -> {y}, bound {bound}");
        }
        // Inner product: |q.v - q.v'| <= sum |q_i| * bound (plus f32 summation error).
        let q = &q[..v.len()];
        let exact: f64 = q.iter().zip(&v).map(|(a, b)| f64::from(*a) * f64::from(*b)).sum();
        let approx = f64::from(manifold_vectors::simd::dot(stored, q));
        let l1q: f64 = q.iter().map(|a| f64::from(a.abs())).sum();
        let sum_abs: f64 = q.iter().zip(&v).map(|(a, b)| f64::from((a * b).abs())).sum();
        let allowed = l1q * f64::from(bound) + manifold_vectors::tolerance(v.len(), sum_abs * 2.0) + 1e-6;
        prop_assert!((exact - approx).abs() <= allowed, "{exact} vs {approx}, allowed {allowed}");
    }
}

#[test]
fn zero_vector_quantizes_to_zero() {
    let mut buf = Vec::new();
    quantize_into(&[0.0; 9], &mut buf);
    assert_eq!(QuantizedRef::new(&buf).unwrap().to_vec(), vec![0.0; 9]);
}

#[test]
fn quantized_table_search_reranks_to_the_exact_answer() {
    let (_dir, _db, cf) = temp_family();
    let table = VectorTable::<64>::open_with(&cf, "q", true).unwrap();
    assert!(table.is_quantized());
    let data = random_vectors(1500, 64, 11);
    table
        .insert_batch(data.iter().map(|(id, v)| (*id, v.as_slice())))
        .unwrap();
    let id0 = data[0].0;
    assert!(table.remove(id0).unwrap());
    let r = table.reader().unwrap();
    assert_eq!(r.get_quantized(id0).unwrap(), None);
    let (id1, v1) = &data[1];
    let dq = r.get_quantized(*id1).unwrap().unwrap();
    let max = v1.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    assert!(
        v1.iter()
            .zip(&dq)
            .all(|(a, b)| (a - b).abs() <= quantization_error_bound(max))
    );

    let mut recall_hits = 0;
    let queries = random_vectors(20, 64, 5);
    for (_, q) in &queries {
        let exact = r.search(q, 10, Metric::L2).unwrap();
        let reranked = r.search_quantized(q, 10, Metric::L2, 50).unwrap();
        assert_eq!(reranked, exact);
        let approx = r.search_quantized(q, 10, Metric::L2, 0).unwrap();
        recall_hits += approx
            .iter()
            .filter(|n| exact.iter().any(|e| e.id == n.id))
            .count();
    }
    // Quantized distances alone keep most of the true neighbours.
    assert!(recall_hits >= 20 * 10 * 8 / 10, "recall {recall_hits}/200");

    // The setting is recorded: reopening without it keeps it, asking otherwise fails.
    assert!(VectorTable::<64>::open(&cf, "q").unwrap().is_quantized());
    let e = VectorTable::<64>::open_with(&cf, "q", false).unwrap_err();
    assert!(matches!(e, VectorError::LayoutMismatch { .. }));
}
