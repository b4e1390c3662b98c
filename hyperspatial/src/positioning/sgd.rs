//! Riemannian SGD on the hyperboloid with the ranking loss of Nickel and Kiela
//! ("Learning Continuous Hierarchies in the Lorentz Model of Hyperbolic Geometry",
//! 2018): for a related pair `(u, v)` and negatives `v'_1..v'_k` (nodes not related
//! to `u`), minimise `-log(e^-d(u,v) / (e^-d(u,v) + sum_j e^-d(u,v'_j)))`.
//!
//! The Riemannian gradient of `d(x, y)` at `x` is the unit tangent vector
//! `(alpha x - y) / sqrt(alpha^2 - 1)` with `alpha = -<x, y>_L`; a step moves a point
//! by the exponential map. Updates are synchronous mini-batches so that the result
//! is deterministic for a given seed and chunk count: each batch is split into
//! `chunks` slices computed in parallel against the same positions, each slice
//! accumulating its gradients in its own dense buffer; the buffers are then summed in
//! slice order and every touched point takes one step (its length capped at
//! `max_step`).

use super::lorentz::{exp_into, mdot, tangent_norm_sq};
use crate::rng::SplitMix64;
use rayon::prelude::*;

/// Settings of one refinement run.
#[derive(Debug, Clone)]
pub(crate) struct SgdParams {
    pub epochs: usize,
    /// Number of the first epoch (seeds the shuffles and negatives).
    pub first_epoch: usize,
    pub learning_rate: f64,
    pub negatives: usize,
    pub batch: usize,
    pub chunks: usize,
    pub seed: u64,
    pub max_step: f64,
    /// Points are pulled back inside this hyperbolic radius after each step.
    pub max_radius: f64,
    /// No epoch starts after this instant (the first always runs).
    pub deadline: Option<std::time::Instant>,
}

/// The related nodes of every node: the positives `(u, v)` for `v` in `of(u)`, and
/// the nodes never drawn as negatives of `u`.
pub(crate) trait Relation: Sync {
    /// The nodes related to `u`, sorted.
    fn of(&self, u: usize) -> &[u32];

    /// Whether `v` is related to `u`.
    #[inline]
    fn related(&self, u: u32, v: u32) -> bool {
        self.of(u as usize).binary_search(&v).is_ok()
    }
}

/// A dense gradient buffer plus the list of rows it touched.
struct Acc {
    grad: Vec<f64>,
    mark: Vec<bool>,
    touched: Vec<u32>,
}

impl Acc {
    fn new(n: usize, s: usize) -> Self {
        Acc {
            grad: vec![0.0; n * s],
            mark: vec![false; n],
            touched: Vec::new(),
        }
    }

    #[inline]
    fn add(&mut self, node: u32, s: usize, k: f64, v: &[f64]) {
        let i = node as usize;
        if !self.mark[i] {
            self.mark[i] = true;
            self.touched.push(node);
        }
        for (g, x) in self.grad[i * s..(i + 1) * s].iter_mut().zip(v) {
            *g += k * x;
        }
    }
}

/// Most negatives per pair.
pub(crate) const MAX_NEGATIVES: usize = 127;

/// Nodes drawn per batch as the pool its negatives come from.
const POOL: usize = 2048;

/// Per-slice state: the dense accumulator and the gradients of the pool's rows.
struct Slice {
    acc: Acc,
    slot: [usize; MAX_NEGATIVES + 1],
    alpha: [f64; MAX_NEGATIVES + 1],
    weight: [f64; MAX_NEGATIVES + 1],
    pool_grad: Vec<f64>,
    pool_used: Vec<bool>,
    scratch: Vec<f64>,
}

