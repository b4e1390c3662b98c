//! The crate's one error enum.

/// What went wrong in a vector table operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VectorError {
    /// A vector of the wrong length for its table.
    #[error("wrong dimension: the table holds {expected}-d vectors, got {got} components")]
    Dimension {
        /// The table's dimension.
        expected: usize,
        /// The length given.
        got: usize,
    },
    /// A dense table asked for with no component, or more than `u32::MAX`.
    #[error("invalid dimension {dim}: a dense vector table holds 1 to 4294967295 components")]
    InvalidDimension {
        /// The dimension given.
        dim: usize,
    },
    /// A NaN or infinite component.
    #[error("component {index} is {value}: vectors must be finite (no NaN or infinity)")]
    NotFinite {
        /// Position of the first bad component.
        index: usize,
        /// Its value.
        value: f32,
    },
    /// Sparse indices out of order.
    #[error(
        "sparse indices must be strictly increasing: index {index} at position {position} follows {previous}"
    )]
    UnsortedSparse {
        /// Position of the offending index.
        position: usize,
        /// The index before it.
        previous: u32,
        /// The offending index.
        index: u32,
    },
    /// The same sparse index twice.
    #[error("duplicate sparse index {index} at position {position}")]
    DuplicateSparse {
        /// Position of the second occurrence.
        position: usize,
        /// The repeated index.
        index: u32,
    },
    /// Sparse indices and values of different lengths.
    #[error("sparse vector has {indices} indices but {values} values")]
    SparseLength {
        /// Number of indices.
        indices: usize,
        /// Number of values.
        values: usize,
    },
    /// A multi-vector (or a multi-vector query) without any token vector.
    #[error("a multi-vector needs at least one token vector")]
    EmptyMultiVector,
    /// A table opened with a layout other than the one it was created with.
    #[error("table `{table}` was created as {stored}, opened as {requested}")]
    LayoutMismatch {
        /// The table's name.
        table: String,
        /// The stored layout.
        stored: String,
        /// The layout asked for.
        requested: String,
    },
    /// A table name this crate reserves.
    #[error("invalid table name `{name}`: {reason}")]
    InvalidName {
        /// The name given.
        name: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// Stored bytes that do not decode.
    #[error("corrupt stored vector: {0}")]
    Corrupt(String),
    /// The storage engine failed.
    #[error(transparent)]
    Storage(#[from] manifold::Error),
}

/// The crate's result type.
pub type Result<T, E = VectorError> = std::result::Result<T, E>;
