//! The `Graph` handle: names the tables, caches interned edge types, opens writers and
//! readers.
//!
//! Tables of graph `g`: `g.vertices` (id -> vertex), `g.out` (forward edges), `g.in`
//! (reverse edges), `g.types` (name -> id) and `g.type_names` (id -> name).
//! Invariants: every edge is in `g.out` and `g.in` with the same value, written in
//! the same transaction; the type cache only holds committed types.

use crate::codec::{EdgeProps, Vertex};
use crate::error::{GraphError, Result};
use crate::read::GraphReader;
use crate::types::{EdgeTypeId, Interner};
use crate::write::GraphWriter;
use manifold::{ColumnFamily, TableDefinition};
use parking_lot::RwLock;
use std::sync::Arc;
use uuid::Uuid;

pub(crate) type EdgeDef<'a> = TableDefinition<'a, [u8; 36], [u8]>;
pub(crate) type VertexDef<'a> = TableDefinition<'a, Uuid, [u8]>;
pub(crate) type TypeIdDef<'a> = TableDefinition<'a, str, u32>;
pub(crate) type TypeNameDef<'a> = TableDefinition<'a, u32, str>;

/// Table names of one graph.
#[derive(Clone, Debug)]
pub(crate) struct Names {
    pub(crate) vertices: String,
    pub(crate) out: String,
    pub(crate) inc: String,
    pub(crate) types: String,
    pub(crate) type_names: String,
}

/// A property graph stored in one column family.
///
/// Edges need no vertex record: vertex records are optional metadata (a type label
/// and a small payload). Convenience methods run one transaction each; batches go
/// through [`Graph::write`].
#[derive(Clone, Debug)]
pub struct Graph {
    pub(crate) cf: ColumnFamily,
    pub(crate) names: Arc<Names>,
    pub(crate) types: Arc<RwLock<Interner>>,
}

impl Graph {
    /// Opens (creating on first write) graph `name` in `cf`.
    pub fn open(cf: &ColumnFamily, name: &str) -> Result<Graph> {
        let names = Names {
            vertices: format!("{name}.vertices"),
            out: format!("{name}.out"),
            inc: format!("{name}.in"),
            types: format!("{name}.types"),
            type_names: format!("{name}.type_names"),
        };
        let mut interner = Interner::default();
        let rtx = cf.begin_read()?;
        for e in rtx
            .open_table(TypeNameDef::new(&names.type_names))?
            .iter()?
        {
            let (id, name) = e?;
            interner.add(&name, id);
        }
        Ok(Graph {
            cf: cf.clone(),
            names: Arc::new(names),
            types: Arc::new(RwLock::new(interner)),
        })
    }

