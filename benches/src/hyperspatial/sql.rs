//! SQL-style reads of the users through HyperQL: a filtered scan that stops at
//! `LIMIT 10`, a point query by external id and a filtered count over every row;
//! measured on `users` (no schema: scans), then on `users_ix`, the same data loaded
//! after `CREATE SCHEMA` declared `city` and `age` `INDEXED`.
//!
//! (Declaring the index on the loaded `users` instead would rewrite every entity in one
//! transaction per shard, which past ~16 MiB of changes exceeds manifold's largest log
//! record with the default configuration.)

use super::entities::CITIES;
use super::{Rng, Scale, ctx, latencies, time_each};
use crate::report::{Report, median};
use ::hyperspatial::Database;
use hyperql::{Engine, Params};
use std::hint::black_box;

const SCHEMA: &str = "CREATE SCHEMA users_ix (name String, age Int INDEXED, \
                      city String INDEXED, email String, score Float)";

/// Runs the part on the loaded users.
pub fn run(report: &mut Report, db: &Database, scale: &Scale, rng: &mut Rng) -> Result<(), String> {
    let engine = Engine::new(db.clone());
    let n = scale.entities;
    let picks: Vec<(usize, usize)> = (0..scale.queries)
        .map(|_| (rng.below(CITIES), rng.below(n)))
        .collect();
    let queries = |collection: &str, key: &str| Queries {
        engine: &engine,
        filtered: picks
            .iter()
            .map(|(c, _)| {
                format!(
                    "SELECT name, age FROM {collection} WHERE age > 30 AND city = 'c{c}' LIMIT 10"
                )
            })
            .collect(),
        point: picks
            .iter()
            .map(|(_, i)| format!("SELECT name, age FROM {collection} WHERE id = '{key}{i}'"))
            .collect(),
        count: format!("SELECT COUNT(*) FROM {collection} WHERE age > 30 AND city = 'c3'"),
        rows: n,
    };
    let counted = queries("users", "u").measure(report, "hyperql", false)?;
    engine
        .query(SCHEMA, &Params::new())
        .map_err(ctx("create schema"))?;
    super::entities::load(report, db, "users_ix", "x", scale)?;
    let counted_ix = queries("users_ix", "x").measure(report, "hyperql+index", true)?;
    if counted != counted_ix {
        return Err(format!(
            "hyperspatial suite: the count differs with the index: {counted} vs {counted_ix}"
        ));
    }
    for m in [
        "select_filter_limit10_p50_us",
        "select_point_by_id_p50_us",
        "select_count_ms",
    ] {
        report.ratio(m, "hyperql+index", "hyperql");
    }
    report.note(format!(
        "HyperQL reads on the users: `SELECT name, age FROM users WHERE age > 30 AND city = \
         'c<k>' LIMIT 10` (about 4% of rows match), `... WHERE id = 'u<i>'` (a point read \
         through the entity cache, parsing and planning included) and `SELECT COUNT(*) ... \
         WHERE age > 30 AND city = 'c3'` over all {n} rows ({counted} match); system \
         `hyperql` scans `users` (no schema), `hyperql+index` reads `users_ix`, the same \
         data loaded after `{SCHEMA}`"
    ));
    Ok(())
}

struct Queries<'a> {
    engine: &'a Engine<Database>,
    filtered: Vec<String>,
    point: Vec<String>,
    count: String,
    rows: usize,
}

impl Queries<'_> {
    /// Times every query as `system`; the answer of the count query.
    fn measure(&self, report: &mut Report, system: &str, indexed: bool) -> Result<i64, String> {
        let p = Params::new();
        let run = |q: &str, want: usize| -> Result<(), String> {
            let r = self.engine.query(q, &p).map_err(ctx("query"))?;
            if r.rows.len() != want {
                return Err(format!(
                    "hyperspatial suite: `{q}` gave {} rows, not {want}",
                    r.rows.len()
                ));
            }
            black_box(r);
            Ok(())
        };
        for q in self.filtered.iter().take(10) {
            run(q, 10)?;
        }
        for q in &self.point {
            run(q, 1)?;
        }
        let (mut s, wall) = time_each(&self.filtered, |q| run(q, 10))?;
        latencies(report, system, "select_filter_limit10", &mut s, wall);
        let (mut s, wall) = time_each(&self.point, |q| run(q, 1))?;
        latencies(report, system, "select_point_by_id", &mut s, wall);
        let reps = if self.rows > 50_000 { 3 } else { 5 };
        let mut counted = 0;
        let (mut s, _) = time_each(0..reps, |_| {
            let r = self.engine.query(&self.count, &p).map_err(ctx("count"))?;
            counted = match r.rows.first().and_then(|row| row.first()) {
                Some(hyperql::Value::Int(c)) => *c,
                other => return Err(format!("hyperspatial suite: COUNT gave {other:?}")),
            };
            Ok(())
        })?;
        let ms = median(&mut s) / 1e3;
        report.add(system, "select_count_ms", ms, "ms");
        if !indexed {
            report.add(
                system,
                "select_count_scan_rows_per_s",
                self.rows as f64 / (ms / 1e3),
                "rows/s",
            );
        }
        Ok(counted)
    }
}
