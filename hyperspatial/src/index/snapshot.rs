//! Snapshots: the whole index as one rkyv archive, validated on load.
//!
//! Loading checks the archive's structure (rkyv's bytecheck) and then every graph
//! invariant of `graph.rs` (lengths, ids in range, links only to nodes of high
//! enough level), so a corrupt snapshot is an error, never a panic later.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use parking_lot::RwLockWriteGuard;
use rkyv::rancor;

use super::graph::{Graph, NONE};
use super::metric::{Metric, MetricKind};
use super::quant::Quantizer;
use super::{Hnsw, HnswParams, IndexError};

const FORMAT: u32 = 1;

#[derive(rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
struct HnswSnapshot {
    format: u32,
    metric: u8,
    curvature: f32,
    dim: u32,
    m: u32,
    ef_construction: u32,
    ef_search: u32,
    rebuild_threshold: f64,
    seed: u64,
    counter: u64,
    entry: u32,
    max_level: u32,
    vectors: Vec<f32>,
    aux: Vec<f32>,
    keys: Vec<u64>,
    levels: Vec<u8>,
    layer0: Vec<u32>,
    upper_off: Vec<u32>,
    upper: Vec<u32>,
    deleted: Vec<bool>,
    quant: Option<(Vec<f32>, Vec<f32>, Vec<i8>)>,
}

fn kind_to_tag(k: MetricKind) -> (u8, f32) {
    match k {
        MetricKind::L2 => (0, 0.0),
        MetricKind::Cosine => (1, 0.0),
        MetricKind::Dot => (2, 0.0),
        MetricKind::Lorentz { c } => (3, c),
        MetricKind::Poincare { c } => (4, c),
        MetricKind::Poincare64 { c } => (5, c),
    }
}

fn tag_to_kind(tag: u8, c: f32) -> Option<MetricKind> {
    Some(match tag {
        0 => MetricKind::L2,
        1 => MetricKind::Cosine,
        2 => MetricKind::Dot,
        3 => MetricKind::Lorentz { c },
        4 => MetricKind::Poincare { c },
        5 => MetricKind::Poincare64 { c },
        _ => return None,
    })
}

fn loads(v: &[AtomicU32]) -> Vec<u32> {
    v.iter().map(|a| a.load(Ordering::Relaxed)).collect()
}

fn corrupt(what: &str) -> IndexError {
    IndexError::CorruptSnapshot(what.to_string())
}

impl<M: Metric> Hnsw<M> {
    /// Serializes the whole index (vectors, graph, tombstones, quantizer). First
    /// waits for inserts in flight to finish linking (so no stored node is left
    /// unlinked), then copies under a read lock: searches continue meanwhile, new
    /// inserts wait.
    pub fn to_bytes(&self) -> Result<Vec<u8>, IndexError> {
        let g = RwLockWriteGuard::downgrade(self.graph.write());
        let (metric, curvature) = kind_to_tag(self.metric.kind());
        let (entry, max_level) = g.entry();
        let snap = HnswSnapshot {
            format: FORMAT,
            metric,
            curvature,
            dim: g.dim as u32,
            m: self.m as u32,
            ef_construction: self.ef_construction() as u32,
            ef_search: self.ef_search() as u32,
            rebuild_threshold: self.params().rebuild_threshold,
            seed: self.seed,
            counter: self.counter.load(Ordering::Relaxed),
            entry,
            max_level: max_level as u32,
            vectors: g.vectors.clone(),
            aux: g.aux.clone(),
            keys: g.keys.clone(),
            levels: g.levels.clone(),
            layer0: loads(&g.layer0),
            upper_off: g.upper_off.clone(),
            upper: loads(&g.upper),
            deleted: g
                .deleted
                .iter()
                .map(|d| d.load(Ordering::Relaxed))
                .collect(),
            quant: g.quant.as_ref().map(|q| {
                let (a, b, c) = q.parts();
                (a.to_vec(), b.to_vec(), c.to_vec())
            }),
        };
        drop(g);
        rkyv::to_bytes::<rancor::Error>(&snap)
            .map(|b| b.into_vec())
            .map_err(|e| IndexError::CorruptSnapshot(e.to_string()))
    }

