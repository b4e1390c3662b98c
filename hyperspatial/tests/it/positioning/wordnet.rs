//! A minimal reader of WordNet's `data.noun` (Debian package `wordnet-base`) for the
//! ignored end-to-end tests: synsets and their hypernym (`@`) and instance hypernym
//! (`@i`) pointers.

use std::collections::HashMap;

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
