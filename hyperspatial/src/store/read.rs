//! Reads: entities by id (through the entity cache), single properties (through the
//! property cache), collection scans (paged by key, so no read transaction is held
//! between pages) and wildcard path queries.

use super::codec::{EntityMeta, decode_document};
use super::collection::Collection;
use super::database::Database;
use super::paths::{flatten, get_path, literal_prefix, matches, unflatten};
use super::placement::Placement;
use super::shard::{DOCS, META, POS, Shard};
use crate::store::{StoreError, fields};
use hyperql::{Document, Record, Value};
use std::collections::VecDeque;
use std::ops::Bound;
use std::sync::Arc;
use uuid::Uuid;

/// Entities read per page of a scan.
const PAGE: usize = 256;

impl Database {
    /// The entity with this id (a UUID or an external id), as a nested document
    /// with `id`, `_key`, `_type` and `position` beside its own fields.
    pub fn get(&self, id: &Value) -> Result<Option<Record>, StoreError> {
        match self.resolve(id) {
            Some(u) => self.get_entity(u),
            None => Ok(None),
        }
    }

    /// The entity with this UUID.
    pub fn get_entity(&self, id: Uuid) -> Result<Option<Record>, StoreError> {
        if let Some(r) = self.inner.entity_cache.get(&id) {
            return Ok(Some(r));
        }
        let epoch = self.epoch();
        let Some(loc) = self.loc(id) else {
            return Ok(None);
        };
        let Some(c) = self.collection(&loc.collection) else {
            return Ok(None);
        };
        let shard = &c.shards[loc.shard as usize];
        let Some(meta) = shard.meta(id)? else {
            return Ok(None);
        };
        let r = read_record(&c, shard, id, &meta)?;
        self.inner
            .entity_cache
            .put_if(id, r.clone(), || self.epoch() == epoch);
        Ok(Some(r))
    }

    /// One property (dotted path) of an entity, through the property cache: read
    /// from the entity's stored document (vector fields and reserved fields from the
    /// whole record).
    pub fn property(&self, id: Uuid, path: &str) -> Result<Option<Value>, StoreError> {
        let key = (id, path.to_string());
        if let Some(v) = self.inner.property_cache.get(&key) {
            return Ok(Some(v));
        }
        let epoch = self.epoch();
        let Some(loc) = self.loc(id) else {
            return Ok(None);
        };
        let Some(c) = self.collection(&loc.collection) else {
            return Ok(None);
        };
        let reserved = matches!(
            path,
            fields::ID | fields::KEY | fields::TYPE | fields::POSITION
        );
        let v = if reserved || c.config.read().vectors.contains_key(path) {
            self.get_entity(id)?.and_then(|r| {
                let segs: Vec<String> = path.split('.').map(str::to_string).collect();
                let v = Value::Object(r).get_path(&segs).clone();
                (!v.is_null()).then_some(v)
            })
        } else {
            let doc = c.shards[loc.shard as usize].doc(id)?;
            doc.and_then(|d| get_path(&d, path).filter(|v| !v.is_null()).cloned())
        };
        if let Some(v) = &v {
            self.inner
                .property_cache
                .put_if(key, v.clone(), || self.epoch() == epoch);
        }
        Ok(v)
    }

    /// The stored placement (position components) of an entity.
    pub fn placement(&self, id: Uuid) -> Result<Option<Placement>, StoreError> {
        let Some(loc) = self.loc(id) else {
            return Ok(None);
        };
        let Some(c) = self.collection(&loc.collection) else {
            return Ok(None);
        };
        c.shards[loc.shard as usize].placement(id)
    }

