//! Re-layout: the graph components of a collection's entities (or of every entity)
//! computed again from all of their edges at once with [`layout_graph`], instead of
//! the incremental placements made on each write.
//!
//! Online: the edges are read and the layout computed without holding the commit
//! lock, so reads and writes go on against the old positions. The new positions are
//! then published in one write batch (one atomic commit across the shards, like any
//! batch), which recombines each entity's position, rewrites the position indexes
//! and records the move in the trajectories. Invariants:
//! - an entity deleted after the edges were read is not brought back (the batch
//!   applies new graph components only to entities that still exist at commit);
//! - an entity inserted after the edges were read keeps the placement its write gave
//!   it;
//! - a re-layout of one collection uses the edges whose two ends are in it (an edge
//!   from `a` to `b` lays `a` out as the parent of `b`); entities without such an edge
//!   lose their graph component.

use super::database::Database;
use super::write::WriteBatch;
use super::{FastMap, StoreError};
use crate::positioning::{
    Construction, GraphLayout, Hierarchy, MAX_REFINE_RADIUS, Refinement, layout_graph,
    reconstruction,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Largest closure evaluated for [`RelayoutReport::map`] (pairs).
const MAX_EVAL_PAIRS: usize = 20_000_000;

/// What a re-layout runs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RelayoutOptions {
    /// The layout; its `dim` is replaced by the database's position dimension.
    pub layout: GraphLayout,
    /// Measure the reconstruction (MAP and mean rank of every entity's ancestors among
    /// the collection's other entities) on the positions published.
    pub evaluate: bool,
    /// The `key = value` pairs these options were read from ([`relayout_options`]);
    /// a re-layout of a collection keeps them (without `evaluate`) as the layout its
    /// background refinement runs.
    pub pairs: Vec<(String, hyperql::Value)>,
}

/// Where a re-layout is (for progress reports).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelayoutPhase {
    /// Reading the entities and edges.
    Reading,
    /// Laying out this many entities and edges.
    Layout {
        /// Entities.
        entities: usize,
        /// Edges.
        edges: usize,
    },
    /// Measuring the reconstruction.
    Evaluating,
    /// Writing and publishing the new positions.
    Publishing,
}

/// What a re-layout did.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct RelayoutReport {
    /// The collection laid out (`None`: every collection).
    pub collection: Option<String>,
    /// Entities placed.
    pub entities: usize,
    /// Active edges used (`a -> b` is laid out with `a` as the parent).
    pub edges: usize,
    /// Wall time, in milliseconds.
    pub millis: u64,
    /// Of which the layout itself (construction and refinement).
    pub layout_millis: u64,
    /// The largest hyperbolic radius of a new graph component.
    pub radius: f64,
    /// Reconstruction MAP of the published positions (with `evaluate`).
    pub map: Option<f64>,
    /// Reconstruction mean rank of the published positions (with `evaluate`).
    pub mean_rank: Option<f64>,
}

impl RelayoutReport {
    /// The report as `(measure, value)` pairs (what `RELAYOUT` answers; absent
    /// figures are NULL).
    pub fn measures(&self) -> Vec<(String, hyperql::Value)> {
        use hyperql::Value;
        let int = |n: u64| Value::Int(i64::try_from(n).unwrap_or(i64::MAX));
        let opt = |x: Option<f64>| x.map_or(Value::Null, Value::Float);
        vec![
            (
                "collection".into(),
                self.collection.as_deref().map_or(Value::Null, Value::str),
            ),
            ("entities".into(), int(self.entities as u64)),
            ("edges".into(), int(self.edges as u64)),
            ("millis".into(), int(self.millis)),
            ("layout_millis".into(), int(self.layout_millis)),
            ("radius".into(), Value::Float(self.radius)),
            ("map".into(), opt(self.map)),
            ("mean_rank".into(), opt(self.mean_rank)),
        ]
    }
}

