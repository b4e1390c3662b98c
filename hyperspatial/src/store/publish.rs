//! The last step of a commit, after every shard is synced: what the batch wrote is
//! published to memory (type index, external ids, entity and property caches, vector
//! and position indexes) and to the change feed.
//!
//! The cache epoch moves first, so no read that started before this commit can
//! cache what it read (see `Cache::put_if`).

use super::database::{Database, Loc};
use super::feed::ChangeKind;
use super::placement::Placement;
use super::vindex::position_lanes;
use super::write::{Pending, Slot, WriteBatch, WriteSummary};
use crate::store::{FastMap, StoreError};
use hyperql::Value;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use uuid::Uuid;

/// One event for the change feed: collection, entity, kind, the record after.
type ChangeFeedEvent = (String, Uuid, ChangeKind, Option<hyperql::Record>);

impl WriteBatch {
    /// Publishes the written batch; returns `summary` with the entities it
    /// inserted, updated and deleted.
    pub(super) fn publish(
        mut self,
        placements: FastMap<Uuid, Placement>,
        mut summary: WriteSummary,
    ) -> Result<WriteSummary, StoreError> {
        let db = self.db.clone();
        let inner = &db.inner;
        inner.cache_epoch.fetch_add(1, Ordering::SeqCst);
        inner.write_seq.store(self.seq, Ordering::SeqCst);
        for id in &self.order {
            inner.entity_cache.remove(id);
            match self.slots.get(id) {
                Some(Slot::Live(p)) if !p.dirty => {}
                Some(Slot::Live(p)) => {
                    publish_live(&db, *id, p, self.seq);
                    if p.is_new {
                        summary.inserted.push(*id);
                    } else {
                        summary.updated.push(*id);
                    }
                }
                Some(Slot::Deleted {
                    collection, meta, ..
                }) => {
                    if inner.locs.remove(id).is_some() {
                        collection.count.fetch_sub(1, Ordering::Relaxed);
                    }
                    if let Some(k) = &meta.external_id {
                        inner.external.remove_if(k, |_, u| u == id);
                    }
                    for idx in collection.indexes.read().values() {
                        idx.remove(*id);
                    }
                    collection.positions.remove(*id);
                    summary.deleted.push(*id);
                }
                None => {}
            }
        }
        inner.property_cache.clear();
        if inner.feed.has_subscribers() {
            inner.feed.publish(self.change_events()?);
        }
        for (id, p) in placements {
            inner.entity_cache.remove(&id);
            if self.deletes(&id) {
                continue;
            }
            let Some((c, _)) = self.home(id) else {
                continue;
            };
            if let Some(lanes) = position_lanes(&p.combined) {
                c.positions.stage(id, &lanes);
                db.index_later(&c.positions);
            }
        }
        // Freeing a large batch's documents takes a while: another thread does it.
        let slots = std::mem::take(&mut self.slots);
        if slots.len() >= 1024 {
            rayon::spawn(move || drop(slots));
        }
        Ok(summary)
    }

    /// The change feed's events of the batch.
    fn change_events(&self) -> Result<Vec<ChangeFeedEvent>, StoreError> {
        let mut events = Vec::new();
        for id in &self.order {
            let (collection, kind) = match self.slots.get(id) {
                Some(Slot::Live(p)) if p.is_new => {
                    (p.collection.name.to_string(), ChangeKind::Insert)
                }
                Some(Slot::Live(p)) if p.dirty => {
                    (p.collection.name.to_string(), ChangeKind::Update)
                }
                Some(Slot::Deleted { collection, .. }) => {
                    (collection.name.to_string(), ChangeKind::Delete)
                }
                _ => continue,
            };
            let record = match kind {
                ChangeKind::Delete => None,
                _ => self.db.get_entity(*id)?,
            };
            events.push((collection, *id, kind, record));
        }
        Ok(events)
    }
}

/// Publishes a changed live entity: its location, external id and vectors.
fn publish_live(db: &Database, id: Uuid, p: &Pending, version: u64) {
    let inner = &db.inner;
    let c = &p.collection;
    let before = inner.locs.insert(
        id,
        Loc {
            collection: c.name.clone(),
            shard: c.shard_of(id) as u32,
            entity_type: p.meta.entity_type.as_deref().map(Arc::from),
            version,
        },
    );
    // An entity never changes collection (`WriteBatch::insert` refuses that).
    if before.is_none() {
        c.count.fetch_add(1, Ordering::Relaxed);
    }
    if let Some(k) = &p.old_external
        && p.meta.external_id.as_ref() != Some(k)
    {
        inner.external.remove_if(k, |_, u| *u == id);
    }
    if let Some(k) = &p.meta.external_id {
        inner.external.insert(k.clone(), id);
    }
    let vectors = c.config.read().vectors.clone();
    for (field, _) in vectors {
        let Some(idx) = c.index(&field) else { continue };
        match super::paths::get_path(&p.doc, &field) {
            Some(Value::Vector(v)) => {
                idx.stage(id, v);
                db.index_later(&idx);
            }
            _ => idx.remove(id),
        }
    }
}
