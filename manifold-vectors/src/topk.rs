//! Brute-force top-k selection: a bounded max-heap keyed by distance, ties broken by id
//! so results are deterministic.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use uuid::Uuid;

/// A search result: an id and its distance to the query (smaller is nearer).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Neighbor {
    /// The entity id.
    pub id: Uuid,
    /// Distance under the search's metric.
    pub distance: f32,
}

/// A scored result: an id and its similarity to the query (larger is better).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scored {
    /// The entity id.
    pub id: Uuid,
    /// Similarity (inner product for sparse vectors, MaxSim for multi-vectors).
    pub score: f32,
}

#[derive(Clone, Copy)]
struct Entry {
    key: f32,
    id: Uuid,
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key
            .total_cmp(&other.key)
            .then_with(|| self.id.cmp(&other.id))
    }
}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Entry {}

/// Keeps the `k` smallest keys seen.
pub(crate) struct TopK {
    k: usize,
    heap: BinaryHeap<Entry>,
}

impl TopK {
    pub(crate) fn new(k: usize) -> Self {
        TopK {
            k,
            heap: BinaryHeap::with_capacity(k.saturating_add(1).min(1 << 16)),
        }
    }

    /// The key a candidate must beat to enter (infinite until `k` are held).
    #[inline]
    pub(crate) fn offer(&mut self, key: f32, id: Uuid) {
        if self.k == 0 {
            return;
        }
        let e = Entry { key, id };
        if self.heap.len() < self.k {
            self.heap.push(e);
        } else if let Some(mut top) = self.heap.peek_mut()
            && e < *top
        {
            *top = e;
        }
    }

    /// The kept entries, smallest key first.
    pub(crate) fn into_sorted(self) -> Vec<(f32, Uuid)> {
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|e| (e.key, e.id))
            .collect()
    }
}
