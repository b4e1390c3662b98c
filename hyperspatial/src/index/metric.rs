//! Distance functions the index ranks by. Each metric stores a prepared copy of a
//! vector (padded with zeros to a multiple of 8 lanes) plus one f32 of per-vector
//! auxiliary data, and ranks by a cheap surrogate that is monotone in the true
//! distance (squared L2, `1 - cos`, the Minkowski norm of a difference, ...).

use super::IndexError;
use crate::geometry::arcosh1p_f32;
use crate::kernels;

/// Which metric an index (or snapshot) uses, with its parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MetricKind {
    /// Euclidean distance.
    L2,
    /// Cosine distance `1 - cos(a, b)`; vectors are normalized on insert.
    Cosine,
    /// Negative inner product (maximum inner product search).
    Dot,
    /// Hyperboloid model of curvature `-c`; vectors are ambient coordinates.
    Lorentz {
        /// The `c` of curvature `-c`.
        c: f32,
    },
    /// Poincare ball of curvature `-c` (radius `1/sqrt(c)`).
    Poincare {
        /// The `c` of curvature `-c`.
        c: f32,
    },
    /// Poincare ball of curvature `-c` with f64 coordinates in f32 lanes (see
    /// [`Poincare64`](super::Poincare64)).
    Poincare64 {
        /// The `c` of curvature `-c`.
        c: f32,
    },
}

/// A distance the HNSW index can rank by.
pub trait Metric: Clone + Send + Sync + 'static {
    /// The kind stored in snapshots.
    fn kind(&self) -> MetricKind;
    /// Rebuilds the metric from a snapshot's kind, if it is this metric's kind.
    fn from_kind(kind: MetricKind) -> Option<Self>;
    /// Validates `input` and writes its prepared form into `out` (same length as
    /// `input` or longer; extra lanes must be left zero). Returns the auxiliary value.
    fn prepare(&self, input: &[f32], out: &mut [f32]) -> Result<f32, IndexError>;
    /// A value monotone in the distance between two prepared vectors.
    fn surrogate(&self, a: &[f32], a_aux: f32, b: &[f32], b_aux: f32) -> f32;
    /// The true distance for a surrogate value.
    fn distance(&self, surrogate: f32) -> f32;
    /// The value the graph is built by; the search surrogate unless that is not a
    /// metric (the inner product builds by L2 and searches by the inner product).
    #[inline(always)]
    fn build_surrogate(&self, a: &[f32], a_aux: f32, b: &[f32], b_aux: f32) -> f32 {
        self.surrogate(a, a_aux, b, b_aux)
    }
    /// Whether prepared vectors may be scalar-quantized (false when their lanes are
    /// not coordinates that tolerate rounding).
    fn quantizable(&self) -> bool {
        true
    }
    /// `Some(alpha)` relaxes the neighbour-selection heuristic as Vamana does: a
    /// candidate is dropped only if a kept neighbour is nearer to it by a factor
    /// `alpha` in true distance (not merely nearer). `None` keeps the HNSW rule.
    fn prune_alpha(&self) -> Option<f32> {
        None
    }
}

fn copy_finite(input: &[f32], out: &mut [f32]) -> Result<(), IndexError> {
    if !input.iter().all(|v| v.is_finite()) {
        return Err(IndexError::NonFinite);
    }
    out[..input.len()].copy_from_slice(input);
    Ok(())
}

/// Euclidean distance, ranked by its square.
#[derive(Debug, Clone, Copy, Default)]
pub struct L2;

impl Metric for L2 {
    fn kind(&self) -> MetricKind {
        MetricKind::L2
    }
    fn from_kind(kind: MetricKind) -> Option<Self> {
        matches!(kind, MetricKind::L2).then_some(L2)
    }
    fn prepare(&self, input: &[f32], out: &mut [f32]) -> Result<f32, IndexError> {
        copy_finite(input, out)?;
        Ok(0.0)
    }
    #[inline(always)]
    fn surrogate(&self, a: &[f32], _: f32, b: &[f32], _: f32) -> f32 {
        kernels::l2sq(a, b)
    }
    fn distance(&self, s: f32) -> f32 {
        s.max(0.0).sqrt()
    }
}

/// Cosine distance `1 - cos`; zero vectors are rejected.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cosine;

impl Metric for Cosine {
    fn kind(&self) -> MetricKind {
        MetricKind::Cosine
    }
    fn from_kind(kind: MetricKind) -> Option<Self> {
        matches!(kind, MetricKind::Cosine).then_some(Cosine)
    }
    fn prepare(&self, input: &[f32], out: &mut [f32]) -> Result<f32, IndexError> {
        copy_finite(input, out)?;
        let n: f64 = input.iter().map(|v| f64::from(*v) * f64::from(*v)).sum();
        if n == 0.0 || !n.is_finite() {
            return Err(IndexError::ZeroVector);
        }
        let inv = (1.0 / n.sqrt()) as f32;
        out.iter_mut().for_each(|v| *v *= inv);
        Ok(0.0)
    }
    #[inline(always)]
    fn surrogate(&self, a: &[f32], _: f32, b: &[f32], _: f32) -> f32 {
        1.0 - kernels::dot(a, b)
    }
    fn distance(&self, s: f32) -> f32 {
        s.max(0.0)
    }
}

/// Negative inner product: the nearest vector is the one with the largest dot.
/// The inner product is not a metric (a point is not its own nearest neighbour),
/// so the graph is built by Euclidean distance and only searched by the product.
#[derive(Debug, Clone, Copy, Default)]
pub struct Dot;

