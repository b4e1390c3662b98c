//! SIMD f32 kernels (`wide::f32x8`, fused multiply-add on x86-64-v3) with scalar
//! twins that the tests use as oracles.
//!
//! Every kernel accepts slices of any (equal) length: full 8-lane chunks go through
//! four independent accumulators, the tail through a scalar loop.

use wide::f32x8;

#[inline(always)]
fn load(s: &[f32]) -> f32x8 {
    let mut a = [0.0f32; 8];
    a.copy_from_slice(&s[..8]);
    f32x8::new(a)
}

/// Dot product `sum a[i] * b[i]`.
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [f32x8::ZERO; 4];
    let mut ca = a.chunks_exact(32);
    let mut cb = b.chunks_exact(32);
    for (x, y) in (&mut ca).zip(&mut cb) {
        acc[0] = load(&x[0..]).mul_add(load(&y[0..]), acc[0]);
        acc[1] = load(&x[8..]).mul_add(load(&y[8..]), acc[1]);
        acc[2] = load(&x[16..]).mul_add(load(&y[16..]), acc[2]);
        acc[3] = load(&x[24..]).mul_add(load(&y[24..]), acc[3]);
    }
    let (ra, rb) = (ca.remainder(), cb.remainder());
    let mut c8a = ra.chunks_exact(8);
    let mut c8b = rb.chunks_exact(8);
    for (x, y) in (&mut c8a).zip(&mut c8b) {
        acc[0] = load(x).mul_add(load(y), acc[0]);
    }
    let mut sum = ((acc[0] + acc[1]) + (acc[2] + acc[3])).reduce_add();
    for (x, y) in c8a.remainder().iter().zip(c8b.remainder()) {
        sum += x * y;
    }
    sum
}

/// Squared Euclidean distance `sum (a[i] - b[i])^2`.
#[inline]
pub fn l2sq(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [f32x8::ZERO; 4];
    let mut ca = a.chunks_exact(32);
    let mut cb = b.chunks_exact(32);
    for (x, y) in (&mut ca).zip(&mut cb) {
        let d0 = load(&x[0..]) - load(&y[0..]);
        let d1 = load(&x[8..]) - load(&y[8..]);
        let d2 = load(&x[16..]) - load(&y[16..]);
        let d3 = load(&x[24..]) - load(&y[24..]);
        acc[0] = d0.mul_add(d0, acc[0]);
        acc[1] = d1.mul_add(d1, acc[1]);
        acc[2] = d2.mul_add(d2, acc[2]);
        acc[3] = d3.mul_add(d3, acc[3]);
    }
    let (ra, rb) = (ca.remainder(), cb.remainder());
    let mut c8a = ra.chunks_exact(8);
    let mut c8b = rb.chunks_exact(8);
    for (x, y) in (&mut c8a).zip(&mut c8b) {
        let d = load(x) - load(y);
        acc[0] = d.mul_add(d, acc[0]);
    }
    let mut sum = ((acc[0] + acc[1]) + (acc[2] + acc[3])).reduce_add();
    for (x, y) in c8a.remainder().iter().zip(c8b.remainder()) {
        let d = x - y;
        sum += d * d;
    }
    sum
}

/// Squared Minkowski norm of `a - b`: `-(a0 - b0)^2 + sum_{i>=1} (a[i] - b[i])^2`.
///
/// For two points on the same sheet of a hyperboloid this is `>= 0` in exact
/// arithmetic; computing it from differences keeps close points accurate where
/// `<a, b>_L` itself would cancel catastrophically.
#[inline]
pub fn minkowski_diff_sq(a: &[f32], b: &[f32]) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let d0 = a[0] - b[0];
    l2sq(a, b) - 2.0 * d0 * d0
}

/// Minkowski inner product `-a0 b0 + sum_{i>=1} a[i] b[i]`.
#[inline]
pub fn minkowski_dot(a: &[f32], b: &[f32]) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    dot(a, b) - 2.0 * a[0] * b[0]
}

/// Scalar reference for [`dot`], accumulated in f64.
#[cfg(test)]
fn dot_scalar(a: &[f32], b: &[f32]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| f64::from(*x) * f64::from(*y))
        .sum()
}

/// Scalar reference for [`l2sq`], accumulated in f64.
#[cfg(test)]
fn l2sq_scalar(a: &[f32], b: &[f32]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| {
            let d = f64::from(*x) - f64::from(*y);
            d * d
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernels_match_scalar_on_odd_lengths() {
        for n in [0usize, 1, 7, 8, 9, 31, 32, 33, 100, 784] {
            let a: Vec<f32> = (0..n).map(|i| (i as f32 * 0.37).sin()).collect();
            let b: Vec<f32> = (0..n).map(|i| (i as f32 * 0.11).cos()).collect();
            assert!(
                (f64::from(dot(&a, &b)) - dot_scalar(&a, &b)).abs() < 1e-3,
                "dot {n}"
            );
            assert!(
                (f64::from(l2sq(&a, &b)) - l2sq_scalar(&a, &b)).abs() < 1e-3,
                "l2 {n}"
            );
        }
    }
}
