//! Queries that no index answers, through HyperQL on the stored users and on SQLite
//! holding the same rows, in the same run: a filtered aggregate grouped by city,
//! `COUNT(*)` of every row, a filter with `ORDER BY ... LIMIT 10`, and the point
//! query by id (SQLite: its primary key; hyperspatial: the external id). Both sides
//! must give the same answers: a difference is an error of the suite, not a figure.
//!
//! The systems alternate query by query (one run of HyperQL, then one of SQLite, and
//! so on), so that both see the same state of the machine.

use super::entities::{CITIES, UserRow};
use super::sqlite::{Group, Sqlite};
use super::{Rng, Scale, ctx, goal, latencies, time_each};
use crate::report::{Report, median};
use ::hyperspatial::Database;
use hyperql::{Engine, Params, QueryResult, Value};
use std::time::Instant;

const OURS: &str = "hyperql";
const PEER: &str = "sqlite";

const AGGREGATE: &str = "SELECT city, COUNT(*), AVG(age) FROM users WHERE age > 30 GROUP BY city";
const COUNT: &str = "SELECT COUNT(*) FROM users";
const TOP10: &str =
    "SELECT name, score FROM users WHERE age > 30 AND city = $city ORDER BY score DESC LIMIT 10";
const POINT: &str = "SELECT * FROM users WHERE id = $id";

/// Largest difference allowed between the two sides' averages.
const AVG_TOLERANCE: f64 = 1e-9;

/// Runs the part on `db`, whose collection `users` holds `rows` (loaded without a
/// schema, so HyperQL scans it).
pub fn run(
    report: &mut Report,
    db: &Database,
    rows: &[UserRow],
    scale: &Scale,
    rng: &mut Rng,
) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(ctx("temp dir"))?;
    let t = Instant::now();
    let lite = Sqlite::load(dir.path(), rows)?;
    let n = rows.len();
    report.add(
        PEER,
        "load_users_per_s",
        n as f64 / t.elapsed().as_secs_f64(),
        "rows/s",
    );
    let engine = Engine::new(db.clone());
    let reps = if n > 50_000 { 5 } else { 7 };

    let mut ours = Vec::new();
    let mut peer = Vec::new();
    for _ in 0..reps {
        let t = Instant::now();
        let a = groups(&query(&engine, AGGREGATE, &Params::new())?)?;
        ours.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let b = lite.aggregate()?;
        peer.push(t.elapsed().as_secs_f64() * 1e3);
        same_groups(&a, &b)?;
    }
    pair(report, "scan_group_by_city_ms", &mut ours, &mut peer);

    let (mut ours, mut peer) = (Vec::new(), Vec::new());
    for _ in 0..reps {
        let t = Instant::now();
        let a = int(&query(&engine, COUNT, &Params::new())?)?;
        ours.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let b = lite.count()?;
        peer.push(t.elapsed().as_secs_f64() * 1e3);
        if a != n as i64 || b != n as i64 {
            return Err(format!(
                "hyperspatial suite: COUNT(*) gave {a} (HyperQL) and {b} (SQLite), not {n}"
            ));
        }
    }
    pair(report, "scan_count_all_ms", &mut ours, &mut peer);

    let (mut ours, mut peer) = (Vec::new(), Vec::new());
    for rep in 0..reps {
        let city = format!("c{}", (rep * 7) % CITIES);
        let mut p = Params::new();
        p.insert("city".into(), Value::str(&city));
        let t = Instant::now();
        let a = names(&query(&engine, TOP10, &p)?)?;
        ours.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let b = lite.top10(&city)?;
        peer.push(t.elapsed().as_secs_f64() * 1e3);
        if a != b || a.len() != 10 {
            return Err(format!(
                "hyperspatial suite: top 10 of {city} differ: HyperQL {a:?}, SQLite {b:?}"
            ));
        }
    }
    pair(report, "scan_filter_order_limit10_ms", &mut ours, &mut peer);

    points(report, &engine, &lite, rows, scale, rng)?;

    let ratio = |r: &Report, m: &str| {
        r.get(OURS, m)
            .zip(r.get(PEER, m))
            .map_or(f64::NAN, |(a, b)| a / b)
    };
    for (metric, what) in [
        ("scan_group_by_city_ms", "filter + GROUP BY + AVG by scan"),
        ("scan_count_all_ms", "COUNT(*) with no filter"),
        (
            "scan_filter_order_limit10_ms",
            "filter + ORDER BY + LIMIT 10 by scan",
        ),
    ] {
        let x = ratio(report, metric);
        goal(
            report,
            &format!("{what} over {n} stored documents,"),
            "<= 2x SQLite's time",
            format!("{x:.2}x SQLite's"),
            x <= 2.0,
        );
    }
    report.note(format!(
        "scans against SQLite: `{AGGREGATE}`, `{COUNT}`, `{TOP10}` ($city a different \
         city each run) and `{POINT}`, HyperQL on the collection `users` (no schema: \
         every query but the point query scans; the first run of a query at a version of \
         the collection reads the stored records, the next ones the column cache that \
         the second run builds: `_first_run` is the first alone), SQLite the same {n} \
         rows; median of {reps} runs each, the systems alternating; answers checked equal (groups, \
         counts, averages within {AVG_TOLERANCE:e}, the top 10 in order, the point \
         rows); {}",
        super::sqlite::description()
    ));
    Ok(())
}

