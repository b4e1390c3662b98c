//! Full graph layout: constructions, refinement, bad input, determinism.

use super::*;

#[test]
fn combinatorial_layout_reconstructs_tree_edges() {
    // Sarkar-style construction with lengthened edges: every node's parent and
    // children are its nearest nodes.
    let cases = [
        (2, 1.0, balanced_tree(3, 5), 0.999),
        (5, 0.5, (400, random_tree(400, 1)), 0.999),
        (2, 1.0, (400, random_tree(400, 1)), 0.98),
    ];
    for (dim, margin, (n, edges), min_map) in cases {
        let opts = GraphLayout {
            dim,
            construction: Construction::Sarkar {
                edge_length: 1.0,
                max_edge_length: 8.0,
                separation: Some(margin),
            },
            max_radius: 30.0,
            refine: None,
            ..GraphLayout::default()
        };
        let pos = layout_graph(n, &edges, &opts).unwrap();
        assert!(pos.iter().all(|x| on_hyperboloid(x)));
        let r = reconstruction(&pos, &adjacency(n, &edges)).unwrap();
        assert!(r.map >= min_map, "dim {dim}: {r:?}");
    }
}

#[test]
fn cone_layout_reconstructs_the_closure_of_trees() {
    let (n, edges) = balanced_tree(3, 5);
    for dim in [2, 5, 10] {
        let mut opts = cones(dim, 25.0);
        if dim == 2 {
            // One dimension of directions leaves no room between sibling arcs at
            // scale 2 (their total length is exactly the parent's).
            opts.construction = Construction::Cones {
                scale: 3.0,
                min_step: 1.0,
            };
        }
        let map = closure_map(n, &edges, &opts);
        assert!(map > 0.99, "balanced tree, dim {dim}: closure MAP {map}");
    }
    let edges = random_tree(500, 2);
    for dim in [5, 10] {
        let map = closure_map(500, &edges, &cones(dim, 20.0));
        // Random recursive trees are deep with very uneven subtrees (0.94 in 5
        // dimensions at radius 20).
        assert!(map > 0.92, "random tree, dim {dim}: closure MAP {map}");
    }
}

#[test]
fn refined_layout_reconstructs_the_closure_of_trees() {
    let (n, edges) = balanced_tree(3, 5);
    let map = closure_map(n, &edges, &refined(5, 150));
    assert!(map > 0.95, "balanced tree closure MAP {map}");
    let edges = random_tree(500, 2);
    let map = closure_map(500, &edges, &refined(5, 150));
    assert!(map > 0.95, "random tree closure MAP {map}");
}

#[test]
fn dag_with_several_parents_keeps_children_near_all_parents() {
    // Two layers of a tree, then nodes each with two parents among the leaves.
    let (n0, mut edges) = balanced_tree(4, 3); // 85 nodes, leaves 21..85
    let leaves: Vec<u32> = (21..85).collect();
    let mut rng = StdRng::seed_from_u64(5);
    let mut n = n0 as u32;
    for _ in 0..60 {
        let a = leaves[rng.random_range(0..leaves.len())];
        let b = leaves[rng.random_range(0..leaves.len())];
        edges.push((a, n));
        if b != a {
            edges.push((b, n));
        }
        n += 1;
    }
    let n = n as usize;
    let map = closure_map(n, &edges, &refined(5, 200));
    assert!(map > 0.85, "DAG closure MAP {map} (refined)");
    let map = closure_map(n, &edges, &cones(5, 20.0));
    assert!(map > 0.85, "DAG closure MAP {map} (cones)");
}

