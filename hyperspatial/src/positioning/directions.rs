//! Well-spread unit vectors of `R^d`: the directions in which the combinatorial
//! layout sends the children of a node.
//!
//! - `d = 1`: the two signs, alternating, starting opposite the avoided direction.
//! - `d = 2`: equal angles around the circle, the avoided direction taking one slot.
//! - `d >= 3`, few vectors (`k + 1 <= 2d`): vertices of a cross-polytope (pairwise
//!   angles of at least 90 degrees) in a seeded random orthonormal frame whose first
//!   axis is the avoided direction; the first vector is the one opposite it.
//! - otherwise: seeded Gaussian directions improved by a few rounds of Coulomb
//!   repulsion (among themselves and from the avoided direction); past
//!   [`REPULSION_MAX`] vectors only the Gaussian draw, which in high dimensions is
//!   already nearly orthogonal.

use crate::rng::SplitMix64;

/// Above this many vectors the quadratic repulsion is skipped.
pub(crate) const REPULSION_MAX: usize = 768;

const ROUNDS: usize = 40;

fn normalise(v: &mut [f64]) {
    let n = v.iter().map(|x| x * x).sum::<f64>().sqrt();
    if n > 1e-300 {
        v.iter_mut().for_each(|x| *x /= n);
    } else if let Some(first) = v.first_mut() {
        *first = 1.0;
    }
}

fn gaussian_unit(d: usize, rng: &mut SplitMix64) -> Vec<f64> {
    let mut v: Vec<f64> = (0..d).map(|_| rng.normal()).collect();
    normalise(&mut v);
    v
}

/// `k` unit vectors of `R^d` (flat, `k * d` values) spread apart and away from the
/// unit vector `avoid` (e.g. the direction back to a node's own parent).
pub(crate) fn spread(k: usize, d: usize, avoid: Option<&[f64]>, rng: &mut SplitMix64) -> Vec<f64> {
    if k == 0 || d == 0 {
        return Vec::new();
    }
    match d {
        1 => {
            let first = match avoid {
                Some(b) if b[0] > 0.0 => -1.0,
                _ => 1.0,
            };
            (0..k)
                .map(|i| if i % 2 == 0 { first } else { -first })
                .collect()
        }
        2 => {
            // With an avoided direction it takes slot 0 of k + 1 equal slots.
            let (a0, slots, first) = match avoid {
                Some(b) => (b[1].atan2(b[0]), k + 1, 1),
                None => (rng.unit() * std::f64::consts::TAU, k, 0),
            };
            let mut out = Vec::with_capacity(2 * k);
            for i in 0..k {
                let a = a0 + std::f64::consts::TAU * (i + first) as f64 / slots as f64;
                out.push(a.cos());
                out.push(a.sin());
            }
            out
        }
        _ if k < 2 * d => cross_polytope(k, d, avoid, rng),
        _ => {
            let mut pts: Vec<f64> = (0..k).flat_map(|_| gaussian_unit(d, rng)).collect();
            if k <= REPULSION_MAX {
                repel(&mut pts, k, d, avoid);
            }
            pts
        }
    }
}

/// Vertices of a cross-polytope in a random frame whose first axis is `avoid`.
fn cross_polytope(k: usize, d: usize, avoid: Option<&[f64]>, rng: &mut SplitMix64) -> Vec<f64> {
    let mut frame: Vec<Vec<f64>> = Vec::with_capacity(d);
    if let Some(b) = avoid {
        let mut b = b.to_vec();
        normalise(&mut b);
        frame.push(b);
    }
    while frame.len() < d {
        let mut v = gaussian_unit(d, rng);
        for f in &frame {
            let p: f64 = v.iter().zip(f).map(|(a, b)| a * b).sum();
            v.iter_mut().zip(f).for_each(|(a, b)| *a -= p * b);
        }
        let n = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        if n > 1e-6 {
            v.iter_mut().for_each(|x| *x /= n);
            frame.push(v);
        }
    }
    // Vertex order: -axis0 (opposite the avoided direction), then +-axis1, +-axis2...;
    // without an avoided direction, +axis0 is free too.
    let mut verts: Vec<(usize, f64)> = vec![(0, -1.0)];
    if avoid.is_none() {
        verts.push((0, 1.0));
    }
    for a in 1..d {
        verts.push((a, 1.0));
        verts.push((a, -1.0));
    }
    verts
        .into_iter()
        .take(k)
        .flat_map(|(a, s)| frame[a].iter().map(move |x| s * x).collect::<Vec<_>>())
        .collect()
}