    /// Runs `f` in one write transaction and commits if it returns `Ok`; on `Err`
    /// nothing is written.
    pub fn write<R>(&self, f: impl FnOnce(&mut GraphWriter<'_>) -> Result<R>) -> Result<R> {
        let tx = self.cf.begin_write()?;
        let (r, new_types) = {
            let mut w = GraphWriter::new(self, &tx)?;
            let r = f(&mut w)?;
            (r, w.into_new_types())
        };
        tx.commit()?;
        let mut cache = self.types.write();
        for (name, id) in new_types {
            cache.add(&name, id);
        }
        Ok(r)
    }

    /// A writer that joins a caller's transaction `tx` (which must include this
    /// graph's column family), so graph changes commit atomically with other tables.
    /// After `tx` commits, pass [`GraphWriter::into_new_types`] to
    /// [`Graph::cache_types`]; if it is dropped or aborted, discard them.
    pub fn writer<'t>(&'t self, tx: &'t manifold::WriteTransaction) -> Result<GraphWriter<'t>> {
        GraphWriter::new(self, tx)
    }

    /// Adds edge types interned by a committed [`Graph::writer`] to the type cache.
    pub fn cache_types(&self, new_types: Vec<(String, u32)>) {
        let mut cache = self.types.write();
        for (name, id) in new_types {
            cache.add(&name, id);
        }
    }

    /// A consistent snapshot for reads and traversals.
    pub fn reader(&self) -> Result<GraphReader> {
        GraphReader::new(self)
    }

    /// A snapshot over read transaction `rtx` (of this graph's column family), so that
    /// the graph is read in the same snapshot as the caller's other tables.
    pub fn reader_in(&self, rtx: &manifold::ReadTransaction) -> Result<GraphReader> {
        GraphReader::in_snapshot(self, rtx)
    }

    /// The id of edge type `name`, if any edge of that type was ever written.
    pub fn edge_type(&self, name: &str) -> Result<Option<EdgeTypeId>> {
        if let Some(&id) = self.types.read().ids.get(name) {
            return Ok(Some(EdgeTypeId(id)));
        }
        // Another handle may have added it: look in the table.
        let rtx = self.cf.begin_read()?;
        let found = rtx
            .open_table(TypeIdDef::new(&self.names.types))?
            .get(name)?;
        if let Some(id) = found {
            self.types.write().add(name, id);
        }
        Ok(found.map(EdgeTypeId))
    }

    /// The name of edge type `id`.
    pub fn edge_type_name(&self, id: EdgeTypeId) -> Result<Option<String>> {
        if let Some(n) = self.types.read().names.get(&id.0) {
            return Ok(Some(n.clone()));
        }
        let rtx = self.cf.begin_read()?;
        Ok(rtx
            .open_table(TypeNameDef::new(&self.names.type_names))?
            .get(&id.0)?)
    }

    /// Adds or replaces a vertex.
    pub fn add_vertex(&self, id: Uuid, label: &str, payload: &[u8]) -> Result<()> {
        self.write(|w| w.add_vertex(id, label, payload))
    }

    /// The vertex record of `id`.
    pub fn vertex(&self, id: Uuid) -> Result<Option<Vertex>> {
        self.reader()?.vertex(id)
    }

    /// Adds (or replaces, reactivating) edge `src -[edge_type]-> dst`.
    pub fn add_edge(&self, src: Uuid, edge_type: &str, dst: Uuid, weight: f32) -> Result<()> {
        self.write(|w| w.add_edge(src, edge_type, dst, weight).map(|_| ()))
    }

    /// Adds every edge in one transaction (see [`GraphWriter::add_edges`]); nothing is
    /// written if one is refused.
    pub fn add_edges<'a>(
        &self,
        edges: impl IntoIterator<Item = (Uuid, &'a str, Uuid, f32)>,
    ) -> Result<u64> {
        self.write(|w| w.add_edges(edges))
    }

    /// The properties of edge `src -[edge_type]-> dst`, active or not.
    pub fn edge(&self, src: Uuid, edge_type: &str, dst: Uuid) -> Result<Option<EdgeProps>> {
        match self.edge_type(edge_type)? {
            Some(t) => self.reader()?.edge(src, t, dst),
            None => Ok(None),
        }
    }

    /// Hard-deletes an edge from both tables; returns whether it existed.
    pub fn remove_edge(&self, src: Uuid, edge_type: &str, dst: Uuid) -> Result<bool> {
        self.write(|w| w.remove_edge(src, edge_type, dst))
    }

    /// Soft-deletes an edge (marks it inactive); returns whether it existed.
    pub fn deactivate_edge(&self, src: Uuid, edge_type: &str, dst: Uuid) -> Result<bool> {
        self.write(|w| w.set_active(src, edge_type, dst, false))
    }

    /// Sets an edge's weight; returns whether it existed.
    pub fn update_weight(
        &self,
        src: Uuid,
        edge_type: &str,
        dst: Uuid,
        weight: f32,
    ) -> Result<bool> {
        self.write(|w| w.update_weight(src, edge_type, dst, weight))
    }
}

/// Checks an edge type name.
pub(crate) fn check_type_name(name: &str) -> Result<()> {
    let reason = if name.is_empty() {
        "empty"
    } else if name.len() > 255 {
        "longer than 255 bytes"
    } else {
        return Ok(());
    };
    Err(GraphError::BadTypeName {
        name: name.to_string(),
        reason,
    })
}
