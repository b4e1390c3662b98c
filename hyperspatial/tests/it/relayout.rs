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

/// A tree of `levels` levels below one root, `fanout` children each, inserted
/// children first (deepest level first, shuffled within a level), with a `name`
/// field, into collection `c`; edges parent -> child. Returns the ids by level.
fn tree(db: &Database, c: &str, levels: usize, fanout: usize) -> Vec<Vec<uuid::Uuid>> {
    let mut sizes = vec![1usize];
    for l in 0..levels {
        sizes.push(sizes[l] * fanout);
    }
    let mut b = db.batch();
    let mut ids: Vec<Vec<uuid::Uuid>> = vec![Vec::new(); levels + 1];
    for l in (0..=levels).rev() {
        let mut order: Vec<usize> = (0..sizes[l]).collect();
        // A fixed permutation: reversed odd positions first.
        order.sort_by_key(|i| (i % 2 == 0, std::cmp::Reverse(*i)));
        let mut level = vec![uuid::Uuid::nil(); sizes[l]];
        for i in order {
            let mut doc = hyperql::Document::default();
            doc.insert("name".into(), hyperql::Value::str(&format!("{c}-{l}-{i}")));
            level[i] = b.insert(c, None, doc).unwrap();
        }
        ids[l] = level;
    }
    for l in 1..=levels {
        for (i, child) in ids[l].iter().enumerate() {
            let parent = ids[l - 1][i / fanout];
            b.relate(parent, "hyponym", *child, 1.0, hyperql::Document::default())
                .unwrap();
        }
    }
    b.commit().unwrap();
    ids
}

fn measure(r: &hyperql::QueryResult, name: &str) -> hyperql::Value {
    r.rows
        .iter()
        .find(|row| row[0] == hyperql::Value::str(name))
        .map(|row| row[1].clone())
        .unwrap_or_else(|| panic!("no measure {name}"))
}

#[test]
fn relayout_statement_lays_out_one_collection_and_reports_its_reconstruction() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let ids = tree(&db, "mammals", 3, 4);
    let other = tree(&db, "others", 1, 3);
    let other_before = db.placement(other[1][0]).unwrap();
    let leaf = ids[3][5];
    let before = db.placement(leaf).unwrap().unwrap().combined;
    let engine = hyperql::Engine::new(db.clone());
    let q = "RELAYOUT mammals WITH (construction = 'cones', max_radius = 10, evaluate = true)";
    let r = engine.query(q, &hyperql::Params::new()).unwrap();
    assert_eq!(r.columns, vec!["measure".to_string(), "value".to_string()]);
    assert_eq!(measure(&r, "collection"), hyperql::Value::str("mammals"));
    assert_eq!(measure(&r, "entities"), hyperql::Value::Int(85));
    assert_eq!(measure(&r, "edges"), hyperql::Value::Int(84));
    let hyperql::Value::Float(radius) = measure(&r, "radius") else {
        panic!("radius")
    };
    assert!(radius > 1.0 && radius <= 10.0 + 1e-9, "{radius}");
    // The published positions rank every entity's ancestors first.
    let hyperql::Value::Float(map) = measure(&r, "map") else {
        panic!("map")
    };
    assert!(map > 0.95, "MAP {map}");
    // The positions moved, the move is in the trajectory, the other collection kept
    // its positions.
    let after = db.placement(leaf).unwrap().unwrap().combined;
    assert_ne!(before, after);
    let t = db.trajectory(leaf).unwrap();
    assert_eq!(t.last().map(|(_, x)| x.clone()), Some(after));
    assert!(t.len() >= 2, "{} snapshots", t.len());
    assert_eq!(db.placement(other[1][0]).unwrap(), other_before);
    // Through the query language the positions read back are the new ones.
    let got = engine
        .query(
            "SELECT position FROM mammals WHERE id = $id",
            &hyperql::Params::from([("id".to_string(), hyperql::Value::str(&leaf.to_string()))]),
        )
        .unwrap();
    assert_eq!(got.rows.len(), 1);
    // The same statement without options, and its canonical text, run too.
    let r = engine
        .query("RELAYOUT mammals", &hyperql::Params::new())
        .unwrap();
    assert_eq!(measure(&r, "map"), hyperql::Value::Null);
    let printed = hyperql::parse(q).unwrap().statements[0].to_string();
    assert_eq!(
        printed,
        "RELAYOUT mammals WITH (construction = 'cones', max_radius = 10, evaluate = TRUE)"
    );
    let again = hyperql::parse(&printed).unwrap().statements[0].to_string();
    assert_eq!(again, printed);
}

