//! Suite `hyperql`: parse throughput (against sqlparser on the SQL-compatible
//! queries), plan-and-optimize time, end-to-end point-query latency over the
//! in-memory source, and a filter plus aggregate over many rows.

use crate::report::{Report, median, micros};
use hyperql::{Engine, MemorySource, Params, Value};
use std::time::Instant;

/// Queries both parsers accept (plain SQL).
const SQL: &[&str] = &[
    "SELECT * FROM users ORDER BY age DESC LIMIT 2",
    "SELECT DISTINCT age FROM users ORDER BY age",
    "SELECT name, profile.bio FROM people p WHERE p.age BETWEEN 18 AND 65",
    "SELECT * FROM products WHERE price NOT BETWEEN 10.0 AND 50.0 OR category LIKE '%sale%'",
    "SELECT * FROM users WHERE status IN ('active', 'pending') AND updated_at IS NOT NULL",
    "SELECT p.name, a.ward FROM patients p LEFT JOIN admissions a ON p.id = a.patient_id",
    "SELECT category, COUNT(*), AVG(price) FROM products GROUP BY category HAVING COUNT(*) > 3",
    "SELECT name, age * 2 + 1 AS double_age FROM users WHERE NOT (age < 18 OR age > 65) LIMIT 10 OFFSET 5",
    "SELECT name, CASE WHEN age < 18 THEN 'minor' ELSE 'adult' END AS class FROM users",
    "SELECT u.name, o.total FROM users u JOIN orders o ON u.id = o.user_id WHERE o.total > 100",
    "UPDATE users SET age = 26 WHERE name = 'Alice'",
    "DELETE FROM users WHERE age < 18",
];

/// HyperQL-only queries (graph, vectors, geometry, time series, schema).
const HQL: &[&str] = &[
    "SELECT * FROM nodes TRAVERSE (a:nodes)-[r:knows*1..2]->(b)",
    "SELECT * FROM users u TRAVERSE (u)-[:FRIENDS]->(f), (f)-[:WORKS_AT]->(c)",
    "SELECT id, title FROM articles ORDER BY SIMILARITY(text_embedding, $q, 'cosine') DESC LIMIT 20",
    "SELECT * FROM articles WHERE text_embedding SIMILAR TO $q THRESHOLD 0.75",
    "SELECT id, title FROM documents WHERE position NEAR $anchor WITHIN 5.0 ORDER BY position DISTANCE FROM $anchor LIMIT 100",
    "SELECT TIME_BUCKET('1h', ts) AS hour, AVG(value) FROM metrics.cpu WHERE ts > NOW() - INTERVAL '1 day' GROUP BY hour",
    "RELATE $a -[:FRIENDS {weight: 0.8}]-> $b",
    "CREATE SCHEMA topics (name String REQUIRED, embedding Embedding(384), avg_sentiment Float CASCADED AS AGGREGATE Average FROM sentiment THROUGH tagged_with INCOMING WITH DECAY Exponential(0.5)) WITH EXTENSIBILITY Closed",
];

/// Median seconds of `f` over `reps` runs of `inner` calls each.
fn time_per_call(reps: usize, inner: usize, mut f: impl FnMut()) -> f64 {
    let mut samples = Vec::with_capacity(reps);
    for _ in 0..reps {
        let t = Instant::now();
        for _ in 0..inner {
            f();
        }
        samples.push(t.elapsed().as_secs_f64() / inner as f64);
    }
    median(&mut samples)
}

fn users(n: i64) -> MemorySource {
    let s = MemorySource::new();
    s.insert_many(
        "users",
        None,
        (0..n).map(|i| {
            [
                ("id".to_string(), Value::Int(i)),
                ("name".to_string(), Value::str(&format!("user{i}"))),
                ("age".to_string(), Value::Int(18 + i % 60)),
                ("g".to_string(), Value::Int(i % 16)),
                ("v".to_string(), Value::Float((i % 1000) as f64 / 1000.0)),
            ]
            .into_iter()
            .collect()
        }),
    );
    s
}

