//! Positioning: graph layout, incremental placement, embedding and property maps,
//! combination, kinematics and the reconstruction metric.

mod wordnet;

use hyperspatial::positioning::{
    Construction, GraphLayout, Hierarchy, Refinement, layout_graph, reconstruction, refine_layout,
};
use std::time::Instant;

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn run_wordnet(n: usize, edges: &[(u32, u32)], label: &str) {
    let h = Hierarchy::new(n, edges).unwrap();
    let closure = h.ancestor_closure(usize::MAX).unwrap();
    let pairs: usize = closure.iter().map(Vec::len).sum();
    eprintln!(
        "{label}: {n} nodes, {} edges, {pairs} closure pairs",
        edges.len()
    );
    let stages: Vec<usize> = std::env::var("POS_STAGES")
        .unwrap_or_else(|_| "0".into())
        .split(',')
        .map(|x| x.parse().unwrap())
        .collect();
    let refine = Refinement {
        epochs: 0,
        learning_rate: env("POS_LR", 0.1),
        negatives: env("POS_NEGS", 10),
        batch_size: env("POS_BATCH", 1024),
        max_step: env("POS_MAX_STEP", 0.5),
        ..Refinement::default()
    };
    let opts = GraphLayout {
        dim: env("POS_DIM", 10),
        construction: match std::env::var("POS_CONES") {
            Ok(c) => Construction::Cones {
                scale: c.parse().unwrap(),
                min_step: env("POS_MIN_STEP", 0.5),
            },
            Err(_) => Construction::Sarkar {
                edge_length: env("POS_EDGE", 1.0),
                max_edge_length: env("POS_EDGE_MAX", 8.0),
                separation: std::env::var("POS_SEP").ok().map(|v| v.parse().unwrap()),
            },
        },
        max_radius: env("POS_MAX_R", 12.0),
        refine: None,
        ..GraphLayout::default()
    };
    let t = Instant::now();
    let mut pos = layout_graph(n, edges, &opts).unwrap();
    let (ra, rb): (f64, f64) = (env("POS_RA", 0.0), env("POS_RB", 1.0));
    for x in pos.iter_mut() {
        let r = x[0].acosh();
        let s: f64 = x[1..].iter().map(|v| v * v).sum::<f64>().sqrt();
        if s > 0.0 {
            let r2 = ra + rb * r;
            let k = r2.sinh() / s;
            x[1..].iter_mut().for_each(|v| *v *= k);
            x[0] = r2.cosh();
        }
    }
    let mut done = 0;
    for &stage in &stages {
        if stage > done {
            let o = GraphLayout {
                refine: Some(Refinement {
                    epochs: stage - done,
                    ..refine.clone()
                }),
                ..opts.clone()
            };
            refine_layout(&h, &mut pos, &o, done).unwrap();
            done = stage;
        }
        let lt = t.elapsed();
        let rmax = pos.iter().map(|x| x[0].acosh()).fold(0.0, f64::max);
        if std::env::var("POS_DIAG").is_ok() {
            diagnose(&h, &pos);
        }
        let te = Instant::now();
        let r = reconstruction(&pos, &closure).unwrap();
        eprintln!(
            "{label} dim {} epochs {done}: mean rank {:.3} MAP {:.4} (layout {:.2?}, eval {:.2?}, max radius {rmax:.2})",
            opts.dim,
            r.mean_rank,
            r.map,
            lt,
            te.elapsed()
        );
    }
}

fn dist(x: &[f64], y: &[f64]) -> f64 {
    let m: f64 = x[1..].iter().zip(&y[1..]).map(|(a, b)| a * b).sum::<f64>() - x[0] * y[0];
    (-m).max(1.0).acosh()
}

