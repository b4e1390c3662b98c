//! Endpoints of a collection (the leaves of its entities' stored documents) that
//! match a path pattern, read shard by shard. An entity is named by its external id
//! when it has one and by its UUID otherwise; a pattern whose entity segment is a
//! literal reads that one entity only.

use super::codec::{EntityMeta, decode_document};
use super::database::Database;
use super::paths::visit;
use super::shard::{DOCS, META};
use crate::store::StoreError;
use hyperql::{EndpointPattern, Interrupt, Value};
use uuid::Uuid;

/// One endpoint: the entity's name, the field path and the value.
pub type EndpointRow = (String, String, Value);

impl Database {
    /// The number of shards of a collection.
    pub fn shard_count(&self, collection: &str) -> Result<usize, StoreError> {
        let c = self
            .collection(collection)
            .ok_or_else(|| StoreError::UnknownCollection(collection.to_string()))?;
        Ok(c.shards.len())
    }

    /// The endpoints of shard `shard` of the pattern's collection that match it,
    /// in key order of the entities; stops with `Interrupted` when `interrupt` fires.
    pub fn endpoints_in_shard(
        &self,
        pattern: &EndpointPattern,
        shard: usize,
        interrupt: &Interrupt,
    ) -> Result<Vec<EndpointRow>, StoreError> {
        let c = self
            .collection(&pattern.collection)
            .ok_or_else(|| StoreError::UnknownCollection(pattern.collection.clone()))?;
        let Some(s) = c.shards.get(shard) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        let erx = s.entities.begin_read()?;
        let metas = erx.open_table(META)?;
        let prx = s.properties.begin_read()?;
        let docs = prx.open_table(DOCS)?;
        let one =
            |id: Uuid, meta: EntityMeta, out: &mut Vec<EndpointRow>| -> Result<(), StoreError> {
                let name = meta.external_id.unwrap_or_else(|| id.to_string());
                let Some(g) = docs.get_raw(&id)? else {
                    return Ok(());
                };
                let doc = decode_document(g.bytes())?;
                visit(&doc, &mut |path, v| {
                    let segs: Vec<&str> = path.split('.').collect();
                    if pattern.matches(&name, &segs) {
                        out.push((name.clone(), path.to_string(), v.clone()));
                    }
                })?;
                Ok(())
            };
        if let Some(lit) = pattern.entity() {
            let Some(id) = self.resolve(&Value::str(lit)) else {
                return Ok(out);
            };
            if self.loc(id).is_none_or(|l| l.shard as usize != shard) {
                return Ok(out);
            }
            if let Some(mb) = metas.get_raw(&id)? {
                one(id, EntityMeta::decode(mb.bytes())?, &mut out)?;
            }
            return Ok(out);
        }
        let mut work = 0u32;
        for e in metas.iter()? {
            let (id, mb) = e?;
            interrupt.check_every(&mut work)?;
            one(id, EntityMeta::decode(&mb)?, &mut out)?;
        }
        Ok(out)
    }
}
