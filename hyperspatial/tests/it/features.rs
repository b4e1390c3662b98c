//! Embeddings (EMBED, auto-embedding), trajectories, the change feed, schema changes
//! on existing data, and durability across an unclean close.

use hyperql::{Engine, Params, Value};
use hyperspatial::{ChangeKind, Database, VectorField, VectorMetric};
use std::sync::Arc;
use std::time::Duration;
use tessera_bridge::{Embedder, HashingEmbedder};

fn q(e: &Engine<Database>, text: &str) -> hyperql::QueryResult {
    e.query(text, &Params::new())
        .unwrap_or_else(|err| panic!("{text}: {err}"))
}

#[test]
fn embed_function_and_auto_embedding() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let e = Engine::new(db.clone());
    assert!(
        e.query("SELECT EMBED('hello')", &Params::new()).is_err(),
        "no embedder yet"
    );
    let hashing = Arc::new(HashingEmbedder::default());
    db.register_embedder(hashing.clone());
    let r = q(&e, "SELECT EMBED('hello world')");
    let expected = hashing.embed_one("hello world").unwrap();
    assert_eq!(r.rows[0][0], Value::Vector(expected.clone().into()));
    let name = hashing.info().name.clone();
    let r = q(&e, &format!("SELECT EMBED('hello world', '{name}')"));
    assert_eq!(r.rows[0][0], Value::Vector(expected.into()));
    assert!(
        e.query("SELECT EMBED('x', 'no-such-model')", &Params::new())
            .is_err()
    );

    db.define_vector_field(
        "notes",
        "text_vec",
        VectorField {
            dim: 384,
            metric: VectorMetric::Cosine,
        },
    )
    .unwrap();
    db.define_auto_embed("notes", "text", "text_vec").unwrap();
    q(
        &e,
        "INSERT INTO notes (id, text) VALUES ('a', 'rust storage engines'), ('b', 'baking sourdough bread'), ('c', 'embedded key value stores in rust')",
    );
    let r = q(
        &e,
        "SELECT _key FROM notes ORDER BY SIMILARITY(text_vec, EMBED('rust databases'), 'cosine') DESC LIMIT 1",
    );
    assert!(matches!(&r.rows[0][0], Value::String(s) if &**s == "a" || &**s == "c"));
    // Updating the text re-embeds it.
    q(
        &e,
        "UPDATE notes SET text = 'rust storage engines and databases' WHERE id = 'b'",
    );
    let b = db.get(&Value::str("b")).unwrap().unwrap();
    let want = hashing
        .embed_one("rust storage engines and databases")
        .unwrap();
    assert_eq!(b.get("text_vec"), Some(&Value::Vector(want.into())));
    // A wrong dimension is refused when configuring.
    db.define_vector_field(
        "notes",
        "small",
        VectorField {
            dim: 8,
            metric: VectorMetric::Cosine,
        },
    )
    .unwrap();
    assert!(db.define_auto_embed("notes", "text", "small").is_err());
}

#[test]
fn trajectories_record_position_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let mut b = db.batch();
    let id = b
        .insert(
            "things",
            None,
            hyperql::Document::from_iter([("a".to_string(), Value::Int(1))]),
        )
        .unwrap();
    b.commit().unwrap();
    std::thread::sleep(Duration::from_millis(5));
    let mut b = db.batch();
    b.set(id, "b", Value::str("changed")).unwrap();
    b.commit().unwrap();
    let t = db.trajectory(id).unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(t[0].1.len(), 17);
    let k = db.kinematics(id).unwrap();
    assert!(k.path_length >= k.drift - 1e-9);
    assert!(k.drift > 0.0, "the property component moved");
    assert!(k.velocity > 0.0);
}

#[test]
fn change_feed_delivers_commits_in_order_and_counts_drops() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let sub = db.subscribe(16);
    let small = db.subscribe(1);
    let e = Engine::new(db.clone());
    q(&e, "INSERT INTO users (id, name) VALUES ('a', 'A')");
    q(&e, "UPDATE users SET name = 'B' WHERE id = 'a'");
    q(&e, "DELETE FROM users WHERE id = 'a'");
    let kinds: Vec<ChangeKind> = (0..3)
        .map(|_| sub.recv_timeout(Duration::from_secs(1)).unwrap().kind)
        .collect();
    assert_eq!(
        kinds,
        vec![ChangeKind::Insert, ChangeKind::Update, ChangeKind::Delete]
    );
    assert_eq!(small.try_recv().unwrap().kind, ChangeKind::Insert);
    assert!(small.try_recv().is_none());
    assert_eq!(small.lagged(), 2);
}

