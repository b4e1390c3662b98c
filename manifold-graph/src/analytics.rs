//! Whole-graph algorithms on an in-memory snapshot: the active edges are loaded once
//! into compressed adjacency arrays (CSR) over dense vertex numbers; connected
//! components by union-find, PageRank by parallel pull iterations (rayon).

use crate::error::Result;
use crate::read::GraphReader;
use crate::types::TypeFilter;
use foldhash::HashMap;
use rayon::prelude::*;
use uuid::Uuid;

/// Below this many vertices PageRank iterates on one thread: rayon's fork-join costs
/// more than it saves on small graphs.
const PARALLEL_MIN_VERTICES: usize = 20_000;

/// The active edges of a graph as CSR arrays. Vertices are every vertex record plus
/// every edge endpoint, numbered in id order.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// Sorted: a vertex's number is its position.
    ids: Vec<Uuid>,
    out_offsets: Vec<usize>,
    out_targets: Vec<u32>,
    in_offsets: Vec<usize>,
    in_sources: Vec<u32>,
}

/// Weakly connected components (edge direction ignored).
#[derive(Clone, Debug)]
pub struct Components {
    /// Number of components.
    pub count: usize,
    /// Component of each vertex by snapshot number, in `0..count`; components are
    /// numbered in the order of their smallest member id.
    pub labels: Vec<u32>,
}

/// PageRank parameters.
#[derive(Clone, Copy, Debug)]
pub struct PageRank {
    /// Probability of following an edge (typically 0.85).
    pub damping: f64,
    /// Stop when the L1 change of an iteration falls below this.
    pub tolerance: f64,
    /// Stop after this many iterations in any case.
    pub max_iterations: usize,
}

impl Default for PageRank {
    fn default() -> Self {
        PageRank {
            damping: 0.85,
            tolerance: 1e-9,
            max_iterations: 100,
        }
    }
}

fn csr(n: usize, pairs: impl Iterator<Item = (u32, u32)> + Clone) -> (Vec<usize>, Vec<u32>) {
    let mut offsets = vec![0usize; n + 1];
    for (a, _) in pairs.clone() {
        offsets[a as usize + 1] += 1;
    }
    for i in 0..n {
        offsets[i + 1] += offsets[i];
    }
    let mut fill = offsets.clone();
    let mut targets = vec![0u32; offsets[n]];
    for (a, b) in pairs {
        targets[fill[a as usize]] = b;
        fill[a as usize] += 1;
    }
    (offsets, targets)
}

impl GraphReader {
    /// Loads the active edges whose type passes `types` into memory.
    pub fn snapshot(&self, types: &TypeFilter) -> Result<Snapshot> {
        let mut edges: Vec<(Uuid, Uuid)> = Vec::new();
        self.for_each_stored_edge(|e| {
            let keep = match types {
                TypeFilter::All => true,
                TypeFilter::Only(list) => list.contains(&e.edge_type),
            };
            if e.props.active && keep {
                edges.push((e.src, e.dst));
            }
        })?;
        let mut ids: Vec<Uuid> = self.vertices()?.into_iter().map(|(id, _)| id).collect();
        ids.extend(edges.iter().flat_map(|&(a, b)| [a, b]));
        ids.sort_unstable();
        ids.dedup();
        let index: HashMap<Uuid, u32> = ids
            .iter()
            .enumerate()
            .map(|(i, &id)| (id, i as u32))
            .collect();
        let num: Vec<(u32, u32)> = edges.iter().map(|(a, b)| (index[a], index[b])).collect();
        let (out_offsets, out_targets) = csr(ids.len(), num.iter().copied());
        let (in_offsets, in_sources) = csr(ids.len(), num.iter().map(|&(a, b)| (b, a)));
        Ok(Snapshot {
            ids,
            out_offsets,
            out_targets,
            in_offsets,
            in_sources,
        })
    }
}

impl Snapshot {
    /// Number of vertices.
    pub fn vertex_count(&self) -> usize {
        self.ids.len()
    }

