//! Suite `wordnet`: how well `hyperspatial::positioning` lays out a real hierarchy,
//! the WordNet 3.0 noun hierarchy (Debian `wordnet-base`, `data.noun`).
//!
//! Graph: one node per noun synset, an edge from every hypernym (`@`) and instance
//! hypernym (`@i`) to its hyponym. Two data sets, as in Nickel and Kiela (2017):
//! the mammal subtree (`mammal.n.01` and its descendants, about 1,180 nouns) and all
//! 82,115 nouns. Evaluation: `reconstruction` against the transitive closure of
//! the hypernym relation (every noun ranks its ancestors among all non-ancestors;
//! the authors' evaluation code does the same), mean rank and MAP, at 2, 5 and 10
//! dimensions; plus the layout time.
//!
//! Layouts: the cone construction (no training) with the database's default radius
//! budget 30 (distances through f64 Poincare coordinates stay accurate that far);
//! in the full run also, within the index-friendly default radius 12, the nouns with
//! the cone construction and both sets with Sarkar's construction refined by
//! Riemannian SGD.
//!
//! `--quick` (CI): mammals at every dimension and all nouns at 10 dimensions only.
//! Without the data file the suite prints why and reports nothing. The file is read
//! by `hyperspatial::positioning::wordnet`.

use crate::report::Report;
use hyperspatial::positioning::wordnet::{DATA_NOUN, parse, subtree};
use hyperspatial::positioning::{
    Construction, GraphLayout, Hierarchy, Refinement, layout_graph, reconstruction,
};
use std::time::Instant;

/// `mammal.n.01` in WordNet 3.0.
const MAMMAL_OFFSET: u32 = 1_861_778;
const THREADS: usize = 2;
/// Radius budget of the cone layouts: the database's default (`GraphLayout::default`).
const MAX_RADIUS: f64 = 30.0;

/// The cone construction for `dim` dimensions: in two dimensions sibling arcs
/// need more room (a larger scale and minimum step).
fn cones(dim: usize, max_radius: f64) -> GraphLayout {
    let (scale, min_step) = if dim <= 2 { (3.0, 2.0) } else { (2.0, 1.0) };
    GraphLayout {
        dim,
        construction: Construction::Cones { scale, min_step },
        max_radius,
        refine: None,
        threads: THREADS,
        ..GraphLayout::default()
    }
}

/// Sarkar's construction refined by Riemannian SGD on the closure.
fn sarkar_rsgd(dim: usize, epochs: usize, learning_rate: f64, batch_size: usize) -> GraphLayout {
    GraphLayout {
        dim,
        construction: Construction::Sarkar {
            edge_length: 1.0,
            max_edge_length: 8.0,
            separation: None,
        },
        max_radius: 12.0,
        refine: Some(Refinement {
            epochs,
            learning_rate,
            batch_size,
            ..Refinement::default()
        }),
        threads: THREADS,
        ..GraphLayout::default()
    }
}

/// A data set and its closure.
struct Set {
    name: &'static str,
    n: usize,
    edges: Vec<(u32, u32)>,
    closure: Vec<Vec<u32>>,
}

impl Set {
    fn new(name: &'static str, n: usize, edges: Vec<(u32, u32)>) -> Result<Set, String> {
        let closure = Hierarchy::new(n, &edges)
            .and_then(|h| h.ancestor_closure(usize::MAX))
            .map_err(|e| e.to_string())?;
        Ok(Set {
            name,
            n,
            edges,
            closure,
        })
    }

    fn tree(&self) -> crate::wordnet_import::Tree<'_> {
        crate::wordnet_import::Tree {
            name: self.name,
            n: self.n,
            edges: &self.edges,
            closure: &self.closure,
        }
    }

    fn pairs(&self) -> usize {
        self.closure.iter().map(Vec::len).sum()
    }
}

/// Lays `set` out with `opts`, evaluates it and records the figures under
/// `system` as `<set>_<dim>d_<metric>`.
fn measure(report: &mut Report, system: &str, set: &Set, opts: &GraphLayout) -> Result<(), String> {
    let t = Instant::now();
    let pos = layout_graph(set.n, &set.edges, opts).map_err(|e| e.to_string())?;
    let layout_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let r = reconstruction(&pos, &set.closure).map_err(|e| e.to_string())?;
    let eval_s = t.elapsed().as_secs_f64();
    let radius = pos.iter().map(|x| x[0].acosh()).fold(0.0, f64::max);
    let key = format!("{}_{}d", set.name, opts.dim);
    report.add(system, &format!("{key}_map"), r.map, "");
    report.add(system, &format!("{key}_mean_rank"), r.mean_rank, "");
    report.add(system, &format!("{key}_layout_s"), layout_s, "s");
    report.add(system, &format!("{key}_eval_s"), eval_s, "s");
    report.add(system, &format!("{key}_max_radius"), radius, "");
    Ok(())
}

