//! Points on the sphere of radius `r` around the origin: where the embedding and
//! property maps put their (unit) direction vectors.
//!
//! Two points at radius `r` whose directions make the angle `a` are at distance
//! `arcosh(1 + 2 sinh(r)^2 sin(a / 2)^2)`, an increasing function of `a`: ranking
//! by hyperbolic distance is exactly ranking by cosine similarity of the
//! directions.

use super::lorentz::{exp_into, from_origin_frame, origin};

/// `exp_o(r u)` for a unit vector `u` of `R^d`.
pub(crate) fn on_sphere(u: &[f64], r: f64) -> Vec<f64> {
    let d = u.len();
    let o = origin(d);
    let mut t = vec![0.0; d + 1];
    from_origin_frame(&o, u, &mut t);
    t.iter_mut().for_each(|v| *v *= r);
    let mut x = vec![0.0; d + 1];
    exp_into(&o, &t, &mut x);
    x
}

/// `v / |v|`, or `None` for a zero (or non-finite) vector.
pub(crate) fn unit(v: &[f64]) -> Option<Vec<f64>> {
    let n = v.iter().map(|x| x * x).sum::<f64>().sqrt();
    (n.is_finite() && n > 0.0).then(|| v.iter().map(|x| x / n).collect())
}
