//! `GraphWriter`: every mutation, inside one write transaction (see [`Graph::write`]).

use crate::codec::{
    EDGE_KEY_LEN, EDGE_VALUE_LEN, EdgeProps, edge_key, encode_vertex, reverse_key, split_key,
};
use crate::error::{GraphError, Result};
use crate::graph::{EdgeDef, Graph, TypeIdDef, TypeNameDef, VertexDef, check_type_name};
use crate::types::{Direction, EdgeTypeId};
use manifold::{TableMut, WriteTransaction, prefix_successor};
use std::ops::Bound;
use std::time::{SystemTime, UNIX_EPOCH};
use uuid::Uuid;

/// Mutates a graph inside one transaction. Obtained from [`Graph::write`].
pub struct GraphWriter<'t> {
    graph: &'t Graph,
    vertices: TableMut<'t, uuid::Uuid, [u8]>,
    out: TableMut<'t, [u8; 36], [u8]>,
    inc: TableMut<'t, [u8; 36], [u8]>,
    types: TableMut<'t, str, u32>,
    type_names: TableMut<'t, u32, str>,
    new_types: Vec<(String, u32)>,
    now: u64,
    buf: Vec<u8>,
}

fn now_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

fn check_weight(weight: f32) -> Result<()> {
    if weight.is_finite() {
        Ok(())
    } else {
        Err(GraphError::BadWeight { weight })
    }
}

impl<'t> GraphWriter<'t> {
    pub(crate) fn new(graph: &'t Graph, tx: &'t WriteTransaction) -> Result<Self> {
        let n = &graph.names;
        let cf = &graph.cf;
        Ok(GraphWriter {
            graph,
            vertices: tx.open_table_in(cf, VertexDef::new(&n.vertices))?,
            out: tx.open_table_in(cf, EdgeDef::new(&n.out))?,
            inc: tx.open_table_in(cf, EdgeDef::new(&n.inc))?,
            types: tx.open_table_in(cf, TypeIdDef::new(&n.types))?,
            type_names: tx.open_table_in(cf, TypeNameDef::new(&n.type_names))?,
            new_types: Vec::new(),
            now: now_micros(),
            buf: Vec::new(),
        })
    }

    /// The edge types this writer interned, to hand to [`Graph::cache_types`] once
    /// the transaction has committed.
    pub fn into_new_types(self) -> Vec<(String, u32)> {
        self.new_types
    }

    /// Sets the creation time given to edges added from now on (microseconds since the
    /// Unix epoch; defaults to the time the transaction began).
    pub fn set_created_micros(&mut self, micros: u64) {
        self.now = micros;
    }

    /// The id of edge type `name`, without creating it.
    pub fn edge_type(&self, name: &str) -> Result<Option<EdgeTypeId>> {
        if let Some(&id) = self.graph.types.read().ids.get(name) {
            return Ok(Some(EdgeTypeId(id)));
        }
        Ok(self.types.get(name)?.map(EdgeTypeId))
    }

    /// The id of edge type `name`, interning it if new.
    pub fn intern(&mut self, name: &str) -> Result<EdgeTypeId> {
        if let Some(id) = self.edge_type(name)? {
            return Ok(id);
        }
        check_type_name(name)?;
        let next = match self.type_names.last()? {
            Some((last, _)) => last.checked_add(1).ok_or_else(|| GraphError::BadTypeName {
                name: name.to_string(),
                reason: "no edge type id left",
            })?,
            None => 0,
        };
        self.types.insert(name, &next)?;
        self.type_names.insert(&next, name)?;
        self.new_types.push((name.to_string(), next));
        Ok(EdgeTypeId(next))
    }

    /// Adds or replaces a vertex record.
    pub fn add_vertex(&mut self, id: Uuid, label: &str, payload: &[u8]) -> Result<()> {
        encode_vertex(label, payload, &mut self.buf)?;
        Ok(self.vertices.insert(&id, &self.buf)?)
    }

    /// Removes a vertex record and hard-deletes every edge touching it; returns
    /// whether the record existed.
    pub fn remove_vertex(&mut self, id: Uuid) -> Result<bool> {
        for dir in [Direction::Outgoing, Direction::Incoming] {
            let (this, other, name) = match dir {
                Direction::Incoming => (&mut self.inc, &mut self.out, &self.graph.names.inc),
                _ => (&mut self.out, &mut self.inc, &self.graph.names.out),
            };
            let start = id.as_bytes().to_vec();
            let end = match prefix_successor(&start) {
                Some(e) => Bound::Excluded(e),
                None => Bound::Unbounded,
            };
            let keys: Vec<Vec<u8>> = this
                .range_encoded(Bound::Included(start), end)?
                .raw()
                .map(|e| e.map(|e| e.key_bytes().to_vec()))
                .collect::<manifold::Result<_>>()?;
            for k in keys {
                let (a, ty, b) = split_key(&k, name)?;
                this.remove_encoded(&k)?;
                other.remove_encoded(&edge_key(b, ty, a))?;
            }
        }
        Ok(self.vertices.remove(&id)?)
    }

