//! Conversions between the hyperboloid, the Poincare ball and the Klein disk, and the
//! Poincare distance. All maps are isometries of the same space of curvature `-c`.

use super::{GeometryError, Hyperboloid, arcosh1p, check_finite};

fn sq(x: &[f64]) -> f64 {
    x.iter().map(|v| v * v).sum()
}

fn inside_ball(c: f64, r2: f64) -> Result<(), GeometryError> {
    if c * r2 < 1.0 {
        Ok(())
    } else {
        Err(GeometryError::OutsideBall)
    }
}

/// Hyperboloid point (n+1 coordinates) to the Poincare ball (n coordinates):
/// `p = x_s / (1 + sqrt(c) x0)`.
pub fn hyperboloid_to_poincare(h: &Hyperboloid, x: &[f64]) -> Result<Vec<f64>, GeometryError> {
    check_finite(x)?;
    let (x0, xs) = x.split_first().ok_or(GeometryError::Empty)?;
    let den = 1.0 + h.c().sqrt() * x0;
    Ok(xs.iter().map(|v| v / den).collect())
}

/// Poincare ball point to the hyperboloid:
/// `x0 = (1 + c|p|^2) / (sqrt(c) (1 - c|p|^2))`, `x_s = 2p / (1 - c|p|^2)`.
pub fn poincare_to_hyperboloid(h: &Hyperboloid, p: &[f64]) -> Result<Vec<f64>, GeometryError> {
    check_finite(p)?;
    let c = h.c();
    let r2 = sq(p);
    inside_ball(c, r2)?;
    let den = 1.0 - c * r2;
    let mut x = Vec::with_capacity(p.len() + 1);
    x.push((1.0 + c * r2) / (c.sqrt() * den));
    x.extend(p.iter().map(|v| 2.0 * v / den));
    Ok(x)
}

/// Hyperboloid point to the Klein disk: `k = x_s / (sqrt(c) x0)`.
pub fn hyperboloid_to_klein(h: &Hyperboloid, x: &[f64]) -> Result<Vec<f64>, GeometryError> {
    check_finite(x)?;
    let (x0, xs) = x.split_first().ok_or(GeometryError::Empty)?;
    let den = h.c().sqrt() * x0;
    Ok(xs.iter().map(|v| v / den).collect())
}

/// Klein disk point to the hyperboloid: `x0 = 1 / (sqrt(c) sqrt(1 - c|k|^2))`,
/// `x_s = sqrt(c) x0 k`.
pub fn klein_to_hyperboloid(h: &Hyperboloid, k: &[f64]) -> Result<Vec<f64>, GeometryError> {
    check_finite(k)?;
    let c = h.c();
    let r2 = sq(k);
    inside_ball(c, r2)?;
    let x0 = 1.0 / (c.sqrt() * (1.0 - c * r2).sqrt());
    let mut x = Vec::with_capacity(k.len() + 1);
    x.push(x0);
    x.extend(k.iter().map(|v| c.sqrt() * x0 * v));
    Ok(x)
}

/// Distance in the Poincare ball of curvature `-c`:
/// `arcosh(1 + 2c|p - q|^2 / ((1 - c|p|^2)(1 - c|q|^2))) / sqrt(c)`.
pub fn poincare_distance(h: &Hyperboloid, p: &[f64], q: &[f64]) -> Result<f64, GeometryError> {
    super::check_dims(p.len(), q.len())?;
    check_finite(p)?;
    check_finite(q)?;
    let c = h.c();
    let (rp, rq) = (sq(p), sq(q));
    inside_ball(c, rp)?;
    inside_ball(c, rq)?;
    let d2: f64 = p.iter().zip(q).map(|(a, b)| (a - b) * (a - b)).sum();
    let t = 2.0 * c * d2 / ((1.0 - c * rp) * (1.0 - c * rq));
    Ok(arcosh1p(t) / c.sqrt())
}
