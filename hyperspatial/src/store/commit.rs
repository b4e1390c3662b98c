//! [`WriteBatch::commit`]: check, derive, place, write, publish.
//!
//! The steps, in order: schema operations ([`SchemaChanges`]) and the check of stored
//! entities against new schemas, auto-embedding and the check of every changed
//! entity (`batch_vectors`), cascades over a [`BatchView`], placement
//! (`place_batch`), the shard transactions and the publication to memory
//! (`shard_write`, `publish`), then the time-series rows, the new indexes and the
//! schemas themselves.

use super::batch_vectors::prepare_vectors;
use super::batch_view::BatchView;
use super::collection::Collection;
use super::measures::Point;
use super::sindex::indexed_fields;
use super::write::{SchemaOp, Slot, WriteBatch, WriteSummary};
use crate::cascade::{CascadeSet, propagate, recompute_all};
use crate::store::{Database, StoreError};
use hyperql::{Schema, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use uuid::Uuid;

/// What the schema operations of a batch change, applied at commit.
#[derive(Default)]
struct SchemaChanges {
    /// The final schema of every touched collection (`None`: dropped).
    schemas: BTreeMap<String, Option<Schema>>,
    /// Collections whose cascaded fields must be recomputed.
    recompute: Vec<String>,
    /// Newly indexed fields per collection.
    backfills: BTreeMap<String, Vec<String>>,
}

impl SchemaChanges {
    /// The schema of `c` as the operations so far leave it (once all are applied:
    /// as the batch commits it).
    fn schema_of(&self, c: &Collection) -> Option<Schema> {
        match self.schemas.get(&*c.name) {
            Some(s) => s.clone(),
            None => c.schema.read().clone(),
        }
    }

    /// Fills new indexes from what is stored now (this batch included), then saves
    /// the schemas that declare them.
    fn publish(self, db: &Database) -> Result<(), StoreError> {
        for (name, fields) in &self.backfills {
            if let Some(c) = db.collection(name) {
                for shard in &c.shards {
                    super::sindex::backfill(shard, fields)?;
                }
            }
        }
        for (name, s) in self.schemas {
            if let Some(c) = db.collection(&name) {
                c.save_schema(s.as_ref())?;
            }
        }
        Ok(())
    }
}

impl WriteBatch {
    /// Checks, derives and writes every change; see the module docs of `write`.
    pub fn commit(mut self) -> Result<WriteSummary, StoreError> {
        if self.is_empty() {
            return Ok(WriteSummary::default());
        }
        let db = self.db.clone();
        let _guard = db.inner.commit_lock.lock();
        if let Some(why) = db.inner.broken.lock().clone() {
            return Err(StoreError::Broken(why));
        }
        self.check_concurrent()?;
        let mut cascades = db.inner.cascades.read().clone();
        let changes = self.apply_schema_ops(&mut cascades)?;
        self.check_stored(&changes)?;
        self.auto_embed()?;
        self.check_changed(&changes)?;
        let derived = self.derive(&cascades, &changes.recompute)?;
        let mut placements = self.place()?;
        self.apply_relaid(&mut placements)?;
        let replaced = self.apply_replaced(&mut placements)?;
        let indexed = self.indexed_fields(&changes);
        let points = std::mem::take(&mut self.points);
        let graph_changes = self.graph_changes();
        let mut summary = self.write(placements, derived, &indexed)?;
        summary.replaced = replaced;
        for (c, n) in &graph_changes {
            c.graph.changed(*n);
        }
        if !graph_changes.is_empty() {
            db.inner.refiner.notify();
        }
        append_points(points)?;
        changes.publish(&db)?;
        *db.inner.cascades.write() = cascades;
        db.inner.commits.fetch_add(1, Ordering::Relaxed);
        Ok(summary)
    }

    /// Edge changes per collection (of both ends), for the background refinement.
    fn graph_changes(&self) -> Vec<(Arc<Collection>, u64)> {
        let mut out: Vec<(Arc<Collection>, u64)> = Vec::new();
        let mut count = |c: Option<Arc<Collection>>| {
            if let Some(c) = c {
                match out.iter_mut().find(|(o, _)| Arc::ptr_eq(o, &c)) {
                    Some((_, n)) => *n += 1,
                    None => out.push((c, 1)),
                }
            }
        };
        for e in &self.edges {
            let (from, to) = match e {
                super::write::EdgeChange::Added { from, to, .. }
                | super::write::EdgeChange::Removed { from, to, .. } => (*from, *to),
            };
            let a = self.edge_end_collection(from);
            let b = self.edge_end_collection(to);
            let same = matches!((&a, &b), (Some(x), Some(y)) if Arc::ptr_eq(x, y));
            count(a);
            if !same {
                count(b);
            }
        }
        out
    }

    /// The collection `id` is in after the batch (`None`: deleted or unknown).
    fn edge_end_collection(&self, id: Uuid) -> Option<Arc<Collection>> {
        match self.slots.get(&id) {
            Some(Slot::Live(p)) => Some(p.collection.clone()),
            Some(Slot::Deleted { .. }) => None,
            None => self
                .db
                .loc(id)
                .and_then(|l| self.db.collection(&l.collection)),
        }
    }

    /// Applies schema operations to `cascades` and returns what they change.
    fn apply_schema_ops(&mut self, cascades: &mut CascadeSet) -> Result<SchemaChanges, StoreError> {
        let mut out = SchemaChanges::default();
        for op in std::mem::take(&mut self.schemas) {
            match op {
                SchemaOp::Put(s) => self.apply_put_schema(s, cascades, &mut out)?,
                SchemaOp::Drop(n) => {
                    cascades.remove_collection(&n);
                    out.backfills.remove(&n);
                    if let Some(c) = self.db.collection(&n) {
                        let before = out.schema_of(&c);
                        self.unindexed
                            .entry(n.clone())
                            .or_default()
                            .extend(indexed_fields(before.as_ref()));
                        out.schemas.insert(n, None);
                    }
                }
            }
        }
        out.backfills.retain(|_, fields| !fields.is_empty());
        Ok(out)
    }

    /// Declares schema `s`: its cascade rules, the indexes it adds and drops, the
    /// values of fields a closed schema no longer has.
    fn apply_put_schema(
        &mut self,
        s: Schema,
        cascades: &mut CascadeSet,
        out: &mut SchemaChanges,
    ) -> Result<(), StoreError> {
        let c = self.db.collection_or_create(&s.name)?;
        let old = out.schema_of(&c);
        cascades.set_schema(&s)?;
        let before = indexed_fields(old.as_ref());
        let after = indexed_fields(Some(&s));
        self.unindexed
            .entry(s.name.clone())
            .or_default()
            .extend(before.iter().filter(|f| !after.contains(f)).cloned());
        let added = out.backfills.entry(s.name.clone()).or_default();
        added.retain(|f| after.contains(f));
        for f in after.iter().filter(|f| !before.contains(f)) {
            if !added.contains(f) {
                added.push(f.clone());
            }
        }
        if let Some(old) = &old
            && s.closed
        {
            let dropped = crate::schema::dropped_fields(old, &s);
            if !dropped.is_empty() {
                self.drop_field_values(&c, &dropped)?;
            }
        }
        if s.fields.iter().any(|f| f.cascade.is_some()) {
            out.recompute.push(s.name.clone());
        }
        out.schemas.insert(s.name.clone(), Some(s));
        Ok(())
    }

    fn drop_field_values(&mut self, c: &Collection, fields: &[String]) -> Result<(), StoreError> {
        let ids = self.db.ids_in(&c.name);
        for id in ids {
            let has = match self.slot(id)? {
                Some(Slot::Live(p)) => fields.iter().any(|f| p.doc.contains_key(f)),
                _ => false,
            };
            if has {
                for f in fields {
                    self.set(id, f, Value::Null)?;
                }
            }
        }
        Ok(())
    }

    /// Existing data must fit a new or changed schema (entities of this batch are
    /// checked with the rest of the batch).
    fn check_stored(&self, changes: &SchemaChanges) -> Result<(), StoreError> {
        for (name, s) in &changes.schemas {
            let (Some(c), Some(s)) = (self.db.collection(name), s) else {
                continue;
            };
            for r in self.db.scan(&c.name, None)? {
                let r = r?;
                let id = r.get("id").and_then(uuid_of);
                if id.is_some_and(|u| self.slots.contains_key(&u)) {
                    continue;
                }
                crate::schema::validate(s, &r).map_err(|violation| StoreError::SchemaExisting {
                    entity: r.get("id").map(Value::to_string).unwrap_or_default(),
                    violation,
                })?;
            }
        }
        Ok(())
    }

    /// Vector fields and schema checks of every changed entity.
    fn check_changed(&mut self, changes: &SchemaChanges) -> Result<(), StoreError> {
        for id in &self.order {
            let Some(Slot::Live(p)) = self.slots.get_mut(id) else {
                continue;
            };
            if !p.dirty {
                continue;
            }
            if let Some(mut s) = changes.schema_of(&p.collection) {
                crate::schema::coerce(&s, &mut p.doc);
                // The `id` a write gives is kept as the entity's key, not as a
                // field: a required `id` is there.
                if !p.doc.contains_key("id")
                    && let Some(f) = s.fields.iter_mut().find(|f| f.name == "id")
                {
                    f.required = false;
                }
                crate::schema::validate(&s, &p.doc)?;
            }
            prepare_vectors(&self.db, p)?;
        }
        Ok(())
    }

    /// Propagates cascades of the batch's changes and recomputes the cascaded fields
    /// of `recompute`'s collections; writes the derived values into the batch and
    /// returns how many there were.
    fn derive(&mut self, cascades: &CascadeSet, recompute: &[String]) -> Result<usize, StoreError> {
        let derived = {
            let view = BatchView::new(self);
            let mut writes = propagate(cascades, &view, &self.changes, self.now_us)
                .map_err(|e| view.error(e))?;
            for name in recompute {
                let mut ids = self.db.ids_in(name);
                ids.extend(self.slots.keys().copied());
                writes.extend(
                    recompute_all(cascades, &view, ids, self.now_us).map_err(|e| view.error(e))?,
                );
            }
            writes
        };
        let count = derived.len();
        let now = self.now_us;
        for w in derived {
            let p = self.live(w.id)?;
            if p.doc.get(&w.field) != Some(&w.value) {
                if w.value.is_null() {
                    p.doc.shift_remove(&w.field);
                } else {
                    p.doc.insert(w.field.clone(), w.value);
                }
                p.meta.updated_us = now;
                p.dirty = true;
            }
        }
        Ok(count)
    }

    /// The indexed fields of every collection the batch touches, by the schemas it
    /// leaves.
    fn indexed_fields(&self, changes: &SchemaChanges) -> HashMap<String, Vec<String>> {
        let mut indexed: HashMap<String, Vec<String>> = HashMap::new();
        for slot in self.slots.values() {
            let c = match slot {
                Slot::Live(p) => &p.collection,
                Slot::Deleted { collection, .. } => collection,
            };
            if !indexed.contains_key(&*c.name) {
                let s = changes.schema_of(c);
                indexed.insert(c.name.to_string(), indexed_fields(s.as_ref()));
            }
        }
        indexed
    }
}

/// Appends the batch's time-series rows, one append per collection.
fn append_points(points: Vec<(Arc<Collection>, Point)>) -> Result<(), StoreError> {
    let mut by_collection: BTreeMap<String, (Arc<Collection>, Vec<Point>)> = BTreeMap::new();
    for (c, p) in points {
        by_collection
            .entry(c.name.to_string())
            .or_insert_with(|| (c.clone(), Vec::new()))
            .1
            .push(p);
    }
    for (c, pts) in by_collection.values() {
        super::measures::append(c, pts)?;
    }
    Ok(())
}

fn uuid_of(v: &Value) -> Option<Uuid> {
    match v {
        Value::String(s) => Uuid::parse_str(s).ok(),
        _ => None,
    }
}
