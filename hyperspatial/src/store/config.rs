//! Options of a database.

use super::refiner::AutoRefine;
use crate::positioning::{PositionMix, Weights};

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
    /// How the combined position is made from the components. Default
    /// [`PositionMix::GraphFirst`]: the graph component of an entity with edges.
    pub position_mix: PositionMix,
    /// manifold settings of every shard file. By default manifold's balanced
    /// settings with two 16 MiB log segments preallocated per shard (the log grows by
    /// a segment when it needs one; 16 MiB is also the largest batch one shard takes).
    pub manifold: manifold::Config,
    /// Most collections the database may hold; creating one more is refused.
    /// Default 1,000 (each collection is a directory of shard files, each with its
    /// own log).
    pub max_collections: usize,
    /// Record position snapshots (trajectories) on every position change.
    pub trajectories: bool,
    /// Bytes (estimated) one collection's column cache may hold: the fields that
    /// scans read, kept in memory while the collection does not change, so repeated
    /// filters and aggregates skip the stored records. 0 turns the cache off.
    /// Default 256 MiB.
    pub column_cache: usize,
    /// Background refinement of graph positions: collections whose edges changed are
    /// laid out again once they are quiet (see [`AutoRefine`]). `None` keeps the
    /// incremental placements until an explicit re-layout. Default on.
    pub refine: Option<AutoRefine>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            shards: 1,
            entity_cache: 100_000,
            property_cache: 100_000,
            position_dim: 16,
            weights: Weights::default(),
            position_mix: PositionMix::default(),
            manifold: shard_config(),
            trajectories: true,
            max_collections: 1000,
            column_cache: 256 << 20,
            refine: Some(AutoRefine::default()),
        }
    }
}

/// manifold's balanced settings with two log segments preallocated (one made bulk
/// loads about a fifth slower: the log grew, zero-filled and synced, several times).
fn shard_config() -> manifold::Config {
    manifold::Config {
        log_segments: 2,
        ..manifold::Config::default()
    }
}
