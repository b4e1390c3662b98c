//! [`WriteBatch::write`]: the storage step of a commit. The batch's entities and
//! edges are grouped by the shard they live in (an edge lives with its source), and
//! each shard gets one manifold transaction over its tables (entity metadata,
//! external ids, documents, secondary index, positions, vectors, edges), committed
//! with deferred durability; the touched shards are then synced and the result is
//! published to memory (see `publish`).

use super::batch_log::{APPLIED, Part};
use super::codec::encode_document;
use super::collection::Collection;
use super::placement::Placement;
use super::shard::{DOCS, EDGE_PROPS, EXTERNAL, META, POS, Shard};
use super::sindex::{INDEX, sort_key};
use super::write::{EdgeChange, Pending, Slot, WriteBatch, WriteSummary};
use crate::store::{FastMap, StoreError, VectorField};
use hyperql::{Document, Value};
use manifold::{TableMut, WriteTransaction};
use manifold_vectors::DynVectorWriter;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use uuid::Uuid;

/// What a batch writes to one shard.
pub(super) struct ShardWork {
    /// The shard's collection.
    pub(super) collection: Arc<Collection>,
    /// The shard's number in the collection.
    pub(super) shard: usize,
    /// Entities to write (changed, deleted or newly placed).
    ids: Vec<Uuid>,
    /// Edges whose source lives in the shard.
    edges: Vec<EdgeChange>,
}

/// The entity tables of one shard, open in a write transaction.
struct EntityTables<'t> {
    meta: TableMut<'t, Uuid, [u8]>,
    external: TableMut<'t, str, Uuid>,
    docs: TableMut<'t, Uuid, [u8]>,
    positions: TableMut<'t, Uuid, [u8]>,
    index: TableMut<'t, (String, Vec<u8>, Uuid), ()>,
    /// One writer per vector field.
    vectors: Vec<(String, DynVectorWriter<'t>)>,
}

/// The secondary index entries of a document.
type IndexKey = (String, Vec<u8>, Uuid);

/// A shard's transaction, built and not yet committed.
struct Prepared {
    tx: WriteTransaction,
    /// Edge types the graph did not know yet (cached once committed).
    new_types: Vec<(String, u32)>,
    /// Trajectory snapshots to write once committed.
    firsts: Vec<(Uuid, i64, Vec<f64>)>,
}

impl WriteBatch {
    /// The collection and shard an entity lives in: as the batch has it, or as it
    /// is stored.
    pub(super) fn home(&self, id: Uuid) -> Option<(Arc<Collection>, usize)> {
        match self.slots.get(&id) {
            Some(Slot::Live(p)) => Some((p.collection.clone(), p.collection.shard_of(id))),
            Some(Slot::Deleted { collection, .. }) => {
                Some((collection.clone(), collection.shard_of(id)))
            }
            None => {
                let loc = self.db.loc(id)?;
                let c = self.db.collection(&loc.collection)?;
                Some((c, loc.shard as usize))
            }
        }
    }

    /// Whether the batch deletes `id`.
    pub(super) fn deletes(&self, id: &Uuid) -> bool {
        matches!(self.slots.get(id), Some(Slot::Deleted { .. }))
    }

    /// Writes everything, one transaction per shard, then publishes to memory. A
    /// batch over several shards saves their redo records in the batch log before
    /// any shard commits (see `batch_log`); a failure after that point leaves the
    /// database refusing writes until it is reopened (which completes the batch).
    pub(super) fn write(
        self,
        placements: FastMap<Uuid, Placement>,
        derived: usize,
        indexed: &HashMap<String, Vec<String>>,
    ) -> Result<WriteSummary, StoreError> {
        let summary = WriteSummary {
            derived,
            edges: self.edges.clone(),
            ..WriteSummary::default()
        };
        let work = self.by_shard(&placements);
        let log = &self.db.inner.batch_log;
        let number = (work.len() > 1).then(|| log.next_number());
        let mut prepared = Vec::with_capacity(work.len());
        for w in &work {
            prepared.push(self.prepare_shard(w, &placements, indexed, number)?);
        }
        if let Some(n) = number {
            let parts: Vec<Part> = work
                .iter()
                .zip(&prepared)
                .map(|(w, p)| Part {
                    collection: w.collection.name.to_string(),
                    shard: w.shard as u32,
                    redo: p.tx.redo(),
                })
                .collect();
            log.save(n, &parts)?;
        }
        let committed = (|| {
            let mut done = Vec::with_capacity(prepared.len());
            for (i, p) in prepared.into_iter().enumerate() {
                if i > 0 {
                    super::fault::point("between-shard-commits");
                }
                p.tx.commit()?;
                done.push((p.new_types, p.firsts));
            }
            for w in &work {
                w.collection.shards[w.shard].db.sync()?;
            }
            Ok::<_, StoreError>(done)
        })();
        let done = match committed {
            Ok(done) => done,
            Err(e) if number.is_some() => {
                *self.db.inner.broken.lock() = Some(e.to_string());
                return Err(e);
            }
            Err(e) => return Err(e),
        };
        if let Some(n) = number {
            // The batch is durable in every shard: failing to drop its saved record
            // only leaves work for the next open (which skips it by the markers).
            let _ = log.forget(n);
        }
        for (w, (new_types, firsts)) in work.iter().zip(done) {
            self.after_shard_commit(w, new_types, firsts, &placements);
        }
        self.publish(placements, summary)
    }

