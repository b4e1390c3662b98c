//! Write batches: every change of a statement, buffered, then checked and written.
//!
//! A [`WriteBatch`] keeps the new state of every entity it touches (or that it was
//! deleted), the edges it adds and removes and the schema changes. Nothing reaches
//! storage before [`WriteBatch::commit`], which, holding the database's commit lock:
//! 1. applies schema changes (checking existing data, refusing cascade cycles),
//! 2. fills auto-embedded vectors and checks every touched entity against its schema,
//! 3. propagates cascades (see `commit` and `batch_view`) and places entities in
//!    hyperbolic space (`place_batch`),
//! 4. writes one manifold transaction per touched shard, then syncs them
//!    (`shard_write`),
//! 5. updates the caches, the type index and the HNSW indexes (`publish`).
//!
//! Before step 1, the batch is checked against concurrent commits (`isolation`):
//! an entity it read and another batch wrote since fails it with
//! [`StoreError::Conflict`], an id another batch took since with
//! [`StoreError::Constraint`].
//!
//! Dropping a batch without committing discards it. A failure in steps 1-3 writes
//! nothing; shards commit one after another, so only an I/O failure between two
//! shards' commits can leave a multi-shard batch partly written.

use super::codec::EntityMeta;
use super::collection::Collection;
use super::database::Database;
use super::edges::StoredEdge;
use crate::cascade::Change;
use crate::store::{FastMap, StoreError, check_name, fields};
use hyperql::{Document, Schema, Value};
use manifold_graph::Direction;
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// The state a batch gives an entity.
#[derive(Clone)]
pub(crate) enum Slot {
    /// Exists after the batch, with these user fields.
    Live(Pending),
    /// Deleted by the batch (it existed before).
    Deleted {
        /// Its collection.
        collection: Arc<Collection>,
        /// Its metadata before.
        meta: EntityMeta,
        /// Its user fields before.
        stored_doc: Option<Arc<Document>>,
        /// Its version when the batch read it (see `Loc::version`).
        read_version: Option<u64>,
    },
}

/// A live entity in a batch.
#[derive(Clone)]
pub(crate) struct Pending {
    pub(crate) collection: Arc<Collection>,
    pub(crate) meta: EntityMeta,
    /// User fields (nested), vector fields included; no reserved fields.
    pub(crate) doc: Document,
    /// Not stored before the batch.
    pub(crate) is_new: bool,
    /// The external id stored before the batch.
    pub(crate) old_external: Option<String>,
    /// The user fields stored before the batch (to remove stale index entries).
    pub(crate) stored_doc: Option<Arc<Document>>,
    /// Changed by the batch (entities only read, e.g. to check an edge's ends, are
    /// not rewritten).
    pub(crate) dirty: bool,
    /// The entity's version when the batch read it (see `Loc::version`); `None`
    /// when the batch saw no stored entity with this id.
    pub(crate) read_version: Option<u64>,
}

/// An edge added or removed by a batch.
#[derive(Clone, Debug, PartialEq)]
pub enum EdgeChange {
    /// `from -[label]-> to` added (or replaced).
    Added {
        /// Tail.
        from: Uuid,
        /// Type.
        label: String,
        /// Head.
        to: Uuid,
        /// Weight (default 1).
        weight: f32,
        /// Extra properties.
        props: Document,
    },
    /// `from -[label]-> to` removed.
    Removed {
        /// Tail.
        from: Uuid,
        /// Type.
        label: String,
        /// Head.
        to: Uuid,
    },
}

pub(crate) enum SchemaOp {
    Put(Schema),
    Drop(String),
}

/// What a committed batch did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WriteSummary {
    /// Entities inserted.
    pub inserted: Vec<Uuid>,
    /// Entities updated (cascaded updates included).
    pub updated: Vec<Uuid>,
    /// Entities deleted.
    pub deleted: Vec<Uuid>,
    /// Edge changes.
    pub edges: Vec<EdgeChange>,
    /// Derived (cascaded) field values written.
    pub derived: usize,
    /// Entities placed again by new position settings.
    pub replaced: usize,
}

