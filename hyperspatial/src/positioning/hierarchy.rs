//! A validated parent -> child graph: self-loops and duplicate edges dropped, cycles
//! broken, a topological order, longest-path depths, a spanning tree (one parent per
//! node) and the transitive closure of the ancestor relation.

use super::PositioningError;

const NONE: u32 = u32::MAX;

/// Compressed adjacency lists: the neighbours of `u` are `ids[off[u]..off[u + 1]]`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Csr {
    off: Vec<usize>,
    ids: Vec<u32>,
}

impl Csr {
    /// Lists of `n` nodes from `(node, neighbour)` pairs; each list keeps the order of
    /// the pairs.
    fn from_pairs(n: usize, pairs: impl Iterator<Item = (u32, u32)> + Clone) -> Csr {
        let mut off = vec![0usize; n + 1];
        for (u, _) in pairs.clone() {
            off[u as usize + 1] += 1;
        }
        for i in 0..n {
            off[i + 1] += off[i];
        }
        let mut fill = off.clone();
        let mut ids = vec![0u32; off[n]];
        for (u, v) in pairs {
            ids[fill[u as usize]] = v;
            fill[u as usize] += 1;
        }
        Csr { off, ids }
    }

    /// The neighbours of `u` (none for `u` outside the lists).
    #[inline]
    pub(crate) fn of(&self, u: usize) -> &[u32] {
        match (self.off.get(u), self.off.get(u + 1)) {
            (Some(&a), Some(&b)) => &self.ids[a..b],
            _ => &[],
        }
    }
}

/// A parent -> child graph made safe to lay out.
///
/// Construction drops self-loops and duplicate edges, and breaks every cycle by
/// dropping the edges that close it in a depth-first search (started from the nodes
/// without parents, in index order, then from any node left): what remains is a DAG.
/// Each node then gets one *tree parent*, its deepest parent (longest path from a
/// root; ties go to the smaller index), which defines the spanning forest the
/// combinatorial layout follows.
#[derive(Debug, Clone)]
pub struct Hierarchy {
    n: usize,
    parents: Csr,
    tree_children: Csr,
    tree_parent: Vec<u32>,
    depth: Vec<u32>,
    order: Vec<u32>,
    dropped: usize,
}

impl Hierarchy {
    /// Validates `edges` (`parent -> child`) over nodes `0..n_nodes`.
    ///
    /// Errors: an endpoint `>= n_nodes` ([`PositioningError::NodeOutOfRange`]), or
    /// more than `u32::MAX - 1` nodes.
    pub fn new(n_nodes: usize, edges: &[(u32, u32)]) -> Result<Self, PositioningError> {
        if n_nodes >= NONE as usize {
            return Err(PositioningError::TooManyNodes(n_nodes));
        }
        let n = n_nodes;
        let mut kept: Vec<(u32, u32)> = Vec::with_capacity(edges.len());
        for &(p, c) in edges {
            if p as usize >= n || c as usize >= n {
                return Err(PositioningError::NodeOutOfRange {
                    from: p,
                    to: c,
                    n_nodes: n,
                });
            }
            if p != c {
                kept.push((p, c));
            }
        }
        kept.sort_unstable();
        kept.dedup();
        let children = Csr::from_pairs(n, kept.iter().copied());
        let acyclic = break_cycles(n, &children, &kept);
        let dropped = edges.len() - acyclic.len();
        let children = Csr::from_pairs(n, acyclic.iter().copied());
        let parents = {
            let mut rev: Vec<(u32, u32)> = acyclic.iter().map(|&(p, c)| (c, p)).collect();
            rev.sort_unstable();
            Csr::from_pairs(n, rev.into_iter())
        };
        let order = topological_order(n, &children, &parents);
        let mut depth = vec![0u32; n];
        let mut tree_parent = vec![NONE; n];
        for &u in &order {
            let u = u as usize;
            for &p in parents.of(u) {
                let d = depth[p as usize] + 1;
                if tree_parent[u] == NONE || d > depth[u] {
                    depth[u] = d;
                    tree_parent[u] = p;
                }
            }
        }
        let tree_children = Csr::from_pairs(
            n,
            (0..n as u32)
                .filter(|&u| tree_parent[u as usize] != NONE)
                .map(|u| (tree_parent[u as usize], u))
                .collect::<Vec<_>>()
                .into_iter(),
        );
        Ok(Hierarchy {
            n,
            parents,
            tree_children,
            tree_parent,
            depth,
            order,
            dropped,
        })
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether the graph has no nodes.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Edges dropped as self-loops, duplicates or cycle-closing edges.
    pub fn dropped_edges(&self) -> usize {
        self.dropped
    }

    /// The parents of `u` that survived validation, sorted (none for `u` outside
    /// the graph).
    pub fn parents(&self, u: usize) -> &[u32] {
        self.parents.of(u)
    }

    /// The parent of `u` in the spanning forest (its deepest parent), if any.
    pub fn tree_parent(&self, u: usize) -> Option<u32> {
        self.tree_parent.get(u).copied().filter(|&p| p != NONE)
    }

    /// The children of `u` in the spanning forest (none for `u` outside the graph).
    pub fn tree_children(&self, u: usize) -> &[u32] {
        self.tree_children.of(u)
    }

    /// Length of the longest parent chain above `u` (0 for a root, and for `u`
    /// outside the graph).
    pub fn depth(&self, u: usize) -> u32 {
        self.depth.get(u).copied().unwrap_or(0)
    }

    /// Every node, parents before children.
    pub fn topological_order(&self) -> &[u32] {
        &self.order
    }

    /// The nodes without parents, in index order.
    pub fn roots(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.n as u32).filter(|&u| self.tree_parent[u as usize] == NONE)
    }