    /// Every entity of a collection (of one entity type when given), shard by shard
    /// in id order. Errors are reported per item. A damaged record (one that does not
    /// decode) is skipped and counted in [`StoreStats::damaged_skipped`], so one bad
    /// record never makes its collection unreadable; reading it by id reports it.
    ///
    /// [`StoreStats::damaged_skipped`]: crate::store::StoreStats
    pub fn scan(&self, collection: &str, entity_type: Option<&str>) -> Result<Scan, StoreError> {
        let c = self
            .collection(collection)
            .ok_or_else(|| StoreError::UnknownCollection(collection.to_string()))?;
        Ok(Scan {
            collection: c,
            entity_type: entity_type.map(str::to_string),
            shard: 0,
            after: None,
            buf: VecDeque::new(),
            done: false,
            damaged: self.inner.damaged.clone(),
        })
    }

    /// Leaves of a collection whose `<entity>.<path>` matches `pattern`, where the
    /// entity segment is its external id when it has one and its UUID otherwise:
    /// `*.email` (every entity's top-level `email`), `alice.**` (every leaf of
    /// `alice`), `*.**.city` (`city` at any depth). `*` matches one segment, `**` any
    /// number.
    pub fn paths(
        &self,
        collection: &str,
        pattern: &str,
    ) -> Result<Vec<(Uuid, String, Value)>, StoreError> {
        let c = self
            .collection(collection)
            .ok_or_else(|| StoreError::UnknownCollection(collection.to_string()))?;
        let pat: Vec<&str> = pattern.split('.').collect();
        if pat.iter().any(|s| s.is_empty()) {
            return Err(StoreError::Invalid(format!(
                "path pattern `{pattern}` has an empty segment"
            )));
        }
        let (first, rest) = pat.split_first().map_or(("**", &[][..]), |(f, r)| (*f, r));
        let prefix = if first == "**" {
            String::new()
        } else {
            literal_prefix(rest).join(".")
        };
        let mut out = Vec::new();
        for shard in &c.shards {
            let erx = shard.entities.begin_read()?;
            let metas = erx.open_table(META)?;
            let prx = shard.properties.begin_read()?;
            let docs = prx.open_table(DOCS)?;
            for e in metas.iter()? {
                let (id, mb) = e?;
                let meta = EntityMeta::decode(&mb)?;
                let name = meta.external_id.clone().unwrap_or_else(|| id.to_string());
                let entity_ok = match first {
                    "**" => true,
                    "*" => true,
                    lit => lit == name || lit == id.to_string(),
                };
                if !entity_ok {
                    continue;
                }
                let Some(g) = docs.get_raw(&id)? else {
                    continue;
                };
                for (path, v) in flatten(&decode_document(g.bytes())?)? {
                    if !path.starts_with(&prefix) {
                        continue;
                    }
                    let segs: Vec<&str> = path.split('.').collect();
                    let hit = if first == "**" {
                        let mut full = vec![name.as_str()];
                        full.extend(&segs);
                        matches(&pat, &full)
                    } else {
                        matches(rest, &segs)
                    };
                    if hit {
                        out.push((id, path, v));
                    }
                }
            }
        }
        Ok(out)
    }
}

/// Reads one entity's record from its shard.
pub(crate) fn read_record(
    c: &Collection,
    shard: &Shard,
    id: Uuid,
    meta: &EntityMeta,
) -> Result<Record, StoreError> {
    let mut doc = shard.doc(id)?.unwrap_or_default();
    let vectors = c.config.read().vectors.clone();
    for (field, vf) in &vectors {
        let t = shard.vector_table(field, vf.dim)?;
        if let Some(v) = t.get(id)? {
            set_leaf(&mut doc, field, Value::Vector(Arc::from(v)));
        }
    }
    let placement = shard.placement(id)?;
    Ok(Arc::new(finish(doc, id, meta, placement.as_ref())))
}

/// Adds the reserved fields in front of the user's fields.
pub(crate) fn finish(
    doc: Document,
    id: Uuid,
    meta: &EntityMeta,
    placement: Option<&Placement>,
) -> Document {
    let mut out = Document::default();
    out.insert(fields::ID.to_string(), Value::str(&id.to_string()));
    if let Some(k) = &meta.external_id {
        out.insert(fields::KEY.to_string(), Value::str(k));
    }
    if let Some(t) = &meta.entity_type {
        out.insert(fields::TYPE.to_string(), Value::str(t));
    }
    for (k, v) in doc {
        out.insert(k, v);
    }
    if let Some(p) = placement.filter(|p| !p.combined.is_empty()) {
        let xs: Vec<f32> = p.combined.iter().map(|&x| x as f32).collect();
        out.insert(fields::POSITION.to_string(), Value::Vector(Arc::from(xs)));
    }
    out
}