/// Runs the refinement in place on `pos` (flat, `s = dim + 1` coordinates per node).
///
/// Batches gather whole nodes: a shuffled run of nodes with all their related pairs,
/// until `batch` pairs are collected, so a node's row and related list are read once
/// per batch rather than once per pair. Negatives are drawn from a pool of nodes
/// sampled afresh for every batch (uniform, with replacement) and copied next to each
/// other, so a pair's negatives sit in cache instead of at random places of a large
/// table; each negative is still a uniform draw.
pub(crate) fn refine<R: Relation>(pos: &mut [f64], s: usize, relation: &R, p: &SgdParams) {
    let n = pos.len() / s;
    let mut order: Vec<u32> = (0..n as u32)
        .filter(|&u| !relation.of(u as usize).is_empty())
        .collect();
    if n < 2 || order.is_empty() || p.epochs == 0 {
        return;
    }
    let chunks = p.chunks.max(1);
    let pool_len = POOL.min(n);
    let mut slices: Vec<Slice> = (0..chunks)
        .map(|_| Slice {
            acc: Acc::new(n, s),
            slot: [0; MAX_NEGATIVES + 1],
            alpha: [0.0; MAX_NEGATIVES + 1],
            weight: [0.0; MAX_NEGATIVES + 1],
            pool_grad: vec![0.0; pool_len * s],
            pool_used: vec![false; pool_len],
            scratch: vec![0.0; 2 * s],
        })
        .collect();
    let mut mark = vec![false; n];
    let mut pool: Vec<u32> = vec![0; pool_len];
    let mut pool_pos: Vec<f64> = vec![0.0; pool_len * s];
    let mut bounds: Vec<usize> = Vec::new();
    for epoch in p.first_epoch..p.first_epoch + p.epochs {
        if epoch > p.first_epoch && p.deadline.is_some_and(|d| std::time::Instant::now() >= d) {
            break;
        }
        let mut epoch_rng = SplitMix64::stream(p.seed, epoch as u64);
        shuffle(&mut order, &mut epoch_rng);
        bounds.clear();
        bounds.push(0);
        let mut pairs = 0;
        for (i, &u) in order.iter().enumerate() {
            pairs += relation.of(u as usize).len();
            if pairs >= p.batch {
                bounds.push(i + 1);
                pairs = 0;
            }
        }
        if bounds.last() != Some(&order.len()) {
            bounds.push(order.len());
        }
        for (b, w) in bounds.windows(2).enumerate() {
            let nodes = &order[w[0]..w[1]];
            for (slot, row) in pool.iter_mut().zip(pool_pos.chunks_mut(s)) {
                *slot = epoch_rng.below(n) as u32;
                row.copy_from_slice(&pos[*slot as usize * s..][..s]);
            }
            let ctx = PairCtx {
                pos,
                s,
                relation,
                negatives: p.negatives,
                pool: &pool,
                pool_pos: &pool_pos,
            };
            let per = nodes.len().div_ceil(chunks);
            slices
                .par_iter_mut()
                .zip(nodes.par_chunks(per))
                .enumerate()
                .for_each(|(c, (slice, part))| {
                    let stream = ((epoch as u64) << 40) ^ ((b as u64) << 8) ^ c as u64;
                    let mut rng = SplitMix64::stream(p.seed ^ 0x5EED, stream);
                    for &u in part {
                        for &v in relation.of(u as usize) {
                            ctx.gradient((u, v), &mut rng, slice);
                        }
                    }
                    // Move the pool's gradients to the rows of their nodes.
                    for (j, used) in slice.pool_used.iter_mut().enumerate() {
                        if std::mem::take(used) {
                            let g = &mut slice.pool_grad[j * s..(j + 1) * s];
                            slice.acc.add(pool[j], s, 1.0, g);
                            g.iter_mut().for_each(|x| *x = 0.0);
                        }
                    }
                });
            for slice in &slices {
                for &t in &slice.acc.touched {
                    mark[t as usize] = true;
                }
            }
            // Every touched row takes one step, summing the slices in order.
            let slices_ref = &slices;
            pos.par_chunks_mut(s)
                .zip(mark.par_iter_mut())
                .enumerate()
                .with_min_len(1024)
                .for_each_init(
                    || vec![0.0; 2 * s],
                    |buf, (t, (row, m))| {
                        if !std::mem::take(m) {
                            return;
                        }
                        let (g, x) = buf.split_at_mut(s);
                        g.iter_mut().for_each(|v| *v = 0.0);
                        for slice in slices_ref {
                            if slice.acc.mark[t] {
                                let a = &slice.acc.grad[t * s..(t + 1) * s];
                                g.iter_mut().zip(a).for_each(|(gi, ai)| *gi += ai);
                            }
                        }
                        x.copy_from_slice(row);
                        step(x, g, p, row);
                    },
                );
            slices.par_iter_mut().for_each(|slice| {
                let acc = &mut slice.acc;
                for &t in &acc.touched {
                    let t = t as usize;
                    acc.mark[t] = false;
                    acc.grad[t * s..(t + 1) * s]
                        .iter_mut()
                        .for_each(|x| *x = 0.0);
                }
                acc.touched.clear();
            });
        }
    }
}

