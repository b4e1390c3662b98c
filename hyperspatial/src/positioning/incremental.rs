//! Incremental placement: a position for a new node from the positions of its
//! parents and existing siblings, without laying the graph out again.

use super::PositioningError;
use super::lorentz::{direction_to, exp_into, from_origin_frame, mdot, origin, to_origin_frame};
use crate::Hyperboloid;
use crate::rng::SplitMix64;

/// Options of [`place_child`] and [`place_isolated`].
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceOptions {
    /// Hyperbolic distance from the parent (or the parents' mean) to the new node;
    /// use the `edge_length` of the layout the parents come from. Default 1.
    pub edge_length: f64,
    /// Candidate directions tried per hyperbolic dimension. Default 2.
    pub candidates_per_dim: usize,
    /// Seed of the candidate directions.
    pub seed: u64,
}

impl Default for PlaceOptions {
    fn default() -> Self {
        PlaceOptions {
            edge_length: 1.0,
            candidates_per_dim: 2,
            seed: 0x9E37_79B9,
        }
    }
}

fn check_point(x: &[f64], dim_coords: usize) -> Result<(), PositioningError> {
    if x.len() != dim_coords {
        return Err(PositioningError::DimensionMismatch {
            expected: dim_coords,
            got: x.len(),
        });
    }
    if !x.iter().all(|v| v.is_finite()) {
        return Err(PositioningError::NonFinite("point"));
    }
    if !super::lorentz::on_hyperboloid(x, 1e-6) {
        return Err(PositioningError::NotOnHyperboloid(mdot(x, x)));
    }
    Ok(())
}

/// A position for a new node whose parents are at `parents` and whose existing
/// siblings (other children of the same parents) are at `siblings`.
///
/// The node goes `edge_length` away from its anchor (the parent, or the Frechet mean
/// of several parents) along the candidate direction that keeps it farthest from the
/// nearest sibling; candidates are the outward direction (away from the origin, so
/// children sit farther out than their parents, as in the full layout) and seeded
/// directions of the outward half-space. Without siblings the outward direction
/// wins. Without parents the node is placed like an isolated node
/// ([`place_isolated`] with key 0).
///
/// Errors: points of different dimensions, off the hyperboloid or non-finite, a
/// non-positive edge length.
pub fn place_child(
    parents: &[&[f64]],
    siblings: &[&[f64]],
    opts: &PlaceOptions,
) -> Result<Vec<f64>, PositioningError> {
    if !(opts.edge_length.is_finite() && opts.edge_length > 0.0) {
        return Err(PositioningError::InvalidOption {
            name: "edge_length",
            reason: "must be finite and positive",
        });
    }
    let Some(first) = parents.first() else {
        let dim = siblings.first().map_or(0, |s| s.len().saturating_sub(1));
        if dim == 0 {
            return Err(PositioningError::Empty(
                "parents (and no sibling to give a dimension)",
            ));
        }
        return place_isolated(0, dim, opts);
    };
    let s = first.len();
    if s < 2 {
        return Err(PositioningError::ZeroDimension);
    }
    for p in parents.iter().chain(siblings) {
        check_point(p, s)?;
    }
    let anchor: Vec<f64> = if parents.len() == 1 {
        first.to_vec()
    } else {
        let pts: Vec<Vec<f64>> = parents.iter().map(|p| p.to_vec()).collect();
        Hyperboloid::default().frechet_mean(&pts, None, 100)?
    };
    let dim = s - 1;
    // Outward unit direction at the anchor, in the origin's frame.
    let o = origin(dim);
    let mut t = vec![0.0; s];
    let mut outward = vec![0.0; dim];
    direction_to(&anchor, &o, &mut t);
    to_origin_frame(&anchor, &t, &mut outward);
    outward.iter_mut().for_each(|v| *v = -*v);
    let has_outward = outward.iter().any(|v| *v != 0.0);
    let mut rng = SplitMix64::new(opts.seed);
    let mut candidates: Vec<Vec<f64>> = Vec::new();
    if has_outward {
        candidates.push(outward.clone());
    }
    if !siblings.is_empty() || !has_outward {
        for _ in 0..opts.candidates_per_dim.max(1) * dim {
            let mut w: Vec<f64> = (0..dim).map(|_| rng.normal()).collect();
            let along: f64 = w.iter().zip(&outward).map(|(a, b)| a * b).sum();
            if along < 0.0 {
                w.iter_mut()
                    .zip(&outward)
                    .for_each(|(a, b)| *a -= 2.0 * along * b);
            }
            let norm = w.iter().map(|v| v * v).sum::<f64>().sqrt();
            if norm > 1e-12 {
                w.iter_mut().for_each(|v| *v /= norm);
                candidates.push(w);
            }
        }
    }
    // Every candidate lies `a = edge_length` from the anchor; a sibling q lies `b_q`
    // from it in unit direction `u_q` (origin frame). By the hyperbolic law of
    // cosines, cosh d(candidate w, q) = cosh a cosh b_q - sinh a sinh b_q (w . u_q),
    // so the candidate whose nearest sibling is farthest is found with dot products
    // in R^d, and only the winner goes through the exponential map.
    let (cha, sha) = (opts.edge_length.cosh(), opts.edge_length.sinh());
    let sibs: Vec<(f64, f64, Vec<f64>)> = siblings
        .iter()
        .map(|q| {
            let b = super::lorentz::dist(&anchor, q);
            let mut u = vec![0.0; dim];
            direction_to(&anchor, q, &mut t);
            to_origin_frame(&anchor, &t, &mut u);
            (cha * b.cosh(), sha * b.sinh(), u)
        })
        .collect();
    let mut best: Option<(f64, &Vec<f64>)> = None;
    for w in &candidates {
        let score = sibs
            .iter()
            .map(|(c, k, u)| c - k * w.iter().zip(u).map(|(x, y)| x * y).sum::<f64>())
            .fold(f64::INFINITY, f64::min);
        if best.is_none_or(|(b, _)| score > b) {
            best = Some((score, w));
        }
    }
    let (_, w) = best.ok_or(PositioningError::Empty("candidate directions"))?;
    let mut point = vec![0.0; s];
    from_origin_frame(&anchor, w, &mut t);
    t.iter_mut().for_each(|v| *v *= opts.edge_length);
    exp_into(&anchor, &t, &mut point);
    Ok(point)
}

/// A position for a node without parents: `edge_length` from the origin in a
/// direction drawn from `key` (e.g. the node's id) and the seed, so that isolated
/// nodes spread around the origin like the roots of a forest in the full layout.
/// The same key always gives the same point.
pub fn place_isolated(
    key: u64,
    dim: usize,
    opts: &PlaceOptions,
) -> Result<Vec<f64>, PositioningError> {
    if dim == 0 {
        return Err(PositioningError::ZeroDimension);
    }
    if !(opts.edge_length.is_finite() && opts.edge_length > 0.0) {
        return Err(PositioningError::InvalidOption {
            name: "edge_length",
            reason: "must be finite and positive",
        });
    }
    let mut rng = SplitMix64::stream(opts.seed, key);
    let mut w: Vec<f64> = (0..dim).map(|_| rng.normal()).collect();
    let norm = w.iter().map(|v| v * v).sum::<f64>().sqrt().max(1e-300);
    w.iter_mut().for_each(|v| *v *= opts.edge_length / norm);
    let o = origin(dim);
    let mut t = vec![0.0; dim + 1];
    from_origin_frame(&o, &w, &mut t);
    let mut x = vec![0.0; dim + 1];
    exp_into(&o, &t, &mut x);
    Ok(x)
}
