//! The in-memory HNSW indexes of a collection: one per vector field and one over the
//! combined positions, with the mapping between entity ids and index keys.
//!
//! Commits do not link into the graphs: they *stage* entries, which every search
//! scans exactly until the database's indexer thread (see `indexer`) links them, in
//! parallel chunks. So a large load is not slowed by HNSW insertion, and a search
//! never misses a committed entry; while many entries are staged, searches cost a
//! scan of them.
//!
//! Index keys are the two halves of the UUID folded together (xor). Two entities of
//! one index whose keys collide (about one chance in 2^64 per pair) cannot both live
//! in the graph: the second is kept in a small overflow list that every search scans
//! exactly, so no entity is ever missing from results.

use crate::index::{Cosine, Dot, Hnsw, HnswParams, IndexError, L2, Metric, Neighbour, Poincare64};
use crate::store::StoreError;
use dashmap::DashMap;
use manifold::ColumnFamily;
use parking_lot::{Mutex, RwLock};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
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
    Position(Hnsw<Poincare64>),
}

macro_rules! each {
    ($g:expr, $h:ident => $body:expr) => {
        match $g {
            Graph::Cosine($h) => $body,
            Graph::L2($h) => $body,
            Graph::Dot($h) => $body,
            Graph::Position($h) => $body,
        }
    };
}

/// One HNSW index with its id mapping and its staged entries.
///
/// Invariants:
/// - an id in `staged` has its true vector there; the graph may still hold an older
///   one under the id's key, which searches ignore; each staged entry carries a
///   version so that a drain removes only what it linked;
/// - every live id is in exactly one of: the graph (through `ids`), `overflow`, or
///   `staged` (possibly also the graph, with an older vector);
/// - the graph and the id map change only under `write` (held by drains and
///   removals; staging takes only the lock of `staged`), and a search holds the read
///   lock of `staged` from start to end, so moving an entry from `staged` into the
///   graph never hides it from a search.
pub(crate) struct VectorIndex {
    graph: Graph,
    ids: DashMap<u64, Uuid>,
    overflow: RwLock<Vec<(Uuid, Vec<f32>)>>,
    staged: RwLock<HashMap<Uuid, (u64, Vec<f32>)>>,
    version: AtomicU64,
    write: Mutex<()>,
    /// Set while the index waits in the indexer's queue (see `indexer`).
    pub(crate) queued: AtomicBool,
}

fn key_of(id: Uuid) -> u64 {
    let (a, b) = id.as_u64_pair();
    a ^ b
}

fn new_graph(kind: IndexKind, dim: usize) -> Result<Graph, IndexError> {
    let p = HnswParams::default();
    Ok(match kind {
        IndexKind::Vector(VectorMetric::Cosine) => Graph::Cosine(Hnsw::new(Cosine, dim, p)?),
        IndexKind::Vector(VectorMetric::Euclidean) => Graph::L2(Hnsw::new(L2, dim, p)?),
        IndexKind::Vector(VectorMetric::Dot) => Graph::Dot(Hnsw::new(Dot, dim, p)?),
        IndexKind::Position => {
            Graph::Position(Hnsw::new(Poincare64::default(), Poincare64::lanes(dim), p)?)
        }
    })
}

/// The dimension of the graph of an index of `kind` over `dim` coordinates.
fn graph_dim(kind: IndexKind, dim: usize) -> usize {
    match kind {
        IndexKind::Vector(_) => dim,
        IndexKind::Position => Poincare64::lanes(dim),
    }
}

/// The lanes the position index stores for hyperboloid coordinates `x` (curvature
/// -1): the Poincare image at f64 precision (see `index::Poincare64`); `None` for an
/// empty or invalid point.
pub(crate) fn position_lanes(x: &[f64]) -> Option<Vec<f32>> {
    Poincare64::default().encode_hyperboloid(x).ok()
}

