//! Reconstruction quality of an embedding, in the protocol of Nickel and Kiela
//! ("Poincare Embeddings for Learning Hierarchical Representations", 2017).
//!
//! For every node `u` with a non-empty neighbour set `N(u)` (for a hierarchy: its
//! ancestors in the transitive closure, as in the authors' evaluation code), each
//! true neighbour `v` is ranked by distance among `v` itself and all nodes that are
//! neither `u` nor in `N(u)`:
//!
//! - `rank(u, v) = 1 + #{q not in N(u), q != u : d(u, q) <= d(u, v)}`;
//! - the average precision of `u` is the mean over `v in N(u)` of
//!   `#{w in N(u) : d(u, w) <= d(u, v)} / #{q != u : d(u, q) <= d(u, v)}`
//!   (scikit-learn's `average_precision_score` on `-d`, ties counted against us);
//! - mean rank averages `rank` over all pairs `(u, v)`, MAP averages the average
//!   precision over the nodes `u`.
//!
//! Ties count against the embedding, so collapsing points never helps.
//!
//! Distances are never computed: for a fixed `u` the distance is increasing in
//! `|p_u - p_q|^2 (1 + x0_q) / 2`, the squared Euclidean distance of the Poincare
//! images scaled by the conformal factor of `q`, which stays accurate in f64 for
//! points far from the origin (no cancellation of large hyperboloid coordinates). The
//! `n^2 d` work runs on all threads, tiled for the caches, and vectorises.

use super::PositioningError;
use rayon::prelude::*;

/// Reconstruction figures of an embedding.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reconstruction {
    /// Mean over all (node, neighbour) pairs of the rank of the neighbour (1 is best).
    pub mean_rank: f64,
    /// Mean over nodes of the average precision of their neighbours (1 is best).
    pub map: f64,
    /// Nodes that had at least one neighbour and were evaluated.
    pub nodes: usize,
    /// (node, neighbour) pairs ranked.
    pub pairs: usize,
}

/// Nodes per tile: their keys are computed together against a slice of all nodes.
const TILE_U: usize = 8;
/// Nodes per slice of the tile.
const TILE_Q: usize = 512;

/// Evaluates `positions` (hyperboloid points, `d + 1` coordinates each) against
/// `neighbours[u]`, the true neighbours of each node (ids into `positions`; `u`
/// itself and duplicates are ignored).
///
/// Errors: mismatched lengths, points off the hyperboloid or non-finite, neighbour
/// ids out of range, no node with a neighbour.
pub fn reconstruction(
    positions: &[Vec<f64>],
    neighbours: &[Vec<u32>],
) -> Result<Reconstruction, PositioningError> {
    let n = positions.len();
    if neighbours.len() != n {
        return Err(PositioningError::DimensionMismatch {
            expected: n,
            got: neighbours.len(),
        });
    }
    let s = positions
        .first()
        .ok_or(PositioningError::Empty("positions"))?
        .len();
    if s < 2 {
        return Err(PositioningError::ZeroDimension);
    }
    let d = s - 1;
    // Structure of arrays: coordinate i of every node's Poincare image, and the
    // conformal weights (1 + x0) / 2.
    let mut coords = vec![0.0; d * n];
    let mut weight = vec![0.0; n];
    for (q, x) in positions.iter().enumerate() {
        if x.len() != s {
            return Err(PositioningError::DimensionMismatch {
                expected: s,
                got: x.len(),
            });
        }
        if !super::lorentz::on_hyperboloid(x, 1e-6) {
            return Err(PositioningError::NotOnHyperboloid(super::lorentz::mdot(
                x, x,
            )));
        }
        for i in 0..d {
            coords[i * n + q] = x[i + 1] / (1.0 + x[0]);
        }
        weight[q] = 0.5 * (1.0 + x[0]);
    }
    let mut lists: Vec<(u32, Vec<u32>)> = Vec::new();
    for (u, nb) in neighbours.iter().enumerate() {
        let mut l: Vec<u32> = Vec::with_capacity(nb.len());
        for &v in nb {
            if v as usize >= n {
                return Err(PositioningError::NeighbourOutOfRange {
                    node: u,
                    neighbour: v,
                    n_nodes: n,
                });
            }
            if v as usize != u {
                l.push(v);
            }
        }
        l.sort_unstable();
        l.dedup();
        if !l.is_empty() {
            lists.push((u as u32, l));
        }
    }
    if lists.is_empty() {
        return Err(PositioningError::Empty("neighbour lists"));
    }
    let space = Space {
        n,
        d,
        coords: &coords,
        weight: &weight,
    };
    let (rank_sum, pairs, ap_sum) = lists
        .par_chunks(TILE_U)
        .map_init(
            || vec![0.0; TILE_U * n],
            |keys, tile| {
                space.keys(tile, keys);
                let mut acc = (0.0, 0usize, 0.0);
                for (t, (u, nb)) in tile.iter().enumerate() {
                    let (r, ap) = rank_one(&keys[t * n..(t + 1) * n], *u as usize, nb);
                    acc.0 += r;
                    acc.1 += nb.len();
                    acc.2 += ap;
                }
                acc
            },
        )
        .reduce(|| (0.0, 0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2));
    Ok(Reconstruction {
        mean_rank: rank_sum / pairs as f64,
        map: ap_sum / lists.len() as f64,
        nodes: lists.len(),
        pairs,
    })
}