/// A set of changes applied atomically by [`WriteBatch::commit`].
pub struct WriteBatch {
    pub(crate) db: Database,
    pub(crate) slots: FastMap<Uuid, Slot>,
    pub(crate) order: Vec<Uuid>,
    pub(crate) edges: Vec<EdgeChange>,
    pub(crate) schemas: Vec<SchemaOp>,
    pub(crate) changes: Vec<Change>,
    pub(crate) now_us: i64,
    /// Fields whose secondary index a schema change drops, per collection.
    pub(crate) unindexed: HashMap<String, Vec<String>>,
    /// Rows for time-series collections.
    pub(crate) points: Vec<(Arc<Collection>, super::measures::Point)>,
    /// External ids given to entities inserted by this batch (an entry may be stale
    /// after a delete: users check the slot).
    pub(crate) new_external: FastMap<String, Uuid>,
    /// The write sequence number the batch commits as (set under the commit lock).
    pub(crate) seq: u64,
    /// New graph components from a re-layout (`None`: the entity has no graph
    /// component any more), applied at commit to the entities that still exist.
    pub(crate) relaid: FastMap<Uuid, Option<Vec<f64>>>,
    /// A collection whose entities are all placed again from their stored documents
    /// (new position settings), listed at commit under the commit lock, so entities
    /// committed before are included and those committed after see the new
    /// settings (see `position_settings`).
    pub(crate) replaced: Option<Arc<str>>,
}

/// Microseconds since the Unix epoch.
pub(crate) fn now_us() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
}

/// Removes the reserved fields from a document given by a user.
fn strip_reserved(mut doc: Document) -> Document {
    for f in [fields::ID, fields::KEY, fields::TYPE, fields::POSITION] {
        doc.shift_remove(f);
    }
    doc
}

fn top_level_changes(old: &Document, new: &Document) -> Vec<String> {
    let mut out: Vec<String> = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    out.extend(old.keys().filter(|k| !new.contains_key(*k)).cloned());
    out
}

impl Database {
    /// The time of a new batch: the clock, but always after the previous batch's
    /// (within one open database, batch times strictly increase even when the clock
    /// stands still or goes back, so trajectory snapshots and update times of
    /// successive writes never tie).
    fn batch_time(&self) -> i64 {
        use std::sync::atomic::Ordering::Relaxed;
        let clock = now_us();
        let after = |prev: i64| clock.max(prev.saturating_add(1));
        match self
            .inner
            .last_batch_us
            .fetch_update(Relaxed, Relaxed, |prev| Some(after(prev)))
        {
            Ok(prev) | Err(prev) => after(prev),
        }
    }

    /// Starts a write batch.
    pub fn batch(&self) -> WriteBatch {
        WriteBatch {
            db: self.clone(),
            slots: FastMap::default(),
            order: Vec::new(),
            edges: Vec::new(),
            schemas: Vec::new(),
            changes: Vec::new(),
            now_us: self.batch_time(),
            unindexed: HashMap::new(),
            points: Vec::new(),
            new_external: FastMap::default(),
            seq: 0,
            relaid: FastMap::default(),
            replaced: None,
        }
    }
}

impl WriteBatch {
    /// Makes room for `n` more inserted entities (a bulk load knows its batch size).
    pub(crate) fn reserve(&mut self, n: usize) {
        self.slots.reserve(n);
        self.order.reserve(n);
        self.changes.reserve(n);
        self.new_external.reserve(n);
    }

    /// The state of `id` as this batch sees it, loading it from storage on first use.
    pub(crate) fn slot(&mut self, id: Uuid) -> Result<Option<&mut Slot>, StoreError> {
        if !self.slots.contains_key(&id) {
            // The version is read before the record: a commit landing in between
            // makes the batch's check refuse (safe), never accept a stale read.
            let Some(loc) = self.db.loc(id) else {
                return Ok(None);
            };
            let Some(c) = self.db.collection(&loc.collection) else {
                return Ok(None);
            };
            let Some((meta, record)) =
                super::read::read_record(&c, &c.shards[loc.shard as usize], id)?
            else {
                return Ok(None);
            };
            let doc = strip_reserved((*record).clone());
            let old_external = meta.external_id.clone();
            let stored_doc = Some(Arc::new(doc.clone()));
            self.slots.insert(
                id,
                Slot::Live(Pending {
                    collection: c,
                    meta,
                    doc,
                    is_new: false,
                    old_external,
                    stored_doc,
                    dirty: false,
                    read_version: Some(loc.version),
                }),
            );
            self.order.push(id);
        }
        Ok(self.slots.get_mut(&id))
    }