/// The layout of `g` (no points for no entities).
pub(crate) fn compute(g: &Graph, layout: &GraphLayout) -> Result<Vec<Vec<f64>>, StoreError> {
    if g.ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(layout_graph(g.ids.len(), &g.edges, layout)?)
}

/// The entities and edges a re-layout reads.
pub(crate) struct Graph {
    ids: Vec<Uuid>,
    edges: Vec<(u32, u32)>,
}

impl Database {
    /// Lays out the graph components of all entities again from every active edge
    /// (see [`Database::relayout_collection`]; `opts.dim` is replaced by the
    /// database's position dimension).
    pub fn relayout(&self, opts: &GraphLayout) -> Result<RelayoutReport, StoreError> {
        let o = RelayoutOptions {
            layout: opts.clone(),
            ..RelayoutOptions::default()
        };
        self.relayout_scope(None, &o, &mut |_| {})
    }

    /// Lays out the graph components of the entities of `collection` again from the
    /// edges between them, online (see the module docs), reporting each phase to
    /// `progress`.
    ///
    /// Errors: an unknown collection, invalid layout options, storage errors.
    pub fn relayout_collection(
        &self,
        collection: &str,
        opts: &RelayoutOptions,
        progress: &mut dyn FnMut(RelayoutPhase),
    ) -> Result<RelayoutReport, StoreError> {
        if self.collection(collection).is_none() {
            return Err(StoreError::UnknownCollection(collection.to_string()));
        }
        self.relayout_scope(Some(collection), opts, progress)
    }

    fn relayout_scope(
        &self,
        collection: Option<&str>,
        opts: &RelayoutOptions,
        progress: &mut dyn FnMut(RelayoutPhase),
    ) -> Result<RelayoutReport, StoreError> {
        let started = std::time::Instant::now();
        let state = collection
            .and_then(|c| self.collection(c))
            .map(|c| c.graph.clone());
        let _running = state.as_ref().map(|s| s.running.lock());
        if let (Some(c), Some(_)) = (collection, &state) {
            self.remember_layout(c, &opts.pairs)?;
        }
        progress(RelayoutPhase::Reading);
        let mark = state.as_ref().map(|s| s.begin());
        let g = self.relayout_graph(collection)?;
        progress(RelayoutPhase::Layout {
            entities: g.ids.len(),
            edges: g.edges.len(),
        });
        let mut layout = opts.layout.clone();
        layout.dim = self.options().position_dim;
        let layout_started = std::time::Instant::now();
        let points = compute(&g, &layout)?;
        let layout_millis = layout_started.elapsed().as_millis() as u64;
        progress(RelayoutPhase::Publishing);
        let radius = self.publish_layout(&g, points)?;
        if let (Some(s), Some(mark)) = (&state, mark) {
            s.finish(mark);
            s.ran(started.elapsed());
        }
        let (map, mean_rank) = if opts.evaluate && !g.edges.is_empty() {
            progress(RelayoutPhase::Evaluating);
            self.evaluate_layout(&g)?
        } else {
            (None, None)
        };
        Ok(RelayoutReport {
            collection: collection.map(str::to_string),
            entities: g.ids.len(),
            edges: g.edges.len(),
            millis: started.elapsed().as_millis() as u64,
            layout_millis,
            radius,
            map,
            mean_rank,
        })
    }

    /// Publishes the graph components `points` of `g`'s entities in one batch (see
    /// the module docs); entities without an edge in `g` lose their graph
    /// component. Returns the largest radius of a new graph component.
    pub(crate) fn publish_layout(
        &self,
        g: &Graph,
        points: Vec<Vec<f64>>,
    ) -> Result<f64, StoreError> {
        let mut has_edge = vec![false; g.ids.len()];
        for &(a, b) in &g.edges {
            has_edge[a as usize] = true;
            has_edge[b as usize] = true;
        }
        let radius = points
            .iter()
            .zip(&has_edge)
            .filter(|(_, e)| **e)
            .map(|(x, _)| x[0].max(1.0).acosh())
            .fold(0.0, f64::max);
        let mut batch = self.batch();
        for (i, (id, x)) in g.ids.iter().zip(points).enumerate() {
            batch.relaid.insert(*id, has_edge[i].then_some(x));
        }
        batch.commit()?;
        Ok(radius)
    }

