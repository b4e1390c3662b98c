//! Reads: entities by id (through the entity cache), single properties (through the
//! property cache) and wildcard path queries. Collection scans are in `scan`.

use super::codec::{EntityMeta, decode_document};
use super::collection::Collection;
use super::database::Database;
use super::paths::{flatten, get_path, literal_prefix, matches, unflatten};
use super::placement::Placement;
use super::shard::{DOCS, META, POS, Shard};
use crate::store::{StoreError, fields};
use hyperql::{Document, Record, Value};
use std::sync::Arc;
use uuid::Uuid;

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
        let Some((_, r)) = read_record(&c, &c.shards[loc.shard as usize], id)? else {
            return Ok(None);
        };
        self.inner
            .entity_cache
            .put_if(id, r.clone(), || self.epoch() == epoch);
        Ok(Some(r))
    }

    /// The entities with these UUIDs, in the same order (`None` for one that does not
    /// exist), through the entity cache. The entities missing from the cache are read
    /// shard by shard, each shard's tables opened once for all of them.
    pub fn get_entities(&self, ids: &[Uuid]) -> Result<Vec<Option<Record>>, StoreError> {
        let mut out: Vec<Option<Record>> = ids
            .iter()
            .map(|id| self.inner.entity_cache.get(id))
            .collect();
        if out.iter().all(Option::is_some) {
            return Ok(out);
        }
        let epoch = self.epoch();
        // Misses by (collection, shard), in the order met: positions in `ids`.
        type ShardKey = (Arc<str>, u32);
        let mut groups: Vec<(ShardKey, Vec<usize>)> = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            if out[i].is_some() {
                continue;
            }
            let Some(loc) = self.loc(*id) else { continue };
            let key = (loc.collection.clone(), loc.shard);
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => v.push(i),
                None => groups.push((key, vec![i])),
            }
        }
        for ((collection, shard), at) in groups {
            let Some(c) = self.collection(&collection) else {
                continue;
            };
            let shard = &c.shards[shard as usize];
            let reader = ShardReader::open(&c, shard)?;
            for i in at {
                let id = ids[i];
                if let Some((_, r)) = reader.read(id)? {
                    self.inner
                        .entity_cache
                        .put_if(id, r.clone(), || self.epoch() == epoch);
                    out[i] = Some(r);
                }
            }
        }
        Ok(out)
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

/// The tables of one shard opened for reading several entities' records.
struct ShardReader {
    metas: manifold::ReadTable<Uuid, [u8]>,
    docs: manifold::ReadTable<Uuid, [u8]>,
    pos: manifold::ReadTable<Uuid, [u8]>,
    vectors: Vec<(String, manifold_vectors::DynVectorReader)>,
}

impl ShardReader {
    fn open(c: &Collection, shard: &Shard) -> Result<ShardReader, StoreError> {
        let vectors = c.config.read().vectors.clone();
        let mut readers = Vec::with_capacity(vectors.len());
        for (field, vf) in &vectors {
            readers.push((field.clone(), shard.vector_table(field, vf.dim)?.reader()?));
        }
        Ok(ShardReader {
            metas: shard.entities.begin_read()?.open_table(META)?,
            docs: shard.properties.begin_read()?.open_table(DOCS)?,
            pos: shard.positions.begin_read()?.open_table(POS)?,
            vectors: readers,
        })
    }

    /// The metadata and record of `id`, if it is stored in this shard.
    fn read(&self, id: Uuid) -> Result<Option<(EntityMeta, Record)>, StoreError> {
        let Some(meta) = self.metas.get_raw(&id)? else {
            return Ok(None);
        };
        let meta = EntityMeta::decode(meta.bytes())?;
        let mut doc = match self.docs.get_raw(&id)? {
            Some(g) => decode_document(g.bytes())?,
            None => Document::default(),
        };
        for (field, r) in &self.vectors {
            if let Some(v) = r.get(id)? {
                set_leaf(&mut doc, field, Value::Vector(Arc::from(v)));
            }
        }
        let placement = match self.pos.get_raw(&id)? {
            Some(g) => Some(Placement::decode(g.bytes())?),
            None => None,
        };
        let record = Arc::new(finish(doc, id, &meta, placement.as_ref()));
        Ok(Some((meta, record)))
    }
}

/// Reads one entity's metadata and record from its shard (`None`: not stored there).
pub(crate) fn read_record(
    c: &Collection,
    shard: &Shard,
    id: Uuid,
) -> Result<Option<(EntityMeta, Record)>, StoreError> {
    ShardReader::open(c, shard)?.read(id)
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
    if let Some(v) = placement.and_then(Placement::position_value) {
        out.insert(fields::POSITION.to_string(), v);
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
