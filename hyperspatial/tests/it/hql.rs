//! Every construct of the HyperQL sketch, run by hyperql's engine against a
//! hyperspatial database on disk.

use hyperql::{Engine, Params, QueryResult, Value};
use hyperspatial::Database;

struct Fixture {
    _dir: tempfile::TempDir,
    engine: Engine<Database>,
}

fn run(f: &Fixture, q: &str) -> QueryResult {
    run_p(f, q, &Params::new())
}

fn run_p(f: &Fixture, q: &str, p: &Params) -> QueryResult {
    f.engine.query(q, p).unwrap_or_else(|e| panic!("{q}: {e}"))
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let engine = Engine::new(db);
    let f = Fixture { _dir: dir, engine };
    for q in [
        "INSERT INTO users (id, name, age, status, updated_at) VALUES ('u1', 'Ada', 36, 'active', 1), ('u2', 'Bob', 17, 'pending', NULL), ('u3', 'Cy', 52, 'gone', 3)",
        "INSERT INTO products (name, price, category) VALUES ('a', 5.0, 'tools'), ('b', 20.0, 'tools'), ('c', 60.0, 'summer sale'), ('d', 30.0, 'tools'), ('e', 40.0, 'tools')",
        "INSERT INTO people.Person {\"id\": \"p1\", \"name\": \"Pat\", \"age\": 30, \"profile\": {\"bio\": \"painter\"}}",
        "INSERT INTO people.Robot {\"id\": \"r1\", \"name\": \"R2\", \"age\": 40}",
        "INSERT INTO patients.Patient (id, name) VALUES ('pa1', 'Ann'), ('pa2', 'Ben')",
        "INSERT INTO admissions.Admission (patient_id, ward) VALUES ('pa1', 'east')",
        "INSERT INTO nodes (id, name) VALUES ('n1', 'one'), ('n2', 'two'), ('n3', 'three')",
        "RELATE 'n1' -[:knows {weight: 0.8}]-> 'n2'",
        "RELATE 'n2' -[:knows]-> 'n3'",
    ] {
        run(&f, q);
    }
    f
}

fn strings(r: &QueryResult, col: usize) -> Vec<String> {
    r.rows.iter().map(|row| row[col].to_string()).collect()
}

#[test]
fn reading() {
    let f = fixture();
    let r = run(&f, "SELECT * FROM users ORDER BY age DESC LIMIT 2");
    assert_eq!(r.rows.len(), 2);
    let r = run(&f, "SELECT DISTINCT age FROM users ORDER BY age");
    assert_eq!(
        r.rows,
        vec![
            vec![Value::Int(17)],
            vec![Value::Int(36)],
            vec![Value::Int(52)]
        ]
    );
    let r = run(
        &f,
        "SELECT name, profile.bio FROM people.Person p WHERE p.age BETWEEN 18 AND 65",
    );
    assert_eq!(r.rows, vec![vec![Value::str("Pat"), Value::str("painter")]]);
    let r = run(
        &f,
        "SELECT name FROM products WHERE price NOT BETWEEN 10.0 AND 50.0 OR category LIKE '%sale%' ORDER BY name",
    );
    assert_eq!(strings(&r, 0), vec!["'a'", "'c'"]);
    let r = run(
        &f,
        "SELECT name FROM users WHERE status IN ('active', 'pending') AND updated_at IS NOT NULL",
    );
    assert_eq!(r.rows, vec![vec![Value::str("Ada")]]);
    let r = run(
        &f,
        "SELECT p.name, a.ward FROM patients.Patient p LEFT JOIN admissions.Admission a ON p._key = a.patient_id ORDER BY p.name",
    );
    assert_eq!(r.rows[0], vec![Value::str("Ann"), Value::str("east")]);
    assert_eq!(r.rows[1], vec![Value::str("Ben"), Value::Null]);
    let r = run(
        &f,
        "SELECT category, COUNT(*), AVG(price) FROM products GROUP BY category HAVING COUNT(*) > 3",
    );
    assert_eq!(
        r.rows,
        vec![vec![
            Value::str("tools"),
            Value::Int(4),
            Value::Float(23.75)
        ]]
    );
    let r = run(&f, "SELECT name FROM users WHERE id = 'u2'");
    assert_eq!(r.rows, vec![vec![Value::str("Bob")]]);
}

