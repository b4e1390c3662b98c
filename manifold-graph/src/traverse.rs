//! Traversals on a snapshot: k-hop breadth-first search and weighted shortest paths
//! (Dijkstra), reading adjacency from storage as they go.

use crate::error::{GraphError, Result};
use crate::read::GraphReader;
use crate::types::{Direction, TypeFilter};
use foldhash::{HashMapExt, HashSetExt};
use std::cmp::Ordering;
use std::collections::hash_map::Entry;
use std::collections::{BinaryHeap, HashMap};
use uuid::Uuid;

/// Fast, randomly seeded hashing for the traversals' own sets and maps.
type FastMap<K, V> = foldhash::HashMap<K, V>;
type FastSet<T> = foldhash::HashSet<T>;

/// Options of a breadth-first search.
#[derive(Clone, Debug)]
pub struct Bfs {
    /// Which edges to follow.
    pub direction: Direction,
    /// Which edge types to follow.
    pub types: TypeFilter,
    /// Smallest depth reported (0 reports the start vertex).
    pub min_depth: u32,
    /// Largest depth explored.
    pub max_depth: u32,
}

impl Bfs {
    /// Vertices 1 to `k` hops away along outgoing edges of any type.
    pub fn hops(k: u32) -> Self {
        Bfs {
            direction: Direction::Outgoing,
            types: TypeFilter::All,
            min_depth: 1,
            max_depth: k,
        }
    }
}

/// A vertex reached by a traversal and its hop distance from the start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Visit {
    /// The vertex.
    pub id: Uuid,
    /// Number of edges on a shortest path from the start.
    pub depth: u32,
}

/// A weighted shortest path.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    /// The vertices from source to target, both included.
    pub vertices: Vec<Uuid>,
    /// Sum of the edge weights (in f64).
    pub weight: f64,
}

/// Options of a shortest-path search.
#[derive(Clone, Debug, Default)]
pub struct PathOptions {
    /// Which edges to follow.
    pub direction: Direction,
    /// Which edge types to follow.
    pub types: TypeFilter,
}

#[derive(PartialEq)]
struct Item(f64, Uuid);
impl Eq for Item {}
impl Ord for Item {
    fn cmp(&self, o: &Self) -> Ordering {
        o.0.total_cmp(&self.0).then_with(|| o.1.cmp(&self.1))
    }
}
impl PartialOrd for Item {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl GraphReader {
    /// Breadth-first search from `start` over active edges: every vertex whose hop
    /// distance lies in `min_depth..=max_depth`, in BFS order (by depth, then in
    /// adjacency key order).
    pub fn bfs(&self, start: Uuid, opts: &Bfs) -> Result<Vec<Visit>> {
        if opts.min_depth > opts.max_depth {
            return Err(GraphError::BadDepthRange {
                min: opts.min_depth,
                max: opts.max_depth,
            });
        }
        let mut seen = FastSet::with_capacity(64);
        seen.insert(start);
        let mut out = Vec::new();
        if opts.min_depth == 0 {
            out.push(Visit {
                id: start,
                depth: 0,
            });
        }
        let mut frontier = vec![start];
        let mut next = Vec::new();
        for depth in 1..=opts.max_depth {
            for &v in &frontier {
                self.for_each_edge(v, opts.direction, &opts.types, false, |e| {
                    let w = e.other(v);
                    if seen.insert(w) {
                        next.push(w);
                    }
                })?;
            }
            if depth >= opts.min_depth {
                out.extend(next.iter().map(|&id| Visit { id, depth }));
            }
            if next.is_empty() {
                break;
            }
            std::mem::swap(&mut frontier, &mut next);
            next.clear();
        }
        Ok(out)
    }

    /// Distances from `src` to every reachable vertex over active edges (Dijkstra,
    /// weights summed in f64), with each vertex's predecessor on a shortest path.
    /// Fails on a negative weight.
    pub fn shortest_distances(
        &self,
        src: Uuid,
        opts: &PathOptions,
    ) -> Result<HashMap<Uuid, (f64, Option<Uuid>)>> {
        Ok(self.dijkstra(src, None, opts)?.into_iter().collect())
    }

    /// A lightest path from `src` to `dst` over active edges, if `dst` is reachable.
    pub fn shortest_path(&self, src: Uuid, dst: Uuid, opts: &PathOptions) -> Result<Option<Path>> {
        let best = self.dijkstra(src, Some(dst), opts)?;
        let Some(&(weight, _)) = best.get(&dst) else {
            return Ok(None);
        };
        let mut vertices = vec![dst];
        let mut cur = dst;
        while let Some(&(_, Some(p))) = best.get(&cur) {
            vertices.push(p);
            cur = p;
        }
        vertices.reverse();
        Ok(Some(Path { vertices, weight }))
    }

    fn dijkstra(
        &self,
        src: Uuid,
        target: Option<Uuid>,
        opts: &PathOptions,
    ) -> Result<FastMap<Uuid, (f64, Option<Uuid>)>> {
        let mut best: FastMap<Uuid, (f64, Option<Uuid>)> = FastMap::new();
        best.insert(src, (0.0, None));
        let mut done = FastSet::new();
        let mut heap = BinaryHeap::from([Item(0.0, src)]);
        let mut negative = None;
        while let Some(Item(d, v)) = heap.pop() {
            if !done.insert(v) {
                continue;
            }
            if Some(v) == target {
                break;
            }
            self.for_each_edge(v, opts.direction, &opts.types, false, |e| {
                if e.props.weight < 0.0 {
                    negative.get_or_insert(e);
                    return;
                }
                let w = e.other(v);
                let nd = d + f64::from(e.props.weight);
                match best.entry(w) {
                    Entry::Occupied(mut o) => {
                        if nd < o.get().0 {
                            o.insert((nd, Some(v)));
                            heap.push(Item(nd, w));
                        }
                    }
                    Entry::Vacant(slot) => {
                        slot.insert((nd, Some(v)));
                        heap.push(Item(nd, w));
                    }
                }
            })?;
            if let Some(e) = negative {
                return Err(GraphError::NegativeWeight {
                    src: e.src,
                    dst: e.dst,
                    weight: e.props.weight,
                });
            }
        }
        if target.is_none() {
            return Ok(best);
        }
        // Keep only settled vertices so that the reported path is final.
        best.retain(|k, _| done.contains(k));
        Ok(best)
    }
}
