//! Positioning: graph layout, incremental placement, embedding and property maps,
//! combination, kinematics and the reconstruction metric.

mod wordnet;

use hyperspatial::positioning::{GraphLayout, Hierarchy, Refinement, layout_graph, reconstruction};
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
    let epochs: usize = env("POS_EPOCHS", 0);
    let opts = GraphLayout {
        dim: env("POS_DIM", 10),
        edge_length: env("POS_EDGE", 1.0),
        max_edge_length: env("POS_EDGE_MAX", 8.0),
        refine: (epochs > 0).then(|| Refinement {
            epochs,
            learning_rate: env("POS_LR", 0.1),
            negatives: env("POS_NEGS", 10),
            batch_size: env("POS_BATCH", 1024),
            max_step: env("POS_MAX_STEP", 0.5),
            max_radius: env("POS_MAX_R", 12.0),
            ..Refinement::default()
        }),
        ..GraphLayout::default()
    };
    let t = Instant::now();
    let pos = layout_graph(n, edges, &opts).unwrap();
    let lt = t.elapsed();
    let rmax = pos.iter().map(|x| x[0].acosh()).fold(0.0, f64::max);
    let t = Instant::now();
    let r = reconstruction(&pos, &closure).unwrap();
    eprintln!(
        "{label} dim {}: mean rank {:.3} MAP {:.4} (layout {:.2?}, eval {:.2?}, max radius {rmax:.2})",
        opts.dim,
        r.mean_rank,
        r.map,
        lt,
        t.elapsed()
    );
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
