//! Errors of the positioning functions.

use crate::GeometryError;

/// Why a positioning function refused its input.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum PositioningError {
    /// An edge names a node outside `0..n_nodes`.
    #[error("edge ({from}, {to}) names a node outside 0..{n_nodes}")]
    NodeOutOfRange {
        /// Parent end of the edge.
        from: u32,
        /// Child end of the edge.
        to: u32,
        /// Number of nodes of the graph.
        n_nodes: usize,
    },
    /// More nodes than `u32` indices can address.
    #[error("{0} nodes: at most 2^32 - 1 are supported")]
    TooManyNodes(usize),
    /// A target dimension of zero (at least one hyperbolic dimension is needed).
    #[error("the hyperbolic dimension must be at least 1")]
    ZeroDimension,
    /// Two points (or a point and the expected dimension) disagree on their number
    /// of coordinates.
    #[error("dimension mismatch: expected {expected} coordinates, got {got}")]
    DimensionMismatch {
        /// Coordinates required.
        expected: usize,
        /// Coordinates given.
        got: usize,
    },
    /// A coordinate, weight or option is NaN or infinite.
    #[error("non-finite value in {0}")]
    NonFinite(&'static str),
    /// An option is outside its valid range.
    #[error("invalid option `{name}`: {reason}")]
    InvalidOption {
        /// The option.
        name: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// An input that needs at least one element is empty.
    #[error("empty input: {0}")]
    Empty(&'static str),
    /// A point is not on the hyperboloid (`<x, x>_L = -1`, `x0 > 0`) within tolerance.
    #[error("point not on the hyperboloid (Minkowski norm {0}, expected -1)")]
    NotOnHyperboloid(f64),
    /// The transitive closure would hold more pairs than the configured limit.
    #[error("the transitive closure has more than {limit} pairs")]
    ClosureTooLarge {
        /// The limit that was exceeded.
        limit: usize,
    },
    /// Snapshots of a trajectory are not in strictly increasing time order.
    #[error("trajectory timestamps must strictly increase (at snapshot {index})")]
    UnorderedSnapshots {
        /// Index of the first snapshot not later than its predecessor.
        index: usize,
    },
    /// A neighbour list names a node outside the positions given.
    #[error("neighbour {neighbour} of node {node} is outside 0..{n_nodes}")]
    NeighbourOutOfRange {
        /// The node whose list is wrong.
        node: usize,
        /// The offending neighbour.
        neighbour: u32,
        /// Number of positions.
        n_nodes: usize,
    },
    /// A geometric operation failed.
    #[error(transparent)]
    Geometry(#[from] GeometryError),
}
