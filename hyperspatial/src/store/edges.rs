//! Committed edges. An edge `a -[label]-> b` is stored in the shard of `a` (forward
//! and reverse adjacency of manifold-graph there, extra properties in `edge_props`),
//! so outgoing edges are one range read in one shard and incoming edges are one range
//! read per shard of every collection.

use super::codec::decode_document;
use super::database::Database;
use super::shard::{EDGE_PROPS, Shard};
use crate::store::StoreError;
use hyperql::Document;
use manifold_graph::{Direction, TypeFilter};
use std::sync::Arc;
use uuid::Uuid;

/// A stored edge.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredEdge {
    /// Tail.
    pub from: Uuid,
    /// Relationship type.
    pub label: String,
    /// Head.
    pub to: Uuid,
    /// Weight.
    pub weight: f32,
    /// Active (soft-deleted edges are inactive).
    pub active: bool,
    /// Extra properties.
    pub props: Arc<Document>,
}

fn read_edges(
    shard: &Shard,
    id: Uuid,
    dir: Direction,
    label: Option<&str>,
    out: &mut Vec<StoredEdge>,
) -> Result<(), StoreError> {
    let filter = match label {
        Some(l) => match shard.graph.edge_type(l)? {
            Some(t) => TypeFilter::Only(vec![t]),
            None => return Ok(()),
        },
        None => TypeFilter::All,
    };
    let r = shard.graph.reader()?;
    let edges = r.edges(id, dir, &filter)?;
    if edges.is_empty() {
        return Ok(());
    }
    let rtx = shard.edges.begin_read()?;
    let props = rtx.open_table(EDGE_PROPS)?;
    for e in edges {
        let name = shard.graph.edge_type_name(e.edge_type)?.ok_or_else(|| {
            StoreError::Corrupt(format!("edge type {} has no name", e.edge_type.0))
        })?;
        let p = match props.get_raw(&(e.src, name.clone(), e.dst))? {
            Some(g) => decode_document(g.bytes())?,
            None => Document::default(),
        };
        out.push(StoredEdge {
            from: e.src,
            label: name,
            to: e.dst,
            weight: e.props.weight,
            active: e.props.active,
            props: Arc::new(p),
        });
    }
    Ok(())
}

impl Database {
    /// Up to `limit` committed neighbours of `id` through edges in direction `dir`
    /// (`Outgoing`: the heads of its edges; `Incoming`: the tails; `Both`: both), any
    /// label, from the adjacency alone.
    pub(crate) fn directed_ids(
        &self,
        id: Uuid,
        dir: Direction,
        limit: usize,
    ) -> Result<Vec<Uuid>, StoreError> {
        let mut out = Vec::new();
        if limit == 0 {
            return Ok(out);
        }
        if matches!(dir, Direction::Outgoing | Direction::Both)
            && let Some(loc) = self.loc(id)
            && let Some(c) = self.collection(&loc.collection)
        {
            let r = c.shards[loc.shard as usize].graph.reader()?;
            for e in r.edges(id, Direction::Outgoing, &TypeFilter::All)? {
                out.push(e.dst);
                if out.len() >= limit {
                    return Ok(out);
                }
            }
        }
        if matches!(dir, Direction::Incoming | Direction::Both) {
            let cols: Vec<_> = self.inner.collections.read().values().cloned().collect();
            for c in cols {
                for s in &c.shards {
                    for e in s
                        .graph
                        .reader()?
                        .edges(id, Direction::Incoming, &TypeFilter::All)?
                    {
                        out.push(e.src);
                        if out.len() >= limit {
                            return Ok(out);
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    /// Committed active edges of `id` in direction `dir` (`Both`: outgoing then
    /// incoming), of type `label` when given.
    pub fn edges(
        &self,
        id: Uuid,
        dir: Direction,
        label: Option<&str>,
    ) -> Result<Vec<StoredEdge>, StoreError> {
        let mut out = Vec::new();
        if matches!(dir, Direction::Outgoing | Direction::Both)
            && let Some(loc) = self.loc(id)
            && let Some(c) = self.collection(&loc.collection)
        {
            read_edges(
                &c.shards[loc.shard as usize],
                id,
                Direction::Outgoing,
                label,
                &mut out,
            )?;
        }
        if matches!(dir, Direction::Incoming | Direction::Both) {
            let cols: Vec<_> = self.inner.collections.read().values().cloned().collect();
            for c in cols {
                for s in &c.shards {
                    read_edges(s, id, Direction::Incoming, label, &mut out)?;
                }
            }
        }
        Ok(out)
    }
}