    /// Reopens an index written by [`Hnsw::to_bytes`] with the same metric kind.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, IndexError> {
        let mut aligned = rkyv::util::AlignedVec::<16>::with_capacity(bytes.len());
        aligned.extend_from_slice(bytes);
        let snap = rkyv::from_bytes::<HnswSnapshot, rancor::Error>(&aligned)
            .map_err(|e| IndexError::CorruptSnapshot(e.to_string()))?;
        if snap.format != FORMAT {
            return Err(corrupt("unknown format version"));
        }
        let kind = tag_to_kind(snap.metric, snap.curvature).ok_or_else(|| corrupt("metric tag"))?;
        let metric = M::from_kind(kind).ok_or(IndexError::MetricMismatch { found: kind })?;
        let params = HnswParams {
            m: snap.m as usize,
            ef_construction: snap.ef_construction as usize,
            ef_search: snap.ef_search as usize,
            rebuild_threshold: snap.rebuild_threshold,
            seed: snap.seed,
        };
        params.validate().map_err(|_| corrupt("parameters"))?;
        if snap.dim == 0 || snap.dim > 1 << 16 {
            return Err(corrupt("dimension"));
        }
        let mut g = Graph::new(snap.dim as usize, params.m);
        validate(&g, &snap)?;
        let n = snap.keys.len();
        g.vectors = snap.vectors;
        g.aux = snap.aux;
        g.levels = snap.levels;
        g.layer0 = snap.layer0.into_iter().map(AtomicU32::new).collect();
        g.upper_off = snap.upper_off;
        g.upper = snap.upper.into_iter().map(AtomicU32::new).collect();
        let mut deleted = 0;
        {
            let mut map = g.key_map.lock();
            for (id, (k, d)) in snap.keys.iter().zip(&snap.deleted).enumerate() {
                if *d {
                    deleted += 1;
                } else {
                    map.insert(*k, id as u32);
                }
            }
        }
        g.deleted = snap.deleted.into_iter().map(AtomicBool::new).collect();
        g.deleted_count.store(deleted, Ordering::Relaxed);
        g.keys = snap.keys;
        if n > 0 {
            g.set_entry(snap.entry, snap.max_level as usize);
        }
        if let Some((mid, scale, codes)) = snap.quant {
            if !metric.quantizable() {
                return Err(corrupt("quantized codes for a metric that refuses them"));
            }
            if codes.len() != n * g.stride {
                return Err(corrupt("quantized codes"));
            }
            g.quant = Some(
                Quantizer::from_parts(g.stride, mid, scale, codes)
                    .ok_or_else(|| corrupt("quantizer"))?,
            );
        }
        let h = Hnsw::from_graph(metric, params, g);
        h.counter.store(snap.counter, Ordering::Relaxed);
        Ok(h)
    }
}

/// Checks every invariant a search relies on.
fn validate(g: &Graph, s: &HnswSnapshot) -> Result<(), IndexError> {
    let n = s.keys.len();
    if n >= NONE as usize {
        return Err(corrupt("too many nodes"));
    }
    if s.vectors.len() != n * g.stride
        || s.aux.len() != n
        || s.levels.len() != n
        || s.deleted.len() != n
        || s.upper_off.len() != n
        || s.layer0.len() != n * (1 + g.m0)
    {
        return Err(corrupt("array lengths"));
    }
    if n == 0 {
        return Ok(());
    }
    let entry = s.entry as usize;
    if entry >= n || s.max_level != u32::from(s.levels[entry]) {
        return Err(corrupt("entry point"));
    }
    let mut expected_off = 0usize;
    for id in 0..n {
        if s.upper_off[id] as usize != expected_off {
            return Err(corrupt("upper offsets"));
        }
        expected_off += usize::from(s.levels[id]) * (1 + g.m);
        if u32::from(s.levels[id]) > s.max_level {
            return Err(corrupt("level above the entry point's"));
        }
    }
    if expected_off != s.upper.len() {
        return Err(corrupt("upper length"));
    }
    let check = |list: &[u32], cap: usize, layer: usize| -> Result<(), IndexError> {
        let count = list[0] as usize;
        if count > cap {
            return Err(corrupt("link count"));
        }
        for &t in &list[1..=count] {
            if t as usize >= n || usize::from(s.levels[t as usize]) < layer {
                return Err(corrupt("link target"));
            }
        }
        Ok(())
    };
    for list in s.layer0.chunks_exact(1 + g.m0) {
        check(list, g.m0, 0)?;
    }
    for id in 0..n {
        let off = s.upper_off[id] as usize;
        for l in 1..=usize::from(s.levels[id]) {
            let start = off + (l - 1) * (1 + g.m);
            check(&s.upper[start..start + 1 + g.m], g.m, l)?;
        }
    }
    if s.vectors.iter().any(|v| !v.is_finite()) || s.aux.iter().any(|v| !v.is_finite()) {
        return Err(corrupt("non-finite vector"));
    }
    Ok(())
}
