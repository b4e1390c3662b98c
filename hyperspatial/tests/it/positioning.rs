//! Positioning: graph layout, incremental placement, the reconstruction metric,
//! embedding and property maps, combination and kinematics. Shared helpers here;
//! the tests in one submodule per area.

mod combine;
mod incremental;
mod layout;
mod maps;
mod metric;

use hyperspatial::positioning::{
    Components, Construction, EmbeddingMap, EmbeddingOptions, GraphLayout, Hierarchy, Kinematics,
    PlaceOptions, PositioningError, RefineTarget, Refinement, Weights, combined_distance,
    combined_point, embedding_to_hyperbolic, kinematics, layout_graph, place_child, place_isolated,
    property_fingerprint, reconstruction,
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

/// The cone construction alone.
fn cones(dim: usize, max_radius: f64) -> GraphLayout {
    GraphLayout {
        dim,
        max_radius,
        threads: 2,
        ..GraphLayout::default()
    }
}

fn line(t: f64) -> Vec<f64> {
    vec![t.cosh(), t.sinh()]
}