    /// The live state of `id`, or `NotFound`.
    pub(crate) fn live(&mut self, id: Uuid) -> Result<&mut Pending, StoreError> {
        match self.slot(id)? {
            Some(Slot::Live(p)) => Ok(p),
            _ => Err(StoreError::NotFound(id.to_string())),
        }
    }

    /// `NotFound` unless `id` is live as this batch sees it (without reading it).
    pub(super) fn require_live(&self, id: Uuid) -> Result<(), StoreError> {
        let live = match self.slots.get(&id) {
            Some(Slot::Live(_)) => true,
            Some(Slot::Deleted { .. }) => false,
            None => self.db.loc(id).is_some(),
        };
        if live {
            Ok(())
        } else {
            Err(StoreError::NotFound(id.to_string()))
        }
    }

    /// Resolves a user-given id (UUID text or external id), seeing this batch's
    /// inserts and deletes.
    pub fn resolve(&self, id: &Value) -> Option<Uuid> {
        let Value::String(s) = id else {
            return None;
        };
        if let Some(u) = self.new_in_batch(s, None) {
            return Some(u);
        }
        let u = self.db.resolve(id).or_else(|| Uuid::parse_str(s).ok())?;
        match self.slots.get(&u) {
            Some(Slot::Live(_)) => Some(u),
            Some(Slot::Deleted { .. }) => None,
            None => self.db.loc(u).map(|_| u),
        }
    }

    /// The live entity inserted by this batch under external id `key`, other than
    /// `except`.
    fn new_in_batch(&self, key: &str, except: Option<Uuid>) -> Option<Uuid> {
        let u = *self.new_external.get(key)?;
        let live = matches!(self.slots.get(&u), Some(Slot::Live(p)) if p.meta.external_id.as_deref() == Some(key));
        (live && Some(u) != except).then_some(u)
    }

    pub(super) fn external_taken(&self, key: &str, except: Option<Uuid>) -> bool {
        let pending = self.new_in_batch(key, except).is_some();
        let stored = self.db.inner.external.get(key).is_some_and(|u| {
            Some(*u) != except
                && !matches!(self.slots.get(&*u), Some(Slot::Deleted { .. }))
                && !matches!(self.slots.get(&*u), Some(Slot::Live(p)) if p.meta.external_id.as_deref() != Some(key))
        });
        pending || stored
    }

