//! One shard: a manifold file with the column families of a slice of a collection.
//!
//! Families and tables:
//! - `entities`: `meta` (id -> [`EntityMeta`]), `external` (external id -> id).
//! - `properties`: `docs` (id -> encoded document of the entity's own fields, vector
//!   fields left out). Files written before this layout hold `props` ((id, dotted
//!   path) -> encoded leaf) instead; opening a shard moves them into `docs`.
//! - `edges`: a manifold-graph graph `g` (forward and reverse adjacency) and
//!   `edge_props` ((src, label, dst) -> encoded document of extra edge properties).
//!   An edge is stored in the shard of its source entity.
//! - `vectors`: one manifold-vectors table per named vector field.
//! - `positions`: `pos` (id -> [`Placement`]).
//! - `trajectories`: manifold-timeseries store of position snapshots.
//! - `measures`: manifold-timeseries store of a time-series collection's rows.
//! - `system`: `config` and `schema` (only shard 0 of a collection uses them) and
//!   HNSW snapshots.
//!
//! Invariant: every change of one statement that lands in this shard is one manifold
//! transaction over all families above except `trajectories` (history: one transaction
//! per shard and statement, written after it and covered by the same log sync).

use super::codec::{EntityMeta, decode_document, decode_value, encode_document};
use super::paths::unflatten;
use super::placement::Placement;
use crate::store::StoreError;
use hyperql::Document;
use manifold::{ColumnFamily, Database, TableDefinition, WriteTransaction};
use manifold_graph::Graph;
use manifold_vectors::DynVectorTable;
use parking_lot::RwLock;
use std::collections::HashMap;
use std::path::Path;
use uuid::Uuid;

pub(crate) const META: TableDefinition<Uuid, [u8]> = TableDefinition::new("meta");
pub(crate) const EXTERNAL: TableDefinition<str, Uuid> = TableDefinition::new("external");
pub(crate) const DOCS: TableDefinition<Uuid, [u8]> = TableDefinition::new("docs");
/// The former per-leaf layout, read once to migrate (see [`Shard::open`]).
const LEGACY_PROPS: TableDefinition<(Uuid, String), [u8]> = TableDefinition::new("props");
pub(crate) const EDGE_PROPS: TableDefinition<(Uuid, String, Uuid), [u8]> =
    TableDefinition::new("edge_props");
pub(crate) const POS: TableDefinition<Uuid, [u8]> = TableDefinition::new("pos");
pub(crate) const CONFIG: TableDefinition<str, [u8]> = TableDefinition::new("config");
pub(crate) const SCHEMA: TableDefinition<str, [u8]> = TableDefinition::new("schema");

/// The families of one shard.
pub(crate) struct Shard {
    pub(crate) db: Database,
    pub(crate) entities: ColumnFamily,
    pub(crate) properties: ColumnFamily,
    pub(crate) edges: ColumnFamily,
    pub(crate) vectors: ColumnFamily,
    pub(crate) positions: ColumnFamily,
    pub(crate) system: ColumnFamily,
    pub(crate) graph: Graph,
    pub(crate) trajectories: manifold_timeseries::TimeSeries,
    pub(crate) measures: manifold_timeseries::TimeSeries,
    vector_tables: RwLock<HashMap<String, DynVectorTable>>,
}

impl Shard {
    /// Opens (creating if needed) the shard file at `path`.
    pub(crate) fn open(path: &Path, config: manifold::Config) -> Result<Shard, StoreError> {
        let db = Database::open_with(path, config)?;
        let cf = |name: &str| db.column_family_or_create(name);
        let entities = cf("entities")?;
        let properties = cf("properties")?;
        let edges = cf("edges")?;
        let vectors = cf("vectors")?;
        let positions = cf("positions")?;
        let system = cf("system")?;
        let graph = Graph::open(&edges, "g")?;
        // Microsecond timestamps (as hyperql's); any arrival order is accepted.
        let ts_config = manifold_timeseries::Config {
            unit: manifold_timeseries::TimeUnit::Micros,
            out_of_order_window: None,
            ..manifold_timeseries::Config::default()
        };
        let trajectories =
            manifold_timeseries::TimeSeries::open_in(cf("trajectories")?, ts_config.clone())?;
        let measures = manifold_timeseries::TimeSeries::open_in(cf("measures")?, ts_config)?;
        migrate_props(&properties)?;
        Ok(Shard {
            measures,
            db,
            entities,
            properties,
            edges,
            vectors,
            positions,
            system,
            graph,
            trajectories,
            vector_tables: RwLock::new(HashMap::new()),
        })
    }

    /// A write transaction over every family a statement touches.
    pub(crate) fn begin_write(&self) -> Result<WriteTransaction, StoreError> {
        Ok(self.db.begin_write(&[
            &self.entities,
            &self.properties,
            &self.edges,
            &self.vectors,
            &self.positions,
            &self.system,
        ])?)
    }

    /// The vector table of field `name` with dimension `dim` (opened once, then cached).
    pub(crate) fn vector_table(
        &self,
        name: &str,
        dim: usize,
    ) -> Result<DynVectorTable, StoreError> {
        if let Some(t) = self.vector_tables.read().get(name)
            && t.dim() == dim
        {
            return Ok(t.clone());
        }
        let t = DynVectorTable::open(&self.vectors, name, dim)?;
        self.vector_tables
            .write()
            .insert(name.to_string(), t.clone());
        Ok(t)
    }

