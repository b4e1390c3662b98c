//! The embedding component: a Euclidean embedding of any dimension mapped to `H^d`.
//!
//! The map is fixed (it needs no training data and never changes for given options):
//!
//! 1. the input is normalised to unit length (embeddings are compared by cosine);
//! 2. a seeded random projection with orthonormal rows takes it to `R^d` (for
//!    `d >= n` an isometric embedding instead); by the Johnson-Lindenstrauss lemma
//!    angles are preserved up to a distortion that shrinks like `1 / sqrt(d)`;
//! 3. the projection is normalised again and sent to the sphere of radius `scale`
//!    around the origin by the exponential map.
//!
//! What is preserved: after step 2, exactly the ranking by cosine similarity (the
//! hyperbolic distance between two images is an increasing function of the angle
//! between their projected directions); relative to the input, neighbourhoods up to
//! the projection's distortion (tests check that most 10-nearest neighbours survive
//! on clustered data). Magnitudes are discarded.

use super::PositioningError;
use super::sphere::{on_sphere, unit};
use crate::rng::SplitMix64;

/// Options of the embedding map.
#[derive(Debug, Clone, PartialEq)]
pub struct EmbeddingOptions {
    /// Hyperbolic dimension `d` of the image. Default 16.
    pub dim: usize,
    /// Hyperbolic radius of the sphere the images lie on; antipodal inputs end up
    /// `2 scale` apart. Default 2.
    pub scale: f64,
    /// Seed of the projection; changing it changes every image.
    pub seed: u64,
}

impl Default for EmbeddingOptions {
    fn default() -> Self {
        EmbeddingOptions {
            dim: 16,
            scale: 2.0,
            seed: 0x00E3_B0C4,
        }
    }
}

/// The map for inputs of one length, with its projection matrix computed once.
#[derive(Debug, Clone)]
pub struct EmbeddingMap {
    input_dim: usize,
    opts: EmbeddingOptions,
    /// `d` rows of `input_dim` values, orthonormal (or orthonormal columns when
    /// `d > input_dim`).
    rows: Vec<f64>,
}

impl EmbeddingMap {
    /// The map from `R^input_dim` with `opts`.
    ///
    /// Errors: a zero input or output dimension, a scale that is not finite and
    /// positive.
    pub fn new(input_dim: usize, opts: EmbeddingOptions) -> Result<Self, PositioningError> {
        if input_dim == 0 {
            return Err(PositioningError::Empty("embedding"));
        }
        if opts.dim == 0 {
            return Err(PositioningError::ZeroDimension);
        }
        if !(opts.scale.is_finite() && opts.scale > 0.0) {
            return Err(PositioningError::InvalidOption {
                name: "scale",
                reason: "must be finite and positive",
            });
        }
        let rows = projection(input_dim, opts.dim, opts.seed);
        Ok(EmbeddingMap {
            input_dim,
            opts,
            rows,
        })
    }

    /// Length of the inputs this map takes.
    pub fn input_dim(&self) -> usize {
        self.input_dim
    }

    /// The image of `v` (`dim + 1` hyperboloid coordinates).
    ///
    /// Errors: a length other than `input_dim`, a non-finite value, a zero vector
    /// (which has no direction), or a vector orthogonal to the whole projection.
    pub fn map(&self, v: &[f32]) -> Result<Vec<f64>, PositioningError> {
        if v.len() != self.input_dim {
            return Err(PositioningError::DimensionMismatch {
                expected: self.input_dim,
                got: v.len(),
            });
        }
        if !v.iter().all(|x| x.is_finite()) {
            return Err(PositioningError::NonFinite("embedding"));
        }
        let v: Vec<f64> = v.iter().map(|&x| f64::from(x)).collect();
        let v = unit(&v).ok_or(PositioningError::Empty("embedding (zero vector)"))?;
        let y: Vec<f64> = self
            .rows
            .chunks(self.input_dim)
            .map(|r| r.iter().zip(&v).map(|(a, b)| a * b).sum())
            .collect();
        let y = unit(&y).ok_or(PositioningError::Empty("embedding (projects to zero)"))?;
        Ok(on_sphere(&y, self.opts.scale))
    }
}

/// Maps a Euclidean embedding `v` of any length to `H^dim` with the default scale
/// and seed (see the module documentation). Builds the projection on every call;
/// use [`EmbeddingMap`] to map many vectors.
pub fn embedding_to_hyperbolic(v: &[f32], dim: usize) -> Result<Vec<f64>, PositioningError> {
    EmbeddingMap::new(
        v.len(),
        EmbeddingOptions {
            dim,
            ..EmbeddingOptions::default()
        },
    )?
    .map(v)
}

/// `d` rows of length `n` (row-major): Gaussian draws orthonormalised by modified
/// Gram-Schmidt when `d <= n`; when `d > n`, the transpose of an `n x d` matrix with
/// orthonormal rows (an isometry of `R^n` into `R^d`).
fn projection(n: usize, d: usize, seed: u64) -> Vec<f64> {
    let (r, c) = if d <= n { (d, n) } else { (n, d) };
    let mut rng = SplitMix64::stream(seed, ((n as u64) << 32) | d as u64);
    let mut m: Vec<f64> = (0..r * c).map(|_| rng.normal()).collect();
    for i in 0..r {
        for j in 0..i {
            let p: f64 = (0..c).map(|k| m[i * c + k] * m[j * c + k]).sum();
            for k in 0..c {
                m[i * c + k] -= p * m[j * c + k];
            }
        }
        let norm = (0..c)
            .map(|k| m[i * c + k] * m[i * c + k])
            .sum::<f64>()
            .sqrt();
        // Gaussian rows are independent with probability one; guard anyway.
        let norm = if norm > 1e-12 { norm } else { 1.0 };
        for k in 0..c {
            m[i * c + k] /= norm;
        }
    }
    if d <= n {
        m
    } else {
        // Transpose r x c (n x d) into d x n.
        let mut t = vec![0.0; d * n];
        for i in 0..n {
            for j in 0..d {
                t[j * n + i] = m[i * d + j];
            }
        }
        t
    }
}
