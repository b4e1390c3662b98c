//! Fashion-MNIST: four HNSW implementations on the same data in one process.

use std::path::Path;
use std::time::Instant;

use super::data::{FMNIST_DIR, ground_truth_l2, read_idx_images};
use super::peers::{self, NAMES, System};
use super::{EF_CONSTRUCTION, K, M, recall, rss_bytes};
use crate::report::Report;

/// Recall the headline QPS figure is read at.
const TARGET_RECALL: f64 = 0.95;

fn pool(threads: usize) -> Result<rayon::ThreadPool, String> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| e.to_string())
}

/// Runs the Fashion-MNIST half of the suite.
pub fn run(report: &mut Report, quick: bool) -> Result<(), String> {
    let (n, nq) = if quick {
        (10_000, 500)
    } else {
        (60_000, 10_000)
    };
    let dir = Path::new(FMNIST_DIR);
    let (base, dim) = read_idx_images(&dir.join("train-images-idx3-ubyte.gz"), n)?;
    let (queries, qdim) = read_idx_images(&dir.join("t10k-images-idx3-ubyte.gz"), nq)?;
    if dim != qdim {
        return Err("train and test dimensions differ".into());
    }
    let (n, nq) = (base.len() / dim, queries.len() / dim);
    eprintln!("ann: Fashion-MNIST {n} x {dim}, {nq} queries; ground truth...");
    let truth = ground_truth_l2(&format!("fmnist-{n}-{nq}"), &base, &queries, dim, K);
    report.note(format!(
        "Fashion-MNIST {n} train x {dim}-d (L2, raw pixels 0..255), {nq} test queries, k = {K}; \
         M = {M}, ef_construction = {EF_CONSTRUCTION} for hyperspatial, hnsw_rs and usearch; \
         instant-distance fixes M = 32 at compile time and ef_search at build time \
         (built with ef_search 64, and 128 for the 1-thread build in full mode). Its points use hyperspatial's SIMD L2 kernel."
    ));
    report.note(peers::description());
    report.note(
        "QPS: one thread, all queries in sequence; build: rayon pool of 1 or 2 threads \
         (quick mode: 1-thread builds of hyperspatial and usearch only); memory: growth of \
         the process RSS during the 2-thread build (indexes kept alive; approximate, the \
         allocator reuses memory freed by earlier builds).",
    );

    // 2-thread builds first, kept for searching, measuring RSS growth.
    let two = pool(2)?;
    let mut systems: Vec<(String, usize, Box<dyn System>)> = Vec::new();
    for name in NAMES {
        let before = rss_bytes();
        let t = Instant::now();
        let sys = two.install(|| peers::build(name, &base, dim, 64));
        report.add(name, "build_s_2_threads", t.elapsed().as_secs_f64(), "s");
        report.add(name, "memory_mb", (rss_bytes() - before) / 1e6, "MB");
        systems.push((name.to_string(), 64, sys));
    }
    let one = pool(1)?;
    // Quick mode times 1-thread builds only for us and the fastest peer.
    let one_thread: &[&str] = if quick {
        &["hyperspatial", "usearch"]
    } else {
        &NAMES
    };
    for &name in one_thread {
        let t = Instant::now();
        let sys = one.install(|| peers::build(name, &base, dim, 128));
        report.add(name, "build_s_1_thread", t.elapsed().as_secs_f64(), "s");
        if name == "instant-distance" {
            systems.push((name.to_string(), 128, sys));
        }
    }

    let efs: &[usize] = if quick {
        &[16, 32, 64, 128]
    } else {
        &[10, 16, 24, 32, 48, 64, 96, 128, 256]
    };
    let mut best: Vec<(String, f64)> = NAMES.iter().map(|n| (n.to_string(), 0.0)).collect();
    for &ef in efs {
        for (name, built_ef, sys) in &mut systems {
            if name == "instant-distance" && *built_ef != ef {
                continue;
            }
            let t = Instant::now();
            let got: Vec<Vec<u32>> = queries
                .chunks_exact(dim)
                .map(|q| sys.search(q, ef))
                .collect();
            let qps = nq as f64 / t.elapsed().as_secs_f64();
            let r = recall(&truth, &got);
            report.add(name, &format!("recall@10 ef={ef}"), r, "");
            report.add(name, &format!("qps ef={ef}"), qps, "q/s");
            if r >= TARGET_RECALL
                && let Some(b) = best.iter_mut().find(|b| b.0 == *name)
            {
                b.1 = b.1.max(qps);
            }
        }
    }
    for (name, qps) in &best {
        report.add(name, "qps_at_recall_0.95", *qps, "q/s");
    }
    for peer in &NAMES[1..] {
        report.ratio("qps_at_recall_0.95", "hyperspatial", peer);
        report.ratio("build_s_1_thread", "hyperspatial", peer);
        report.ratio("build_s_2_threads", "hyperspatial", peer);
    }
    Ok(())
}