    /// Adds (or replaces, reactivating) edge `src -[edge_type]-> dst` with `weight`,
    /// created now. Returns the type's id.
    pub fn add_edge(
        &mut self,
        src: Uuid,
        edge_type: &str,
        dst: Uuid,
        weight: f32,
    ) -> Result<EdgeTypeId> {
        check_weight(weight)?;
        let ty = self.intern(edge_type)?;
        self.put(
            src,
            ty,
            dst,
            EdgeProps {
                active: true,
                weight,
                created_micros: self.now,
            },
        )?;
        Ok(ty)
    }

    /// Adds (or replaces) many edges: checks and interns them all, then writes each
    /// table in its own key order, which keeps B-tree inserts local (a bulk load runs
    /// several times faster than in arrival order). If the same edge appears twice the
    /// later one wins. Returns how many edges were given.
    pub fn add_edges<'a>(
        &mut self,
        edges: impl IntoIterator<Item = (Uuid, &'a str, Uuid, f32)>,
    ) -> Result<u64> {
        let mut keyed: Vec<([u8; EDGE_KEY_LEN], [u8; EDGE_VALUE_LEN])> = Vec::new();
        for (src, name, dst, weight) in edges {
            check_weight(weight)?;
            let ty = self.intern(name)?;
            let props = EdgeProps {
                active: true,
                weight,
                created_micros: self.now,
            };
            keyed.push((edge_key(src, ty.0, dst), props.encode()));
        }
        let n = keyed.len() as u64;
        // Stable sort: among duplicates the later one is inserted last and wins.
        keyed.sort_by_key(|a| a.0);
        for (k, v) in &keyed {
            self.out.insert_encoded(k, v)?;
        }
        let mut rev: Vec<([u8; EDGE_KEY_LEN], usize)> = keyed
            .iter()
            .enumerate()
            .map(|(i, (k, _))| (reverse_key(k), i))
            .collect();
        rev.sort_by_key(|a| a.0);
        for (k, i) in &rev {
            self.inc.insert_encoded(k, &keyed[*i].1)?;
        }
        Ok(n)
    }

    fn put(&mut self, src: Uuid, ty: EdgeTypeId, dst: Uuid, props: EdgeProps) -> Result<()> {
        let v = props.encode();
        self.out.insert_encoded(&edge_key(src, ty.0, dst), &v)?;
        self.inc.insert_encoded(&edge_key(dst, ty.0, src), &v)?;
        Ok(())
    }

    /// The stored properties of an edge, active or not.
    pub fn edge(&self, src: Uuid, edge_type: &str, dst: Uuid) -> Result<Option<EdgeProps>> {
        let Some(ty) = self.edge_type(edge_type)? else {
            return Ok(None);
        };
        match self.out.get_encoded(&edge_key(src, ty.0, dst))? {
            Some(g) => Ok(Some(EdgeProps::decode(g.bytes(), &self.graph.names.out)?)),
            None => Ok(None),
        }
    }

    fn modify(
        &mut self,
        src: Uuid,
        edge_type: &str,
        dst: Uuid,
        f: impl FnOnce(&mut EdgeProps),
    ) -> Result<bool> {
        let Some(mut props) = self.edge(src, edge_type, dst)? else {
            return Ok(false);
        };
        let Some(ty) = self.edge_type(edge_type)? else {
            return Ok(false);
        };
        f(&mut props);
        self.put(src, ty, dst, props)?;
        Ok(true)
    }

    /// Sets an edge's weight; returns whether the edge exists.
    pub fn update_weight(
        &mut self,
        src: Uuid,
        edge_type: &str,
        dst: Uuid,
        weight: f32,
    ) -> Result<bool> {
        check_weight(weight)?;
        self.modify(src, edge_type, dst, |p| p.weight = weight)
    }

    /// Soft delete (`false`) or restore (`true`) an edge; returns whether it exists.
    pub fn set_active(
        &mut self,
        src: Uuid,
        edge_type: &str,
        dst: Uuid,
        active: bool,
    ) -> Result<bool> {
        self.modify(src, edge_type, dst, |p| p.active = active)
    }

    /// Hard-deletes an edge from both tables; returns whether it existed.
    pub fn remove_edge(&mut self, src: Uuid, edge_type: &str, dst: Uuid) -> Result<bool> {
        let Some(ty) = self.edge_type(edge_type)? else {
            return Ok(false);
        };
        let found = self.out.remove_encoded(&edge_key(src, ty.0, dst))?;
        self.inc.remove_encoded(&edge_key(dst, ty.0, src))?;
        Ok(found)
    }
}
