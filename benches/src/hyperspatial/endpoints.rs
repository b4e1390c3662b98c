//! Endpoints (document leaves addressed by `collection.entity.field` paths): one
//! endpoint read (the Rust API and HyperQL's `users[$k].contact.email`), batched
//! endpoint writes (`SET` of many endpoints in one statement), path pattern matching
//! alone, and wildcard queries (`ENDPOINTS('users.<key>.**')` through the
//! `DataSource` and through HyperQL). Each figure is shown beside the published
//! claims of the system this endpoint model comes from.

use super::{Rng, Scale, ctx, goal, latencies, time_each};
use crate::report::Report;
use ::hyperspatial::Database;
use hyperql::{
    DataSource, Document, EndpointPattern, EndpointsRequest, Engine, Interrupt, Params, Value,
    segments_match,
};
use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;
use uuid::Uuid;

const SYSTEM: &str = "hyperspatial";

/// The original system's published figures (per second).
const CLAIM_READS: f64 = 100_000.0;
const CLAIM_WRITES: f64 = 40_000.0;
const CLAIM_MATCHES: f64 = 3_000_000.0;
const CLAIM_WILDCARD: f64 = 250_000.0;

/// Endpoints written per `SET` statement in the batched writes.
const WRITE_BATCH: usize = 100;

fn contact(i: usize) -> Document {
    let mut c = Document::default();
    c.insert("email".into(), Value::str(&format!("user{i}@example.com")));
    c.insert("phone".into(), Value::str(&format!("+1-555-{i:06}")));
    let mut d = Document::default();
    d.insert("id".into(), Value::str(&format!("e{i}")));
    d.insert("name".into(), Value::str(&format!("user {i}")));
    d.insert("contact".into(), Value::Object(Arc::new(c)));
    d
}

fn claim(report: &mut Report, what: &str, claim: f64, per_s: f64) {
    goal(
        report,
        what,
        &format!("beside the published {claim:.0}/s"),
        format!("{per_s:.0}/s"),
        per_s >= claim,
    );
}

