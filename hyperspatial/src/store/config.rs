//! Options of a database.

use crate::positioning::Weights;

/// How a database is opened.
#[derive(Clone, Debug)]
pub struct Options {
    /// Shards of a new collection (each one manifold file). Default 1.
    pub shards: u32,
    /// Entities kept in the entity cache. Default 100,000.
    pub entity_cache: usize,
    /// (entity, path) values kept in the property cache. Default 100,000.
    pub property_cache: usize,
    /// Hyperbolic dimensions of positions (stored as `dim + 1` coordinates).
    /// Default 16; fixed when a database is created.
    pub position_dim: usize,
    /// Weights of the position components in the combined distance and point.
    pub weights: Weights,
    /// manifold settings of every shard file.
    pub manifold: manifold::Config,
    /// Record position snapshots (trajectories) on every position change.
    pub trajectories: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            shards: 1,
            entity_cache: 100_000,
            property_cache: 100_000,
            position_dim: 16,
            weights: Weights::default(),
            manifold: manifold::Config::default(),
            trajectories: true,
        }
    }
}
