//! The hyperboloid model in f64: distances, projections, exp/log maps, parallel
//! transport and an approximate Frechet mean.

use super::{GeometryError, arcosh1p, check_dims, check_finite};

/// Minkowski inner product `-x0 y0 + sum_{i>=1} x_i y_i` (no dimension check: the
/// shorter length wins).
pub fn minkowski_dot(x: &[f64], y: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, (a, b)) in x.iter().zip(y).enumerate() {
        if i == 0 {
            s -= a * b;
        } else {
            s += a * b;
        }
    }
    s
}

/// Squared Minkowski norm of `x - y`, computed from differences.
fn minkowski_diff_sq(x: &[f64], y: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, (a, b)) in x.iter().zip(y).enumerate() {
        let d = a - b;
        if i == 0 {
            s -= d * d;
        } else {
            s += d * d;
        }
    }
    s
}

/// The hyperboloid `{x : <x, x>_L = -1/c, x0 > 0}` of curvature `-c`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hyperboloid {
    c: f64,
}

impl Default for Hyperboloid {
    fn default() -> Self {
        Hyperboloid { c: 1.0 }
    }
}

impl Hyperboloid {
    /// The model of curvature `-c`; `c` must be finite and positive.
    pub fn new(c: f64) -> Result<Self, GeometryError> {
        if c.is_finite() && c > 0.0 {
            Ok(Hyperboloid { c })
        } else {
            Err(GeometryError::BadCurvature(c))
        }
    }

    /// The `c` of curvature `-c`.
    pub fn c(&self) -> f64 {
        self.c
    }

    /// The point at the origin, `(1/sqrt(c), 0, .., 0)`, of ambient dimension `dim`.
    pub fn origin(&self, dim: usize) -> Vec<f64> {
        let mut o = vec![0.0; dim];
        if let Some(first) = o.first_mut() {
            *first = 1.0 / self.c.sqrt();
        }
        o
    }

    /// Geodesic distance `arcosh(-c <x, y>_L) / sqrt(c)`.
    ///
    /// Computed as `arcosh(1 + c |x - y|_L^2 / 2)`, which is the same on the
    /// hyperboloid and keeps close points accurate.
    pub fn distance(&self, x: &[f64], y: &[f64]) -> Result<f64, GeometryError> {
        check_dims(x.len(), y.len())?;
        Ok(self.distance_unchecked(x, y))
    }

    pub(crate) fn distance_unchecked(&self, x: &[f64], y: &[f64]) -> f64 {
        let t = 0.5 * self.c * minkowski_diff_sq(x, y);
        arcosh1p(t) / self.c.sqrt()
    }

    /// Projects an ambient point onto the hyperboloid by recomputing `x0` from the
    /// spatial coordinates `x1..xn` (the nearest point along the time axis).
    pub fn project(&self, x: &mut [f64]) -> Result<(), GeometryError> {
        check_finite(x)?;
        if x.is_empty() {
            return Err(GeometryError::Empty);
        }
        let s: f64 = x[1..].iter().map(|v| v * v).sum();
        x[0] = (1.0 / self.c + s).sqrt();
        Ok(())
    }

    /// The point whose spatial coordinates are `spatial`, lifted onto the hyperboloid.
    pub fn lift(&self, spatial: &[f64]) -> Result<Vec<f64>, GeometryError> {
        let mut x = Vec::with_capacity(spatial.len() + 1);
        x.push(0.0);
        x.extend_from_slice(spatial);
        self.project(&mut x)?;
        Ok(x)
    }

    /// Projects an ambient vector onto the tangent space at `x`: `v + c <x, v>_L x`.
    pub fn project_tangent(&self, x: &[f64], v: &mut [f64]) -> Result<(), GeometryError> {
        check_dims(x.len(), v.len())?;
        let k = self.c * minkowski_dot(x, v);
        for (vi, xi) in v.iter_mut().zip(x) {
            *vi += k * xi;
        }
        Ok(())
    }