/// Point queries by id: the same ids on both sides, HyperQL with `$id` bound.
fn points(
    report: &mut Report,
    engine: &Engine<Database>,
    lite: &Sqlite,
    rows: &[UserRow],
    scale: &Scale,
    rng: &mut Rng,
) -> Result<(), String> {
    let picks: Vec<&UserRow> = (0..scale.queries)
        .map(|_| &rows[rng.below(rows.len())])
        .collect();
    let ours = |r: &UserRow| -> Result<(), String> {
        let mut p = Params::new();
        p.insert("id".into(), Value::str(&r.id));
        same_user(&query(engine, POINT, &p)?, r)
    };
    let peer = |r: &UserRow| -> Result<(), String> {
        match lite.point(&r.id)? {
            Some(found) if found == *r => Ok(()),
            other => Err(format!(
                "hyperspatial suite: SQLite answered {other:?} for {}",
                r.id
            )),
        }
    };
    for r in picks.iter().copied().take(20) {
        ours(r)?;
        peer(r)?;
    }
    let half = picks.len() / 2;
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let (mut wall_a, mut wall_b) = (0.0, 0.0);
    for part in [&picks[..half], &picks[half..]] {
        let (s, w) = time_each(part.iter().copied(), &ours)?;
        a.extend(s);
        wall_a += w;
        let (s, w) = time_each(part.iter().copied(), &peer)?;
        b.extend(s);
        wall_b += w;
    }
    latencies(report, OURS, "point_select_star_by_id", &mut a, wall_a);
    latencies(report, PEER, "point_select_star_by_id", &mut b, wall_b);
    report.ratio("point_select_star_by_id_p50_us", OURS, PEER);
    Ok(())
}

/// Records the medians of both sides under `metric` and their ratio.
/// Reports both medians, their ratio, and HyperQL's first run apart: the first scan
/// of a collection at a version reads the stored records, later ones its column cache.
fn pair(report: &mut Report, metric: &str, ours: &mut [f64], peer: &mut [f64]) {
    if let Some(first) = ours.first() {
        report.add(OURS, &format!("{metric}_first_run"), *first, "ms");
    }
    report.add(OURS, metric, median(ours), "ms");
    report.add(PEER, metric, median(peer), "ms");
    report.ratio(metric, OURS, PEER);
}

fn query(engine: &Engine<Database>, text: &str, p: &Params) -> Result<QueryResult, String> {
    engine
        .query(text, p)
        .map_err(|e| format!("hyperspatial suite: `{text}`: {e}"))
}

/// The single integer of a one-cell answer.
fn int(r: &QueryResult) -> Result<i64, String> {
    match r.rows.as_slice() {
        [row] => match row.as_slice() {
            [Value::Int(c)] => Ok(*c),
            other => Err(format!("hyperspatial suite: COUNT gave {other:?}")),
        },
        other => Err(format!(
            "hyperspatial suite: COUNT gave {} rows",
            other.len()
        )),
    }
}

fn float(v: &Value) -> Option<f64> {
    match v {
        Value::Float(x) => Some(*x),
        Value::Int(i) => Some(*i as f64),
        _ => None,
    }
}

/// The groups of the aggregate, ordered by city.
fn groups(r: &QueryResult) -> Result<Vec<Group>, String> {
    let mut out = Vec::with_capacity(r.rows.len());
    for row in &r.rows {
        let group = match row.as_slice() {
            [Value::String(city), Value::Int(count), avg] => {
                float(avg).map(|a| (city.to_string(), *count, a))
            }
            _ => None,
        };
        out.push(group.ok_or_else(|| format!("hyperspatial suite: a group came as {row:?}"))?);
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

fn same_groups(ours: &[Group], peer: &[Group]) -> Result<(), String> {
    let same = ours.len() == peer.len()
        && ours
            .iter()
            .zip(peer)
            .all(|(a, b)| a.0 == b.0 && a.1 == b.1 && (a.2 - b.2).abs() <= AVG_TOLERANCE);
    if same && ours.len() == CITIES {
        Ok(())
    } else {
        Err(format!(
            "hyperspatial suite: the groups differ: HyperQL {ours:?}, SQLite {peer:?}"
        ))
    }
}

/// The first column of every row, as strings (the names of the top 10).
fn names(r: &QueryResult) -> Result<Vec<String>, String> {
    r.rows
        .iter()
        .map(|row| match row.first() {
            Some(Value::String(s)) => Ok(s.to_string()),
            other => Err(format!("hyperspatial suite: a name came as {other:?}")),
        })
        .collect()
}

/// Checks that `r`, the answer of `SELECT *` for one id, holds exactly `want`'s fields.
/// HyperQL answers `SELECT *` as one column, the collection's name, holding the whole
/// document: the stored fields, the external id as `_key`, the UUID as `id`, and the
/// position the database gave the entity.
fn same_user(r: &QueryResult, want: &UserRow) -> Result<(), String> {
    let doc = match r.rows.as_slice() {
        [row] => match row.as_slice() {
            [Value::Object(doc)] => doc,
            _ => return Err(format!("hyperspatial suite: `{POINT}` gave {row:?}")),
        },
        rows => {
            return Err(format!(
                "hyperspatial suite: {} gave {} rows, not 1",
                want.id,
                rows.len()
            ));
        }
    };
    let text = |name: &str, v: &str| matches!(doc.get(name), Some(Value::String(s)) if &**s == v);
    let ok = text("_key", &want.id)
        && text("name", &want.name)
        && text("city", &want.city)
        && text("email", &want.email)
        && matches!(doc.get("age"), Some(Value::Int(a)) if *a == want.age)
        && matches!(doc.get("score"), Some(Value::Float(s)) if *s == want.score);
    if ok {
        Ok(())
    } else {
        Err(format!(
            "hyperspatial suite: HyperQL answered {doc:?} for {want:?}"
        ))
    }
}
