//! Integration tests: every table on a real manifold file, checked against in-memory
//! oracles (BTreeMap models, f64 brute force).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod dense;
mod dynamic;
mod kernels;
mod multi;
mod quant;
mod sparse;

use manifold::{ColumnFamily, Config, Database};
use rand::{Rng, SeedableRng, rngs::StdRng};
use uuid::Uuid;

/// A fresh database in a temporary directory, with one family.
pub fn temp_family() -> (tempfile::TempDir, Database, ColumnFamily) {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open_with(dir.path().join("t.manifold"), Config::small()).unwrap();
    let cf = db.column_family_or_create("vectors").unwrap();
    (dir, db, cf)
}

/// `n` random vectors of `dim` components in [-1, 1), with ids 0..n.
pub fn random_vectors(n: usize, dim: usize, seed: u64) -> Vec<(Uuid, Vec<f32>)> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n)
        .map(|i| {
            let v = (0..dim).map(|_| rng.random_range(-1.0f32..1.0)).collect();
            (Uuid::from_u128(i as u128 + 1), v)
        })
        .collect()
}

/// Exact distances in f64.
pub fn oracle_distance(metric: manifold_vectors::Metric, a: &[f32], b: &[f32]) -> f64 {
    use manifold_vectors::Metric;
    let pairs = a.iter().zip(b).map(|(&x, &y)| (f64::from(x), f64::from(y)));
    match metric {
        Metric::Dot => -pairs.map(|(x, y)| x * y).sum::<f64>(),
        Metric::L2 => pairs.map(|(x, y)| (x - y) * (x - y)).sum::<f64>().sqrt(),
        Metric::L1 => pairs.map(|(x, y)| (x - y).abs()).sum::<f64>(),
        Metric::Cosine => {
            let (mut d, mut na, mut nb) = (0.0, 0.0, 0.0);
            for (x, y) in pairs {
                d += x * y;
                na += x * x;
                nb += y * y;
            }
            if na == 0.0 || nb == 0.0 {
                1.0
            } else {
                1.0 - d / (na * nb).sqrt()
            }
        }
        _ => unreachable!(),
    }
}
