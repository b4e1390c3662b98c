//! Seeded test data and an f64 brute-force oracle independent of the index kernels.

use hyperspatial::{Hyperboloid, MetricKind, hyperboloid_to_poincare};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

pub fn gauss(r: &mut StdRng) -> f64 {
    let u: f64 = r.random_range(1e-12..1.0);
    let v: f64 = r.random::<f64>();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// `n` uniform random vectors in `[-1, 1]^dim`.
pub fn uniform(seed: u64, n: usize, dim: usize) -> Vec<Vec<f32>> {
    let mut r = rng(seed);
    (0..n)
        .map(|_| (0..dim).map(|_| r.random_range(-1.0f32..1.0)).collect())
        .collect()
}

/// `n` vectors around `clusters` random centres in `[-1, 1]^dim` (spread 0.1);
/// the centres depend only on `clusters` and `dim`, so data and queries drawn
/// with different seeds share them.
pub fn clustered(seed: u64, n: usize, dim: usize, clusters: usize) -> Vec<Vec<f32>> {
    let mut r = rng(seed);
    let centres = uniform(0xc1 + clusters as u64, clusters, dim);
    (0..n)
        .map(|_| {
            let c = &centres[r.random_range(0..clusters)];
            c.iter().map(|x| x + 0.1 * gauss(&mut r) as f32).collect()
        })
        .collect()
}

/// Hierarchical hyperboloid points: a random tree whose children sit at
/// hyperbolic distance ~1 from their parent in a random direction (ambient
/// coordinates, `dim + 1` values each).
pub fn tree_hyperboloid(seed: u64, n: usize, dim: usize, branching: usize) -> Vec<Vec<f64>> {
    let h = Hyperboloid::default();
    let mut r = rng(seed);
    let mut pts: Vec<Vec<f64>> = vec![h.origin(dim + 1)];
    let mut parent = 0;
    while pts.len() < n {
        for _ in 0..branching {
            if pts.len() >= n {
                break;
            }
            let p = pts[parent].clone();
            let mut v: Vec<f64> = (0..=dim).map(|_| gauss(&mut r)).collect();
            v[0] = 0.0;
            let _ = h.project_tangent(&p, &mut v);
            let norm = hyperspatial::minkowski_dot(&v, &v).max(1e-30).sqrt();
            let len = r.random_range(0.6..1.2);
            v.iter_mut().for_each(|x| *x *= len / norm);
            pts.push(h.exp(&p, &v).unwrap_or(p));
        }
        parent += 1;
    }
    pts
}

/// The same tree mapped into the Poincare ball.
pub fn tree_poincare(seed: u64, n: usize, dim: usize, branching: usize) -> Vec<Vec<f32>> {
    let h = Hyperboloid::default();
    tree_hyperboloid(seed, n, dim, branching)
        .iter()
        .map(|x| {
            let p = hyperboloid_to_poincare(&h, x).unwrap();
            p.iter().map(|v| *v as f32).collect()
        })
        .collect()
}

pub fn to_f32(v: &[Vec<f64>]) -> Vec<Vec<f32>> {
    v.iter()
        .map(|x| x.iter().map(|v| *v as f32).collect())
        .collect()
}

/// Distance in f64 by the metric's textbook definition.
pub fn distance(kind: MetricKind, a: &[f32], b: &[f32]) -> f64 {
    let a: Vec<f64> = a.iter().map(|v| f64::from(*v)).collect();
    let b: Vec<f64> = b.iter().map(|v| f64::from(*v)).collect();
    let dot: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
    let na = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let nb = b.iter().map(|x| x * x).sum::<f64>().sqrt();
    match kind {
        MetricKind::L2 => a
            .iter()
            .zip(&b)
            .map(|(x, y)| (x - y) * (x - y))
            .sum::<f64>()
            .sqrt(),
        MetricKind::Cosine => 1.0 - dot / (na * nb),
        MetricKind::Dot => -dot,
        MetricKind::Lorentz { c } => {
            let h = Hyperboloid::new(f64::from(c)).unwrap();
            // Re-project as the index does, then measure in f64.
            let mut a = a.clone();
            let mut b = b.clone();
            h.project(&mut a).unwrap();
            h.project(&mut b).unwrap();
            h.distance(&a, &b).unwrap()
        }
        MetricKind::Poincare { c } => {
            let h = Hyperboloid::new(f64::from(c)).unwrap();
            hyperspatial::poincare_distance(&h, &a, &b).unwrap()
        }
        MetricKind::Poincare64 { c } => {
            let lanes = |v: &[f64]| -> Vec<f32> { v.iter().map(|x| *x as f32).collect() };
            let ((p, wp), (q, wq)) = (
                hyperspatial::Poincare64::decode(&lanes(&a)).unwrap(),
                hyperspatial::Poincare64::decode(&lanes(&b)).unwrap(),
            );
            let s: f64 = p.iter().zip(&q).map(|(x, y)| (x - y) * (x - y)).sum();
            let t = 2.0 * f64::from(c) * s * wp * wq;
            (t + (t * (t + 2.0)).sqrt()).ln_1p() / f64::from(c).sqrt()
        }
    }
}

/// Keys (= row numbers) of the exact `k` nearest rows.
pub fn brute_force(kind: MetricKind, data: &[Vec<f32>], q: &[f32], k: usize) -> Vec<u64> {
    let mut d: Vec<(f64, u64)> = data
        .iter()
        .enumerate()
        .map(|(i, x)| (distance(kind, q, x), i as u64))
        .collect();
    d.sort_by(|a, b| a.0.total_cmp(&b.0));
    d.into_iter().take(k).map(|x| x.1).collect()
}

/// Fraction of `truth` found in `got`.
pub fn recall(truth: &[u64], got: &[u64]) -> f64 {
    let hits = truth.iter().filter(|t| got.contains(t)).count();
    hits as f64 / truth.len().max(1) as f64
}

pub fn flat(v: &[Vec<f32>]) -> Vec<f32> {
    v.iter().flatten().copied().collect()
}
