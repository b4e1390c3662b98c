//! The crate's one error enum.

use uuid::Uuid;

/// What went wrong in a graph operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GraphError {
    /// An edge weight that is NaN or infinite.
    #[error("edge weight {weight} is not finite")]
    BadWeight {
        /// The weight given.
        weight: f32,
    },
    /// A negative weight met by a shortest-path search.
    #[error("edge {src} -> {dst} has negative weight {weight}; shortest paths need weights >= 0")]
    NegativeWeight {
        /// Source of the edge.
        src: Uuid,
        /// Destination of the edge.
        dst: Uuid,
        /// Its weight.
        weight: f32,
    },
    /// An edge type name that is empty or too long.
    #[error("invalid edge type name {name:?}: {reason}")]
    BadTypeName {
        /// The name given.
        name: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// A vertex label longer than 255 bytes.
    #[error("vertex label of {len} bytes; at most 255")]
    LabelTooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// A vertex payload larger than [`crate::MAX_PAYLOAD`].
    #[error("vertex payload of {len} bytes; at most {max}")]
    PayloadTooLarge {
        /// Its length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A traversal with `min_depth > max_depth`.
    #[error("depth range {min}..={max} is empty")]
    BadDepthRange {
        /// Smallest depth asked for.
        min: u32,
        /// Largest depth asked for.
        max: u32,
    },
    /// Stored bytes that do not decode.
    #[error("corrupt graph data in `{table}`: {detail}")]
    Corrupt {
        /// The table.
        table: String,
        /// What was wrong.
        detail: String,
    },
    /// The storage engine failed.
    #[error(transparent)]
    Storage(#[from] manifold::Error),
}

/// The crate's result type.
pub type Result<T, E = GraphError> = std::result::Result<T, E>;