/// Per depth: nodes, mean radius, mean distance to the tree parent and to the root.
fn diagnose(h: &Hierarchy, pos: &[Vec<f64>]) {
    let root = h.roots().next().unwrap() as usize;
    let maxd = (0..h.len()).map(|u| h.depth(u)).max().unwrap() as usize;
    let mut acc = vec![(0usize, 0.0, 0.0, 0.0, 0.0); maxd + 1];
    for u in 0..h.len() {
        let a = &mut acc[h.depth(u) as usize];
        a.0 += 1;
        a.1 += pos[u][0].acosh();
        if let Some(p) = h.tree_parent(u) {
            a.2 += dist(&pos[u], &pos[p as usize]);
        }
        a.3 += dist(&pos[u], &pos[root]);
        // nearest other node
        let nn = (0..h.len())
            .filter(|&q| q != u)
            .map(|q| dist(&pos[u], &pos[q]))
            .fold(f64::INFINITY, f64::min);
        a.4 += nn;
    }
    for (d, a) in acc.iter().enumerate() {
        let k = a.0.max(1) as f64;
        eprintln!(
            "depth {d:2}: {:6} nodes radius {:6.2} d(parent) {:5.2} d(root) {:6.2} nn {:5.2}",
            a.0,
            a.1 / k,
            a.2 / k,
            a.3 / k,
            a.4 / k
        );
    }
}

#[test]
#[ignore = "reads /usr/share/wordnet/data.noun; run by hand"]
fn wordnet_mammals() {
    let Some(nouns) = wordnet::read(wordnet::DATA_NOUN) else {
        eprintln!("no {}", wordnet::DATA_NOUN);
        return;
    };
    let (n, edges) = wordnet::subtree(&nouns, 1_861_778).unwrap();
    run_wordnet(n, &edges, "mammals");
}

#[test]
#[ignore = "reads /usr/share/wordnet/data.noun; run by hand"]
fn wordnet_nouns() {
    let Some(nouns) = wordnet::read(wordnet::DATA_NOUN) else {
        eprintln!("no {}", wordnet::DATA_NOUN);
        return;
    };
    run_wordnet(nouns.offsets.len(), &nouns.edges, "nouns");
}

// ---------------------------------------------------------------------------
// Graph layout
// ---------------------------------------------------------------------------

use hyperspatial::positioning::{
    Components, EmbeddingMap, EmbeddingOptions, Kinematics, Placement, PositioningError,
    RefineTarget, Weights, combined_distance, combined_point, embedding_to_hyperbolic, kinematics,
    place_child, place_isolated, property_fingerprint,
};
use hyperspatial::{Hyperboloid, minkowski_dot};
use rand::{Rng, SeedableRng, rngs::StdRng};

fn on_hyperboloid(x: &[f64]) -> bool {
    x[0] > 0.0 && (minkowski_dot(x, x) + 1.0).abs() <= 1e-9 * x[0] * x[0]
}

fn balanced_tree(branching: u32, depth: u32) -> (usize, Vec<(u32, u32)>) {
    let mut edges = Vec::new();
    let mut level = vec![0u32];
    let mut next_id = 1u32;
    for _ in 0..depth {
        let mut next = Vec::new();
        for &p in &level {
            for _ in 0..branching {
                edges.push((p, next_id));
                next.push(next_id);
                next_id += 1;
            }
        }
        level = next;
    }
    (next_id as usize, edges)
}

fn random_tree(n: usize, seed: u64) -> Vec<(u32, u32)> {
    let mut rng = StdRng::seed_from_u64(seed);
    (1..n as u32).map(|c| (rng.random_range(0..c), c)).collect()
}

/// Graph neighbours (parent and children) of every node.
fn adjacency(n: usize, edges: &[(u32, u32)]) -> Vec<Vec<u32>> {
    let mut adj = vec![Vec::new(); n];
    for &(p, c) in edges {
        adj[p as usize].push(c);
        adj[c as usize].push(p);
    }
    adj
}

/// Sarkar's construction (compact) refined by Riemannian SGD.
fn refined(dim: usize, epochs: usize) -> GraphLayout {
    GraphLayout {
        dim,
        construction: Construction::Sarkar {
            edge_length: 1.0,
            max_edge_length: 8.0,
            separation: None,
        },
        refine: Some(Refinement {
            epochs,
            learning_rate: 0.3,
            batch_size: 256,
            ..Refinement::default()
        }),
        max_radius: 16.0,
        threads: 2,
        ..GraphLayout::default()
    }
}

fn closure_map(n: usize, edges: &[(u32, u32)], opts: &GraphLayout) -> f64 {
    let pos = layout_graph(n, edges, opts).unwrap();
    assert!(
        pos.iter()
            .all(|x| x.len() == opts.dim + 1 && on_hyperboloid(x))
    );
    let closure = Hierarchy::new(n, edges)
        .unwrap()
        .ancestor_closure(usize::MAX)
        .unwrap();
    reconstruction(&pos, &closure).unwrap().map
}

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