fn load_graph(kind: IndexKind, cf: &ColumnFamily, name: &str) -> Result<Option<Graph>, IndexError> {
    Ok(match kind {
        IndexKind::Vector(VectorMetric::Cosine) => Hnsw::load_from(cf, name)?.map(Graph::Cosine),
        IndexKind::Vector(VectorMetric::Euclidean) => Hnsw::load_from(cf, name)?.map(Graph::L2),
        IndexKind::Vector(VectorMetric::Dot) => Hnsw::load_from(cf, name)?.map(Graph::Dot),
        // A snapshot of another metric (such as the f32 Poincare images older
        // versions stored) is refused here, and the index is rebuilt.
        IndexKind::Position => Hnsw::load_from(cf, name)?.map(Graph::Position),
    })
}

/// What an index is over.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum IndexKind {
    /// A vector field under a metric.
    Vector(VectorMetric),
    /// Positions (`dim` ball coordinates), stored as their Poincare-ball images at
    /// f64 precision ([`position_lanes`]).
    Position,
}

impl VectorIndex {
    fn with_graph(graph: Graph) -> Self {
        VectorIndex {
            graph,
            ids: DashMap::new(),
            overflow: RwLock::new(Vec::new()),
            staged: RwLock::new(HashMap::new()),
            version: AtomicU64::new(0),
            write: Mutex::new(()),
            queued: AtomicBool::new(false),
        }
    }

    /// An empty index of dimension `dim`.
    pub(crate) fn new(kind: IndexKind, dim: usize) -> Result<Self, StoreError> {
        Ok(Self::with_graph(new_graph(kind, dim)?))
    }

    /// Loads the snapshot `name` from `cf` and reconciles it with `stored` (the
    /// vectors that really exist): extra keys are deleted, missing vectors staged
    /// (the indexer links them). Without a usable snapshot every vector is staged.
    pub(crate) fn restore(
        kind: IndexKind,
        dim: usize,
        cf: &ColumnFamily,
        name: &str,
        stored: Vec<(Uuid, Vec<f32>)>,
    ) -> Result<Self, StoreError> {
        let graph = match load_graph(kind, cf, name) {
            Ok(Some(g)) if each!(&g, h => h.dim()) == graph_dim(kind, dim) => g,
            _ => new_graph(kind, dim)?,
        };
        let idx = Self::with_graph(graph);
        let mut live = std::collections::HashSet::with_capacity(stored.len());
        {
            let mut staged = idx.staged.write();
            for (id, v) in stored {
                let key = key_of(id);
                live.insert(key);
                if each!(&idx.graph, h => h.contains(key)) && !idx.ids.contains_key(&key) {
                    idx.ids.insert(key, id);
                } else {
                    staged.insert(id, (0, v));
                }
            }
        }
        let stale: Vec<u64> = each!(&idx.graph, h => h.keys())
            .into_iter()
            .filter(|k| !live.contains(k))
            .collect();
        for k in stale {
            each!(&idx.graph, h => h.delete(k));
        }
        Ok(idx)
    }

    /// Saves a snapshot of the linked graph under `name` in `cf`. Staged entries are
    /// not in it: they are stored with their entities, and [`VectorIndex::restore`]
    /// stages them again at the next open, so closing never waits for linking.
    pub(crate) fn save(&self, cf: &ColumnFamily, name: &str) -> Result<(), StoreError> {
        let _w = self.write.lock();
        each!(&self.graph, h => h.save_to(cf, name))?;
        Ok(())
    }

    /// Stages the vector of `id` (it replaces any older one): searches see it at
    /// once, exactly; [`VectorIndex::drain`] links it into the graph later.
    pub(crate) fn stage(&self, id: Uuid, v: &[f32]) {
        let version = self.version.fetch_add(1, Relaxed) + 1;
        self.staged.write().insert(id, (version, v.to_vec()));
    }

