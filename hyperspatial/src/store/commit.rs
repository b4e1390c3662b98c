//! [`WriteBatch::commit`]: check, derive, place, write, publish.

use super::codec::encode_document;
use super::collection::{Collection, to_ball};
use super::database::Loc;
use super::feed::ChangeKind;
use super::placement::Placement;
use super::shard::{DOCS, EDGE_PROPS, EXTERNAL, META, POS};
use super::sindex::{INDEX, sort_key};
use super::write::{EdgeChange, Pending, SchemaOp, Slot, WriteBatch, WriteSummary};
use crate::cascade::{CascadeError, CascadeView, Change, EdgeDirection, propagate, recompute_all};
use crate::store::{StoreError, VectorField, VectorMetric};
use hyperql::{Schema, Value};
use manifold_graph::Direction;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use uuid::Uuid;

/// The batch over committed data, as cascades read it.
struct View<'a> {
    batch: &'a WriteBatch,
}

fn view_err(e: StoreError) -> CascadeError {
    CascadeError::View(e.to_string())
}

impl CascadeView for View<'_> {
    fn neighbours(
        &self,
        id: Uuid,
        label: &str,
        dir: EdgeDirection,
    ) -> Result<Vec<Uuid>, CascadeError> {
        let b = self.batch;
        let mut set: HashSet<Uuid> = HashSet::new();
        let stored_dir = match dir {
            EdgeDirection::Outgoing => Direction::Outgoing,
            EdgeDirection::Incoming => Direction::Incoming,
        };
        if b.db.loc(id).is_some() {
            for e in b.db.edges(id, stored_dir, Some(label)).map_err(view_err)? {
                set.insert(if dir == EdgeDirection::Outgoing {
                    e.to
                } else {
                    e.from
                });
            }
        }
        for c in &b.edges {
            let (from, l, to, added) = match c {
                EdgeChange::Added {
                    from, label, to, ..
                } => (*from, label, *to, true),
                EdgeChange::Removed { from, label, to } => (*from, label, *to, false),
            };
            if l != label {
                continue;
            }
            let other = match dir {
                EdgeDirection::Outgoing if from == id => to,
                EdgeDirection::Incoming if to == id => from,
                _ => continue,
            };
            if added {
                set.insert(other);
            } else {
                set.remove(&other);
            }
        }
        set.retain(|u| !matches!(b.slots.get(u), Some(Slot::Deleted { .. })));
        Ok(set.into_iter().collect())
    }

    fn collection_of(&self, id: Uuid) -> Result<Option<String>, CascadeError> {
        Ok(match self.batch.slots.get(&id) {
            Some(Slot::Live(p)) => Some(p.collection.name.to_string()),
            Some(Slot::Deleted { .. }) => None,
            None => self.batch.db.loc(id).map(|l| l.collection.to_string()),
        })
    }

    fn field(&self, id: Uuid, field: &str) -> Result<Option<(Value, i64)>, CascadeError> {
        match self.batch.slots.get(&id) {
            Some(Slot::Live(p)) => Ok(p
                .doc
                .get(field)
                .filter(|v| !v.is_null())
                .map(|v| (v.clone(), p.meta.updated_us))),
            Some(Slot::Deleted { .. }) => Ok(None),
            None => {
                let db = &self.batch.db;
                let Some(loc) = db.loc(id) else {
                    return Ok(None);
                };
                let Some(c) = db.collection(&loc.collection) else {
                    return Ok(None);
                };
                let meta = c.shards[loc.shard as usize].meta(id).map_err(view_err)?;
                let v = db.property(id, field).map_err(view_err)?;
                Ok(v.zip(meta.map(|m| m.updated_us)))
            }
        }
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
        let mut cascades = db.inner.cascades.read().clone();
        let (schemas, recompute, backfills) = self.apply_schema_ops(&mut cascades)?;
        let schema_of = |c: &Collection| -> Option<Schema> {
            match schemas.get(&*c.name) {
                Some(s) => s.clone(),
                None => c.schema.read().clone(),
            }
        };
        // Existing data must fit a new or changed schema.
        for name in schemas.keys() {
            let (Some(c), Some(Some(s))) = (db.collection(name), schemas.get(name)) else {
                continue;
            };
            for r in db.scan(&c.name, None)? {
                let r = r?;
                let id = r.get("id").and_then(uuid_of);
                if id.is_some_and(|u| self.slots.contains_key(&u)) {
                    continue;
                }
                crate::schema::validate(s, &r).map_err(|e| {
                    StoreError::Constraint(format!(
                        "{e} (existing entity {})",
                        r.get("id").map(Value::to_string).unwrap_or_default()
                    ))
                })?;
            }
        }
        self.auto_embed()?;
        // Vector fields and schema checks of every live entity.
        for id in self.order.clone() {
            let Some(Slot::Live(p)) = self.slots.get_mut(&id) else {
                continue;
            };
            if !p.dirty {
                continue;
            }
            if let Some(s) = schema_of(&p.collection) {
                crate::schema::coerce(&s, &mut p.doc);
                crate::schema::validate(&s, &p.doc)
                    .map_err(|e| StoreError::Constraint(e.to_string()))?;
            }
            prepare_vectors(&db, p)?;
        }
        // Cascades.
        let derived = {
            let view = View { batch: &self };
            let mut writes = propagate(&cascades, &view, &self.changes, self.now_us)
                .map_err(|e| StoreError::Constraint(e.to_string()))?;
            for name in &recompute {
                let mut ids = db.ids_in(name);
                ids.extend(self.slots.keys().copied());
                writes.extend(
                    recompute_all(&cascades, &view, ids, self.now_us)
                        .map_err(|e| StoreError::Constraint(e.to_string()))?,
                );
            }
            writes
        };
        let derived_count = derived.len();
        for w in derived {
            let now = self.now_us;
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
        let placements = self.place()?;
        let mut indexed: HashMap<String, Vec<String>> = HashMap::new();
        for slot in self.slots.values() {
            let c = match slot {
                Slot::Live(p) => &p.collection,
                Slot::Deleted { collection, .. } => collection,
            };
            if !indexed.contains_key(&*c.name) {
                let s = schema_of(c);
                indexed.insert(
                    c.name.to_string(),
                    super::sindex::indexed_fields(s.as_ref()),
                );
            }
        }
        let points = std::mem::take(&mut self.points);
        let summary = self.write(placements, derived_count, &indexed)?;
        let mut by_collection: BTreeMap<String, (Arc<Collection>, Vec<super::measures::Point>)> =
            BTreeMap::new();
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
        // Fill new indexes from what is stored now (this batch included), before
        // the schema that declares them is published.
        for (name, fields) in &backfills {
            if let Some(c) = db.collection(name) {
                for shard in &c.shards {
                    super::sindex::backfill(shard, fields)?;
                }
            }
        }
        // Publish the new schemas and cascade rules.
        for (name, s) in schemas {
            if let Some(c) = db.collection(&name) {
                c.save_schema(s.as_ref())?;
            }
        }
        *db.inner.cascades.write() = cascades;
        db.inner
            .commits
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(summary)
    }

    /// Applies schema operations to `cascades`; returns the final schema per touched
    /// collection, the collections whose cascaded fields must be recomputed and the
    /// newly indexed fields per collection.
    #[allow(clippy::type_complexity)]
    fn apply_schema_ops(
        &mut self,
        cascades: &mut crate::cascade::CascadeSet,
    ) -> Result<
        (
            BTreeMap<String, Option<Schema>>,
            Vec<String>,
            BTreeMap<String, Vec<String>>,
        ),
        StoreError,
    > {
        let mut out: BTreeMap<String, Option<Schema>> = BTreeMap::new();
        let mut recompute = Vec::new();
        let mut backfills: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for op in std::mem::take(&mut self.schemas) {
            match op {
                SchemaOp::Put(s) => {
                    let c = self.db.collection_or_create(&s.name)?;
                    let old = match out.get(&s.name) {
                        Some(o) => o.clone(),
                        None => c.schema.read().clone(),
                    };
                    cascades
                        .set_schema(&s)
                        .map_err(|e| StoreError::Constraint(e.to_string()))?;
                    let before = super::sindex::indexed_fields(old.as_ref());
                    let after = super::sindex::indexed_fields(Some(&s));
                    self.unindexed
                        .entry(s.name.clone())
                        .or_default()
                        .extend(before.iter().filter(|f| !after.contains(f)).cloned());
                    let added = backfills.entry(s.name.clone()).or_default();
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
                        recompute.push(s.name.clone());
                    }
                    out.insert(s.name.clone(), Some(s));
                }
                SchemaOp::Drop(n) => {
                    cascades.remove_collection(&n);
                    backfills.remove(&n);
                    if let Some(c) = self.db.collection(&n) {
                        let before = match out.get(&n) {
                            Some(o) => o.clone(),
                            None => c.schema.read().clone(),
                        };
                        self.unindexed
                            .entry(n.clone())
                            .or_default()
                            .extend(super::sindex::indexed_fields(before.as_ref()));
                        out.insert(n, None);
                    }
                }
            }
        }
        backfills.retain(|_, fields| !fields.is_empty());
        Ok((out, recompute, backfills))
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

    /// Fills auto-embedded vector fields of new entities and of entities whose source
    /// text changed, one embedder call per rule.
    fn auto_embed(&mut self) -> Result<(), StoreError> {
        let written: HashSet<(Uuid, String)> = self
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::FieldWritten { id, field } => Some((*id, field.clone())),
                _ => None,
            })
            .collect();
        let mut jobs: Vec<(Uuid, String, String)> = Vec::new();
        for id in &self.order {
            let Some(Slot::Live(p)) = self.slots.get(id) else {
                continue;
            };
            for rule in &p.collection.config.read().auto_embed {
                let top = rule
                    .source
                    .split('.')
                    .next()
                    .unwrap_or_default()
                    .to_string();
                if !p.is_new && !written.contains(&(*id, top)) {
                    continue;
                }
                if let Some(Value::String(t)) = super::paths::get_path(&p.doc, &rule.source) {
                    jobs.push((*id, rule.target.clone(), t.to_string()));
                }
            }
        }
        if jobs.is_empty() {
            return Ok(());
        }
        let e = self.db.embedder(None).ok_or_else(|| {
            StoreError::Embedding(
                "auto-embedding is configured but no embedder is registered".into(),
            )
        })?;
        let texts: Vec<&str> = jobs.iter().map(|j| j.2.as_str()).collect();
        let vectors = e
            .embed(&texts)
            .map_err(|err| StoreError::Embedding(err.to_string()))?;
        for ((id, target, _), v) in jobs.into_iter().zip(vectors) {
            if let Some(Slot::Live(p)) = self.slots.get_mut(&id) {
                super::paths::set_path(&mut p.doc, &target, Value::Vector(v.into()));
            }
        }
        Ok(())
    }

    /// Writes everything, one transaction per shard, then publishes to memory.
    fn write(
        mut self,
        mut placements: HashMap<Uuid, Placement>,
        derived: usize,
        indexed: &HashMap<String, Vec<String>>,
    ) -> Result<WriteSummary, StoreError> {
        let db = self.db.clone();
        let mut summary = WriteSummary {
            derived,
            edges: self.edges.clone(),
            ..WriteSummary::default()
        };
        // Group by (collection, shard).
        type Key = (Arc<str>, usize);
        type Group = (Arc<Collection>, Vec<Uuid>, Vec<EdgeChange>);
        let mut groups: BTreeMap<Key, Group> = BTreeMap::new();
        let home = |id: Uuid| -> Option<(Arc<Collection>, usize)> {
            match self.slots.get(&id) {
                Some(Slot::Live(p)) => Some((p.collection.clone(), p.collection.shard_of(id))),
                Some(Slot::Deleted { collection, .. }) => {
                    Some((collection.clone(), collection.shard_of(id)))
                }
                None => {
                    let loc = db.loc(id)?;
                    let c = db.collection(&loc.collection)?;
                    Some((c, loc.shard as usize))
                }
            }
        };
        let mut ids: Vec<Uuid> = self.order.clone();
        ids.extend(placements.keys().filter(|u| !self.slots.contains_key(u)));
        for id in ids {
            if let Some((c, s)) = home(id) {
                groups
                    .entry((c.name.clone(), s))
                    .or_insert_with(|| (c, Vec::new(), Vec::new()))
                    .1
                    .push(id);
            }
        }
        for e in &self.edges {
            let from = match e {
                EdgeChange::Added { from, .. } | EdgeChange::Removed { from, .. } => *from,
            };
            if let Some((c, s)) = home(from) {
                groups
                    .entry((c.name.clone(), s))
                    .or_insert_with(|| (c, Vec::new(), Vec::new()))
                    .2
                    .push(e.clone());
            }
        }
        for name in self.unindexed.keys() {
            if let Some(c) = db.collection(name) {
                for n in 0..c.shards.len() {
                    groups
                        .entry((c.name.clone(), n))
                        .or_insert_with(|| (c.clone(), Vec::new(), Vec::new()));
                }
            }
        }
        let mut touched_shards = Vec::new();
        for ((_, s), (c, ids, edges)) in &groups {
            let shard = &c.shards[*s];
            let vectors = c.config.read().vectors.clone();
            // Opened before the transaction: opening a new vector table writes its
            // layout record in a transaction of its own.
            let mut vws = Vec::new();
            for (field, vf) in &vectors {
                vws.push((field.clone(), shard.vector_table(field, vf.dim)?));
            }
            // Trajectories start lazily: an entity's first snapshot (its position
            // since creation) is written when it first moves.
            let firsts = if db.options().trajectories {
                self.first_snapshots(shard, ids, &placements)?
            } else {
                Vec::new()
            };
            let mut tx = shard.begin_write()?;
            tx.set_durability(manifold::Durability::Deferred);
            let new_types = {
                let mut meta = tx.open_table_in(&shard.entities, META)?;
                let mut ext = tx.open_table_in(&shard.entities, EXTERNAL)?;
                let mut docs = tx.open_table_in(&shard.properties, DOCS)?;
                let mut pos = tx.open_table_in(&shard.positions, POS)?;
                let mut eprops = tx.open_table_in(&shard.edges, EDGE_PROPS)?;
                let mut sidx = tx.open_table_in(&shard.properties, INDEX)?;
                for f in self.unindexed.get(&*c.name).into_iter().flatten() {
                    sidx.remove_prefix(f.as_str())?;
                }
                let fields: &[String] = indexed.get(&*c.name).map_or(&[], Vec::as_slice);
                let index_entries = |doc: Option<&hyperql::Document>, id: Uuid| {
                    fields
                        .iter()
                        .filter_map(|f| {
                            let v = doc?.get(f)?;
                            Some((f.clone(), sort_key(v)?, id))
                        })
                        .collect::<Vec<_>>()
                };
                let mut vwriters = Vec::new();
                for (field, t) in &vws {
                    vwriters.push((field.clone(), t.writer(&tx)?));
                }
                for id in ids {
                    match self.slots.get(id) {
                        Some(Slot::Live(p)) if p.dirty => {
                            for k in index_entries(p.stored_doc.as_deref(), *id) {
                                sidx.remove(&k)?;
                            }
                            for k in index_entries(Some(&p.doc), *id) {
                                sidx.insert(&k, &())?;
                            }
                            meta.insert(id, &p.meta.encode())?;
                            if p.old_external != p.meta.external_id
                                && let Some(k) = &p.old_external
                            {
                                ext.remove(k.as_str())?;
                            }
                            if let Some(k) = &p.meta.external_id {
                                ext.insert(k.as_str(), id)?;
                            }
                            // Nothing is stored yet for a brand-new id.
                            let stored = !p.is_new || db.loc(*id).is_some();
                            docs.insert(id, &encode_document(&without_vectors(&p.doc, &vectors)))?;
                            for (field, w) in &mut vwriters {
                                match super::paths::get_path(&p.doc, field) {
                                    Some(Value::Vector(v)) => w.insert(*id, v)?,
                                    _ if stored => {
                                        w.remove(*id)?;
                                    }
                                    _ => {}
                                }
                            }
                        }
                        Some(Slot::Deleted {
                            meta: m,
                            stored_doc,
                            ..
                        }) => {
                            for k in index_entries(stored_doc.as_deref(), *id) {
                                sidx.remove(&k)?;
                            }
                            meta.remove(id)?;
                            if let Some(k) = &m.external_id {
                                ext.remove(k.as_str())?;
                            }
                            docs.remove(id)?;
                            pos.remove(id)?;
                            for (_, w) in &mut vwriters {
                                w.remove(*id)?;
                            }
                        }
                        _ => {}
                    }
                    if let Some(p) = placements.get(id)
                        && !matches!(self.slots.get(id), Some(Slot::Deleted { .. }))
                    {
                        pos.insert(id, &p.encode())?;
                    }
                }
                drop(vwriters);
                let mut gw = shard.graph.writer(&tx)?;
                for e in edges {
                    match e {
                        EdgeChange::Added {
                            from,
                            label,
                            to,
                            weight,
                            props: p,
                        } => {
                            gw.add_edge(*from, label, *to, *weight)?;
                            let key = (*from, label.clone(), *to);
                            if p.is_empty() {
                                eprops.remove(&key)?;
                            } else {
                                eprops.insert(&key, &encode_document(p))?;
                            }
                        }
                        EdgeChange::Removed { from, label, to } => {
                            gw.remove_edge(*from, label, *to)?;
                            eprops.remove(&(*from, label.clone(), *to))?;
                        }
                    }
                }
                gw.into_new_types()
            };
            tx.commit()?;
            shard.graph.cache_types(new_types);
            if db.options().trajectories {
                let mut moved: Vec<(Uuid, i64, &[f64])> = firsts
                    .iter()
                    .map(|(id, t, x)| (*id, *t, x.as_slice()))
                    .collect();
                moved.extend(
                    ids.iter()
                        .filter(|id| !self.brand_new(**id))
                        .filter(|id| !matches!(self.slots.get(id), Some(Slot::Deleted { .. })))
                        .filter_map(|id| {
                            placements
                                .get(id)
                                .map(|p| (*id, self.now_us, p.combined.as_slice()))
                        }),
                );
                super::trajectory::record_trajectories(shard, &moved);
            }
            touched_shards.push((c.clone(), *s));
        }
        for (c, s) in &touched_shards {
            c.shards[*s].db.sync()?;
        }
        // Publish to memory: type index, external ids, caches, indexes. The epoch
        // moves first, so no read that started before this commit can cache what it
        // read (see `Cache::put_if`).
        let inner = &db.inner;
        inner
            .cache_epoch
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        for id in &self.order {
            inner.entity_cache.remove(id);
            match self.slots.get(id) {
                Some(Slot::Live(p)) if !p.dirty => {}
                Some(Slot::Live(p)) => {
                    publish_live(&db, *id, p)?;
                    if p.is_new {
                        summary.inserted.push(*id);
                    } else {
                        summary.updated.push(*id);
                    }
                }
                Some(Slot::Deleted {
                    collection, meta, ..
                }) => {
                    inner.locs.remove(id);
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
                    _ => db.get_entity(*id)?,
                };
                events.push((collection, *id, kind, record));
            }
            inner.feed.publish(events);
        }
        for (id, p) in placements.drain() {
            inner.entity_cache.remove(&id);
            if matches!(self.slots.get(&id), Some(Slot::Deleted { .. })) {
                continue;
            }
            let Some((c, _)) = home(id) else { continue };
            if let Some(ball) = to_ball(&p.combined) {
                c.positions.stage(id, &ball);
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
}

/// The fields of `doc` that are stored in its document record: all but the vector
/// fields (they live in their vector tables).
fn without_vectors<'d>(
    doc: &'d hyperql::Document,
    vectors: &BTreeMap<String, VectorField>,
) -> std::borrow::Cow<'d, hyperql::Document> {
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

fn uuid_of(v: &Value) -> Option<Uuid> {
    match v {
        Value::String(s) => Uuid::parse_str(s).ok(),
        _ => None,
    }
}

/// Declares vector fields for vectors the collection does not know yet, converts
/// arrays given for declared vector fields and checks their dimensions.
fn prepare_vectors(db: &super::Database, p: &mut Pending) -> Result<(), StoreError> {
    let declared = p.collection.config.read().vectors.clone();
    let mut undeclared: Vec<(String, usize)> = Vec::new();
    super::paths::visit(&p.doc, &mut |path, v| {
        if let Value::Vector(xs) = v
            && !declared.contains_key(path)
        {
            undeclared.push((path.to_string(), xs.len()));
        }
    })?;
    for (path, dim) in undeclared {
        db.define_vector_field(
            &p.collection.name,
            &path,
            VectorField {
                dim,
                metric: VectorMetric::Cosine,
            },
        )?;
    }
    for (path, vf) in &declared {
        let Some(v) = super::paths::get_path(&p.doc, path) else {
            continue;
        };
        let Some(xs) = v.as_vector() else {
            return Err(StoreError::Invalid(format!(
                "`{path}` is a vector field; got {}",
                v.type_name()
            )));
        };
        if xs.len() != vf.dim {
            return Err(StoreError::Invalid(format!(
                "`{path}` holds {}-d vectors; got {} numbers",
                vf.dim,
                xs.len()
            )));
        }
        if !xs.iter().all(|x| x.is_finite()) {
            return Err(StoreError::Invalid(format!(
                "`{path}`: a vector coordinate is NaN or infinite"
            )));
        }
        if !matches!(v, Value::Vector(_)) {
            super::paths::set_path(&mut p.doc, path, Value::Vector(xs.into()));
        }
    }
    Ok(())
}

fn publish_live(db: &super::Database, id: Uuid, p: &Pending) -> Result<(), StoreError> {
    let inner = &db.inner;
    let c = &p.collection;
    inner.locs.insert(
        id,
        Loc {
            collection: c.name.clone(),
            shard: c.shard_of(id) as u32,
            entity_type: p.meta.entity_type.as_deref().map(Arc::from),
        },
    );
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
    Ok(())
}
