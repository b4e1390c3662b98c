//! The cone construction: every node at a radius set by the size of its subtree,
//! in a direction inside the cone of its parent.
//!
//! For `N` nodes, a node whose spanning subtree holds `m` nodes sits at hyperbolic
//! radius `R = c ln(N / m)` (the root at the origin, leaves at `c ln N`), and its
//! subtree's directions fill a cone of half-angle `A (m / N)^(c / 2)`, i.e.
//! `A e^(-R / 2)`, nested inside its parent's cone. Seen from a node `u`, the
//! distance to another node `x` is about `R(u) + R(x) - 2 (u|x)`, where the Gromov
//! product `(u|x)` is where their rays part: about `R(l) / 2` for `x` in another
//! branch below their lowest common ancestor `l`, and at least `R(a) / 2` for an
//! ancestor `a` (whose cone contains `u`). So every ancestor sits at about `R(u)`
//! and every other node at about `R(u) + R(x) - R(l) > R(u)`: ancestors rank first,
//! by a margin `R(x) - R(l) = c ln(m_l / m_x)` that is large exactly where a
//! mistake would be shared by many nodes (large subtrees split into smaller ones).
//! The radius needed grows with `ln N`, not with the depth of the hierarchy.
//!
//! Children are spread over their parent's cone: whole-sphere directions around
//! the origin; otherwise well-spread tangent directions (see `directions`) at the
//! angle that puts each child's cone against the rim of its parent's (for `d = 2`,
//! consecutive arcs). A child's cone is narrowed when siblings would overlap it.
//! `c` is lowered, if needed, so that the leaves stay within `max_radius`.

use super::directions::{REPULSION_MAX, spread};
use super::hierarchy::Hierarchy;
use crate::rng::SplitMix64;

/// Cone half-angle of a subtree holding all nodes (the constant `A`).
const FULL_CONE: f64 = std::f64::consts::FRAC_PI_2;

/// Settings of the construction.
#[derive(Debug, Clone)]
pub(crate) struct ConeParams {
    pub dim: usize,
    /// The `c` of the steps `c ln(m_parent / m_child)`.
    pub scale: f64,
    /// Smallest radial step between a node and its children.
    pub min_step: f64,
    pub max_radius: f64,
    pub seed: u64,
}

/// Spanning-subtree sizes.
fn subtree_sizes(h: &Hierarchy) -> Vec<f64> {
    let mut size = vec![1.0; h.len()];
    for &u in h.topological_order().iter().rev() {
        if let Some(p) = h.tree_parent(u as usize) {
            size[p as usize] += size[u as usize];
        }
    }
    size
}

/// `w` rotated from the tangent space at `e_0` to the tangent space at the unit
/// vector `t` by the Householder reflection that swaps `e_0` and `t`: an
/// orthonormal frame of `t`'s orthogonal complement, applied to `(0, u)`.
fn frame_apply(t: &[f64], u: &[f64], out: &mut [f64]) {
    // v = t - e0 (or t + e0 when t is close to e0, for stability; then the map
    // sends e0 to -t, which still spans the same complement).
    let sign = if t[0] > 0.0 { -1.0 } else { 1.0 };
    let mut vv = 0.0;
    let mut vu = 0.0;
    for i in 0..t.len() {
        let vi = t[i] + if i == 0 { sign } else { 0.0 };
        vv += vi * vi;
        if i > 0 {
            vu += vi * u[i - 1];
        }
    }
    let k = if vv > 0.0 { 2.0 * vu / vv } else { 0.0 };
    for i in 0..t.len() {
        let vi = t[i] + if i == 0 { sign } else { 0.0 };
        let ui = if i == 0 { 0.0 } else { u[i - 1] };
        out[i] = ui - k * vi;
    }
}

