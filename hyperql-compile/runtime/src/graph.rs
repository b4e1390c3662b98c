//! Edges on manifold-graph: one graph (`hql.edges`) holding every edge type, its
//! vertices the documents' ids (as [`vector_key`]s, which sort like the ids), and the
//! trails a `TRAVERSE` step walks.
//!
//! manifold-graph keys an edge by (source, type, target): relating the same pair
//! with the same type again replaces the edge (and its weight).

use crate::error::Error;
use crate::vectors::{vector_id, vector_key};
use manifold::{ColumnFamily, ReadTransaction, WriteTransaction};
use manifold_graph::{Direction, Graph, GraphReader, TypeFilter};

/// The graph of every edge.
#[derive(Clone)]
pub struct EdgeStore {
    graph: Graph,
}

impl std::fmt::Debug for EdgeStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EdgeStore")
    }
}

/// Edge types a transaction created, for the graph's type cache after it commits.
pub type NewEdgeTypes = Vec<(String, u32)>;

impl EdgeStore {
    /// Opens the graph in `cf`.
    pub fn open(cf: &ColumnFamily) -> Result<EdgeStore, Error> {
        Ok(EdgeStore {
            graph: Graph::open(cf, "hql.edges")?,
        })
    }

    /// Adds (or replaces) edge `from -[label]-> to` with `weight` in `tx`; edge types
    /// it creates are added to `new_types`.
    pub fn relate(
        &self,
        tx: &WriteTransaction,
        from: i64,
        label: &str,
        to: i64,
        weight: f64,
        new_types: &mut NewEdgeTypes,
    ) -> Result<(), Error> {
        let mut w = self.graph.writer(tx)?;
        w.add_edge(vector_key(from), label, vector_key(to), weight as f32)?;
        new_types.extend(w.into_new_types());
        Ok(())
    }

    /// Makes edge types of a committed transaction known to later reads.
    pub fn cache_types(&self, new_types: NewEdgeTypes) {
        self.graph.cache_types(new_types);
    }

    /// A reader in the snapshot of `rtx`.
    pub fn snapshot(&self, rtx: &ReadTransaction) -> Result<EdgeSnapshot, Error> {
        Ok(EdgeSnapshot {
            reader: self.graph.reader_in(rtx)?,
        })
    }
}

/// The end of one trail: the document reached and the trail's last edge.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Trail {
    /// The document reached.
    pub end: i64,
    /// The last edge's source.
    pub from: i64,
    /// The last edge's target.
    pub to: i64,
    /// The last edge's weight.
    pub weight: f64,
    /// Edges on the trail.
    pub hops: u32,
}

/// A trail being walked: the node reached, its edges as (source, target) keys (an
/// edge is unique per pair within one type), and the last edge.
type Walk = (uuid::Uuid, Vec<(uuid::Uuid, uuid::Uuid)>, Option<Trail>);

/// The graph read in one snapshot.
pub struct EdgeSnapshot {
    reader: GraphReader,
}

impl EdgeSnapshot {
    /// Every trail (no edge twice) of `min..=max` edges of type `label` from `start`,
    /// following edges forward (`outgoing`) or backward, walked depth-first as the
    /// interpreted engine walks them. A trail of no edges has weight 0 and ends at
    /// `start`.
    pub fn trails(
        &self,
        start: i64,
        label: &str,
        outgoing: bool,
        min: u32,
        max: u32,
    ) -> Result<Vec<Trail>, Error> {
        let types: TypeFilter = self.reader.types(&[label])?;
        let dir = if outgoing {
            Direction::Outgoing
        } else {
            Direction::Incoming
        };
        if max == 1 {
            return self.one_hop(start, &types, dir, outgoing, min == 0);
        }
        let mut out = Vec::new();
        let mut stack: Vec<Walk> = vec![(vector_key(start), Vec::new(), None)];
        while let Some((node, path, last)) = stack.pop() {
            let depth = path.len() as u32;
            if depth >= min {
                out.push(last.unwrap_or(Trail {
                    end: start,
                    from: start,
                    to: start,
                    weight: 0.0,
                    hops: 0,
                }));
            }
            if depth >= max {
                continue;
            }
            for e in self.reader.edges(node, dir, &types)? {
                if path.contains(&(e.src, e.dst)) {
                    continue;
                }
                let next = if outgoing { e.dst } else { e.src };
                let mut p = path.clone();
                p.push((e.src, e.dst));
                let t = Trail {
                    end: vector_id(next)?,
                    from: vector_id(e.src)?,
                    to: vector_id(e.dst)?,
                    weight: f64::from(e.props.weight),
                    hops: depth + 1,
                };
                stack.push((next, p, Some(t)));
            }
        }
        Ok(out)
    }

    /// [`EdgeSnapshot::trails`] of at most one edge (no trail can repeat one): the
    /// empty trail first when `with_start`, then the edges, last first (the order
    /// the depth-first walk pops them in).
    fn one_hop(
        &self,
        start: i64,
        types: &TypeFilter,
        dir: Direction,
        outgoing: bool,
        with_start: bool,
    ) -> Result<Vec<Trail>, Error> {
        let mut out = Vec::new();
        if with_start {
            out.push(Trail {
                end: start,
                from: start,
                to: start,
                weight: 0.0,
                hops: 0,
            });
        }
        let first = out.len();
        for e in self.reader.edges(vector_key(start), dir, types)? {
            let next = if outgoing { e.dst } else { e.src };
            out.push(Trail {
                end: vector_id(next)?,
                from: vector_id(e.src)?,
                to: vector_id(e.dst)?,
                weight: f64::from(e.props.weight),
                hops: 1,
            });
        }
        out[first..].reverse();
        Ok(out)
    }
}
