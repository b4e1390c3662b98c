//! WordNet end-to-end runs (ignored: they read `/usr/share/wordnet/data.noun` from the
//! Debian package `wordnet-base`; parameters come from `POS_*` environment
//! variables), and a minimal reader of `data.noun`: synsets and their hypernym (`@`)
//! and instance hypernym (`@i`) pointers.

use super::*;
use std::collections::HashMap;
use std::time::Instant;

pub const DATA_NOUN: &str = "/usr/share/wordnet/data.noun";

/// The noun hierarchy: synset offsets and first lemmas by node id, and
/// `hypernym -> hyponym` edges.
pub struct Nouns {
    pub offsets: Vec<u32>,
    /// Not read by the tests yet: kept for printing nodes while inspecting a layout.
    #[allow(dead_code)]
    pub lemmas: Vec<String>,
    pub edges: Vec<(u32, u32)>,
}

pub fn read(path: &str) -> Option<Nouns> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut offsets = Vec::new();
    let mut lemmas = Vec::new();
    let mut raw: Vec<(u32, u32)> = Vec::new(); // (child offset, parent offset)
    for line in text.lines() {
        if line.starts_with(' ') || line.is_empty() {
            continue;
        }
        let head = line.split(" | ").next()?;
        let f: Vec<&str> = head.split_whitespace().collect();
        let off: u32 = f[0].parse().ok()?;
        let w_cnt = usize::from_str_radix(f[3], 16).ok()?;
        let lemma = f[4].to_string();
        let p_at = 4 + 2 * w_cnt;
        let p_cnt: usize = f[p_at].parse().ok()?;
        for k in 0..p_cnt {
            let sym = f[p_at + 1 + 4 * k];
            let target: u32 = f[p_at + 2 + 4 * k].parse().ok()?;
            let pos = f[p_at + 3 + 4 * k];
            if (sym == "@" || sym == "@i") && pos == "n" {
                raw.push((off, target));
            }
        }
        offsets.push(off);
        lemmas.push(lemma);
    }
    let id: HashMap<u32, u32> = offsets
        .iter()
        .enumerate()
        .map(|(i, &o)| (o, i as u32))
        .collect();
    let edges = raw
        .into_iter()
        .filter_map(|(c, p)| Some((*id.get(&p)?, *id.get(&c)?)))
        .collect();
    Some(Nouns {
        offsets,
        lemmas,
        edges,
    })
}

/// The sub-hierarchy below the synset at `offset` (itself included): node ids
/// renumbered from 0 and the edges among them.
pub fn subtree(n: &Nouns, offset: u32) -> Option<(usize, Vec<(u32, u32)>)> {
    let root = n.offsets.iter().position(|&o| o == offset)? as u32;
    let mut kids: HashMap<u32, Vec<u32>> = HashMap::new();
    for &(p, c) in &n.edges {
        kids.entry(p).or_default().push(c);
    }
    let mut map: HashMap<u32, u32> = HashMap::new();
    map.insert(root, 0);
    let mut stack = vec![root];
    while let Some(u) = stack.pop() {
        for &c in kids.get(&u).map(Vec::as_slice).unwrap_or(&[]) {
            if !map.contains_key(&c) {
                let id = map.len() as u32;
                map.insert(c, id);
                stack.push(c);
            }
        }
    }
    let edges = n
        .edges
        .iter()
        .filter_map(|(p, c)| Some((*map.get(p)?, *map.get(c)?)))
        .collect();
    Some((map.len(), edges))
}

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
        if std::env::var("POS_RANKS").is_ok() {
            rank_breakdown(&h, &pos, &closure);
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

/// Distance through the Poincare images (accurate far from the origin).
fn dist(x: &[f64], y: &[f64]) -> f64 {
    let (ax, ay) = (1.0 + x[0], 1.0 + y[0]);
    let sq: f64 = x[1..]
        .iter()
        .zip(&y[1..])
        .map(|(a, b)| (a / ax - b / ay).powi(2))
        .sum();
    (1.0 + 0.5 * sq * ax * ay).acosh()
}

/// Ranks of a sample of (node, ancestor) pairs, split by whether the ancestor is on
/// the node's spanning-tree chain.
fn rank_breakdown(h: &Hierarchy, pos: &[Vec<f64>], closure: &[Vec<u32>]) {
    let n = pos.len();
    let (mut tree, mut other) = ((0usize, 0.0f64, 0usize), (0usize, 0.0f64, 0usize));
    for u in (0..n).step_by((n / 1500).max(1)) {
        let mut chain = Vec::new();
        let mut c = u;
        while let Some(p) = h.tree_parent(c) {
            chain.push(p);
            c = p as usize;
        }
        let d: Vec<f64> = pos.iter().map(|x| dist(&pos[u], x)).collect();
        for &a in &closure[u] {
            let da = d[a as usize];
            let closer = (0..n)
                .filter(|&q| q != u && d[q] <= da && closure[u].binary_search(&(q as u32)).is_err())
                .count();
            let slot = if chain.contains(&a) {
                &mut tree
            } else {
                &mut other
            };
            slot.0 += 1;
            slot.1 += (1 + closer) as f64;
            if closer > 100 {
                slot.2 += 1;
            }
        }
    }
    eprintln!(
        "tree-chain ancestors: {} pairs, mean rank {:.1}, {} over 100; other ancestors: {} pairs, mean rank {:.1}, {} over 100",
        tree.0,
        tree.1 / tree.0.max(1) as f64,
        tree.2,
        other.0,
        other.1 / other.0.max(1) as f64,
        other.2
    );
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
    let Some(nouns) = read(DATA_NOUN) else {
        eprintln!("no {}", DATA_NOUN);
        return;
    };
    let mammal = nouns.offsets.iter().position(|&o| o == 1_861_778).unwrap();
    assert_eq!(nouns.lemmas[mammal], "mammal");
    let (n, edges) = subtree(&nouns, 1_861_778).unwrap();
    run_wordnet(n, &edges, "mammals");
}

#[test]
#[ignore = "reads /usr/share/wordnet/data.noun; run by hand"]
fn wordnet_nouns() {
    let Some(nouns) = read(DATA_NOUN) else {
        eprintln!("no {}", DATA_NOUN);
        return;
    };
    run_wordnet(nouns.offsets.len(), &nouns.edges, "nouns");
}
