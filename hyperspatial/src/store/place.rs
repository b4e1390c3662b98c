//! Glue between the store and `positioning`: computes the components of an entity's
//! placement from what a batch wrote.

use super::placement::Placement;
use crate::Hyperboloid;
use hyperql::Value;
use std::hash::{Hash, Hasher};

/// Weights of the three components in the combined point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Weights {
    /// Graph component.
    pub graph: f64,
    /// Embedding component.
    pub embedding: f64,
    /// Property component.
    pub property: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            graph: 0.5,
            embedding: 0.3,
            property: 0.2,
        }
    }
}

fn space() -> Hyperboloid {
    Hyperboloid::default()
}

fn stable_hash(bytes: &[u8], seed: u64) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    seed.hash(&mut h);
    bytes.hash(&mut h);
    h.finish()
}

/// The point at hyperbolic distance `radius` from the origin in direction `u`.
fn at_radius(u: &[f64], radius: f64) -> Option<Vec<f64>> {
    let n = u.iter().map(|x| x * x).sum::<f64>().sqrt();
    if !(n > 0.0) {
        return None;
    }
    let s = radius.sinh() / n;
    let spatial: Vec<f64> = u.iter().map(|x| x * s).collect();
    space().lift(&spatial).ok()
}

/// The property component: signed feature hashing of `path=value` pairs.
pub(crate) fn property(leaves: &[(String, Value)], dim: usize) -> Option<Vec<f64>> {
    if leaves.is_empty() {
        return None;
    }
    let mut u = vec![0.0; dim];
    for (path, v) in leaves {
        let text = format!("{path}={v}");
        let h = stable_hash(text.as_bytes(), 0x9e37);
        let i = (h % dim as u64) as usize;
        u[i] += if h >> 63 == 0 { 1.0 } else { -1.0 };
    }
    at_radius(&u, 1.0)
}

/// The embedding component: a fixed pseudo-random projection to `dim`, then the
/// exponential map at the origin (so cosine-near vectors land near each other).
pub(crate) fn embedding(v: &[f32], dim: usize) -> Option<Vec<f64>> {
    if v.is_empty() {
        return None;
    }
    let mut u = vec![0.0; dim];
    for (j, &x) in v.iter().enumerate() {
        for (i, ui) in u.iter_mut().enumerate() {
            let h = stable_hash(&((j * 131 + i) as u64).to_le_bytes(), 7);
            let sign = if h & 1 == 0 { 1.0 } else { -1.0 };
            *ui += sign * f64::from(x);
        }
    }
    at_radius(&u, 2.0)
}

/// A graph component for a node whose neighbour `anchor` is placed: one unit further
/// from the origin, in a direction chosen by the node's id.
pub(crate) fn near(anchor: &[f64], id: uuid::Uuid, dim: usize) -> Option<Vec<f64>> {
    let s = space();
    let mut v: Vec<f64> = (0..=dim)
        .map(|i| {
            let h = stable_hash(id.as_bytes(), i as u64);
            (h as f64 / u64::MAX as f64) - 0.5
        })
        .collect();
    // Bias outwards: add the anchor's own direction from the origin.
    for (vi, ai) in v.iter_mut().zip(anchor).skip(1) {
        *vi += ai;
    }
    v[0] = 0.0;
    s.project_tangent(anchor, &mut v).ok()?;
    let norm = crate::minkowski_dot(&v, &v).max(0.0).sqrt();
    if !(norm > 0.0) {
        return None;
    }
    let step: Vec<f64> = v.iter().map(|x| x / norm).collect();
    s.exp(anchor, &step).ok()
}

/// A graph component for a root (a node with no placed neighbour).
pub(crate) fn root(id: uuid::Uuid, dim: usize) -> Option<Vec<f64>> {
    let u: Vec<f64> = (0..dim)
        .map(|i| {
            let h = stable_hash(id.as_bytes(), 1000 + i as u64);
            (h as f64 / u64::MAX as f64) - 0.5
        })
        .collect();
    at_radius(&u, 0.5)
}

/// Recomputes the combined point from the present components.
pub(crate) fn combine(p: &mut Placement, w: &Weights, dim: usize) {
    let mut pts = Vec::new();
    let mut ws = Vec::new();
    for (c, wi) in [
        (&p.graph, w.graph),
        (&p.embedding, w.embedding),
        (&p.property, w.property),
    ] {
        if let Some(c) = c
            && wi > 0.0
        {
            pts.push(c.clone());
            ws.push(wi);
        }
    }
    p.combined = match pts.len() {
        0 => space().origin(dim + 1),
        1 => pts.swap_remove(0),
        _ => space()
            .frechet_mean(&pts, Some(&ws), 50)
            .unwrap_or_else(|_| pts.swap_remove(0)),
    };
}

/// The combined distance of two placements: the weighted sum of the distances of the
/// components both have (falls back to the combined points when they share none).
pub fn combined_distance(a: &Placement, b: &Placement, w: &Weights) -> f64 {
    let s = space();
    let mut total = 0.0;
    let mut any = false;
    for (x, y, wi) in [
        (&a.graph, &b.graph, w.graph),
        (&a.embedding, &b.embedding, w.embedding),
        (&a.property, &b.property, w.property),
    ] {
        if let (Some(x), Some(y)) = (x, y)
            && let Ok(d) = s.distance(x, y)
        {
            total += wi * d;
            any = true;
        }
    }
    if any {
        total
    } else {
        s.distance(&a.combined, &b.combined).unwrap_or(f64::INFINITY)
    }
}

/// Drift, velocity and acceleration from position snapshots (oldest first).
pub(crate) fn kinematics(snaps: &[(i64, Vec<f64>)]) -> super::trajectory::Kinematics {
    let s = space();
    let d = |a: &[f64], b: &[f64]| s.distance(a, b).unwrap_or(0.0);
    let speed = |a: &(i64, Vec<f64>), b: &(i64, Vec<f64>)| {
        let dt = (b.0 - a.0) as f64 / 1e6;
        if dt > 0.0 { d(&a.1, &b.1) / dt } else { 0.0 }
    };
    let n = snaps.len();
    let drift = if n >= 2 { d(&snaps[0].1, &snaps[n - 1].1) } else { 0.0 };
    let velocity = if n >= 2 { speed(&snaps[n - 2], &snaps[n - 1]) } else { 0.0 };
    let acceleration = if n >= 3 {
        let v0 = speed(&snaps[n - 3], &snaps[n - 2]);
        let dt = (snaps[n - 1].0 - snaps[n - 2].0) as f64 / 1e6;
        if dt > 0.0 { (velocity - v0) / dt } else { 0.0 }
    } else {
        0.0
    };
    super::trajectory::Kinematics {
        snapshots: n,
        drift,
        velocity,
        acceleration,
    }
}