    /// Keeps the options of an explicit re-layout of `collection` (without
    /// `evaluate`), for the background refinement to use.
    fn remember_layout(
        &self,
        collection: &str,
        pairs: &[(String, hyperql::Value)],
    ) -> Result<(), StoreError> {
        let Some(c) = self.collection(collection) else {
            return Ok(());
        };
        let kept: std::collections::BTreeMap<String, serde_json::Value> = pairs
            .iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("evaluate"))
            .map(|(k, v)| (k.to_ascii_lowercase(), serde_json::json!(v)))
            .collect();
        c.update_config(|cfg| {
            cfg.layout = kept;
            Ok(())
        })
    }

    /// The layout the background refinement of `collection` runs: the options of
    /// its last explicit re-layout, else the defaults, at the database's position
    /// dimension.
    pub(crate) fn refine_layout(&self, collection: &str) -> Result<GraphLayout, StoreError> {
        let pairs: Vec<(String, hyperql::Value)> = self
            .collection(collection)
            .map(|c| {
                c.config
                    .read()
                    .layout
                    .iter()
                    .map(|(k, v)| (k.clone(), hyperql::Value::from_json(v)))
                    .collect()
            })
            .unwrap_or_default();
        let mut layout = relayout_options(&pairs)?.layout;
        layout.dim = self.options().position_dim;
        Ok(layout)
    }

    /// Edge changes that no layout has read yet, over every collection (0: every
    /// graph position comes from a layout of all edges, or the refinement is off and
    /// nothing changed since the last one).
    pub fn pending_positions(&self) -> u64 {
        self.inner
            .collections
            .read()
            .values()
            .map(|c| c.graph.pending())
            .sum()
    }

    /// Runs the pending background refinements now, on this thread, until no
    /// collection has edge changes that no layout has read: afterwards every
    /// entity's graph component comes from a layout of all of its collection's
    /// edges (unless writes go on meanwhile). Returns how many layouts ran.
    ///
    /// Errors: storage errors, a remembered layout that is no longer valid.
    pub fn wait_for_positions(&self) -> Result<usize, StoreError> {
        let mut ran = 0;
        loop {
            let pending = super::refiner::pending_collections(self);
            if pending.is_empty() {
                return Ok(ran);
            }
            for c in pending {
                let started = std::time::Instant::now();
                let _running = c.graph.running.lock();
                if c.graph.pending() == 0 {
                    continue;
                }
                let mark = c.graph.begin();
                let done = (|| {
                    let layout = self.refine_layout(&c.name)?;
                    let g = self.relayout_graph(Some(&c.name))?;
                    let points = compute(&g, &layout)?;
                    self.publish_layout(&g, points)
                })();
                c.graph.finish(mark);
                c.graph.ran(started.elapsed());
                done?;
                ran += 1;
            }
        }
    }

    /// The entities in scope (sorted, so a layout depends only on the data and the
    /// options) and the active edges between them.
    pub(crate) fn relayout_graph(&self, collection: Option<&str>) -> Result<Graph, StoreError> {
        let mut ids: Vec<Uuid> = self
            .inner
            .locs
            .iter()
            .filter(|e| collection.is_none_or(|c| &*e.value().collection == c))
            .map(|e| *e.key())
            .collect();
        ids.sort_unstable();
        let index: HashMap<Uuid, u32> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (*id, i as u32))
            .collect();
        let cols: Vec<_> = match collection {
            Some(c) => self.collection(c).into_iter().collect(),
            None => self.inner.collections.read().values().cloned().collect(),
        };
        let mut edges = Vec::new();
        for c in &cols {
            for s in &c.shards {
                s.graph.reader()?.for_each_stored_edge(|e| {
                    if let (true, Some(&a), Some(&b)) =
                        (e.props.active, index.get(&e.src), index.get(&e.dst))
                    {
                        edges.push((a, b));
                    }
                })?;
            }
        }
        edges.sort_unstable();
        edges.dedup();
        Ok(Graph { ids, edges })
    }

    /// MAP and mean rank of the stored positions of `g`'s entities against the
    /// ancestors their edges give.
    fn evaluate_layout(&self, g: &Graph) -> Result<(Option<f64>, Option<f64>), StoreError> {
        let h = Hierarchy::new(g.ids.len(), &g.edges)?;
        let ancestors = h.ancestor_closure(MAX_EVAL_PAIRS)?;
        let mut positions = Vec::with_capacity(g.ids.len());
        for id in &g.ids {
            match self.placement(*id)? {
                Some(p) => positions.push(p.combined),
                // Deleted since: evaluated at the origin, which never helps.
                None => positions
                    .push(crate::Hyperboloid::default().origin(self.options().position_dim + 1)),
            }
        }
        let r = reconstruction(&positions, &ancestors)?;
        Ok((Some(r.map), Some(r.mean_rank)))
    }
}

