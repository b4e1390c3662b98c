//! Edge operations and adjacency reads against the model.

use crate::model::{Model, TYPES, random_ops, vid};
use crate::temp_family;
use manifold_graph::{Direction, Graph, GraphError, MAX_PAYLOAD, TypeFilter, Vertex};
use rand::{SeedableRng, rngs::StdRng};

fn check_adjacency(graph: &Graph, model: &Model, vertices: u64) {
    let r = graph.reader().unwrap();
    let stored_active = model.edges.values().filter(|e| e.0).count();
    let mut active = 0;
    r.for_each_stored_edge(|e| active += usize::from(e.props.active))
        .unwrap();
    assert_eq!(active, stored_active);
    assert_eq!(r.edge_count().unwrap(), model.edges.len() as u64);
    let filters: [&[&str]; 3] = [&[], &["follows"], &["likes", "blocks"]];
    for v in 0..vertices {
        let v = vid(v);
        for dir in [Direction::Outgoing, Direction::Incoming, Direction::Both] {
            for types in filters {
                let filter = if types.is_empty() {
                    TypeFilter::All
                } else {
                    r.types(types).unwrap()
                };
                let mut got: Vec<_> = r
                    .edges(v, dir, &filter)
                    .unwrap()
                    .into_iter()
                    .map(|e| {
                        let name = graph.edge_type_name(e.edge_type).unwrap().unwrap();
                        (e.src, name, e.dst, e.props.weight)
                    })
                    .collect();
                got.sort_by(|a, b| (a.0, &a.1, a.2).cmp(&(b.0, &b.1, b.2)));
                let want = model.edges_of(v, dir, types);
                assert_eq!(got, want, "{v} {dir:?} {types:?}");
                assert_eq!(r.degree(v, dir, &filter).unwrap(), want.len() as u64);
            }
        }
    }
}

#[test]
fn random_edge_operations_match_the_model() {
    let (_dir, _db, cf) = temp_family();
    let graph = Graph::open(&cf, "g").unwrap();
    let mut model = Model::default();
    let mut rng = StdRng::seed_from_u64(1);
    for _ in 0..4 {
        random_ops(&graph, &mut model, &mut rng, 25, 150);
        check_adjacency(&graph, &model, 25);
    }
}

#[test]
fn a_failed_batch_writes_nothing_and_types_survive_reopening() {
    let (dir, db, cf) = temp_family();
    let graph = Graph::open(&cf, "g").unwrap();
    let (a, b) = (vid(1), vid(2));
    graph.add_edge(a, "follows", b, 1.0).unwrap();
    let err = graph
        .add_edges([(a, "likes", b, 2.0), (b, "likes", a, f32::NAN)])
        .unwrap_err();
    assert!(matches!(err, GraphError::BadWeight { .. }), "{err}");
    // The aborted batch neither wrote the edge nor left `likes` behind.
    assert_eq!(graph.edge_type("likes").unwrap(), None);
    assert_eq!(graph.reader().unwrap().edge_count().unwrap(), 1);
    graph.add_edge(b, "likes", a, 3.0).unwrap();
    let likes = graph.edge_type("likes").unwrap().unwrap();
    let e = graph.add_edge(a, "", b, 1.0).unwrap_err();
    assert!(matches!(e, GraphError::BadTypeName { .. }), "{e}");
    drop((graph, cf, db));

    let db =
        manifold::Database::open_with(dir.path().join("g.manifold"), manifold::Config::small())
            .unwrap();
    let cf = db.column_family("graph").unwrap();
    let graph = Graph::open(&cf, "g").unwrap();
    assert_eq!(graph.edge_type("likes").unwrap(), Some(likes));
    assert_eq!(
        graph.edge_type_name(likes).unwrap().as_deref(),
        Some("likes")
    );
    assert_eq!(graph.edge(b, "likes", a).unwrap().unwrap().weight, 3.0);
    // A second handle on the same tables sees types the first one added.
    let other = Graph::open(&cf, "g").unwrap();
    graph.add_edge(a, "mentions", b, 1.0).unwrap();
    assert!(other.edge_type("mentions").unwrap().is_some());
    other.add_edge(b, "mentions", a, 1.0).unwrap();
    assert_eq!(
        graph.edge_type("mentions").unwrap(),
        other.edge_type("mentions").unwrap()
    );
}

