//! Suite `import`: loading JSONL into hyperspatial, and point queries over HTTP.
//!
//! - Entities per second from one JSONL file (users with five scalar fields and an
//!   external id; a second file adds one `follows` edge per row to an earlier row),
//!   through `hyperspatial::transfer` with its default batch of 10,000 rows (one
//!   durable commit each). The peer is redb loading the same rows, parsed the same
//!   way, as JSON values under their ids, one durable commit per 10,000: the floor of
//!   a durable key-value load on this machine. How long the background indexer then
//!   takes to link the staged positions is reported apart.
//! - Point queries per second over HTTP (`http`): `POST /query` with
//!   `SELECT * FROM users WHERE id = $id` from client threads against the server on
//!   a loopback port, over the imported data, and the same clients against a trivial
//!   axum handler in the same run.

mod http;

use crate::report::Report;
use hyperspatial::Database;
use hyperspatial::transfer::{EdgeMapping, Format, ImportOptions, Mapping, import};
use std::time::Instant;

const SYSTEM: &str = "hyperspatial";
const PEER: &str = "redb";

fn ctx<E: std::fmt::Display>(what: &'static str) -> impl Fn(E) -> String {
    move |e| format!("import suite, {what}: {e}")
}

/// `n` users as JSONL; with `edges`, each row but the first follows an earlier one.
fn users(n: usize, edges: bool) -> String {
    let mut out = String::with_capacity(n * 140);
    for i in 0..n {
        let r = crate::rng::splitmix64(i as u64);
        out.push_str(&format!(
            "{{\"id\":\"u{i}\",\"name\":\"user {i}\",\"age\":{},\"city\":\"c{}\",\"email\":\"user{i}@example.com\",\"score\":{:.4}",
            18 + r % 60,
            (r >> 8) % 20,
            ((r >> 16) % 10_000) as f64 / 10_000.0
        ));
        if edges && i > 0 {
            out.push_str(&format!(",\"follows\":\"u{}\"", (r >> 32) as usize % i));
        }
        out.push_str("}\n");
    }
    out
}

fn load(
    report: &mut Report,
    text: &str,
    n: usize,
    edges: bool,
) -> Result<(tempfile::TempDir, Database), String> {
    let dir = tempfile::tempdir().map_err(ctx("temp dir"))?;
    let db = Database::open(dir.path()).map_err(ctx("open"))?;
    let mut m = Mapping::new("users");
    if edges {
        m.edges = vec![EdgeMapping::parse("follows:follows").map_err(ctx("mapping"))?];
    }
    let start = Instant::now();
    let s = import(
        &db,
        text.as_bytes(),
        Format::Jsonl,
        &m,
        &ImportOptions::default(),
        &mut |_| {},
    )
    .map_err(ctx("import"))?;
    let secs = start.elapsed().as_secs_f64();
    if s.accepted as usize != n || s.rejected != 0 {
        return Err(format!("import suite: {} of {n} rows accepted", s.accepted));
    }
    let what = if edges { "jsonl_with_edges" } else { "jsonl" };
    report.add(
        SYSTEM,
        &format!("import_{what}_per_s"),
        n as f64 / secs,
        "entities/s",
    );
    let t = Instant::now();
    db.wait_for_indexes();
    report.add(
        SYSTEM,
        &format!("index_catch_up_{what}_s"),
        t.elapsed().as_secs_f64(),
        "s",
    );
    Ok((dir, db))
}

/// The peer: the same rows as JSON values in redb, one durable commit per 10,000.
fn redb_load(report: &mut Report, text: &str, n: usize) -> Result<(), String> {
    const TABLE: redb::TableDefinition<&str, &[u8]> = redb::TableDefinition::new("rows");
    let dir = tempfile::tempdir().map_err(ctx("temp dir"))?;
    let db = redb::Database::create(dir.path().join("rows.redb")).map_err(ctx("redb create"))?;
    let start = Instant::now();
    let mut lines = text.lines().peekable();
    while lines.peek().is_some() {
        let tx = db.begin_write().map_err(ctx("redb begin"))?;
        {
            let mut t = tx.open_table(TABLE).map_err(ctx("redb table"))?;
            for line in lines.by_ref().take(10_000) {
                let v: serde_json::Value = serde_json::from_str(line).map_err(ctx("parse"))?;
                let id = v["id"].as_str().unwrap_or_default().to_string();
                let bytes = serde_json::to_vec(&v).map_err(ctx("encode"))?;
                t.insert(id.as_str(), bytes.as_slice())
                    .map_err(ctx("redb insert"))?;
            }
        }
        tx.commit().map_err(ctx("redb commit"))?;
    }
    report.add(
        PEER,
        "import_jsonl_per_s",
        n as f64 / start.elapsed().as_secs_f64(),
        "entities/s",
    );
    Ok(())
}

/// Runs the suite.
pub fn run(quick: bool) -> Result<Report, String> {
    let mut report = Report::new("import", quick);
    let (n, queries) = if quick {
        (20_000, 4_000)
    } else {
        (100_000, 40_000)
    };
    report.note(format!(
        "{n} users of five scalar fields and an external id per JSONL file, imported \
         in batches of 10,000 rows, one durable commit each"
    ));
    let plain = users(n, false);
    redb_load(&mut report, &plain, n)?;
    let (_dir, db) = load(&mut report, &plain, n, false)?;
    drop(db);
    let with_edges = users(n, true);
    let (_dir2, db) = load(&mut report, &with_edges, n, true)?;
    report.ratio("import_jsonl_per_s", SYSTEM, PEER);
    import_goals(&mut report);
    http::run(&mut report, db, n, queries)?;
    Ok(report)
}

/// The goal notes of the JSONL import: absolute, and against redb loading the same rows.
fn import_goals(report: &mut Report) {
    let rate = report.get(SYSTEM, "import_jsonl_per_s").unwrap_or(0.0);
    let peer = report.get(PEER, "import_jsonl_per_s").unwrap_or(0.0);
    let x = rate / peer.max(1e-9);
    let verdict = |met: bool| if met { "met" } else { "NOT met" };
    report.note(format!(
        "goal: import >= 100,000 entities/s from JSONL: {} ({rate:.0} entities/s)",
        verdict(rate >= 100_000.0)
    ));
    report.note(format!(
        "goal: import from JSONL >= 0.35x plain redb loading the same rows: {} ({x:.2}x: \
         {rate:.0} against {peer:.0} entities/s)",
        verdict(x >= 0.35)
    ));
    report.note(format!(
        "peer: redb {} with its defaults (`Database::create`: 1 GiB cache, \
         `Durability::Immediate`), rows parsed with serde_json and stored re-encoded \
         under their id in one table, one write transaction per 10,000 rows",
        crate::versions::version("redb")
    ));
}