/// The cone construction alone.
fn cones(dim: usize, max_radius: f64) -> GraphLayout {
    GraphLayout {
        dim,
        max_radius,
        threads: 2,
        ..GraphLayout::default()
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

// ---------------------------------------------------------------------------
// Incremental placement
// ---------------------------------------------------------------------------

#[test]
fn placed_child_is_nearer_its_parent_than_unrelated_nodes() {
    let (n, edges) = balanced_tree(3, 4);
    let h = Hierarchy::new(n, &edges).unwrap();
    for opts in [cones(5, 12.0), refined(5, 100)] {
        let pos = layout_graph(n, &edges, &opts).unwrap();
        let hb = Hyperboloid::default();
        let mut worse = 0;
        let mut total = 0;
        for p in [0usize, 1, 5, 20, 50] {
            let sib_ids: Vec<usize> = h.tree_children(p).iter().map(|&c| c as usize).collect();
            let siblings: Vec<&[f64]> = sib_ids.iter().map(|&c| pos[c].as_slice()).collect();
            let child = place_child(&[&pos[p]], &siblings, &Placement::default()).unwrap();
            assert!(on_hyperboloid(&child));
            let dp = hb.distance(&child, &pos[p]).unwrap();
            let closure = h.ancestor_closure(usize::MAX).unwrap();
            for (q, x) in pos.iter().enumerate() {
                let related = q == p || sib_ids.contains(&q) || closure[p].contains(&(q as u32));
                if !related {
                    total += 1;
                    if hb.distance(&child, x).unwrap() <= dp {
                        worse += 1;
                    }
                }
            }
            // Away from the siblings: none closer than the parent-sibling spacing
            // allows.
            for s in &siblings {
                assert!(hb.distance(&child, s).unwrap() > 0.3);
            }
        }
        assert!(
            worse * 100 <= total,
            "{worse} of {total} unrelated nodes nearer than the parent"
        );
    }
}

#[test]
fn child_of_several_parents_sits_between_them() {
    let h = Hyperboloid::default();
    let a = h.lift(&[1.0, 0.0, 0.0]).unwrap();
    let b = h.lift(&[0.0, 1.0, 0.0]).unwrap();
    let c = place_child(&[&a, &b], &[], &Placement::default()).unwrap();
    let (da, db) = (h.distance(&c, &a).unwrap(), h.distance(&c, &b).unwrap());
    assert!((da - db).abs() < 1e-6, "{da} {db}");
    assert!(da < h.distance(&a, &b).unwrap() + 1.0);
}

#[test]
fn isolated_nodes_are_deterministic_and_spread() {
    let o = Placement::default();
    let a = place_isolated(7, 16, &o).unwrap();
    assert_eq!(a, place_isolated(7, 16, &o).unwrap());
    assert!(on_hyperboloid(&a));
    let b = place_isolated(8, 16, &o).unwrap();
    assert!(Hyperboloid::default().distance(&a, &b).unwrap() > 0.1);
    assert!(place_isolated(1, 0, &o).is_err());
    // place_child without parents falls back to an isolated position.
    assert!(place_child(&[], &[&a], &o).is_ok());
    assert!(place_child(&[], &[], &o).is_err());
    let off = vec![1.0, 1.0, 1.0];
    assert!(place_child(&[&off], &[], &o).is_err());
}

// ---------------------------------------------------------------------------
// Reconstruction metric against hand-computed and brute-force oracles
// ---------------------------------------------------------------------------

fn line(t: f64) -> Vec<f64> {
    vec![t.cosh(), t.sinh()]
}

#[test]
fn reconstruction_matches_a_hand_computed_example() {
    // Points on the hyperbolic line, where distances are |t_i - t_j|; node 5 is a
    // copy of node 1, so their distances tie exactly.
    let ts = [0.0, 1.0, 2.0, 4.0, 7.5, 1.0];
    let pos: Vec<Vec<f64>> = ts.iter().map(|&t| line(t)).collect();
    let nb = vec![
        vec![2, 4],
        vec![],
        vec![],
        vec![1],
        vec![0, 1, 2, 3, 5],
        vec![1],
    ];
    // Node 0 (t = 0), neighbours 2 (d 2) and 4 (d 7.5); others: 1 (d 1), 5 (d 1),
    // 3 (d 4):
    //   rank(2) = 1 + #{1, 5} = 3, rank(4) = 1 + #{1, 5, 3} = 4;
    //   AP = (1/3 + 2/5) / 2 = 11/30.
    // Node 3 (t = 4), neighbour 1 (d 3); others: 2 (d 2), 5 (d 3, tied: counts
    // against), 4 (d 3.5), 0 (d 4):
    //   rank(1) = 1 + #{2, 5} = 3; AP = 1/3.
    // Node 4: every other node is a neighbour: 5 ranks of 1, AP 1.
    // Node 5, neighbour 1 at distance 0: rank 1, AP 1.
    let r = reconstruction(&pos, &nb).unwrap();
    assert_eq!((r.nodes, r.pairs), (4, 9));
    let expected_rank = (3.0 + 4.0 + 3.0 + 5.0 + 1.0) / 9.0;
    let expected_map = (11.0 / 30.0 + 1.0 / 3.0 + 1.0 + 1.0) / 4.0;
    assert!((r.mean_rank - expected_rank).abs() < 1e-12, "{r:?}");
    assert!((r.map - expected_map).abs() < 1e-12, "{r:?}");
}

/// Straightforward O(n^2 log n) oracle: sort every node's distances.
fn brute_force(pos: &[Vec<f64>], nb: &[Vec<u32>]) -> (f64, f64) {
    let h = Hyperboloid::default();
    let (mut rank_sum, mut pairs, mut ap_sum, mut nodes) = (0.0, 0usize, 0.0, 0usize);
    for (u, list) in nb.iter().enumerate() {
        if list.is_empty() {
            continue;
        }
        let d: Vec<f64> = pos
            .iter()
            .map(|x| h.distance(&pos[u], x).unwrap())
            .collect();
        let mut ap = 0.0;
        for &v in list {
            let dv = d[v as usize];
            let closer_all = (0..pos.len()).filter(|&q| q != u && d[q] <= dv).count();
            let closer_nb = list.iter().filter(|&&w| d[w as usize] <= dv).count();
            rank_sum += (1 + closer_all - closer_nb) as f64;
            ap += closer_nb as f64 / closer_all as f64;
            pairs += 1;
        }
        ap_sum += ap / list.len() as f64;
        nodes += 1;
    }
    (rank_sum / pairs as f64, ap_sum / nodes as f64)
}

#[test]
fn reconstruction_matches_brute_force_on_random_points() {
    let mut rng = StdRng::seed_from_u64(11);
    let h = Hyperboloid::default();
    for (n, dim, spread) in [(60, 2, 2.0), (200, 5, 4.0), (150, 3, 0.3)] {
        let pos: Vec<Vec<f64>> = (0..n)
            .map(|_| {
                let s: Vec<f64> = (0..dim)
                    .map(|_| rng.random_range(-spread..spread))
                    .collect();
                h.lift(&s).unwrap()
            })
            .collect();
        let nb: Vec<Vec<u32>> = (0..n)
            .map(|u| {
                let k = rng.random_range(0..6);
                let mut l: Vec<u32> = (0..k)
                    .map(|_| rng.random_range(0..n as u32))
                    .filter(|&v| v as usize != u)
                    .collect();
                l.sort_unstable();
                l.dedup();
                l
            })
            .collect();
        let r = reconstruction(&pos, &nb).unwrap();
        let (rank, map) = brute_force(&pos, &nb);
        assert!(
            (r.mean_rank - rank).abs() < 1e-9,
            "{} vs {rank}",
            r.mean_rank
        );
        assert!((r.map - map).abs() < 1e-9, "{} vs {map}", r.map);
    }
}

#[test]
fn reconstruction_rejects_bad_input() {
    let pos = vec![line(0.0), line(1.0)];
    assert!(reconstruction(&pos, &[vec![1]]).is_err());
    assert!(reconstruction(&pos, &[vec![2], vec![]]).is_err());
    assert!(reconstruction(&pos, &[vec![], vec![]]).is_err());
    assert!(reconstruction(&[vec![1.0, 1.0], line(1.0)], &[vec![1], vec![]]).is_err());
    assert!(reconstruction(&[], &[]).is_err());
}

// ---------------------------------------------------------------------------
// Embedding and property maps
// ---------------------------------------------------------------------------

fn knn(points: &[Vec<f64>], u: usize, k: usize, d: impl Fn(&[f64], &[f64]) -> f64) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..points.len()).filter(|&q| q != u).collect();
    idx.sort_by(|&a, &b| d(&points[u], &points[a]).total_cmp(&d(&points[u], &points[b])));
    idx.truncate(k);
    idx
}

