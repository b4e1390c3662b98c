//! Glue between the store and [`positioning`](crate::positioning): computes the
//! components of an entity's placement from what a batch wrote.

use super::placement::Placement;
use crate::positioning::{self as pos, Components, Weights};
use hyperql::Value;

fn components(p: &Placement) -> Components {
    Components {
        graph: p.graph.clone(),
        embedding: p.embedding.clone(),
        property: p.property.clone(),
    }
}

/// The property component of an entity's leaves (`None` without leaves).
pub(crate) fn property(leaves: &[(String, Value)], dim: usize) -> Option<Vec<f64>> {
    if leaves.is_empty() {
        return None;
    }
    let texts: Vec<(String, String)> = leaves
        .iter()
        .map(|(k, v)| (k.clone(), v.to_string()))
        .collect();
    let fields: Vec<(&str, &str)> = texts
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    pos::property_fingerprint(&fields, dim).ok()
}

/// The embedding component of a vector.
pub(crate) fn embedding(v: &[f32], dim: usize) -> Option<Vec<f64>> {
    pos::embedding_to_hyperbolic(v, dim).ok()
}

/// A graph component next to an already placed neighbour `anchor`, away from the
/// anchor's other placed neighbours `siblings`.
pub(crate) fn near(anchor: &[f64], siblings: &[Vec<f64>]) -> Option<Vec<f64>> {
    let sib: Vec<&[f64]> = siblings.iter().map(Vec::as_slice).collect();
    pos::place_child(&[anchor], &sib, &pos::Placement::default()).ok()
}

/// A graph component for a node with no placed neighbour.
pub(crate) fn root(id: uuid::Uuid, dim: usize) -> Option<Vec<f64>> {
    let (a, b) = id.as_u64_pair();
    pos::place_isolated(a ^ b, dim, &pos::Placement::default()).ok()
}

/// Recomputes the combined point from the present components (the origin when
/// there are none).
pub(crate) fn combine(p: &mut Placement, w: &Weights, dim: usize) {
    p.combined = pos::combined_point(&components(p), w)
        .unwrap_or_else(|_| crate::Hyperboloid::default().origin(dim + 1));
}

/// The combined distance of two placements: the weighted sum of the distances of the
/// components both have, or the distance of the combined points when they share
/// none.
pub fn combined_distance(a: &Placement, b: &Placement, w: &Weights) -> f64 {
    pos::combined_distance(&components(a), &components(b), w).unwrap_or_else(|_| {
        crate::Hyperboloid::default()
            .distance(&a.combined, &b.combined)
            .unwrap_or(f64::INFINITY)
    })
}
