//! Hyperbolic data: the HNSW against exact search on synthetic hierarchies.
//!
//! Data: a tree grown breadth-first on the hyperboloid (curvature -1): the root
//! is the origin, every node gets 10 children, each placed by the exponential
//! map at hyperbolic distance U(0.6, 1.2) from its parent in a uniformly random
//! tangent direction, until n nodes exist (1M nodes reach depth 6, radius <= 7.2).
//! Queries are extra children of uniformly chosen nodes at distance U(0.2, 1.0).

use std::time::Instant;

use hyperspatial::{
    Hnsw, HnswParams, Hyperboloid, Lorentz, Metric, Poincare, hyperboloid_to_poincare,
};
use rayon::prelude::*;

use super::{EF_CONSTRUCTION, K, M, recall};
use crate::report::Report;
use crate::rng::Rng;

/// Uniform in (0, 1): the midpoint of one of 2^53 cells (how the data set was made:
/// keep it, so figures stay comparable).
fn open_unit(r: &mut Rng) -> f64 {
    ((r.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

/// Standard normal (Box-Muller on [`open_unit`]).
fn gauss(r: &mut Rng) -> f64 {
    (-2.0 * open_unit(r).ln()).sqrt() * (std::f64::consts::TAU * open_unit(r)).cos()
}

/// A child of `p` at distance U(lo, hi) in a random direction.
fn child(h: &Hyperboloid, p: &[f64], r: &mut Rng, lo: f64, hi: f64) -> Vec<f64> {
    let mut v: Vec<f64> = (0..p.len()).map(|_| gauss(r)).collect();
    v[0] = 0.0;
    let _ = h.project_tangent(p, &mut v);
    let norm = hyperspatial::minkowski_dot(&v, &v).max(1e-30).sqrt();
    let len = lo + (hi - lo) * open_unit(r);
    v.iter_mut().for_each(|x| *x *= len / norm);
    h.exp(p, &v).unwrap_or_else(|_| p.to_vec())
}

/// `n` tree points and `nq` queries, in ambient coordinates of `spatial + 1` values.
fn tree(n: usize, nq: usize, spatial: usize, seed: u64) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
    let h = Hyperboloid::default();
    let mut r = Rng::new(seed);
    let mut pts = vec![h.origin(spatial + 1)];
    let mut parent = 0;
    while pts.len() < n {
        for _ in 0..10 {
            if pts.len() < n {
                let c = child(&h, &pts[parent], &mut r, 0.6, 1.2);
                pts.push(c);
            }
        }
        parent += 1;
    }
    let queries = (0..nq)
        .map(|_| {
            let p = (r.next_u64() % n as u64) as usize;
            child(&h, &pts[p], &mut r, 0.2, 1.0)
        })
        .collect();
    (pts, queries)
}

/// Exact k nearest by an f64 monotone surrogate of the true distance.
fn truth(
    data: &[Vec<f64>],
    queries: &[Vec<f64>],
    dist: impl Fn(&[f64], &[f64]) -> f64 + Sync,
) -> Vec<Vec<u32>> {
    queries
        .par_iter()
        .map(|q| {
            let mut d: Vec<(f64, u32)> = data
                .iter()
                .enumerate()
                .map(|(i, x)| (dist(q, x), i as u32))
                .collect();
            d.select_nth_unstable_by(K, |a, b| a.0.total_cmp(&b.0));
            d.truncate(K);
            d.sort_by(|a, b| a.0.total_cmp(&b.0));
            // Collect from a slice: collecting `d.into_iter()` would reuse (and keep)
            // the allocation of all n candidates for each row.
            d[..K.min(d.len())].iter().map(|x| x.1).collect()
        })
        .collect()
}

fn measure<Mt: Metric>(
    report: &mut Report,
    system: &str,
    metric: Mt,
    rows: &[Vec<f32>],
    queries: &[Vec<f32>],
    gt: &[Vec<u32>],
    quick: bool,
) -> Result<(), String> {
    let dim = rows[0].len();
    let params = HnswParams {
        m: M,
        ef_construction: EF_CONSTRUCTION,
        ..HnswParams::default()
    };
    let h = Hnsw::new(metric, dim, params).map_err(|e| e.to_string())?;
    let flat: Vec<f32> = rows.iter().flatten().copied().collect();
    let keys: Vec<u64> = (0..rows.len() as u64).collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .map_err(|e| e.to_string())?;
    let t = Instant::now();
    pool.install(|| h.insert_batch(&keys, &flat))
        .map_err(|e| e.to_string())?;
    report.add(system, "build_s_2_threads", t.elapsed().as_secs_f64(), "s");
    report.add(system, "memory_mb", h.memory_bytes() as f64 / 1e6, "MB");

    let exact_n = if quick { 10 } else { 30 }.min(queries.len());
    let t = Instant::now();
    for q in &queries[..exact_n] {
        h.search_exact(q, K).map_err(|e| e.to_string())?;
    }
    let exact_qps = exact_n as f64 / t.elapsed().as_secs_f64();
    report.add(system, "exact_qps", exact_qps, "q/s");

    let mut best = 0.0f64;
    for ef in [10, 16, 24, 32, 64, 128] {
        let t = Instant::now();
        let mut got = Vec::with_capacity(queries.len());
        for q in queries {
            let res = h.search_with_ef(q, K, ef).map_err(|e| e.to_string())?;
            got.push(res.iter().map(|n| n.key as u32).collect::<Vec<u32>>());
        }
        let secs = t.elapsed().as_secs_f64();
        let qps = queries.len() as f64 / secs;
        let r = recall(gt, &got);
        report.add(system, &format!("recall@10 ef={ef}"), r, "");
        report.add(
            system,
            &format!("latency_ms ef={ef}"),
            1e3 * secs / queries.len() as f64,
            "ms",
        );
        if r >= 0.95 {
            best = best.max(qps);
        }
    }
    report.add(system, "qps_at_recall_0.95", best, "q/s");
    report.add(
        system,
        "speedup_vs_exact_at_recall_0.95",
        best / exact_qps,
        "x",
    );
    Ok(())
}

/// Runs the hyperbolic half of the suite.
pub fn run(report: &mut Report, quick: bool) -> Result<(), String> {
    let h = Hyperboloid::default();
    let (n1, n2, nq) = if quick {
        (50_000, 10_000, 200)
    } else {
        (1_000_000, 100_000, 1_000)
    };

    // Poincare ball, 8-d.
    eprintln!("ann: hyperbolic Poincare {n1} x 8 ...");
    let (pts, qs) = tree(n1, nq, 8, 11);
    let to_ball = |x: &Vec<f64>| -> Vec<f32> {
        hyperboloid_to_poincare(&h, x)
            .unwrap_or_default()
            .iter()
            .map(|v| *v as f32)
            .collect()
    };
    let rows: Vec<Vec<f32>> = pts.par_iter().map(to_ball).collect();
    let queries: Vec<Vec<f32>> = qs.iter().map(to_ball).collect();
    drop(pts);
    let widen = |v: &[f32]| -> Vec<f64> { v.iter().map(|x| f64::from(*x)).collect() };
    let rows64: Vec<Vec<f64>> = rows.iter().map(|v| widen(v)).collect();
    let q64: Vec<Vec<f64>> = queries.iter().map(|v| widen(v)).collect();
    let gt = truth(&rows64, &q64, |p, q| {
        let d2: f64 = p.iter().zip(q).map(|(a, b)| (a - b) * (a - b)).sum();
        let np: f64 = p.iter().map(|a| a * a).sum();
        let nq: f64 = q.iter().map(|a| a * a).sum();
        d2 / ((1.0 - np) * (1.0 - nq))
    });
    drop(rows64);
    measure(
        report,
        &format!("poincare-8d-{}k", n1 / 1000),
        Poincare::default(),
        &rows,
        &queries,
        &gt,
        quick,
    )?;
    drop(rows);

    // Hyperboloid, 16 spatial + 1 time coordinate.
    eprintln!("ann: hyperbolic Lorentz {n2} x 17 ...");
    let (pts, qs) = tree(n2, nq, 16, 12);
    let narrow = |x: &Vec<f64>| -> Vec<f32> { x.iter().map(|v| *v as f32).collect() };
    let rows: Vec<Vec<f32>> = pts.iter().map(narrow).collect();
    let queries: Vec<Vec<f32>> = qs.iter().map(narrow).collect();
    let lift = |v: &Vec<f32>| -> Vec<f64> {
        let s: Vec<f64> = v[1..].iter().map(|x| f64::from(*x)).collect();
        h.lift(&s).unwrap_or_default()
    };
    let rows64: Vec<Vec<f64>> = rows.iter().map(lift).collect();
    let q64: Vec<Vec<f64>> = queries.iter().map(lift).collect();
    let gt = truth(&rows64, &q64, |a, b| {
        h.distance(a, b).unwrap_or(f64::INFINITY)
    });
    drop(rows64);
    measure(
        report,
        &format!("lorentz-17d-{}k", n2 / 1000),
        Lorentz::default(),
        &rows,
        &queries,
        &gt,
        quick,
    )?;
    report.note(
        "Hyperbolic data: a breadth-first tree on the hyperboloid (curvature -1), 10 children \
         per node at hyperbolic distance U(0.6, 1.2) from the parent in a random direction; \
         queries are extra children of random nodes at distance U(0.2, 1.0). Ground truth: \
         f64 exact distances. exact_qps: hyperspatial's exact f32 scan, one thread. \
         Hyperbolic builds use 2 threads; searches one thread.",
    );
    Ok(())
}