    /// Number of (active) edges.
    pub fn edge_count(&self) -> usize {
        self.out_targets.len()
    }

    /// The vertex ids, in the snapshot's numbering.
    pub fn ids(&self) -> &[Uuid] {
        &self.ids
    }

    /// The snapshot number of `id` (binary search).
    pub fn index_of(&self, id: Uuid) -> Option<usize> {
        self.ids.binary_search(&id).ok()
    }

    /// Out-neighbours of vertex number `i`.
    pub fn out_neighbors(&self, i: usize) -> &[u32] {
        &self.out_targets[self.out_offsets[i]..self.out_offsets[i + 1]]
    }

    /// In-neighbours of vertex number `i`.
    pub fn in_neighbors(&self, i: usize) -> &[u32] {
        &self.in_sources[self.in_offsets[i]..self.in_offsets[i + 1]]
    }

    /// Weakly connected components, by union-find with path halving and union by
    /// size (sequential: it is linear and memory-bound, parallelism does not pay).
    pub fn connected_components(&self) -> Components {
        let n = self.ids.len();
        let mut parent: Vec<u32> = (0..n as u32).collect();
        let mut size = vec![1u32; n];
        fn find(parent: &mut [u32], mut x: u32) -> u32 {
            while parent[x as usize] != x {
                let g = parent[parent[x as usize] as usize];
                parent[x as usize] = g;
                x = g;
            }
            x
        }
        for a in 0..n {
            for &b in self.out_neighbors(a) {
                let (ra, rb) = (find(&mut parent, a as u32), find(&mut parent, b));
                if ra != rb {
                    let (big, small) = if size[ra as usize] >= size[rb as usize] {
                        (ra, rb)
                    } else {
                        (rb, ra)
                    };
                    parent[small as usize] = big;
                    size[big as usize] += size[small as usize];
                }
            }
        }
        // Number components by their smallest member (ids are sorted).
        let mut number = vec![u32::MAX; n];
        let mut labels = vec![0u32; n];
        let mut count = 0u32;
        for (i, label) in labels.iter_mut().enumerate() {
            let r = find(&mut parent, i as u32) as usize;
            if number[r] == u32::MAX {
                number[r] = count;
                count += 1;
            }
            *label = number[r];
        }
        Components {
            count: count as usize,
            labels,
        }
    }

    /// PageRank of every vertex by snapshot number (summing to 1). A vertex without
    /// out-edges spreads its rank evenly over all vertices. Parallel over vertices on
    /// large graphs.
    pub fn pagerank(&self, params: &PageRank) -> Vec<f64> {
        let n = self.ids.len();
        if n == 0 {
            return Vec::new();
        }
        let nf = n as f64;
        let d = params.damping;
        let outdeg: Vec<f64> = (0..n).map(|i| self.out_neighbors(i).len() as f64).collect();
        let mut rank = vec![1.0 / nf; n];
        let mut next = vec![0.0; n];
        let parallel = n >= PARALLEL_MIN_VERTICES;
        for _ in 0..params.max_iterations {
            let dangling: f64 = (0..n).filter(|&i| outdeg[i] == 0.0).map(|i| rank[i]).sum();
            let base = (1.0 - d) / nf + d * dangling / nf;
            let pull = |(v, slot): (usize, &mut f64)| {
                let s: f64 = self
                    .in_neighbors(v)
                    .iter()
                    .map(|&u| rank[u as usize] / outdeg[u as usize])
                    .sum();
                *slot = base + d * s;
            };
            if parallel {
                next.par_iter_mut().enumerate().for_each(pull);
            } else {
                next.iter_mut().enumerate().for_each(pull);
            }
            let change: f64 = rank.iter().zip(&next).map(|(a, b)| (a - b).abs()).sum();
            std::mem::swap(&mut rank, &mut next);
            if change < params.tolerance {
                break;
            }
        }
        rank
    }
}
