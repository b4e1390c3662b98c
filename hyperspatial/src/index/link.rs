//! Insertion: linking a node that is already stored into every layer up to its
//! level, with the neighbour-selection heuristic of the HNSW paper.

use super::Hnsw;
use super::graph::{Graph, NONE};
use super::metric::Metric;
use super::search::{Cand, greedy, search_layer, with_scratch};

impl<M: Metric> Hnsw<M> {
    /// Links the stored node `id` into the graph. Several threads may link
    /// different nodes at once; searches may run meanwhile.
    pub(crate) fn link(&self, g: &Graph, id: u32) {
        let level = usize::from(g.levels[id as usize]);
        let q = g.vector(id);
        let qa = g.aux[id as usize];
        let metric = &self.metric;
        let mut dist = |o: u32| metric.build_surrogate(q, qa, g.vector(o), g.aux[o as usize]);

        let (mut ep, mut max_level) = g.entry();
        let mut _top = None;
        if ep == NONE || level > max_level {
            _top = Some(self.top_lock.lock());
            (ep, max_level) = g.entry();
            if ep == NONE {
                g.set_entry(id, level);
                return;
            }
        }
        let mut cur = Cand {
            d: dist(ep),
            id: ep,
        };
        for layer in (level + 1..=max_level).rev() {
            cur = greedy(g, cur, layer, &mut dist);
        }
        let efc = self.ef_construction();
        let mut eps = vec![cur];
        for layer in (0..=level.min(max_level)).rev() {
            let mut found = with_scratch(|s| {
                search_layer(g, s, &eps, efc, layer, &mut dist, &|_| true);
                s.take_sorted()
            });
            found.retain(|c| c.id != id);
            let cap = if layer == 0 { g.m0 } else { g.m };
            let selected = self.select(g, &found, g.m);
            self.set_own(g, id, layer, &selected, cap);
            for c in &selected {
                self.add_link(g, c.id, Cand { d: c.d, id }, layer, cap);
            }
            if !found.is_empty() {
                eps = found;
            }
        }
        if level > max_level {
            g.set_entry(id, level);
        }
    }

    /// Sets the neighbours of the node being linked at `layer`. A node linked at the
    /// same time may already have added itself here (it can reach `id` through the
    /// layer above); those links are kept, or the other node could be left without
    /// a way in.
    fn set_own(&self, g: &Graph, id: u32, layer: usize, selected: &[Cand], cap: usize) {
        let _l = self.stripe(id).lock();
        let mut cur = Vec::with_capacity(cap);
        g.neighbours_into(id, layer, &mut cur);
        let mut ids: Vec<u32> = selected.iter().map(|c| c.id).collect();
        let added: Vec<u32> = cur.into_iter().filter(|o| !ids.contains(o)).collect();
        if added.is_empty() {
            g.set_neighbours(id, layer, &ids);
            return;
        }
        if ids.len() + added.len() <= cap {
            ids.extend(added);
            g.set_neighbours(id, layer, &ids);
            return;
        }
        let v = g.vector(id);
        let a = g.aux[id as usize];
        let mut cands: Vec<Cand> = selected.to_vec();
        cands.extend(added.iter().map(|&o| {
            Cand {
                d: self
                    .metric
                    .build_surrogate(v, a, g.vector(o), g.aux[o as usize]),
                id: o,
            }
        }));
        cands.sort_unstable();
        let kept: Vec<u32> = self.select(g, &cands, cap).iter().map(|c| c.id).collect();
        g.set_neighbours(id, layer, &kept);
    }

    /// Adds `new` to the neighbours of `e` at `layer`, pruning with the heuristic
    /// when the list is full.
    fn add_link(&self, g: &Graph, e: u32, new: Cand, layer: usize, cap: usize) {
        let _l = self.stripe(e).lock();
        let mut cur = Vec::with_capacity(cap + 1);
        g.neighbours_into(e, layer, &mut cur);
        if cur.contains(&new.id) {
            return;
        }
        if cur.len() < cap {
            cur.push(new.id);
            g.set_neighbours(e, layer, &cur);
            return;
        }
        let ve = g.vector(e);
        let ae = g.aux[e as usize];
        let mut cands: Vec<Cand> = cur
            .iter()
            .map(|&o| Cand {
                d: self
                    .metric
                    .build_surrogate(ve, ae, g.vector(o), g.aux[o as usize]),
                id: o,
            })
            .collect();
        cands.push(new);
        cands.sort_unstable();
        let kept: Vec<u32> = self.select(g, &cands, cap).iter().map(|c| c.id).collect();
        g.set_neighbours(e, layer, &kept);
    }

    /// The HNSW heuristic: walk candidates by increasing distance and keep one only
    /// if it is closer to the base than to every neighbour kept so far, which
    /// spreads the links over directions instead of one dense cluster.
    /// With [`Metric::prune_alpha`] a candidate is dropped only if a kept neighbour
    /// is nearer to it by that factor, in true distance.
    pub(crate) fn select(&self, g: &Graph, sorted: &[Cand], m: usize) -> Vec<Cand> {
        let mut out: Vec<Cand> = Vec::with_capacity(m);
        let alpha = self.metric.prune_alpha();
        for &c in sorted {
            if out.len() >= m {
                break;
            }
            let vc = g.vector(c.id);
            let ac = g.aux[c.id as usize];
            let to_base = alpha.map(|_| self.metric.distance(c.d));
            let good = out.iter().all(|s| {
                let d = self
                    .metric
                    .build_surrogate(vc, ac, g.vector(s.id), g.aux[s.id as usize]);
                match (alpha, to_base) {
                    (Some(a), Some(b)) => a * self.metric.distance(d) > b,
                    _ => d >= c.d,
                }
            });
            if good {
                out.push(c);
            }
        }
        out
    }
}