#[test]
fn cycles_self_loops_and_duplicates_do_not_break_the_layout() {
    let all = [
        refined(3, 20),
        refined(1, 5),
        cones(1, 12.0),
        cones(2, 12.0),
        cones(3, 12.0),
    ];
    for opts in &all {
        let edges = [
            (0, 1),
            (1, 2),
            (2, 0),
            (2, 2),
            (1, 2),
            (3, 3),
            (2, 4),
            (4, 1),
        ];
        let pos = layout_graph(6, &edges, opts).unwrap();
        assert_eq!(pos.len(), 6);
        assert!(
            pos.iter()
                .all(|x| x.len() == opts.dim + 1 && on_hyperboloid(x))
        );
        // A graph that is only a cycle has no root: it is still laid out.
        let pos = layout_graph(3, &[(0, 1), (1, 2), (2, 0)], opts).unwrap();
        assert!(pos.iter().all(|x| on_hyperboloid(x)));
        // Empty graphs, single nodes and graphs without edges.
        assert!(layout_graph(0, &[], opts).unwrap().is_empty());
        assert!(
            layout_graph(1, &[], opts)
                .unwrap()
                .iter()
                .all(|x| on_hyperboloid(x))
        );
        let pos = layout_graph(4, &[], opts).unwrap();
        assert!(pos.iter().all(|x| on_hyperboloid(x)));
        // A star with many children and a long chain.
        let star: Vec<(u32, u32)> = (1..2000).map(|c| (0, c)).collect();
        let pos = layout_graph(2000, &star, opts).unwrap();
        assert!(pos.iter().all(|x| on_hyperboloid(x)));
        let chain: Vec<(u32, u32)> = (1..300).map(|c| (c - 1, c)).collect();
        let pos = layout_graph(300, &chain, opts).unwrap();
        assert!(
            pos.iter()
                .all(|x| on_hyperboloid(x) && x[0].acosh() <= opts.max_radius + 1e-6)
        );
    }
}

#[test]
fn bad_input_is_an_error() {
    assert!(matches!(
        layout_graph(3, &[(0, 3)], &GraphLayout::default()),
        Err(PositioningError::NodeOutOfRange { .. })
    ));
    let bad = GraphLayout {
        dim: 0,
        ..GraphLayout::default()
    };
    assert!(layout_graph(3, &[(0, 1)], &bad).is_err());
    let bad = GraphLayout {
        construction: Construction::Sarkar {
            edge_length: f64::NAN,
            max_edge_length: 8.0,
            separation: None,
        },
        ..GraphLayout::default()
    };
    assert!(layout_graph(3, &[(0, 1)], &bad).is_err());
    let bad = GraphLayout {
        refine: Some(Refinement {
            negatives: 0,
            ..Refinement::default()
        }),
        ..GraphLayout::default()
    };
    assert!(layout_graph(3, &[(0, 1)], &bad).is_err());
}

#[test]
fn layout_is_deterministic_for_a_seed_and_thread_count() {
    let edges = random_tree(300, 3);
    let opts = refined(4, 10);
    let a = layout_graph(300, &edges, &opts).unwrap();
    let b = layout_graph(300, &edges, &opts).unwrap();
    assert_eq!(a, b);
    let other = GraphLayout {
        seed: 1,
        ..opts.clone()
    };
    assert_ne!(a, layout_graph(300, &edges, &other).unwrap());
}

#[test]
fn edges_target_refines_without_the_closure() {
    let edges = random_tree(300, 4);
    let mut opts = refined(4, 60);
    if let Some(r) = opts.refine.as_mut() {
        r.target = RefineTarget::Edges;
    }
    let pos = layout_graph(300, &edges, &opts).unwrap();
    let r = reconstruction(&pos, &adjacency(300, &edges)).unwrap();
    assert!(r.map > 0.8, "{r:?}");
}

/// A refinement whose time limit has passed when its first epoch ends stops there:
/// the layout is the one of a single epoch, whatever the epochs asked for.
#[test]
fn a_time_limit_stops_the_refinement_after_the_epoch_that_reaches_it() {
    let (n, edges) = (300, random_tree(300, 7));
    let with = |epochs: usize, time_limit: Option<std::time::Duration>| GraphLayout {
        refine: Some(Refinement {
            epochs,
            time_limit,
            ..Refinement::default()
        }),
        max_radius: 16.0,
        threads: 2,
        ..GraphLayout::default()
    };
    let one = layout_graph(n, &edges, &with(1, None)).unwrap();
    let limited = layout_graph(n, &edges, &with(2_000, Some(std::time::Duration::ZERO))).unwrap();
    assert_eq!(limited, one);
    let two = layout_graph(n, &edges, &with(2, None)).unwrap();
    assert_ne!(two, one);
}
