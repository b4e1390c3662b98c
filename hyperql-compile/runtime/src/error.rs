//! The one error type of generated code.

/// What a generated function can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The storage engine failed.
    #[error("storage error: {0}")]
    Storage(#[from] manifold::Error),
    /// A vector table refused a vector (wrong length, a non-finite component) or
    /// failed.
    #[error("vector error: {0}")]
    Vector(#[from] manifold_vectors::VectorError),
    /// The graph of edges refused a write (a non-finite weight) or failed.
    #[error("graph error: {0}")]
    Graph(#[from] manifold_graph::GraphError),
    /// The time-series store refused a point (a timestamp outside its range, a series
    /// name too long) or failed.
    #[error("time series error: {0}")]
    Series(#[from] manifold_timeseries::Error),
    /// A stored record does not decode: the file is damaged or was written by
    /// another schema.
    #[error("corrupt record in {table}: {detail}")]
    Corrupt {
        /// The table.
        table: &'static str,
        /// What was wrong.
        detail: String,
    },
    /// Integer overflow or division by zero, as the interpreted engine reports it.
    #[error("arithmetic error: {0}")]
    Arithmetic(&'static str),
    /// A `LIMIT` or `OFFSET` argument that is negative.
    #[error("LIMIT and OFFSET must be non-negative integers, got {0}")]
    BadLimit(i64),
    /// A rule that depends on what is stored (a duplicate id).
    #[error("constraint violated: {0}")]
    Constraint(String),
    /// `EMBED(...)` failed: no embedder was set, the embedder failed, or its vector
    /// has another length than the field it is compared with or stored in.
    #[error("EMBED: {0}")]
    Embed(String),
    /// The database was written by a schema version this code does not know.
    #[error(
        "schema version {found} in the database; this code knows versions 1 to {known} (move the file to version {known} with `Db::migrate_to` of code that knows version {found})"
    )]
    Version {
        /// Stored version.
        found: u64,
        /// Newest version this code knows.
        known: u64,
    },
    /// A migration step cannot move the data: a lossy step with no body given, or a
    /// document the step cannot convert.
    #[error("migration {step} failed: {reason}")]
    Migration {
        /// The step (`upgrade_v1_to_v2`).
        step: &'static str,
        /// Why.
        reason: String,
    },
}

impl Error {
    /// Integer overflow.
    pub fn overflow() -> Error {
        Error::Arithmetic("integer overflow")
    }

    /// Division by zero.
    pub fn div_zero() -> Error {
        Error::Arithmetic("division by zero")
    }
}
