//! The path a user takes with a hierarchy: WordNet rows imported as JSONL through
//! `hyperspatial::transfer::import` (rows in random order, one edge column
//! `parents:hyponym:in`), positions placed by the writes, then the background
//! refinement, then `SELECT _key, position FROM c` read back through HyperQL and
//! evaluated with the same reconstruction protocol as the offline layouts.
//!
//! Two experiments per set and dimension:
//! - `import`: every row imported at once; MAP of the placements the writes made
//!   (`placed`), then after the refinement (`refined`, what the database settles to
//!   by itself: `Database::wait_for_positions` runs what the background thread
//!   would), with the times.
//! - `grow`: 90% of the rows imported and refined, then the other 10% imported
//!   (their `parents` and a `children` column naming their stored children,
//!   `children:hyponym`); MAP after the first part is refined (`base`), after the
//!   10% are placed by the writes alone (`grown`), and their ratio; then after the
//!   refinement runs again (`grown_refined`). The writes re-place at most
//!   4,096 nodes of moved subtrees per batch (bounded work per write): with 10% of
//!   the nouns missing, many of the others hang below a missing node, so the
//!   placements alone leave most of those subtrees where they were, and the
//!   refinement repairs them.

use crate::report::Report;
use hyperql::{Engine, Params, Value};
use hyperspatial::Database;
use hyperspatial::positioning::{Hierarchy, reconstruction};
use hyperspatial::transfer::{EdgeMapping, Format, ImportOptions, Mapping, import};
use std::collections::HashMap;
use std::time::Instant;

const SYSTEM: &str = "hyperspatial-import";

fn ctx<E: std::fmt::Display>(what: &'static str) -> impl Fn(E) -> String {
    move |e| format!("{what}: {e}")
}

/// A hierarchy: `n` nodes, `parent -> child` edges.
pub(crate) struct Tree<'a> {
    pub name: &'a str,
    pub n: usize,
    pub edges: &'a [(u32, u32)],
    pub closure: &'a [Vec<u32>],
}

/// A seeded shuffle of `0..n`.
fn shuffled(n: usize, seed: u64) -> Vec<u32> {
    let mut rng = crate::rng::Rng::new(seed);
    let mut v: Vec<u32> = (0..n as u32).collect();
    for i in (1..v.len()).rev() {
        let j = rng.below(i + 1);
        v.swap(i, j);
    }
    v
}

/// JSONL rows of `nodes` (in that order): `id`, `parents` (the parents in `keep`)
/// and, with `children`, the children in `keep` that are not in `nodes`.
fn rows(t: &Tree, nodes: &[u32], keep: &[bool], children: bool) -> String {
    let mut parents: Vec<Vec<u32>> = vec![Vec::new(); t.n];
    let mut kids: Vec<Vec<u32>> = vec![Vec::new(); t.n];
    for &(p, c) in t.edges {
        parents[c as usize].push(p);
        kids[p as usize].push(c);
    }
    let inside: std::collections::HashSet<u32> = nodes.iter().copied().collect();
    let list = |v: &[u32], f: &dyn Fn(u32) -> bool| -> String {
        let names: Vec<String> = v
            .iter()
            .filter(|x| f(**x))
            .map(|x| format!("\"w{x}\""))
            .collect();
        names.join(",")
    };
    let mut out = String::new();
    for &i in nodes {
        let ps = list(&parents[i as usize], &|p| keep[p as usize]);
        out.push_str(&format!("{{\"id\":\"w{i}\",\"parents\":[{ps}]"));
        if children {
            let cs = list(&kids[i as usize], &|c| {
                keep[c as usize] && !inside.contains(&c)
            });
            out.push_str(&format!(",\"children\":[{cs}]"));
        }
        out.push_str("}\n");
    }
    out
}

fn load(db: &Database, c: &str, text: &str, children: bool) -> Result<f64, String> {
    let mut m = Mapping::new(c);
    m.edges = vec![EdgeMapping::parse("parents:hyponym:in").map_err(ctx("mapping"))?];
    if children {
        m.edges
            .push(EdgeMapping::parse("children:hyponym").map_err(ctx("mapping"))?);
    }
    let t = Instant::now();
    let s = import(
        db,
        text.as_bytes(),
        Format::Jsonl,
        &m,
        &ImportOptions::default(),
        &mut |_| {},
    )
    .map_err(ctx("import"))?;
    if s.rejected != 0 || s.edges_rejected != 0 {
        return Err(format!(
            "import: {} rows and {} edges rejected",
            s.rejected, s.edges_rejected
        ));
    }
    Ok(t.elapsed().as_secs_f64())
}

