//! Distance kernels, written once over [`Lanes`] so that the same code reads `&[f32]`
//! slices, stored little-endian bytes and i8-quantized codes.
//!
//! Tolerance between [`simd`] and [`scalar`] (both sum in f32, in different orders):
//! for `dot`, `l2_squared` and `l1` on `n` components the results differ by at most
//! `2 * n * f32::EPSILON * S`, where `S` is the sum of the absolute values of the
//! summed terms (`|a_i * b_i|`, `(a_i - b_i)^2`, `|a_i - b_i|`). For the cosine
//! distance they differ by at most `6 * n * f32::EPSILON` (Cauchy-Schwarz bounds `S` by
//! the product of the norms). [`tolerance`] computes the first bound. The Minkowski
//! kernels (`minkowski_dot`, `minkowski_diff_squared`) are an inner product or a
//! squared distance with the sign of component 0 flipped, and obey the first bound
//! with the terms of component 0 counted twice.

pub mod scalar;
pub mod simd;

use wide::f32x8;

/// A read-only sequence of f32 components, loaded one or eight at a time.
///
/// Implemented for `&[f32]`, [`crate::VectorRef`] (stored bytes) and
/// [`crate::QuantizedRef`] (i8 codes with a scale).
pub trait Lanes: Copy {
    /// Number of components.
    fn len(self) -> usize;
    /// Whether there are no components.
    fn is_empty(self) -> bool {
        self.len() == 0
    }
    /// Component `i` (`i < len`).
    fn at(self, i: usize) -> f32;
    /// Components `8 * c .. 8 * c + 8` (`8 * c + 8 <= len`).
    fn chunk8(self, c: usize) -> f32x8;
    /// The `len / 32` full blocks of 32 components, in order, as four chunks of
    /// eight: what the kernels' main loops read. Slices override it to walk their
    /// storage as arrays, without bounds checks.
    #[inline(always)]
    fn blocks32(self) -> impl Iterator<Item = [f32x8; 4]> {
        (0..self.len() / 32).map(move |b| std::array::from_fn(|k| self.chunk8(4 * b + k)))
    }
}

impl Lanes for &[f32] {
    #[inline(always)]
    fn len(self) -> usize {
        <[f32]>::len(self)
    }
    #[inline(always)]
    fn at(self, i: usize) -> f32 {
        self[i]
    }
    #[inline(always)]
    fn chunk8(self, c: usize) -> f32x8 {
        let mut a = [0f32; 8];
        a.copy_from_slice(&self[8 * c..8 * c + 8]);
        f32x8::from(a)
    }
    #[inline(always)]
    fn blocks32(self) -> impl Iterator<Item = [f32x8; 4]> {
        self.as_chunks::<32>().0.iter().map(|block| {
            let (c, _) = block.as_chunks::<8>();
            [c[0], c[1], c[2], c[3]].map(f32x8::from)
        })
    }
}

/// A distance (smaller is nearer) between two vectors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Metric {
    /// `1 - cos(a, b)`, in `[0, 2]`; `1` when either vector is zero.
    Cosine,
    /// `-(a . b)`: the larger the inner product, the nearer.
    Dot,
    /// Euclidean distance `sqrt(sum (a_i - b_i)^2)`.
    L2,
    /// Manhattan distance `sum |a_i - b_i|`.
    L1,
}

impl Metric {
    /// The distance between `a` and `b` with the SIMD kernels. Components past the
    /// shorter length are ignored (tables check dimensions before they get here).
    #[inline]
    pub fn distance<A: Lanes, B: Lanes>(self, a: A, b: B) -> f32 {
        match self {
            Metric::Cosine => simd::cosine_distance(a, b),
            Metric::Dot => -simd::dot(a, b),
            Metric::L2 => simd::l2_squared(a, b).sqrt(),
            Metric::L1 => simd::l1(a, b),
        }
    }

    /// The same distance with the scalar kernels (the reference for tests).
    pub fn distance_scalar<A: Lanes, B: Lanes>(self, a: A, b: B) -> f32 {
        match self {
            Metric::Cosine => scalar::cosine_distance(a, b),
            Metric::Dot => -scalar::dot(a, b),
            Metric::L2 => scalar::l2_squared(a, b).sqrt(),
            Metric::L1 => scalar::l1(a, b),
        }
    }
}

/// The stated bound `2 * n * f32::EPSILON * sum_of_abs_terms` on the difference between
/// two f32 summation orders (see the module docs).
pub fn tolerance(n: usize, sum_of_abs_terms: f64) -> f64 {
    2.0 * n as f64 * f64::from(f32::EPSILON) * sum_of_abs_terms
}

/// Cosine distance from a dot product and two squared norms.
#[inline(always)]
pub(crate) fn cosine_from_parts(dot: f32, na: f32, nb: f32) -> f32 {
    let denom = (na * nb).sqrt();
    if denom > 0.0 && denom.is_finite() {
        (1.0 - dot / denom).clamp(0.0, 2.0)
    } else {
        1.0
    }
}
