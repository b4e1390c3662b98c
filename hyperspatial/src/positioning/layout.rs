//! Full graph layout: the combinatorial construction of `tree`, then optional
//! refinement by Riemannian SGD (`sgd`) on the transitive closure or the edges.

use super::PositioningError;
use super::cones::ConeParams;
use super::hierarchy::Hierarchy;
use super::sgd::{Relation, SgdParams, clamp_radius, refine};
use super::tree::TreeParams;

/// Largest `max_radius` the refinement accepts: its gradients come from Minkowski
/// products of hyperboloid coordinates, whose rounding grows like `e^(2r)`.
pub const MAX_REFINE_RADIUS: f64 = 20.0;

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
    /// The pairs to pull together.
    pub target: RefineTarget,
    /// Stop after the first epoch that ends past this much time (the layout refined
    /// so far is kept; at least one epoch runs); `None`: every epoch runs.
    pub time_limit: Option<std::time::Duration>,
}

impl Default for Refinement {
    fn default() -> Self {
        Refinement {
            epochs: 50,
            learning_rate: 0.1,
            negatives: 10,
            batch_size: 1024,
            max_step: 0.5,
            target: RefineTarget::Closure {
                max_pairs: 50_000_000,
            },
            time_limit: None,
        }
    }
}

/// How the graph is laid out before any refinement.
#[derive(Debug, Clone, PartialEq)]
pub enum Construction {
    /// Radius from subtree size, directions in nested cones (see the module
    /// documentation of `cones`): a node whose spanning subtree holds `m` of the `N`
    /// nodes sits at radius `scale * ln(N / m)` (lowered to fit `max_radius`).
    /// Ranks every node's ancestors (transitive closure) ahead of other nodes; the
    /// default.
    Cones {
        /// The `c` of the radial steps `c ln(m_parent / m_child)`. Default 2.
        scale: f64,
        /// Smallest radial step from a node to its children, so that a child
        /// holding almost all of its parent's subtree does not sit on top of it.
        /// Default 1.
        min_step: f64,
    },
    /// Sarkar's construction: children at hyperbolic distance `edge_length` from
    /// their parent along well-spread directions. Reconstructs the edges (every
    /// node's parent and children are its nearest nodes, given `separation`); a good
    /// start for the refinement.
    Sarkar {
        /// Distance between a node and its children.
        edge_length: f64,
        /// Upper bound on the lengthened edges of nodes with many children.
        max_edge_length: f64,
        /// Lengthening of crowded edges: with `Some(m)`, each node's edge length
        /// grows (up to `max_edge_length`) until Sarkar's condition holds with
        /// margin `m`: the subtrees of its children stay in disjoint cones at least
        /// `m` apart (0.5 to 1; more in 2 or 3 dimensions). `None` keeps every edge
        /// at `edge_length`: a compact start, which the refinement improves fastest.
        separation: Option<f64>,
    },
}

impl Default for Construction {
    fn default() -> Self {
        Construction::Cones {
            scale: 2.0,
            min_step: 1.0,
        }
    }
}

