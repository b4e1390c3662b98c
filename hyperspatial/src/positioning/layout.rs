//! Full graph layout: the combinatorial construction of `tree`, then optional
//! refinement by Riemannian SGD (`sgd`) on the transitive closure or the edges.

use super::PositioningError;
use super::hierarchy::Hierarchy;
use super::sgd::{Relation, SgdParams, clamp_radius, refine};

/// Which related pairs the refinement pulls together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefineTarget {
    /// Every (node, ancestor) pair of the transitive closure, as in Nickel and Kiela;
    /// negatives are drawn among the non-ancestors. Falls back to [`Self::Edges`]
    /// when the closure holds more than `max_pairs` pairs.
    Closure {
        /// Largest closure accepted (pairs), to bound memory and time.
        max_pairs: usize,
    },
    /// Only (child, parent) edges; negatives are drawn among the non-parents.
    Edges,
}

/// Riemannian SGD settings (see [`GraphLayout::refine`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Refinement {
    /// Passes over the related pairs.
    pub epochs: usize,
    /// Step size of the Riemannian gradient.
    pub learning_rate: f64,
    /// Negatives drawn per related pair (at most 127).
    pub negatives: usize,
    /// Related pairs per synchronous update.
    pub batch_size: usize,
    /// Longest step any point may take in one update (hyperbolic distance).
    pub max_step: f64,
    /// Points are kept within this hyperbolic radius of the origin (precision: f64
    /// hyperboloid coordinates stay accurate to radius ~30, an f32 Poincare index to
    /// ~12).
    pub max_radius: f64,
    /// The pairs to pull together.
    pub target: RefineTarget,
}

impl Default for Refinement {
    fn default() -> Self {
        Refinement {
            epochs: 50,
            learning_rate: 0.1,
            negatives: 10,
            batch_size: 1024,
            max_step: 0.5,
            max_radius: 12.0,
            target: RefineTarget::Closure {
                max_pairs: 50_000_000,
            },
        }
    }
}

/// Options of [`layout_graph`].
#[derive(Debug, Clone, PartialEq)]
pub struct GraphLayout {
    /// Hyperbolic dimension `d` (points have `d + 1` coordinates). Default 16.
    pub dim: usize,
    /// Hyperbolic distance between a node and its children in the combinatorial
    /// construction. Default 1.
    pub edge_length: f64,
    /// Upper bound on the lengthened edges of nodes with many children.
    pub max_edge_length: f64,
    /// Refinement by Riemannian SGD after the construction; `None` keeps the
    /// combinatorial layout.
    pub refine: Option<Refinement>,
    /// Seed of every random choice; the layout is a function of the graph, the
    /// options, this seed and `threads`.
    pub seed: u64,
    /// Worker threads (0: rayon's global pool). The refinement splits each batch in
    /// this many slices, so it is part of what determines the result.
    pub threads: usize,
}

impl Default for GraphLayout {
    fn default() -> Self {
        GraphLayout {
            dim: 16,
            edge_length: 1.0,
            max_edge_length: 8.0,
            refine: Some(Refinement::default()),
            seed: 0x9E37_79B9,
            threads: 0,
        }
    }
}

impl GraphLayout {
    fn validate(&self) -> Result<(), PositioningError> {
        let bad = |name, reason| Err(PositioningError::InvalidOption { name, reason });
        if self.dim == 0 {
            return Err(PositioningError::ZeroDimension);
        }
        if !(self.edge_length.is_finite() && self.edge_length > 0.0) {
            return bad("edge_length", "must be finite and positive");
        }
        if !(self.max_edge_length.is_finite() && self.max_edge_length >= self.edge_length) {
            return bad("max_edge_length", "must be finite and at least edge_length");
        }
        if let Some(r) = &self.refine {
            if !(r.learning_rate.is_finite() && r.learning_rate > 0.0) {
                return bad("learning_rate", "must be finite and positive");
            }
            if !(r.max_step.is_finite() && r.max_step > 0.0) {
                return bad("max_step", "must be finite and positive");
            }
            if !(r.max_radius.is_finite() && r.max_radius > 0.0) {
                return bad("max_radius", "must be finite and positive");
            }
            if r.negatives == 0 || r.negatives > 127 {
                return bad("negatives", "must be in 1..=127");
            }
            if r.batch_size == 0 {
                return bad("batch_size", "must be positive");
            }
        }
        Ok(())
    }
}

/// Sorted related lists per node.
struct Lists<'a> {
    lists: ListSource<'a>,
}

enum ListSource<'a> {
    Owned(Vec<Vec<u32>>),
    Parents(&'a Hierarchy),
}

impl Lists<'_> {
    fn of(&self, u: usize) -> &[u32] {
        match &self.lists {
            ListSource::Owned(v) => &v[u],
            ListSource::Parents(h) => h.parents(u),
        }
    }
}

impl Relation for Lists<'_> {
    #[inline]
    fn of(&self, u: usize) -> &[u32] {
        Lists::of(self, u)
    }
}

/// Lays out a graph of `n_nodes` nodes given as `parent -> child` edges (a tree or a
/// DAG; several parents per node are fine; self-loops, duplicates and cycles are
/// dropped as described in [`Hierarchy`]) in `H^dim`: one point of `dim + 1`
/// hyperboloid coordinates per node.
///
/// Errors: an edge endpoint `>= n_nodes`, invalid options.
pub fn layout_graph(
    n_nodes: usize,
    edges: &[(u32, u32)],
    opts: &GraphLayout,
) -> Result<Vec<Vec<f64>>, PositioningError> {
    opts.validate()?;
    let h = Hierarchy::new(n_nodes, edges)?;
    let run = || layout_hierarchy(&h, opts);
    if opts.threads > 0 {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(opts.threads)
            .build()
            .map_err(|_| PositioningError::InvalidOption {
                name: "threads",
                reason: "could not start the thread pool",
            })?;
        pool.install(run)
    } else {
        run()
    }
}

/// [`layout_graph`] on an already validated [`Hierarchy`] (runs on the current
/// rayon pool).
pub fn layout_hierarchy(
    h: &Hierarchy,
    opts: &GraphLayout,
) -> Result<Vec<Vec<f64>>, PositioningError> {
    opts.validate()?;
    let s = opts.dim + 1;
    let mut pos = super::tree::combinatorial(
        h,
        opts.dim,
        opts.edge_length,
        opts.max_edge_length,
        opts.seed,
    );
    if let Some(r) = &opts.refine {
        let lists = match r.target {
            RefineTarget::Closure { max_pairs } => match h.ancestor_closure(max_pairs) {
                Ok(c) => ListSource::Owned(c),
                Err(PositioningError::ClosureTooLarge { .. }) => ListSource::Parents(h),
                Err(e) => return Err(e),
            },
            RefineTarget::Edges => ListSource::Parents(h),
        };
        let lists = Lists { lists };
        for x in pos.chunks_mut(s) {
            clamp_radius(x, r.max_radius);
        }
        let params = SgdParams {
            epochs: r.epochs,
            learning_rate: r.learning_rate,
            negatives: r.negatives,
            batch: r.batch_size,
            chunks: rayon::current_num_threads(),
            seed: opts.seed,
            max_step: r.max_step,
            max_radius: r.max_radius,
        };
        refine(&mut pos, s, &lists, &params);
    }
    Ok(pos.chunks(s).map(<[f64]>::to_vec).collect())
}