    /// The stored fields of an entity (vector fields are in their vector tables).
    pub(crate) fn doc(&self, id: Uuid) -> Result<Option<Document>, StoreError> {
        let rtx = self.properties.begin_read()?;
        let t = rtx.open_table(DOCS)?;
        match t.get_raw(&id)? {
            Some(g) => Ok(Some(decode_document(g.bytes())?)),
            None => Ok(None),
        }
    }

    /// The entity's metadata, if it exists here.
    pub(crate) fn meta(&self, id: Uuid) -> Result<Option<EntityMeta>, StoreError> {
        let rtx = self.entities.begin_read()?;
        let t = rtx.open_table(META)?;
        match t.get_raw(&id)? {
            Some(g) => Ok(Some(EntityMeta::decode(g.bytes())?)),
            None => Ok(None),
        }
    }

    /// The stored placement of an entity.
    pub(crate) fn placement(&self, id: Uuid) -> Result<Option<Placement>, StoreError> {
        let rtx = self.positions.begin_read()?;
        let t = rtx.open_table(POS)?;
        match t.get_raw(&id)? {
            Some(g) => Ok(Some(Placement::decode(g.bytes())?)),
            None => Ok(None),
        }
    }

    /// Reads a small record from the system family.
    pub(crate) fn system_get(
        &self,
        table: TableDefinition<str, [u8]>,
        key: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let rtx = self.system.begin_read()?;
        let t = rtx.open_table(table)?;
        Ok(t.get(key)?)
    }

    /// Writes (or with `None` removes) a small record of the system family, durably.
    pub(crate) fn system_put(
        &self,
        table: TableDefinition<str, [u8]>,
        key: &str,
        value: Option<&[u8]>,
    ) -> Result<(), StoreError> {
        let tx = self.system.begin_write()?;
        {
            let mut t = tx.open_table(table)?;
            match value {
                Some(v) => t.insert(key, v)?,
                None => {
                    t.remove(key)?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }
}

/// Moves entities stored one record per leaf (`props`) into one document each
/// (`docs`), in one transaction of the `properties` family.
fn migrate_props(cf: &ColumnFamily) -> Result<(), StoreError> {
    {
        let rtx = cf.begin_read()?;
        if rtx.open_table(LEGACY_PROPS)?.len()? == 0 {
            return Ok(());
        }
    }
    let tx = cf.begin_write()?;
    {
        let old = tx.open_table(LEGACY_PROPS)?;
        let mut docs = tx.open_table(DOCS)?;
        let mut current: Option<(Uuid, Vec<(String, hyperql::Value)>)> = None;
        let mut flush = |c: Option<(Uuid, Vec<(String, hyperql::Value)>)>| match c {
            Some((id, leaves)) => docs.insert(&id, &encode_document(&unflatten(leaves))),
            None => Ok(()),
        };
        for e in old.iter()? {
            let ((id, path), bytes) = e?;
            let v = decode_value(&bytes)?;
            match &mut current {
                Some((cur, leaves)) if *cur == id => leaves.push((path, v)),
                _ => flush(current.replace((id, vec![(path, v)])))?,
            }
        }
        flush(current)?;
    }
    tx.delete_table(LEGACY_PROPS.name())?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::codec::encode_value;
    use hyperql::Value;

    /// A shard written one record per leaf reads back the same documents after
    /// the move into `docs`, and the old table is gone.
    #[test]
    fn legacy_leaf_records_move_into_documents() -> Result<(), StoreError> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("shard");
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let leaves = [
            (a, "name", Value::str("ada")),
            (a, "profile.age", Value::Int(36)),
            (
                a,
                "profile.langs",
                Value::Array(vec![Value::str("en")].into()),
            ),
            (b, "empty", Value::Object(Default::default())),
        ];
        {
            let db = Database::open_with(&path, manifold::Config::default())?;
            let cf = db.column_family_or_create("properties")?;
            let tx = cf.begin_write()?;
            {
                let mut t = tx.open_table(LEGACY_PROPS)?;
                for (id, p, v) in &leaves {
                    let mut bytes = Vec::new();
                    encode_value(v, &mut bytes);
                    t.insert(&(*id, (*p).to_string()), bytes.as_slice())?;
                }
            }
            tx.commit()?;
        }
        let shard = Shard::open(&path, manifold::Config::default())?;
        let da = shard.doc(a)?.unwrap_or_default();
        assert_eq!(da.get("name"), Some(&Value::str("ada")));
        let Some(Value::Object(p)) = da.get("profile") else {
            panic!("profile is not an object: {da:?}");
        };
        assert_eq!(p.get("age"), Some(&Value::Int(36)));
        assert_eq!(p.len(), 2);
        let db_ = shard.doc(b)?.unwrap_or_default();
        assert_eq!(db_.get("empty"), Some(&Value::Object(Default::default())));
        let rtx = shard.properties.begin_read()?;
        assert_eq!(rtx.open_table(LEGACY_PROPS)?.len()?, 0);
        drop(rtx);
        drop(shard);
        // Opening again finds nothing left to move.
        let shard = Shard::open(&path, manifold::Config::default())?;
        assert_eq!(shard.doc(a)?.unwrap_or_default(), da);
        Ok(())
    }
}
