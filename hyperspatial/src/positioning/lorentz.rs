//! Allocation-free hyperboloid helpers on raw slices (curvature -1) for the hot
//! loops of positioning: the public [`Hyperboloid`](crate::Hyperboloid) checks and
//! allocates on every call, these do neither.
//!
//! A point of `H^d` is `d + 1` coordinates `x` with `<x, x>_L = -1` and `x0 > 0`; a
//! tangent vector at the origin `o = (1, 0, .., 0)` is identified with `R^d`.

use crate::geometry::arcosh1p;

/// Minkowski inner product `-x0 y0 + sum x_i y_i`.
#[inline]
pub(crate) fn mdot(x: &[f64], y: &[f64]) -> f64 {
    let spatial: f64 = x[1..].iter().zip(&y[1..]).map(|(a, b)| a * b).sum();
    spatial - x[0] * y[0]
}

/// Geodesic distance, through the Poincare images `p = x_s / (1 + x0)`:
/// `cosh d = 1 + |p - q|^2 (1 + x0)(1 + y0) / 2`. Differences of Poincare
/// coordinates stay accurate far from the origin (to radius ~30), where the
/// hyperboloid form of `x - y` cancels (its terms grow like `e^(2r)`), and
/// `arcosh(1 + t)` keeps close points accurate.
#[inline]
pub(crate) fn dist(x: &[f64], y: &[f64]) -> f64 {
    let (ax, ay) = (1.0 + x[0], 1.0 + y[0]);
    let sq: f64 = x[1..]
        .iter()
        .zip(&y[1..])
        .map(|(a, b)| {
            let d = a / ax - b / ay;
            d * d
        })
        .sum();
    arcosh1p(0.5 * sq * ax * ay)
}

/// Recomputes `x0` from the spatial coordinates so that `x` lies on the hyperboloid.
#[inline]
pub(crate) fn project(x: &mut [f64]) {
    let s: f64 = x[1..].iter().map(|v| v * v).sum();
    x[0] = (1.0 + s).sqrt();
}

/// The origin of `H^d` (`d + 1` coordinates).
pub(crate) fn origin(d: usize) -> Vec<f64> {
    let mut o = vec![0.0; d + 1];
    o[0] = 1.0;
    o
}

/// Squared Minkowski norm of a vector `v` tangent at `x`, without the
/// cancellation of `-v0^2 + |v_s|^2` far from the origin (where both terms are
/// `~cosh(r)^2` times larger than their difference).
///
/// Tangency gives `v0 = (x_s . v_s) / x0`, so with `a = |v_s|^2`, `b = x_s . v_s`
/// and `c = |x_s|^2 = x0^2 - 1`: `|v|^2 = a - b^2 / x0^2 = (ac - b^2) / c +
/// b^2 / (c x0^2)`, where `ac - b^2 = sum_{i<j} (v_i x_j - v_j x_i)^2` (Lagrange's
/// identity) is a sum of squares. Near the origin (`x0 < 100`, radius below ~5.3,
/// where the direct form loses under 1e-12 relative) the direct form is used.
#[inline]
pub(crate) fn tangent_norm_sq(x: &[f64], v: &[f64]) -> f64 {
    if x[0] < 100.0 {
        return mdot(v, v).max(0.0);
    }
    let (xs, vs) = (&x[1..], &v[1..]);
    let b: f64 = xs.iter().zip(vs).map(|(p, q)| p * q).sum();
    let c: f64 = xs.iter().map(|p| p * p).sum();
    let mut cross = 0.0;
    for i in 0..xs.len() {
        for j in 0..i {
            let t = vs[i] * xs[j] - vs[j] * xs[i];
            cross += t * t;
        }
    }
    cross / c + b * b / (c * x[0] * x[0])
}

/// Exponential map: writes `exp_x(v)` into `out` (`v` tangent at `x`).
///
/// `cosh` and `sinh / theta` come from one `expm1`, without cancellation:
/// with `e = expm1(theta)`, `cosh = 1 + e^2 / (2 (1 + e))` and
/// `sinh = e (e + 2) / (2 (1 + e))`.
#[inline]
pub(crate) fn exp_into(x: &[f64], v: &[f64], out: &mut [f64]) {
    let theta = tangent_norm_sq(x, v).sqrt();
    if theta < 1e-12 {
        for ((o, a), b) in out.iter_mut().zip(x).zip(v) {
            *o = a + b;
        }
    } else {
        let e = theta.exp_m1();
        let half = 0.5 / (1.0 + e);
        let (ch, sh) = (1.0 + e * e * half, e * (e + 2.0) * half / theta);
        for ((o, a), b) in out.iter_mut().zip(x).zip(v) {
            *o = ch * a + sh * b;
        }
    }
    project(out);
}

/// Parallel transport from the origin to `x` of the tangent vector `w in R^d` at the
/// origin: `(x_s . w, w + (x_s . w) / (1 + x0) x_s)`. An isometry onto `T_x`, so the
/// images of an orthonormal basis are an orthonormal frame at `x`.
#[inline]
pub(crate) fn from_origin_frame(x: &[f64], w: &[f64], out: &mut [f64]) {
    let xs = &x[1..];
    let xw: f64 = xs.iter().zip(w).map(|(a, b)| a * b).sum();
    let k = xw / (1.0 + x[0]);
    out[0] = xw;
    for ((o, wi), xi) in out[1..].iter_mut().zip(w).zip(xs) {
        *o = wi + k * xi;
    }
}

