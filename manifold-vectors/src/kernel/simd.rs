//! SIMD kernels: eight lanes at a time through `wide` (AVX2 and FMA on x86-64-v3), two
//! accumulators, a scalar tail.

use super::{Lanes, cosine_from_parts};
use wide::f32x8;

/// Inner product.
#[inline]
pub fn dot<A: Lanes, B: Lanes>(a: A, b: B) -> f32 {
    let n = a.len().min(b.len());
    let chunks = n / 8;
    let (mut s0, mut s1) = (f32x8::ZERO, f32x8::ZERO);
    let mut c = 0;
    while c + 2 <= chunks {
        s0 = a.chunk8(c).mul_add(b.chunk8(c), s0);
        s1 = a.chunk8(c + 1).mul_add(b.chunk8(c + 1), s1);
        c += 2;
    }
    if c < chunks {
        s0 = a.chunk8(c).mul_add(b.chunk8(c), s0);
    }
    let mut s = (s0 + s1).reduce_add();
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
    let (mut s0, mut s1) = (f32x8::ZERO, f32x8::ZERO);
    let mut c = 0;
    while c + 2 <= chunks {
        let d0 = a.chunk8(c) - b.chunk8(c);
        let d1 = a.chunk8(c + 1) - b.chunk8(c + 1);
        s0 = d0.mul_add(d0, s0);
        s1 = d1.mul_add(d1, s1);
        c += 2;
    }
    if c < chunks {
        let d0 = a.chunk8(c) - b.chunk8(c);
        s0 = d0.mul_add(d0, s0);
    }
    let mut s = (s0 + s1).reduce_add();
    for i in chunks * 8..n {
        let d = a.at(i) - b.at(i);
        s += d * d;
    }
    s
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