#[test]
fn relayout_refuses_bad_options_and_unknown_collections() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    tree(&db, "t", 1, 2);
    let engine = hyperql::Engine::new(db.clone());
    for (q, want) in [
        (
            "RELAYOUT t WITH (speed = 3)",
            "unknown relayout option `speed`",
        ),
        (
            "RELAYOUT t WITH (construction = 'spiral')",
            "'cones' or 'sarkar'",
        ),
        ("RELAYOUT t WITH (max_radius = 'far')", "a finite number"),
        ("RELAYOUT t WITH (max_radius = -1)", "max_radius"),
        (
            "RELAYOUT t WITH (edge_length = 2)",
            "construction = 'sarkar'",
        ),
        ("RELAYOUT t WITH (negatives = 5)", "refine_epochs > 0"),
        (
            "RELAYOUT t WITH (time_limit_ms = 10)",
            "`time_limit_ms` must be used with refine_epochs > 0",
        ),
        (
            "RELAYOUT t WITH (refine_epochs = 5, time_limit_ms = -1)",
            "`time_limit_ms` must be a non-negative integer",
        ),
        (
            "RELAYOUT t WITH (refine_epochs = 2001)",
            "`refine_epochs` must be at most 2000",
        ),
        (
            "RELAYOUT t WITH (refine_epochs = 5, negatives = 128)",
            "`negatives` must be at most 127",
        ),
        (
            "RELAYOUT t WITH (refine_epochs = 5, learning_rate = 0)",
            "`learning_rate` must be a positive number",
        ),
        ("RELAYOUT t WITH (evaluate = 1)", "true or false"),
        ("RELAYOUT nowhere", "unknown collection `nowhere`"),
    ] {
        let e = engine.query(q, &hyperql::Params::new()).unwrap_err();
        assert!(e.to_string().contains(want), "{q}: {e}");
    }
    let e = engine
        .query("RELAYOUT t WITH (", &hyperql::Params::new())
        .unwrap_err();
    assert!(!e.to_string().is_empty());
    // Options in any order, refinement parameters after or before the epochs.
    engine
        .query(
            "RELAYOUT t WITH (negatives = 5, refine_epochs = 2, construction = 'sarkar', edge_length = 1.5, seed = 7)",
            &hyperql::Params::new(),
        )
        .unwrap();
}

#[test]
fn relayout_online_keeps_concurrent_deletes_and_inserts() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let ids = tree(&db, "t", 3, 4);
    let leaves = ids[3].clone();
    let writer = {
        let db = db.clone();
        std::thread::spawn(move || {
            let mut deleted = Vec::new();
            let mut inserted = Vec::new();
            for (n, leaf) in leaves.iter().enumerate().take(30) {
                let mut b = db.batch();
                b.delete(*leaf).unwrap();
                let mut doc = hyperql::Document::default();
                doc.insert("name".into(), hyperql::Value::str(&format!("new-{n}")));
                inserted.push(b.insert("t", None, doc).unwrap());
                b.commit().unwrap();
                deleted.push(*leaf);
            }
            (deleted, inserted)
        })
    };
    let opts = hyperspatial::RelayoutOptions::default();
    for _ in 0..5 {
        let mut phases = Vec::new();
        db.relayout_collection("t", &opts, &mut |p| phases.push(p))
            .unwrap();
        assert_eq!(phases.first(), Some(&hyperspatial::RelayoutPhase::Reading));
        assert_eq!(
            phases.last(),
            Some(&hyperspatial::RelayoutPhase::Publishing)
        );
    }
    let (deleted, inserted) = writer.join().unwrap();
    db.relayout_collection("t", &opts, &mut |_| {}).unwrap();
    for id in &deleted {
        assert_eq!(db.placement(*id).unwrap(), None, "deleted {id} came back");
    }
    for id in &inserted {
        assert!(db.placement(*id).unwrap().is_some());
    }
    assert_eq!(db.count(Some("t")), 85);
}
