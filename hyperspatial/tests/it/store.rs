//! The store on disk: documents, external ids, paths, edges, vectors, placements,
//! reopen, caches, bad input.

use hyperql::{Document, Value};
use hyperspatial::{Database, Options, StoreError, VectorField, VectorMetric};
use manifold_graph::Direction;

fn doc(j: serde_json::Value) -> Document {
    match Value::from_json(&j) {
        Value::Object(d) => (*d).clone(),
        _ => panic!("not an object"),
    }
}

#[test]
fn nested_documents_round_trip_and_survive_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let id;
    {
        let db = Database::open(dir.path()).unwrap();
        let mut b = db.batch();
        id = b
            .insert(
                "users",
                Some("Person"),
                doc(serde_json::json!({"id": "alice", "name": "Alice", "age": 36,
                    "profile": {"bio": "math", "links": {"web": "a.example"}}, "tags": ["x", "y"], "empty": {}})),
            )
            .unwrap();
        b.commit().unwrap();
        let r = db.get(&Value::str("alice")).unwrap().unwrap();
        assert_eq!(r.get("name"), Some(&Value::str("Alice")));
        assert_eq!(r.get("_key"), Some(&Value::str("alice")));
        assert_eq!(r.get("_type"), Some(&Value::str("Person")));
        assert_eq!(r.get("id"), Some(&Value::str(&id.to_string())));
        let bio = Value::Object(r.clone())
            .get_path(&["profile".into(), "bio".into()])
            .clone();
        assert_eq!(bio, Value::str("math"));
        assert!(matches!(r.get("position"), Some(Value::Array(v)) if v.len() == 17));
    }
    let db = Database::open(dir.path()).unwrap();
    let r = db.get_entity(id).unwrap().unwrap();
    let web = Value::Object(r.clone())
        .get_path(&["profile".into(), "links".into(), "web".into()])
        .clone();
    assert_eq!(web, Value::str("a.example"));
    assert!(matches!(r.get("empty"), Some(Value::Object(d)) if d.is_empty()));
    assert_eq!(db.resolve(&Value::str("alice")), Some(id));
    assert_eq!(db.count(Some("users")), 1);
}

#[test]
fn wildcard_paths() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let mut b = db.batch();
    b.insert("users", None, doc(serde_json::json!({"id": "a", "email": "a@x", "home": {"email": "a@home", "addr": {"email": "deep"}}}))).unwrap();
    b.insert(
        "users",
        None,
        doc(serde_json::json!({"id": "b", "email": "b@x"})),
    )
    .unwrap();
    b.commit().unwrap();
    let top: Vec<String> = db
        .paths("users", "*.email")
        .unwrap()
        .into_iter()
        .map(|x| x.2.to_string())
        .collect();
    assert_eq!(top.len(), 2);
    let any: Vec<_> = db.paths("users", "**.email").unwrap();
    assert_eq!(any.len(), 4);
    let a_all = db.paths("users", "a.**").unwrap();
    assert_eq!(a_all.len(), 3);
    let one_level = db.paths("users", "*.*.email").unwrap();
    assert_eq!(one_level.len(), 1);
    assert!(db.paths("users", "a..b").is_err());
    assert!(matches!(
        db.paths("nope", "*"),
        Err(StoreError::UnknownCollection(_))
    ));
}

#[test]
fn bad_input_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let mut b = db.batch();
    b.insert("users", None, doc(serde_json::json!({"id": "a"})))
        .unwrap();
    b.commit().unwrap();
    let mut b = db.batch();
    b.insert("users", None, doc(serde_json::json!({"id": "b"})))
        .unwrap();
    assert!(
        b.insert("users", None, doc(serde_json::json!({"id": "a"})))
            .is_err()
    );
    assert!(
        b.insert("users", None, doc(serde_json::json!({"a.b": 1})))
            .is_err()
    );
    assert!(b.insert("bad name!", None, Document::default()).is_err());
    assert!(
        b.insert("users", None, doc(serde_json::json!({"id": 1.5})))
            .is_err()
    );
    drop(b);
    assert_eq!(db.count(Some("users")), 1, "a dropped batch writes nothing");
    assert!(db.get(&Value::str("b")).unwrap().is_none());
}

