//! `vector_distance` against a separate computation of each metric, in any letter case.

use hyperql::vector_distance;
use proptest::prelude::*;

/// The metric computed term by term, in one f64 sum per quantity.
fn oracle(metric: &str, a: &[f32], b: &[f32]) -> f64 {
    let pairs = || a.iter().zip(b).map(|(x, y)| (f64::from(*x), f64::from(*y)));
    match metric {
        "cosine" => {
            let dot: f64 = pairs().map(|(x, y)| x * y).sum();
            let na: f64 = pairs().map(|(x, _)| x * x).sum();
            let nb: f64 = pairs().map(|(_, y)| y * y).sum();
            if na == 0.0 || nb == 0.0 {
                1.0
            } else {
                1.0 - dot / (na.sqrt() * nb.sqrt())
            }
        }
        "dot" => -pairs().map(|(x, y)| x * y).sum::<f64>(),
        "euclidean" => pairs().map(|(x, y)| (x - y) * (x - y)).sum::<f64>().sqrt(),
        "manhattan" => pairs().map(|(x, y)| (x - y).abs()).sum(),
        "jaccard" => {
            let min: f64 = pairs().map(|(x, y)| x.abs().min(y.abs())).sum();
            let max: f64 = pairs().map(|(x, y)| x.abs().max(y.abs())).sum();
            if max == 0.0 { 0.0 } else { 1.0 - min / max }
        }
        _ => unreachable!(),
    }
}

fn pair() -> impl Strategy<Value = (Vec<f32>, Vec<f32>)> {
    (0usize..70).prop_flat_map(|n| {
        (
            prop::collection::vec(-10.0f32..10.0, n),
            prop::collection::vec(-10.0f32..10.0, n),
        )
    })
}

proptest! {
    #[test]
    fn every_metric_matches_the_sequential_sum((a, b) in pair()) {
        for metric in ["cosine", "dot", "euclidean", "manhattan", "jaccard"] {
            let got = vector_distance(metric, &a, &b).unwrap();
            let want = oracle(metric, &a, &b);
            let tol = 1e-9 * (1.0 + want.abs());
            prop_assert!((got - want).abs() <= tol, "{metric}: {got} vs {want}");
            let upper = vector_distance(&metric.to_ascii_uppercase(), &a, &b).unwrap();
            prop_assert_eq!(got, upper);
        }
    }
}

#[test]
fn aliases_unknown_metrics_and_length_mismatches() {
    let (a, b) = ([1.0f32, 2.0, 3.0], [3.0f32, 2.0, 1.0]);
    assert_eq!(
        vector_distance("l2", &a, &b),
        vector_distance("euclidean", &a, &b)
    );
    assert_eq!(
        vector_distance("l1", &a, &b),
        vector_distance("manhattan", &a, &b)
    );
    assert_eq!(vector_distance("hamming", &a, &b), None);
    assert_eq!(vector_distance("cosine", &a, &b[..2]), None);
    assert_eq!(vector_distance("cosine", &[0.0; 3], &b), Some(1.0));
}
