//! The in-memory HNSW indexes of a collection: one per vector field and one over the
//! combined positions, with the mapping between entity ids and index keys.
//!
//! Index keys are the two halves of the UUID folded together (xor). Two entities of
//! one index whose keys collide (about one chance in 2^64 per pair) cannot both live
//! in the graph: the second is kept in a small overflow list that every search scans
//! exactly, so no entity is ever missing from results.

use crate::index::{Cosine, Dot, Hnsw, IndexError, L2, Metric, Neighbour, Params, Poincare};
use crate::store::StoreError;
use dashmap::DashMap;
use manifold::ColumnFamily;
use parking_lot::RwLock;
use uuid::Uuid;

/// The metric of a vector field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VectorMetric {
    /// `1 - cos`.
    Cosine,
    /// Euclidean.
    Euclidean,
    /// Negative inner product.
    Dot,
}

impl VectorMetric {
    /// Parses a metric name as HyperQL writes it.
    pub fn parse(name: &str) -> Option<VectorMetric> {
        match name.to_ascii_lowercase().as_str() {
            "cosine" => Some(VectorMetric::Cosine),
            "euclidean" | "l2" => Some(VectorMetric::Euclidean),
            "dot" | "inner" => Some(VectorMetric::Dot),
            _ => None,
        }
    }

    /// The HyperQL name.
    pub fn name(self) -> &'static str {
        match self {
            VectorMetric::Cosine => "cosine",
            VectorMetric::Euclidean => "euclidean",
            VectorMetric::Dot => "dot",
        }
    }
}

enum Graph {
    Cosine(Hnsw<Cosine>),
    L2(Hnsw<L2>),
    Dot(Hnsw<Dot>),
    Poincare(Hnsw<Poincare>),
}

macro_rules! each {
    ($g:expr, $h:ident => $body:expr) => {
        match $g {
            Graph::Cosine($h) => $body,
            Graph::L2($h) => $body,
            Graph::Dot($h) => $body,
            Graph::Poincare($h) => $body,
        }
    };
}

/// One HNSW index with its id mapping.
pub(crate) struct VectorIndex {
    graph: Graph,
    ids: DashMap<u64, Uuid>,
    overflow: RwLock<Vec<(Uuid, Vec<f32>)>>,
}

fn key_of(id: Uuid) -> u64 {
    let (a, b) = id.as_u64_pair();
    a ^ b
}

fn new_graph(kind: IndexKind, dim: usize) -> Result<Graph, IndexError> {
    let p = Params::default();
    Ok(match kind {
        IndexKind::Vector(VectorMetric::Cosine) => Graph::Cosine(Hnsw::new(Cosine, dim, p)?),
        IndexKind::Vector(VectorMetric::Euclidean) => Graph::L2(Hnsw::new(L2, dim, p)?),
        IndexKind::Vector(VectorMetric::Dot) => Graph::Dot(Hnsw::new(Dot, dim, p)?),
        IndexKind::Position => Graph::Poincare(Hnsw::new(Poincare::new(1.0)?, dim, p)?),
    })
}

fn load_graph(kind: IndexKind, cf: &ColumnFamily, name: &str) -> Result<Option<Graph>, IndexError> {
    Ok(match kind {
        IndexKind::Vector(VectorMetric::Cosine) => Hnsw::load_from(cf, name)?.map(Graph::Cosine),
        IndexKind::Vector(VectorMetric::Euclidean) => Hnsw::load_from(cf, name)?.map(Graph::L2),
        IndexKind::Vector(VectorMetric::Dot) => Hnsw::load_from(cf, name)?.map(Graph::Dot),
        IndexKind::Position => Hnsw::load_from(cf, name)?.map(Graph::Poincare),
    })
}

/// What an index is over.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum IndexKind {
    /// A vector field under a metric.
    Vector(VectorMetric),
    /// Positions, stored as their Poincare-ball images.
    Position,
}

impl VectorIndex {
    /// An empty index of dimension `dim`.
    pub(crate) fn new(kind: IndexKind, dim: usize) -> Result<Self, StoreError> {
        Ok(VectorIndex {
            graph: new_graph(kind, dim)?,
            ids: DashMap::new(),
            overflow: RwLock::new(Vec::new()),
        })
    }