#[test]
fn alter_drop_field_on_closed_schema_removes_values() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let e = Engine::new(db.clone());
    q(
        &e,
        "CREATE SCHEMA items (name String REQUIRED, note String) WITH EXTENSIBILITY Closed",
    );
    q(
        &e,
        "INSERT INTO items (id, name, note) VALUES ('i1', 'x', 'n')",
    );
    q(&e, "ALTER SCHEMA items DROP FIELD note");
    let r = db.get(&Value::str("i1")).unwrap().unwrap();
    assert!(r.get("note").is_none());
    // The fields every record has are not refused by a closed schema; others are.
    let r = e
        .query(
            "SELECT _key, _type, id FROM items WHERE _key = 'i1' ORDER BY position DISTANCE FROM 'i1'",
            &Params::new(),
        )
        .unwrap();
    assert_eq!(r.rows[0][0], Value::str("i1"));
    assert!(e.query("SELECT nope FROM items", &Params::new()).is_err());
    // CREATE SCHEMA over data that does not fit is refused and changes nothing.
    q(&e, "INSERT INTO loose (id, n) VALUES ('l1', 'text')");
    assert!(
        e.query("CREATE SCHEMA loose (n Int)", &Params::new())
            .is_err()
    );
    assert!(db.schema_of("loose").is_none());
}

/// Runs only as the child of `committed_batches_survive_a_crash`: commits, then
/// aborts the process without any cleanup.
#[test]
fn crash_child() {
    let Ok(dir) = std::env::var("HYPERSPATIAL_CRASH_DIR") else {
        return;
    };
    let db = Database::open(&dir).unwrap();
    let e = Engine::new(db.clone());
    q(
        &e,
        "INSERT INTO users (id, name) VALUES ('a', 'A'), ('b', 'B')",
    );
    q(&e, "RELATE 'a' -[:knows]-> 'b'");
    std::process::abort();
}

#[test]
fn committed_batches_survive_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "features::crash_child",
            "--exact",
            "--test-threads=1",
            "--nocapture",
        ])
        .env("HYPERSPATIAL_CRASH_DIR", dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(!status.success(), "the child aborts");
    let db = Database::open(dir.path()).unwrap();
    let e = Engine::new(db.clone());
    let r = q(
        &e,
        "SELECT b.name FROM users TRAVERSE (a)-[:knows]->(b) WHERE a._key = 'a'",
    );
    assert_eq!(r.rows, vec![vec![Value::str("B")]]);
    assert!(
        db.get(&Value::str("a"))
            .unwrap()
            .unwrap()
            .get("position")
            .is_some()
    );
}

#[test]
fn relayout_places_a_tree_so_parents_are_nearer_than_strangers() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let mut b = db.batch();
    let root = b.insert("t", None, hyperql::Document::default()).unwrap();
    let mut kids = Vec::new();
    for _ in 0..4 {
        let k = b.insert("t", None, hyperql::Document::default()).unwrap();
        b.relate(root, "child", k, 1.0, hyperql::Document::default())
            .unwrap();
        let g = b.insert("t", None, hyperql::Document::default()).unwrap();
        b.relate(k, "child", g, 1.0, hyperql::Document::default())
            .unwrap();
        kids.push((k, g));
    }
    b.commit().unwrap();
    let report = db
        .relayout(&hyperspatial::positioning::GraphLayout::default())
        .unwrap();
    assert_eq!((report.entities, report.edges), (9, 8));
    let h = hyperspatial::Hyperboloid::default();
    let g = |id| db.placement(id).unwrap().unwrap().graph.unwrap();
    for (i, (k, gk)) in kids.iter().enumerate() {
        let (other_k, other_g) = kids[(i + 1) % kids.len()];
        let d_parent = h.distance(&g(*k), &g(*gk)).unwrap();
        let d_stranger = h.distance(&g(other_k), &g(*gk)).unwrap();
        assert!(d_parent < d_stranger, "{d_parent} vs {d_stranger}");
        let _ = other_g;
    }
    // Positions survive a reopen.
    let before = db.placement(root).unwrap();
    drop(db);
    let db = Database::open(dir.path()).unwrap();
    assert_eq!(db.placement(root).unwrap(), before);
}

