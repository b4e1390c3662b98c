//! Positioning: places entities in hyperbolic space from their graph, embeddings and
//! properties.
//!
//! Every point is a `Vec<f64>` of `d + 1` hyperboloid coordinates (curvature -1,
//! `<x, x>_L = -1`, `x0 > 0`) for `d` hyperbolic dimensions (16 by default).
//!
//! - Graph: [`layout_graph`] lays out a whole hierarchy (a combinatorial
//!   construction in the style of Sarkar, then Riemannian SGD with the loss of
//!   Nickel and Kiela); [`Hierarchy`] validates a graph and gives its closure;
//!   [`place_child`] and [`place_isolated`] place new nodes incrementally.
//! - Embedding: [`embedding_to_hyperbolic`] and [`EmbeddingMap`], a fixed
//!   neighbourhood-preserving map of Euclidean embeddings.
//! - Properties: [`property_fingerprint`], signed feature hashing of
//!   `path = value` pairs.
//! - Combination: [`combined_distance`] and [`combined_point`] with [`Weights`]
//!   over an entity's [`Components`].
//! - Trajectories: [`kinematics`] (drift, velocity, acceleration).
//! - Evaluation: [`reconstruction`], mean rank and MAP in the protocol of Nickel
//!   and Kiela.

mod combine;
mod cones;
mod directions;
mod embedding;
mod error;
mod hierarchy;
mod incremental;
mod kinematics;
mod layout;
mod lorentz;
mod property;
mod reconstruction;
mod rng;
mod sgd;
mod sphere;
mod tree;

pub use combine::{Components, Weights, combined_distance, combined_point};
pub use embedding::{EmbeddingMap, EmbeddingOptions, embedding_to_hyperbolic};
pub use error::PositioningError;
pub use hierarchy::Hierarchy;
pub use incremental::{Placement, place_child, place_isolated};
pub use kinematics::{Kinematics, kinematics};
pub use layout::{
    Construction, GraphLayout, RefineTarget, Refinement, layout_graph, layout_hierarchy,
    refine_layout,
};
pub use property::{
    PROPERTY_SCALE, property_features, property_fingerprint, property_fingerprint_scaled,
};
pub use reconstruction::{Reconstruction, reconstruction};