    /// Inserts a document into `collection` (created if new) and returns its id.
    ///
    /// `id` in the document may be a UUID (used as the entity id) or any other string
    /// (an external id, unique in the database, mapped to a new UUID); `_key` also sets
    /// the external id. `position` and `_type` are ignored: positions are computed.
    pub fn insert(
        &mut self,
        collection: &str,
        entity_type: Option<&str>,
        doc: Document,
    ) -> Result<Uuid, StoreError> {
        let c = self.db.collection_or_create(collection)?;
        if let Some(t) = entity_type {
            check_name(t)?;
        }
        let ts = c.config.read().time_series.clone();
        if let Some(cfg) = ts {
            let point = super::measures::to_point(&cfg, &doc)?;
            self.points.push((c, point));
            // Rows of a time series have no entity id.
            return Ok(Uuid::nil());
        }
        let mut external = match doc.get(fields::KEY) {
            Some(Value::String(s)) => Some(s.to_string()),
            Some(Value::Null) | None => None,
            Some(v) => {
                return Err(StoreError::Invalid(format!(
                    "`_key` must be a string, not {}",
                    v.type_name()
                )));
            }
        };
        let id = match doc.get(fields::ID) {
            None | Some(Value::Null) => crate::store::new_entity_id(),
            Some(Value::String(s)) => match Uuid::parse_str(s) {
                Ok(u) => u,
                Err(_) => {
                    if external.as_deref().is_some_and(|e| e != &**s) {
                        return Err(StoreError::Invalid(format!(
                            "`id` `{s}` and `_key` `{}` disagree",
                            external.unwrap_or_default()
                        )));
                    }
                    external = Some(s.to_string());
                    crate::store::new_entity_id()
                }
            },
            Some(Value::Int(n)) => {
                external = Some(n.to_string());
                crate::store::new_entity_id()
            }
            Some(v) => {
                return Err(StoreError::Invalid(format!(
                    "`id` must be a string, not {}",
                    v.type_name()
                )));
            }
        };
        if let Some(k) = &external {
            if k.is_empty() {
                return Err(StoreError::Invalid(
                    "an external id may not be empty".into(),
                ));
            }
            if self.external_taken(k, None) {
                return Err(StoreError::Constraint(format!(
                    "an entity with id `{k}` already exists"
                )));
            }
        }
        // An id this batch deleted may be inserted again, in the same collection:
        // the stored record is then replaced (its external id and index entries
        // taken out), as an update would.
        let (exists, read_version, old_external, stored_doc) = match self.slots.get(&id) {
            Some(Slot::Live(_)) => (true, None, None, None),
            Some(Slot::Deleted {
                collection,
                meta,
                stored_doc,
                read_version,
            }) => {
                if collection.name != c.name {
                    return Err(StoreError::Constraint(format!(
                        "entity `{id}` was deleted from `{}` by this batch; insert it into `{}` in a later one",
                        collection.name, c.name
                    )));
                }
                (
                    false,
                    *read_version,
                    meta.external_id.clone(),
                    stored_doc.clone(),
                )
            }
            None => (self.db.loc(id).is_some(), None, None, None),
        };
        if exists {
            return Err(StoreError::Constraint(format!(
                "an entity with id `{id}` already exists"
            )));
        }
        let doc = strip_reserved(doc);
        super::paths::check(&doc)?;
        if let Some(k) = &external {
            self.new_external.insert(k.clone(), id);
        }
        let meta = EntityMeta {
            entity_type: entity_type.map(str::to_string),
            external_id: external,
            created_us: self.now_us,
            updated_us: self.now_us,
        };
        if !self.slots.contains_key(&id) {
            self.order.push(id);
        }
        self.slots.insert(
            id,
            Slot::Live(Pending {
                collection: c,
                meta,
                doc,
                is_new: true,
                old_external,
                stored_doc,
                dirty: true,
                read_version,
            }),
        );
        self.changes.push(Change::EntityCreated { id });
        Ok(id)
    }

    /// Replaces the user fields of entity `id` with `doc` (reserved fields in `doc`
    /// are ignored; the external id and entity type are kept).
    pub fn update(&mut self, id: Uuid, doc: Document) -> Result<(), StoreError> {
        let doc = strip_reserved(doc);
        super::paths::check(&doc)?;
        let now = self.now_us;
        let p = self.live(id)?;
        let changed = top_level_changes(&p.doc, &doc);
        p.doc = doc;
        p.meta.updated_us = now;
        p.dirty = true;
        for field in changed {
            self.changes.push(Change::FieldWritten { id, field });
        }
        Ok(())
    }

    /// Sets one dotted path of entity `id` (NULL removes it).
    pub fn set(&mut self, id: Uuid, path: &str, value: Value) -> Result<(), StoreError> {
        if path.split('.').any(str::is_empty) {
            return Err(StoreError::Invalid(format!("bad path `{path}`")));
        }
        let mut doc = self.live(id)?.doc.clone();
        super::paths::set_path(&mut doc, path, value);
        self.update(id, doc)
    }

    /// Deletes entity `id` and every edge that touches it.
    pub fn delete(&mut self, id: Uuid) -> Result<(), StoreError> {
        let p = self.live(id)?.clone();
        let stored: Vec<StoredEdge> = if p.is_new {
            Vec::new()
        } else {
            self.db.edges(id, Direction::Both, None)?
        };
        for e in stored {
            self.remove_edge_inner(e.from, &e.label, e.to);
        }
        let pending: Vec<(Uuid, String, Uuid)> = self
            .live_edges()
            .into_iter()
            .filter(|(f, _, t)| *f == id || *t == id)
            .collect();
        for (f, l, t) in pending {
            self.remove_edge_inner(f, &l, t);
        }
        if p.is_new {
            self.slots.remove(&id);
            self.order.retain(|u| *u != id);
            self.changes
                .retain(|c| !matches!(c, Change::EntityCreated { id: x } | Change::FieldWritten { id: x, .. } if *x == id));
            return Ok(());
        }
        self.changes.push(Change::EntityDeleted {
            id,
            collection: p.collection.name.to_string(),
        });
        self.slots.insert(
            id,
            Slot::Deleted {
                collection: p.collection,
                meta: p.meta,
                stored_doc: p.stored_doc,
                read_version: p.read_version,
            },
        );
        Ok(())
    }

