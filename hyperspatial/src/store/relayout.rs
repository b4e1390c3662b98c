//! Full re-layout: the graph components of every entity computed again from all
//! edges at once (the combinatorial construction refined by Riemannian SGD), instead
//! of the incremental placements made on each write.

use super::collection::to_ball;
use super::database::Database;
use super::place_components;
use super::shard::POS;
use crate::positioning::{GraphLayout, layout_graph};
use crate::store::StoreError;
use std::collections::HashMap;
use uuid::Uuid;

/// What a re-layout did.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct RelayoutReport {
    /// Entities placed.
    pub entities: usize,
    /// Active edges used (`a -> b` is laid out with `a` as the parent).
    pub edges: usize,
    /// Wall time, in milliseconds.
    pub millis: u64,
}

impl Database {
    /// Lays out the graph components of all entities again from every active edge,
    /// recombines each entity's position and rewrites positions and the position
    /// indexes. Writers wait while it runs. `opts.dim` is replaced by the database's
    /// position dimension.
    pub fn relayout(&self, opts: &GraphLayout) -> Result<RelayoutReport, StoreError> {
        let started = std::time::Instant::now();
        let _guard = self.inner.commit_lock.lock();
        let dim = self.options().position_dim;
        let mut index: HashMap<Uuid, u32> = HashMap::new();
        let mut ids: Vec<Uuid> = Vec::new();
        for e in self.inner.locs.iter() {
            index.insert(*e.key(), ids.len() as u32);
            ids.push(*e.key());
        }
        let cols: Vec<_> = self.inner.collections.read().values().cloned().collect();
        let mut edges = Vec::new();
        for c in &cols {
            for s in &c.shards {
                s.graph.reader()?.for_each_stored_edge(|e| {
                    if let (true, Some(&a), Some(&b)) =
                        (e.props.active, index.get(&e.src), index.get(&e.dst))
                    {
                        edges.push((a, b));
                    }
                })?;
            }
        }
        let mut o = opts.clone();
        o.dim = dim;
        let points = if ids.is_empty() {
            Vec::new()
        } else {
            layout_graph(ids.len(), &edges, &o)?
        };
        let has_edge: std::collections::HashSet<u32> =
            edges.iter().flat_map(|&(a, b)| [a, b]).collect();
        for c in &cols {
            for (n, shard) in c.shards.iter().enumerate() {
                let tx = shard.positions.begin_write()?;
                {
                    let mut t = tx.open_table(POS)?;
                    for (i, id) in ids.iter().enumerate() {
                        let Some(loc) = self.loc(*id) else { continue };
                        if loc.collection != c.name || loc.shard as usize != n {
                            continue;
                        }
                        let mut p = shard.placement(*id)?.unwrap_or_default();
                        p.graph = has_edge.contains(&(i as u32)).then(|| points[i].clone());
                        place_components::combine(&mut p, &self.options().weights, dim);
                        t.insert(id, &p.encode())?;
                        if let Some(ball) = to_ball(&p.combined) {
                            c.positions.stage(*id, &ball);
                        }
                    }
                }
                tx.commit()?;
                self.index_later(&c.positions);
            }
        }
        self.inner
            .cache_epoch
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.inner.entity_cache.clear();
        Ok(RelayoutReport {
            entities: ids.len(),
            edges: edges.len(),
            millis: started.elapsed().as_millis() as u64,
        })
    }
}
