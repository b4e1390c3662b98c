//! Suite `graph`: manifold-graph against petgraph in memory (the ceiling without
//! persistence), on a synthetic graph: `V` vertices, fan-out 10 (70% `follows`, 30%
//! `likes`, uniform random targets, seeded), so `E = 10 V` (1M edges in a full run).
//!
//! - bulk edge load (edges/s; manifold: 10k edges per durable transaction);
//! - 1-hop outgoing and incoming neighbours from a warm cache (p50, p99, and the best
//!   mean over 50 consecutive queries, the unpreempted cost on a loaded machine);
//! - 2-hop BFS (fan-out 10, about 110 vertices) from a warm cache (likewise, batches
//!   of 20);
//! - connected components and PageRank over the whole graph.

use crate::report::{Report, median, micros, percentile};
use crate::rng::Rng;
use manifold_graph::{Bfs, Direction, Graph, PageRank, TypeFilter};
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::{HashMap, HashSet};
use std::hint::black_box;
use std::time::Instant;
use uuid::Uuid;

const FAN_OUT: u64 = 10;

fn vid(i: u64) -> Uuid {
    // Spread ids over the key space like random UUIDs would.
    Uuid::from_u128(u128::from(i.wrapping_mul(0x9E37_79B9_7F4A_7C15)) << 64 | u128::from(i))
}