impl WriteBatch {
    /// Applies the graph components of a re-layout (`relaid`) to `placements`, for
    /// the entities that still exist.
    pub(super) fn apply_relaid(
        &mut self,
        placements: &mut FastMap<Uuid, super::placement::Placement>,
    ) -> Result<(), StoreError> {
        if self.relaid.is_empty() {
            return Ok(());
        }
        let dim = self.db.options().position_dim;
        let relaid = std::mem::take(&mut self.relaid);
        let settings = self.settings_of(relaid.keys().copied());
        for (id, graph) in relaid {
            if self.db.loc(id).is_none() || self.deletes(&id) {
                continue;
            }
            let p = match placements.entry(id) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(self.db.placement(id)?.unwrap_or_default())
                }
            };
            p.graph = graph;
            if let Some(s) = settings.get(&id) {
                super::place_components::combine(p, s, dim);
            }
        }
        Ok(())
    }
}

/// Most refinement epochs one re-layout may ask for: each is a pass over every
/// related pair, so the bound keeps one request's work within a few minutes on a
/// million edges.
pub(crate) const MAX_REFINE_EPOCHS: usize = 2_000;

/// Most negatives per related pair (the sampler's own limit).
const MAX_NEGATIVES: usize = crate::positioning::sgd::MAX_NEGATIVES;