/// A few rounds of Coulomb repulsion on the sphere, each point moving a decreasing
/// step along its net force.
fn repel(pts: &mut [f64], k: usize, d: usize, avoid: Option<&[f64]>) {
    let mut force = vec![0.0; k * d];
    for round in 0..ROUNDS {
        let step = 0.3 * (1.0 - round as f64 / ROUNDS as f64) + 0.01;
        force.iter_mut().for_each(|f| *f = 0.0);
        for i in 0..k {
            let xi = &pts[i * d..(i + 1) * d];
            let fi = &mut force[i * d..(i + 1) * d];
            let mut push = |xj: &[f64], weight: f64| {
                let r2: f64 = xi.iter().zip(xj).map(|(a, b)| (a - b) * (a - b)).sum();
                let w = weight / (r2.max(1e-12) * r2.max(1e-12).sqrt());
                fi.iter_mut()
                    .zip(xi.iter().zip(xj))
                    .for_each(|(f, (a, b))| *f += w * (a - b));
            };
            for j in 0..k {
                if j != i {
                    push(&pts[j * d..(j + 1) * d], 1.0);
                }
            }
            if let Some(b) = avoid {
                push(b, 2.0);
            }
        }
        for i in 0..k {
            let fi = &force[i * d..(i + 1) * d];
            // Keep only the tangential part of the force.
            let xi = &pts[i * d..(i + 1) * d];
            let radial: f64 = fi.iter().zip(xi).map(|(a, b)| a * b).sum();
            let t: Vec<f64> = fi.iter().zip(xi).map(|(f, x)| f - radial * x).collect();
            let tn = t.iter().map(|x| x * x).sum::<f64>().sqrt();
            if tn > 1e-300 {
                let xi = &mut pts[i * d..(i + 1) * d];
                xi.iter_mut().zip(&t).for_each(|(x, f)| *x += step * f / tn);
                normalise(xi);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn min_angle_cos(pts: &[f64], d: usize) -> f64 {
        let k = pts.len() / d;
        let mut worst: f64 = -1.0;
        for i in 0..k {
            for j in 0..i {
                let c: f64 = (0..d).map(|t| pts[i * d + t] * pts[j * d + t]).sum();
                worst = worst.max(c);
            }
        }
        worst
    }

    #[test]
    fn small_sets_are_orthogonal_and_avoid_the_parent() {
        let mut rng = SplitMix64::new(1);
        let b = [0.0, 0.0, 1.0, 0.0, 0.0];
        let pts = spread(6, 5, Some(&b), &mut rng);
        assert!(min_angle_cos(&pts, 5) < 1e-9);
        // The first direction is opposite the avoided one; none points at it.
        assert!((pts[2] + 1.0).abs() < 1e-12);
        for p in pts.chunks(5) {
            assert!(p[2] < 1e-9);
        }
    }

    #[test]
    fn larger_sets_are_unit_and_spread() {
        let mut rng = SplitMix64::new(2);
        let pts = spread(40, 4, None, &mut rng);
        for p in pts.chunks(4) {
            assert!((p.iter().map(|x| x * x).sum::<f64>() - 1.0).abs() < 1e-9);
        }
        // 40 points on S^3 can be kept more than ~35 degrees apart.
        assert!(min_angle_cos(&pts, 4) < 0.82, "{}", min_angle_cos(&pts, 4));
    }

    #[test]
    fn circle_leaves_the_avoided_slot_empty() {
        let mut rng = SplitMix64::new(3);
        let pts = spread(3, 2, Some(&[1.0, 0.0]), &mut rng);
        for p in pts.chunks(2) {
            assert!(p[0] < 0.1, "{p:?}");
        }
    }
}
