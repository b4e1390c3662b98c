//! Vector distances and similarities on manifold-vectors' SIMD kernels, with the
//! interpreted engine's conventions: `SIMILARITY` is `1 - distance` for cosine and
//! `-distance` for the other metrics.

pub use manifold_vectors::Metric;

/// The distance between `a` and `b` under `metric`.
pub fn distance(metric: Metric, a: &[f32], b: &[f32]) -> f64 {
    f64::from(metric.distance(a, b))
}

/// The similarity (larger is nearer) of `a` and `b` under `metric`.
pub fn similarity(metric: Metric, a: &[f32], b: &[f32]) -> f64 {
    let d = distance(metric, a, b);
    match metric {
        Metric::Cosine => 1.0 - d,
        _ => -d,
    }
}