/// Reads re-layout options from `key = value` pairs (HyperQL's `RELAYOUT .. WITH
/// (..)`, the HTTP endpoint's JSON object, the command line), starting from the
/// defaults: `construction` (`'cones'` or `'sarkar'`), `scale` and `min_step`
/// (cones), `edge_length`, `max_edge_length` and `separation` (sarkar), `max_radius`,
/// `refine_epochs` (0: no refinement), `learning_rate`, `negatives`, `time_limit_ms`
/// (the refinement stops after the epoch that ends past it), `seed`,
/// `evaluate`.
///
/// Errors: an unknown key, a value of the wrong type.
pub fn relayout_options(pairs: &[(String, hyperql::Value)]) -> Result<RelayoutOptions, StoreError> {
    use hyperql::Value;
    let mut o = RelayoutOptions {
        pairs: pairs.to_vec(),
        ..RelayoutOptions::default()
    };
    let bad =
        |k: &str, want: &str| StoreError::Invalid(format!("relayout option `{k}` must be {want}"));
    let num = |k: &str, v: &Value| -> Result<f64, StoreError> {
        match v {
            Value::Int(i) => Ok(*i as f64),
            Value::Float(f) if f.is_finite() => Ok(*f),
            _ => Err(bad(k, "a finite number")),
        }
    };
    let count = |k: &str, v: &Value| -> Result<usize, StoreError> {
        match v {
            Value::Int(i) if *i >= 0 => usize::try_from(*i).map_err(|_| bad(k, "smaller")),
            _ => Err(bad(k, "a non-negative integer")),
        }
    };
    // The construction and the refinement first, so that their parameters apply to
    // the ones chosen whatever the order of the pairs.
    for (k, v) in pairs {
        if k.eq_ignore_ascii_case("refine_epochs") {
            let n = count(k, v)?;
            if n > MAX_REFINE_EPOCHS {
                return Err(bad(k, &format!("at most {MAX_REFINE_EPOCHS}")));
            }
            o.layout.refine = (n > 0)
                .then(Refinement::default)
                .map(|r| Refinement { epochs: n, ..r });
            if n > 0 {
                // The refinement's own limit, unless `max_radius` is given.
                o.layout.max_radius = o.layout.max_radius.min(MAX_REFINE_RADIUS);
            }
        }
        if k.eq_ignore_ascii_case("construction") {
            o.layout.construction = match v {
                Value::String(s) if s.eq_ignore_ascii_case("cones") => Construction::default(),
                Value::String(s) if s.eq_ignore_ascii_case("sarkar") => Construction::Sarkar {
                    edge_length: 1.0,
                    max_edge_length: 4.0,
                    separation: None,
                },
                _ => return Err(bad(k, "'cones' or 'sarkar'")),
            };
        }
    }
    for (k, v) in pairs {
        let key = k.to_ascii_lowercase();
        match (key.as_str(), &mut o.layout.construction) {
            ("construction" | "refine_epochs", _) => {}
            ("scale", Construction::Cones { scale, .. }) => *scale = num(k, v)?,
            ("min_step", Construction::Cones { min_step, .. }) => *min_step = num(k, v)?,
            ("edge_length", Construction::Sarkar { edge_length, .. }) => {
                *edge_length = num(k, v)?;
            }
            (
                "max_edge_length",
                Construction::Sarkar {
                    max_edge_length, ..
                },
            ) => *max_edge_length = num(k, v)?,
            ("separation", Construction::Sarkar { separation, .. }) => {
                *separation = Some(num(k, v)?);
            }
            ("max_radius", _) => o.layout.max_radius = num(k, v)?,
            ("learning_rate" | "negatives" | "time_limit_ms", _) if o.layout.refine.is_none() => {
                return Err(bad(k, "used with refine_epochs > 0"));
            }
            ("learning_rate", _) => {
                if let Some(r) = &mut o.layout.refine {
                    r.learning_rate = num(k, v)?;
                    if r.learning_rate <= 0.0 {
                        return Err(bad(k, "a positive number"));
                    }
                }
            }
            ("time_limit_ms", _) => {
                if let Some(r) = &mut o.layout.refine {
                    r.time_limit = Some(std::time::Duration::from_millis(count(k, v)? as u64));
                }
            }
            ("negatives", _) => {
                if let Some(r) = &mut o.layout.refine {
                    r.negatives = count(k, v)?;
                    if r.negatives > MAX_NEGATIVES {
                        return Err(bad(k, &format!("at most {MAX_NEGATIVES}")));
                    }
                }
            }
            ("seed", _) => o.layout.seed = count(k, v)? as u64,
            ("evaluate", _) => {
                o.evaluate = match v {
                    Value::Bool(b) => *b,
                    _ => return Err(bad(k, "true or false")),
                };
            }
            ("scale" | "min_step", _) => return Err(bad(k, "used with construction = 'cones'")),
            ("edge_length" | "max_edge_length" | "separation", _) => {
                return Err(bad(k, "used with construction = 'sarkar'"));
            }
            _ => {
                return Err(StoreError::Invalid(format!(
                    "unknown relayout option `{k}`; expected construction, scale, min_step, edge_length, max_edge_length, separation, max_radius, refine_epochs, learning_rate, negatives, time_limit_ms, seed or evaluate"
                )));
            }
        }
    }
    Ok(o)
}