/// The Poincare images in structure-of-arrays layout.
struct Space<'a> {
    n: usize,
    d: usize,
    coords: &'a [f64],
    weight: &'a [f64],
}

impl Space<'_> {
    /// Fills `keys[t * n + q]` with the key of node `q` seen from the `t`-th node of
    /// `tile`.
    fn keys(&self, tile: &[(u32, Vec<u32>)], keys: &mut [f64]) {
        let n = self.n;
        for q0 in (0..n).step_by(TILE_Q) {
            let q1 = (q0 + TILE_Q).min(n);
            for (t, (u, _)) in tile.iter().enumerate() {
                let out = &mut keys[t * n + q0..t * n + q1];
                out.iter_mut().for_each(|k| *k = 0.0);
                for i in 0..self.d {
                    let col = &self.coords[i * n..(i + 1) * n];
                    let pu = col[*u as usize];
                    for (k, c) in out.iter_mut().zip(&col[q0..q1]) {
                        let diff = c - pu;
                        *k += diff * diff;
                    }
                }
                for (k, w) in out.iter_mut().zip(&self.weight[q0..q1]) {
                    *k *= w;
                }
            }
        }
    }
}

/// Sum of ranks and average precision of node `u` given the keys of all nodes.
fn rank_one(keys: &[f64], u: usize, nb: &[u32]) -> (f64, f64) {
    let mut nk: Vec<f64> = nb.iter().map(|&v| keys[v as usize]).collect();
    nk.sort_unstable_by(f64::total_cmp);
    let max = nk[nk.len() - 1];
    // below[j]: nodes q != u (neighbours included) whose key falls in
    // (nk[j - 1], nk[j]] (or <= nk[0] for j = 0).
    let mut below = vec![0usize; nk.len()];
    for (q, &k) in keys.iter().enumerate() {
        if k <= max && q != u {
            below[nk.partition_point(|&x| x < k)] += 1;
        }
    }
    let (mut rank_sum, mut ap_sum) = (0.0, 0.0);
    let mut all_le = 0usize;
    let mut j = 0;
    while j < nk.len() {
        // Neighbours tied at nk[j] share the same counts.
        let mut e = j;
        while e + 1 < nk.len() && nk[e + 1] == nk[j] {
            e += 1;
        }
        for b in &below[j..=e] {
            all_le += b;
        }
        let nb_le = e + 1;
        let non_nb_le = all_le - nb_le;
        let group = (e + 1 - j) as f64;
        rank_sum += group * (1 + non_nb_le) as f64;
        ap_sum += group * nb_le as f64 / all_le as f64;
        j = e + 1;
    }
    (rank_sum, ap_sum / nk.len() as f64)
}
