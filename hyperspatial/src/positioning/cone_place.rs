//! Incremental placement that keeps the cone construction's guarantees (see `cones`):
//! a new child goes into its parent's cone, a new parent onto its child's ray.
//!
//! In the cone layout a node at radius `R` owns the cone of half-angle
//! `A e^(-R / 2)` around its direction (`A = pi / 2`), and its subtree lies inside
//! it. [`place_in_cone`] places a child like the construction would place a new
//! leaf: at the radius of its farthest sibling (leaves sit farthest out), at least
//! `min_step` beyond its parent, with a cone narrowed by `e^(-step / 2)`, against the
//! rim of the parent's cone, in the tangent direction farthest from its siblings'.
//! Its ancestors' cones then contain it, so they rank ahead of other nodes as in the
//! batch layout. [`place_parent`] puts a parent that arrives after its child on the
//! child's ray, `min_step` closer to the origin, so the child (and its subtree) lies
//! in the parent's cone without moving.

use super::PositioningError;
use crate::rng::SplitMix64;

/// The cone half-angle of a subtree holding every node.
const FULL_CONE: f64 = std::f64::consts::FRAC_PI_2;

/// Smallest radial step from a parent to a child, even at or past
/// [`ConePlacement::max_radius`]: a child never lands on its parent.
const MIN_STEP_NEAR_CEILING: f64 = 1e-3;

/// The radial step from a parent at radius `rp` to a new child: `min_step` while
/// that leaves `min_step` of room below `max_radius`, otherwise half the room left.
fn step_from(rp: f64, o: &ConePlacement) -> f64 {
    let room = o.max_radius - rp;
    if room >= 2.0 * o.min_step {
        o.min_step
    } else {
        (0.5 * room).max(MIN_STEP_NEAR_CEILING)
    }
}

/// Options of [`place_in_cone`] and [`place_parent`].
#[derive(Debug, Clone, PartialEq)]
pub struct ConePlacement {
    /// Smallest radial step between a parent and a child. Default 2: a child then
    /// ranks its ancestors ahead of its siblings and of its ancestors' other children
    /// by a margin of about 1 (the test of this module measures it).
    pub min_step: f64,
    /// Children approach this radius in shrinking steps: a child goes `min_step`
    /// beyond its parent while that leaves `min_step` of room, otherwise half-way to
    /// this radius (at least 0.001, even past it), so a child is always farther out
    /// than its parent and never on it. Default 34: room for two levels at
    /// `min_step` and more in halving steps beyond the leaves of a layout at its
    /// default radius 30 (f64 rounding of Poincare coordinates, estimated, moves a
    /// distance there by about 0.02).
    pub max_radius: f64,
    /// Tangent directions tried per hyperbolic dimension. Default 2.
    pub candidates_per_dim: usize,
    /// Seed of the candidate directions (mixed with each call's key).
    pub seed: u64,
}

impl Default for ConePlacement {
    fn default() -> Self {
        ConePlacement {
            min_step: 2.0,
            max_radius: 34.0,
            candidates_per_dim: 2,
            seed: 0xC0_4E5,
        }
    }
}

/// Radius and unit direction of hyperboloid coordinates `x` (direction `None` at
/// the origin). The radius comes from the spatial part, `asinh |x_1..|`, which is
/// accurate near the origin too.
fn polar(x: &[f64]) -> (f64, Option<Vec<f64>>) {
    let norm = x[1..].iter().map(|v| v * v).sum::<f64>().sqrt();
    let r = norm.asinh();
    if norm > 0.0 && norm.is_finite() {
        (r, Some(x[1..].iter().map(|v| v / norm).collect()))
    } else {
        (r, None)
    }
}

/// `(cosh r, sinh r u)`.
fn point(r: f64, u: &[f64]) -> Vec<f64> {
    let sh = r.sinh();
    std::iter::once(r.cosh())
        .chain(u.iter().map(|v| sh * v))
        .collect()
}