    /// Links at most `max` staged entries into the graph, on all cores of the rayon
    /// pool if `parallel`, else on this thread alone; the number still staged. An
    /// entry the graph refuses stays searchable in the exact overflow list.
    pub(crate) fn drain(&self, max: usize, parallel: bool) -> usize {
        let _w = self.write.lock();
        let chunk: Vec<(Uuid, u64, Vec<f32>)> = self
            .staged
            .read()
            .iter()
            .take(max)
            .map(|(id, (n, v))| (*id, *n, v.clone()))
            .collect();
        let mut keys = Vec::new();
        let mut flat = Vec::new();
        let mut batch_ids = Vec::new();
        for (id, _, v) in &chunk {
            let key = key_of(*id);
            let present = self.ids.get(&key).map(|e| *e);
            match present {
                Some(other) if other != *id => {
                    let mut o = self.overflow.write();
                    o.retain(|(x, _)| x != id);
                    o.push((*id, v.clone()));
                    continue;
                }
                Some(_) => {
                    each!(&self.graph, h => h.delete(key));
                }
                None => {}
            }
            keys.push(key);
            flat.extend_from_slice(v);
            batch_ids.push((key, *id));
        }
        let linked = if parallel || keys.is_empty() {
            each!(&self.graph, h => h.insert_batch(&keys, &flat))
        } else {
            let dim = flat.len() / keys.len();
            keys.iter()
                .zip(flat.chunks(dim.max(1)))
                .try_for_each(|(k, v)| each!(&self.graph, h => h.insert(*k, v)))
        };
        if linked.is_ok() {
            for (key, id) in batch_ids {
                self.ids.insert(key, id);
            }
        } else {
            // Keep every entry of the chunk searchable, exactly.
            let mut o = self.overflow.write();
            for (key, id) in batch_ids {
                self.ids.remove(&key);
                if let Some((_, _, v)) = chunk.iter().find(|(x, _, _)| *x == id) {
                    o.push((id, v.clone()));
                }
            }
        }
        let linked: Vec<(Uuid, u64)> = chunk.iter().map(|(id, n, _)| (*id, *n)).collect();
        let left = self.unstage(&linked);
        if left == 0 {
            // Replaced and deleted entries stay in the graph as tombstones; once they
            // pass the index's rebuild threshold (a re-layout replaces every
            // position), the graph is rebuilt from the live entries, so searches do
            // not wander among stale points.
            each!(&self.graph, h => h.maintain());
        }
        left
    }

    /// Removes the staged entries whose version is the one linked (an entry staged
    /// again meanwhile stays); the number still staged.
    fn unstage(&self, linked: &[(Uuid, u64)]) -> usize {
        let mut staged = self.staged.write();
        for (id, n) in linked {
            if staged.get(id).is_some_and(|(m, _)| m == n) {
                staged.remove(id);
            }
        }
        staged.len()
    }

    /// Entries staged and not yet linked.
    pub(crate) fn staged(&self) -> usize {
        self.staged.read().len()
    }

    /// Removes `id`.
    pub(crate) fn remove(&self, id: Uuid) {
        let _w = self.write.lock();
        self.staged.write().remove(&id);
        let key = key_of(id);
        if self.ids.remove_if(&key, |_, x| *x == id).is_some() {
            each!(&self.graph, h => h.delete(key));
        }
        self.overflow.write().retain(|(x, _)| *x != id);
    }

    /// Number of indexed entities.
    pub(crate) fn len(&self) -> usize {
        let staged = self.staged.read();
        let new = staged
            .keys()
            .filter(|id| self.ids.get(&key_of(**id)).is_none_or(|x| *x != **id))
            .count();
        self.ids.len() + self.overflow.read().len() + new
    }

    /// Sets the beam width of later searches of the graph (at least 1).
    pub(crate) fn set_ef_search(&self, ef: usize) {
        each!(&self.graph, h => h.set_ef_search(ef));
    }

    /// The beam width searches use.
    pub(crate) fn ef_search(&self) -> usize {
        each!(&self.graph, h => h.ef_search())
    }

