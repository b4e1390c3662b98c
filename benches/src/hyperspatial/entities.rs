//! Users (five scalar fields, external ids `u<i>`): load, reads by UUID, HyperQL
//! queries, and the entity cache under Zipf-distributed reads.

use super::{Rng, Scale, Zipf, ctx, goal, latencies, time_each};
use crate::report::Report;
use ::hyperspatial::{Database, Options};
use hyperql::{Document, Value};
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;
use uuid::Uuid;

const SYSTEM: &str = "hyperspatial";
/// Distinct values of `city`.
pub(crate) const CITIES: usize = 20;

/// Seed of the users' data: every collection of users loaded holds the same values.
const DATA_SEED: u64 = 7;

/// One user's values, as both the database and the SQLite peer store them.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct UserRow {
    /// External id, `<key><i>`.
    pub id: String,
    pub name: String,
    pub age: i64,
    /// `c<k>`, `k` below [`CITIES`].
    pub city: String,
    pub email: String,
    pub score: f64,
}

impl UserRow {
    /// User `i` under external-id prefix `key`, its values drawn from `rng`.
    fn new(key: &str, i: usize, rng: &mut Rng) -> Self {
        let age = 18 + rng.below(60) as i64;
        let city = format!("c{}", rng.below(CITIES));
        UserRow {
            id: format!("{key}{i}"),
            name: format!("user {i}"),
            age,
            city,
            email: format!("user{i}@example.com"),
            score: rng.unit(),
        }
    }

    fn document(&self) -> Document {
        let mut d = Document::default();
        d.insert("id".into(), Value::str(&self.id));
        d.insert("name".into(), Value::str(&self.name));
        d.insert("age".into(), Value::Int(self.age));
        d.insert("city".into(), Value::str(&self.city));
        d.insert("email".into(), Value::str(&self.email));
        d.insert("score".into(), Value::Float(self.score));
        d
    }
}

/// The `n` users that [`load`] inserts under `key`, in the same order with the same
/// values (for peers that load the same rows).
pub(crate) fn rows(key: &str, n: usize) -> Vec<UserRow> {
    let mut rng = Rng::new(DATA_SEED);
    (0..n).map(|i| UserRow::new(key, i, &mut rng)).collect()
}

/// Inserts `scale.entities` users into `collection` in batches, with external ids
/// `<key><i>` (external ids are unique across the database); their UUIDs in insertion
/// order.
pub(crate) fn load(
    report: &mut Report,
    db: &Database,
    collection: &str,
    key: &str,
    scale: &Scale,
) -> Result<Vec<Uuid>, String> {
    let n = scale.entities;
    let mut rng = Rng::new(DATA_SEED);
    let mut ids = Vec::with_capacity(n);
    let start = Instant::now();
    for lo in (0..n).step_by(scale.batch) {
        let mut b = db.batch();
        for i in lo..(lo + scale.batch).min(n) {
            let doc = UserRow::new(key, i, &mut rng).document();
            ids.push(
                b.insert(collection, None, doc)
                    .map_err(ctx("insert user"))?,
            );
        }
        b.commit().map_err(ctx("commit users"))?;
    }
    let secs = start.elapsed().as_secs_f64();
    let metric = format!("load_{collection}_per_s");
    report.add(SYSTEM, &metric, n as f64 / secs, "entities/s");
    Ok(ids)
}

/// One entity read that must find the entity.
fn read(db: &Database, id: Uuid) -> Result<(), String> {
    match db.get_entity(id).map_err(ctx("get"))? {
        Some(r) => {
            black_box(r);
            Ok(())
        }
        None => Err(format!("hyperspatial suite: entity {id} missing")),
    }
}

/// Runs the part.
pub fn run(report: &mut Report, scale: &Scale) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(ctx("temp dir"))?;
    let mut rng = Rng::new(8);
    let n = scale.entities;
    let db = Database::open(dir.path()).map_err(ctx("open users"))?;
    let ids = load(report, &db, "users", "u", scale)?;
    report.note(format!(
        "users: {n} entities of 5 scalar fields with external ids, loaded in batches of {}",
        scale.batch
    ));

    // Cache hits: a sample read once, then timed (default cache: 100,000 entities).
    let sample: Vec<Uuid> = (0..scale.reads).map(|_| ids[rng.below(n)]).collect();
    for id in &sample {
        db.get_entity(*id).map_err(ctx("warm get"))?;
    }
    let before = db.stats().entity_cache;
    let (mut s, wall) = time_each(&sample, |id| read(&db, *id))?;
    let after = db.stats().entity_cache;
    if after.misses != before.misses {
        return Err("hyperspatial suite: cache-hit reads missed the cache".into());
    }
    let (hit_p50, hit_p99) = latencies(report, SYSTEM, "get_cache_hit", &mut s, wall);
    goal(
        report,
        "entity get, cache hit,",
        "p50 < 5 us",
        format!("p50 {hit_p50:.2} us, p99 {hit_p99:.2} us"),
        hit_p50 < 5.0,
    );
    let keys: Vec<Value> = (0..scale.reads)
        .map(|_| Value::str(&format!("u{}", rng.below(n))))
        .collect();
    for k in &keys {
        db.get(k).map_err(ctx("warm get by key"))?;
    }
    let (mut s, wall) =
        time_each(&keys, |k| db.get(k).map(|r| drop(black_box(r)))).map_err(ctx("get by key"))?;
    latencies(report, SYSTEM, "get_by_external_id_hit", &mut s, wall);

    super::sql::run(report, &db, scale, &mut rng)?;
    super::scans::run(report, &db, &rows("u", n), scale, &mut rng)?;
    drop(db);

    misses(report, dir.path(), &ids, scale, &mut rng)?;
    zipf(report, dir.path(), &ids, &mut rng)?;
    Ok(())
}