fn cosine_distance(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let nb = b.iter().map(|x| x * x).sum::<f64>().sqrt();
    1.0 - dot / (na * nb)
}

/// Fraction of the `k` nearest neighbours (by cosine) of every input that are
/// among the `k` nearest (by hyperbolic distance) of its image; and the fraction of
/// the images' `k` nearest that share the input's label.
fn neighbour_recall(data: &[Vec<f64>], labels: &[usize], k: usize) -> (f64, f64) {
    let map = EmbeddingMap::new(data[0].len(), EmbeddingOptions::default()).unwrap();
    let images: Vec<Vec<f64>> = data
        .iter()
        .map(|v| {
            let f: Vec<f32> = v.iter().map(|&x| x as f32).collect();
            map.map(&f).unwrap()
        })
        .collect();
    assert!(images.iter().all(|x| x.len() == 17 && on_hyperboloid(x)));
    let h = Hyperboloid::default();
    let (mut kept, mut same) = (0, 0);
    for u in 0..data.len() {
        let a = knn(data, u, k, cosine_distance);
        let b = knn(&images, u, k, |x, y| h.distance(x, y).unwrap());
        kept += a.iter().filter(|q| b.contains(q)).count();
        same += b.iter().filter(|&&q| labels[q] == labels[u]).count();
    }
    let total = (k * data.len()) as f64;
    (kept as f64 / total, same as f64 / total)
}