#[test]
fn empty_in_lists_and_at_parameters() {
    let f = fixture();
    // Over an INDEXED field too: the index path answers an empty list with no rows.
    run(&f, "CREATE SCHEMA tagged (status String INDEXED)");
    run(
        &f,
        "INSERT INTO tagged (status) VALUES ('a'), ('b'), (NULL)",
    );
    for c in ["users", "tagged"] {
        let r = run(&f, &format!("SELECT status FROM {c} WHERE status IN ()"));
        assert!(r.rows.is_empty(), "{c}: {:?}", r.rows);
        let r = run(
            &f,
            &format!("SELECT status FROM {c} WHERE status NOT IN ()"),
        );
        assert_eq!(
            r.rows.len(),
            3,
            "{c}: NOT IN () holds for every row, NULL too"
        );
    }
    let r = run(&f, "SELECT name FROM users WHERE id IN ()");
    assert!(r.rows.is_empty());
    let mut p = Params::new();
    p.insert("min".into(), Value::Int(30));
    let r = run_p(
        &f,
        "SELECT name FROM users WHERE age > @min ORDER BY name",
        &p,
    );
    assert_eq!(strings(&r, 0), vec!["'Ada'", "'Cy'"]);
}

#[test]
fn graph() {
    let f = fixture();
    let r = run(
        &f,
        "SELECT b.name FROM nodes TRAVERSE (a:nodes)-[r:knows*1..2]->(b) WHERE a._key = 'n1' ORDER BY b.name",
    );
    assert_eq!(strings(&r, 0), vec!["'three'", "'two'"]);
    let mut p = Params::new();
    p.insert("start".into(), Value::str("n3"));
    let r = run_p(
        &f,
        "SELECT b.name FROM nodes TRAVERSE (a)-[:knows?]->(b) WHERE a._key = $start",
        &p,
    );
    assert_eq!(r.rows, vec![vec![Value::Null]]);
    let r = run(
        &f,
        "SELECT a.name, b.name FROM nodes TRAVERSE (a)<-[:knows]-(b) ORDER BY a.name",
    );
    assert_eq!(r.rows.len(), 2);
}

#[test]
fn vectors_and_hyperbolic() {
    let f = fixture();
    for i in 0..30 {
        let x = i as f64 / 30.0;
        run(
            &f,
            &format!(
                "INSERT INTO articles {{\"title\": \"t{i}\", \"text_embedding\": [{x}, {}, 0.5]}}",
                1.0 - x
            ),
        );
    }
    let mut p = Params::new();
    p.insert("q".into(), Value::Vector(vec![1.0f32, 0.0, 0.5].into()));
    let r = run_p(
        &f,
        "SELECT title FROM articles ORDER BY SIMILARITY(text_embedding, $q, 'cosine') DESC LIMIT 3",
        &p,
    );
    assert_eq!(strings(&r, 0), vec!["'t29'", "'t28'", "'t27'"]);
    let r = run_p(
        &f,
        "SELECT title FROM articles WHERE SIMILARITY(text_embedding, $q, 'cosine') > 0.99",
        &p,
    );
    assert!(!r.rows.is_empty() && r.rows.len() < 30);
    let r = run_p(
        &f,
        "SELECT title FROM articles WHERE text_embedding SIMILAR TO $q THRESHOLD 0.99",
        &p,
    );
    assert!(!r.rows.is_empty());
    let r = run_p(
        &f,
        "SELECT title, DISTANCE(text_embedding, $q, 'euclidean') AS d FROM articles ORDER BY d LIMIT 2",
        &p,
    );
    assert_eq!(strings(&r, 0), vec!["'t29'", "'t28'"]);
    // Positions: every entity has one; NEAR with an entity id as anchor.
    let r = run(
        &f,
        "SELECT title FROM articles WHERE position NEAR 't0' WITHIN 0.0",
    );
    assert!(r.rows.is_empty() || r.rows.len() <= 30);
    let anchor = run(&f, "SELECT position FROM articles WHERE title = 't5'").rows[0][0].clone();
    let mut p = Params::new();
    p.insert("anchor".into(), anchor);
    let r = run_p(
        &f,
        "SELECT title FROM articles WHERE position NEAR $anchor WITHIN 100.0 ORDER BY position DISTANCE FROM $anchor LIMIT 5",
        &p,
    );
    assert_eq!(r.rows.len(), 5);
    assert_eq!(r.rows[0][0], Value::str("t5"));
    let r = run(
        &f,
        "SELECT HYPERBOLIC_DISTANCE(a.position, b.position) FROM articles a, articles b WHERE a.title = 't1' AND b.title = 't1'",
    );
    assert!(matches!(r.rows[0][0], Value::Float(d) if d.abs() < 1e-3));
}