/// Runs the suite.
pub fn run(quick: bool) -> Result<Report, String> {
    let mut report = Report::new("wordnet", quick);
    let text = match std::fs::read_to_string(DATA_NOUN) {
        Ok(t) => t,
        Err(e) => {
            let why = format!(
                "skipped: cannot read {DATA_NOUN} ({e}); install the Debian package wordnet-base"
            );
            eprintln!("wordnet: {why}");
            report.note(why);
            return Ok(report);
        }
    };
    let t = Instant::now();
    let nouns = parse(&text).map_err(|e| format!("{DATA_NOUN}:{e}"))?;
    let mammal = nouns
        .offsets
        .iter()
        .position(|&o| o == MAMMAL_OFFSET)
        .filter(|&i| nouns.lemmas[i] == "mammal" && nouns.glosses[i].contains("warm-blooded"))
        .ok_or(format!(
            "{DATA_NOUN}: synset {MAMMAL_OFFSET:08} is not mammal.n.01 (not WordNet 3.0?)"
        ))? as u32;
    let (n, edges) = subtree(&nouns.edges, mammal);
    let mammals = Set::new("mammals", n, edges)?;
    let all = Set::new("nouns", nouns.offsets.len(), nouns.edges.clone())?;
    report.note(format!(
        "WordNet 3.0 nouns from {DATA_NOUN}: {} synsets, {} hypernym edges (@ and @i), {} closure pairs; mammal.n.01 subtree: {} synsets, {} closure pairs (read and closed in {:.1} s)",
        all.n,
        all.edges.len(),
        all.pairs(),
        mammals.n,
        mammals.pairs(),
        t.elapsed().as_secs_f64()
    ));
    report.note(format!(
        "protocol of Nickel and Kiela 2017: every synset ranks its closure ancestors among v and all non-ancestors by hyperbolic distance (ties counted against), mean rank over pairs, MAP over synsets; {THREADS} threads"
    ));
    report.note(format!(
        "`cones`: Construction::Cones (scale 2, min_step 1; 3 and 2 in 2 dimensions), no training, radius budget {MAX_RADIUS}; `cones-r12`: the same within radius 12 (index-friendly); `sarkar+rsgd`: Sarkar's construction (edge 1) + Riemannian SGD on the closure within radius 12 (10 negatives; mammals 100 epochs, lr 0.3, batches of 256 pairs; nouns 20 epochs, lr 1, batches of 1024)"
    ));
    for dim in [2, 5, 10] {
        measure(&mut report, "cones", &mammals, &cones(dim, MAX_RADIUS))?;
    }
    if !quick {
        measure(
            &mut report,
            "sarkar+rsgd",
            &mammals,
            &sarkar_rsgd(10, 100, 0.3, 256),
        )?;
    }
    report.note(
        "`hyperspatial-import`: the rows imported as JSONL in random order (edge column parents:hyponym:in), positions read back with SELECT _key, position; `placed`: the writes' incremental placements, `refined`: after the background refinement (run on the bench thread, timed), `grow`: 90% imported and refined, then 10% more imported (placements alone) and evaluated on all, then refined again (`grown_refined`)",
    );
    let import_dims: &[usize] = if quick { &[10] } else { &[10, 16] };
    for &dim in import_dims {
        crate::wordnet_import::measure(&mut report, &mammals.tree(), dim)?;
        if !quick {
            crate::wordnet_import::measure(&mut report, &all.tree(), dim)?;
        }
    }
    let dims: &[usize] = if quick { &[10] } else { &[2, 5, 10] };
    for &dim in dims {
        measure(&mut report, "cones", &all, &cones(dim, MAX_RADIUS))?;
    }
    if !quick {
        measure(&mut report, "cones-r12", &all, &cones(10, 12.0))?;
        measure(
            &mut report,
            "sarkar+rsgd",
            &all,
            &sarkar_rsgd(10, 20, 1.0, 1024),
        )?;
    } else {
        report.note("quick: all nouns at 10 dimensions only");
    }
    Ok(report)
}