#[test]
fn edges_and_delete_remove_both_directions() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let mut b = db.batch();
    let a = b
        .insert("people", None, doc(serde_json::json!({"id": "a"})))
        .unwrap();
    let c = b
        .insert("companies", None, doc(serde_json::json!({"id": "c"})))
        .unwrap();
    let p = b
        .insert("people", None, doc(serde_json::json!({"id": "p"})))
        .unwrap();
    b.relate(a, "works_at", c, 1.0, Document::default())
        .unwrap();
    b.relate(p, "knows", a, 0.5, doc(serde_json::json!({"since": 2020})))
        .unwrap();
    b.commit().unwrap();
    assert_eq!(db.edges(c, Direction::Incoming, None).unwrap().len(), 1);
    let k = db.edges(a, Direction::Incoming, Some("knows")).unwrap();
    assert_eq!(k[0].props.get("since"), Some(&Value::Int(2020)));
    // Both a and c got graph components.
    assert!(db.placement(a).unwrap().unwrap().graph.is_some());
    assert!(db.placement(c).unwrap().unwrap().graph.is_some());
    let mut b = db.batch();
    b.delete(a).unwrap();
    b.commit().unwrap();
    assert!(db.edges(c, Direction::Incoming, None).unwrap().is_empty());
    assert!(db.edges(p, Direction::Outgoing, None).unwrap().is_empty());
    assert!(db.get_entity(a).unwrap().is_none());
    assert!(db.resolve(&Value::str("a")).is_none());
}

#[test]
fn vectors_are_indexed_and_restored_after_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<_>;
    {
        let db = Database::open(dir.path()).unwrap();
        db.define_vector_field(
            "docs",
            "emb",
            VectorField {
                dim: 4,
                metric: VectorMetric::Euclidean,
            },
        )
        .unwrap();
        let mut b = db.batch();
        ids = (0..50)
            .map(|i| {
                let x = i as f64;
                b.insert(
                    "docs",
                    None,
                    doc(serde_json::json!({"n": i, "emb": [x, 0.0, 0.0, 1.0]})),
                )
                .unwrap()
            })
            .collect();
        b.commit().unwrap();
        let r = db.get_entity(ids[3]).unwrap().unwrap();
        assert!(matches!(r.get("emb"), Some(Value::Vector(v)) if v[0] == 3.0));
        let mut bad = db.batch();
        bad.insert("docs", None, doc(serde_json::json!({"emb": [1.0, 2.0]})))
            .unwrap();
        assert!(bad.commit().is_err(), "wrong dimension");
    }
    let db = Database::open(dir.path()).unwrap();
    let engine = hyperql::Engine::new(db.clone());
    let mut params = hyperql::Params::new();
    params.insert(
        "q".into(),
        Value::Vector(vec![10.2f32, 0.0, 0.0, 1.0].into()),
    );
    let r = engine
        .query(
            "SELECT n FROM docs ORDER BY DISTANCE(emb, $q, 'euclidean') LIMIT 3",
            &params,
        )
        .unwrap();
    assert_eq!(
        r.rows,
        vec![
            vec![Value::Int(10)],
            vec![Value::Int(11)],
            vec![Value::Int(9)]
        ]
    );
    let plan = engine
        .explain(
            "SELECT n FROM docs ORDER BY DISTANCE(emb, $q, 'euclidean') LIMIT 3",
            &params,
        )
        .unwrap();
    assert!(plan.to_lowercase().contains("knn"), "{plan}");
}

#[test]
fn caches_count_hits_and_misses() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open_with(
        dir.path(),
        Options {
            entity_cache: 10,
            ..Options::default()
        },
    )
    .unwrap();
    let mut b = db.batch();
    let ids: Vec<_> = (0..20)
        .map(|i| {
            b.insert("c", None, doc(serde_json::json!({"i": i})))
                .unwrap()
        })
        .collect();
    b.commit().unwrap();
    for _ in 0..3 {
        for id in &ids[..5] {
            db.get_entity(*id).unwrap();
        }
    }
    let s = db.stats().entity_cache;
    assert_eq!(s.misses, 5);
    assert_eq!(s.hits, 10);
    for id in &ids {
        db.get_entity(*id).unwrap();
    }
    assert!(db.stats().entity_cache.len <= 10, "LRU bound");
    assert_eq!(db.property(ids[0], "i").unwrap(), Some(Value::Int(0)));
}

