//! Traversals and whole-graph algorithms against petgraph and a plain PageRank.

use crate::model::{Model, random_ops, vid};
use crate::temp_family;
use manifold_graph::{Bfs, Direction, Graph, GraphError, PageRank, PathOptions, TypeFilter, Visit};
use petgraph::algo::{dijkstra, kosaraju_scc};
use rand::{SeedableRng, rngs::StdRng};
use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

fn setup(seed: u64, vertices: u64, steps: usize) -> (tempfile::TempDir, Graph, Model) {
    let (dir, _db, cf) = temp_family();
    let graph = Graph::open(&cf, "g").unwrap();
    let mut model = Model::default();
    let mut rng = StdRng::seed_from_u64(seed);
    random_ops(&graph, &mut model, &mut rng, vertices, steps);
    (dir, graph, model)
}

#[test]
fn bfs_matches_hop_distances_from_petgraph() {
    let (_dir, graph, model) = setup(2, 60, 260);
    let r = graph.reader().unwrap();
    let filters: [&[&str]; 2] = [&[], &["follows", "likes"]];
    for dir in [Direction::Outgoing, Direction::Incoming, Direction::Both] {
        for types in filters {
            let (pg, idx) = model.petgraph(dir, types);
            let filter = if types.is_empty() {
                TypeFilter::All
            } else {
                r.types(types).unwrap()
            };
            for start in (0..60).step_by(7).map(vid) {
                let hops: HashMap<Uuid, u32> = match idx.get(&start) {
                    Some(&s) => dijkstra(&pg, s, None, |_| 1u32)
                        .into_iter()
                        .map(|(n, d)| (pg[n], d))
                        .collect(),
                    None => HashMap::from([(start, 0)]),
                };
                for (min, max) in [(0, 0), (1, 1), (1, 2), (2, 4), (0, 10)] {
                    let opts = Bfs {
                        direction: dir,
                        types: filter.clone(),
                        min_depth: min,
                        max_depth: max,
                    };
                    let got = r.bfs(start, &opts).unwrap();
                    // BFS order: depths never decrease.
                    assert!(got.windows(2).all(|w| w[0].depth <= w[1].depth));
                    let got: BTreeSet<Visit> = got.into_iter().collect();
                    let want: BTreeSet<Visit> = hops
                        .iter()
                        .filter(|(_, d)| (min..=max).contains(*d))
                        .map(|(&id, &depth)| Visit { id, depth })
                        .collect();
                    assert_eq!(got, want, "{dir:?} {types:?} {min}..={max}");
                }
            }
        }
    }
    assert!(matches!(
        r.bfs(
            vid(0),
            &Bfs {
                min_depth: 3,
                max_depth: 2,
                ..Bfs::hops(1)
            }
        ),
        Err(GraphError::BadDepthRange { .. })
    ));
}

#[test]
fn dijkstra_matches_petgraph() {
    let (_dir, graph, model) = setup(3, 50, 300);
    let r = graph.reader().unwrap();
    for dir in [Direction::Outgoing, Direction::Both] {
        let (pg, idx) = model.petgraph(dir, &[]);
        let opts = PathOptions {
            direction: dir,
            types: TypeFilter::All,
        };
        for start in (0..50).step_by(6).map(vid) {
            let Some(&s) = idx.get(&start) else { continue };
            let want: HashMap<Uuid, f64> = dijkstra(&pg, s, None, |e| *e.weight())
                .into_iter()
                .map(|(n, d)| (pg[n], d))
                .collect();
            let got = r.shortest_distances(start, &opts).unwrap();
            assert_eq!(got.len(), want.len());
            for (v, d) in &want {
                assert!((got[v].0 - d).abs() < 1e-9, "{v}: {} vs {d}", got[v].0);
            }
            for target in (0..50).step_by(5).map(vid) {
                match (
                    r.shortest_path(start, target, &opts).unwrap(),
                    want.get(&target),
                ) {
                    (None, None) => {}
                    (Some(path), Some(d)) => {
                        assert!((path.weight - d).abs() < 1e-9);
                        assert_eq!(path.vertices.first(), Some(&start));
                        assert_eq!(path.vertices.last(), Some(&target));
                        // Every step is an edge, and the weights add up.
                        let mut sum = 0.0;
                        for w in path.vertices.windows(2) {
                            let (a, b) = (idx[&w[0]], idx[&w[1]]);
                            sum += pg
                                .edges_connecting(a, b)
                                .map(|e| *e.weight())
                                .fold(f64::INFINITY, f64::min);
                        }
                        assert!((sum - d).abs() < 1e-9);
                    }
                    (got, want) => panic!("{start}->{target}: {got:?} vs {want:?}"),
                }
            }
        }
    }
}

