//! Suite `hyperspatial`: the hyperspatial database on disk (each part in its own
//! database in a temporary directory).
//!
//! - `entities`: bulk load, entity reads by UUID (entity-cache hits, misses with the
//!   cache off, first reads after a reopen), and the entity cache's hit rate under
//!   Zipf-distributed reads over ten times more entities than it holds.
//! - `sql`: SQL-style queries through HyperQL (a filtered scan with `LIMIT`, a point
//!   query by external id, a full filtered count), without and with secondary indexes.
//! - `scans` (with `sqlite`): queries no index answers (a filtered aggregate, `COUNT(*)`,
//!   filter + `ORDER BY` + `LIMIT 10`) and the point query by id, through HyperQL and
//!   on SQLite holding the same rows, answers checked equal.
//! - `knn`: bulk load of vectors, k-NN through HyperQL, through the `DataSource`
//!   directly and on a standalone HNSW with the same parameters, with recall@10
//!   against brute force.
//! - `cascade`: the latency of a single-field write whose collection feeds a cascaded
//!   average, against the same write on a collection that feeds nothing and against
//!   a write of the same two collections without a cascade.
//! - `endpoints`: one endpoint read (Rust API, HyperQL), batched endpoint writes
//!   (`SET`), path pattern matching and wildcard queries (`ENDPOINTS`), beside the
//!   published claims of the system the endpoint model comes from.

mod cascade;
mod endpoints;
mod entities;
mod knn;
mod scans;
mod sql;
mod sqlite;

use crate::report::{Report, percentile};
pub(crate) use crate::rng::Rng;
use std::time::Instant;

/// Runs the suite.
pub fn run(quick: bool) -> Result<Report, String> {
    let mut report = Report::new("hyperspatial", quick);
    let scale = Scale::new(quick);
    report.note(format!(
        "hyperspatial databases in temporary directories on disk, default options unless \
         stated; {} entities per data set; writes commit durably (one sync per batch); the \
         harness allocates with mimalloc, as the `hyperspatial` binary does",
        scale.entities
    ));
    entities::run(&mut report, &scale)?;
    knn::run(&mut report, &scale)?;
    cascade::run(&mut report, &scale)?;
    endpoints::run(&mut report, &scale)?;
    Ok(report)
}

/// Sizes of the data sets and of the measured loops.
pub(crate) struct Scale {
    /// Entities per data set (users; documents with vectors).
    pub entities: usize,
    /// Entities per write batch while loading.
    pub batch: usize,
    /// Timed reads per latency figure.
    pub reads: usize,
    /// Timed HyperQL queries per latency figure.
    pub queries: usize,
    /// Timed k-NN queries.
    pub knn_queries: usize,
    /// Queries whose recall is checked against brute force.
    pub recall_queries: usize,
    /// Timed writes per system in the cascade part.
    pub writes: usize,
    /// Cascade fan-ins measured (posts per topic).
    pub fan_ins: &'static [usize],
}

impl Scale {
    fn new(quick: bool) -> Self {
        if quick {
            Scale {
                entities: 10_000,
                batch: 1_000,
                reads: 2_000,
                queries: 200,
                knn_queries: 200,
                recall_queries: 100,
                writes: 60,
                fan_ins: &[10, 100],
            }
        } else {
            Scale {
                entities: 100_000,
                batch: 1_000,
                reads: 20_000,
                queries: 1_000,
                knn_queries: 1_000,
                recall_queries: 200,
                writes: 300,
                fan_ins: &[10, 100, 1_000],
            }
        }
    }
}

/// Records `<prefix>_p50_us`, `<prefix>_p99_us` and `<prefix>_per_s` from per-call
/// latencies (microseconds) and the wall time of the loop that took them. Returns
/// (p50, p99).
pub(crate) fn latencies(
    report: &mut Report,
    system: &str,
    prefix: &str,
    samples: &mut [f64],
    wall_s: f64,
) -> (f64, f64) {
    let p50 = percentile(samples, 0.5);
    let p99 = percentile(samples, 0.99);
    report.add(system, &format!("{prefix}_p50_us"), p50, "us");
    report.add(system, &format!("{prefix}_p99_us"), p99, "us");
    if wall_s > 0.0 {
        report.add(
            system,
            &format!("{prefix}_per_s"),
            samples.len() as f64 / wall_s,
            "ops/s",
        );
    }
    (p50, p99)
}

/// Times `f` once per item of `items`: per-call microseconds and the loop's wall time.
pub(crate) fn time_each<T, E>(
    items: impl IntoIterator<Item = T>,
    mut f: impl FnMut(T) -> Result<(), E>,
) -> Result<(Vec<f64>, f64), E> {
    let mut samples = Vec::new();
    let start = Instant::now();
    for item in items {
        let t = Instant::now();
        f(item)?;
        samples.push(t.elapsed().as_secs_f64() * 1e6);
    }
    Ok((samples, start.elapsed().as_secs_f64()))
}

/// A note stating a goal and whether the measured figure meets it.
pub(crate) fn goal(report: &mut Report, what: &str, target: &str, measured: String, met: bool) {
    report.note(format!(
        "goal: {what} {target}: {} ({measured})",
        if met { "met" } else { "NOT met" }
    ));
}

/// Any error as the harness's error text, with what was being done.
pub(crate) fn ctx<E: std::fmt::Display>(what: &'static str) -> impl Fn(E) -> String {
    move |e| format!("hyperspatial suite, {what}: {e}")
}

/// Zipf-distributed ranks over `0..n`: rank `r` has probability proportional to
/// `1 / (r + 1)^s`.
pub(crate) struct Zipf {
    cdf: Vec<f64>,
}

impl Zipf {
    pub fn new(n: usize, s: f64) -> Self {
        let mut cdf = Vec::with_capacity(n);
        let mut acc = 0.0;
        for r in 0..n {
            acc += 1.0 / ((r + 1) as f64).powf(s);
            cdf.push(acc);
        }
        for x in &mut cdf {
            *x /= acc;
        }
        Zipf { cdf }
    }

    /// A rank.
    pub fn sample(&self, rng: &mut Rng) -> usize {
        let u = rng.unit();
        self.cdf.partition_point(|&c| c < u).min(self.cdf.len() - 1)
    }

    /// The probability mass of the `k` most likely ranks: the hit rate of a cache
    /// that always holds exactly them (the best any policy of that size can do).
    pub fn top_mass(&self, k: usize) -> f64 {
        match k {
            0 => 0.0,
            k => self.cdf[k.min(self.cdf.len()) - 1],
        }
    }
}
