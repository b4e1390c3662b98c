//! A reader of WordNet's noun hierarchy (`data.noun` of WordNet 3.0, as the Debian
//! package `wordnet-base` installs it at [`DATA_NOUN`]): synsets with their first
//! lemma and gloss, and `hypernym -> hyponym` edges from the hypernym (`@`) and
//! instance hypernym (`@i`) pointers. The hierarchy is the standard test of
//! hierarchical embeddings; the benchmark harness lays it out with
//! [`layout_graph`](super::layout_graph) and measures [`reconstruction`](super::reconstruction).

use std::collections::HashMap;

/// Where `wordnet-base` installs the noun data file.
pub const DATA_NOUN: &str = "/usr/share/wordnet/data.noun";

/// The noun hierarchy, by node id (`0..offsets.len()`, in file order).
#[derive(Clone, Debug, PartialEq)]
pub struct Nouns {
    /// The synset offset of each node (its id in WordNet).
    pub offsets: Vec<u32>,
    /// The first lemma of each node (`mammal`).
    pub lemmas: Vec<String>,
    /// The gloss of each node.
    pub glosses: Vec<String>,
    /// `(hypernym, hyponym)` node ids.
    pub edges: Vec<(u32, u32)>,
}

/// A synset line that does not follow the `data.noun` format.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: malformed synset line")]
pub struct MalformedLine {
    /// The line number, from 1.
    pub line: usize,
}

/// Parses the text of `data.noun`. Each synset line reads `offset lex_filenum
/// ss_type w_cnt (word lex_id)* p_cnt (symbol offset pos source/target)* | gloss`;
/// lines starting with a space (the licence header) are skipped. Pointers to
/// synsets missing from the text are dropped.
pub fn parse(text: &str) -> Result<Nouns, MalformedLine> {
    let mut offsets = Vec::new();
    let mut lemmas = Vec::new();
    let mut glosses = Vec::new();
    let mut raw: Vec<(u32, u32)> = Vec::new(); // (hyponym offset, hypernym offset)
    for (no, line) in text.lines().enumerate() {
        if line.starts_with(' ') || line.is_empty() {
            continue;
        }
        let bad = MalformedLine { line: no + 1 };
        let (head, gloss) = line.split_once(" | ").unwrap_or((line, ""));
        let f: Vec<&str> = head.split_whitespace().collect();
        let field = |i: usize| f.get(i).copied().ok_or(bad.clone());
        let off: u32 = field(0)?.parse().map_err(|_| bad.clone())?;
        let w_cnt = usize::from_str_radix(field(3)?, 16).map_err(|_| bad.clone())?;
        let p_at = 4 + 2 * w_cnt;
        let p_cnt: usize = field(p_at)?.parse().map_err(|_| bad.clone())?;
        for k in 0..p_cnt {
            let sym = field(p_at + 1 + 4 * k)?;
            if (sym == "@" || sym == "@i") && field(p_at + 3 + 4 * k)? == "n" {
                let target: u32 = field(p_at + 2 + 4 * k)?.parse().map_err(|_| bad.clone())?;
                raw.push((off, target));
            }
        }
        offsets.push(off);
        lemmas.push(field(4)?.to_string());
        glosses.push(gloss.trim().to_string());
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
    Ok(Nouns {
        offsets,
        lemmas,
        glosses,
        edges,
    })
}

/// The sub-hierarchy below node `root` of `edges` (itself included): its size and
/// its edges, node ids renumbered from 0 (`root` is 0).
pub fn subtree(edges: &[(u32, u32)], root: u32) -> (usize, Vec<(u32, u32)>) {
    let mut kids: HashMap<u32, Vec<u32>> = HashMap::new();
    for &(p, c) in edges {
        kids.entry(p).or_default().push(c);
    }
    let mut map: HashMap<u32, u32> = HashMap::from([(root, 0)]);
    let mut stack = vec![root];
    while let Some(u) = stack.pop() {
        for &c in kids.get(&u).map(Vec::as_slice).unwrap_or(&[]) {
            if !map.contains_key(&c) {
                map.insert(c, map.len() as u32);
                stack.push(c);
            }
        }
    }
    let sub = edges
        .iter()
        .filter_map(|(p, c)| Some((*map.get(p)?, *map.get(c)?)))
        .collect();
    (map.len(), sub)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_synsets_and_hypernyms() -> Result<(), MalformedLine> {
        let text = "  1 This is a licence line\n\
            00001740 03 n 01 entity 0 001 ~ 00001930 n 0000 | that which exists\n\
            00001930 03 n 02 physical_entity 0 thing 1 002 @ 00001740 n 0000 ~ 00002452 n 0000 | a physical thing\n\
            00002452 03 n 01 object 0 001 @i 00001930 n 0000 | an object\n";
        let n = parse(text)?;
        assert_eq!(n.offsets, vec![1740, 1930, 2452]);
        assert_eq!(n.lemmas[1], "physical_entity");
        assert_eq!(n.glosses[2], "an object");
        assert_eq!(n.edges, vec![(0, 1), (1, 2)]);
        assert_eq!(subtree(&n.edges, 1), (2, vec![(0, 1)]));
        assert_eq!(
            parse("00001740 03 n zz entity\n"),
            Err(MalformedLine { line: 1 })
        );
        Ok(())
    }
}