#[test]
fn time_series_functions() {
    let f = fixture();
    let db = f.engine.source();
    let cfg = |series: Option<&str>| hyperspatial::TimeSeriesConfig {
        time_field: "ts".into(),
        series_field: series.map(str::to_string),
        value_fields: vec!["value".into()],
    };
    db.define_time_series("metrics", cfg(None)).unwrap();
    db.define_time_series("sensors", cfg(Some("series")))
        .unwrap();
    assert!(
        db.define_time_series("users", cfg(None)).is_err(),
        "holds entities"
    );
    let bad = f.engine.query(
        "INSERT INTO metrics.cpu (ts, value, note) VALUES (1, 2.0, 'x')",
        &Params::new(),
    );
    assert!(bad.is_err(), "unknown field in a time series");
    for (i, v) in [1.0, 3.0, 5.0, 7.0].iter().enumerate() {
        run(
            &f,
            &format!(
                "INSERT INTO metrics.cpu (ts, value) VALUES (NOW() - INTERVAL '{} minutes', {v})",
                10 * (i + 1)
            ),
        );
    }
    let r = run(
        &f,
        "SELECT TIME_BUCKET('1h', ts) AS hour, AVG(value) FROM metrics.cpu WHERE ts > NOW() - INTERVAL '1 day' GROUP BY hour",
    );
    let total: usize = r.rows.len();
    assert!((1..=2).contains(&total));
    assert_eq!(
        db.count(Some("metrics")),
        0,
        "rows live in manifold-timeseries, not as entities"
    );
    assert_eq!(db.time_rows("metrics", None, None).unwrap().len(), 4);
    let r = run(
        &f,
        "SELECT value FROM metrics.cpu WHERE ts > NOW() - INTERVAL '25 minutes' ORDER BY value",
    );
    assert_eq!(
        r.rows,
        vec![vec![Value::Float(1.0)], vec![Value::Float(3.0)]]
    );
    for (i, v) in [1.0, 2.0, 3.0].iter().enumerate() {
        run(
            &f,
            &format!("INSERT INTO sensors.temp (ts, value, series) VALUES ({i}, {v}, 'room-1')"),
        );
    }
    let r = run(
        &f,
        "SELECT ts, MOVING_AVG(value, 2) FROM sensors.temp WHERE series = 'room-1' ORDER BY ts",
    );
    assert_eq!(r.rows.len(), 3);
}

