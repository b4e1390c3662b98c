//! Placing the entities of a write batch (`WriteBatch::place`): their property and
//! embedding components from what the batch wrote, graph components for new edges
//! (see `place_graph`), and the combined points.

use super::place_components;
use super::placement::Placement;
use super::write::{Slot, WriteBatch};
use crate::store::{FastMap, FastSet, StoreError};
use hyperql::Value;
use rayon::prelude::*;
use uuid::Uuid;

/// The property and embedding components of one entity.
type OwnParts = (Option<Vec<f64>>, Option<Vec<f64>>);

impl WriteBatch {
    /// The new placement of every entity whose position may change.
    pub(crate) fn place(&mut self) -> Result<FastMap<Uuid, Placement>, StoreError> {
        let db = self.db.clone();
        let o = db.options();
        let dim = o.position_dim;
        let mut out: FastMap<Uuid, Placement> =
            FastMap::with_capacity_and_hasher(self.order.len(), Default::default());
        // What this batch places anew (the rest of `out` is read for anchoring).
        let mut changed: FastSet<Uuid> =
            FastSet::with_capacity_and_hasher(self.order.len(), Default::default());
        let load = |id: Uuid, out: &mut FastMap<Uuid, Placement>| -> Result<(), StoreError> {
            if let std::collections::hash_map::Entry::Vacant(e) = out.entry(id) {
                e.insert(db.placement(id)?.unwrap_or_default());
            }
            Ok(())
        };
        let dirty: Vec<(Uuid, &super::write::Pending)> = self
            .order
            .iter()
            .filter_map(|id| match self.slots.get(id) {
                Some(Slot::Live(p)) if p.dirty => Some((*id, p)),
                _ => None,
            })
            .collect();
        // Property and embedding components depend on the entity alone.
        let components: Vec<OwnParts> = dirty
            .par_iter()
            .map(|(_, p)| -> Result<_, StoreError> {
                let vectors = p.collection.config.read().vectors.clone();
                let mut leaves: Vec<(String, String)> = Vec::with_capacity(p.doc.len());
                super::paths::visit(&p.doc, &mut |k, v| {
                    if !vectors.contains_key(k) {
                        leaves.push((k.to_string(), v.to_string()));
                    }
                })?;
                let emb = vectors
                    .keys()
                    .find_map(|k| match super::paths::get_path(&p.doc, k) {
                        Some(Value::Vector(v)) => Some(v.clone()),
                        _ => None,
                    });
                Ok((
                    place_components::property(&leaves, dim),
                    emb.and_then(|v| place_components::embedding(&v, dim)),
                ))
            })
            .collect::<Result<_, _>>()?;
        for ((id, _), (property, embedding)) in dirty.iter().zip(components) {
            load(*id, &mut out)?;
            changed.insert(*id);
            if let Some(pl) = out.get_mut(id) {
                pl.property = property;
                pl.embedding = embedding;
            }
        }
        self.place_graph(&mut out, &mut changed)?;
        // Entities only read (anchors of new neighbours) keep their stored placement.
        out.retain(|id, _| changed.contains(id));
        out.par_iter_mut()
            .for_each(|(_, p)| place_components::combine(p, o));
        Ok(out)
    }
}