/// One Riemannian step from `x` against the accumulated Euclidean-form gradient `g`
/// (tangent at `x` up to rounding), written into `out`.
fn step(x: &[f64], g: &mut [f64], p: &SgdParams, out: &mut [f64]) {
    // Project onto the tangent space at x: g + <x, g>_L x.
    let k = mdot(x, g);
    for (gi, xi) in g.iter_mut().zip(x) {
        *gi += k * xi;
    }
    let norm = tangent_norm_sq(x, g).sqrt() * p.learning_rate;
    let scale = if norm > p.max_step {
        -p.learning_rate * p.max_step / norm
    } else {
        -p.learning_rate
    };
    g.iter_mut().for_each(|v| *v *= scale);
    exp_into(x, g, out);
    clamp_radius(out, p.max_radius);
}

/// Pulls `x` back along its ray from the origin to hyperbolic radius `r_max`.
pub(crate) fn clamp_radius(x: &mut [f64], r_max: f64) {
    if x[0] > r_max.cosh() {
        let spatial = x[1..].iter().map(|v| v * v).sum::<f64>().sqrt();
        if spatial > 0.0 {
            let k = r_max.sinh() / spatial;
            x[1..].iter_mut().for_each(|v| *v *= k);
            x[0] = r_max.cosh();
        }
    }
}

/// What the gradient of one pair reads.
struct PairCtx<'a, R> {
    pos: &'a [f64],
    s: usize,
    relation: &'a R,
    negatives: usize,
    pool: &'a [u32],
    pool_pos: &'a [f64],
}

impl<R: Relation> PairCtx<'_, R> {
    #[inline]
    fn row(&self, i: u32) -> &[f64] {
        &self.pos[i as usize * self.s..(i as usize + 1) * self.s]
    }

    /// Adds the gradient of the loss of the pair `(u, v)` with negatives drawn from
    /// the pool.
    #[inline]
    fn gradient(&self, (u, v): (u32, u32), rng: &mut SplitMix64, slice: &mut Slice) {
        let s = self.s;
        let k = self.negatives.min(MAX_NEGATIVES);
        // Slot 0 is the positive; slots 1.. are pool indices of the negatives.
        let mut m = 1;
        let mut tries = 0;
        while m <= k && tries < 10 * k.max(1) {
            tries += 1;
            let j = rng.below(self.pool.len());
            let w = self.pool[j];
            if w != u && w != v && !self.relation.related(u, w) {
                slice.slot[m] = j;
                m += 1;
            }
        }
        let xu = self.row(u);
        // Softmax over -d: e^-d = 1 / (alpha + sqrt(alpha^2 - 1)), no log or exp
        // needed (distances stay far below the ~700 where this underflows).
        let mut z = 0.0;
        for j in 0..m {
            let y = self.other(j, v, &slice.slot);
            let a = (-mdot(xu, y)).max(1.0);
            slice.alpha[j] = a;
            slice.weight[j] = 1.0 / (a + (a * a - 1.0).sqrt());
            z += slice.weight[j];
        }
        let Slice {
            acc,
            slot,
            alpha,
            weight,
            pool_grad,
            pool_used,
            scratch,
        } = slice;
        let (gu, tmp) = scratch.split_at_mut(s);
        gu.iter_mut().for_each(|g| *g = 0.0);
        for j in 0..m {
            let prob = weight[j] / z;
            let coeff = if j == 0 { 1.0 - prob } else { -prob };
            let a = alpha[j];
            let root = (a * a - 1.0).sqrt();
            if root < 1e-9 || coeff == 0.0 {
                continue;
            }
            let y = self.other(j, v, slot);
            let c = coeff / root;
            // The gradient of d(x, y) at x is (alpha x - y) / root; symmetric at y.
            for (((g, t), xi), yi) in gu.iter_mut().zip(tmp.iter_mut()).zip(xu).zip(y) {
                *g += c * (a * xi - yi);
                *t = c * (a * yi - xi);
            }
            if j == 0 {
                acc.add(v, s, 1.0, tmp);
            } else {
                let sj = slot[j];
                pool_used[sj] = true;
                let g = &mut pool_grad[sj * s..(sj + 1) * s];
                g.iter_mut().zip(tmp.iter()).for_each(|(a, b)| *a += b);
            }
        }
        acc.add(u, s, 1.0, gu);
    }

    /// Row of slot `j`: the positive `v` for 0, else a pool row.
    #[inline]
    fn other(&self, j: usize, v: u32, slot: &[usize]) -> &[f64] {
        if j == 0 {
            self.row(v)
        } else {
            &self.pool_pos[slot[j] * self.s..(slot[j] + 1) * self.s]
        }
    }
}

/// Fisher-Yates shuffle.
fn shuffle(v: &mut [u32], rng: &mut SplitMix64) {
    for i in (1..v.len()).rev() {
        let j = rng.below(i + 1);
        v.swap(i, j);
    }
}
