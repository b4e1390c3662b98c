//! f32 SIMD distance kernels for the hyperbolic models (see the module docs of
//! `geometry` for their precision limits).

use super::arcosh1p_f32;
use crate::kernels;

/// Hyperboloid distance in f32 for curvature `-c`:
/// `arcosh(1 + c |x - y|_L^2 / 2) / sqrt(c)`, the Minkowski norm of the difference
/// computed with the SIMD `l2sq` kernel.
pub fn lorentz_distance_f32(c: f32, x: &[f32], y: &[f32]) -> f32 {
    let t = 0.5 * c * kernels::minkowski_diff_sq(x, y);
    arcosh1p_f32(t) / c.sqrt()
}

/// Poincare ball distance in f32 for curvature `-c`; points must be inside the ball.
pub fn poincare_distance_f32(c: f32, p: &[f32], q: &[f32]) -> f32 {
    let rp = kernels::dot(p, p);
    let rq = kernels::dot(q, q);
    let d2 = kernels::l2sq(p, q);
    let t = 2.0 * c * d2 / ((1.0 - c * rp) * (1.0 - c * rq));
    arcosh1p_f32(t) / c.sqrt()
}