fn check(x: &[f64], s: usize) -> Result<(), PositioningError> {
    if x.len() != s {
        return Err(PositioningError::DimensionMismatch {
            expected: s,
            got: x.len(),
        });
    }
    if !x.iter().all(|v| v.is_finite()) {
        return Err(PositioningError::NonFinite("point"));
    }
    Ok(())
}

fn check_options(o: &ConePlacement) -> Result<(), PositioningError> {
    if !(o.min_step.is_finite() && o.min_step > 0.0) {
        return Err(PositioningError::InvalidOption {
            name: "min_step",
            reason: "must be finite and positive",
        });
    }
    if !(o.max_radius.is_finite() && o.max_radius > 0.0) {
        return Err(PositioningError::InvalidOption {
            name: "max_radius",
            reason: "must be finite and positive",
        });
    }
    Ok(())
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn normalize(v: &mut [f64]) -> bool {
    let n = dot(v, v).sqrt();
    if n > 1e-300 && n.is_finite() {
        v.iter_mut().for_each(|x| *x /= n);
        true
    } else {
        false
    }
}

/// A position for a new child of the node at `parent` whose other children are at
/// `siblings` (hyperboloid coordinates, curvature -1), by the cone rule of the module
/// docs. `key` (e.g. the child's id) picks the candidate directions, so a placement
/// is a function of its inputs.
///
/// Errors: points of different dimensions or non-finite, invalid options.
pub fn place_in_cone(
    parent: &[f64],
    siblings: &[&[f64]],
    key: u64,
    o: &ConePlacement,
) -> Result<Vec<f64>, PositioningError> {
    place(parent, siblings, key, false, o)
}

/// Like [`place_in_cone`], for the root of a subtree that moves under `parent`:
/// `min_step` beyond the parent whatever its siblings' radii (a subtree reaches
/// farther out than a leaf, and should not start at the leaves' radius).
///
/// Errors: as [`place_in_cone`].
pub fn place_subtree_root(
    parent: &[f64],
    siblings: &[&[f64]],
    key: u64,
    o: &ConePlacement,
) -> Result<Vec<f64>, PositioningError> {
    place(parent, siblings, key, true, o)
}

fn place(
    parent: &[f64],
    siblings: &[&[f64]],
    key: u64,
    near: bool,
    o: &ConePlacement,
) -> Result<Vec<f64>, PositioningError> {
    check_options(o)?;
    let s = parent.len();
    if s < 2 {
        return Err(PositioningError::ZeroDimension);
    }
    check(parent, s)?;
    for q in siblings {
        check(q, s)?;
    }
    let d = s - 1;
    let (rp, axis) = polar(parent);
    let sibs: Vec<(f64, Vec<f64>)> = siblings
        .iter()
        .filter_map(|q| match polar(q) {
            (r, Some(u)) => Some((r, u)),
            _ => None,
        })
        .collect();
    let far = if near {
        0.0
    } else {
        sibs.iter().map(|(r, _)| *r).fold(0.0, f64::max)
    };
    let near_parent = rp + step_from(rp, o);
    let rc = near_parent.max(far.min(o.max_radius));
    let mut rng = SplitMix64::stream(o.seed, key);
    let tries = (o.candidates_per_dim.max(1) * d).max(4);
    let Some(axis) = axis else {
        // The parent is the origin: its cone is the whole sphere; the child goes in
        // the direction farthest (in angle) from its siblings'.
        let mut best: Option<(f64, Vec<f64>)> = None;
        for _ in 0..tries {
            let mut w: Vec<f64> = (0..d).map(|_| rng.normal()).collect();
            if !normalize(&mut w) {
                continue;
            }
            let score = sibs
                .iter()
                .map(|(_, u)| -dot(&w, u))
                .fold(f64::INFINITY, f64::min);
            if best.as_ref().is_none_or(|(b, _)| score > *b) {
                best = Some((score, w));
            }
        }
        let (_, w) = best.ok_or(PositioningError::Empty("candidate directions"))?;
        return Ok(point(rc, &w));
    };
    let alpha = FULL_CONE * (-0.5 * rp).exp();
    let beta = alpha * (-0.5 * (rc - rp)).exp();
    // Siblings as offsets in the tangent plane at the axis: angle and unit tangent.
    let offsets: Vec<(f64, Vec<f64>)> = sibs
        .iter()
        .map(|(_, u)| {
            let c = dot(u, &axis).clamp(-1.0, 1.0);
            let mut t: Vec<f64> = u.iter().zip(&axis).map(|(a, b)| a - c * b).collect();
            if !normalize(&mut t) {
                t = vec![0.0; d];
            }
            (c.acos(), t)
        })
        .collect();
    let phi = (alpha - beta).max(0.0);
    let mut best: Option<(f64, Vec<f64>)> = None;
    if d == 1 {
        return Ok(point(rc, &axis));
    }
    for _ in 0..tries {
        let mut w: Vec<f64> = (0..d).map(|_| rng.normal()).collect();
        let along = dot(&w, &axis);
        w.iter_mut().zip(&axis).for_each(|(a, b)| *a -= along * b);
        if !normalize(&mut w) {
            continue;
        }
        // Flat approximation of the cone's cross-section: distance between the
        // offsets `phi w` and `angle t`.
        let score = offsets
            .iter()
            .map(|(a, t)| phi * phi + a * a - 2.0 * phi * a * dot(&w, t))
            .fold(f64::INFINITY, f64::min);
        if best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, w));
        }
    }
    let (_, w) = best.ok_or(PositioningError::Empty("candidate directions"))?;
    let (sn, cs) = phi.sin_cos();
    let mut u: Vec<f64> = axis.iter().zip(&w).map(|(a, b)| cs * a + sn * b).collect();
    normalize(&mut u);
    Ok(point(rc, &u))
}

