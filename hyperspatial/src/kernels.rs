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

/// Hints the CPU to start loading every cache line of `data`: issued for the
/// vectors of a node's neighbours before their distances are computed, so the
/// loads overlap instead of each stalling in turn. No effect off x86-64.
#[inline(always)]
#[allow(unsafe_code)]
pub fn prefetch<T>(data: &[T]) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let p = data.as_ptr().cast::<i8>();
        let bytes = std::mem::size_of_val(data);
        let mut off = 0;
        while off < bytes {
            // SAFETY: a prefetch is only a hint and never faults; the address is
            // inside `data` because `off < size_of_val(data)`.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(p.add(off)) };
            off += 64;
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = data;
}