#[test]
fn embedding_map_preserves_neighbourhoods() {
    let mut rng = StdRng::seed_from_u64(21);
    // (a) Clusters: 30 clusters of 20 points in R^128. The images' 10 nearest
    // neighbours come from the right cluster; the order inside a cluster (set by
    // noise in 128 dimensions) is only partly kept by a 16-dimensional projection.
    let n_in = 128;
    let (mut data, mut labels) = (Vec::new(), Vec::new());
    for c in 0..30 {
        let centre: Vec<f64> = (0..n_in).map(|_| rng.random_range(-1.0..1.0)).collect();
        for _ in 0..20 {
            data.push(
                centre
                    .iter()
                    .map(|x| x + 0.3 * rng.random_range(-1.0..1.0))
                    .collect(),
            );
            labels.push(c);
        }
    }
    let (recall, purity) = neighbour_recall(&data, &labels, 10);
    assert!(purity > 0.99, "cluster purity {purity}");
    assert!(recall > 0.5, "recall {recall}");
    // (b) Data of low intrinsic dimension (a random 6-dimensional subspace of
    // R^256, the usual situation for learned embeddings of one domain): most of
    // the exact 10 nearest neighbours survive (0.64 measured: a random projection
    // of a 6-dimensional subspace to 16 dimensions is far from an isometry).
    let n_in = 256;
    let basis: Vec<Vec<f64>> = (0..6)
        .map(|_| (0..n_in).map(|_| rng.random_range(-1.0..1.0)).collect())
        .collect();
    let data: Vec<Vec<f64>> = (0..600)
        .map(|_| {
            let c: Vec<f64> = (0..6).map(|_| rng.random_range(-1.0..1.0)).collect();
            (0..n_in)
                .map(|i| (0..6).map(|j| c[j] * basis[j][i]).sum())
                .collect()
        })
        .collect();
    let (recall, _) = neighbour_recall(&data, &vec![0; 600], 10);
    assert!(recall > 0.55, "recall {recall}");
}

