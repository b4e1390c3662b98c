//! Placing the entities of a write batch (`WriteBatch::place`): their property and
//! embedding components from what the batch wrote, graph components for new edges
//! (see `place_graph`), and the combined points.

use super::EffectivePositions;
use super::place_components::{self, OwnParts};
use super::placement::Placement;
use super::write::{Slot, WriteBatch};
use crate::store::{FastMap, FastSet, StoreError};
use rayon::prelude::*;
use std::sync::Arc;
use uuid::Uuid;

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
            .map(|(_, p)| -> Result<OwnParts, StoreError> {
                let settings = p.collection.positions(o);
                place_components::own_parts(&p.doc, &p.collection, &settings, dim)
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
        let settings = self.settings_of(out.keys().copied());
        out.par_iter_mut().for_each(|(id, p)| {
            if let Some(s) = settings.get(id) {
                place_components::combine(p, s, dim);
            }
        });
        Ok(out)
    }
}

impl WriteBatch {
    /// The position settings in effect for each of `ids`, by the collection each is
    /// in after the batch (ids in no collection are left out).
    pub(crate) fn settings_of(
        &self,
        ids: impl Iterator<Item = Uuid>,
    ) -> FastMap<Uuid, Arc<EffectivePositions>> {
        let o = self.db.options();
        let mut by_name: FastMap<Arc<str>, Arc<EffectivePositions>> = FastMap::default();
        let mut out = FastMap::default();
        for id in ids {
            let c = match self.slots.get(&id) {
                Some(Slot::Live(p)) => Some(p.collection.clone()),
                Some(_) => None,
                None => self
                    .db
                    .loc(id)
                    .and_then(|l| self.db.collection(&l.collection)),
            };
            let Some(c) = c else { continue };
            let s = by_name
                .entry(c.name.clone())
                .or_insert_with(|| Arc::new(c.positions(o)))
                .clone();
            out.insert(id, s);
        }
        out
    }
}
