//! A full re-layout of the graph: parents end nearer than strangers, and positions
//! survive a reopen.

use hyperspatial::Database;

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