/// Reads that miss: the database reopened with its entity cache off, so every read
/// decodes the entity from its shard.
fn misses(
    report: &mut Report,
    dir: &Path,
    ids: &[Uuid],
    scale: &Scale,
    rng: &mut Rng,
) -> Result<(), String> {
    let opts = Options {
        entity_cache: 0,
        ..Options::default()
    };
    let t = Instant::now();
    let db = Database::open_with(dir, opts).map_err(ctx("reopen users"))?;
    report.add(SYSTEM, "reopen_ms", t.elapsed().as_secs_f64() * 1e3, "ms");
    let n = ids.len();
    let first: Vec<Uuid> = (0..scale.reads).map(|_| ids[rng.below(n)]).collect();
    let (mut s, wall) = time_each(&first, |id| read(&db, *id))?;
    latencies(report, SYSTEM, "get_first_after_reopen", &mut s, wall);
    let again: Vec<Uuid> = (0..scale.reads).map(|_| ids[rng.below(n)]).collect();
    let (mut s, wall) = time_each(&again, |id| read(&db, *id))?;
    let (p50, p99) = latencies(report, SYSTEM, "get_cache_miss", &mut s, wall);
    let st = db.stats().entity_cache;
    if st.hits != 0 {
        return Err("hyperspatial suite: a read hit the disabled cache".into());
    }
    goal(
        report,
        "entity get, cache miss (entity cache off; file pages in the OS cache),",
        "p50 < 50 us",
        format!("p50 {p50:.1} us, p99 {p99:.1} us"),
        p50 < 50.0,
    );
    Ok(())
}

/// Hit rate of the entity cache under Zipf reads over ten times the entities it
/// holds: hot entities spread at random over the id space; rates counted after a
/// warm-up of as many reads as are measured.
fn zipf(report: &mut Report, dir: &Path, ids: &[Uuid], rng: &mut Rng) -> Result<(), String> {
    let n = ids.len();
    let cap = (n / 10).max(1);
    let opts = Options {
        entity_cache: cap,
        ..Options::default()
    };
    let db = Database::open_with(dir, opts).map_err(ctx("reopen users"))?;
    let reads = 2 * n;
    for s in [0.99, 1.2] {
        let z = Zipf::new(n, s);
        let perm = rng.permutation(n);
        let draw = |rng: &mut Rng| ids[perm[z.sample(rng)]];
        for _ in 0..reads {
            db.get_entity(draw(rng)).map_err(ctx("zipf warm-up"))?;
        }
        let before = db.stats().entity_cache;
        let probes: Vec<Uuid> = (0..reads).map(|_| draw(rng)).collect();
        let (mut lat, wall) =
            time_each(&probes, |id| db.get_entity(*id).map(|r| drop(black_box(r))))
                .map_err(ctx("zipf reads"))?;
        let after = db.stats().entity_cache;
        let hits = (after.hits - before.hits) as f64;
        let total = hits + (after.misses - before.misses) as f64;
        let rate = if total > 0.0 { hits / total } else { 0.0 };
        let tag = format!("zipf_s{}", format!("{s}").replace('.', "_"));
        report.add(SYSTEM, &format!("{tag}_hit_rate"), rate, "ratio");
        report.add(
            SYSTEM,
            &format!("{tag}_best_possible_hit_rate"),
            z.top_mass(cap),
            "ratio",
        );
        latencies(report, SYSTEM, &format!("{tag}_get"), &mut lat, wall);
        goal(
            report,
            &format!("cache hit rate, Zipf s = {s}, cache of {cap} entities for {n},"),
            ">= 90%",
            format!(
                "{:.1}%; a cache always holding the {cap} hottest would reach {:.1}%",
                rate * 100.0,
                z.top_mass(cap) * 100.0
            ),
            rate >= 0.9,
        );
    }
    Ok(())
}