/// Runs the part.
pub fn run(report: &mut Report, scale: &Scale) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(ctx("temp dir"))?;
    let db = Database::open(dir.path()).map_err(ctx("open endpoints"))?;
    let n = scale.entities;
    let mut ids: Vec<Uuid> = Vec::with_capacity(n);
    for lo in (0..n).step_by(scale.batch) {
        let mut b = db.batch();
        for i in lo..(lo + scale.batch).min(n) {
            ids.push(
                b.insert("contacts", None, contact(i))
                    .map_err(ctx("insert contact"))?,
            );
        }
        b.commit().map_err(ctx("commit contacts"))?;
    }
    report.note(format!(
        "endpoints: {n} entities of `contacts` (name, contact.email, contact.phone; external \
         ids e<i>); claims of the original system: {CLAIM_READS:.0}+ endpoint reads/s, \
         {CLAIM_WRITES:.0}+ batched endpoint writes/s, {CLAIM_MATCHES:.0} path pattern \
         matches/s, {CLAIM_WILDCARD:.0}+ wildcard queries/s"
    ));
    let mut rng = Rng::new(11);

    // One endpoint through the Rust API (property cache warm).
    let sample: Vec<Uuid> = (0..scale.reads).map(|_| ids[rng.below(n)]).collect();
    for id in &sample {
        db.property(*id, "contact.email")
            .map_err(ctx("warm property"))?;
    }
    let (mut s, wall) = time_each(&sample, |id| {
        match db.property(*id, "contact.email").map_err(ctx("property"))? {
            Some(v) => {
                black_box(v);
                Ok(())
            }
            None => Err("hyperspatial suite: endpoint missing".to_string()),
        }
    })?;
    latencies(report, SYSTEM, "endpoint_read_api", &mut s, wall);
    claim(
        report,
        "endpoint reads (Rust API)",
        CLAIM_READS,
        s.len() as f64 / wall,
    );

    // One endpoint through HyperQL.
    let engine = Engine::new(db.clone());
    let text = "SELECT contacts[$k].contact.email";
    let keys: Vec<usize> = (0..scale.queries).map(|_| rng.below(n)).collect();
    let (mut s, wall) = time_each(&keys, |k| {
        let mut p = Params::new();
        p.insert("k".into(), Value::str(&format!("e{k}")));
        let r = engine.query(text, &p).map_err(ctx("endpoint query"))?;
        if r.rows
            .first()
            .and_then(|r| r.first())
            .is_none_or(Value::is_null)
        {
            return Err("hyperspatial suite: endpoint query found nothing".to_string());
        }
        black_box(r);
        Ok(())
    })?;
    latencies(report, SYSTEM, "endpoint_read_hql", &mut s, wall);
    claim(
        report,
        "endpoint reads (HyperQL)",
        CLAIM_READS,
        s.len() as f64 / wall,
    );

    // Batched endpoint writes: one SET of WRITE_BATCH endpoints per statement.
    let statements = (scale.queries / 10).max(5);
    let start = Instant::now();
    for round in 0..statements {
        let parts: Vec<String> = (0..WRITE_BATCH)
            .map(|j| {
                let k = rng.below(n);
                format!(
                    "contacts['e{k}'].contact.rank = {}",
                    round * WRITE_BATCH + j
                )
            })
            .collect();
        let text = format!("SET {}", parts.join(", "));
        engine
            .query(&text, &Params::new())
            .map_err(ctx("SET batch"))?;
    }
    let per_s = (statements * WRITE_BATCH) as f64 / start.elapsed().as_secs_f64();
    report.add(SYSTEM, "endpoint_write_batched_per_s", per_s, "endpoints/s");
    claim(report, "batched endpoint writes", CLAIM_WRITES, per_s);

    // Path pattern matching alone.
    let patterns: Vec<Vec<&str>> = ["*.contact.email", "**.email", "e1.**", "*.*.phone"]
        .iter()
        .map(|p| p.split('.').collect())
        .collect();
    let paths: Vec<Vec<String>> = (0..1_000)
        .map(|i| vec![format!("e{i}"), "contact".into(), "email".into()])
        .collect();
    let rounds = if scale.entities > 10_000 { 500 } else { 50 };
    let start = Instant::now();
    let mut hits = 0usize;
    for _ in 0..rounds {
        for p in &paths {
            let segs: Vec<&str> = p.iter().map(String::as_str).collect();
            for pat in &patterns {
                hits += usize::from(segments_match(black_box(pat), black_box(&segs)));
            }
        }
    }
    black_box(hits);
    let matches = (rounds * paths.len() * patterns.len()) as f64;
    let per_s = matches / start.elapsed().as_secs_f64();
    report.add(SYSTEM, "path_pattern_matches_per_s", per_s, "matches/s");
    claim(report, "path pattern matches", CLAIM_MATCHES, per_s);

    // Wildcard queries: every endpoint of one entity.
    let patterns: Vec<EndpointPattern> = (0..scale.queries)
        .map(|_| EndpointPattern::parse(&format!("contacts.e{}.**", rng.below(n))))
        .collect::<Result<_, _>>()
        .map_err(ctx("pattern"))?;
    let (mut s, wall) = time_each(&patterns, |p| {
        let req = EndpointsRequest {
            pattern: p.clone(),
            interrupt: Interrupt::new(),
        };
        let found = db
            .endpoints(&req)
            .map_err(ctx("endpoints"))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(ctx("endpoint"))?;
        if found.len() < 3 {
            return Err(format!(
                "hyperspatial suite: {} endpoints of {}",
                found.len(),
                p.text()
            ));
        }
        black_box(found);
        Ok(())
    })?;
    latencies(report, SYSTEM, "wildcard_query_source", &mut s, wall);
    claim(
        report,
        "wildcard queries (DataSource)",
        CLAIM_WILDCARD,
        s.len() as f64 / wall,
    );
    let (mut s, wall) = time_each(&patterns, |p| {
        let mut params = Params::new();
        params.insert("p".into(), Value::str(&p.text()));
        let r = engine
            .query("SELECT path, value FROM ENDPOINTS($p)", &params)
            .map_err(ctx("ENDPOINTS query"))?;
        black_box(r);
        Ok::<(), String>(())
    })?;
    latencies(report, SYSTEM, "wildcard_query_hql", &mut s, wall);
    claim(
        report,
        "wildcard queries (HyperQL)",
        CLAIM_WILDCARD,
        s.len() as f64 / wall,
    );
    Ok(())
}
