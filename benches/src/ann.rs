//! Suite `ann`: approximate nearest-neighbour search.
//!
//! - Fashion-MNIST (784-d, L2): our HNSW against `hnsw_rs`, `instant-distance` and
//!   `usearch` with the same M and ef_construction: recall@10 and single-thread
//!   QPS over an ef sweep, build time on 1 and 2 threads, memory.
//! - Hyperbolic: synthetic hierarchical data (Poincare 8-d, hyperboloid 17-d):
//!   recall@10 and QPS of the HNSW against exact search.

mod data;
mod fmnist;
mod hyperbolic;
mod peers;

use crate::report::Report;

/// Links per node and construction beam of every system.
pub const M: usize = 16;
/// Construction beam of every system.
pub const EF_CONSTRUCTION: usize = 200;
/// Neighbours asked for.
pub const K: usize = 10;

/// Runs the suite.
pub fn run(quick: bool) -> Result<Report, String> {
    let mut report = Report::new("ann", quick);
    // `ANN_ONLY=fmnist` or `ANN_ONLY=hyperbolic` runs one half of the suite.
    let only = std::env::var("ANN_ONLY").unwrap_or_default();
    if only != "hyperbolic" {
        fmnist::run(&mut report, quick)?;
    }
    if only != "fmnist" {
        hyperbolic::run(&mut report, quick)?;
    }
    Ok(report)
}

/// Resident set size of this process in bytes (from /proc; 0 elsewhere).
pub fn rss_bytes() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb * 1024.0)
}

/// Mean fraction of the true `K` nearest found per query.
pub fn recall(truth: &[Vec<u32>], got: &[Vec<u32>]) -> f64 {
    let total: f64 = truth
        .iter()
        .zip(got)
        .map(|(t, g)| t.iter().filter(|x| g.contains(x)).count() as f64 / t.len().max(1) as f64)
        .sum();
    total / truth.len().max(1) as f64
}