/// Runs the suite.
pub fn run(quick: bool) -> Result<Report, String> {
    let mut r = Report::new("hyperql", quick);
    let reps = if quick { 7 } else { 21 };

    // Parse throughput on the SQL-compatible corpus, both parsers.
    let bytes: usize = SQL.iter().map(|q| q.len()).sum();
    let dialect = sqlparser::dialect::GenericDialect {};
    for q in SQL {
        hyperql::parse(q).map_err(|e| format!("hyperql rejects {q}: {e}"))?;
        sqlparser::parser::Parser::parse_sql(&dialect, q)
            .map_err(|e| format!("sqlparser rejects {q}: {e}"))?;
    }
    let inner = if quick { 200 } else { 1000 };
    for round in 0..2 {
        // Alternate systems so that neither always runs on a warm cache.
        let order: [&str; 2] = if round == 0 {
            ["hyperql", "sqlparser"]
        } else {
            ["sqlparser", "hyperql"]
        };
        for sys in order {
            let t = time_per_call(reps, inner, || {
                for q in SQL {
                    if sys == "hyperql" {
                        let _ = std::hint::black_box(hyperql::parse(q));
                    } else {
                        let _ =
                            std::hint::black_box(sqlparser::parser::Parser::parse_sql(&dialect, q));
                    }
                }
            });
            if round == 1 {
                r.add(
                    sys,
                    "parse_sql_corpus_mb_per_s",
                    bytes as f64 / t / 1e6,
                    "MB/s",
                );
                r.add(
                    sys,
                    "parse_sql_statement_us",
                    micros(std::time::Duration::from_secs_f64(t / SQL.len() as f64)),
                    "us",
                );
            }
        }
    }
    r.ratio("parse_sql_corpus_mb_per_s", "hyperql", "sqlparser");
    let hbytes: usize = HQL.iter().map(|q| q.len()).sum();
    let t = time_per_call(reps, inner, || {
        for q in HQL {
            let _ = std::hint::black_box(hyperql::parse(q));
        }
    });
    r.add(
        "hyperql",
        "parse_hyperql_corpus_mb_per_s",
        hbytes as f64 / t / 1e6,
        "MB/s",
    );

    // Plan and optimize (parse + bind + type check + optimize), small catalog.
    let engine = Engine::new(users(1_000));
    let q =
        "SELECT name, age FROM users WHERE age > 30 AND g IN (1, 2, 3) ORDER BY age DESC LIMIT 10";
    let t = time_per_call(reps, inner, || {
        let _ = std::hint::black_box(engine.explain(q, &Params::new()));
    });
    r.add("hyperql", "parse_plan_optimize_us", t * 1e6, "us");

    // Point query end to end over the in-memory source (primary-key lookup).
    let n = if quick { 100_000 } else { 1_000_000 };
    let engine = Engine::new(users(n));
    let mut params = Params::new();
    let q = "SELECT name, age FROM users WHERE id = $id";
    let mut i = 0i64;
    let t = time_per_call(reps, inner * 5, || {
        i = (i + 7919) % n;
        params.insert("id".into(), Value::Int(i));
        let res = engine.query(q, &params);
        debug_assert!(res.is_ok_and(|x| x.rows.len() == 1));
    });
    r.add("hyperql", "point_query_us", t * 1e6, "us");

    // Filter + aggregate over n rows.
    let q = "SELECT g, COUNT(*), AVG(v) FROM users WHERE v > 0.5 GROUP BY g";
    let t = time_per_call(if quick { 3 } else { 7 }, 1, || {
        let res = engine.query(q, &Params::new());
        debug_assert!(res.is_ok_and(|x| x.rows.len() == 16));
    });
    r.add("hyperql", "filter_aggregate_ms", t * 1e3, "ms");
    r.add(
        "hyperql",
        "filter_aggregate_mrows_per_s",
        n as f64 / t / 1e6,
        "Mrows/s",
    );
    r.note(format!(
        "point query and aggregate over {n} in-memory documents; sqlparser {} (default \
         features) with GenericDialect parses the same {} SQL statements",
        crate::versions::version("sqlparser"),
        SQL.len()
    ));
    Ok(r)
}
