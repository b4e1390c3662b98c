//! The index type: construction, insertion, search, deletion and rebuilds.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use parking_lot::{Mutex, RwLock, RwLockWriteGuard};
use rayon::prelude::*;

use super::graph::{Graph, NONE};
use super::metric::Metric;
use super::quant::Quantizer;
use super::search::{Cand, greedy, search_layer, with_scratch};
use super::{HnswParams, IndexError, Neighbour};
use crate::rng::splitmix64;

const STRIPES: usize = 1024;
const MAX_LEVEL: u8 = 16;

/// A hierarchical navigable small-world graph over one [`Metric`].
///
/// All methods take `&self`: inserts, deletes and searches may run concurrently
/// from many threads. Node ids are internal; callers name vectors by `u64` keys
/// (inserting an existing key replaces its vector).
pub struct Hnsw<M: Metric> {
    pub(crate) metric: M,
    pub(crate) m: usize,
    ef_construction: AtomicUsize,
    ef_search: AtomicUsize,
    rebuild_threshold: f64,
    pub(crate) seed: u64,
    pub(crate) counter: AtomicU64,
    pub(crate) graph: RwLock<Graph>,
    stripes: Box<[Mutex<()>]>,
    pub(crate) top_lock: Mutex<()>,
}

impl<M: Metric> std::fmt::Debug for Hnsw<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hnsw")
            .field("metric", &self.metric.kind())
            .field("m", &self.m)
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

impl<M: Metric> Hnsw<M> {
    /// An empty index of `dim`-dimensional vectors.
    pub fn new(metric: M, dim: usize, params: HnswParams) -> Result<Self, IndexError> {
        params.validate()?;
        if dim == 0 || dim > 1 << 16 {
            return Err(IndexError::InvalidParams("dim must be in 1..=65536"));
        }
        Ok(Self::from_graph(metric, params, Graph::new(dim, params.m)))
    }

    pub(crate) fn from_graph(metric: M, params: HnswParams, graph: Graph) -> Self {
        Hnsw {
            metric,
            m: params.m,
            ef_construction: AtomicUsize::new(params.ef_construction),
            ef_search: AtomicUsize::new(params.ef_search),
            rebuild_threshold: params.rebuild_threshold,
            seed: params.seed,
            counter: AtomicU64::new(0),
            graph: RwLock::new(graph),
            stripes: (0..STRIPES).map(|_| Mutex::new(())).collect(),
            top_lock: Mutex::new(()),
        }
    }

    /// The parameters in force (ef values as currently set).
    pub fn params(&self) -> HnswParams {
        HnswParams {
            m: self.m,
            ef_construction: self.ef_construction(),
            ef_search: self.ef_search(),
            rebuild_threshold: self.rebuild_threshold,
            seed: self.seed,
        }
    }

    /// The metric.
    pub fn metric(&self) -> &M {
        &self.metric
    }

    /// Dimension of the vectors.
    pub fn dim(&self) -> usize {
        self.graph.read().dim
    }

    /// Live (not deleted) vectors.
    pub fn len(&self) -> usize {
        self.graph.read().live()
    }

    /// True when no live vector is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when `key` is stored and live.
    pub fn contains(&self, key: u64) -> bool {
        let g = self.graph.read();
        g.key_map.lock().contains_key(&key)
    }

    /// The keys of every live vector, in no particular order.
    pub fn keys(&self) -> Vec<u64> {
        let g = self.graph.read();
        g.key_map.lock().keys().copied().collect()
    }

    /// Beam width of searches.
    pub fn ef_search(&self) -> usize {
        self.ef_search.load(Ordering::Relaxed)
    }

    /// Changes the beam width of later searches (at least 1).
    pub fn set_ef_search(&self, ef: usize) {
        self.ef_search.store(ef.max(1), Ordering::Relaxed);
    }

    /// Beam width used while inserting.
    pub fn ef_construction(&self) -> usize {
        self.ef_construction.load(Ordering::Relaxed)
    }

