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

use super::directions::REPULSION_MAX;
use super::directions::spread;
use super::hierarchy::Hierarchy;
use super::lorentz::{direction_to, exp_into, from_origin_frame, origin, to_origin_frame};
use super::sgd::clamp_radius;
use crate::rng::SplitMix64;

/// Stream of the random generator used for the roots (nodes use their own index).
const ROOT_STREAM: u64 = u64::MAX;

/// The edge length Sarkar's construction needs for children whose directions (and
/// the direction back to the parent) are at least the angle `beta` apart
/// (`cos_min = cos beta`): each child's subtree must stay inside its cone of
/// half-angle `beta / 2` at the parent. Seen from the child, the cone's boundary is
/// a geodesic at distance `h` with `sinh h = sinh t sin(beta / 2)`, and the child's
/// own children (spread at `beta` again) keep clear of it when the angle of
/// parallelism `2 atan(e^-h)` is at most `beta / 2`, i.e. `e^-h <= tan(beta / 4)`.
/// `margin` is added to `h` so that subtrees are not merely disjoint but apart. The
/// result is at least `edge` and at most `cap`.
pub(crate) fn edge_for(edge: f64, cos_min: f64, margin: f64, cap: f64) -> f64 {
    let beta = cos_min.clamp(-1.0, 1.0).acos().max(1e-9);
    let h = -(beta / 4.0).tan().ln() + margin;
    let need = (h.max(0.0).sinh() / (beta / 2.0).sin()).asinh();
    need.max(edge).min(cap.max(edge))
}

/// Cosine of the smallest angle among the unit vectors of `pts` and `avoid`.
fn max_cos(pts: &[f64], d: usize, avoid: Option<&[f64]>) -> f64 {
    let k = pts.len() / d;
    let dot = |a: &[f64], b: &[f64]| -> f64 { a.iter().zip(b).map(|(x, y)| x * y).sum() };
    let mut worst: f64 = -1.0;
    for i in 0..k {
        let pi = &pts[i * d..(i + 1) * d];
        for j in 0..i {
            worst = worst.max(dot(pi, &pts[j * d..(j + 1) * d]));
        }
        if let Some(b) = avoid {
            worst = worst.max(dot(pi, b));
        }
    }
    worst
}

/// Settings of the construction.
#[derive(Debug, Clone)]
pub(crate) struct TreeParams {
    pub dim: usize,
    /// Base edge length.
    pub edge: f64,
    /// Upper bound of the lengthened edges.
    pub edge_cap: f64,
    /// Extra distance between sibling subtrees (see [`edge_for`]); `None` keeps
    /// every edge at `edge`.
    pub margin: Option<f64>,
    /// No point is placed farther than this from the origin.
    pub max_radius: f64,
    pub seed: u64,
}

/// Positions (flat, `dim + 1` coordinates per node) of every node of `h`.
pub(crate) fn combinatorial(h: &Hierarchy, p: &TreeParams) -> Vec<f64> {
    let dim = p.dim;
    let s = dim + 1;
    let n = h.len();
    let mut pos = vec![0.0; n * s];
    let o = origin(dim);
    let roots: Vec<u32> = h.roots().collect();
    let length = |dirs: &[f64], avoid: Option<&[f64]>| match p.margin {
        None => p.edge,
        Some(_) if dirs.len() / dim > REPULSION_MAX => p.edge_cap.max(p.edge),
        Some(m) => edge_for(p.edge, max_cos(dirs, dim, avoid), m, p.edge_cap),
    };
    let mut t = vec![0.0; s];
    if roots.len() == 1 {
        pos[roots[0] as usize * s..][..s].copy_from_slice(&o);
    } else {
        let mut rng = SplitMix64::stream(p.seed, ROOT_STREAM);
        let dirs = spread(roots.len(), dim, None, &mut rng);
        let len = length(&dirs, None);
        for (r, w) in roots.iter().zip(dirs.chunks(dim)) {
            from_origin_frame(&o, w, &mut t);
            t.iter_mut().for_each(|v| *v *= len);
            let x = &mut pos[*r as usize * s..][..s];
            exp_into(&o, &t, x);
            clamp_radius(x, p.max_radius);
        }
    }
    let mut queue: std::collections::VecDeque<u32> = roots.iter().copied().collect();
    let mut back_t = vec![0.0; s];
    let mut back_w = vec![0.0; dim];
    let mut x = vec![0.0; s];
    while let Some(u) = queue.pop_front() {
        let u = u as usize;
        let kids = h.tree_children(u);
        if kids.is_empty() {
            continue;
        }
        x.copy_from_slice(&pos[u * s..][..s]);
        let back = match h.tree_parent(u) {
            Some(q) => Some(&pos[q as usize * s..][..s]),
            None if roots.len() > 1 => Some(&o[..]),
            None => None,
        };
        let avoid = back.and_then(|y| {
            direction_to(&x, y, &mut back_t);
            to_origin_frame(&x, &back_t, &mut back_w);
            // A parent clamped onto its child gives no direction.
            back_w.iter().any(|v| *v != 0.0).then_some(&back_w[..])
        });
        let mut rng = SplitMix64::stream(p.seed, u as u64);
        let dirs = spread(kids.len(), dim, avoid, &mut rng);
        let len = length(&dirs, avoid);
        for (c, w) in kids.iter().zip(dirs.chunks(dim)) {
            from_origin_frame(&x, w, &mut t);
            t.iter_mut().for_each(|v| *v *= len);
            let y = &mut pos[*c as usize * s..][..s];
            exp_into(&x, &t, y);
            clamp_radius(y, p.max_radius);
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
        let pos = combinatorial(
            &h,
            &TreeParams {
                dim,
                edge: 1.0,
                edge_cap: 8.0,
                margin: Some(0.0),
                max_radius: 30.0,
                seed: 9,
            },
        );
        let p = |i: usize| &pos[i * (dim + 1)..(i + 1) * (dim + 1)];
        let len = dist(p(0), p(1));
        assert!(len >= 1.0);
        for c in 1..=5 {
            assert!((dist(p(0), p(c)) - len).abs() < 1e-9);
        }
        for a in 1..=5 {
            for b in 1..a {
                assert!(dist(p(a), p(b)) >= 1.0 - 1e-9);
            }
        }
        assert!(dist(p(1), p(6)) >= 1.0);
        assert!(dist(p(6), p(7)) >= 1.0 - 1e-9);
        // A grandchild is farther from the root than its parent.
        assert!(dist(p(0), p(6)) > dist(p(0), p(1)));
    }

    #[test]
    fn edge_for_keeps_subtrees_in_their_cones() {
        // Children 90 degrees apart need sinh t = sinh(-ln tan(pi/8)) / sin(pi/4).
        let t = edge_for(0.1, 0.0, 0.0, 20.0);
        let h = -(std::f64::consts::PI / 8.0).tan().ln();
        assert!((t.sinh() - h.sinh() / (0.5f64).sqrt()).abs() < 1e-12, "{t}");
        // Crowded children need longer edges; the cap and the floor hold.
        assert!(edge_for(0.1, 0.9, 0.0, 20.0) > t);
        assert_eq!(edge_for(0.1, 0.9999999, 0.0, 5.0), 5.0);
        assert_eq!(edge_for(3.0, 0.0, 0.0, 20.0), 3.0);
    }
}
