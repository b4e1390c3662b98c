//! Approximate nearest-neighbour search: one HNSW graph generic over its metric.
//!
//! Storage is flat (one `Vec` of vectors, one of layer-0 link slots, one of upper
//! link slots), link lists are atomics written under striped locks, and each
//! thread reuses a generation-stamped visited set. See `graph.rs` for invariants.

mod ball64;
mod graph;
mod hnsw;
mod link;
mod metric;
mod quant;
mod search;
mod snapshot;
mod store;

pub use ball64::Poincare64;
pub use hnsw::Hnsw;
pub use metric::{Cosine, Dot, L2, Lorentz, Metric, MetricKind, Poincare};
pub use store::SNAPSHOT_TABLE;

/// Construction and search parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HnswParams {
    /// Links per node on the upper layers (layer 0 keeps up to `2 m`). Fixed for
    /// the life of the index; change it with a new index.
    pub m: usize,
    /// Beam width while inserting (adjustable later).
    pub ef_construction: usize,
    /// Beam width while searching (adjustable later).
    pub ef_search: usize,
    /// Fraction of tombstones above which [`Hnsw::needs_rebuild`] is true.
    pub rebuild_threshold: f64,
    /// Seed of the level generator (builds are reproducible for a seed when
    /// single-threaded).
    pub seed: u64,
}

impl Default for HnswParams {
    fn default() -> Self {
        HnswParams {
            m: 16,
            ef_construction: 200,
            ef_search: 100,
            rebuild_threshold: 0.25,
            seed: 0x5eed,
        }
    }
}

impl HnswParams {
    fn validate(&self) -> Result<(), IndexError> {
        if !(2..=256).contains(&self.m) {
            return Err(IndexError::InvalidParams("m must be in 2..=256"));
        }
        if self.ef_construction == 0 || self.ef_search == 0 {
            return Err(IndexError::InvalidParams("ef values must be positive"));
        }
        if !(0.0..=1.0).contains(&self.rebuild_threshold) {
            return Err(IndexError::InvalidParams(
                "rebuild_threshold must be in 0..=1",
            ));
        }
        Ok(())
    }
}

/// One search result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Neighbour {
    /// The key the vector was inserted under.
    pub key: u64,
    /// Its distance to the query under the index's metric.
    pub distance: f32,
}

/// Errors of the index.
#[derive(Debug, thiserror::Error, Clone)]
#[non_exhaustive]
pub enum IndexError {
    /// A vector has the wrong number of coordinates.
    #[error("dimension mismatch: expected {expected}, got {got}")]
    DimensionMismatch {
        /// The index's dimension.
        expected: usize,
        /// The vector's.
        got: usize,
    },
    /// A coordinate is NaN or infinite.
    #[error("non-finite coordinate")]
    NonFinite,
    /// A zero vector under the cosine metric.
    #[error("zero vector has no direction (cosine metric)")]
    ZeroVector,
    /// A Poincare point on or outside the boundary of the ball.
    #[error("point outside the Poincare ball")]
    OutsideBall,
    /// Parameters out of range.
    #[error("invalid parameters: {0}")]
    InvalidParams(&'static str),
    /// The index holds `u32::MAX - 1` nodes.
    #[error("index is full")]
    Full,
    /// A snapshot could not be read.
    #[error("corrupt snapshot: {0}")]
    CorruptSnapshot(String),
    /// The storage engine failed while saving or loading a snapshot.
    #[error("storage: {0}")]
    Storage(#[source] std::sync::Arc<manifold::Error>),
    /// A snapshot was written with another metric.
    #[error("snapshot metric {found:?} does not match the requested metric")]
    MetricMismatch {
        /// The metric recorded in the snapshot.
        found: MetricKind,
    },
}
