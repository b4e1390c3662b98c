//! Suite `import`: loading JSONL into hyperspatial, and point queries over HTTP.
//!
//! - Entities per second from one JSONL file (users with five scalar fields and an
//!   external id; a second file adds one `follows` edge per row to an earlier row),
//!   through `hyperspatial::transfer` with its default batch of 10,000 rows (one
//!   durable commit each). The peer is redb loading the same rows, parsed the same
//!   way, as JSON values under their ids, one durable commit per 10,000: the floor of
//!   a durable key-value load on this machine. How long the background indexer then
//!   takes to link the staged positions is reported apart.
//! - Point queries per second over HTTP: `POST /query` with
//!   `SELECT * FROM users WHERE id = $id` from client threads against the server on
//!   a loopback port, over the imported data.

use crate::report::{Report, percentile};
use hyperspatial::Database;
use hyperspatial::transfer::{EdgeMapping, Format, ImportOptions, Mapping, import};
use hyperspatial_server::{Server, ServerConfig};
use std::time::Instant;

const SYSTEM: &str = "hyperspatial";
const PEER: &str = "redb";
const CLIENTS: usize = 4;

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

/// Point queries over HTTP from `CLIENTS` threads.
fn http_queries(report: &mut Report, db: Database, n: usize, queries: usize) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ctx("runtime"))?;
    let config = ServerConfig {
        addr: "127.0.0.1:0".parse().map_err(ctx("address"))?,
        ..ServerConfig::default()
    };
    let server = rt.block_on(Server::bind(db, config)).map_err(ctx("bind"))?;
    let addr = server.local_addr().map_err(ctx("address"))?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = rt.spawn(server.run(async {
        let _ = stopped.await;
    }));
    let url = format!("http://{addr}/query");
    let per = queries / CLIENTS;
    let start = Instant::now();
    let results: Vec<Result<Vec<f64>, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..CLIENTS)
            .map(|c| {
                let url = url.clone();
                s.spawn(move || -> Result<Vec<f64>, String> {
                    let client = reqwest::blocking::Client::new();
                    let mut lat = Vec::with_capacity(per);
                    for q in 0..per {
                        let i = crate::rng::splitmix64((c * per + q) as u64 ^ 0xABCD) as usize % n;
                        let body = serde_json::json!({
                            "query": "SELECT * FROM users WHERE id = $id",
                            "params": {"id": format!("u{i}")}
                        });
                        let t = Instant::now();
                        let res = client
                            .post(&url)
                            .json(&body)
                            .send()
                            .map_err(ctx("request"))?;
                        if !res.status().is_success() {
                            return Err(format!("import suite: query answered {}", res.status()));
                        }
                        let v: serde_json::Value = res.json().map_err(ctx("answer"))?;
                        if v["rows"].as_array().map_or(0, Vec::len) != 1 {
                            return Err(format!("import suite: u{i} not found: {v}"));
                        }
                        lat.push(t.elapsed().as_secs_f64() * 1e6);
                    }
                    Ok(lat)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("a client thread panicked".into()))
            })
            .collect()
    });
    let wall = start.elapsed().as_secs_f64();
    let _ = stop.send(());
    rt.block_on(task)
        .map_err(ctx("server task"))?
        .map_err(ctx("server"))?;
    let mut all = Vec::new();
    for r in results {
        all.extend(r?);
    }
    report.add(
        SYSTEM,
        "http_point_query_per_s",
        all.len() as f64 / wall,
        "queries/s",
    );
    report.add(
        SYSTEM,
        "http_point_query_p50_us",
        percentile(&mut all, 0.5),
        "us",
    );
    report.note(format!(
        "HTTP: {CLIENTS} client threads, one keep-alive connection each, server on 2 \
         worker threads, same machine"
    ));
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
    let rate = report.get(SYSTEM, "import_jsonl_per_s").unwrap_or(0.0);
    report.note(format!(
        "goal: import >= 100,000 entities/s from JSONL: {} ({rate:.0} entities/s)",
        if rate >= 100_000.0 { "met" } else { "NOT met" }
    ));
    http_queries(&mut report, db, n, queries)?;
    Ok(report)
}
