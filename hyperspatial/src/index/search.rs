//! Per-thread scratch space and the two graph walks: the greedy descent through the
//! upper layers and the best-first beam search (`ef` wide) within one layer.

use std::cell::RefCell;
use std::cmp::{Ordering as CmpOrdering, Reverse};
use std::collections::BinaryHeap;
use std::sync::atomic::Ordering;

use super::graph::Graph;

/// A node id with its (surrogate) distance; ordered by distance, then id.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cand {
    pub d: f32,
    pub id: u32,
}

impl PartialEq for Cand {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == CmpOrdering::Equal
    }
}
impl Eq for Cand {}
impl PartialOrd for Cand {
    fn partial_cmp(&self, o: &Self) -> Option<CmpOrdering> {
        Some(self.cmp(o))
    }
}
impl Ord for Cand {
    fn cmp(&self, o: &Self) -> CmpOrdering {
        self.d.total_cmp(&o.d).then(self.id.cmp(&o.id))
    }
}

/// Reusable buffers of one thread: a generation-stamped visited set and the heaps.
pub(crate) struct Scratch {
    stamps: Vec<u16>,
    generation: u16,
    cand: BinaryHeap<Reverse<Cand>>,
    pub res: BinaryHeap<Cand>,
    pub query: Vec<f32>,
    pub decoded: Vec<f32>,
    /// The unvisited neighbours of the node being expanded.
    batch: Vec<u32>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = const { RefCell::new(Scratch {
        stamps: Vec::new(),
        generation: 0,
        cand: BinaryHeap::new(),
        res: BinaryHeap::new(),
        query: Vec::new(),
        decoded: Vec::new(),
        batch: Vec::new(),
    }) };
}

/// Runs `f` with this thread's scratch space (not re-entrant).
pub(crate) fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    SCRATCH.with(|s| match s.try_borrow_mut() {
        Ok(mut s) => f(&mut s),
        // Re-entered (a predicate that searches): use a fresh scratch.
        Err(_) => f(&mut Scratch {
            stamps: Vec::new(),
            generation: 0,
            cand: BinaryHeap::new(),
            res: BinaryHeap::new(),
            query: Vec::new(),
            decoded: Vec::new(),
            batch: Vec::new(),
        }),
    })
}

impl Scratch {
    fn clear_visited(&mut self, n: usize) {
        if self.stamps.len() < n {
            self.stamps.resize(n, 0);
        }
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamps.fill(0);
            self.generation = 1;
        }
    }

    /// Marks `id` visited; true the first time.
    #[inline(always)]
    fn visit(&mut self, id: u32) -> bool {
        let g = self.generation;
        match self.stamps.get_mut(id as usize) {
            Some(s) if *s != g => {
                *s = g;
                true
            }
            _ => false,
        }
    }

    /// Drains the results into ascending order.
    pub fn take_sorted(&mut self) -> Vec<Cand> {
        let mut v = std::mem::take(&mut self.res).into_vec();
        v.sort_unstable();
        v
    }
}

/// Greedy descent at `layer` from `(d, cur)` to a local minimum.
pub(crate) fn greedy(
    g: &Graph,
    mut cur: Cand,
    layer: usize,
    dist: &mut impl FnMut(u32) -> f32,
) -> Cand {
    loop {
        let mut changed = false;
        let slots = g.slots(cur.id, layer);
        let n = (slots[0].load(Ordering::Acquire) as usize).min(slots.len() - 1);
        for s in &slots[1..=n] {
            g.prefetch(s.load(Ordering::Relaxed));
        }
        for s in &slots[1..=n] {
            let id = s.load(Ordering::Relaxed);
            let d = dist(id);
            if d < cur.d {
                cur = Cand { d, id };
                changed = true;
            }
        }
        if !changed {
            return cur;
        }
    }
}

/// Best-first search at `layer` from `eps`, keeping the `ef` nearest accepted nodes
/// in `s.res`. Rejected nodes are still walked through, and the walk does not stop
/// while fewer than `ef` nodes have been accepted.
pub(crate) fn search_layer(
    g: &Graph,
    s: &mut Scratch,
    eps: &[Cand],
    ef: usize,
    layer: usize,
    dist: &mut impl FnMut(u32) -> f32,
    accept: &impl Fn(u32) -> bool,
) {
    s.clear_visited(g.len());
    s.cand.clear();
    s.res.clear();
    let ef = ef.max(1);
    for &c in eps {
        if s.visit(c.id) {
            s.cand.push(Reverse(c));
            if accept(c.id) {
                s.res.push(c);
                if s.res.len() > ef {
                    s.res.pop();
                }
            }
        }
    }
    let mut bound = if s.res.len() >= ef {
        s.res.peek().map_or(f32::INFINITY, |c| c.d)
    } else {
        f32::INFINITY
    };
    while let Some(Reverse(c)) = s.cand.pop() {
        if c.d > bound {
            break;
        }
        if let Some(Reverse(next)) = s.cand.peek() {
            crate::kernels::prefetch(g.slots(next.id, layer));
        }
        // Mark and prefetch every unvisited neighbour first, so that their vectors
        // load in parallel while the first distances are computed.
        let slots = g.slots(c.id, layer);
        let n = (slots[0].load(Ordering::Acquire) as usize).min(slots.len() - 1);
        s.batch.clear();
        for slot in &slots[1..=n] {
            let id = slot.load(Ordering::Relaxed);
            if s.visit(id) {
                g.prefetch(id);
                s.batch.push(id);
            }
        }
        for i in 0..s.batch.len() {
            let id = s.batch[i];
            let d = dist(id);
            if d < bound || s.res.len() < ef {
                s.cand.push(Reverse(Cand { d, id }));
                if accept(id) {
                    s.res.push(Cand { d, id });
                    if s.res.len() > ef {
                        s.res.pop();
                    }
                    if s.res.len() >= ef {
                        bound = s.res.peek().map_or(f32::INFINITY, |c| c.d);
                    }
                }
            }
        }
    }
}