    /// Exponential map at `x` of the tangent vector `v`.
    pub fn exp(&self, x: &[f64], v: &[f64]) -> Result<Vec<f64>, GeometryError> {
        check_dims(x.len(), v.len())?;
        check_finite(v)?;
        let norm = minkowski_dot(v, v).max(0.0).sqrt();
        let theta = self.c.sqrt() * norm;
        let mut out: Vec<f64> = if theta < 1e-12 {
            x.iter().zip(v).map(|(a, b)| a + b).collect()
        } else {
            let (ch, sh) = (theta.cosh(), theta.sinh() / theta);
            x.iter().zip(v).map(|(a, b)| ch * a + sh * b).collect()
        };
        self.project(&mut out)?;
        Ok(out)
    }

    /// Logarithmic map at `x` of the point `y`: the tangent vector at `x` pointing
    /// to `y` whose Minkowski norm is the distance.
    pub fn log(&self, x: &[f64], y: &[f64]) -> Result<Vec<f64>, GeometryError> {
        check_dims(x.len(), y.len())?;
        let d = self.distance_unchecked(x, y);
        let alpha = -self.c * minkowski_dot(x, y);
        let mut u: Vec<f64> = y.iter().zip(x).map(|(b, a)| b - alpha * a).collect();
        // Remove the residual normal component left by rounding.
        self.project_tangent(x, &mut u)?;
        let un = minkowski_dot(&u, &u).max(0.0).sqrt();
        if un < 1e-300 || d == 0.0 {
            return Ok(vec![0.0; x.len()]);
        }
        let k = d / un;
        u.iter_mut().for_each(|v| *v *= k);
        Ok(u)
    }

    /// Parallel transport of the tangent vector `v` at `x` along the geodesic to `y`.
    pub fn transport(&self, x: &[f64], y: &[f64], v: &[f64]) -> Result<Vec<f64>, GeometryError> {
        check_dims(x.len(), y.len())?;
        check_dims(x.len(), v.len())?;
        let k = self.c * minkowski_dot(y, v) / (1.0 - self.c * minkowski_dot(x, y));
        Ok(v.iter()
            .zip(x.iter().zip(y))
            .map(|(vi, (a, b))| vi + k * (a + b))
            .collect())
    }

    /// Approximate (weighted) Frechet mean by Karcher flow: start from the
    /// projected Euclidean mean, then repeat `mu <- exp_mu(s * mean_i w_i log_mu(x_i))`
    /// until the step is below `1e-10` or after `max_iter` steps. The step `s` is
    /// `1 / mean_i w_i d_i coth(d_i)`, a bound on the Hessian that keeps the flow
    /// from oscillating when the points are far apart.
    pub fn frechet_mean(
        &self,
        points: &[Vec<f64>],
        weights: Option<&[f64]>,
        max_iter: usize,
    ) -> Result<Vec<f64>, GeometryError> {
        let first = points.first().ok_or(GeometryError::Empty)?;
        let dim = first.len();
        let w: Vec<f64> = match weights {
            Some(w) => {
                check_dims(points.len(), w.len())?;
                w.to_vec()
            }
            None => vec![1.0; points.len()],
        };
        let total: f64 = w.iter().sum();
        if !(total.is_finite() && total > 0.0) {
            return Err(GeometryError::NonFinite);
        }
        let mut mu = vec![0.0; dim];
        for (p, wi) in points.iter().zip(&w) {
            check_dims(dim, p.len())?;
            check_finite(p)?;
            for (m, v) in mu.iter_mut().zip(p) {
                *m += wi * v / total;
            }
        }
        self.project(&mut mu)?;
        for _ in 0..max_iter {
            let mut step = vec![0.0; dim];
            let mut curvature_sum = 0.0;
            for (p, wi) in points.iter().zip(&w) {
                let l = self.log(&mu, p)?;
                for (s, v) in step.iter_mut().zip(&l) {
                    *s += wi * v / total;
                }
                // The Hessian of d^2/2 is d coth(d) across the geodesic (1 along
                // it); a plain unit step overshoots and oscillates, so scale by it.
                let d = self.c.sqrt() * self.distance_unchecked(&mu, p);
                let h = if d < 1e-8 { 1.0 } else { d / d.tanh() };
                curvature_sum += wi * h / total;
            }
            step.iter_mut().for_each(|s| *s /= curvature_sum.max(1.0));
            let norm = minkowski_dot(&step, &step).max(0.0).sqrt();
            mu = self.exp(&mu, &step)?;
            if norm < 1e-10 {
                break;
            }
        }
        Ok(mu)
    }
}
