//! The demo data set: it loads with the expected contents, loading again reuses it,
//! other data in its collections is refused, and every showcase query runs on it.

use hyperql::{Engine, Params, Value};
use hyperspatial::Database;
use hyperspatial::demo::{DemoError, EMBEDDER, LoadReport, SHOWCASE, generate, load};
use std::sync::OnceLock;
use tessera_bridge::{Embedder, HashingEmbedder};

struct Loaded {
    _dir: tempfile::TempDir,
    db: Database,
    report: LoadReport,
}

/// One database with the demo set, shared by the tests of this module.
fn loaded() -> &'static Loaded {
    static LOADED: OnceLock<Loaded> = OnceLock::new();
    LOADED.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(dir.path()).unwrap();
        let mut lines = Vec::new();
        let report = load(&db, &mut |l| lines.push(l.to_string())).unwrap();
        assert!(lines.iter().any(|l| l.contains("papers")), "{lines:?}");
        Loaded {
            _dir: dir,
            db,
            report,
        }
    })
}

fn count(e: &Engine<Database>, q: &str) -> i64 {
    match e.query(q, &Params::new()).unwrap().rows[0][0] {
        Value::Int(n) => n,
        ref v => panic!("{q}: {v:?}"),
    }
}

#[test]
fn loads_entities_edges_vectors_and_time_series() {
    let l = loaded();
    let set = generate();
    assert!(!l.report.reused);
    assert_eq!(
        (l.report.topics, l.report.authors, l.report.papers),
        (41, 600, 2400)
    );
    assert_eq!(l.db.count(Some("topics")), 41);
    assert_eq!(l.db.count(Some("authors")), 600);
    assert_eq!(l.db.count(Some("papers")), 2400);
    assert_eq!(l.db.count(None), 3041);
    assert_eq!(l.report.view_rows, 32 * 366);
    assert_eq!(
        l.db.time_rows("traffic", None, None).unwrap().len(),
        32 * 366
    );
    let e = Engine::new(l.db.clone());
    assert_eq!(
        count(
            &e,
            "SELECT COUNT(*) FROM papers WHERE embedding IS NOT NULL"
        ),
        2400
    );
    let edges = |label: &str| -> usize {
        let from = if label == "authored" {
            "authors"
        } else {
            "papers"
        };
        let from = if label == "subtopic" { "topics" } else { from };
        count(
            &e,
            &format!("SELECT COUNT(*) FROM {from} TRAVERSE (a)-[:{label}]->(b)"),
        ) as usize
    };
    let cites: usize = set.papers.iter().map(|p| p.cites.len()).sum();
    let authored: usize = set.papers.iter().map(|p| p.authors.len()).sum();
    let about: usize = set.papers.iter().map(|p| p.topics.len()).sum();
    assert_eq!(edges("cites"), cites);
    assert_eq!(edges("authored"), authored);
    assert_eq!(edges("about"), about);
    assert_eq!(edges("subtopic"), 40);
    assert_eq!(l.report.edges, cites + authored + about + 40);
    // Cascades: each author's paper count is the number of their `authored` edges.
    assert_eq!(
        count(&e, "SELECT SUM(papers) AS n FROM authors"),
        authored as i64
    );
}

#[test]
fn vectors_come_from_the_hashing_embedder() {
    let l = loaded();
    assert_eq!(HashingEmbedder::default().info().name, EMBEDDER);
    let set = generate();
    let p = &set.papers[0];
    let want = HashingEmbedder::default()
        .embed_one(&format!("{}. {}", p.title, p.abstract_text))
        .unwrap();
    let got = l.db.get(&Value::str("p0001")).unwrap().unwrap();
    assert_eq!(got.get("embedding"), Some(&Value::Vector(want.into())));
    assert_eq!(got.get("title"), Some(&Value::str(&p.title)));
}

#[test]
fn every_showcase_query_answers() {
    let l = loaded();
    let e = Engine::new(l.db.clone());
    for s in SHOWCASE {
        let r = e
            .query(s.query, &Params::new())
            .unwrap_or_else(|err| panic!("{}: {err}", s.query));
        assert!(!r.rows.is_empty(), "{}: no rows", s.query);
    }
    // A few answers the data set makes certain.
    let r = e.query(SHOWCASE[2].query, &Params::new()).unwrap();
    assert_eq!(r.rows.len(), 4, "four subtopics per area");
    let r = e.query(SHOWCASE[7].query, &Params::new()).unwrap();
    assert!(
        r.rows[0][1].to_string().to_lowercase().contains("index"),
        "{:?}",
        r.rows[0]
    );
}

#[test]
fn loading_again_reuses_the_set() {
    let l = loaded();
    let again = load(&l.db, &mut |_| {}).unwrap();
    assert!(again.reused);
    assert_eq!(l.db.count(None), 3041);
}

#[test]
fn other_data_in_the_demo_collections_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    Engine::new(db.clone())
        .query("INSERT INTO papers (title) VALUES ('mine')", &Params::new())
        .unwrap();
    let err = load(&db, &mut |_| {}).unwrap_err();
    assert!(matches!(err, DemoError::Conflict(_)), "{err}");
    assert_eq!(db.count(Some("papers")), 1, "nothing was written");
}

#[test]
fn the_set_is_deterministic() {
    let a = generate();
    assert_eq!(a, generate());
    assert_eq!(a.papers[1].key, "p0002");
    assert!(a.papers[1].citations > 100, "p0002 is the most cited paper");
    assert!(a.authors.iter().any(|x| x.name == "Ada Berg"));
}
