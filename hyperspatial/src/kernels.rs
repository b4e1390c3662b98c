//! The f32 distance kernels of the HNSW metrics and the f32 hyperbolic distances, on
//! slices: manifold-vectors' SIMD kernels (`wide::f32x8`, fused multiply-add on
//! x86-64-v3, four accumulators, a scalar tail), which also read stored bytes. They
//! are generic over their input; these monomorphic entry points keep the call sites
//! (and the crate's public `dot_f32`, `l2sq_f32`, `minkowski_dot_f32`) on `&[f32]`,
//! where deref coercion applies.

use manifold_vectors::simd;

/// Dot product `sum a[i] * b[i]`.
#[inline(always)]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    simd::dot(a, b)
}

/// Squared Euclidean distance `sum (a[i] - b[i])^2`.
#[inline(always)]
pub fn l2sq(a: &[f32], b: &[f32]) -> f32 {
    simd::l2_squared(a, b)
}

/// Squared Minkowski norm of `a - b`: `-(a0 - b0)^2 + sum_{i>=1} (a[i] - b[i])^2`,
/// accurate for close points (see [`simd::minkowski_diff_squared`]).
#[inline(always)]
pub fn minkowski_diff_sq(a: &[f32], b: &[f32]) -> f32 {
    simd::minkowski_diff_squared(a, b)
}

/// Minkowski inner product `-a0 b0 + sum_{i>=1} a[i] b[i]`.
#[inline(always)]
pub fn minkowski_dot(a: &[f32], b: &[f32]) -> f32 {
    simd::minkowski_dot(a, b)
}