    /// The batch's work grouped by (collection, shard), in that order; every shard
    /// of a collection whose index the batch drops is included.
    fn by_shard(&self, placements: &FastMap<Uuid, Placement>) -> Vec<ShardWork> {
        let mut groups: BTreeMap<(Arc<str>, usize), ShardWork> = BTreeMap::new();
        let placed_only = placements.keys().filter(|u| !self.slots.contains_key(u));
        for id in self.order.iter().chain(placed_only) {
            if let Some((c, s)) = self.home(*id) {
                group(&mut groups, c, s).ids.push(*id);
            }
        }
        for e in &self.edges {
            let from = match e {
                EdgeChange::Added { from, .. } | EdgeChange::Removed { from, .. } => *from,
            };
            if let Some((c, s)) = self.home(from) {
                group(&mut groups, c, s).edges.push(e.clone());
            }
        }
        for name in self.unindexed.keys() {
            if let Some(c) = self.db.collection(name) {
                for n in 0..c.shards.len() {
                    group(&mut groups, c.clone(), n);
                }
            }
        }
        groups.into_values().collect()
    }

    /// One shard's transaction, built but not committed; with `number`, it also
    /// records that the shard holds multi-shard batch `number`.
    fn prepare_shard(
        &self,
        w: &ShardWork,
        placements: &FastMap<Uuid, Placement>,
        indexed: &HashMap<String, Vec<String>>,
        number: Option<u64>,
    ) -> Result<Prepared, StoreError> {
        let c = &w.collection;
        let shard = &c.shards[w.shard];
        let vectors = c.config.read().vectors.clone();
        // Opened before the transaction: opening a new vector table writes its
        // layout record in a transaction of its own.
        let mut tables = Vec::new();
        for (field, vf) in &vectors {
            tables.push((field.clone(), shard.vector_table(field, vf.dim)?));
        }
        // Trajectories start lazily: an entity's first snapshot (its position
        // since creation) is written when it first moves.
        let trajectories = self.db.options().trajectories;
        let firsts = if trajectories {
            self.first_snapshots(shard, &w.ids, placements)?
        } else {
            Vec::new()
        };
        let mut tx = shard.begin_write()?;
        tx.set_durability(manifold::Durability::Deferred);
        let new_types = {
            let mut t = EntityTables {
                meta: tx.open_table_in(&shard.entities, META)?,
                external: tx.open_table_in(&shard.entities, EXTERNAL)?,
                docs: tx.open_table_in(&shard.properties, DOCS)?,
                positions: tx.open_table_in(&shard.positions, POS)?,
                index: tx.open_table_in(&shard.properties, INDEX)?,
                vectors: Vec::new(),
            };
            for f in self.unindexed.get(&*c.name).into_iter().flatten() {
                t.index.remove_prefix(f.as_str())?;
            }
            for (field, table) in &tables {
                t.vectors.push((field.clone(), table.writer(&tx)?));
            }
            let fields: &[String] = indexed.get(&*c.name).map_or(&[], Vec::as_slice);
            for id in &w.ids {
                self.write_entity(&mut t, *id, fields, &vectors, placements)?;
            }
            drop(t);
            if let Some(n) = number {
                tx.open_table_in(&shard.system, APPLIED)?
                    .insert("applied", &n)?;
            }
            write_edges(shard, &tx, &w.edges)?
        };
        Ok(Prepared {
            tx,
            new_types,
            firsts,
        })
    }

    /// After shard `w` committed: its graph type cache and trajectories.
    fn after_shard_commit(
        &self,
        w: &ShardWork,
        new_types: Vec<(String, u32)>,
        firsts: Vec<(Uuid, i64, Vec<f64>)>,
        placements: &FastMap<Uuid, Placement>,
    ) {
        let shard = &w.collection.shards[w.shard];
        shard.graph.cache_types(new_types);
        if self.db.options().trajectories {
            let mut moved: Vec<(Uuid, i64, &[f64])> = firsts
                .iter()
                .map(|(id, t, x)| (*id, *t, x.as_slice()))
                .collect();
            moved.extend(
                w.ids
                    .iter()
                    .filter(|id| !self.brand_new(**id) && !self.deletes(id))
                    .filter_map(|id| {
                        placements
                            .get(id)
                            .map(|p| (*id, self.now_us, p.combined.as_slice()))
                    }),
            );
            super::trajectory::record_trajectories(shard, &moved);
        }
    }