#[test]
fn writing() {
    let f = fixture();
    let r = run(
        &f,
        "INSERT INTO users (name, age) VALUES ('Alice', 25), ('Bob', 31)",
    );
    assert_eq!(r.affected, Some(2));
    run(
        &f,
        "INSERT INTO users {\"name\": \"Carol\", \"profile\": {\"bio\": \"...\"}}",
    );
    let r = run(&f, "UPDATE users SET age = 26 WHERE name = 'Alice'");
    assert_eq!(r.affected, Some(1));
    assert_eq!(
        run(&f, "SELECT age FROM users WHERE name = 'Alice'").rows,
        vec![vec![Value::Int(26)]]
    );
    run(
        &f,
        "UPDATE users SET profile.bio = 'poet' WHERE name = 'Carol'",
    );
    assert_eq!(
        run(&f, "SELECT profile.bio FROM users WHERE name = 'Carol'").rows,
        vec![vec![Value::str("poet")]]
    );
    let r = run(&f, "DELETE FROM users WHERE age < 18");
    assert_eq!(r.affected, Some(1));
    let mut p = Params::new();
    p.insert("a".into(), Value::str("u1"));
    p.insert("b".into(), Value::str("u3"));
    run_p(&f, "RELATE $a -[:FRIENDS {weight: 0.8}]-> $b", &p);
    let r = run(
        &f,
        "SELECT f.name FROM users u TRAVERSE (u)-[:FRIENDS]->(f) WHERE u.name = 'Ada'",
    );
    assert_eq!(r.rows, vec![vec![Value::str("Cy")]]);
    // A failing statement changes nothing: the second row breaks the closed schema.
    run(
        &f,
        "CREATE SCHEMA strict (name String REQUIRED) WITH EXTENSIBILITY Closed",
    );
    let e = f.engine.query(
        "INSERT INTO strict (name, extra) VALUES ('ok', NULL), ('bad', 1)",
        &Params::new(),
    );
    assert!(e.is_err());
    assert!(run(&f, "SELECT * FROM strict").rows.is_empty());
    let e = f
        .engine
        .query("RELATE 'u1' -[:FRIENDS]-> 'nobody'", &Params::new());
    assert!(e.is_err());
}

#[test]
fn schemas_and_cascades() {
    let f = fixture();
    run(&f, "CREATE SCHEMA topics (
        name String REQUIRED,
        embedding Embedding(3),
        avg_sentiment Float CASCADED AS AGGREGATE Average FROM sentiment THROUGH tagged_with INCOMING,
        posts Int CASCADED AS AGGREGATE Count FROM sentiment THROUGH tagged_with INCOMING
    ) WITH EXTENSIBILITY Closed");
    run(&f, "INSERT INTO topics (id, name) VALUES ('rust', 'Rust')");
    assert!(
        f.engine
            .query("INSERT INTO topics (id) VALUES ('x')", &Params::new())
            .is_err(),
        "required"
    );
    assert!(
        f.engine
            .query(
                "INSERT INTO topics (name, other) VALUES ('y', 1)",
                &Params::new()
            )
            .is_err(),
        "closed"
    );
    assert!(
        f.engine
            .query("INSERT INTO topics (name) VALUES (5)", &Params::new())
            .is_err(),
        "type"
    );
    run(
        &f,
        "INSERT INTO posts (id, sentiment) VALUES ('post1', 1.0), ('post2', 0.0)",
    );
    run(&f, "RELATE 'post1' -[:tagged_with]-> 'rust'");
    run(&f, "RELATE 'post2' -[:tagged_with]-> 'rust'");
    let r = run(
        &f,
        "SELECT avg_sentiment, posts FROM topics WHERE id = 'rust'",
    );
    assert_eq!(r.rows, vec![vec![Value::Float(0.5), Value::Int(2)]]);
    run(&f, "UPDATE posts SET sentiment = 0.5 WHERE id = 'post1'");
    let r = run(&f, "SELECT avg_sentiment FROM topics WHERE id = 'rust'");
    assert_eq!(r.rows, vec![vec![Value::Float(0.25)]]);
    run(&f, "DELETE FROM posts WHERE id = 'post2'");
    let r = run(
        &f,
        "SELECT avg_sentiment, posts FROM topics WHERE id = 'rust'",
    );
    assert_eq!(r.rows, vec![vec![Value::Float(0.5), Value::Int(1)]]);
    // A cycle is refused.
    let e = f.engine.query(
        "CREATE SCHEMA loopy (a Float CASCADED AS AGGREGATE Sum FROM a THROUGH x OUTGOING)",
        &Params::new(),
    );
    assert!(e.unwrap_err().to_string().to_lowercase().contains("cycle"));
    run(&f, "ALTER SCHEMA topics ADD FIELD score Float");
    let d = run(&f, "DESCRIBE SCHEMA topics DETAILED");
    assert!(d.rows.iter().any(|r| r[0] == Value::str("score")));
    assert!(
        f.engine
            .query(
                "ALTER SCHEMA topics ADD FIELD must String REQUIRED",
                &Params::new()
            )
            .is_err(),
        "existing rows lack it"
    );
    run(&f, "DROP SCHEMA IF EXISTS topics");
    run(&f, "INSERT INTO topics (other) VALUES (1)");
    assert!(
        f.engine
            .query("DROP SCHEMA topics", &Params::new())
            .is_err()
    );
}