#[test]
fn negative_weights_are_refused_by_dijkstra() {
    let (_dir, _db, cf) = temp_family();
    let graph = Graph::open(&cf, "g").unwrap();
    graph
        .add_edges([(vid(1), "r", vid(2), 1.0), (vid(2), "r", vid(3), -1.0)])
        .unwrap();
    let r = graph.reader().unwrap();
    let e = r
        .shortest_path(vid(1), vid(3), &PathOptions::default())
        .unwrap_err();
    assert!(matches!(e, GraphError::NegativeWeight { .. }), "{e}");
}

#[test]
fn components_match_petgraph() {
    let (_dir, graph, model) = setup(4, 120, 150);
    let r = graph.reader().unwrap();
    let snap = r.snapshot(&TypeFilter::All).unwrap();
    let cc = snap.connected_components();
    let (pg, _) = model.petgraph(Direction::Both, &[]);
    let sccs = kosaraju_scc(&pg);
    assert_eq!(cc.count, sccs.len());
    for comp in &sccs {
        let ids: BTreeSet<u32> = comp
            .iter()
            .map(|&n| cc.labels[snap.index_of(pg[n]).unwrap()])
            .collect();
        assert_eq!(ids.len(), 1, "one petgraph component split in two");
    }
    assert_eq!(
        snap.edge_count(),
        model.edges.values().filter(|e| e.0).count()
    );
}

/// PageRank by the textbook formula on the model's adjacency lists.
fn oracle_pagerank(model: &Model, d: f64, iters: usize) -> HashMap<Uuid, f64> {
    let edges: Vec<(Uuid, Uuid)> = model
        .edges
        .iter()
        .filter(|(_, v)| v.0)
        .map(|(k, _)| (k.0, k.2))
        .collect();
    let verts: BTreeSet<Uuid> = edges.iter().flat_map(|&(a, b)| [a, b]).collect();
    let n = verts.len() as f64;
    let mut outdeg: HashMap<Uuid, f64> = HashMap::new();
    for (a, _) in &edges {
        *outdeg.entry(*a).or_default() += 1.0;
    }
    let mut rank: HashMap<Uuid, f64> = verts.iter().map(|&v| (v, 1.0 / n)).collect();
    for _ in 0..iters {
        let dangling: f64 = verts
            .iter()
            .filter(|v| !outdeg.contains_key(v))
            .map(|v| rank[v])
            .sum();
        let mut next: HashMap<Uuid, f64> = verts
            .iter()
            .map(|&v| (v, (1.0 - d) / n + d * dangling / n))
            .collect();
        for (a, b) in &edges {
            *next.get_mut(b).unwrap() += d * rank[a] / outdeg[a];
        }
        rank = next;
    }
    rank
}

#[test]
fn pagerank_matches_the_textbook_iteration() {
    let (_dir, graph, model) = setup(5, 80, 400);
    let snap = graph.reader().unwrap().snapshot(&TypeFilter::All).unwrap();
    let params = PageRank {
        damping: 0.85,
        tolerance: 0.0,
        max_iterations: 60,
    };
    let got = snap.pagerank(&params);
    let want = oracle_pagerank(&model, 0.85, 60);
    assert_eq!(got.len(), want.len());
    for (v, p) in &want {
        let got = got[snap.index_of(*v).unwrap()];
        assert!((got - p).abs() < 1e-12, "{v}: {got} vs {p}");
    }
    let total: f64 = got.iter().sum();
    assert!((total - 1.0).abs() < 1e-9);
}

#[test]
fn pagerank_in_parallel_equals_sequential_on_a_large_graph() {
    // 30k vertices crosses the parallel threshold; a ring plus chords, built in bulk.
    let (_dir, _db, cf) = temp_family();
    let graph = Graph::open(&cf, "big").unwrap();
    let n = 30_000u64;
    graph
        .write(|w| {
            for i in 0..n {
                w.add_edge(vid(i), "next", vid((i + 1) % n), 1.0)?;
                if i % 3 == 0 {
                    w.add_edge(vid(i), "chord", vid((i * 7) % n), 1.0)?;
                }
            }
            Ok(())
        })
        .unwrap();
    let snap = graph.reader().unwrap().snapshot(&TypeFilter::All).unwrap();
    let params = PageRank {
        damping: 0.85,
        tolerance: 0.0,
        max_iterations: 20,
    };
    let got = snap.pagerank(&params);
    // Sequential reference on the same CSR.
    let nn = snap.vertex_count();
    let outdeg: Vec<f64> = (0..nn)
        .map(|i| snap.out_neighbors(i).len() as f64)
        .collect();
    let mut rank = vec![1.0 / nn as f64; nn];
    for _ in 0..20 {
        let dangling: f64 = (0..nn).filter(|&i| outdeg[i] == 0.0).map(|i| rank[i]).sum();
        let base = 0.15 / nn as f64 + 0.85 * dangling / nn as f64;
        rank = (0..nn)
            .map(|v| {
                base + 0.85
                    * snap
                        .in_neighbors(v)
                        .iter()
                        .map(|&u| rank[u as usize] / outdeg[u as usize])
                        .sum::<f64>()
            })
            .collect();
    }
    assert_eq!(got, rank);
    assert_eq!(snap.connected_components().count, 1);
}
