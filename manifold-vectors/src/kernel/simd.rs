//! SIMD kernels: eight lanes at a time through `wide` (AVX2 and FMA on x86-64-v3), a
//! scalar tail. The inner product and the Euclidean distance read blocks of 32
//! components into four independent accumulators (enough to hide the latency of a
//! fused multiply-add), then the remaining chunks of eight into the first.

use super::{Lanes, cosine_from_parts};
use wide::f32x8;

/// Inner product.
#[inline]
pub fn dot<A: Lanes, B: Lanes>(a: A, b: B) -> f32 {
    let n = a.len().min(b.len());
    let [mut s0, mut s1, mut s2, mut s3] = [f32x8::ZERO; 4];
    for ([x0, x1, x2, x3], [y0, y1, y2, y3]) in a.blocks32().zip(b.blocks32()) {
        s0 = x0.mul_add(y0, s0);
        s1 = x1.mul_add(y1, s1);
        s2 = x2.mul_add(y2, s2);
        s3 = x3.mul_add(y3, s3);
    }
    for c in n / 32 * 4..n / 8 {
        s0 = a.chunk8(c).mul_add(b.chunk8(c), s0);
    }
    let mut s = ((s0 + s1) + (s2 + s3)).reduce_add();
    for i in n / 8 * 8..n {
        s += a.at(i) * b.at(i);
    }
    s
}

/// Squared Euclidean distance.
#[inline]
pub fn l2_squared<A: Lanes, B: Lanes>(a: A, b: B) -> f32 {
    let n = a.len().min(b.len());
    let [mut s0, mut s1, mut s2, mut s3] = [f32x8::ZERO; 4];
    for ([x0, x1, x2, x3], [y0, y1, y2, y3]) in a.blocks32().zip(b.blocks32()) {
        let (d0, d1, d2, d3) = (x0 - y0, x1 - y1, x2 - y2, x3 - y3);
        s0 = d0.mul_add(d0, s0);
        s1 = d1.mul_add(d1, s1);
        s2 = d2.mul_add(d2, s2);
        s3 = d3.mul_add(d3, s3);
    }
    for c in n / 32 * 4..n / 8 {
        let d = a.chunk8(c) - b.chunk8(c);
        s0 = d.mul_add(d, s0);
    }
    let mut s = ((s0 + s1) + (s2 + s3)).reduce_add();
    for i in n / 8 * 8..n {
        let d = a.at(i) - b.at(i);
        s += d * d;
    }
    s
}

/// Minkowski inner product `-a_0 b_0 + sum_{i>=1} a_i b_i` (the bilinear form of the
/// hyperboloid model: component 0 is time-like); 0 when either vector is empty.
#[inline]
pub fn minkowski_dot<A: Lanes, B: Lanes>(a: A, b: B) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    dot(a, b) - 2.0 * a.at(0) * b.at(0)
}

/// Squared Minkowski norm of `a - b`: `-(a_0 - b_0)^2 + sum_{i>=1} (a_i - b_i)^2`; 0
/// when either vector is empty.
///
/// For two points on the same sheet of a hyperboloid this is `>= 0` in exact
/// arithmetic; computing it from differences keeps close points accurate where
/// [`minkowski_dot`] itself would cancel catastrophically.
#[inline]
pub fn minkowski_diff_squared<A: Lanes, B: Lanes>(a: A, b: B) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let d0 = a.at(0) - b.at(0);
    l2_squared(a, b) - 2.0 * d0 * d0
}

/// Manhattan distance.
#[inline]
pub fn l1<A: Lanes, B: Lanes>(a: A, b: B) -> f32 {
    let n = a.len().min(b.len());
    let chunks = n / 8;
    let mut s0 = f32x8::ZERO;
    for c in 0..chunks {
        s0 += (a.chunk8(c) - b.chunk8(c)).abs();
    }
    let mut s = s0.reduce_add();
    for i in chunks * 8..n {
        s += (a.at(i) - b.at(i)).abs();
    }
    s
}

/// Cosine distance `1 - cos(a, b)` (`1` if either vector is zero): one pass computing
/// the inner product and both norms.
#[inline]
pub fn cosine_distance<A: Lanes, B: Lanes>(a: A, b: B) -> f32 {
    let n = a.len().min(b.len());
    let chunks = n / 8;
    let (mut d, mut na, mut nb) = (f32x8::ZERO, f32x8::ZERO, f32x8::ZERO);
    for c in 0..chunks {
        let (x, y) = (a.chunk8(c), b.chunk8(c));
        d = x.mul_add(y, d);
        na = x.mul_add(x, na);
        nb = y.mul_add(y, nb);
    }
    let (mut d, mut na, mut nb) = (d.reduce_add(), na.reduce_add(), nb.reduce_add());
    for i in chunks * 8..n {
        let (x, y) = (a.at(i), b.at(i));
        d += x * y;
        na += x * x;
        nb += y * y;
    }
    cosine_from_parts(d, na, nb)
}
