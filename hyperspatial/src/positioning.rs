//! Positioning: places entities in hyperbolic space from their graph, embeddings and
//! properties.
//!
//! Every point is a `Vec<f64>` of `d + 1` hyperboloid coordinates (curvature -1,
//! `<x, x>_L = -1`, `x0 > 0`) for `d` hyperbolic dimensions (16 by default).
//!
//! - Graph: [`layout_graph`] lays out a whole hierarchy (a tree or DAG given as
//!   `parent -> child` edges) with one of two [`Construction`]s: `Cones` (the
//!   default: radius from subtree size, directions in nested cones; ranks every
//!   node's ancestors first, no training) or `Sarkar` (children at a fixed edge
//!   length; reconstructs the edges), optionally refined by Riemannian SGD with the
//!   loss of Nickel and Kiela ([`Refinement`], [`refine_layout`]). [`Hierarchy`]
//!   validates a graph (cycles and self-loops dropped) and gives its closure;
//!   [`place_child`] and [`place_isolated`] place new nodes incrementally;
//!   [`place_in_cone`] and [`place_parent`] do so keeping the cone construction's
//!   guarantees (what the database does on insert).
//! - Embedding: [`embedding_to_hyperbolic`] and [`EmbeddingMap`], a fixed
//!   neighbourhood-preserving map of Euclidean embeddings.
//! - Properties: [`property_fingerprint`], signed feature hashing of
//!   `path = value` pairs.
//! - Combination: [`combined_distance`] and [`combined_point`] with [`Weights`]
//!   over an entity's [`Components`].
//! - Trajectories: [`kinematics`] (drift, velocity, acceleration).
//! - Evaluation: [`reconstruction`], mean rank and MAP in the protocol of Nickel
//!   and Kiela.
//!
//! Radius and precision: hierarchy quality needs room. The cone construction of a
//! hierarchy of `N` nodes wants radius about `2 ln N` plus one per level of its
//! deepest single-child chains (WordNet's 82,115 nouns: 33), squeezed into
//! `max_radius`. Measured on all WordNet nouns at 10 dimensions (closure MAP, no
//! training): 0.93 within radius 28, 0.85 within 24, 0.67 within 20, 0.12 within
//! 12; the mammal subtree (1,180 nouns): 0.975 within 17, 0.85 within 12. Within
//! radius 12, Sarkar's construction refined by Riemannian SGD does better on large
//! hierarchies (nouns: 0.73 after 20 epochs, about a minute on 2 cores; mammals:
//! 0.96 after 100 epochs, a second). f64 hyperboloid coordinates keep nearby
//! points distinguishable to radius ~30 (distances here go through Poincare
//! coordinates, accurate that far), and so does the position index (f64 Poincare
//! images), and `position` reads back as f64 coordinates. So the default
//! `max_radius` is 30: the cone construction takes the radius the hierarchy needs
//! and squeezes only past 30 (the refinement keeps its own limit,
//! [`MAX_REFINE_RADIUS`]). A point given back to HyperQL as an anchor (a parameter or
//! literal of `NEAR`, `DISTANCE FROM`, `HYPERBOLIC_DISTANCE`) keeps its f64
//! coordinates. Placement on insert (`ConePlacement`) reaches 4 past a layout's
//! radius: a layout's leaves keep room for new children, two levels at `min_step`
//! and more in shrinking steps.

mod combine;
mod cone_place;
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
pub(crate) mod sgd;
mod sphere;
mod tree;
pub mod wordnet;

pub use combine::{
    Components, PositionMix, Weights, combined_distance, combined_point, combined_point_with,
};
pub use cone_place::{ConePlacement, place_in_cone, place_parent, place_subtree_root};
pub use embedding::{EmbeddingMap, EmbeddingOptions, embedding_to_hyperbolic};
pub use error::PositioningError;
pub use hierarchy::Hierarchy;
pub use incremental::{PlaceOptions, place_child, place_isolated};
pub use kinematics::{Kinematics, kinematics};
pub use layout::{
    Construction, GraphLayout, MAX_REFINE_RADIUS, RefineTarget, Refinement, layout_graph,
    layout_hierarchy, refine_layout,
};
pub use property::{
    PROPERTY_SCALE, property_features, property_fingerprint, property_fingerprint_scaled,
};
pub use reconstruction::{Reconstruction, reconstruction};