/// MAP and mean rank of the positions read through HyperQL for the nodes `nodes`
/// against `closure` (indexed like `nodes`).
fn evaluate(
    db: &Database,
    c: &str,
    nodes: &[u32],
    closure: &[Vec<u32>],
) -> Result<(f64, f64), String> {
    let engine = Engine::new(db.clone());
    let r = engine
        .query(&format!("SELECT _key, position FROM {c}"), &Params::new())
        .map_err(ctx("read positions"))?;
    let local: HashMap<u32, usize> = nodes.iter().enumerate().map(|(i, &n)| (n, i)).collect();
    let mut pos: Vec<Vec<f64>> = vec![Vec::new(); nodes.len()];
    for row in &r.rows {
        let (Some(Value::String(k)), Some(Value::Array(p))) = (row.first(), row.get(1)) else {
            return Err(format!("row without a key or a position: {row:?}"));
        };
        let n: u32 = k
            .strip_prefix('w')
            .and_then(|s| s.parse().ok())
            .ok_or(format!("key {k}"))?;
        let x: Vec<f64> = p.iter().filter_map(Value::as_f64).collect();
        if let Some(&i) = local.get(&n) {
            pos[i] = x;
        }
    }
    if pos.iter().any(Vec::is_empty) {
        return Err("an imported node has no position".into());
    }
    let r = reconstruction(&pos, closure).map_err(ctx("reconstruction"))?;
    Ok((r.map, r.mean_rank))
}

fn open(dim: usize) -> Result<(tempfile::TempDir, Database), String> {
    let dir = tempfile::tempdir().map_err(ctx("temp dir"))?;
    let opts = hyperspatial::Options {
        position_dim: dim,
        // The refinement runs when the measurement says so (what the background
        // thread would run, on this thread, timed).
        refine: None,
        trajectories: false,
        ..hyperspatial::Options::default()
    };
    let db = Database::open_with(dir.path(), opts).map_err(ctx("open"))?;
    Ok((dir, db))
}

/// Both experiments on `t` at `dim` dimensions.
pub(crate) fn measure(report: &mut Report, t: &Tree, dim: usize) -> Result<(), String> {
    let key = format!("{}_{dim}d", t.name);
    let all: Vec<u32> = shuffled(t.n, 0x5eed ^ dim as u64);
    let keep = vec![true; t.n];
    // Every row at once.
    {
        let (_dir, db) = open(dim)?;
        let secs = load(&db, t.name, &rows(t, &all, &keep, false), false)?;
        let order: Vec<u32> = (0..t.n as u32).collect();
        let (map, rank) = evaluate(&db, t.name, &order, t.closure)?;
        report.add(SYSTEM, &format!("{key}_import_s"), secs, "s");
        report.add(SYSTEM, &format!("{key}_placed_map"), map, "");
        report.add(SYSTEM, &format!("{key}_placed_mean_rank"), rank, "");
        let s = Instant::now();
        db.wait_for_positions().map_err(ctx("refine"))?;
        report.add(
            SYSTEM,
            &format!("{key}_refine_s"),
            s.elapsed().as_secs_f64(),
            "s",
        );
        let (map, rank) = evaluate(&db, t.name, &order, t.closure)?;
        report.add(SYSTEM, &format!("{key}_refined_map"), map, "");
        report.add(SYSTEM, &format!("{key}_refined_mean_rank"), rank, "");
    }
    // 90%, refined, then 10% more.
    let cut = t.n - t.n / 10;
    let (first, rest) = all.split_at(cut);
    let mut in_first = vec![false; t.n];
    for &i in first {
        in_first[i as usize] = true;
    }
    let (_dir, db) = open(dim)?;
    load(&db, t.name, &rows(t, first, &in_first, false), false)?;
    db.wait_for_positions().map_err(ctx("refine"))?;
    let local: HashMap<u32, u32> = first
        .iter()
        .enumerate()
        .map(|(i, &n)| (n, i as u32))
        .collect();
    let sub_edges: Vec<(u32, u32)> = t
        .edges
        .iter()
        .filter_map(|(p, c)| Some((*local.get(p)?, *local.get(c)?)))
        .collect();
    let sub_closure = Hierarchy::new(first.len(), &sub_edges)
        .and_then(|h| h.ancestor_closure(usize::MAX))
        .map_err(ctx("closure"))?;
    let (base, _) = evaluate(&db, t.name, first, &sub_closure)?;
    let secs = load(&db, t.name, &rows(t, rest, &keep, true), true)?;
    let order: Vec<u32> = (0..t.n as u32).collect();
    let (grown, rank) = evaluate(&db, t.name, &order, t.closure)?;
    report.add(SYSTEM, &format!("{key}_grow_base_map"), base, "");
    report.add(SYSTEM, &format!("{key}_grow_import_s"), secs, "s");
    report.add(SYSTEM, &format!("{key}_grown_map"), grown, "");
    report.add(SYSTEM, &format!("{key}_grown_mean_rank"), rank, "");
    report.add(SYSTEM, &format!("{key}_grown_ratio"), grown / base, "x");
    // Then what the background refinement settles to.
    let s = Instant::now();
    db.wait_for_positions().map_err(ctx("refine"))?;
    report.add(
        SYSTEM,
        &format!("{key}_grow_refine_s"),
        s.elapsed().as_secs_f64(),
        "s",
    );
    let (refined, _) = evaluate(&db, t.name, &order, t.closure)?;
    report.add(SYSTEM, &format!("{key}_grown_refined_map"), refined, "");
    report.add(
        SYSTEM,
        &format!("{key}_grown_refined_ratio"),
        refined / base,
        "x",
    );
    Ok(())
}
