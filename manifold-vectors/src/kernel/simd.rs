//! SIMD kernels: eight lanes at a time through `wide` (AVX2 and FMA on x86-64-v3), four
//! independent accumulators for the inner product and the Euclidean distance (enough
//! to hide the latency of a fused multiply-add), a scalar tail.

use super::{Lanes, cosine_from_parts};
use wide::f32x8;

/// Inner product.
#[inline]
pub fn dot<A: Lanes, B: Lanes>(a: A, b: B) -> f32 {
    let n = a.len().min(b.len());
    let chunks = n / 8;
    let mut s = [f32x8::ZERO; 4];
    let mut c = 0;
    while c + 4 <= chunks {
        for (k, acc) in s.iter_mut().enumerate() {
            *acc = a.chunk8(c + k).mul_add(b.chunk8(c + k), *acc);
        }
        c += 4;
    }
    while c < chunks {
        s[0] = a.chunk8(c).mul_add(b.chunk8(c), s[0]);
        c += 1;
    }
    let mut s = ((s[0] + s[1]) + (s[2] + s[3])).reduce_add();
    for i in chunks * 8..n {
        s += a.at(i) * b.at(i);
    }
    s
}

/// Squared Euclidean distance.
#[inline]
pub fn l2_squared<A: Lanes, B: Lanes>(a: A, b: B) -> f32 {
    let n = a.len().min(b.len());
    let chunks = n / 8;
    let mut s = [f32x8::ZERO; 4];
    let mut c = 0;
    while c + 4 <= chunks {
        for (k, acc) in s.iter_mut().enumerate() {
            let d = a.chunk8(c + k) - b.chunk8(c + k);
            *acc = d.mul_add(d, *acc);
        }
        c += 4;
    }
    while c < chunks {
        let d = a.chunk8(c) - b.chunk8(c);
        s[0] = d.mul_add(d, s[0]);
        c += 1;
    }
    let mut s = ((s[0] + s[1]) + (s[2] + s[3])).reduce_add();
    for i in chunks * 8..n {
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
