//! `GraphReader`: a snapshot of a graph; adjacency reads go straight to the stored key
//! bytes of the forward or reverse table.

use crate::codec::{EdgeProps, Vertex, decode_vertex, edge_key, split_key};
use crate::error::Result;
use crate::graph::{EdgeDef, Graph, Names, VertexDef};
use crate::types::{Direction, Edge, EdgeTypeId, TypeFilter};
use manifold::{ReadTable, prefix_successor};
use std::ops::Bound;
use std::sync::Arc;
use uuid::Uuid;

/// A consistent snapshot of a [`Graph`].
pub struct GraphReader {
    pub(crate) graph: Graph,
    names: Arc<Names>,
    vertices: ReadTable<Uuid, [u8]>,
    out: ReadTable<[u8; 36], [u8]>,
    inc: ReadTable<[u8; 36], [u8]>,
}

impl GraphReader {
    pub(crate) fn new(graph: &Graph) -> Result<Self> {
        Self::in_snapshot(graph, &graph.cf.begin_read()?)
    }

    pub(crate) fn in_snapshot(graph: &Graph, rtx: &manifold::ReadTransaction) -> Result<Self> {
        let n = &graph.names;
        Ok(GraphReader {
            graph: graph.clone(),
            names: n.clone(),
            vertices: rtx.open_table(VertexDef::new(&n.vertices))?,
            out: rtx.open_table(EdgeDef::new(&n.out))?,
            inc: rtx.open_table(EdgeDef::new(&n.inc))?,
        })
    }

    /// The graph this snapshot was taken from.
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// The vertex record of `id`.
    pub fn vertex(&self, id: Uuid) -> Result<Option<Vertex>> {
        match self.vertices.get_raw(&id)? {
            Some(g) => Ok(Some(decode_vertex(g.bytes(), &self.names.vertices)?)),
            None => Ok(None),
        }
    }

    /// Number of vertex records.
    pub fn vertex_count(&self) -> Result<u64> {
        Ok(self.vertices.len()?)
    }

    /// Number of stored edges, active or not.
    pub fn edge_count(&self) -> Result<u64> {
        Ok(self.out.len()?)
    }

    /// Every vertex record, in id order.
    pub fn vertices(&self) -> Result<Vec<(Uuid, Vertex)>> {
        let mut out = Vec::new();
        for e in self.vertices.iter()?.raw() {
            let e = e?;
            let k: [u8; 16] = e
                .key_bytes()
                .try_into()
                .map_err(|_| crate::GraphError::Corrupt {
                    table: self.names.vertices.clone(),
                    detail: "vertex key is not 16 bytes".into(),
                })?;
            out.push((
                Uuid::from_bytes(k),
                decode_vertex(e.value_bytes(), &self.names.vertices)?,
            ));
        }
        Ok(out)
    }

    /// The properties of edge `src -[ty]-> dst`, active or not.
    pub fn edge(&self, src: Uuid, ty: EdgeTypeId, dst: Uuid) -> Result<Option<EdgeProps>> {
        match self.out.get_encoded(&edge_key(src, ty.0, dst))? {
            Some(g) => Ok(Some(EdgeProps::decode(g.bytes(), &self.names.out)?)),
            None => Ok(None),
        }
    }

    /// Calls `f` on every edge of `v` in `direction` whose type passes `types`;
    /// inactive (soft-deleted) edges only if `include_inactive`. Edges come in key
    /// order: by type, then by the other endpoint.
    pub fn for_each_edge(
        &self,
        v: Uuid,
        direction: Direction,
        types: &TypeFilter,
        include_inactive: bool,
        mut f: impl FnMut(Edge),
    ) -> Result<()> {
        if matches!(direction, Direction::Outgoing | Direction::Both) {
            self.scan(v, false, types, include_inactive, &mut f)?;
        }
        if matches!(direction, Direction::Incoming | Direction::Both) {
            self.scan(v, true, types, include_inactive, &mut f)?;
        }
        Ok(())
    }