    /// The `k` nearest ids (closest first) whose id passes `keep` (every id when
    /// `None`), with distances.
    pub(crate) fn search(
        &self,
        query: &[f32],
        k: usize,
        ef: Option<usize>,
        keep: Option<&(dyn Fn(Uuid) -> bool + Sync)>,
    ) -> Result<Vec<(Uuid, f32)>, StoreError> {
        let staged = self.staged.read();
        let ids = &self.ids;
        let filter = |key: u64| {
            ids.get(&key)
                .is_some_and(|id| !staged.contains_key(&*id) && keep.is_none_or(|keep| keep(*id)))
        };
        let keep_all = keep.is_none();
        let keep = |id: &Uuid| keep.is_none_or(|keep| keep(*id));
        let hits: Vec<Neighbour> = match ef {
            // A beam as wide as the index: the exact scan.
            Some(ef) if ef >= self.len() => each!(&self.graph, h => h
                .search_exact(query, h.len())?
                .into_iter()
                .filter(|n| filter(n.key))
                .take(k)
                .collect()),
            // Nothing to filter: the plain search (no id look-up per candidate).
            None if staged.is_empty() && keep_all => each!(&self.graph, h => h.search(query, k)?),
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
        if !overflow.is_empty() || !staged.is_empty() {
            let exact = overflow
                .iter()
                .map(|(id, v)| (id, v))
                .chain(staged.iter().map(|(id, (_, v))| (id, v)))
                .filter(|(id, _)| keep(id));
            for (id, v) in exact {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(hits: &[(Uuid, f32)]) -> Vec<Uuid> {
        hits.iter().map(|h| h.0).collect()
    }

    fn nearest(idx: &VectorIndex, q: &[f32], k: usize) -> Vec<Uuid> {
        ids(&idx.search(q, k, None, None).unwrap_or_default())
    }

    #[test]
    fn staged_entries_are_found_before_and_after_linking() {
        let idx = VectorIndex::new(IndexKind::Vector(VectorMetric::Euclidean), 2)
            .unwrap_or_else(|e| panic!("{e}"));
        let a = Uuid::now_v7();
        let b = Uuid::now_v7();
        idx.stage(a, &[0.0, 0.0]);
        idx.stage(b, &[10.0, 0.0]);
        assert_eq!(idx.staged(), 2);
        assert_eq!(idx.len(), 2);
        assert_eq!(nearest(&idx, &[1.0, 0.0], 1), vec![a]);
        assert_eq!(idx.drain(usize::MAX, false), 0);
        assert_eq!((idx.staged(), idx.len()), (0, 2));
        assert_eq!(nearest(&idx, &[1.0, 0.0], 1), vec![a]);
        // Moving `a` far away: the staged vector wins over the linked one at once.
        idx.stage(a, &[20.0, 0.0]);
        assert_eq!(idx.len(), 2);
        assert_eq!(nearest(&idx, &[1.0, 0.0], 2), vec![b, a]);
        assert_eq!(idx.drain(1, true), 0);
        assert_eq!(nearest(&idx, &[1.0, 0.0], 2), vec![b, a]);
        idx.remove(b);
        assert_eq!(nearest(&idx, &[1.0, 0.0], 2), vec![a]);
        assert_eq!(idx.len(), 1);
    }

    #[test]
    fn a_drain_keeps_what_was_staged_again_meanwhile() {
        let idx = VectorIndex::new(IndexKind::Vector(VectorMetric::Euclidean), 1)
            .unwrap_or_else(|e| panic!("{e}"));
        let a = Uuid::now_v7();
        idx.stage(a, &[1.0]);
        let (version, _) = idx.staged.read().get(&a).cloned().unwrap_or_default();
        // A drain linked `version` while a newer vector was staged.
        idx.stage(a, &[5.0]);
        assert_eq!(idx.unstage(&[(a, version)]), 1);
        let hits = idx.search(&[5.0], 1, None, None).unwrap_or_default();
        assert_eq!(hits.first().map(|h| h.1), Some(0.0));
    }
}