/// Positions (flat, `dim + 1` coordinates per node) of every node of `h`.
pub(crate) fn cone_layout(h: &Hierarchy, p: &ConeParams) -> Vec<f64> {
    let n = h.len();
    let d = p.dim;
    let s = d + 1;
    let mut pos = vec![0.0; n * s];
    if n == 0 {
        return pos;
    }
    let size = subtree_sizes(h);
    let total = n as f64;
    let roots: Vec<u32> = h.roots().collect();
    // Radial steps: from the origin to its children, and from each node to its
    // children, `max(min_step, c ln(m_parent / m_child))`; all lowered together if
    // the farthest node would pass `max_radius`.
    let mut rad = vec![0.0; n];
    let single_root = (roots.len() == 1).then_some(roots[0] as usize);
    for &u in h.topological_order() {
        let u = u as usize;
        let (base, parent_size) = match h.tree_parent(u) {
            Some(q) => (rad[q as usize], size[q as usize]),
            None => (0.0, total),
        };
        rad[u] = if Some(u) == single_root {
            0.0
        } else {
            base + (p.scale * (parent_size / size[u]).ln()).max(p.min_step)
        };
    }
    let far = rad.iter().copied().fold(0.0, f64::max);
    if far > p.max_radius {
        let f = p.max_radius / far;
        rad.iter_mut().for_each(|r| *r *= f);
    }
    // Cones shrink by e^(-step / 2) per step.
    let cone_below = |parent_alpha: f64, step: f64| parent_alpha * (-0.5 * step).exp();
    // Direction and cone of every placed node; the origin node has no direction.
    let mut dir = vec![0.0; n * d];
    let mut alpha = vec![0.0; n];
    let mut queue: std::collections::VecDeque<u32> = std::collections::VecDeque::new();
    // Children of the origin: the single root's children, or all roots.
    let origin_kids: Vec<u32> = match single_root {
        Some(r) => {
            pos[r * s] = 1.0;
            h.tree_children(r).to_vec()
        }
        None => roots.clone(),
    };
    let mut rng = SplitMix64::stream(p.seed, u64::MAX);
    let dirs = spread(origin_kids.len(), d, None, &mut rng);
    let caps = separation_caps(&dirs, d, |i| {
        cone_below(FULL_CONE, rad[origin_kids[i] as usize])
    });
    for (i, &k) in origin_kids.iter().enumerate() {
        let k = k as usize;
        dir[k * d..(k + 1) * d].copy_from_slice(&dirs[i * d..(i + 1) * d]);
        alpha[k] = caps[i];
        queue.push_back(k as u32);
    }
    let mut w = vec![0.0; d];
    while let Some(l) = queue.pop_front() {
        let l = l as usize;
        let theta: Vec<f64> = dir[l * d..(l + 1) * d].to_vec();
        place(&mut pos[l * s..(l + 1) * s], &theta, rad[l]);
        let mut kids: Vec<u32> = h.tree_children(l).to_vec();
        if kids.is_empty() {
            continue;
        }
        kids.sort_by(|a, b| {
            size[*b as usize]
                .total_cmp(&size[*a as usize])
                .then(a.cmp(b))
        });
        let a_l = alpha[l];
        let want: Vec<f64> = kids
            .iter()
            .map(|&k| cone_below(a_l, rad[k as usize] - rad[l]))
            .collect();
        // Offsets (angle from theta, unit tangent direction in R^(d-1)) and the
        // resulting cone half-angles.
        let (angles, units, betas) =
            child_offsets(a_l, &want, d, &mut SplitMix64::stream(p.seed, l as u64));
        for (i, &k) in kids.iter().enumerate() {
            let k = k as usize;
            let out = &mut dir[k * d..(k + 1) * d];
            if d == 1 {
                out.copy_from_slice(&theta);
            } else {
                frame_apply(&theta, &units[i * (d - 1)..(i + 1) * (d - 1)], &mut w);
                let (sn, cs) = angles[i].sin_cos();
                for j in 0..d {
                    out[j] = cs * theta[j] + sn * w[j];
                }
                let norm = out.iter().map(|v| v * v).sum::<f64>().sqrt();
                out.iter_mut().for_each(|v| *v /= norm);
            }
            alpha[k] = betas[i];
            queue.push_back(k as u32);
        }
    }
    pos
}

/// `(cosh R, sinh R theta)`.
fn place(out: &mut [f64], theta: &[f64], r: f64) {
    out[0] = r.cosh();
    let sh = r.sinh();
    for (o, t) in out[1..].iter_mut().zip(theta) {
        *o = sh * t;
    }
}