#[test]
fn embedding_map_is_deterministic_and_checks_input() {
    let v: Vec<f32> = (0..300).map(|i| (i as f32 * 0.37).sin()).collect();
    let a = embedding_to_hyperbolic(&v, 16).unwrap();
    assert_eq!(a, embedding_to_hyperbolic(&v, 16).unwrap());
    // Only the direction matters.
    let w: Vec<f32> = v.iter().map(|x| 3.0 * x).collect();
    let b = embedding_to_hyperbolic(&w, 16).unwrap();
    assert!(Hyperboloid::default().distance(&a, &b).unwrap() < 1e-5);
    // Inputs shorter than the target dimension embed isometrically.
    let small = embedding_to_hyperbolic(&[1.0, 0.0, 0.0], 16).unwrap();
    let small2 = embedding_to_hyperbolic(&[0.0, 1.0, 0.0], 16).unwrap();
    let d = Hyperboloid::default().distance(&small, &small2).unwrap();
    let s = EmbeddingOptions::default().scale;
    let expected = (1.0 + 2.0 * s.sinh().powi(2) * 0.5).acosh(); // angle 90 degrees
    assert!((d - expected).abs() < 1e-9, "{d} {expected}");
    assert!(embedding_to_hyperbolic(&[0.0; 8], 16).is_err());
    assert!(embedding_to_hyperbolic(&[f32::NAN, 1.0], 16).is_err());
    assert!(embedding_to_hyperbolic(&[], 16).is_err());
    assert!(embedding_to_hyperbolic(&[1.0], 0).is_err());
}

#[test]
fn property_fingerprints_are_set_functions_and_similarity_sketches() {
    let a = [
        ("name", "ada"),
        ("address.city", "london"),
        ("age", "36"),
        ("role", "eng"),
    ];
    let a_shuffled = [
        ("age", "36"),
        ("role", "eng"),
        ("name", "ada"),
        ("address.city", "london"),
        ("age", "36"),
    ];
    let fa = property_fingerprint(&a, 16).unwrap();
    assert_eq!(fa, property_fingerprint(&a_shuffled, 16).unwrap());
    assert!(on_hyperboloid(&fa));
    let h = Hyperboloid::default();
    // Averaged over many random records: one changed value stays nearer than a
    // record with all values changed.
    let mut rng = StdRng::seed_from_u64(9);
    let (mut near, mut far) = (0.0, 0.0);
    let trials = 200;
    for _ in 0..trials {
        let vals: Vec<String> = (0..6)
            .map(|_| rng.random_range(0..1000).to_string())
            .collect();
        let keys = ["a", "b.c", "d", "e.f.g", "h", "i"];
        let base: Vec<(&str, &str)> = keys
            .iter()
            .copied()
            .zip(vals.iter().map(String::as_str))
            .collect();
        let other = rng.random_range(0..1000).to_string();
        let mut one = base.clone();
        one[0].1 = &other;
        let vals2: Vec<String> = (0..6)
            .map(|_| rng.random_range(1000..2000).to_string())
            .collect();
        let all: Vec<(&str, &str)> = keys
            .iter()
            .copied()
            .zip(vals2.iter().map(String::as_str))
            .collect();
        let fb = property_fingerprint(&base, 16).unwrap();
        near += h
            .distance(&fb, &property_fingerprint(&one, 16).unwrap())
            .unwrap();
        far += h
            .distance(&fb, &property_fingerprint(&all, 16).unwrap())
            .unwrap();
    }
    assert!(near < 0.7 * far, "near {near} far {far}");
    assert_eq!(
        property_fingerprint(&[], 4).unwrap(),
        vec![1.0, 0.0, 0.0, 0.0, 0.0]
    );
    assert!(property_fingerprint(&a, 0).is_err());
}

// ---------------------------------------------------------------------------
// Combination
// ---------------------------------------------------------------------------

#[test]
fn combined_distance_uses_the_shared_components() {
    let h = Hyperboloid::default();
    let g1 = h.lift(&[0.5, 0.0]).unwrap();
    let g2 = h.lift(&[-0.5, 1.0]).unwrap();
    let e1 = h.lift(&[0.0, 2.0]).unwrap();
    let e2 = h.lift(&[0.1, 2.0]).unwrap();
    let a = Components {
        graph: Some(g1.clone()),
        embedding: Some(e1.clone()),
        property: None,
    };
    let b = Components {
        graph: Some(g2.clone()),
        embedding: Some(e2.clone()),
        property: Some(h.origin(3)),
    };
    let w = Weights::default();
    let d = combined_distance(&a, &b, &w).unwrap();
    let expected =
        (0.5 * h.distance(&g1, &g2).unwrap() + 0.3 * h.distance(&e1, &e2).unwrap()) / 0.8;
    assert!((d - expected).abs() < 1e-12);
    let only_property = Components {
        property: Some(h.origin(3)),
        ..Components::default()
    };
    assert!(combined_distance(&a, &only_property, &w).is_err());
    let bad = Weights { graph: -1.0, ..w };
    assert!(combined_distance(&a, &b, &bad).is_err());
}