#[test]
fn window_functions_distinct_on_and_date_trunc() {
    let f = fixture();
    // 2000-01-14T09:30Z, 2000-01-14T10:00Z, 2000-01-15T08:00Z, 2000-02-29T15:45Z in µs.
    run(
        &f,
        "INSERT INTO sales (k, region, amount, ts) VALUES \
         ('s1', 'east', 10, 947842200000000), ('s2', 'east', 20, 947844000000000), \
         ('s3', 'east', 20, 947923200000000), ('s4', 'east', NULL, 951839100000000), \
         ('s5', 'west', 5, 947840400000000)",
    );
    let r = run(
        &f,
        "SELECT k, ROW_NUMBER() OVER (PARTITION BY region ORDER BY ts) AS rn, \
         RANK() OVER (ORDER BY amount DESC) AS rk, \
         SUM(amount) OVER (PARTITION BY region ORDER BY ts ROWS 1 PRECEDING) AS s, \
         LAG(amount, 1, 0) OVER (PARTITION BY region ORDER BY ts) AS prev \
         FROM sales ORDER BY k",
    );
    let int = |n: i64| Value::Int(n);
    assert_eq!(
        r.rows,
        vec![
            vec![Value::str("s1"), int(1), int(4), int(10), int(0)],
            vec![Value::str("s2"), int(2), int(2), int(30), int(10)],
            vec![Value::str("s3"), int(3), int(2), int(40), int(20)],
            vec![Value::str("s4"), int(4), int(1), int(20), int(20)],
            vec![Value::str("s5"), int(1), int(5), int(5), int(0)],
        ]
    );
    let r = run(
        &f,
        "SELECT k, SUM(amount) OVER (ORDER BY ts RANGE BETWEEN 86400000000 PRECEDING AND CURRENT ROW) AS day \
         FROM sales WHERE region = 'east' ORDER BY k",
    );
    assert_eq!(
        r.rows.iter().map(|row| row[1].clone()).collect::<Vec<_>>(),
        vec![int(10), int(30), int(50), Value::Null]
    );
    let r = run(
        &f,
        "SELECT DISTINCT ON (region) region, k FROM sales ORDER BY region, ts DESC",
    );
    assert_eq!(strings(&r, 1), vec!["'s4'", "'s5'"]);
    let r = run(
        &f,
        "SELECT DATE_TRUNC('week', ts) AS w, DATE_TRUNC('month', ts) AS m, DATE_TRUNC('quarter', ts) AS q, \
         TIME_BUCKET('1 year', ts) AS y FROM sales WHERE k = 's4'",
    );
    assert_eq!(
        r.rows[0].iter().map(Value::to_string).collect::<Vec<_>>(),
        vec![
            "2000-02-28T00:00:00.000000Z",
            "2000-02-01T00:00:00.000000Z",
            "2000-01-01T00:00:00.000000Z",
            "2000-01-01T00:00:00.000000Z"
        ]
    );
    let r = run(
        &f,
        "SELECT TIME_BUCKET('1 month', ts) AS m, COUNT(*) FROM sales GROUP BY m ORDER BY m",
    );
    assert_eq!(r.rows.len(), 2);
    assert_eq!(r.rows[0][1], int(4));
    let e = f.engine.query(
        "SELECT k FROM sales WHERE ROW_NUMBER() OVER (ORDER BY ts) = 1",
        &Params::new(),
    );
    assert!(e.is_err_and(|e| e.to_string().contains("not allowed in WHERE")));
}
