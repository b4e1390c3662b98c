//! Schema DDL over a database on disk: `OPTIONAL` and the field scopes, `Array(T)`,
//! `Map(T)` and `Embedding(n)` checked on write, `ALTER .. MODIFY FIELD` checked
//! against stored data, a reopen keeping all of it, and the cascade statistics
//! (`Median`, `Percentile(p)`, `StdDev`, `MovingMean(n)`, several labels) after many
//! random updates.

use crate::q;
use hyperql::{Engine, Params, QueryResult, Value};
use hyperspatial::Database;
use std::collections::{BTreeMap, BTreeSet};

fn err(e: &Engine<Database>, text: &str) -> String {
    match e.query(text, &Params::new()) {
        Ok(r) => panic!("{text}: accepted ({:?})", r.rows),
        Err(err) => err.to_string(),
    }
}

/// `DESCRIBE SCHEMA .. DETAILED` as (field, type, required, scope).
fn described(e: &Engine<Database>, schema: &str) -> Vec<(String, String, bool, Value)> {
    let r: QueryResult = q(e, &format!("DESCRIBE SCHEMA {schema} DETAILED"));
    assert_eq!(
        r.columns,
        ["field", "type", "required", "indexed", "cascade", "scope"]
    );
    r.rows
        .iter()
        .map(|row| {
            let text = |v: &Value| match v {
                Value::String(s) => s.to_string(),
                v => panic!("not a string: {v:?}"),
            };
            (
                text(&row[0]),
                text(&row[1]),
                row[2] == Value::Bool(true),
                row[5].clone(),
            )
        })
        .collect()
}

