//! Hyperbolic geometry: the hyperboloid (Lorentz) model in f64, conversions to and
//! from the Poincare ball and the Klein disk, and f32 SIMD kernels.
//!
//! Conventions: the space has constant curvature `-c` (`c > 0`, default 1). A point
//! of the hyperboloid is `x = (x0, x1, .., xn)` with `<x, x>_L = -1/c` and `x0 > 0`,
//! where `<x, y>_L = -x0 y0 + sum x_i y_i`. The Poincare ball and the Klein disk have
//! radius `1/sqrt(c)`.
//!
//! Precision (measured by the property tests in `tests/it/geometry.rs`):
//! - f64 distances are accurate to about 1e-12 relative for points up to hyperbolic
//!   radius ~ 30 from the origin, and near-zero distances stay accurate because
//!   they are computed from coordinate differences (`arcosh(1 + t)` via `ln_1p`).
//! - The f32 kernels agree with f64 to about 1e-4 absolute on distances for points
//!   within radius ~ 6 of the origin. Further out the hyperboloid coordinates grow
//!   like `e^r / 2` and f32 spacing grows with them: at radius r the absolute error
//!   on a distance is about `e^r * 2^-24` (radius 10: ~1e-3 relative on unit
//!   distances; radius 15: unit distances are off by tens of percent). In the
//!   Poincare ball f32 cannot represent points past radius ~ 16 at all
//!   (`1 - |p|` falls under f32 epsilon); keep f32 data within radius ~ 10, or use
//!   the f64 functions.

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