/// A position for a new parent of the node at `child`: on the child's ray,
/// `min_step` closer to the origin (halfway to it when the child is nearer than
/// that), so the child's cone lies inside the parent's.
///
/// Errors: a non-finite point, invalid options.
pub fn place_parent(child: &[f64], o: &ConePlacement) -> Result<Vec<f64>, PositioningError> {
    check_options(o)?;
    if child.len() < 2 {
        return Err(PositioningError::ZeroDimension);
    }
    check(child, child.len())?;
    let (r, u) = polar(child);
    let Some(u) = u else {
        return Err(PositioningError::InvalidOption {
            name: "child",
            reason: "a child at the origin has no parent above it",
        });
    };
    let rp = if r > o.min_step {
        r - o.min_step
    } else {
        0.5 * r
    };
    Ok(point(rp, &u))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::positioning::lorentz::dist;

    fn at(r: f64, u: &[f64]) -> Vec<f64> {
        point(r, u)
    }

    #[test]
    fn a_child_ranks_its_ancestors_first_far_out() {
        // A chain of parents out to radius ~26, each child placed in its parent's
        // cone next to a few siblings; every node must be nearer to each of its
        // ancestors than to any sibling of itself or of an ancestor.
        let o = ConePlacement::default();
        let d = 10;
        let mut axis = vec![0.0; d];
        axis[0] = 1.0;
        let mut chain = vec![at(1.0, &axis)];
        let mut others: Vec<Vec<f64>> = Vec::new();
        for depth in 0..13u64 {
            let parent = chain.last().unwrap().clone();
            let mut kids: Vec<Vec<f64>> = Vec::new();
            for k in 0..4u64 {
                let sib: Vec<&[f64]> = kids.iter().map(Vec::as_slice).collect();
                kids.push(place_in_cone(&parent, &sib, depth * 10 + k, &o).unwrap());
            }
            let next = kids.remove(0);
            others.extend(kids);
            chain.push(next);
        }
        let (r, _) = polar(chain.last().unwrap());
        assert!(r > 25.0, "radius {r}");
        // Every node of the chain: its ancestors (the nodes before it) all nearer
        // than every node that is not its ancestor (other children of the chain).
        for (i, node) in chain.iter().enumerate().skip(1) {
            let far_ancestor = chain[..i].iter().map(|a| dist(node, a)).fold(0.0, f64::max);
            let near_other = others
                .iter()
                .map(|x| dist(node, x))
                .fold(f64::INFINITY, f64::min);
            assert!(
                far_ancestor + 0.5 < near_other,
                "node {i}: ancestor at {far_ancestor}, other at {near_other}"
            );
        }
    }

    #[test]
    fn near_the_ceiling_children_still_go_farther_out_and_keep_their_ranks() {
        // Levels below a parent where a layout at radius 30 puts its leaves: radial
        // steps shrink, children stay strictly farther out than their parent and off
        // it; against its siblings and its ancestors' other children, a node ranks
        // every ancestor first for two levels and its parent first or second below
        // (margins shrink with the steps: the price of the ceiling).
        let o = ConePlacement::default();
        let mut axis = vec![0.0; 10];
        axis[0] = 1.0;
        let mut chain = vec![at(30.0, &axis)];
        // Other children, with the depth of their parent in the chain.
        let mut others: Vec<(usize, Vec<f64>)> = Vec::new();
        for depth in 0..8usize {
            let parent = chain.last().unwrap().clone();
            let mut kids: Vec<Vec<f64>> = Vec::new();
            for k in 0..3u64 {
                let sib: Vec<&[f64]> = kids.iter().map(Vec::as_slice).collect();
                kids.push(place_in_cone(&parent, &sib, depth as u64 * 10 + k, &o).unwrap());
            }
            let (rp, _) = polar(&parent);
            for k in &kids {
                let (rk, _) = polar(k);
                assert!(rk > rp && rk <= o.max_radius, "{rk} after {rp}");
                assert!(dist(k, &parent) > 1.0);
            }
            let next = kids.remove(0);
            others.extend(kids.into_iter().map(|k| (depth, k)));
            chain.push(next);
        }
        for (i, node) in chain.iter().enumerate().skip(1) {
            for (j, a) in chain[..i].iter().enumerate() {
                let d = dist(node, a);
                let closer = others
                    .iter()
                    .filter(|(depth, x)| *depth < i && dist(node, x) <= d)
                    .count();
                // Two levels at `min_step` and the first halving step: every ancestor
                // first; deeper, the parent still within the first two.
                if i <= 2 {
                    assert_eq!(closer, 0, "node {i}: ancestor {j} outranked");
                } else if j == i - 1 {
                    assert!(closer <= 1, "node {i}: parent outranked by {closer}");
                }
            }
        }
    }

    #[test]
    fn a_parent_goes_on_its_childs_ray() {
        let o = ConePlacement::default();
        let u = [0.6, 0.8];
        let child = at(5.0, &u);
        let p = place_parent(&child, &o).unwrap();
        let (r, dir) = polar(&p);
        assert!((r - 3.0).abs() < 1e-9);
        let dir = dir.unwrap();
        assert!((dot(&dir, &u) - 1.0).abs() < 1e-12);
        assert!((dist(&p, &child) - 2.0).abs() < 1e-9);
    }

    #[test]
    fn bad_input_is_an_error() {
        let o = ConePlacement::default();
        let p = at(1.0, &[1.0, 0.0]);
        assert!(place_in_cone(&p, &[&[1.0, 0.0]], 0, &o).is_err());
        assert!(place_in_cone(&[f64::NAN, 0.0, 0.0], &[], 0, &o).is_err());
        let bad = ConePlacement {
            min_step: 0.0,
            ..o.clone()
        };
        assert!(place_in_cone(&p, &[], 0, &bad).is_err());
        assert!(place_parent(&at(0.0, &[1.0, 0.0]), &o).is_err());
    }
}