#[test]
fn modifiers_and_parametrized_types_are_checked_and_survive_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let expected = vec![
        ("title", "String", true, Value::Null),
        ("body", "String", false, Value::Null),
        ("src", "String", false, Value::str("METADATA")),
        ("lang", "String", false, Value::str("COLLECTION_SPECIFIC")),
        ("topic", "String", false, Value::str("DOMAIN_SHARED")),
        ("tags", "Array(String)", false, Value::Null),
        ("scores", "Map(Float)", false, Value::Null),
        ("emb", "Vector(3)", false, Value::Null),
        ("pts", "Array(Vector(2))", false, Value::Null),
    ];
    let expected: Vec<(String, String, bool, Value)> = expected
        .into_iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c, d))
        .collect();
    {
        let db = Database::open(dir.path()).unwrap();
        let e = Engine::new(db.clone());
        q(
            &e,
            "CREATE SCHEMA notes (title String REQUIRED, body String OPTIONAL, src String METADATA, \
             lang String COLLECTION_SPECIFIC, topic String DOMAIN_SHARED OPTIONAL, tags Array(String), \
             scores Map(Float), emb Embedding(3), pts Array(Embedding(2)))",
        );
        assert_eq!(described(&e, "notes"), expected);
        q(
            &e,
            r#"INSERT INTO notes {"id": "n1", "title": "a", "tags": ["x"], "scores": {"q": 1, "r": 2.5}, "emb": [1.0, 0.0, 0.0], "pts": [[0.5, 0.25]], "src": "import"}"#,
        );
        for (bad, needle) in [
            (r#"{"title": "b", "tags": ["x", 1]}"#, "`tags`"),
            (r#"{"title": "c", "scores": {"q": "high"}}"#, "`scores`"),
            (r#"{"title": "d", "pts": [[0.5, 0.25, 1.0]]}"#, "`pts`"),
            (r#"{"title": "e", "tags": "x"}"#, "`tags`"),
            (r#"{"title": "f", "emb": [1.0, 2.0]}"#, "`emb`"),
            (r#"{"body": "no title"}"#, "`title`"),
        ] {
            let msg = err(&e, &format!("INSERT INTO notes {bad}"));
            assert!(msg.contains(needle), "{bad}: {msg}");
        }
        drop(e);
        drop(db);
    }
    let db = Database::open(dir.path()).unwrap();
    let e = Engine::new(db.clone());
    assert_eq!(described(&e, "notes"), expected);
    let s = db.schema_of("notes").unwrap();
    assert_eq!(
        s.field("src").and_then(|f| f.scope),
        Some(hyperql::FieldScope::Metadata)
    );
    // Still checked after the reopen.
    let msg = err(&e, r#"INSERT INTO notes {"title": "g", "tags": [1]}"#);
    assert!(msg.contains("`tags`"), "{msg}");
    let r = q(&e, "SELECT title, src FROM notes");
    assert_eq!(r.rows, vec![vec![Value::str("a"), Value::str("import")]]);
}

#[test]
fn modify_field_is_checked_against_stored_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let e = Engine::new(db.clone());
    q(
        &e,
        "CREATE SCHEMA items (name String REQUIRED, qty Int, note String)",
    );
    q(
        &e,
        "INSERT INTO items (id, name, qty, note) VALUES ('i1', 'x', 3, 'n'), ('i2', 'y', NULL, 'm')",
    );
    // i2 has no qty: REQUIRED is refused, naming it, and nothing changes.
    let msg = err(&e, "ALTER SCHEMA items MODIFY FIELD qty Int REQUIRED");
    assert!(
        msg.contains("existing entity") && msg.contains("`qty`") && msg.contains("required"),
        "{msg}"
    );
    let msg = err(&e, "ALTER SCHEMA items MODIFY FIELD note Int");
    assert!(
        msg.contains("`note`") && msg.contains("existing entity"),
        "{msg}"
    );
    let msg = err(&e, "ALTER SCHEMA items MODIFY FIELD name Array(String)");
    assert!(msg.contains("`name`"), "{msg}");
    let s = db.schema_of("items").unwrap();
    assert_eq!(
        s.field("qty").map(|f| (f.ty, f.required)),
        Some((hyperql::Type::Int, false))
    );
    // Ints are Floats: this fits.
    q(&e, "ALTER SCHEMA items MODIFY FIELD qty Float METADATA");
    q(&e, "UPDATE items SET qty = 1.5 WHERE name = 'y'");
    q(
        &e,
        "ALTER SCHEMA items MODIFY FIELD qty Float REQUIRED METADATA",
    );
    let msg = err(&e, "INSERT INTO items (id, name) VALUES ('i3', 'z')");
    assert!(msg.contains("`qty`"), "{msg}");
    let msg = err(&e, "ALTER SCHEMA items MODIFY FIELD nope Int");
    assert!(msg.contains("`nope` does not exist"), "{msg}");
    // ADD and DROP FIELD; a closed schema drops the values too.
    q(
        &e,
        "ALTER SCHEMA items ADD FIELD tags Array(Int) DOMAIN_SHARED",
    );
    q(&e, "UPDATE items SET tags = [1, 2] WHERE name = 'x'");
    let msg = err(&e, "UPDATE items SET tags = ['a'] WHERE name = 'y'");
    assert!(msg.contains("`tags`"), "{msg}");
    q(&e, "ALTER SCHEMA items DROP FIELD note");
    let msg = err(&e, "ALTER SCHEMA items DROP FIELD note");
    assert!(msg.contains("note"), "{msg}");
    let r = db.get(&Value::str("i1")).unwrap().unwrap();
    assert!(r.get("note").is_none());
    drop(e);
    drop(db);
    let db = Database::open(dir.path()).unwrap();
    let e = Engine::new(db.clone());
    let d = described(&e, "items");
    let want: Vec<(String, String, bool, Value)> = vec![
        ("name".into(), "String".into(), true, Value::Null),
        ("qty".into(), "Float".into(), true, Value::str("METADATA")),
        (
            "tags".into(),
            "Array(Int)".into(),
            false,
            Value::str("DOMAIN_SHARED"),
        ),
    ];
    assert_eq!(d, want);
}

/// A tiny deterministic generator (the test must not depend on a seed source).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

fn percentile(xs: &[f64], p: f64) -> Value {
    if xs.is_empty() {
        return Value::Null;
    }
    let mut xs = xs.to_vec();
    xs.sort_by(f64::total_cmp);
    let rank = p / 100.0 * (xs.len() - 1) as f64;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    Value::Float(xs[lo] + (xs[hi] - xs[lo]) * (rank - lo as f64))
}

fn std_dev(xs: &[f64]) -> Value {
    if xs.is_empty() {
        return Value::Null;
    }
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    Value::Float((xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n).sqrt())
}

fn close(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => (x - y).abs() <= 1e-9 * x.abs().max(1.0),
        _ => a == b,
    }
}

#[test]
fn cascade_statistics_equal_their_definition_and_a_recomputation_after_random_updates() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let e = Engine::new(db.clone());
    q(
        &e,
        "CREATE SCHEMA topics (name String, \
         med Float CASCADED AS AGGREGATE Median FROM sentiment THROUGH tagged_with related_to INCOMING, \
         p75 Float CASCADED AS AGGREGATE Percentile(75) FROM sentiment THROUGH tagged_with related_to INCOMING, \
         sd Float CASCADED AS AGGREGATE StdDev FROM sentiment THROUGH tagged_with related_to INCOMING, \
         mm Float CASCADED AS AGGREGATE MovingMean(3) FROM sentiment THROUGH tagged_with related_to INCOMING) \
         WITH EXTENSIBILITY Open",
    );
    let topics = ["t0", "t1", "t2", "t3"];
    for t in topics {
        q(
            &e,
            &format!("INSERT INTO topics (id, name) VALUES ('{t}', '{t}')"),
        );
    }
    let mut rng = Lcg(7);
    let mut sentiment: BTreeMap<String, Option<f64>> = BTreeMap::new();
    let mut edges: BTreeSet<(String, String)> = BTreeSet::new();
    let mut next = 0;
    let labels = ["tagged_with", "related_to"];
    for step in 0..240 {
        let posts: Vec<String> = sentiment.keys().cloned().collect();
        match rng.below(10) {
            0..=1 => {
                let id = format!("p{next}");
                next += 1;
                let s = (rng.below(17) as f64 - 8.0) / 4.0;
                q(
                    &e,
                    &format!("INSERT INTO posts (id, sentiment) VALUES ('{id}', {s:?})"),
                );
                sentiment.insert(id, Some(s));
            }
            2..=4 if !posts.is_empty() => {
                let id = &posts[rng.below(posts.len())];
                let v = match rng.below(6) {
                    0 => None,
                    k => Some((k as f64 * 3.0 - 9.0) / 4.0),
                };
                let text = v.map_or("NULL".to_string(), |x| format!("{x:?}"));
                q(
                    &e,
                    &format!("UPDATE posts SET sentiment = {text} WHERE id = '{id}'"),
                );
                sentiment.insert(id.clone(), v);
            }
            5..=8 if !posts.is_empty() => {
                let id = &posts[rng.below(posts.len())];
                let t = topics[rng.below(topics.len())];
                let label = labels[rng.below(2)];
                // A second edge between the same two is either kept or refused; the
                // post is one source of the topic either way.
                let _ = e.query(
                    &format!("RELATE '{id}' -[:{label}]-> '{t}'"),
                    &Params::new(),
                );
                edges.insert((id.clone(), t.to_string()));
            }
            9 if !posts.is_empty() => {
                let id = posts[rng.below(posts.len())].clone();
                q(&e, &format!("DELETE FROM posts WHERE id = '{id}'"));
                sentiment.remove(&id);
                edges.retain(|(p, _)| *p != id);
            }
            _ => {}
        }
        if step % 20 != 19 {
            continue;
        }
        for t in topics {
            let xs: Vec<f64> = edges
                .iter()
                .filter(|(_, to)| to == t)
                .filter_map(|(p, _)| sentiment.get(p).copied().flatten())
                .collect();
            let r = q(
                &e,
                &format!("SELECT med, p75, sd FROM topics WHERE id = '{t}'"),
            );
            let want = [percentile(&xs, 50.0), percentile(&xs, 75.0), std_dev(&xs)];
            for (got, want) in r.rows[0].iter().zip(&want) {
                assert!(
                    close(got, want),
                    "step {step}, {t}: {:?} != {want:?}",
                    r.rows[0]
                );
            }
        }
    }
    let read =
        |e: &Engine<Database>| q(e, "SELECT id, med, p75, sd, mm FROM topics ORDER BY id").rows;
    let before = read(&e);
    // A schema change recomputes every derived field from scratch.
    q(&e, "ALTER SCHEMA topics ADD FIELD extra Int");
    let after = read(&e);
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert!(b.iter().zip(a).all(|(x, y)| close(x, y)), "{b:?} != {a:?}");
    }
    assert!(before.iter().any(|r| r[4] != Value::Null), "{before:?}");
}
