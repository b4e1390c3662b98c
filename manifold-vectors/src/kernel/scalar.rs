//! Scalar kernels: one component at a time, summed left to right in f32. The reference
//! the SIMD kernels are tested against.

use super::{Lanes, cosine_from_parts};

/// Inner product.
pub fn dot<A: Lanes, B: Lanes>(a: A, b: B) -> f32 {
    let n = a.len().min(b.len());
    let mut s = 0.0f32;
    for i in 0..n {
        s += a.at(i) * b.at(i);
    }
    s
}

/// Squared Euclidean distance.
pub fn l2_squared<A: Lanes, B: Lanes>(a: A, b: B) -> f32 {
    let n = a.len().min(b.len());
    let mut s = 0.0f32;
    for i in 0..n {
        let d = a.at(i) - b.at(i);
        s += d * d;
    }
    s
}

/// Minkowski inner product `-a_0 b_0 + sum_{i>=1} a_i b_i`; 0 when either vector is
/// empty.
pub fn minkowski_dot<A: Lanes, B: Lanes>(a: A, b: B) -> f32 {
    let n = a.len().min(b.len());
    if n == 0 {
        return 0.0;
    }
    let mut s = -(a.at(0) * b.at(0));
    for i in 1..n {
        s += a.at(i) * b.at(i);
    }
    s
}

/// Squared Minkowski norm of `a - b`: `-(a_0 - b_0)^2 + sum_{i>=1} (a_i - b_i)^2`; 0
/// when either vector is empty.
pub fn minkowski_diff_squared<A: Lanes, B: Lanes>(a: A, b: B) -> f32 {
    let n = a.len().min(b.len());
    if n == 0 {
        return 0.0;
    }
    let d0 = a.at(0) - b.at(0);
    let mut s = -(d0 * d0);
    for i in 1..n {
        let d = a.at(i) - b.at(i);
        s += d * d;
    }
    s
}

/// Manhattan distance.
pub fn l1<A: Lanes, B: Lanes>(a: A, b: B) -> f32 {
    let n = a.len().min(b.len());
    let mut s = 0.0f32;
    for i in 0..n {
        s += (a.at(i) - b.at(i)).abs();
    }
    s
}

/// Cosine distance `1 - cos(a, b)` (`1` if either vector is zero).
pub fn cosine_distance<A: Lanes, B: Lanes>(a: A, b: B) -> f32 {
    let n = a.len().min(b.len());
    let (mut d, mut na, mut nb) = (0.0f32, 0.0f32, 0.0f32);
    for i in 0..n {
        let (x, y) = (a.at(i), b.at(i));
        d += x * y;
        na += x * x;
        nb += y * y;
    }
    cosine_from_parts(d, na, nb)
}