#[test]
fn readers_racing_writers_never_see_a_stale_cached_entity() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let mut b = db.batch();
    let id = b
        .insert("c", None, doc(serde_json::json!({"v": 0})))
        .unwrap();
    b.commit().unwrap();
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    db.get_entity(id).unwrap();
                }
            });
        }
        for i in 1..=200 {
            let mut b = db.batch();
            b.set(id, "v", Value::Int(i)).unwrap();
            b.commit().unwrap();
            // After a commit returns, every read sees it (through the cache or not).
            let r = db.get_entity(id).unwrap().unwrap();
            assert_eq!(r.get("v"), Some(&Value::Int(i)));
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
    });
}

#[test]
fn collections_beyond_the_limit_are_refused_and_logs_start_small() {
    let dir = tempfile::tempdir().unwrap();
    let options = || hyperspatial::Options {
        max_collections: 2,
        ..hyperspatial::Options::default()
    };
    let db = hyperspatial::Database::open_with(dir.path(), options()).unwrap();
    let e = hyperql::Engine::new(db.clone());
    for c in ["one", "two"] {
        e.query(
            &format!("INSERT INTO {c} (n) VALUES (1)"),
            &hyperql::Params::new(),
        )
        .unwrap();
    }
    let err = e
        .query("INSERT INTO three (n) VALUES (1)", &hyperql::Params::new())
        .unwrap_err();
    assert!(err.to_string().contains("--max-collections"), "{err}");
    assert!(db.collection_config("three").is_none());
    // Existing collections still take writes.
    e.query("INSERT INTO two (n) VALUES (2)", &hyperql::Params::new())
        .unwrap();
    // A collection's log starts with two segments (32 MiB), not four.
    let log = dir.path().join("collections/one/shard-000.manifold-wal");
    assert_eq!(std::fs::metadata(log).unwrap().len(), 32 << 20);
}

#[test]
fn the_search_width_of_a_vector_field_is_settable_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let field = VectorField {
        dim: 8,
        metric: VectorMetric::Cosine,
    };
    db.define_vector_field("docs", "emb", field).unwrap();
    let data = crate::data::uniform(5, 400, 8);
    let mut b = db.batch();
    let ids: Vec<_> = data
        .iter()
        .map(|v| {
            let mut d = Document::default();
            d.insert("emb".into(), Value::Vector(v.as_slice().into()));
            b.insert("docs", None, d).unwrap()
        })
        .collect();
    b.commit().unwrap();
    db.wait_for_indexes();
    assert_eq!(db.vector_search_width("docs", "emb").unwrap(), 100);
    for bad in [0, Database::MAX_SEARCH_WIDTH + 1] {
        let e = db.set_vector_search_width("docs", "emb", bad).unwrap_err();
        assert!(matches!(e, StoreError::Constraint(_)), "{e}");
    }
    for (c, f) in [("docs", "nope"), ("nope", "emb")] {
        let e = db.set_vector_search_width(c, f, 10).unwrap_err();
        assert!(matches!(e, StoreError::NotFound(_)), "{e}");
    }
    let engine = hyperql::Engine::new(db.clone());
    let query = "SELECT id FROM docs ORDER BY SIMILARITY(emb, $q, 'cosine') DESC LIMIT 10";
    let run = |q: &[f32]| -> Vec<String> {
        let mut p = hyperql::Params::new();
        p.insert("q".into(), Value::Vector(q.into()));
        let r = engine.query(query, &p).unwrap();
        r.rows.iter().map(|row| format!("{:?}", row[0])).collect()
    };
    // A width of 1 still searches for the 10 asked for; a width that covers the
    // whole collection finds exactly the brute-force neighbours.
    db.set_vector_search_width("docs", "emb", 1).unwrap();
    assert_eq!(db.vector_search_width("docs", "emb").unwrap(), 1);
    assert_eq!(run(&data[7]).len(), 10);
    db.set_vector_search_width("docs", "emb", 1000).unwrap();
    for q in crate::data::uniform(6, 20, 8) {
        let truth = crate::data::brute_force(hyperspatial::MetricKind::Cosine, &data, &q, 10);
        let want: Vec<String> = truth
            .iter()
            .map(|&i| format!("{:?}", Value::str(&ids[i as usize].to_string())))
            .collect();
        let mut got = run(&q);
        let mut want = want;
        got.sort();
        want.sort();
        assert_eq!(got, want);
    }
}