    /// The transitive closure of the ancestor relation: for each node, its sorted
    /// ancestors (parents, their parents, ...; never the node itself).
    ///
    /// Errors with [`PositioningError::ClosureTooLarge`] once more than `max_pairs`
    /// (node, ancestor) pairs would be stored: the closure of a deep, wide DAG can be
    /// quadratic in its size.
    pub fn ancestor_closure(&self, max_pairs: usize) -> Result<Vec<Vec<u32>>, PositioningError> {
        let mut anc: Vec<Vec<u32>> = vec![Vec::new(); self.n];
        let mut total = 0usize;
        for &u in &self.order {
            let u = u as usize;
            let ps = self.parents.of(u);
            let mut set: Vec<u32> = match ps {
                [] => Vec::new(),
                [p] => {
                    let mut s = anc[*p as usize].clone();
                    let at = s.partition_point(|&a| a < *p);
                    s.insert(at, *p);
                    s
                }
                _ => {
                    let mut s: Vec<u32> = ps.to_vec();
                    for &p in ps {
                        s.extend_from_slice(&anc[p as usize]);
                    }
                    s.sort_unstable();
                    s.dedup();
                    s
                }
            };
            total += set.len();
            if total > max_pairs {
                return Err(PositioningError::ClosureTooLarge { limit: max_pairs });
            }
            set.shrink_to_fit();
            anc[u] = set;
        }
        Ok(anc)
    }
}

/// The edges of `sorted_edges` minus those closing a cycle in a depth-first search
/// (roots first, then every unvisited node, in index order; children in index order).
fn break_cycles(n: usize, children: &Csr, sorted_edges: &[(u32, u32)]) -> Vec<(u32, u32)> {
    const WHITE: u8 = 0;
    const GREY: u8 = 1;
    const BLACK: u8 = 2;
    let mut has_parent = vec![false; n];
    for &(_, c) in sorted_edges {
        has_parent[c as usize] = true;
    }
    let mut colour = vec![WHITE; n];
    let mut back: Vec<(u32, u32)> = Vec::new();
    let starts = (0..n)
        .filter(|&u| !has_parent[u])
        .chain((0..n).filter(|&u| has_parent[u]));
    let mut stack: Vec<(u32, usize)> = Vec::new();
    for s in starts {
        if colour[s] != WHITE {
            continue;
        }
        colour[s] = GREY;
        stack.push((s as u32, 0));
        while let Some(top) = stack.last_mut() {
            let (u, i) = (top.0 as usize, top.1);
            let kids = children.of(u);
            if let Some(&c) = kids.get(i) {
                top.1 += 1;
                match colour[c as usize] {
                    WHITE => {
                        colour[c as usize] = GREY;
                        stack.push((c, 0));
                    }
                    GREY => back.push((u as u32, c)),
                    _ => {}
                }
            } else {
                colour[u] = BLACK;
                stack.pop();
            }
        }
    }
    if back.is_empty() {
        return sorted_edges.to_vec();
    }
    back.sort_unstable();
    sorted_edges
        .iter()
        .copied()
        .filter(|e| back.binary_search(e).is_err())
        .collect()
}

/// Kahn's algorithm over an acyclic graph, smallest ready index first.
fn topological_order(n: usize, children: &Csr, parents: &Csr) -> Vec<u32> {
    let mut indeg: Vec<usize> = (0..n).map(|u| parents.of(u).len()).collect();
    let mut ready: std::collections::VecDeque<u32> =
        (0..n as u32).filter(|&u| indeg[u as usize] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(u) = ready.pop_front() {
        order.push(u);
        for &c in children.of(u as usize) {
            indeg[c as usize] -= 1;
            if indeg[c as usize] == 0 {
                ready.push_back(c);
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_and_self_loops_are_dropped() {
        // 0 -> 1 -> 2 -> 0 (cycle), 2 -> 2 (self-loop), 1 -> 2 twice, 3 isolated.
        let h = Hierarchy::new(4, &[(0, 1), (1, 2), (2, 0), (2, 2), (1, 2)]).unwrap();
        assert_eq!(h.dropped_edges(), 3);
        assert_eq!(h.topological_order().len(), 4);
        assert_eq!(h.tree_parent(0), None);
        assert_eq!(h.tree_parent(2), Some(1));
        assert_eq!(h.depth(2), 2);
        assert_eq!(h.roots().collect::<Vec<_>>(), vec![0, 3]);
        // Nodes outside the graph have nothing, rather than panicking.
        assert!(h.parents(9).is_empty() && h.tree_children(9).is_empty());
        assert_eq!((h.depth(9), h.tree_parent(9)), (0, None));
    }

    #[test]
    fn closure_of_a_diamond() {
        // 0 -> 1, 0 -> 2, 1 -> 3, 2 -> 3, 3 -> 4
        let h = Hierarchy::new(5, &[(0, 1), (0, 2), (1, 3), (2, 3), (3, 4)]).unwrap();
        let a = h.ancestor_closure(usize::MAX).unwrap();
        assert_eq!(a[4], vec![0, 1, 2, 3]);
        assert_eq!(a[3], vec![0, 1, 2]);
        assert!(a[0].is_empty());
        assert_eq!(h.tree_parent(3), Some(1));
        assert!(matches!(
            h.ancestor_closure(5),
            Err(PositioningError::ClosureTooLarge { limit: 5 })
        ));
    }

    #[test]
    fn out_of_range_is_an_error() {
        assert!(matches!(
            Hierarchy::new(2, &[(0, 2)]),
            Err(PositioningError::NodeOutOfRange { .. })
        ));
    }
}
