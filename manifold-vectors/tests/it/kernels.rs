//! SIMD against scalar kernels, on slices and on stored bytes, within the stated
//! tolerance; both against an f64 oracle.

use crate::oracle_distance;
use manifold_vectors::{Metric, VectorRef, scalar, simd, tolerance};
use proptest::prelude::*;

fn to_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn pair() -> impl Strategy<Value = (Vec<f32>, Vec<f32>)> {
    (0usize..300).prop_flat_map(|n| {
        (
            prop::collection::vec(-100.0f32..100.0, n),
            prop::collection::vec(-100.0f32..100.0, n),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn simd_matches_scalar_within_tolerance((a, b) in pair()) {
        let n = a.len();
        let abs_dot: f64 = a.iter().zip(&b).map(|(x, y)| f64::from((x * y).abs())).sum();
        let abs_l2: f64 = a.iter().zip(&b).map(|(x, y)| f64::from((x - y) * (x - y))).sum();
        let abs_l1: f64 = a.iter().zip(&b).map(|(x, y)| f64::from((x - y).abs())).sum();
        let (a, b) = (a.as_slice(), b.as_slice());
        let slack = 1e-30;
        prop_assert!(f64::from((simd::dot(a, b) - scalar::dot(a, b)).abs()) <= tolerance(n, abs_dot) + slack);
        prop_assert!(f64::from((simd::l2_squared(a, b) - scalar::l2_squared(a, b)).abs()) <= tolerance(n, abs_l2) + slack);
        prop_assert!(f64::from((simd::l1(a, b) - scalar::l1(a, b)).abs()) <= tolerance(n, abs_l1) + slack);
        let cos = f64::from((simd::cosine_distance(a, b) - scalar::cosine_distance(a, b)).abs());
        prop_assert!(cos <= 6.0 * n as f64 * f64::from(f32::EPSILON) + 1e-7, "cosine differs by {cos}");
        // Both are close to exact arithmetic too.
        for m in [Metric::Dot, Metric::L1] {
            let exact = oracle_distance(m, a, b);
            let scale = if m == Metric::Dot { abs_dot } else { abs_l1 };
            prop_assert!((f64::from(m.distance(a, b)) - exact).abs() <= tolerance(n, scale) + 1e-9);
        }
    }

    #[test]
    fn minkowski_kernels_match_scalar_and_exact((a, b) in pair()) {
        let n = a.len();
        let abs_dot: f64 = a.iter().zip(&b).map(|(x, y)| f64::from((x * y).abs())).sum();
        let abs_l2: f64 = a.iter().zip(&b).map(|(x, y)| f64::from((x - y) * (x - y))).sum();
        // Component 0 is subtracted twice from the Euclidean sums.
        let (t_dot, t_l2) = match (a.first(), b.first()) {
            (Some(x), Some(y)) => (f64::from((x * y).abs()), f64::from((x - y) * (x - y))),
            _ => (0.0, 0.0),
        };
        let exact_dot: f64 = a.iter().zip(&b).enumerate()
            .map(|(i, (x, y))| {
                let sign = if i == 0 { -1.0 } else { 1.0 };
                sign * f64::from(*x) * f64::from(*y)
            })
            .sum();
        let exact_diff: f64 = a.iter().zip(&b).enumerate()
            .map(|(i, (x, y))| {
                let d = f64::from(*x) - f64::from(*y);
                if i == 0 { -d * d } else { d * d }
            })
            .sum();
        let (a, b) = (a.as_slice(), b.as_slice());
        let bound_dot = tolerance(n + 2, abs_dot + 2.0 * t_dot) + 1e-30;
        let bound_l2 = tolerance(n + 2, abs_l2 + 2.0 * t_l2) + 1e-30;
        let (sd, rd) = (simd::minkowski_dot(a, b), scalar::minkowski_dot(a, b));
        prop_assert!(f64::from((sd - rd).abs()) <= bound_dot, "{sd} vs {rd}");
        prop_assert!((f64::from(rd) - exact_dot).abs() <= bound_dot, "{rd} vs {exact_dot}");
        let (sl, rl) = (simd::minkowski_diff_squared(a, b), scalar::minkowski_diff_squared(a, b));
        prop_assert!(f64::from((sl - rl).abs()) <= bound_l2, "{sl} vs {rl}");
        prop_assert!((f64::from(rl) - exact_diff).abs() <= bound_l2, "{rl} vs {exact_diff}");
    }

    #[test]
    fn stored_bytes_give_the_same_bits_as_slices((a, b) in pair(), offset in 0usize..4) {
        // Unaligned on purpose: the view starts `offset` bytes into the buffer.
        let mut buf = vec![0u8; offset];
        buf.extend(to_bytes(&a));
        let stored = VectorRef::new(&buf[offset..]).unwrap();
        let b = b.as_slice();
        for m in [Metric::Cosine, Metric::Dot, Metric::L2, Metric::L1] {
            prop_assert_eq!(m.distance(stored, b).to_bits(), m.distance(a.as_slice(), b).to_bits());
            prop_assert_eq!(m.distance_scalar(stored, b).to_bits(), m.distance_scalar(a.as_slice(), b).to_bits());
        }
        prop_assert_eq!(stored.to_vec(), a);
    }
}

#[test]
fn cosine_of_zero_vector_is_one_and_of_parallel_is_zero() {
    let z = [0.0f32; 16];
    let v: Vec<f32> = (0..16).map(|i| i as f32).collect();
    let w: Vec<f32> = v.iter().map(|x| 3.0 * x).collect();
    assert_eq!(Metric::Cosine.distance(&z[..], v.as_slice()), 1.0);
    assert!(Metric::Cosine.distance(v.as_slice(), w.as_slice()) < 1e-6);
    assert_eq!(Metric::L2.distance(v.as_slice(), v.as_slice()), 0.0);
    assert_eq!(
        Metric::Dot.distance(v.as_slice(), v.as_slice()),
        -(0..16).map(|i| (i * i) as f32).sum::<f32>()
    );
}

#[test]
fn odd_byte_count_is_refused() {
    assert!(VectorRef::new(&[0u8; 7]).is_err());
}
