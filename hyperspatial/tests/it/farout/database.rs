//! Far-out positions through a `Database`: a binary tree of depth 11 relaid out
//! with Sarkar's construction at edge length 3 within radius 30, then
//! `NEAR .. WITHIN` through HyperQL and k-NN by position through the data source,
//! against double-double brute force over the stored f64 placements.

use super::{dd, tolerance};
use hyperql::{DataSource, Engine, KnnRequest, Params, Value};
use hyperspatial::positioning::{Construction, GraphLayout};
use hyperspatial::{Database, Hnsw, HnswParams, Poincare, Poincare64, RelayoutOptions};
use std::collections::BTreeSet;

const LEVELS: usize = 11;

fn radius(x: &[f64]) -> f64 {
    x[0].max(1.0).acosh()
}

/// Inserts a binary tree of `levels` levels below a root into `t` (keys `n<i>`,
/// heap order), relays it out and returns (key, f64 position) of every node.
fn far_tree(db: &Database, levels: usize) -> Vec<(String, Vec<f64>)> {
    let n = (1usize << (levels + 1)) - 1;
    let mut b = db.batch();
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let mut doc = hyperql::Document::default();
        doc.insert("id".into(), Value::str(&format!("n{i}")));
        ids.push(b.insert("t", None, doc).unwrap());
    }
    for i in 1..n {
        b.relate(
            ids[(i - 1) / 2],
            "child",
            ids[i],
            1.0,
            hyperql::Document::default(),
        )
        .unwrap();
    }
    b.commit().unwrap();
    let opts = RelayoutOptions {
        layout: GraphLayout {
            construction: Construction::Sarkar {
                edge_length: 3.0,
                max_edge_length: 3.0,
                separation: None,
            },
            max_radius: 30.0,
            ..GraphLayout::default()
        },
        ..RelayoutOptions::default()
    };
    db.relayout_collection("t", &opts, &mut |_| {}).unwrap();
    db.wait_for_indexes();
    ids.iter()
        .enumerate()
        .map(|(i, id)| {
            (
                format!("n{i}"),
                db.placement(*id).unwrap().unwrap().combined,
            )
        })
        .collect()
}

/// Brute force: (distance, key) of every node from `anchor`, nearest first.
fn truth(nodes: &[(String, Vec<f64>)], anchor: &[f64]) -> Vec<(f64, String, f64)> {
    let mut d: Vec<(f64, String, f64)> = nodes
        .iter()
        .map(|(k, x)| (dd::distance(anchor, x), k.clone(), radius(x)))
        .collect();
    d.sort_by(|a, b| a.0.total_cmp(&b.0));
    d
}

/// k-NN by position from `anchor32`: the same keys as the brute force `all` (up to
/// ties within the tolerance) and the same distances.
fn check_knn(db: &Database, anchor32: &[f32], all: &[(f64, String, f64)], ra: f64) {
    let tol = |d: f64, r: f64| tolerance(ra.max(r), d);
    let req = KnnRequest {
        collection: "t".into(),
        entity: None,
        field: "position".into(),
        query: anchor32.to_vec(),
        metric: "hyperbolic".into(),
        k: 10,
        filters: Vec::new(),
    };
    let hits = db.knn(&req).unwrap();
    assert_eq!(hits.len(), 10);
    let kth = all[9].0;
    for h in &hits {
        let key = match h.record.get("_key") {
            Some(Value::String(s)) => s.to_string(),
            other => panic!("key {other:?}"),
        };
        let (real, _, r) = all.iter().find(|t| t.1 == key).unwrap();
        assert!(
            *real <= kth + tol(kth, *r),
            "{key}: {real} past the 10th {kth}"
        );
        assert!(
            (h.distance - real).abs() <= tol(*real, *r),
            "{key}: {} vs {real}",
            h.distance
        );
    }
}

/// Every 37th node's position as an f32 anchor, checked by [`check_knn`].
fn check_all_knn(db: &Database, nodes: &[(String, Vec<f64>)]) {
    for (_, x) in nodes.iter().step_by(37) {
        let anchor32: Vec<f32> = x.iter().map(|v| *v as f32).collect();
        let anchor: Vec<f64> = anchor32.iter().map(|v| f64::from(*v)).collect();
        check_knn(db, &anchor32, &truth(nodes, &anchor), radius(&anchor));
    }
}

#[test]
fn an_index_snapshot_of_f32_images_is_rebuilt_from_the_placements() {
    let dir = tempfile::tempdir().unwrap();
    let (nodes, keys) = {
        let db = Database::open(dir.path()).unwrap();
        let nodes = far_tree(&db, 9);
        let keys: Vec<u64> = nodes
            .iter()
            .map(|(k, _)| {
                let (a, b) = db.resolve(&Value::str(k)).unwrap().as_u64_pair();
                a ^ b
            })
            .collect();
        (nodes, keys)
    };
    // Replace the saved snapshot by one of the f32 Poincare images (the format
    // older versions saved), under the same keys.
    let shard = dir.path().join("collections/t/shard-000.manifold");
    {
        let m = manifold::Database::open(&shard).unwrap();
        let sys = m.column_family("system").unwrap();
        let old = Hnsw::new(Poincare::default(), 16, HnswParams::default()).unwrap();
        for (key, (_, x)) in keys.iter().zip(&nodes) {
            // (Refused where the f32 image rounds onto the boundary.)
            let _ = old.insert(*key, &hyperspatial::to_ball(x).unwrap());
        }
        old.save_to(&sys, "position").unwrap();
        assert!(Hnsw::<Poincare64>::load_from(&sys, "position").is_err());
    }
    let db = Database::open(dir.path()).unwrap();
    check_all_knn(&db, &nodes);
    db.wait_for_indexes();
    check_all_knn(&db, &nodes);
    drop(db);
    // Saved again in the f64 format, and reopened from it.
    {
        let m = manifold::Database::open(&shard).unwrap();
        let sys = m.column_family("system").unwrap();
        let h = Hnsw::<Poincare64>::load_from(&sys, "position")
            .unwrap()
            .unwrap();
        assert_eq!(h.len(), nodes.len());
    }
    let db = Database::open(dir.path()).unwrap();
    check_all_knn(&db, &nodes);
}

