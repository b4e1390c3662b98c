//! Import and export against a database on disk: mappings, edges by external id
//! (forward references included), refused rows, taking back a failed import, and
//! export -> import round trips.

use hyperql::{Document, Engine, Params, Value};
use hyperspatial::Database;
use hyperspatial::transfer::{
    EdgeMapping, Format, ImportOptions, ImportSummary, Mapping, export, import,
};
use manifold_graph::Direction;

fn db() -> (tempfile::TempDir, Database) {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    (dir, db)
}

fn run(
    db: &Database,
    text: &str,
    format: Format,
    m: &Mapping,
    keep_going: bool,
) -> Result<ImportSummary, hyperspatial::transfer::ImportError> {
    let opts = ImportOptions {
        batch: 2,
        keep_going,
        ..ImportOptions::default()
    };
    import(db, text.as_bytes(), format, m, &opts, &mut |_| {})
}

fn people() -> Mapping {
    let mut m = Mapping::new("people");
    m.edges = vec![EdgeMapping::parse("boss:reports_to").unwrap()];
    m.vectors = vec!["emb".into()];
    m
}

const PEOPLE: &str = r#"{"id": "ada", "name": "Ada", "boss": "cy", "emb": [1, 0]}
{"id": "bob", "name": "Bob", "boss": "ada", "emb": [0, 1], "_type": "intern"}
{"id": "cy", "name": "Cy", "emb": "0.5 0.5", "tags": ["a", "b"], "home": {"city": "Oslo"}}
"#;

fn count(db: &Database, collection: &str) -> usize {
    db.scan(collection, None).map(|s| s.count()).unwrap_or(0)
}

fn key_of(db: &Database, key: &str) -> uuid::Uuid {
    db.resolve(&Value::str(key))
        .unwrap_or_else(|| panic!("no `{key}`"))
}

#[test]
fn rows_become_entities_with_edges_types_and_vectors() {
    let (_d, db) = db();
    let s = run(&db, PEOPLE, Format::Jsonl, &people(), false).unwrap();
    assert_eq!((s.rows, s.accepted, s.rejected, s.edges), (3, 3, 0, 2));
    let ada = key_of(&db, "ada");
    // Ada's boss comes after her in the file.
    let out = db
        .edges(ada, Direction::Outgoing, Some("reports_to"))
        .unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].to, key_of(&db, "cy"));
    let bob = db.get(&Value::str("bob")).unwrap().unwrap();
    assert_eq!(bob.get("_type"), Some(&Value::str("intern")));
    assert!(bob.get("boss").is_none());
    assert_eq!(bob.get("emb"), Some(&Value::Vector(vec![0.0, 1.0].into())));
    let cy = db.get(&Value::str("cy")).unwrap().unwrap();
    assert_eq!(cy.get("emb"), Some(&Value::Vector(vec![0.5, 0.5].into())));
    let e = Engine::new(db.clone());
    let r = e
        .query(
            "SELECT name FROM people WHERE home.city = 'Oslo'",
            &Params::new(),
        )
        .unwrap();
    assert_eq!(r.rows, vec![vec![Value::str("Cy")]]);
}

#[test]
fn edges_may_point_at_stored_entities_and_in_reverse() {
    let (_d, db) = db();
    let mut b = db.batch();
    let mut d = Document::default();
    d.insert("id".into(), Value::str("acme"));
    b.insert("companies", None, d).unwrap();
    b.commit().unwrap();
    let mut m = Mapping::new("people");
    m.edges = vec![EdgeMapping::parse("employer:employs:in").unwrap()];
    let s = run(
        &db,
        "id,employer\nann,acme\nben,acme\n",
        Format::Csv,
        &m,
        false,
    )
    .unwrap();
    assert_eq!(s.edges, 2);
    let acme = key_of(&db, "acme");
    let employs = db
        .edges(acme, Direction::Outgoing, Some("employs"))
        .unwrap();
    assert_eq!(employs.len(), 2);
}

