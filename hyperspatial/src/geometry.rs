//! Hyperbolic geometry: the hyperboloid (Lorentz) model in f64, conversions to and
//! from the Poincare ball and the Klein disk, and f32 SIMD kernels.
//!
//! Conventions: the space has constant curvature `-c` (`c > 0`, default 1). A point
//! of the hyperboloid is `x = (x0, x1, .., xn)` with `<x, x>_L = -1/c` and `x0 > 0`,
//! where `<x, y>_L = -x0 y0 + sum x_i y_i`. The Poincare ball and the Klein disk have
//! radius `1/sqrt(c)`.
//!
//! Precision (measured with points at hyperbolic radius r from the origin and a
//! second point at distance t from the first; see `tests/it/geometry.rs`):
//! - f64: distances accurate to ~1e-12 relative up to radius ~30 for points at
//!   about the same radius; nearly equal points stay accurate because distances
//!   come from coordinate differences (`arcosh(1 + t)` through `ln_1p`), never
//!   from `arcosh` of a rounded product. Between points at different radii the
//!   Minkowski form of the difference cancels like `e^(2r)`: max absolute error
//!   4e-4 at r = 15, 1.8 at r = 20 for a parent and a child one unit further out
//!   (`tests/it/farout.rs`). f64 Poincare coordinates with `1 - |p|^2 = 2 / (1 +
//!   x0)` stay accurate (7.5e-4 at r = 30): the position index uses them.
//! - f32 hyperboloid kernel: the coordinates grow like `e^r / 2`, so the Minkowski
//!   form of a difference carries an absolute error ~`e^(2r) 2^-26`. Max absolute
//!   error on distances: 1e-5 at r = 3 (t = 1), 5e-4 at r = 4, 2.6e-3 at r = 5,
//!   2.4e-2 at r = 6, 1.0 at r = 8; useless past r ~ 7.
//! - f32 Poincare kernel: errors grow like `e^r 2^-24` only: max absolute error
//!   1e-5 at r = 6, 8e-5 at r = 8, 6e-4 at r = 10, 5e-3 at r = 12, 0.13 at r = 15;
//!   past r ~ 16 `1 - |p|` underflows f32 and points cannot be represented.
//!   This is why indexes store hyperboloid points as their Poincare images (the
//!   position index at f64 precision, see `index::Poincare64`).

mod convert;
mod hyperboloid;
mod simd;

pub use convert::{
    hyperboloid_to_klein, hyperboloid_to_poincare, klein_to_hyperboloid, poincare_distance,
    poincare_to_hyperboloid,
};
pub use hyperboloid::{Hyperboloid, minkowski_dot};
pub use simd::{lorentz_distance_f32, poincare_distance_f32};

/// Errors of geometric operations on invalid input.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum GeometryError {
    /// Two operands (or an operand and an output) have different dimensions.
    #[error("dimension mismatch: expected {expected}, got {got}")]
    DimensionMismatch {
        /// The dimension required.
        expected: usize,
        /// The dimension given.
        got: usize,
    },
    /// A coordinate is NaN or infinite.
    #[error("non-finite coordinate")]
    NonFinite,
    /// A Poincare or Klein point lies on or outside the boundary of the ball.
    #[error("point outside the open ball of radius 1/sqrt(c)")]
    OutsideBall,
    /// The curvature parameter is not a finite positive number.
    #[error("curvature must be finite and positive (the space has curvature -c), got {0}")]
    BadCurvature(f64),
    /// An empty input where at least one point is needed.
    #[error("empty input")]
    Empty,
}

/// `arcosh(1 + t)` for `t >= 0`, accurate for small `t` (no `z^2 - 1` cancellation).
#[inline]
pub(crate) fn arcosh1p(t: f64) -> f64 {
    let t = t.max(0.0);
    (t + (t * (t + 2.0)).sqrt()).ln_1p()
}

/// f32 version of [`arcosh1p`].
#[inline]
pub(crate) fn arcosh1p_f32(t: f32) -> f32 {
    let t = t.max(0.0);
    (t + (t * (t + 2.0)).sqrt()).ln_1p()
}

fn check_finite(x: &[f64]) -> Result<(), GeometryError> {
    if x.iter().all(|v| v.is_finite()) {
        Ok(())
    } else {
        Err(GeometryError::NonFinite)
    }
}

fn check_dims(expected: usize, got: usize) -> Result<(), GeometryError> {
    if expected == got {
        Ok(())
    } else {
        Err(GeometryError::DimensionMismatch { expected, got })
    }
}
