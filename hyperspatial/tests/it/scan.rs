//! Scans that read only what a query needs (projection pushdown down to the record
//! decoder, tables walked in step) and `COUNT(*)` from the collection's count give
//! the same answers as full reads: checked against `get_entity` record by record and
//! against the unoptimized engine query by query, on the demo data set (documents,
//! vectors, positions, external ids, entity types, edges).

use hyperql::{Engine, Params, Value};
use hyperspatial::Database;
use hyperspatial::demo::{SHOWCASE, load};
use std::sync::OnceLock;

struct Loaded {
    _dir: tempfile::TempDir,
    db: Database,
}

fn loaded() -> &'static Loaded {
    static LOADED: OnceLock<Loaded> = OnceLock::new();
    LOADED.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(dir.path()).unwrap();
        load(&db, &mut |_| {}).unwrap();
        Loaded { _dir: dir, db }
    })
}

#[test]
fn a_full_scan_returns_what_get_entity_returns() {
    let db = &loaded().db;
    for c in db.collections() {
        let mut n = 0;
        for r in db.scan(&c, None).unwrap() {
            let r = r.unwrap();
            let id = r.get("id").unwrap().clone();
            let by_id = db.get(&id).unwrap().unwrap();
            assert_eq!(*r, *by_id, "{c}: {id}");
            n += 1;
        }
        assert_eq!(n, db.count(Some(&c)), "{c}");
    }
}

#[test]
fn a_projected_scan_returns_the_fields_asked_for_and_no_other() {
    let db = &loaded().db;
    let projections: &[&[&str]] = &[
        &["id"],
        &["id", "title"],
        &["id", "_key", "year"],
        &["id", "embedding"],
        &["id", "position", "_type"],
        &["id", "no_such_field"],
    ];
    for c in db.collections() {
        let full: Vec<_> = db.scan(&c, None).unwrap().map(|r| r.unwrap()).collect();
        for p in projections {
            let fields: Vec<String> = p.iter().map(|s| s.to_string()).collect();
            let got: Vec<_> = db
                .scan_fields(&c, None, Some(&fields))
                .unwrap()
                .map(|r| r.unwrap())
                .collect();
            assert_eq!(got.len(), full.len(), "{c} {p:?}");
            for (g, f) in got.iter().zip(&full) {
                for (k, v) in g.iter() {
                    assert!(p.contains(&k.as_str()), "{c} {p:?}: unasked field {k}");
                    assert_eq!(f.get(k), Some(v), "{c} {p:?}: {k}");
                }
                for k in *p {
                    assert_eq!(g.get(*k), f.get(*k), "{c} {p:?}: {k}");
                }
            }
        }
    }
}

#[test]
fn queries_answer_the_same_with_and_without_the_fast_paths() {
    let db = &loaded().db;
    let fast = Engine::new(db.clone());
    let plain = Engine::new(db.clone()).with_optimizer(false);
    let p = Params::new();
    let mut queries: Vec<&str> = vec![
        "SELECT COUNT(*) FROM papers",
        "SELECT COUNT(*) AS n FROM authors",
        "SELECT COUNT(*) FROM papers WHERE year >= 2020",
        "SELECT venue, COUNT(*) AS n, AVG(citations) AS c FROM papers WHERE year > 2015 GROUP BY venue ORDER BY venue",
        "SELECT _key, title FROM papers WHERE citations > 100 ORDER BY citations DESC, _key LIMIT 10",
        "SELECT _key, _type, year FROM papers ORDER BY _key LIMIT 20",
        "SELECT _key, position FROM topics ORDER BY _key",
        "SELECT title, embedding FROM papers ORDER BY _key LIMIT 3",
        "SELECT MAX(year), MIN(year), SUM(citations) FROM papers",
        "SELECT DISTINCT venue FROM papers ORDER BY venue",
        "SELECT _key FROM papers WHERE venue IN ('VLDB', 'SIGMOD') AND year < 2015 ORDER BY _key",
        "SELECT _key FROM papers WHERE no_such_field IS NULL AND citations >= 50 ORDER BY _key",
        "SELECT _key, year FROM papers WHERE _key >= 'p1000' AND year = 2019 ORDER BY _key",
        "SELECT COUNT(*) FROM papers WHERE title LIKE '%graph%'",
    ];
    queries.extend(
        SHOWCASE
            .iter()
            .map(|s| s.query)
            .filter(|q| !q.contains("EMBED")),
    );
    for q in queries {
        let (a, b) = (fast.query(q, &p).unwrap(), plain.query(q, &p).unwrap());
        assert_eq!(a.rows, b.rows, "answers differ for {q}");
    }
    let r = fast.query("SELECT COUNT(*) FROM papers", &p).unwrap();
    assert_eq!(r.stats.rows_scanned, 0, "the count is the collection's");
    assert_eq!(r.rows[0][0], Value::Int(db.count(Some("papers")) as i64));
    let plan = fast
        .explain("SELECT title FROM papers WHERE year > 2020", &p)
        .unwrap();
    assert!(plan.contains("fields=[id, title, year]"), "{plan}");
    // A count over a filter reads only the filtered fields.
    let plan = fast
        .explain("SELECT COUNT(*) FROM papers WHERE year > 2020", &p)
        .unwrap();
    assert!(plan.contains("fields=[id, year]"), "{plan}");
}