#[test]
fn combined_point_is_the_weighted_frechet_mean() {
    let h = Hyperboloid::default();
    let g = h.lift(&[2.0, 0.0]).unwrap();
    let e = h.lift(&[-1.0, 1.0]).unwrap();
    let one = Components {
        graph: Some(g.clone()),
        ..Components::default()
    };
    assert_eq!(combined_point(&one, &Weights::default()).unwrap(), g);
    let two = Components {
        graph: Some(g.clone()),
        embedding: Some(e.clone()),
        property: None,
    };
    let w = Weights::default();
    let m = combined_point(&two, &w).unwrap();
    assert!(on_hyperboloid(&m));
    // On the geodesic from g to e, at fraction 0.3 / 0.8 from g.
    let (dg, de, dge) = (
        h.distance(&m, &g).unwrap(),
        h.distance(&m, &e).unwrap(),
        h.distance(&g, &e).unwrap(),
    );
    assert!((dg + de - dge).abs() < 1e-6);
    assert!((dg / dge - 0.3 / 0.8).abs() < 1e-6, "{}", dg / dge);
    assert!(combined_point(&Components::default(), &w).is_err());
    let mismatched = Components {
        graph: Some(g),
        embedding: Some(h.origin(4)),
        property: None,
    };
    assert!(combined_point(&mismatched, &w).is_err());
}

// ---------------------------------------------------------------------------
// Kinematics
// ---------------------------------------------------------------------------

#[test]
fn kinematics_of_geodesic_motion() {
    // Constant speed 0.5/s along the line for 4 s, sampled every second.
    let snaps: Vec<(i64, Vec<f64>)> = (0..5)
        .map(|i| (i * 1_000_000, line(0.5 * i as f64)))
        .collect();
    let k: Kinematics = kinematics(&snaps).unwrap();
    assert!((k.drift - 2.0).abs() < 1e-12);
    assert!((k.path_length - 2.0).abs() < 1e-12);
    assert!((k.duration - 4.0).abs() < 1e-12);
    assert!((k.velocity - 0.5).abs() < 1e-12);
    assert!((k.mean_velocity - 0.5).abs() < 1e-12);
    assert!(k.acceleration.abs() < 1e-9);
    // Positions t^2: speed over [1,2] is 3, over [2,3] is 5; midpoints 1.5 s apart
    // by 1 s: acceleration 2.
    let snaps: Vec<(i64, Vec<f64>)> = (0..4)
        .map(|i| (i * 1_000_000, line((i * i) as f64 * 0.5)))
        .collect();
    let k = kinematics(&snaps).unwrap();
    assert!((k.velocity - 2.5).abs() < 1e-9);
    assert!((k.acceleration - 1.0).abs() < 1e-9, "{k:?}");
    // Back and forth: drift 0, path 2.
    let snaps = vec![(0, line(0.0)), (10, line(1.0)), (20, line(0.0))];
    let k = kinematics(&snaps).unwrap();
    assert!(k.drift < 1e-12 && (k.path_length - 2.0).abs() < 1e-12);
    // One snapshot: no motion.
    let k = kinematics(&snaps[..1]).unwrap();
    assert_eq!((k.drift, k.velocity, k.acceleration), (0.0, 0.0, 0.0));
}

#[test]
fn kinematics_rejects_bad_trajectories() {
    assert!(kinematics(&[]).is_err());
    assert!(matches!(
        kinematics(&[(5, line(0.0)), (5, line(1.0))]),
        Err(PositioningError::UnorderedSnapshots { index: 1 })
    ));
    assert!(kinematics(&[(0, line(0.0)), (1, vec![1.0, 0.0, 0.0])]).is_err());
    assert!(kinematics(&[(0, vec![2.0, 0.0])]).is_err());
}
