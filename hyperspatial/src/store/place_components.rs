//! The components of one entity's [`Placement`]: glue between the store and
//! [`positioning`](crate::positioning) that turns an entity's data (its fields, a
//! named vector) into a property or embedding component (graph components: see
//! `place_graph`),
//! combines the components into the indexed point, and measures
//! [`Placement::combined_distance`] between two placements. Placing a whole batch is in
//! `place_batch`; the stored record is in `placement`.

use super::collection::Collection;
use super::placement::Placement;
use super::{EffectivePositions, StoreError};
use crate::positioning::{self as pos, Components, Weights};
use hyperql::{Document, Value};

fn components(p: &Placement) -> Components {
    Components {
        graph: p.graph.clone(),
        embedding: p.embedding.clone(),
        property: p.property.clone(),
    }
}

/// The property component of an entity's leaves, given as (dotted path, the value's
/// text as `Value`'s `Display` writes it) (`None` without leaves).
pub(crate) fn property(texts: &[(String, String)], dim: usize) -> Option<Vec<f64>> {
    if texts.is_empty() {
        return None;
    }
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

/// The property and embedding components of one entity.
pub(crate) type OwnParts = (Option<Vec<f64>>, Option<Vec<f64>>);

/// The property and embedding components of document `doc` of collection `c`: the
/// fingerprint of its leaves that are neither vector fields nor ignored by
/// `settings`, and the first vector field's embedding.
pub(crate) fn own_parts(
    doc: &Document,
    c: &Collection,
    settings: &EffectivePositions,
    dim: usize,
) -> Result<OwnParts, StoreError> {
    let vectors = c.config.read().vectors.clone();
    let mut leaves: Vec<(String, String)> = Vec::with_capacity(doc.len());
    super::paths::visit(doc, &mut |k, v| {
        if !vectors.contains_key(k) && !settings.ignores(k) {
            leaves.push((k.to_string(), v.to_string()));
        }
    })?;
    let emb = vectors
        .keys()
        .find_map(|k| match super::paths::get_path(doc, k) {
            Some(Value::Vector(v)) => Some(v.clone()),
            _ => None,
        });
    Ok((property(&leaves, dim), emb.and_then(|v| embedding(&v, dim))))
}

/// Recomputes the combined point from the present components by the collection's
/// weights and mix (the origin when there are none).
pub(crate) fn combine(p: &mut Placement, settings: &EffectivePositions, dim: usize) {
    p.combined = pos::combined_point_with(&components(p), &settings.weights, settings.mix)
        .unwrap_or_else(|_| crate::Hyperboloid::default().origin(dim + 1));
}

impl Placement {
    /// The combined distance to `other` (what `COMBINED_DISTANCE` answers): the
    /// weighted sum of the distances of the components both have (see
    /// [`positioning::combined_distance`](crate::positioning::combined_distance)), or
    /// the distance of the combined points when they share none.
    pub fn combined_distance(&self, other: &Placement, w: &Weights) -> f64 {
        pos::combined_distance(&components(self), &components(other), w).unwrap_or_else(|_| {
            crate::Hyperboloid::default()
                .distance(&self.combined, &other.combined)
                .unwrap_or(f64::INFINITY)
        })
    }
}