#[test]
fn near_and_knn_on_far_out_positions_equal_brute_force() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let nodes = far_tree(&db, LEVELS);
    let far = nodes.iter().filter(|(_, x)| radius(x) >= 25.0).count();
    let mut radii: Vec<f64> = nodes.iter().map(|(_, x)| radius(x)).collect();
    radii.sort_by(f64::total_cmp);
    assert!(
        far >= 1000,
        "only {far} positions past radius 25; quartiles {:?}",
        [0, 1, 2, 3, 4].map(|q| radii[(q * (radii.len() - 1)) / 4])
    );
    let engine = Engine::new(db.clone());
    // Anchors: positions as HyperQL holds them (f32 hyperboloid coordinates), of
    // nodes at every depth; the brute force measures from the same f32 point.
    let mut checked = 0;
    for i in (0..nodes.len()).step_by(97) {
        let anchor32: Vec<f32> = nodes[i].1.iter().map(|v| *v as f32).collect();
        let anchor: Vec<f64> = anchor32.iter().map(|v| f64::from(*v)).collect();
        let all = truth(&nodes, &anchor);
        let ra = radius(&anchor);
        let tol = |d: f64, r: f64| tolerance(ra.max(r), d);
        check_knn(&db, &anchor32, &all, ra);
        // NEAR .. WITHIN: a radius between the 20th and 21st nearest, where they are
        // apart by more than the tolerance.
        let Some(j) =
            (19..all.len() - 1).find(|&j| all[j + 1].0 - all[j].0 > 2.0 * tol(all[j + 1].0, 30.0))
        else {
            continue;
        };
        let within = (all[j].0 + all[j + 1].0) / 2.0;
        let mut p = Params::new();
        p.insert("a".into(), Value::Vector(anchor32.clone().into()));
        p.insert("r".into(), Value::Float(within));
        let r = engine
            .query("SELECT _key FROM t WHERE position NEAR $a WITHIN $r", &p)
            .unwrap();
        let got: BTreeSet<String> = r
            .rows
            .iter()
            .map(|row| match &row[0] {
                Value::String(s) => s.to_string(),
                v => panic!("{v:?}"),
            })
            .collect();
        let want: BTreeSet<String> = all[..=j].iter().map(|t| t.1.clone()).collect();
        assert_eq!(got, want, "anchor n{i} within {within}");
        checked += 1;
    }
    assert!(checked >= 10, "{checked} NEAR queries checked");
}

/// An anchor given as an array of f64 floats (a `position` read back through
/// HyperQL) keeps every digit: `NEAR` from a far-out node's exact position finds the
/// node itself at distance 0 and the same neighbours as the brute force from that
/// point.
#[test]
fn near_from_an_exact_f64_anchor_equals_brute_force_far_out() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let nodes = far_tree(&db, LEVELS);
    let engine = Engine::new(db.clone());
    let near = |x: &[f64], within: f64| -> BTreeSet<String> {
        let mut p = Params::new();
        let point = x.iter().map(|&v| Value::Float(v)).collect();
        p.insert("a".into(), Value::Array(std::sync::Arc::new(point)));
        p.insert("r".into(), Value::Float(within));
        let r = engine
            .query("SELECT _key FROM t WHERE position NEAR $a WITHIN $r", &p)
            .unwrap();
        r.rows
            .iter()
            .map(|row| match &row[0] {
                Value::String(s) => s.to_string(),
                v => panic!("{v:?}"),
            })
            .collect()
    };
    let mut checked = 0;
    for (key, x) in nodes.iter().filter(|(_, x)| radius(x) >= 25.0).step_by(53) {
        let all = truth(&nodes, x);
        assert_eq!(near(x, 1e-6), BTreeSet::from([key.clone()]), "{key} itself");
        let mut p = Params::new();
        let point = x.iter().map(|&v| Value::Float(v)).collect();
        p.insert("a".into(), Value::Array(std::sync::Arc::new(point)));
        p.insert("k".into(), Value::str(key));
        let d = engine
            .query(
                "SELECT HYPERBOLIC_DISTANCE(position, $a), position DISTANCE FROM $a FROM t WHERE _key = $k",
                &p,
            )
            .unwrap();
        for v in &d.rows[0] {
            assert!(
                matches!(v, Value::Float(d) if d.abs() < 1e-6),
                "{key}: {v:?}"
            );
        }
        let ra = radius(x);
        let tol = |d: f64| tolerance(ra.max(30.0), d);
        let Some(j) =
            (9..all.len() - 1).find(|&j| all[j + 1].0 - all[j].0 > 2.0 * tol(all[j + 1].0))
        else {
            continue;
        };
        let want: BTreeSet<String> = all[..=j].iter().map(|t| t.1.clone()).collect();
        assert_eq!(near(x, (all[j].0 + all[j + 1].0) / 2.0), want, "{key}");
        checked += 1;
    }
    assert!(checked >= 5, "{checked} anchors checked");
}