#[test]
fn a_refused_row_fails_the_import_and_takes_everything_back() {
    let (_d, db) = db();
    // Rows 1-4 commit in two batches before row 5 is refused.
    let text = "{\"id\":\"a\"}\n{\"id\":\"b\",\"boss\":\"a\"}\n{\"id\":\"c\"}\n{\"id\":\"d\"}\n{\"id\":\"a\"}\n{\"id\":\"e\"}\n";
    let err = run(&db, text, Format::Jsonl, &people(), false).unwrap_err();
    assert!(err.message.contains("row 5"), "{}", err.message);
    assert!(err.message.contains("already exists"), "{}", err.message);
    assert_eq!(err.summary.rolled_back, 4);
    assert_eq!(count(&db, "people"), 0);
    assert!(db.resolve(&Value::str("a")).is_none());
    // The same ids import cleanly afterwards.
    let ok = run(
        &db,
        "{\"id\":\"a\"}\n{\"id\":\"b\"}\n",
        Format::Jsonl,
        &people(),
        false,
    );
    assert_eq!(ok.unwrap().accepted, 2);
}

#[test]
fn an_unknown_edge_target_fails_a_strict_import() {
    let (_d, db) = db();
    let err = run(
        &db,
        "{\"id\":\"a\",\"boss\":\"ghost\"}\n",
        Format::Jsonl,
        &people(),
        false,
    )
    .unwrap_err();
    assert!(err.message.contains("ghost"), "{}", err.message);
    assert_eq!(count(&db, "people"), 0);
}

#[test]
fn keep_going_skips_and_reports_every_refused_row() {
    let (_d, db) = db();
    Engine::new(db.clone())
        .query(
            "CREATE SCHEMA people (name String REQUIRED, age Int)",
            &Params::new(),
        )
        .unwrap();
    let text = r#"[
        {"id": "a", "name": "A", "age": 1},
        {"id": "b", "age": 2},
        {"id": "c", "name": "C", "age": "old"},
        7,
        {"id": "d", "name": "D", "boss": "nobody"},
        {"id": "e", "name": "E", "emb": "1 x"}
    ]"#;
    let s = run(&db, text, Format::Json, &people(), true).unwrap();
    assert_eq!((s.rows, s.accepted, s.rejected), (6, 2, 4), "{s:?}");
    assert_eq!(s.edges_rejected, 1);
    let rows: Vec<u64> = s.rejections.iter().map(|r| r.row).collect();
    for r in [2, 3, 4, 5, 6] {
        assert!(
            rows.contains(&r),
            "row {r} not reported: {:?}",
            s.rejections
        );
    }
    assert_eq!(count(&db, "people"), 2);
}

#[test]
fn bad_input_as_a_whole_is_an_error_not_a_panic() {
    let (_d, db) = db();
    let m = people();
    assert!(run(&db, "{\"not\": \"an array\"}", Format::Json, &m, true).is_err());
    assert!(run(&db, "[{\"id\": 1}", Format::Json, &m, true).is_err());
    assert!(run(&db, "", Format::Csv, &m, true).is_ok_and(|s| s.rows == 0));
    let mut bad = people();
    bad.collection = "no spaces".into();
    assert!(run(&db, "{}", Format::Jsonl, &bad, true).is_err());
    assert_eq!(count(&db, "people"), 0);
}

#[test]
fn export_then_import_rebuilds_entities_and_edges() {
    let (_d, db) = db();
    run(&db, PEOPLE, Format::Jsonl, &people(), false).unwrap();
    for format in [Format::Jsonl, Format::Json, Format::Csv] {
        let mut out = Vec::new();
        let n = export(&db, "people", format, &mut out, &mut |_| {}).unwrap();
        assert_eq!(n, 3);
        let (_d2, copy) = self::db();
        let mut m = Mapping::new("people");
        m.vectors = vec!["emb".into()];
        let text = String::from_utf8(out).unwrap();
        let s = run(&copy, &text, format, &m, false)
            .unwrap_or_else(|e| panic!("{format:?}: {e}\n{text}"));
        assert_eq!((s.accepted, s.edges), (3, 2), "{format:?}");
        for key in ["ada", "bob", "cy"] {
            let a = db.get(&Value::str(key)).unwrap().unwrap();
            let b = copy.get(&Value::str(key)).unwrap().unwrap();
            for f in ["name", "_type", "emb", "tags", "home"] {
                assert_eq!(a.get(f), b.get(f), "{format:?} {key}.{f}");
            }
        }
        let bob = key_of(&copy, "bob");
        let boss = copy
            .edges(bob, Direction::Outgoing, Some("reports_to"))
            .unwrap();
        assert_eq!(boss[0].to, key_of(&copy, "ada"), "{format:?}");
    }
}