/// Runs the suite.
pub fn run(quick: bool) -> Result<Report, String> {
    let mut report = Report::new("graph", quick);
    let v: u64 = if quick { 20_000 } else { 100_000 };
    let samples = if quick { 5_000 } else { 20_000 };
    let err = |e: manifold_graph::GraphError| e.to_string();
    let mut rng = Rng::new(7);
    let edges: Vec<(Uuid, &str, Uuid)> = (0..v)
        .flat_map(|s| (0..FAN_OUT).map(move |j| (s, j)))
        .map(|(s, j)| {
            let t = if j < 7 { "follows" } else { "likes" };
            (vid(s), t, vid(rng.next_u64() % v))
        })
        .collect();
    report.note(format!(
        "synthetic: {v} vertices, {} edges (fan-out {FAN_OUT}, uniform targets, seed 7); manifold Config::large (512 MiB cache per family), durable commits; latencies from a warm cache, {samples} random start vertices; peer: petgraph {} (default features), a `DiGraph` in memory, with a `HashMap` from vertex id to node index",
        edges.len(),
        crate::versions::version("petgraph")
    ));

    // Bulk load.
    let dir = std::env::temp_dir().join(format!("bench-graph-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let db = manifold::Database::open_with(dir.join("graph.manifold"), manifold::Config::large())
        .map_err(|e| e.to_string())?;
    let graph = Graph::open(
        &db.column_family_or_create("g").map_err(|e| e.to_string())?,
        "bench",
    )
    .map_err(err)?;
    let t = Instant::now();
    for chunk in edges.chunks(10_000) {
        graph
            .add_edges(chunk.iter().map(|&(s, ty, d)| (s, ty, d, 1.0)))
            .map_err(err)?;
    }
    report.add(
        "manifold-graph",
        "bulk_load_edges_per_s",
        edges.len() as f64 / t.elapsed().as_secs_f64(),
        "edges/s",
    );
    let t = Instant::now();
    let mut pg: DiGraph<Uuid, f32> = DiGraph::with_capacity(v as usize, edges.len());
    let mut index: HashMap<Uuid, NodeIndex> = HashMap::with_capacity(v as usize);
    for &(s, _, d) in &edges {
        let a = *index.entry(s).or_insert_with(|| pg.add_node(s));
        let b = *index.entry(d).or_insert_with(|| pg.add_node(d));
        pg.add_edge(a, b, 1.0);
    }
    report.add(
        "petgraph",
        "bulk_load_edges_per_s",
        edges.len() as f64 / t.elapsed().as_secs_f64(),
        "edges/s",
    );
    report.ratio("bulk_load_edges_per_s", "manifold-graph", "petgraph");

    let reader = graph.reader().map_err(err)?;
    let starts: Vec<Uuid> = (0..samples).map(|_| vid(rng.next_u64() % v)).collect();
    // Warm the cache: touch every start once in both systems.
    let mut buf: Vec<Uuid> = Vec::with_capacity(64);
    for &s in &starts {
        reader
            .for_each_edge(s, Direction::Both, &TypeFilter::All, false, |e| {
                buf.push(e.dst)
            })
            .map_err(err)?;
        buf.clear();
    }

    for (name, dir_g, dir_p) in [
        (
            "1hop_out",
            Direction::Outgoing,
            petgraph::Direction::Outgoing,
        ),
        (
            "1hop_in",
            Direction::Incoming,
            petgraph::Direction::Incoming,
        ),
    ] {
        let (mut ours, mut theirs) = (Vec::with_capacity(samples), Vec::with_capacity(samples));
        for &s in &starts {
            let t = Instant::now();
            reader
                .for_each_edge(s, dir_g, &TypeFilter::All, false, |e| buf.push(e.other(s)))
                .map_err(err)?;
            ours.push(micros(t.elapsed()));
            black_box(&buf);
            buf.clear();
            let t = Instant::now();
            if let Some(&n) = index.get(&s) {
                buf.extend(pg.neighbors_directed(n, dir_p).map(|m| pg[m]));
            }
            theirs.push(micros(t.elapsed()));
            black_box(&buf);
            buf.clear();
        }
        for (sys, xs) in [("manifold-graph", &mut ours), ("petgraph", &mut theirs)] {
            let best = best_batch_mean(xs, 50);
            report.add(sys, &format!("{name}_best50_mean_us"), best, "us");
            report.add(sys, &format!("{name}_p50_us"), median(xs), "us");
            report.add(sys, &format!("{name}_p99_us"), percentile(xs, 0.99), "us");
        }
        report.ratio(&format!("{name}_p50_us"), "manifold-graph", "petgraph");
    }

    // 2-hop BFS (both systems dedup with a hash set).
    let bfs = Bfs::hops(2);
    let (mut ours, mut theirs) = (vec![], vec![]);
    let mut reached = 0usize;
    for &s in starts.iter().take(samples / 4) {
        let t = Instant::now();
        let got = reader.bfs(s, &bfs).map_err(err)?;
        ours.push(micros(t.elapsed()));
        reached += got.len();
        let t = Instant::now();
        black_box(petgraph_two_hop(&pg, &index, s));
        theirs.push(micros(t.elapsed()));
    }
    report.add(
        "manifold-graph",
        "2hop_bfs_best20_mean_us",
        best_batch_mean(&ours, 20),
        "us",
    );
    report.add(
        "petgraph",
        "2hop_bfs_best20_mean_us",
        best_batch_mean(&theirs, 20),
        "us",
    );
    report.add("manifold-graph", "2hop_bfs_p50_us", median(&mut ours), "us");
    report.add(
        "manifold-graph",
        "2hop_bfs_p99_us",
        percentile(&mut ours, 0.99),
        "us",
    );
    report.add("petgraph", "2hop_bfs_p50_us", median(&mut theirs), "us");
    report.add(
        "petgraph",
        "2hop_bfs_p99_us",
        percentile(&mut theirs, 0.99),
        "us",
    );
    report.ratio("2hop_bfs_p50_us", "manifold-graph", "petgraph");
    report.note(format!(
        "2-hop BFS reaches {:.1} vertices on average",
        reached as f64 / (samples / 4).max(1) as f64
    ));

    // Whole graph.
    let t = Instant::now();
    let snap = reader.snapshot(&TypeFilter::All).map_err(err)?;
    report.add(
        "manifold-graph",
        "snapshot_load_ms",
        t.elapsed().as_secs_f64() * 1e3,
        "ms",
    );
    let t = Instant::now();
    let cc = snap.connected_components();
    report.add(
        "manifold-graph",
        "components_ms",
        t.elapsed().as_secs_f64() * 1e3,
        "ms",
    );
    let t = Instant::now();
    let pcc = petgraph::algo::connected_components(&pg);
    report.add(
        "petgraph",
        "components_ms",
        t.elapsed().as_secs_f64() * 1e3,
        "ms",
    );
    if pcc != cc.count {
        return Err(format!("component counts differ: {} vs {pcc}", cc.count));
    }
    report.ratio("components_ms", "manifold-graph", "petgraph");
    let params = PageRank {
        damping: 0.85,
        tolerance: 0.0,
        max_iterations: 20,
    };
    let t = Instant::now();
    black_box(snap.pagerank(&params));
    report.add(
        "manifold-graph",
        "pagerank_20_iterations_ms",
        t.elapsed().as_secs_f64() * 1e3,
        "ms",
    );

    drop(reader);
    drop(graph);
    drop(db);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(report)
}

/// The smallest mean over consecutive batches of `batch` samples (in the order they
/// were taken): on a shared, loaded machine, the cost of an operation when nothing
/// preempted it.
fn best_batch_mean(xs: &[f64], batch: usize) -> f64 {
    xs.chunks_exact(batch)
        .map(|c| c.iter().sum::<f64>() / batch as f64)
        .fold(f64::INFINITY, f64::min)
}

fn petgraph_two_hop(pg: &DiGraph<Uuid, f32>, index: &HashMap<Uuid, NodeIndex>, s: Uuid) -> usize {
    let Some(&start) = index.get(&s) else {
        return 0;
    };
    let mut seen = HashSet::from([start]);
    let mut frontier = vec![start];
    let mut out = Vec::new();
    for _ in 0..2 {
        let mut next = Vec::new();
        for &n in &frontier {
            for m in pg.neighbors(n) {
                if seen.insert(m) {
                    next.push(m);
                    out.push(pg[m]);
                }
            }
        }
        frontier = next;
    }
    out.len()
}
