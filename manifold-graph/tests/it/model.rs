//! The oracle: a plain map of edges, and its translation to petgraph.

use manifold_graph::{Direction, Graph};
use petgraph::graph::{DiGraph, NodeIndex};
use rand::{Rng, rngs::StdRng};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

pub const TYPES: [&str; 3] = ["follows", "likes", "blocks"];

/// (src, type name, dst) -> (active, weight).
#[derive(Default, Clone)]
pub struct Model {
    pub edges: BTreeMap<(Uuid, &'static str, Uuid), (bool, f32)>,
}

pub fn vid(i: u64) -> Uuid {
    Uuid::from_u128(0xABCD_0000 + u128::from(i))
}

impl Model {
    /// Active edges of `v` as sorted (src, type, dst, weight).
    pub fn edges_of(
        &self,
        v: Uuid,
        dir: Direction,
        types: &[&str],
    ) -> Vec<(Uuid, String, Uuid, f32)> {
        let mut out: Vec<_> = self
            .edges
            .iter()
            .filter(|((s, t, d), (active, _))| {
                *active
                    && (types.is_empty() || types.contains(t))
                    && match dir {
                        Direction::Outgoing => *s == v,
                        Direction::Incoming => *d == v,
                        Direction::Both => *s == v || *d == v,
                    }
            })
            .flat_map(|((s, t, d), (_, w))| {
                let e = (*s, t.to_string(), *d, *w);
                // A self-loop is listed once per direction.
                let twice = dir == Direction::Both && s == d;
                std::iter::repeat_n(e, if twice { 2 } else { 1 })
            })
            .collect();
        out.sort_by(|a, b| (a.0, &a.1, a.2).cmp(&(b.0, &b.1, b.2)));
        out
    }

    /// The active edges passing `types` as a petgraph graph (parallel edges kept),
    /// reversed or made symmetric for `dir`.
    pub fn petgraph(
        &self,
        dir: Direction,
        types: &[&str],
    ) -> (DiGraph<Uuid, f64>, HashMap<Uuid, NodeIndex>) {
        let mut g = DiGraph::new();
        let mut idx = HashMap::new();
        let mut node =
            |g: &mut DiGraph<Uuid, f64>, v: Uuid| *idx.entry(v).or_insert_with(|| g.add_node(v));
        for ((s, t, d), (active, w)) in &self.edges {
            if !*active || !(types.is_empty() || types.contains(t)) {
                continue;
            }
            let (a, b) = (node(&mut g, *s), node(&mut g, *d));
            let w = f64::from(*w);
            match dir {
                Direction::Outgoing => {
                    g.add_edge(a, b, w);
                }
                Direction::Incoming => {
                    g.add_edge(b, a, w);
                }
                Direction::Both => {
                    g.add_edge(a, b, w);
                    g.add_edge(b, a, w);
                }
            }
        }
        (g, idx)
    }
}

/// Applies `steps` random operations to both the graph and the model, in batches.
pub fn random_ops(graph: &Graph, model: &mut Model, rng: &mut StdRng, vertices: u64, steps: usize) {
    let mut done = 0;
    while done < steps {
        let batch = rng.random_range(1..20).min(steps - done);
        done += batch;
        let mut next = model.clone();
        graph
            .write(|w| {
                for _ in 0..batch {
                    let s = vid(rng.random_range(0..vertices));
                    let d = vid(rng.random_range(0..vertices));
                    let t = TYPES[rng.random_range(0..TYPES.len())];
                    match rng.random_range(0..10) {
                        0..=5 => {
                            let wt = rng.random_range(0.0f32..10.0);
                            w.add_edge(s, t, d, wt)?;
                            next.edges.insert((s, t, d), (true, wt));
                        }
                        6 => {
                            let wt = rng.random_range(0.0f32..10.0);
                            let found = w.update_weight(s, t, d, wt)?;
                            let m = next.edges.get_mut(&(s, t, d));
                            assert_eq!(found, m.is_some());
                            if let Some(e) = m {
                                e.1 = wt;
                            }
                        }
                        7 => {
                            let found = w.set_active(s, t, d, false)?;
                            let m = next.edges.get_mut(&(s, t, d));
                            assert_eq!(found, m.is_some());
                            if let Some(e) = m {
                                e.0 = false;
                            }
                        }
                        8 => {
                            let found = w.set_active(s, t, d, true)?;
                            if let Some(e) = next.edges.get_mut(&(s, t, d)) {
                                assert!(found);
                                e.0 = true;
                            }
                        }
                        _ => {
                            let found = w.remove_edge(s, t, d)?;
                            assert_eq!(found, next.edges.remove(&(s, t, d)).is_some());
                        }
                    }
                }
                Ok(())
            })
            .unwrap();
        *model = next;
    }
}