    /// Writes (or deletes) one entity's records and its position.
    fn write_entity(
        &self,
        t: &mut EntityTables<'_>,
        id: Uuid,
        indexed: &[String],
        vectors: &BTreeMap<String, VectorField>,
        placements: &FastMap<Uuid, Placement>,
    ) -> Result<(), StoreError> {
        match self.slots.get(&id) {
            Some(Slot::Live(p)) if p.dirty => {
                // Nothing is stored yet for a brand-new id.
                let stored = !p.is_new || self.db.loc(id).is_some();
                write_live(t, id, p, stored, indexed, vectors)?;
            }
            Some(Slot::Deleted {
                meta, stored_doc, ..
            }) => {
                for k in index_entries(indexed, stored_doc.as_deref(), id) {
                    t.index.remove(&k)?;
                }
                t.meta.remove(&id)?;
                if let Some(k) = &meta.external_id {
                    t.external.remove(k.as_str())?;
                }
                t.docs.remove(&id)?;
                t.positions.remove(&id)?;
                for (_, w) in &mut t.vectors {
                    w.remove(id)?;
                }
            }
            _ => {}
        }
        if let Some(p) = placements.get(&id)
            && !self.deletes(&id)
        {
            t.positions.insert(&id, &p.encode())?;
        }
        Ok(())
    }
}

/// Writes a changed live entity: its index entries, metadata, external id, document
/// and vectors (`stored`: something may be stored for it already).
fn write_live(
    t: &mut EntityTables<'_>,
    id: Uuid,
    p: &Pending,
    stored: bool,
    indexed: &[String],
    vectors: &BTreeMap<String, VectorField>,
) -> Result<(), StoreError> {
    for k in index_entries(indexed, p.stored_doc.as_deref(), id) {
        t.index.remove(&k)?;
    }
    for k in index_entries(indexed, Some(&p.doc), id) {
        t.index.insert(&k, &())?;
    }
    t.meta.insert(&id, &p.meta.encode())?;
    if p.old_external != p.meta.external_id
        && let Some(k) = &p.old_external
    {
        t.external.remove(k.as_str())?;
    }
    if let Some(k) = &p.meta.external_id {
        t.external.insert(k.as_str(), &id)?;
    }
    t.docs
        .insert(&id, &encode_document(&without_vectors(&p.doc, vectors)))?;
    for (field, w) in &mut t.vectors {
        match super::paths::get_path(&p.doc, field) {
            Some(Value::Vector(v)) => w.insert(id, v)?,
            _ if stored => {
                w.remove(id)?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// Adds and removes the edges of one shard, with their properties; returns the edge
/// types the graph did not know yet.
fn write_edges(
    shard: &Shard,
    tx: &WriteTransaction,
    edges: &[EdgeChange],
) -> Result<Vec<(String, u32)>, StoreError> {
    let mut eprops = tx.open_table_in(&shard.edges, EDGE_PROPS)?;
    let mut gw = shard.graph.writer(tx)?;
    for e in edges {
        match e {
            EdgeChange::Added {
                from,
                label,
                to,
                weight,
                props,
            } => {
                gw.add_edge(*from, label, *to, *weight)?;
                let key = (*from, label.clone(), *to);
                if props.is_empty() {
                    eprops.remove(&key)?;
                } else {
                    eprops.insert(&key, &encode_document(props))?;
                }
            }
            EdgeChange::Removed { from, label, to } => {
                gw.remove_edge(*from, label, *to)?;
                eprops.remove(&(*from, label.clone(), *to))?;
            }
        }
    }
    Ok(gw.into_new_types())
}

/// The work of shard `shard` of `c` in `groups`, added if new.
fn group(
    groups: &mut BTreeMap<(Arc<str>, usize), ShardWork>,
    c: Arc<Collection>,
    shard: usize,
) -> &mut ShardWork {
    groups
        .entry((c.name.clone(), shard))
        .or_insert_with(|| ShardWork {
            collection: c,
            shard,
            ids: Vec::new(),
            edges: Vec::new(),
        })
}

/// The secondary index entries of `doc` for the `indexed` fields.
fn index_entries(indexed: &[String], doc: Option<&Document>, id: Uuid) -> Vec<IndexKey> {
    indexed
        .iter()
        .filter_map(|f| {
            let v = doc?.get(f)?;
            Some((f.clone(), sort_key(v)?, id))
        })
        .collect()
}

/// The fields of `doc` that are stored in its document record: all but the vector
/// fields (they live in their vector tables).
fn without_vectors<'d>(
    doc: &'d Document,
    vectors: &BTreeMap<String, VectorField>,
) -> std::borrow::Cow<'d, Document> {
    if vectors.is_empty()
        || vectors
            .keys()
            .all(|f| super::paths::get_path(doc, f).is_none())
    {
        return std::borrow::Cow::Borrowed(doc);
    }
    let mut d = doc.clone();
    for f in vectors.keys() {
        super::paths::remove_path(&mut d, f);
    }
    std::borrow::Cow::Owned(d)
}