#[test]
fn soft_and_hard_delete_and_timestamps() {
    let (_dir, _db, cf) = temp_family();
    let graph = Graph::open(&cf, "g").unwrap();
    let (a, b, c) = (vid(1), vid(2), vid(3));
    graph
        .write(|w| {
            w.set_created_micros(1_000);
            w.add_edge(a, "follows", b, 0.5)?;
            w.add_edge(a, "follows", c, 0.25)?;
            w.add_edge(c, "likes", a, 2.0)?;
            Ok(())
        })
        .unwrap();
    let props = graph.edge(a, "follows", b).unwrap().unwrap();
    assert_eq!(
        (props.active, props.weight, props.created_micros),
        (true, 0.5, 1_000)
    );
    assert!(graph.deactivate_edge(a, "follows", b).unwrap());
    let r = graph.reader().unwrap();
    assert_eq!(
        r.neighbors(a, Direction::Outgoing, &TypeFilter::All)
            .unwrap(),
        vec![c]
    );
    assert_eq!(
        r.degree(b, Direction::Incoming, &TypeFilter::All).unwrap(),
        0
    );
    // Still stored, inactive, visible on request.
    assert!(!graph.edge(a, "follows", b).unwrap().unwrap().active);
    let mut all = Vec::new();
    r.for_each_edge(a, Direction::Outgoing, &TypeFilter::All, true, |e| {
        all.push(e.dst)
    })
    .unwrap();
    assert_eq!(all.len(), 2);
    assert!(graph.update_weight(a, "follows", c, 9.0).unwrap());
    assert!(!graph.update_weight(a, "follows", a, 9.0).unwrap());
    assert!(graph.remove_edge(a, "follows", b).unwrap());
    assert!(!graph.remove_edge(a, "follows", b).unwrap());
    assert!(!graph.remove_edge(a, "unknown-type", b).unwrap());
    let r = graph.reader().unwrap();
    assert_eq!(r.edge_count().unwrap(), 2);
    assert_eq!(
        r.incoming(c, &TypeFilter::All).unwrap()[0].props.weight,
        9.0
    );
    assert_eq!(r.incoming(a, &TypeFilter::All).unwrap()[0].src, c);
}

#[test]
fn vertices_carry_a_label_and_a_small_payload() {
    let (_dir, _db, cf) = temp_family();
    let graph = Graph::open(&cf, "g").unwrap();
    let (a, b) = (vid(1), vid(2));
    graph.add_vertex(a, "person", b"alice").unwrap();
    graph.add_vertex(b, "document", &[]).unwrap();
    graph.add_edge(a, "wrote", b, 1.0).unwrap();
    graph.add_edge(b, "cites", a, 1.0).unwrap();
    assert_eq!(
        graph.vertex(a).unwrap(),
        Some(Vertex {
            label: "person".into(),
            payload: b"alice".to_vec()
        })
    );
    let e = graph.add_vertex(a, &"x".repeat(300), &[]).unwrap_err();
    assert!(matches!(e, GraphError::LabelTooLong { len: 300 }), "{e}");
    let e = graph
        .add_vertex(a, "p", &vec![0; MAX_PAYLOAD + 1])
        .unwrap_err();
    assert!(matches!(e, GraphError::PayloadTooLarge { .. }), "{e}");
    // Removing a vertex removes every edge touching it, in both tables.
    assert!(graph.write(|w| w.remove_vertex(a)).unwrap());
    let r = graph.reader().unwrap();
    assert_eq!(r.vertex(a).unwrap(), None);
    assert_eq!(r.edge_count().unwrap(), 0);
    assert!(
        r.edges(b, Direction::Both, &TypeFilter::All)
            .unwrap()
            .is_empty()
    );
    assert_eq!(r.vertex_count().unwrap(), 1);
    let _ = TYPES;
}

#[test]
fn bulk_add_sorts_internally_and_the_last_duplicate_wins() {
    let (_dir, _db, cf) = temp_family();
    let graph = Graph::open(&cf, "g").unwrap();
    let mut model = Model::default();
    let mut batch = Vec::new();
    for i in 0..500u64 {
        let (s, d) = (vid((i * 37) % 50), vid((i * 11) % 50));
        let t = TYPES[(i % 3) as usize];
        let w = i as f32;
        batch.push((s, t, d, w));
        model.edges.insert((s, t, d), (true, w));
    }
    assert_eq!(graph.add_edges(batch.iter().copied()).unwrap(), 500);
    check_adjacency(&graph, &model, 50);
    let e = graph
        .add_edges([(vid(1), "follows", vid(2), f32::INFINITY)])
        .unwrap_err();
    assert!(matches!(e, GraphError::BadWeight { .. }));
}

#[test]
fn reader_in_reads_the_callers_snapshot() {
    let (_dir, _db, cf) = temp_family();
    let g = Graph::open(&cf, "g").unwrap();
    g.add_edge(vid(1), "follows", vid(2), 1.0).unwrap();
    let rtx = cf.begin_read().unwrap();
    g.add_edge(vid(1), "follows", vid(3), 1.0).unwrap();
    let old = g.reader_in(&rtx).unwrap();
    let new = g.reader_in(&cf.begin_read().unwrap()).unwrap();
    let out = |r: &manifold_graph::GraphReader| {
        r.neighbors(vid(1), Direction::Outgoing, &TypeFilter::All)
            .unwrap()
    };
    assert_eq!(out(&old), vec![vid(2)]);
    assert_eq!(out(&new), vec![vid(2), vid(3)]);
}
