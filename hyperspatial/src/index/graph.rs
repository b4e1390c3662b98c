//! Flat storage of the index: prepared vectors, per-node data and adjacency.
//!
//! Invariants:
//! - Node ids are dense `0..len`; a node's vector, aux value, key, level and link
//!   slots are all appended together under the write lock, before any other node
//!   can link to it.
//! - Layer 0 holds `1 + m0` u32 slots per node: a count, then up to `m0` ids. Upper
//!   layers hold `1 + m` slots per (node, level >= 1), starting at `upper_off[id]`.
//! - Every id stored in a link slot below its list's count is `< len`.
//! - Link lists are written under the node's stripe lock (entries first, count
//!   last, with release ordering); readers take no lock and may see a mix of an
//!   old and a new list, which only ever contains valid ids.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

use super::quant::Quantizer;

/// No entry point yet.
pub(crate) const NONE: u32 = u32::MAX;

pub(crate) struct Graph {
    pub dim: usize,
    pub stride: usize,
    pub m: usize,
    pub m0: usize,
    pub vectors: Vec<f32>,
    pub aux: Vec<f32>,
    pub keys: Vec<u64>,
    pub levels: Vec<u8>,
    pub layer0: Vec<AtomicU32>,
    pub upper_off: Vec<u32>,
    pub upper: Vec<AtomicU32>,
    pub deleted: Vec<AtomicBool>,
    pub deleted_count: AtomicU64,
    /// `max_level << 32 | entry id`, or `NONE` in the low half when empty.
    pub entry: AtomicU64,
    pub key_map: parking_lot::Mutex<HashMap<u64, u32>>,
    pub quant: Option<Quantizer>,
}

impl Graph {
    pub fn new(dim: usize, m: usize) -> Self {
        Graph {
            dim,
            stride: dim.div_ceil(8).max(1) * 8,
            m,
            m0: 2 * m,
            vectors: Vec::new(),
            aux: Vec::new(),
            keys: Vec::new(),
            levels: Vec::new(),
            layer0: Vec::new(),
            upper_off: Vec::new(),
            upper: Vec::new(),
            deleted: Vec::new(),
            deleted_count: AtomicU64::new(0),
            entry: AtomicU64::new(u64::from(NONE)),
            key_map: parking_lot::Mutex::new(HashMap::new()),
            quant: None,
        }
    }

    #[inline(always)]
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    #[inline(always)]
    pub fn vector(&self, id: u32) -> &[f32] {
        let s = id as usize * self.stride;
        &self.vectors[s..s + self.stride]
    }

    /// Appends a prepared node with no links; returns its id.
    pub fn push(&mut self, key: u64, prepared: &[f32], aux: f32, level: u8) -> u32 {
        let id = self.keys.len() as u32;
        self.vectors.extend_from_slice(&prepared[..self.stride]);
        self.aux.push(aux);
        self.keys.push(key);
        self.levels.push(level);
        self.layer0
            .extend((0..1 + self.m0).map(|_| AtomicU32::new(0)));
        self.upper_off.push(self.upper.len() as u32);
        self.upper
            .extend((0..usize::from(level) * (1 + self.m)).map(|_| AtomicU32::new(0)));
        self.deleted.push(AtomicBool::new(false));
        if let Some(q) = &mut self.quant {
            q.push(prepared);
        }
        id
    }

    /// Starts loading what a distance to `id` reads: its codes when the index is
    /// quantized, its prepared vector otherwise.
    #[inline(always)]
    pub fn prefetch(&self, id: u32) {
        match &self.quant {
            Some(q) => crate::kernels::prefetch(q.codes_of(id)),
            None => crate::kernels::prefetch(self.vector(id)),
        }
    }

    /// The link slots (count first) of `id` at `layer`; `layer <= levels[id]`.
    #[inline(always)]
    pub fn slots(&self, id: u32, layer: usize) -> &[AtomicU32] {
        if layer == 0 {
            let s = id as usize * (1 + self.m0);
            &self.layer0[s..s + 1 + self.m0]
        } else {
            let s = self.upper_off[id as usize] as usize + (layer - 1) * (1 + self.m);
            &self.upper[s..s + 1 + self.m]
        }
    }

    /// Copies the neighbours of `id` at `layer` into `out`.
    #[inline(always)]
    pub fn neighbours_into(&self, id: u32, layer: usize, out: &mut Vec<u32>) {
        out.clear();
        let slots = self.slots(id, layer);
        let n = (slots[0].load(Ordering::Acquire) as usize).min(slots.len() - 1);
        out.extend(slots[1..=n].iter().map(|s| s.load(Ordering::Relaxed)));
    }

    /// Replaces the neighbours of `id` at `layer` (caller holds the stripe lock).
    pub fn set_neighbours(&self, id: u32, layer: usize, ids: &[u32]) {
        let slots = self.slots(id, layer);
        let n = ids.len().min(slots.len() - 1);
        for (s, v) in slots[1..=n].iter().zip(ids) {
            s.store(*v, Ordering::Relaxed);
        }
        slots[0].store(n as u32, Ordering::Release);
    }

    pub fn entry(&self) -> (u32, usize) {
        let e = self.entry.load(Ordering::Acquire);
        ((e & 0xffff_ffff) as u32, (e >> 32) as usize)
    }

    pub fn set_entry(&self, id: u32, level: usize) {
        self.entry
            .store(((level as u64) << 32) | u64::from(id), Ordering::Release);
    }

    #[inline(always)]
    pub fn is_deleted(&self, id: u32) -> bool {
        self.deleted[id as usize].load(Ordering::Relaxed)
    }

    /// Marks `id` deleted; true if it was live.
    pub fn tombstone(&self, id: u32) -> bool {
        let was = self.deleted[id as usize].swap(true, Ordering::AcqRel);
        if !was {
            self.deleted_count.fetch_add(1, Ordering::Relaxed);
        }
        !was
    }

    pub fn live(&self) -> usize {
        self.len() - self.deleted_count.load(Ordering::Relaxed) as usize
    }

    /// Heap bytes held by the graph.
    pub fn memory_bytes(&self) -> usize {
        self.vectors.capacity() * 4
            + self.aux.capacity() * 4
            + self.keys.capacity() * 8
            + self.levels.capacity()
            + self.layer0.capacity() * 4
            + self.upper_off.capacity() * 4
            + self.upper.capacity() * 4
            + self.deleted.capacity()
            + self.key_map.lock().capacity() * 16
            + self.quant.as_ref().map_or(0, Quantizer::memory_bytes)
    }
}