    /// Loads the snapshot `name` from `cf` and reconciles it with `stored` (the
    /// vectors that really exist): missing ones are inserted, extra keys deleted.
    /// Without a usable snapshot the index is built from `stored`.
    pub(crate) fn restore(
        kind: IndexKind,
        dim: usize,
        cf: &ColumnFamily,
        name: &str,
        stored: Vec<(Uuid, Vec<f32>)>,
    ) -> Result<Self, StoreError> {
        let graph = match load_graph(kind, cf, name) {
            Ok(Some(g)) if each!(&g, h => h.dim()) == dim => g,
            _ => new_graph(kind, dim)?,
        };
        let idx = VectorIndex {
            graph,
            ids: DashMap::new(),
            overflow: RwLock::new(Vec::new()),
        };
        let mut live = std::collections::HashSet::with_capacity(stored.len());
        let mut missing_keys = Vec::new();
        let mut missing_vecs = Vec::new();
        for (id, v) in stored {
            let key = key_of(id);
            live.insert(key);
            if idx.ids.contains_key(&key) {
                idx.overflow.write().push((id, v));
                continue;
            }
            idx.ids.insert(key, id);
            if !each!(&idx.graph, h => h.contains(key)) {
                missing_keys.push(key);
                missing_vecs.extend_from_slice(&v);
            }
        }
        let stale: Vec<u64> = each!(&idx.graph, h => h.keys())
            .into_iter()
            .filter(|k| !live.contains(k))
            .collect();
        for k in stale {
            each!(&idx.graph, h => h.delete(k));
        }
        if !missing_keys.is_empty() {
            each!(&idx.graph, h => h.insert_batch(&missing_keys, &missing_vecs))?;
        }
        Ok(idx)
    }

    /// Saves a snapshot under `name` in `cf`.
    pub(crate) fn save(&self, cf: &ColumnFamily, name: &str) -> Result<(), StoreError> {
        each!(&self.graph, h => h.save_to(cf, name))?;
        Ok(())
    }

    /// Inserts or replaces the vector of `id`.
    pub(crate) fn upsert(&self, id: Uuid, v: &[f32]) -> Result<(), StoreError> {
        let key = key_of(id);
        // Copy the id out first: a DashMap guard held across the match would
        // deadlock with the insert below.
        let present = self.ids.get(&key).map(|e| *e);
        match present {
            Some(other) if other != id => {
                let mut o = self.overflow.write();
                o.retain(|(x, _)| *x != id);
                o.push((id, v.to_vec()));
                return Ok(());
            }
            Some(_) => {
                each!(&self.graph, h => h.delete(key));
            }
            None => {}
        }
        self.ids.insert(key, id);
        each!(&self.graph, h => h.insert(key, v))?;
        Ok(())
    }

    /// Removes `id`.
    pub(crate) fn remove(&self, id: Uuid) {
        let key = key_of(id);
        if self.ids.remove_if(&key, |_, x| *x == id).is_some() {
            each!(&self.graph, h => h.delete(key));
        }
        self.overflow.write().retain(|(x, _)| *x != id);
    }

    /// Number of indexed entities.
    pub(crate) fn len(&self) -> usize {
        self.ids.len() + self.overflow.read().len()
    }

    /// The `k` nearest ids (closest first) whose id passes `keep`, with distances.
    pub(crate) fn search(
        &self,
        query: &[f32],
        k: usize,
        ef: Option<usize>,
        keep: &(dyn Fn(Uuid) -> bool + Sync),
    ) -> Result<Vec<(Uuid, f32)>, StoreError> {
        let ids = &self.ids;
        let filter = |key: u64| ids.get(&key).is_some_and(|id| keep(*id));
        let hits: Vec<Neighbour> = match ef {
            Some(ef) => each!(&self.graph, h => {
                let ef = ef.max(k);
                let old = h.ef_search();
                if old == ef {
                    h.search_filtered(query, k, filter)?
                } else {
                    let r = h.search_with_ef(query, k.max(ef), ef)?;
                    r.into_iter().filter(|n| filter(n.key)).take(k).collect()
                }
            }),
            None => each!(&self.graph, h => h.search_filtered(query, k, filter)?),
        };
        let mut out: Vec<(Uuid, f32)> = hits
            .into_iter()
            .filter_map(|n| self.ids.get(&n.key).map(|id| (*id, n.distance)))
            .collect();
        let overflow = self.overflow.read();
        if !overflow.is_empty() {
            for (id, v) in overflow.iter().filter(|(id, _)| keep(*id)) {
                out.push((*id, self.exact_distance(query, v)?));
            }
            out.sort_by(|a, b| a.1.total_cmp(&b.1));
            out.truncate(k);
        }
        Ok(out)
    }

    fn exact_distance(&self, a: &[f32], b: &[f32]) -> Result<f32, StoreError> {
        Ok(each!(&self.graph, h => distance_of(h.metric(), a, b))?)
    }
}

fn distance_of<M: Metric>(m: &M, a: &[f32], b: &[f32]) -> Result<f32, IndexError> {
    let n = a.len().max(b.len());
    let (mut pa, mut pb) = (vec![0.0; n], vec![0.0; n]);
    let xa = m.prepare(a, &mut pa)?;
    let xb = m.prepare(b, &mut pb)?;
    Ok(m.distance(m.surrogate(&pa, xa, &pb, xb)))
}