/// Declaring an index over a collection larger than one log record can hold fills
/// it in chunks; the index then answers like a scan.
#[test]
fn indexing_a_large_collection_fills_the_index_in_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let e = Engine::new(db.clone());
    const N: i64 = 50_000;
    let long = "x".repeat(300);
    for chunk in 0..N / 5000 {
        let mut b = db.batch();
        for i in chunk * 5000..(chunk + 1) * 5000 {
            let mut doc = hyperql::Document::default();
            doc.insert("n".into(), Value::Int(i));
            doc.insert("bucket".into(), Value::Int(i % 100));
            doc.insert("note".into(), Value::str(&long));
            b.insert("big", None, doc).unwrap();
        }
        b.commit().unwrap();
    }
    let count = "SELECT COUNT(*) FROM big WHERE bucket = 42";
    let before = q(&e, count).rows;
    assert_eq!(before, vec![vec![Value::Int(N / 100)]]);
    q(
        &e,
        "CREATE SCHEMA big (n Int, bucket Int INDEXED, note String)",
    );
    let indexed = q(&e, count);
    assert_eq!(indexed.rows, before);
    // Only the matching records were read: the index answered.
    assert_eq!(indexed.stats.rows_scanned, (N / 100) as u64);
    // Dropping and declaring the index again leaves no stale entries.
    q(&e, "UPDATE big SET bucket = 1000 WHERE n = 42");
    q(&e, "DROP SCHEMA big");
    q(&e, "UPDATE big SET bucket = 42 WHERE n = 43");
    q(
        &e,
        "CREATE SCHEMA big (n Int, bucket Int INDEXED, note String)",
    );
    let ns = q(&e, "SELECT n FROM big WHERE bucket = 42 ORDER BY n LIMIT 3").rows;
    assert_eq!(
        ns,
        vec![
            vec![Value::Int(43)],
            vec![Value::Int(142)],
            vec![Value::Int(242)]
        ]
    );
    drop(e);
    drop(db);
    let db = Database::open(dir.path()).unwrap();
    let e = Engine::new(db);
    assert_eq!(q(&e, count).rows, before);
}

#[test]
fn indexed_fields_answer_like_a_scan() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let e = Engine::new(db.clone());
    for i in 0..60 {
        let city = ["oslo", "rome", "lima"][i % 3];
        let age = if i % 7 == 0 {
            "NULL".to_string()
        } else {
            (i % 40).to_string()
        };
        q(
            &e,
            &format!("INSERT INTO people (n, city, age) VALUES ({i}, '{city}', {age})"),
        );
    }
    let queries = [
        "SELECT n FROM people WHERE city = 'rome' ORDER BY n",
        "SELECT n FROM people WHERE age > 30 ORDER BY n",
        "SELECT n FROM people WHERE age <= 5 AND city = 'oslo' ORDER BY n",
        "SELECT n FROM people WHERE age >= 10.5 AND age < 12 ORDER BY n",
        "SELECT n FROM people WHERE city IN ('lima', 'oslo') AND age = 4 ORDER BY n",
        "SELECT n FROM people WHERE age <> 3 ORDER BY n",
    ];
    let before: Vec<_> = queries.iter().map(|t| q(&e, t).rows).collect();
    // Declaring the index over existing data fills it; answers do not change.
    q(
        &e,
        "CREATE SCHEMA people (n Int, city String INDEXED, age Int INDEXED)",
    );
    let after: Vec<_> = queries.iter().map(|t| q(&e, t).rows).collect();
    assert_eq!(before, after);
    // Updates and deletes keep the index right.
    q(&e, "UPDATE people SET city = 'oslo' WHERE n = 1");
    q(&e, "DELETE FROM people WHERE n = 4");
    let rome = q(&e, "SELECT n FROM people WHERE city = 'rome' ORDER BY n").rows;
    assert!(!rome.contains(&vec![Value::Int(1)]) && !rome.contains(&vec![Value::Int(4)]));
    let oslo = q(&e, "SELECT n FROM people WHERE city = 'oslo'").rows;
    assert!(oslo.contains(&vec![Value::Int(1)]));
    q(&e, "DROP SCHEMA people");
    assert_eq!(
        q(&e, "SELECT COUNT(*) FROM people WHERE city = 'oslo'").rows,
        vec![vec![Value::Int(21)]]
    );
}
