//! The engine's contract: budgets, early stop, streaming, parameter types, JSON.

use super::fixture;
use hyperql::*;
use std::ops::ControlFlow;

pub(crate) fn big(n: i64) -> MemorySource {
    let s = MemorySource::new();
    s.insert_many(
        "t",
        None,
        (0..n).map(|i| {
            [
                ("id".to_string(), Value::Int(i)),
                ("g".to_string(), Value::Int(i % 10)),
            ]
            .into_iter()
            .collect()
        }),
    );
    s
}

#[test]
fn row_budget_stops_a_runaway_query() {
    let e = Engine::new(big(10_000)).with_budget(Budget {
        max_rows: 5_000,
        ..Budget::default()
    });
    let err = e
        .query("SELECT COUNT(*) FROM t a, t b", &Params::new())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "row budget exceeded: the query processed more than 5000 rows"
    );
}

#[test]
fn memory_budget_stops_a_big_sort() {
    let e = Engine::new(big(10_000)).with_budget(Budget {
        max_memory: 400_000,
        ..Budget::default()
    });
    let err = e
        .query("SELECT id FROM t ORDER BY g", &Params::new())
        .unwrap_err();
    assert!(
        matches!(err, Error::Exec(ExecError::MemoryBudget { limit: 400_000 })),
        "{err}"
    );
    // Top-k holds at most a few k rows: the same sort under LIMIT fits.
    let r = e
        .query(
            "SELECT id FROM t ORDER BY g DESC, id LIMIT 3",
            &Params::new(),
        )
        .unwrap();
    assert_eq!(
        r.rows,
        vec![
            vec![Value::Int(9)],
            vec![Value::Int(19)],
            vec![Value::Int(29)]
        ]
    );
}

#[test]
fn limit_stops_the_scan_early() {
    let e = Engine::new(big(100_000)).with_optimizer(false);
    let r = e
        .query("SELECT id FROM t WHERE g = 3 LIMIT 5", &Params::new())
        .unwrap();
    assert_eq!(r.rows.len(), 5);
    assert!(
        r.stats.rows_scanned <= 2048,
        "scanned {}",
        r.stats.rows_scanned
    );
}

#[test]
fn results_stream_in_batches() {
    let e = Engine::new(big(5_000));
    let mut seen = 0;
    let stats = e
        .query_batches("SELECT id FROM t", &Params::new(), |cols, batch| {
            assert_eq!(cols, ["id"]);
            seen += batch.len();
            if seen >= 2048 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .unwrap();
    assert_eq!(seen, 2048);
    assert!(stats.rows_scanned < 5_000);
}

#[test]
fn parameter_types_are_inferred() {
    let e = fixture::engine();
    e.query(
        "CREATE SCHEMA typed (name String, age Int, emb Embedding(3))",
        &Params::new(),
    )
    .unwrap();
    let t = e.param_types("SELECT name FROM typed WHERE age > $min AND name LIKE $pat ORDER BY SIMILARITY(emb, $q, 'cosine') DESC LIMIT $k").unwrap();
    let got: Vec<(String, Type)> = t.into_iter().collect();
    assert_eq!(
        got,
        vec![
            ("k".into(), Type::Int),
            ("min".into(), Type::Int),
            ("pat".into(), Type::String),
            ("q".into(), Type::Vector(None))
        ]
    );
    let err = e
        .param_types("SELECT name FROM typed WHERE age > $x AND name = $x")
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("parameter $x is used both as Int and as String"),
        "{err}"
    );
}

#[test]
fn results_serialize_to_json() {
    let e = fixture::engine();
    let r = e
        .query(
            "SELECT name, age, profile FROM users WHERE id = 1",
            &Params::new(),
        )
        .unwrap();
    let j = serde_json::to_value(&r).unwrap();
    assert_eq!(j["columns"], serde_json::json!(["name", "age", "profile"]));
    assert_eq!(
        j["rows"],
        serde_json::json!([["Alice", 25, {"bio": "climber"}]])
    );
    assert_eq!(j["stats"]["rows_returned"], 1);
}

#[test]
fn a_script_runs_every_statement() {
    let e = fixture::engine();
    let rs = e
        .query_script(
            "INSERT INTO t2 {\"x\": 1}; INSERT INTO t2 {\"x\": 2}; SELECT SUM(x) AS s FROM t2",
            &Params::new(),
        )
        .unwrap();
    assert_eq!(rs.len(), 3);
    assert_eq!(rs[2].rows, vec![vec![Value::Int(3)]]);
}

#[test]
fn semantic_errors_carry_line_and_column() {
    let e = fixture::engine();
    e.query("CREATE SCHEMA s1 (a Int)", &Params::new()).unwrap();
    let Err(Error::Semantic(d)) = e.query("SELECT a\nFROM s1\nWHERE b = 1", &Params::new()) else {
        panic!("expected a semantic error")
    };
    assert_eq!(
        (d.0[0].line, d.0[0].column, d.0[0].found.as_str()),
        (3, 7, "b")
    );
}
