//! Hyperbolic geometry and approximate nearest-neighbour search.
//!
//! - [`geometry`](crate::Hyperboloid): the hyperboloid model in f64 (distances,
//!   exp/log maps, parallel transport, Frechet mean), conversions to the Poincare
//!   ball and the Klein disk, and SIMD f32 distance kernels.
//! - [`Hnsw`]: an HNSW index generic over a [`Metric`] (L2, cosine, dot, Lorentz,
//!   Poincare) with parallel builds, concurrent inserts and searches, deletes,
//!   filtered search, optional i8 quantization and rkyv snapshots.
//!
//! What it is not (yet): storage, a query language or a server; those live in
//! other parts of the crate or other crates.

pub mod cascade;
pub mod cli;
mod geometry;
mod index;
mod kernels;
pub mod positioning;
mod query;
mod schema;
pub mod server;
mod store;

pub use geometry::{
    GeometryError, Hyperboloid, hyperboloid_to_klein, hyperboloid_to_poincare,
    klein_to_hyperboloid, lorentz_distance_f32, minkowski_dot, poincare_distance,
    poincare_distance_f32, poincare_to_hyperboloid,
};
pub use index::{
    Cosine, Dot, Hnsw, IndexError, L2, Lorentz, Metric, MetricKind, Neighbour, Params, Poincare,
    SNAPSHOT_TABLE,
};
pub use kernels::{dot as dot_f32, l2sq as l2sq_f32, minkowski_dot as minkowski_dot_f32};
pub use schema::{SchemaViolation, type_accepts, validate as validate_document};
pub use query::{CombinedDistance, Embed, HyperbolicDistance};
pub use store::*;