/// Sets a dotted path in a document.
pub(crate) fn set_leaf(doc: &mut Document, path: &str, v: Value) {
    let mut tmp = unflatten([(path, v)]);
    merge(doc, &mut tmp);
}

fn merge(into: &mut Document, from: &mut Document) {
    for (k, v) in std::mem::take(from) {
        match (into.get_mut(&k), v) {
            (Some(Value::Object(a)), Value::Object(mut b)) => {
                merge(Arc::make_mut(a), Arc::make_mut(&mut b));
            }
            (_, v) => {
                into.insert(k, v);
            }
        }
    }
}

/// A scan over a collection: see [`Database::scan`].
pub struct Scan {
    collection: Arc<Collection>,
    entity_type: Option<String>,
    shard: usize,
    after: Option<Uuid>,
    buf: VecDeque<Result<Record, StoreError>>,
    done: bool,
    /// The database's count of damaged records skipped.
    damaged: Arc<std::sync::atomic::AtomicU64>,
}

impl Scan {
    fn fill(&mut self) -> Result<(), StoreError> {
        while self.buf.is_empty() && !self.done {
            let Some(shard) = self.collection.shards.get(self.shard) else {
                self.done = true;
                return Ok(());
            };
            let rtx = shard.entities.begin_read()?;
            let metas = rtx.open_table(META)?;
            let lower = match &self.after {
                Some(a) => Bound::Excluded(a),
                None => Bound::Unbounded,
            };
            let mut page = Vec::with_capacity(PAGE);
            let (mut read, mut last) = (0, None);
            for e in metas.range((lower, Bound::Unbounded))?.take(PAGE) {
                let (id, mb) = e?;
                read += 1;
                last = Some(id);
                match EntityMeta::decode(&mb) {
                    Ok(meta) => page.push((id, meta)),
                    Err(_) => self.skip_damaged(),
                }
            }
            drop(metas);
            if read < PAGE {
                self.shard += 1;
                self.after = None;
            } else {
                self.after = last;
            }
            let prx = shard.properties.begin_read()?;
            let docs = prx.open_table(DOCS)?;
            let pos_rx = shard.positions.begin_read()?;
            let pos = pos_rx.open_table(POS)?;
            let vectors = self.collection.config.read().vectors.clone();
            for (id, meta) in page {
                if let Some(t) = &self.entity_type
                    && meta.entity_type.as_deref() != Some(t.as_str())
                {
                    continue;
                }
                let mut doc = match docs.get_raw(&id)? {
                    Some(g) => match decode_document(g.bytes()) {
                        Ok(d) => d,
                        Err(_) => {
                            self.skip_damaged();
                            continue;
                        }
                    },
                    None => Document::default(),
                };
                for (field, vf) in &vectors {
                    if let Some(v) = shard.vector_table(field, vf.dim)?.get(id)? {
                        set_leaf(&mut doc, field, Value::Vector(Arc::from(v)));
                    }
                }
                let placement = match pos.get_raw(&id)?.map(|g| Placement::decode(g.bytes())) {
                    None => None,
                    Some(Ok(p)) => Some(p),
                    Some(Err(_)) => {
                        self.skip_damaged();
                        continue;
                    }
                };
                self.buf
                    .push_back(Ok(Arc::new(finish(doc, id, &meta, placement.as_ref()))));
            }
        }
        Ok(())
    }

    fn skip_damaged(&self) {
        self.damaged
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Iterator for Scan {
    type Item = Result<Record, StoreError>;
    fn next(&mut self) -> Option<Self::Item> {
        if let Err(e) = self.fill() {
            self.done = true;
            return Some(Err(e));
        }
        self.buf.pop_front()
    }
}
