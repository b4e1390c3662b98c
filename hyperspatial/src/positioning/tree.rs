//! The combinatorial construction: the spanning forest of a [`Hierarchy`] laid out
//! top-down in the style of Sarkar's construction.
//!
//! A single root sits at the origin (several roots hang at one edge length around
//! it). Each node sends its children along well-spread directions of its tangent
//! space (see `directions`), away from the direction back to its own parent, at the
//! hyperbolic edge length `edge`; a node with too many children for that length to
//! keep them apart gets a longer one (see [`edge_for`]). Directions live in the
//! orthonormal frame obtained by transporting the origin's frame to the node, so the
//! construction costs `O(d)` per child plus the spreading.

use super::directions::spread;
use super::hierarchy::Hierarchy;
use super::lorentz::{direction_to, exp_into, from_origin_frame, origin, to_origin_frame};
use super::rng::SplitMix64;

/// Stream of the random generator used for the roots (nodes use their own index).
const ROOT_STREAM: u64 = u64::MAX;

/// The edge length that keeps the children of one node at least `edge` apart from
/// each other, given the cosine `cos_min` of the smallest angle between their
/// directions: siblings at length `t` and angle `a` are at distance
/// `arcosh(1 + 2 sinh(t)^2 sin(a / 2)^2)`. Capped at `cap`.
pub(crate) fn edge_for(edge: f64, cos_min: f64, cap: f64) -> f64 {
    let s2 = (0.5 * (1.0 - cos_min)).max(1e-18); // sin(a/2)^2
    // Smallest t >= edge with 2 sinh(t)^2 s2 >= cosh(edge) - 1.
    let need = ((edge.cosh() - 1.0) / (2.0 * s2)).sqrt().asinh();
    need.max(edge).min(cap.max(edge))
}

fn max_cos(pts: &[f64], d: usize) -> f64 {
    let k = pts.len() / d;
    if k < 2 {
        return -1.0;
    }
    if d <= 2 {
        // Equal slots: the angle between neighbours is known.
        let slots = if d == 1 { 2 } else { k + 1 };
        return (std::f64::consts::TAU / slots as f64).cos().min(1.0);
    }
    let mut worst: f64 = -1.0;
    for i in 0..k {
        for j in 0..i {
            let c: f64 = (0..d).map(|t| pts[i * d + t] * pts[j * d + t]).sum();
            worst = worst.max(c);
        }
    }
    worst
}

/// Positions (flat, `dim + 1` coordinates per node) of every node of `h`.
///
/// `edge` is the base edge length; `edge_cap` bounds the lengthening for nodes with
/// many children.
pub(crate) fn combinatorial(
    h: &Hierarchy,
    dim: usize,
    edge: f64,
    edge_cap: f64,
    seed: u64,
) -> Vec<f64> {
    let s = dim + 1;
    let n = h.len();
    let mut pos = vec![0.0; n * s];
    let o = origin(dim);
    let roots: Vec<u32> = h.roots().collect();
    let mut t = vec![0.0; s];
    if roots.len() == 1 {
        pos[roots[0] as usize * s..][..s].copy_from_slice(&o);
    } else {
        let mut rng = SplitMix64::stream(seed, ROOT_STREAM);
        let dirs = spread(roots.len(), dim, None, &mut rng);
        // Lengthen the edge so that even many roots stay apart (capped: 10^5
        // isolated nodes cannot all be far apart without huge radii).
        let len = if roots.len() <= super::directions::REPULSION_MAX {
            edge_for(edge, max_cos(&dirs, dim), edge_cap)
        } else {
            edge
        };
        for (r, w) in roots.iter().zip(dirs.chunks(dim)) {
            from_origin_frame(&o, w, &mut t);
            t.iter_mut().for_each(|v| *v *= len);
            exp_into(&o, &t, &mut pos[*r as usize * s..][..s]);
        }
    }
    let mut queue: std::collections::VecDeque<u32> = roots.iter().copied().collect();
    let mut back_t = vec![0.0; s];
    let mut back_w = vec![0.0; dim];
    let mut x = vec![0.0; s];
    while let Some(p) = queue.pop_front() {
        let p = p as usize;
        let kids = h.tree_children(p);
        if kids.is_empty() {
            continue;
        }
        x.copy_from_slice(&pos[p * s..][..s]);
        let back = match h.tree_parent(p) {
            Some(q) => Some(&pos[q as usize * s..][..s]),
            None if roots.len() > 1 => Some(&o[..]),
            None => None,
        };
        let avoid = back.map(|y| {
            direction_to(&x, y, &mut back_t);
            to_origin_frame(&x, &back_t, &mut back_w);
            &back_w[..]
        });
        let mut rng = SplitMix64::stream(seed, p as u64);
        let dirs = spread(kids.len(), dim, avoid, &mut rng);
        let len = if kids.len() <= super::directions::REPULSION_MAX {
            edge_for(edge, max_cos(&dirs, dim), edge_cap)
        } else {
            edge_cap.max(edge)
        };
        for (c, w) in kids.iter().zip(dirs.chunks(dim)) {
            from_origin_frame(&x, w, &mut t);
            t.iter_mut().for_each(|v| *v *= len);
            exp_into(&x, &t, &mut pos[*c as usize * s..][..s]);
            queue.push_back(*c);
        }
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::positioning::lorentz::dist;

    #[test]
    fn children_sit_at_the_edge_length_and_apart() {
        // 0 -> 1..=5, 1 -> 6, 7
        let edges: Vec<(u32, u32)> = (1..=5).map(|c| (0, c)).chain([(1, 6), (1, 7)]).collect();
        let h = Hierarchy::new(8, &edges).unwrap();
        let dim = 3;
        let pos = combinatorial(&h, dim, 1.0, 8.0, 9);
        let p = |i: usize| &pos[i * (dim + 1)..(i + 1) * (dim + 1)];
        for c in 1..=5 {
            assert!((dist(p(0), p(c)) - 1.0).abs() < 1e-9);
        }
        for a in 1..=5 {
            for b in 1..a {
                assert!(dist(p(a), p(b)) >= 1.0 - 1e-9);
            }
        }
        assert!((dist(p(1), p(6)) - 1.0).abs() < 1e-9);
        assert!(dist(p(6), p(7)) >= 1.0 - 1e-9);
        // A grandchild is farther from the root than its parent.
        assert!(dist(p(0), p(6)) > dist(p(0), p(1)));
    }

    #[test]
    fn edge_for_separates_crowded_siblings() {
        let t = edge_for(1.0, 0.99, 20.0);
        let a = 0.99f64.acos();
        let d = (1.0 + 2.0 * t.sinh().powi(2) * (a / 2.0).sin().powi(2)).acosh();
        assert!(t > 1.0 && (d - 1.0).abs() < 1e-9, "{t} {d}");
        assert_eq!(edge_for(1.0, 0.0, 20.0), 1.0);
    }
}