    fn scan(
        &self,
        v: Uuid,
        reverse: bool,
        types: &TypeFilter,
        include_inactive: bool,
        f: &mut impl FnMut(Edge),
    ) -> Result<()> {
        let (table, name) = if reverse {
            (&self.inc, &self.names.inc)
        } else {
            (&self.out, &self.names.out)
        };
        let mut one = |prefix: Vec<u8>| -> Result<()> {
            let end = match prefix_successor(&prefix) {
                Some(e) => Bound::Excluded(e),
                None => Bound::Unbounded,
            };
            for e in table.range_encoded(Bound::Included(prefix), end)?.raw() {
                let e = e?;
                let props = EdgeProps::decode(e.value_bytes(), name)?;
                if !props.active && !include_inactive {
                    continue;
                }
                let (a, ty, b) = split_key(e.key_bytes(), name)?;
                let (src, dst) = if reverse { (b, a) } else { (a, b) };
                f(Edge {
                    src,
                    edge_type: EdgeTypeId(ty),
                    dst,
                    props,
                });
            }
            Ok(())
        };
        match types {
            TypeFilter::All => one(v.as_bytes().to_vec()),
            TypeFilter::Only(list) => {
                for t in list {
                    let mut p = Vec::with_capacity(20);
                    p.extend_from_slice(v.as_bytes());
                    p.extend_from_slice(&t.0.to_be_bytes());
                    one(p)?;
                }
                Ok(())
            }
        }
    }

    /// Active edges of `v` in `direction` whose type passes `types`.
    pub fn edges(&self, v: Uuid, direction: Direction, types: &TypeFilter) -> Result<Vec<Edge>> {
        let mut out = Vec::new();
        self.for_each_edge(v, direction, types, false, |e| out.push(e))?;
        Ok(out)
    }

    /// Active outgoing edges of `v`.
    pub fn outgoing(&self, v: Uuid, types: &TypeFilter) -> Result<Vec<Edge>> {
        self.edges(v, Direction::Outgoing, types)
    }

    /// Active incoming edges of `v`.
    pub fn incoming(&self, v: Uuid, types: &TypeFilter) -> Result<Vec<Edge>> {
        self.edges(v, Direction::Incoming, types)
    }

    /// The vertices one active edge away from `v` (with repeats if several edges lead
    /// to the same vertex).
    pub fn neighbors(
        &self,
        v: Uuid,
        direction: Direction,
        types: &TypeFilter,
    ) -> Result<Vec<Uuid>> {
        let mut out = Vec::new();
        self.for_each_edge(v, direction, types, false, |e| out.push(e.other(v)))?;
        Ok(out)
    }

    /// Number of active edges of `v` in `direction` whose type passes `types`.
    pub fn degree(&self, v: Uuid, direction: Direction, types: &TypeFilter) -> Result<u64> {
        let mut n = 0;
        self.for_each_edge(v, direction, types, false, |_| n += 1)?;
        Ok(n)
    }

    /// Calls `f` on every stored edge (forward table order), active or not.
    pub fn for_each_stored_edge(&self, mut f: impl FnMut(Edge)) -> Result<()> {
        for e in self.out.iter()?.raw() {
            let e = e?;
            let (src, ty, dst) = split_key(e.key_bytes(), &self.names.out)?;
            let props = EdgeProps::decode(e.value_bytes(), &self.names.out)?;
            f(Edge {
                src,
                edge_type: EdgeTypeId(ty),
                dst,
                props,
            });
        }
        Ok(())
    }

    /// The id of edge type `name` (see [`Graph::edge_type`]).
    pub fn edge_type(&self, name: &str) -> Result<Option<EdgeTypeId>> {
        self.graph.edge_type(name)
    }

    /// A filter for the named types; names never used match nothing.
    pub fn types(&self, names: &[&str]) -> Result<TypeFilter> {
        let mut ids = Vec::new();
        for n in names {
            if let Some(id) = self.edge_type(n)? {
                ids.push(id);
            }
        }
        Ok(TypeFilter::Only(ids))
    }
}