    /// Changes the beam width of later inserts (at least 1).
    pub fn set_ef_construction(&self, ef: usize) {
        self.ef_construction.store(ef.max(1), Ordering::Relaxed);
    }

    /// Approximate heap bytes held by the index.
    pub fn memory_bytes(&self) -> usize {
        self.graph.read().memory_bytes() + STRIPES * std::mem::size_of::<Mutex<()>>()
    }

    pub(crate) fn stripe(&self, id: u32) -> &Mutex<()> {
        &self.stripes[id as usize % STRIPES]
    }

    fn random_level(&self) -> u8 {
        let x = splitmix64(self.seed ^ splitmix64(self.counter.fetch_add(1, Ordering::Relaxed)));
        let u = ((x >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
        let mult = 1.0 / (self.m as f64).ln();
        ((-u.ln() * mult).floor() as u64).min(u64::from(MAX_LEVEL)) as u8
    }

    fn prepare(&self, dim: usize, stride: usize, v: &[f32]) -> Result<(Vec<f32>, f32), IndexError> {
        if v.len() != dim {
            return Err(IndexError::DimensionMismatch {
                expected: dim,
                got: v.len(),
            });
        }
        let mut out = vec![0.0; stride];
        let aux = self.metric.prepare(v, &mut out)?;
        Ok((out, aux))
    }

    /// Stores the prepared vectors and returns their ids, replacing existing keys.
    fn append(
        g: &mut Graph,
        prepared: Vec<(u64, Vec<f32>, f32, u8)>,
    ) -> Result<Vec<u32>, IndexError> {
        if g.len() + prepared.len() >= NONE as usize {
            return Err(IndexError::Full);
        }
        let mut ids = Vec::with_capacity(prepared.len());
        for (key, v, aux, level) in prepared {
            let id = g.push(key, &v, aux, level);
            let old = g.key_map.lock().insert(key, id);
            if let Some(old) = old {
                g.tombstone(old);
            }
            ids.push(id);
        }
        Ok(ids)
    }

    /// Inserts (or replaces) the vector of `key`.
    pub fn insert(&self, key: u64, vector: &[f32]) -> Result<(), IndexError> {
        let (dim, stride) = {
            let g = self.graph.read();
            (g.dim, g.stride)
        };
        let (v, aux) = self.prepare(dim, stride, vector)?;
        let level = self.random_level();
        let mut w = self.graph.write();
        let ids = Self::append(&mut w, vec![(key, v, aux, level)])?;
        let g = RwLockWriteGuard::downgrade(w);
        for id in ids {
            self.link(&g, id);
        }
        Ok(())
    }

    /// Inserts many vectors (`vectors` holds `keys.len()` rows of `dim` values),
    /// linking them in parallel on the current rayon pool.
    pub fn insert_batch(&self, keys: &[u64], vectors: &[f32]) -> Result<(), IndexError> {
        let (dim, stride) = {
            let g = self.graph.read();
            (g.dim, g.stride)
        };
        if vectors.len() != keys.len() * dim {
            return Err(IndexError::DimensionMismatch {
                expected: keys.len() * dim,
                got: vectors.len(),
            });
        }
        let prepared = keys
            .par_iter()
            .zip(vectors.par_chunks(dim))
            .map(|(k, v)| self.prepare(dim, stride, v).map(|(p, a)| (*k, p, a)))
            .collect::<Result<Vec<_>, _>>()?;
        let prepared = prepared
            .into_iter()
            .map(|(k, p, a)| (k, p, a, self.random_level()))
            .collect();
        let mut w = self.graph.write();
        let ids = Self::append(&mut w, prepared)?;
        let g = RwLockWriteGuard::downgrade(w);
        self.link_all(&g, &ids);
        Ok(())
    }

    pub(crate) fn link_all(&self, g: &Graph, ids: &[u32]) {
        let Some((first, rest)) = ids.split_first() else {
            return;
        };
        self.link(g, *first);
        rest.par_iter()
            .with_min_len(16)
            .for_each(|id| self.link(g, *id));
    }

    /// Deletes `key`; true if it was stored. The node stays in the graph as a
    /// tombstone that searches walk through but never return; see
    /// [`Hnsw::needs_rebuild`].
    pub fn delete(&self, key: u64) -> bool {
        let g = self.graph.read();
        let id = g.key_map.lock().remove(&key);
        id.is_some_and(|id| g.tombstone(id))
    }

    /// Fraction of stored nodes that are tombstones.
    pub fn deleted_fraction(&self) -> f64 {
        let g = self.graph.read();
        if g.len() == 0 {
            0.0
        } else {
            (g.len() - g.live()) as f64 / g.len() as f64
        }
    }

    /// True when tombstones exceed `HnswParams::rebuild_threshold` of the nodes.
    pub fn needs_rebuild(&self) -> bool {
        self.deleted_fraction() > self.rebuild_threshold
    }

    /// Rebuilds the graph from the live vectors, dropping every tombstone (and
    /// retraining the quantizer if enabled). Blocks other calls while it runs.
    pub fn rebuild(&self) {
        let mut w = self.graph.write();
        let mut fresh = Graph::new(w.dim, self.m);
        for id in 0..w.len() as u32 {
            if !w.is_deleted(id) {
                let v = w.vector(id).to_vec();
                let level = self.random_level();
                let nid = fresh.push(w.keys[id as usize], &v, w.aux[id as usize], level);
                fresh.key_map.lock().insert(w.keys[id as usize], nid);
            }
        }
        if w.quant.is_some() {
            fresh.quant = Some(Quantizer::train(fresh.stride, &fresh.vectors));
        }
        let ids: Vec<u32> = (0..fresh.len() as u32).collect();
        self.link_all(&fresh, &ids);
        *w = fresh;
    }

    /// Rebuilds if [`Hnsw::needs_rebuild`]; true if it did.
    pub fn maintain(&self) -> bool {
        if self.needs_rebuild() {
            self.rebuild();
            true
        } else {
            false
        }
    }

    /// Enables i8 scalar quantization, trained on the vectors stored now: searches
    /// then walk the graph on 1-byte codes and re-rank with exact distances. Does
    /// nothing for a metric that refuses quantization ([`Metric::quantizable`]).
    pub fn enable_quantization(&self) {
        if !self.metric.quantizable() {
            return;
        }
        let mut w = self.graph.write();
        let q = Quantizer::train(w.stride, &w.vectors);
        w.quant = Some(q);
    }

    /// Drops the quantized codes; searches use exact distances throughout.
    pub fn disable_quantization(&self) {
        self.graph.write().quant = None;
    }

    /// True when searches walk on quantized codes.
    pub fn is_quantized(&self) -> bool {
        self.graph.read().quant.is_some()
    }

    /// The `k` nearest live vectors to `query`, nearest first, with the current
    /// `ef_search`.
    pub fn search(&self, query: &[f32], k: usize) -> Result<Vec<Neighbour>, IndexError> {
        self.search_impl(query, k, self.ef_search(), &|_| true)
    }

    /// [`Hnsw::search`] with an explicit beam width.
    pub fn search_with_ef(
        &self,
        query: &[f32],
        k: usize,
        ef: usize,
    ) -> Result<Vec<Neighbour>, IndexError> {
        self.search_impl(query, k, ef, &|_| true)
    }

    /// The `k` nearest live vectors whose key passes `filter`. Returns `k` results
    /// whenever at least `k` live keys pass: when the graph walk finds fewer, the
    /// search falls back to an exact scan.
    pub fn search_filtered(
        &self,
        query: &[f32],
        k: usize,
        filter: impl Fn(u64) -> bool,
    ) -> Result<Vec<Neighbour>, IndexError> {
        self.search_impl(query, k, self.ef_search(), &filter)
    }

    /// Exact `k` nearest live vectors by scanning every node (the oracle of tests).
    pub fn search_exact(&self, query: &[f32], k: usize) -> Result<Vec<Neighbour>, IndexError> {
        let g = self.graph.read();
        let (q, qa) = self.prepare(g.dim, g.stride, query)?;
        Ok(self.finish(&g, self.scan_cands(&g, &q, qa, k, &|_| true)))
    }

    fn scan_cands(
        &self,
        g: &Graph,
        q: &[f32],
        qa: f32,
        k: usize,
        filter: &dyn Fn(u64) -> bool,
    ) -> Vec<Cand> {
        let mut all: Vec<Cand> = (0..g.len() as u32)
            .filter(|&id| !g.is_deleted(id) && filter(g.keys[id as usize]))
            .map(|id| Cand {
                d: self
                    .metric
                    .surrogate(q, qa, g.vector(id), g.aux[id as usize]),
                id,
            })
            .collect();
        if all.len() > k {
            all.select_nth_unstable(k);
            all.truncate(k);
        }
        all.sort_unstable();
        all
    }

    fn finish(&self, g: &Graph, c: Vec<Cand>) -> Vec<Neighbour> {
        c.into_iter()
            .map(|c| Neighbour {
                key: g.keys[c.id as usize],
                distance: self.metric.distance(c.d),
            })
            .collect()
    }

    fn search_impl(
        &self,
        query: &[f32],
        k: usize,
        ef: usize,
        filter: &dyn Fn(u64) -> bool,
    ) -> Result<Vec<Neighbour>, IndexError> {
        let g = self.graph.read();
        if query.len() != g.dim {
            return Err(IndexError::DimensionMismatch {
                expected: g.dim,
                got: query.len(),
            });
        }
        let (ep, max_level) = g.entry();
        if k == 0 || ep == NONE || g.live() == 0 {
            return Ok(Vec::new());
        }
        let found = with_scratch(|s| -> Result<Vec<Cand>, IndexError> {
            let mut q = std::mem::take(&mut s.query);
            q.clear();
            q.resize(g.stride, 0.0);
            let qa = match self.metric.prepare(query, &mut q) {
                Ok(a) => a,
                Err(e) => {
                    s.query = q;
                    return Err(e);
                }
            };
            let accept = |id: u32| !g.is_deleted(id) && filter(g.keys[id as usize]);
            let ef = ef.max(k);
            let found = match &g.quant {
                None => {
                    let mut dist = |o: u32| {
                        self.metric
                            .surrogate(&q, qa, g.vector(o), g.aux[o as usize])
                    };
                    let mut cur = Cand {
                        d: dist(ep),
                        id: ep,
                    };
                    for layer in (1..=max_level).rev() {
                        cur = greedy(&g, cur, layer, &mut dist);
                    }
                    search_layer(&g, s, &[cur], ef, 0, &mut dist, &accept);
                    let mut found = s.take_sorted();
                    found.truncate(k);
                    found
                }
                Some(quant) => {
                    let mut buf = std::mem::take(&mut s.decoded);
                    buf.resize(g.stride, 0.0);
                    let mut dist = |o: u32| {
                        quant.decode(o, &mut buf);
                        self.metric.surrogate(&q, qa, &buf, g.aux[o as usize])
                    };
                    let mut cur = Cand {
                        d: dist(ep),
                        id: ep,
                    };
                    for layer in (1..=max_level).rev() {
                        cur = greedy(&g, cur, layer, &mut dist);
                    }
                    search_layer(&g, s, &[cur], ef, 0, &mut dist, &accept);
                    s.decoded = buf;
                    let mut found = s.take_sorted();
                    for c in &mut found {
                        c.d = self
                            .metric
                            .surrogate(&q, qa, g.vector(c.id), g.aux[c.id as usize]);
                    }
                    found.sort_unstable();
                    found.truncate(k);
                    found
                }
            };
            let found = if found.len() < k.min(g.live()) {
                // The walk could not reach k accepted nodes: scan exactly.
                self.scan_cands(&g, &q, qa, k, filter)
            } else {
                found
            };
            s.query = q;
            Ok(found)
        })?;
        Ok(self.finish(&g, found))
    }
}