impl Metric for Dot {
    fn kind(&self) -> MetricKind {
        MetricKind::Dot
    }
    fn from_kind(kind: MetricKind) -> Option<Self> {
        matches!(kind, MetricKind::Dot).then_some(Dot)
    }
    fn prepare(&self, input: &[f32], out: &mut [f32]) -> Result<f32, IndexError> {
        copy_finite(input, out)?;
        Ok(0.0)
    }
    #[inline(always)]
    fn surrogate(&self, a: &[f32], _: f32, b: &[f32], _: f32) -> f32 {
        -kernels::dot(a, b)
    }
    fn distance(&self, s: f32) -> f32 {
        s
    }
    #[inline(always)]
    fn build_surrogate(&self, a: &[f32], _: f32, b: &[f32], _: f32) -> f32 {
        kernels::l2sq(a, b)
    }
}

fn check_c(c: f32) -> bool {
    c.is_finite() && c > 0.0
}

/// Hyperboloid (Lorentz) model of curvature `-c`. Vectors are the `n + 1` ambient
/// coordinates (`x0` is recomputed from the others, i.e. projected). Internally a
/// point is stored as its image in the Poincare ball, computed in f64: f32
/// hyperboloid coordinates lose all precision past radius ~6 (they grow like
/// `e^r`) while f32 ball coordinates stay accurate to radius ~12 (see `geometry`).
/// Ranks by the Poincare surrogate, which skips the `arcosh`.
#[derive(Debug, Clone, Copy)]
pub struct Lorentz {
    c: f32,
}

impl Lorentz {
    /// Curvature `-c`; `c` must be finite and positive.
    pub fn new(c: f32) -> Result<Self, IndexError> {
        if check_c(c) {
            Ok(Lorentz { c })
        } else {
            Err(IndexError::InvalidParams(
                "curvature must be finite and positive",
            ))
        }
    }
}

impl Default for Lorentz {
    fn default() -> Self {
        Lorentz { c: 1.0 }
    }
}

impl Metric for Lorentz {
    fn kind(&self) -> MetricKind {
        MetricKind::Lorentz { c: self.c }
    }
    fn from_kind(kind: MetricKind) -> Option<Self> {
        match kind {
            MetricKind::Lorentz { c } if check_c(c) => Some(Lorentz { c }),
            _ => None,
        }
    }
    fn prepare(&self, input: &[f32], out: &mut [f32]) -> Result<f32, IndexError> {
        if input.is_empty() {
            return Err(IndexError::DimensionMismatch {
                expected: 1,
                got: 0,
            });
        }
        if !input.iter().all(|v| v.is_finite()) {
            return Err(IndexError::NonFinite);
        }
        let c = f64::from(self.c);
        let s: f64 = input[1..]
            .iter()
            .map(|v| f64::from(*v) * f64::from(*v))
            .sum();
        let x0 = (1.0 / c + s).sqrt();
        let den = 1.0 + c.sqrt() * x0;
        for (o, v) in out.iter_mut().zip(&input[1..]) {
            *o = (f64::from(*v) / den) as f32;
        }
        // 1 - c|p|^2 = 2 / (1 + sqrt(c) x0) without cancellation.
        let w = (den / 2.0) as f32;
        if !w.is_finite() {
            return Err(IndexError::NonFinite);
        }
        Ok(w)
    }
    #[inline(always)]
    fn surrogate(&self, a: &[f32], a_aux: f32, b: &[f32], b_aux: f32) -> f32 {
        kernels::l2sq(a, b) * a_aux * b_aux
    }
    fn distance(&self, s: f32) -> f32 {
        arcosh1p_f32(2.0 * self.c * s) / self.c.sqrt()
    }
}

/// Poincare ball of curvature `-c`. Stores `1 / (1 - c|x|^2)` as auxiliary data and
/// ranks by `|a - b|^2 w_a w_b`, which skips the `arcosh`.
#[derive(Debug, Clone, Copy)]
pub struct Poincare {
    c: f32,
}

impl Poincare {
    /// Curvature `-c`; `c` must be finite and positive.
    pub fn new(c: f32) -> Result<Self, IndexError> {
        if check_c(c) {
            Ok(Poincare { c })
        } else {
            Err(IndexError::InvalidParams(
                "curvature must be finite and positive",
            ))
        }
    }
}

impl Default for Poincare {
    fn default() -> Self {
        Poincare { c: 1.0 }
    }
}

impl Metric for Poincare {
    fn kind(&self) -> MetricKind {
        MetricKind::Poincare { c: self.c }
    }
    fn from_kind(kind: MetricKind) -> Option<Self> {
        match kind {
            MetricKind::Poincare { c } if check_c(c) => Some(Poincare { c }),
            _ => None,
        }
    }
    fn prepare(&self, input: &[f32], out: &mut [f32]) -> Result<f32, IndexError> {
        copy_finite(input, out)?;
        let r2: f64 = input.iter().map(|v| f64::from(*v) * f64::from(*v)).sum();
        let den = 1.0 - f64::from(self.c) * r2;
        let w = (1.0 / den) as f32;
        if den <= 0.0 || !w.is_finite() {
            return Err(IndexError::OutsideBall);
        }
        Ok(w)
    }
    #[inline(always)]
    fn surrogate(&self, a: &[f32], a_aux: f32, b: &[f32], b_aux: f32) -> f32 {
        kernels::l2sq(a, b) * a_aux * b_aux
    }
    fn distance(&self, s: f32) -> f32 {
        arcosh1p_f32(2.0 * self.c * s) / self.c.sqrt()
    }
}