/// Options of [`layout_graph`].
#[derive(Debug, Clone, PartialEq)]
pub struct GraphLayout {
    /// Hyperbolic dimension `d` (points have `d + 1` coordinates). Default 16.
    pub dim: usize,
    /// The construction. Default [`Construction::Cones`].
    pub construction: Construction,
    /// Every point stays within this hyperbolic radius of the origin, in the
    /// construction and the refinement. Default 30: the stored f64 points, the
    /// position index and `position` read through HyperQL keep nearby points apart
    /// to about 30 (past ~36 nothing can be represented); the cone construction only
    /// squeezes a hierarchy that needs more. With a refinement at most
    /// [`MAX_REFINE_RADIUS`].
    pub max_radius: f64,
    /// Refinement by Riemannian SGD after the construction; `None` (the default)
    /// keeps the construction.
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
            construction: Construction::default(),
            max_radius: 30.0,
            refine: None,
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
        match &self.construction {
            Construction::Cones { scale, min_step } => {
                if !(scale.is_finite() && *scale > 0.0) {
                    return bad("scale", "must be finite and positive");
                }
                if !(min_step.is_finite() && *min_step >= 0.0) {
                    return bad("min_step", "must be finite and non-negative");
                }
            }
            Construction::Sarkar {
                edge_length,
                max_edge_length,
                separation,
            } => {
                if !(edge_length.is_finite() && *edge_length > 0.0) {
                    return bad("edge_length", "must be finite and positive");
                }
                if !(max_edge_length.is_finite() && max_edge_length >= edge_length) {
                    return bad("max_edge_length", "must be finite and at least edge_length");
                }
                if separation.is_some_and(|m| !(m.is_finite() && m >= 0.0)) {
                    return bad("separation", "must be finite and non-negative");
                }
            }
        }
        if !(self.max_radius.is_finite() && self.max_radius > 0.0) {
            return bad("max_radius", "must be finite and positive");
        }
        if let Some(r) = &self.refine {
            if self.max_radius > MAX_REFINE_RADIUS {
                return bad(
                    "max_radius",
                    "the refinement's gradients lose precision past radius 20",
                );
            }
            if !(r.learning_rate.is_finite() && r.learning_rate > 0.0) {
                return bad("learning_rate", "must be finite and positive");
            }
            if !(r.max_step.is_finite() && r.max_step > 0.0) {
                return bad("max_step", "must be finite and positive");
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

/// Runs `f` on a pool of `threads` threads (0: the current pool).
fn in_pool<T: Send>(
    threads: usize,
    f: impl FnOnce() -> Result<T, PositioningError> + Send,
) -> Result<T, PositioningError> {
    if threads == 0 {
        return f();
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|_| PositioningError::InvalidOption {
            name: "threads",
            reason: "could not start the thread pool",
        })?
        .install(f)
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
    in_pool(opts.threads, || layout_hierarchy(&h, opts))
}

/// [`layout_graph`] on an already validated [`Hierarchy`] (runs on the current
/// rayon pool; `opts.threads` is not consulted).
pub fn layout_hierarchy(
    h: &Hierarchy,
    opts: &GraphLayout,
) -> Result<Vec<Vec<f64>>, PositioningError> {
    opts.validate()?;
    let s = opts.dim + 1;
    let mut pos = match &opts.construction {
        Construction::Cones { scale, min_step } => super::cones::cone_layout(
            h,
            &ConeParams {
                dim: opts.dim,
                scale: *scale,
                min_step: *min_step,
                max_radius: opts.max_radius,
                seed: opts.seed,
            },
        ),
        Construction::Sarkar {
            edge_length,
            max_edge_length,
            separation,
        } => super::tree::combinatorial(
            h,
            &TreeParams {
                dim: opts.dim,
                edge: *edge_length,
                edge_cap: *max_edge_length,
                margin: *separation,
                max_radius: opts.max_radius,
                seed: opts.seed,
            },
        ),
    };
    if let Some(r) = &opts.refine {
        refine_flat(h, &mut pos, s, r, opts, 0)?;
    }
    Ok(pos.chunks(s).map(<[f64]>::to_vec).collect())
}

/// Continues the Riemannian SGD of `opts.refine` (with `opts.max_radius` and
/// `opts.seed`) on existing `positions` of the nodes of `h`, e.g. after nodes were
/// placed incrementally with [`place_child`](super::place_child). Runs on the current
/// rayon pool. `first_epoch` numbers the first epoch of this call, so that
/// successive calls draw fresh shuffles and negatives. Nothing happens when
/// `opts.refine` is `None`.
///
/// Errors: a position count other than `h.len()`, points of a dimension other than
/// `opts.dim + 1`, off the hyperboloid or non-finite, invalid options.
pub fn refine_layout(
    h: &Hierarchy,
    positions: &mut [Vec<f64>],
    opts: &GraphLayout,
    first_epoch: usize,
) -> Result<(), PositioningError> {
    opts.validate()?;
    if positions.len() != h.len() {
        return Err(PositioningError::DimensionMismatch {
            expected: h.len(),
            got: positions.len(),
        });
    }
    let Some(r) = &opts.refine else {
        return Ok(());
    };
    let s = opts.dim + 1;
    let mut flat = Vec::with_capacity(s * positions.len());
    for x in positions.iter() {
        if x.len() != s {
            return Err(PositioningError::DimensionMismatch {
                expected: s,
                got: x.len(),
            });
        }
        if !super::lorentz::on_hyperboloid(x, 1e-6) {
            return Err(PositioningError::NotOnHyperboloid(super::lorentz::mdot(
                x, x,
            )));
        }
        flat.extend_from_slice(x);
    }
    refine_flat(h, &mut flat, s, r, opts, first_epoch)?;
    for (x, row) in positions.iter_mut().zip(flat.chunks(s)) {
        x.copy_from_slice(row);
    }
    Ok(())
}

fn refine_flat(
    h: &Hierarchy,
    pos: &mut [f64],
    s: usize,
    r: &Refinement,
    opts: &GraphLayout,
    first_epoch: usize,
) -> Result<(), PositioningError> {
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
        clamp_radius(x, opts.max_radius);
    }
    let params = SgdParams {
        epochs: r.epochs,
        first_epoch,
        learning_rate: r.learning_rate,
        negatives: r.negatives,
        batch: r.batch_size,
        chunks: rayon::current_num_threads(),
        seed: opts.seed,
        max_step: r.max_step,
        max_radius: opts.max_radius,
        deadline: r
            .time_limit
            .and_then(|t| std::time::Instant::now().checked_add(t)),
    };
    refine(pos, s, &lists, &params);
    Ok(())
}