#[test]
fn imported_vectors_and_positions_are_searchable_before_and_after_indexing() {
    let (dir, db) = db();
    let mut text = String::new();
    for i in 0..300 {
        let a = i as f32 / 300.0;
        text.push_str(&format!(
            "{{\"id\": \"p{i}\", \"emb\": [{}, {}]}}\n",
            a.cos(),
            a.sin()
        ));
    }
    run(&db, &text, Format::Jsonl, &people(), false).unwrap();
    let e = Engine::new(db.clone());
    let q = "SELECT _key FROM people ORDER BY SIMILARITY(emb, $q, 'cosine') DESC LIMIT 3";
    let mut p = Params::new();
    p.insert("q".into(), Value::Vector(vec![1.0f32, 0.0].into()));
    let before = e.query(q, &p).unwrap().rows;
    assert_eq!(before[0], vec![Value::str("p0")]);
    // Closing does not wait for the indexer: what it had not linked is staged again
    // when the database opens, and searches see it all the same.
    drop(e);
    drop(db);
    let db = Database::open(dir.path()).unwrap();
    let e = Engine::new(db.clone());
    assert_eq!(e.query(q, &p).unwrap().rows, before);
    db.wait_for_indexes();
    assert_eq!(db.stats().index_staged, 0);
    let after = e.query(q, &p).unwrap().rows;
    assert_eq!(before, after);
    drop(e);
    drop(db);
    let db = Database::open(dir.path()).unwrap();
    assert_eq!(db.stats().index_staged, 0, "the snapshot holds every entry");
    assert_eq!(Engine::new(db).query(q, &p).unwrap().rows, before);
}

/// Rows large enough that the default 10,000 rows would not fit one log record:
/// batches end early by size instead.
#[test]
fn large_rows_are_written_in_smaller_batches() {
    let (_d, db) = db();
    let text = "t".repeat(2000);
    let rows: String = (0..10_000)
        .map(|i| format!("{{\"id\": \"r{i}\", \"text\": \"{text}\"}}\n"))
        .collect();
    let s = import(
        &db,
        rows.as_bytes(),
        Format::Jsonl,
        &Mapping::new("docs"),
        &ImportOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!((s.accepted, s.rejected), (10_000, 0));
    assert_eq!(count(&db, "docs"), 10_000);
}

/// Rows without edges are placed by their fields alone: the stored placement does
/// not depend on how the rows were batched, and its property component is the
/// fingerprint of the row's leaves (dotted path, value text).
#[test]
fn imported_placements_follow_from_the_rows_alone() {
    let rows: Vec<String> = (0..40)
        .map(|i| {
            format!(
                "{{\"id\": \"p{i}\", \"name\": \"n{}\", \"age\": {}, \"score\": {}.5, \"home\": {{\"city\": \"c{}\"}}, \"tags\": [\"t{}\"]}}",
                i % 7,
                20 + i % 5,
                i % 3,
                i % 4,
                i % 2
            )
        })
        .collect();
    let text = rows.join("\n");
    let load = |batch: usize| {
        let (dir, db) = db();
        let opts = ImportOptions {
            batch,
            ..ImportOptions::default()
        };
        let m = Mapping::new("people");
        let s = import(&db, text.as_bytes(), Format::Jsonl, &m, &opts, &mut |_| {}).unwrap();
        assert_eq!((s.accepted, s.rejected), (40, 0));
        (dir, db)
    };
    let (_a, one) = load(1);
    let (_b, many) = load(1000);
    let dim = one.options().position_dim;
    for (i, row) in rows.iter().enumerate() {
        let key = format!("p{i}");
        let p1 = one.placement(key_of(&one, &key)).unwrap().unwrap();
        let p2 = many.placement(key_of(&many, &key)).unwrap().unwrap();
        assert_eq!(p1, p2, "{key}");
        let json: serde_json::Value = serde_json::from_str(row).unwrap();
        let Value::Object(doc) = Value::from_json(&json) else {
            panic!("{row}")
        };
        let mut doc = (*doc).clone();
        doc.shift_remove("id");
        let texts: Vec<(String, String)> = hyperspatial::flatten(&doc)
            .unwrap()
            .into_iter()
            .map(|(k, v)| (k, v.to_string()))
            .collect();
        let fields: Vec<(&str, &str)> = texts
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let expected = hyperspatial::positioning::property_fingerprint(&fields, dim).unwrap();
        assert_eq!(p1.property.as_deref(), Some(expected.as_slice()), "{key}");
        assert_eq!(p1.graph, None, "{key}");
    }
}