    /// Edges added by this batch and still present.
    pub(super) fn live_edges(&self) -> Vec<(Uuid, String, Uuid)> {
        let mut out: Vec<(Uuid, String, Uuid)> = Vec::new();
        for e in &self.edges {
            match e {
                EdgeChange::Added {
                    from, label, to, ..
                } => out.push((*from, label.clone(), *to)),
                EdgeChange::Removed { from, label, to } => {
                    out.retain(|x| !(x.0 == *from && x.1 == *label && x.2 == *to));
                }
            }
        }
        out
    }

    fn remove_edge_inner(&mut self, from: Uuid, label: &str, to: Uuid) {
        self.edges.push(EdgeChange::Removed {
            from,
            label: label.to_string(),
            to,
        });
        self.changes.push(Change::EdgeRemoved {
            from,
            to,
            label: label.to_string(),
        });
    }

    /// Adds (or replaces) edge `from -[label]-> to`. Both entities must exist.
    pub fn relate(
        &mut self,
        from: Uuid,
        label: &str,
        to: Uuid,
        weight: f32,
        props: Document,
    ) -> Result<(), StoreError> {
        check_name(label)?;
        if !weight.is_finite() {
            return Err(StoreError::Invalid(format!(
                "edge weight {weight} is not finite"
            )));
        }
        for id in [from, to] {
            self.require_live(id)?;
        }
        super::paths::check(&props)?;
        self.edges.push(EdgeChange::Added {
            from,
            label: label.to_string(),
            to,
            weight,
            props,
        });
        self.changes.push(Change::EdgeAdded {
            from,
            to,
            label: label.to_string(),
        });
        Ok(())
    }

    /// Removes edge `from -[label]-> to`; whether it existed.
    pub fn unrelate(&mut self, from: Uuid, label: &str, to: Uuid) -> Result<bool, StoreError> {
        let pending = self
            .live_edges()
            .iter()
            .any(|e| e.0 == from && e.1 == label && e.2 == to);
        let stored = self
            .db
            .edges(from, Direction::Outgoing, Some(label))?
            .iter()
            .any(|e| e.to == to);
        if pending || stored {
            self.remove_edge_inner(from, label, to);
        }
        Ok(pending || stored)
    }

    /// Creates or replaces the declared schema of a collection.
    pub fn put_schema(&mut self, schema: Schema) -> Result<(), StoreError> {
        check_name(&schema.name)?;
        self.schemas.push(SchemaOp::Put(schema));
        Ok(())
    }

    /// Drops the declared schema of a collection; whether one existed.
    pub fn drop_schema(&mut self, name: &str) -> Result<bool, StoreError> {
        let pending = self.schemas.iter().rev().find_map(|op| match op {
            SchemaOp::Put(s) if s.name == name => Some(true),
            SchemaOp::Drop(n) if n == name => Some(false),
            _ => None,
        });
        let existed = pending.unwrap_or_else(|| {
            self.db
                .collection(name)
                .is_some_and(|c| c.schema.read().is_some())
        });
        self.schemas.push(SchemaOp::Drop(name.to_string()));
        Ok(existed)
    }

    /// The collection an entity belongs to as this batch sees it.
    pub fn collection_of(&self, id: Uuid) -> Option<String> {
        match self.slots.get(&id) {
            Some(Slot::Live(p)) => Some(p.collection.name.to_string()),
            Some(Slot::Deleted { .. }) => None,
            None => self.db.loc(id).map(|l| l.collection.to_string()),
        }
    }

    /// Whether the batch holds no change.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
            && self.schemas.is_empty()
            && self.edges.is_empty()
            && self.points.is_empty()
            && self.relaid.is_empty()
            && self.replaced.is_none()
    }
}
