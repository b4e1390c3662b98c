//! Placing the entities of a write batch (`WriteBatch::place`): their property and
//! embedding components from what the batch wrote, and graph components for new edges next to an already
//! placed neighbour, away from that neighbour's other neighbours.

use super::place_components;
use super::placement::Placement;
use super::write::{EdgeChange, Slot, WriteBatch};
use crate::store::{FastMap, FastSet, StoreError};
use hyperql::Value;
use rayon::prelude::*;
use uuid::Uuid;

/// At most this many placed neighbours are kept away from when a new neighbour is
/// placed.
const MAX_SIBLINGS: usize = 64;

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
        // Neighbours through this batch's new edges, for `siblings`.
        let mut adjacent: FastMap<Uuid, Vec<Uuid>> = FastMap::default();
        for e in &self.edges {
            if let EdgeChange::Added { from, to, .. } = e {
                adjacent.entry(*from).or_default().push(*to);
                adjacent.entry(*to).or_default().push(*from);
            }
        }
        for e in &self.edges {
            let EdgeChange::Added { from, to, .. } = e else {
                continue;
            };
            if matches!(self.slots.get(from), Some(Slot::Deleted { .. }))
                || matches!(self.slots.get(to), Some(Slot::Deleted { .. }))
            {
                continue;
            }
            load(*from, &mut out)?;
            load(*to, &mut out)?;
            let g_from = out.get(from).and_then(|p| p.graph.clone());
            let g_to = out.get(to).and_then(|p| p.graph.clone());
            match (g_from, g_to) {
                (Some(_), Some(_)) => {}
                (None, Some(t)) => {
                    let sib = self.siblings(*to, &adjacent, &out)?;
                    set_graph(&mut out, *from, place_components::near(&t, &sib));
                    changed.insert(*from);
                }
                (Some(f), None) => {
                    let sib = self.siblings(*from, &adjacent, &out)?;
                    set_graph(&mut out, *to, place_components::near(&f, &sib));
                    changed.insert(*to);
                }
                (None, None) => {
                    let root = place_components::root(*to, dim);
                    let child = root.as_ref().and_then(|r| place_components::near(r, &[]));
                    set_graph(&mut out, *to, root);
                    set_graph(&mut out, *from, child);
                    changed.extend([*from, *to]);
                }
            }
        }
        // Entities only read (anchors of new neighbours) keep their stored placement.
        out.retain(|id, _| changed.contains(id));
        out.par_iter_mut()
            .for_each(|(_, p)| place_components::combine(p, o));
        Ok(out)
    }

    /// Graph components of the placed neighbours of `anchor` (at most
    /// [`MAX_SIBLINGS`]), so a new neighbour can be placed away from them: the
    /// neighbours through this batch's edges (`adjacent`) first, then stored ones.
    fn siblings(
        &self,
        anchor: Uuid,
        adjacent: &FastMap<Uuid, Vec<Uuid>>,
        fresh: &FastMap<Uuid, Placement>,
    ) -> Result<Vec<Vec<f64>>, StoreError> {
        let mut seen: FastSet<Uuid> = FastSet::default();
        let mut out = Vec::new();
        let mut take = |id: Uuid, out: &mut Vec<Vec<f64>>| -> Result<bool, StoreError> {
            if seen.insert(id) {
                let g = match fresh.get(&id) {
                    Some(p) => p.graph.clone(),
                    None => self.db.placement(id)?.and_then(|p| p.graph),
                };
                out.extend(g);
            }
            Ok(seen.len() >= MAX_SIBLINGS)
        };
        for id in adjacent.get(&anchor).into_iter().flatten() {
            if take(*id, &mut out)? {
                return Ok(out);
            }
        }
        if self.db.loc(anchor).is_some() {
            for other in self.db.neighbour_ids(anchor, MAX_SIBLINGS)? {
                if take(other, &mut out)? {
                    break;
                }
            }
        }
        Ok(out)
    }
}

fn set_graph(out: &mut FastMap<Uuid, Placement>, id: Uuid, g: Option<Vec<f64>>) {
    if let (Some(p), Some(g)) = (out.get_mut(&id), g) {
        p.graph = Some(g);
    }
}