/// For unit directions `dirs` around the origin, each cone half-angle capped at
/// half the angle to the nearest other direction.
fn separation_caps(dirs: &[f64], d: usize, want: impl Fn(usize) -> f64) -> Vec<f64> {
    let k = dirs.len() / d;
    (0..k)
        .map(|i| {
            let mut cap = want(i);
            if k <= REPULSION_MAX {
                for j in 0..k {
                    if j != i {
                        let dot: f64 = (0..d).map(|t| dirs[i * d + t] * dirs[j * d + t]).sum();
                        cap = cap.min(0.5 * dot.clamp(-1.0, 1.0).acos());
                    }
                }
            }
            cap
        })
        .collect()
}

/// How far a child's cone keeps clear of its parent's axis, in units of the
/// child's half-angle: a descendant at angle `phi` from the axis of a node `u` is
/// farther from `u` than `u`'s root (at distance `R(u)`) only if
/// `phi >= 2 e^(-R(desc) / 2)`, which for a child is `(2 / A) beta = 1.27 beta`.
const AXIS_CLEARANCE: f64 = 2.0 / FULL_CONE;

/// Offsets of children inside a cone of half-angle `a` with wanted cone
/// half-angles `want` (sorted, largest first): the angle from the cone's axis, a
/// unit vector of `R^(d-1)` (flat, `k (d - 1)` values), and the granted half-angle.
/// In two dimensions cones keep [`AXIS_CLEARANCE`] off the axis, where the parent
/// sits.
fn child_offsets(
    a: f64,
    want: &[f64],
    d: usize,
    rng: &mut SplitMix64,
) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let k = want.len();
    match d {
        1 => (vec![0.0; k], Vec::new(), want.to_vec()),
        2 => {
            // Arcs on both sides of a hole around the axis, alternating sides by
            // size, shrunk to fit, with equal gaps on each side.
            let hole = AXIS_CLEARANCE * want.iter().copied().fold(0.0, f64::max);
            let side_len = (a - hole.min(0.5 * a)).max(0.0);
            let mut betas = want.to_vec();
            let sides: [Vec<usize>; 2] = [(0..k).step_by(2).collect(), (1..k).step_by(2).collect()];
            let mut angles = vec![0.0; k];
            let mut units = vec![1.0; k];
            for (side, ids) in sides.iter().enumerate() {
                let total: f64 = ids.iter().map(|&i| 2.0 * want[i]).sum();
                let shrink = if total > side_len {
                    side_len / total
                } else {
                    1.0
                };
                let used: f64 = ids.iter().map(|&i| 2.0 * want[i] * shrink).sum();
                let gap = (side_len - used) / (ids.len() as f64 + 1.0);
                let mut at = a - side_len + gap;
                for &i in ids {
                    betas[i] = want[i] * shrink;
                    angles[i] = at + betas[i];
                    units[i] = if side == 0 { 1.0 } else { -1.0 };
                    at += 2.0 * betas[i] + gap;
                }
            }
            (angles, units, betas)
        }
        _ => {
            let units = spread(k, d - 1, None, rng);
            // Against the rim, which keeps all but dominant children (whose cones
            // nearly fill their parent's) clear of the axis. Narrowing a dominant
            // child's cone to clear the axis costs more than it gains (measured on
            // WordNet), so it is not done.
            let angles: Vec<f64> = want.iter().map(|b| (a - b).max(0.0)).collect();
            // Flat approximation of the cone cross-section: child i's centre at
            // angles[i] * units[i]; cap each cone at half the distance to the
            // nearest sibling centre.
            let e = d - 1;
            let mut betas = want.to_vec();
            if k > 1 && k <= REPULSION_MAX {
                for i in 0..k {
                    for j in 0..k {
                        if i != j {
                            let dist2: f64 = (0..e)
                                .map(|t| {
                                    let x =
                                        angles[i] * units[i * e + t] - angles[j] * units[j * e + t];
                                    x * x
                                })
                                .sum();
                            betas[i] = betas[i].min(0.5 * dist2.sqrt());
                        }
                    }
                }
            }
            (angles, units, betas)
        }
    }
}