/// Inverse of [`from_origin_frame`]: coordinates in `R^d` of the tangent vector `t`
/// at `x`, `t_j - x_j t0 / (1 + x0)`.
#[inline]
pub(crate) fn to_origin_frame(x: &[f64], t: &[f64], out: &mut [f64]) {
    let k = t[0] / (1.0 + x[0]);
    for ((o, tj), xj) in out.iter_mut().zip(&t[1..]).zip(&x[1..]) {
        *o = tj - k * xj;
    }
}

/// Unit tangent vector at `x` pointing towards `y` (zero if they coincide), written
/// into `out`: the normalised `y - alpha x` with `alpha = -<x, y>_L`.
#[inline]
pub(crate) fn direction_to(x: &[f64], y: &[f64], out: &mut [f64]) {
    let alpha = -mdot(x, y);
    for ((o, a), b) in out.iter_mut().zip(x).zip(y) {
        *o = b - alpha * a;
    }
    // Remove the normal component left by rounding, then normalise.
    let k = mdot(x, out);
    for (o, a) in out.iter_mut().zip(x) {
        *o += k * a;
    }
    let n = tangent_norm_sq(x, out).sqrt();
    if n > 1e-300 && n.is_finite() {
        out.iter_mut().for_each(|v| *v /= n);
    } else {
        out.iter_mut().for_each(|v| *v = 0.0);
    }
}

/// Whether `x` is a finite point of the hyperboloid within relative tolerance `tol`
/// on `<x, x>_L = -1` (relative to `x0^2`, which bounds the rounding of the form).
pub(crate) fn on_hyperboloid(x: &[f64], tol: f64) -> bool {
    x.len() >= 2
        && x.iter().all(|v| v.is_finite())
        && x[0] > 0.0
        && (mdot(x, x) + 1.0).abs() <= tol * x[0] * x[0]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Hyperboloid;

    #[test]
    fn frame_transport_matches_the_general_transport() {
        let h = Hyperboloid::default();
        let x = h.lift(&[0.3, -1.2, 2.0]).unwrap();
        let w = [0.5, -0.25, 1.0];
        let mut t = [0.0; 4];
        from_origin_frame(&x, &w, &mut t);
        let general = h
            .transport(&origin(3), &x, &[0.0, 0.5, -0.25, 1.0])
            .unwrap();
        for (a, b) in t.iter().zip(&general) {
            assert!((a - b).abs() < 1e-12, "{t:?} {general:?}");
        }
        let mut back = [0.0; 3];
        to_origin_frame(&x, &t, &mut back);
        for (a, b) in back.iter().zip(&w) {
            assert!((a - b).abs() < 1e-12);
        }
    }

    #[test]
    fn tangent_norm_is_accurate_far_out() {
        // A unit tangent vector at radius 25 built in the origin frame.
        let h = Hyperboloid::default();
        let w = [0.6, -0.8, 0.0];
        let mut dir = [0.0; 4];
        from_origin_frame(&origin(3), &[1.0, 2.0, 2.0], &mut dir);
        let x: Vec<f64> = {
            let mut o = [0.0; 4];
            let v: Vec<f64> = dir.iter().map(|c| c * 25.0 / 3.0).collect();
            exp_into(&origin(3), &v, &mut o);
            o.to_vec()
        };
        assert!((x[0].acosh() - 25.0).abs() < 1e-9);
        let mut t = [0.0; 4];
        from_origin_frame(&x, &w, &mut t);
        // The ambient coordinates (~e^25) carry ~1e-5 absolute rounding; the direct
        // form -t0^2 + |t_s|^2 would be off by ~e^50 2^-52, about 1e5.
        assert!(
            (tangent_norm_sq(&x, &t) - 1.0).abs() < 1e-5,
            "{}",
            tangent_norm_sq(&x, &t)
        );
        // Moving 1 along it lands at distance 1 (measured in the Poincare ball: the
        // hyperboloid form of x - y cancels badly this far out).
        let mut y = [0.0; 4];
        exp_into(&x, &t, &mut y);
        let (px, py) = (
            crate::hyperboloid_to_poincare(&h, &x).unwrap(),
            crate::hyperboloid_to_poincare(&h, &y).unwrap(),
        );
        let d = crate::poincare_distance(&h, &px, &py).unwrap();
        assert!((d - 1.0).abs() < 1e-3, "{d}");
    }

    #[test]
    fn exp_along_direction_travels_the_distance() {
        let h = Hyperboloid::default();
        let x = h.lift(&[1.0, 0.5]).unwrap();
        let y = h.lift(&[-0.7, 2.0]).unwrap();
        let mut u = [0.0; 3];
        direction_to(&x, &y, &mut u);
        let d = dist(&x, &y);
        let v: Vec<f64> = u.iter().map(|c| c * d).collect();
        let mut z = [0.0; 3];
        exp_into(&x, &v, &mut z);
        assert!(dist(&z, &y) < 1e-9, "{z:?} {y:?}");
        assert!((d - h.distance(&x, &y).unwrap()).abs() < 1e-12);
    }
}
