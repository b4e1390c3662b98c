//! The optimizer: rewrite rules over the logical plan, applied in this order:
//!
//! 1. constant folding (SQL three-valued logic, checked arithmetic; never `x * 0 -> 0`
//!    nor `x = x -> TRUE`, which are wrong for NULL `x`);
//! 2. `NEAR .. WITHIN` over a scan becomes a `GeoNear` when the source answers it;
//! 3. predicate pushdown: through projections, sorts, distinct, traversals and joins
//!    (cross joins gain the condition and become hash joins), then into scans as
//!    [`Predicate`]s when the source filters;
//! 4. `ORDER BY SIMILARITY(..) DESC LIMIT k` / `ORDER BY DISTANCE(..) LIMIT k` over a
//!    scan with a vector index becomes `Knn`, pre-filtering when the source can and
//!    post-filtering (widening the search until k rows survive) when it cannot;
//! 5. limit pushdown: into sorts (top-k) and into unfiltered scans;
//! 6. projection pushdown: scans return only the fields the query reads.

use crate::ast::{BinaryOp, JoinKind, UnaryOp};
use crate::engine::Params;
use crate::exec::{EvalCtx, eval};
use crate::functions::Builtin;
use crate::plan::{BExpr, KnnPolicy, Plan};
use crate::source::{
    Capabilities, CmpOp, DataSource, Predicate, ScanRequest, ScanResponse, Schema, SourceError,
};
use crate::value::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Replaces every `$param` by its value and `NOW()` by the statement's clock `now`.
pub(crate) fn bind_params(plan: &mut Plan, params: &Params, now: i64) {
    for_each_expr_mut(plan, &mut |e| subst(e, params, now));
}

fn subst(e: &mut BExpr, params: &Params, now: i64) {
    match e {
        BExpr::Param(p) => {
            if let Some(v) = params.get(p.as_str()) {
                *e = BExpr::Lit(v.clone());
            }
        }
        BExpr::Builtin(Builtin::Now, _) => *e = BExpr::Lit(Value::Timestamp(now)),
        BExpr::Subquery(p) => bind_params(p, params, now),
        _ => {
            for c in e.children_mut() {
                subst(c, params, now);
            }
        }
    }
}

/// Calls `f` on every top-level expression of every node.
pub(crate) fn for_each_expr_mut(plan: &mut Plan, f: &mut dyn FnMut(&mut BExpr)) {
    match plan {
        Plan::Knn {
            query, post_filter, ..
        } => {
            f(query);
            if let Some(p) = post_filter {
                f(p);
            }
        }
        Plan::GeoNear { anchor, radius, .. } => {
            f(anchor);
            f(radius);
        }
        Plan::Filter { predicate, .. } => f(predicate),
        Plan::Project { exprs, .. } => exprs.iter_mut().for_each(&mut *f),
        Plan::Aggregate { group, aggs, .. } => {
            group.iter_mut().for_each(&mut *f);
            aggs.iter_mut()
                .filter_map(|a| a.arg.as_mut())
                .for_each(&mut *f);
        }
        Plan::Window { funcs, .. } => funcs.iter_mut().for_each(|(e, _)| f(e)),
        Plan::Sort { keys, .. } => keys.iter_mut().for_each(|k| f(&mut k.expr)),
        Plan::Limit { limit, offset, .. } => {
            limit.iter_mut().chain(offset.iter_mut()).for_each(&mut *f)
        }
        Plan::Join { on: Some(on), .. } => f(on),
        Plan::Traverse { steps, .. } => steps
            .iter_mut()
            .flat_map(|s| s.props.iter_mut())
            .for_each(|(_, e)| f(e)),
        Plan::Insert { docs, .. } => docs.iter_mut().for_each(&mut *f),
        Plan::Update { assignments, .. } => assignments.iter_mut().for_each(|(_, e)| f(e)),
        Plan::Relate {
            from, to, props, ..
        } => {
            f(from);
            f(to);
            props.iter_mut().for_each(|(_, e)| f(e));
        }
        _ => {}
    }
    for c in plan.children_mut() {
        for_each_expr_mut(c, f);
    }
}

/// Applies every rule.
pub(crate) fn optimize(mut plan: Plan, caps: &Capabilities) -> Plan {
    for_each_expr_mut(&mut plan, &mut |e| optimize_subqueries(e, caps));
    for_each_expr_mut(&mut plan, &mut fold);
    plan = drop_trivial_filters(plan);
    plan = geo_near(plan, caps);
    plan = push_filters(plan, caps);
    plan = knn(plan, caps);
    plan = push_limits(plan);
    mark_time_series(&mut plan, caps);
    if caps.projection_pushdown {
        let mut uses = BTreeMap::new();
        collect_uses(&plan, &mut uses);
        apply_projection(&mut plan, &uses);
    }
    plan
}

fn optimize_subqueries(e: &mut BExpr, caps: &Capabilities) {
    if let BExpr::Subquery(p) = e {
        let inner = std::mem::replace(&mut **p, Plan::Unit);
        **p = optimize(inner, caps);
        return;
    }
    for c in e.children_mut() {
        optimize_subqueries(c, caps);
    }
}

// ---- 1. constant folding ----

/// A source that has nothing: folding only evaluates constants.
struct NoSource;

impl DataSource for NoSource {
    fn capabilities(&self) -> Capabilities {
        Capabilities::default()
    }
    fn schema(&self, _: &str) -> Option<Schema> {
        None
    }
    fn scan(&self, _: &ScanRequest) -> Result<ScanResponse<'_>, SourceError> {
        Err(SourceError::Unsupported("scan"))
    }
    fn get(&self, _: Option<&str>, _: &[Value]) -> Result<Vec<crate::source::Record>, SourceError> {
        Err(SourceError::Unsupported("get"))
    }
}

/// Whether `e` always yields a Bool or NULL.
fn is_boolish(e: &BExpr) -> bool {
    matches!(
        e,
        BExpr::Binary(
            BinaryOp::And
                | BinaryOp::Or
                | BinaryOp::Eq
                | BinaryOp::NotEq
                | BinaryOp::Lt
                | BinaryOp::LtEq
                | BinaryOp::Gt
                | BinaryOp::GtEq,
            ..
        ) | BExpr::Unary(UnaryOp::Not, _)
            | BExpr::IsNull(..)
            | BExpr::Between(..)
            | BExpr::InList(..)
            | BExpr::Like(..)
            | BExpr::SimilarTo(..)
            | BExpr::Near(..)
            | BExpr::Lit(Value::Bool(_) | Value::Null)
    )
}

/// Folds constant sub-expressions bottom-up. Leaves an expression alone when
/// evaluating it fails (overflow, division by zero): the error is raised at run time
/// only if a row reaches it.
pub(crate) fn fold(e: &mut BExpr) {
    for c in e.children_mut() {
        fold(c);
    }
    let mut deterministic = true;
    e.walk(&mut |x| {
        if matches!(
            x,
            BExpr::External(..)
                | BExpr::Builtin(Builtin::Now, _)
                | BExpr::Near(..)
                | BExpr::DistanceFrom(..)
        ) {
            deterministic = false;
        }
    });
    if deterministic && !matches!(e, BExpr::Lit(_)) && e.is_constant() {
        let ctx = EvalCtx {
            now: 0,
            source: &NoSource,
            geometry: None,
        };
        if let Ok(v) = eval(e, &[], &ctx) {
            *e = BExpr::Lit(v);
            return;
        }
    }
    // Three-valued identities that hold for every x (NULL included).
    let replacement = match e {
        BExpr::Binary(BinaryOp::And, a, b) => match (&**a, &**b) {
            (BExpr::Lit(Value::Bool(false)), _) | (_, BExpr::Lit(Value::Bool(false))) => {
                Some(BExpr::Lit(Value::Bool(false)))
            }
            (BExpr::Lit(Value::Bool(true)), x) | (x, BExpr::Lit(Value::Bool(true)))
                if is_boolish(x) =>
            {
                Some(x.clone())
            }
            _ => None,
        },
        BExpr::Binary(BinaryOp::Or, a, b) => match (&**a, &**b) {
            (BExpr::Lit(Value::Bool(true)), _) | (_, BExpr::Lit(Value::Bool(true))) => {
                Some(BExpr::Lit(Value::Bool(true)))
            }
            (BExpr::Lit(Value::Bool(false)), x) | (x, BExpr::Lit(Value::Bool(false)))
                if is_boolish(x) =>
            {
                Some(x.clone())
            }
            _ => None,
        },
        BExpr::Unary(UnaryOp::Not, x) => match &**x {
            BExpr::Unary(UnaryOp::Not, y) if is_boolish(y) => Some((**y).clone()),
            _ => None,
        },
        _ => None,
    };
    if let Some(r) = replacement {
        *e = r;
    }
}

/// `Filter TRUE` disappears; `Filter FALSE` and `Filter NULL` become `Empty`.
fn drop_trivial_filters(plan: Plan) -> Plan {
    let plan = map_children(plan, &drop_trivial_filters);
    match plan {
        Plan::Filter {
            input,
            predicate: BExpr::Lit(Value::Bool(true)),
        } => *input,
        Plan::Filter {
            input,
            predicate: BExpr::Lit(Value::Bool(false) | Value::Null),
        } => Plan::Empty {
            columns: input.columns(),
        },
        p => p,
    }
}

fn map_children(mut plan: Plan, f: &dyn Fn(Plan) -> Plan) -> Plan {
    for c in plan.children_mut() {
        let taken = std::mem::replace(c, Plan::Unit);
        *c = f(taken);
    }
    plan
}

// ---- helpers on conjunctions ----

fn conjuncts(e: BExpr, out: &mut Vec<BExpr>) {
    match e {
        BExpr::Binary(BinaryOp::And, a, b) => {
            conjuncts(*a, out);
            conjuncts(*b, out);
        }
        e => out.push(e),
    }
}

fn and_all(parts: Vec<BExpr>) -> Option<BExpr> {
    parts
        .into_iter()
        .reduce(|a, b| BExpr::Binary(BinaryOp::And, Box::new(a), Box::new(b)))
}

fn with_filter(input: Plan, parts: Vec<BExpr>) -> Plan {
    match and_all(parts) {
        Some(predicate) => Plan::Filter {
            input: Box::new(input),
            predicate,
        },
        None => input,
    }
}

// ---- 2. geometric near ----

fn geo_near(plan: Plan, caps: &Capabilities) -> Plan {
    let plan = map_children(plan, &|p| geo_near(p, caps));
    if !caps.geo_near {
        return plan;
    }
    let Plan::Filter { input, predicate } = plan else {
        return plan;
    };
    let Plan::Scan {
        binding,
        collection,
        entity,
        filters,
        schema,
        ..
    } = &*input
    else {
        return Plan::Filter { input, predicate };
    };
    if !filters.is_empty() {
        return Plan::Filter { input, predicate };
    }
    let mut parts = Vec::new();
    conjuncts(predicate, &mut parts);
    let pos = parts.iter().position(|c| matches!(c, BExpr::Near(x, a, r) if matches!(&**x, BExpr::Field(0, p) if p.len() == 1) && a.is_constant() && r.is_constant()));
    let Some(i) = pos else {
        return with_filter(*input, parts);
    };
    let BExpr::Near(x, anchor, radius) = parts.remove(i) else {
        return with_filter(*input, parts);
    };
    let BExpr::Field(_, path) = *x else {
        return with_filter(*input, parts);
    };
    let near = Plan::GeoNear {
        binding: binding.clone(),
        collection: collection.clone(),
        entity: entity.clone(),
        field: path[0].clone(),
        anchor: *anchor,
        radius: *radius,
        schema: schema.clone(),
    };
    with_filter(near, parts)
}

// ---- 3. predicate pushdown ----

/// Rewrites references to a projection's outputs into its input's terms; `None` when
/// a reference cannot be expressed there.
fn through_project(e: &BExpr, exprs: &[BExpr]) -> Option<BExpr> {
    Some(match e {
        BExpr::Col(i) => exprs.get(*i)?.clone(),
        BExpr::Field(i, p) => match exprs.get(*i)? {
            BExpr::Col(j) => BExpr::Field(*j, p.clone()),
            BExpr::Field(j, q) => BExpr::Field(*j, q.iter().chain(p).cloned().collect()),
            _ => return None,
        },
        _ => {
            let mut out = e.clone();
            let kids: Vec<BExpr> = e
                .children()
                .into_iter()
                .map(|c| through_project(c, exprs))
                .collect::<Option<_>>()?;
            for (slot, k) in out.children_mut().into_iter().zip(kids) {
                *slot = k;
            }
            out
        }
    })
}

/// A conjunct a source can apply: `field op constant`, `field IN (constants)`,
/// `field IS [NOT] NULL`, `field BETWEEN a AND b`.
fn to_predicates(e: &BExpr) -> Option<Vec<Predicate>> {
    let cmp = |op: BinaryOp| match op {
        BinaryOp::Eq => Some(CmpOp::Eq),
        BinaryOp::NotEq => Some(CmpOp::NotEq),
        BinaryOp::Lt => Some(CmpOp::Lt),
        BinaryOp::LtEq => Some(CmpOp::LtEq),
        BinaryOp::Gt => Some(CmpOp::Gt),
        BinaryOp::GtEq => Some(CmpOp::GtEq),
        _ => None,
    };
    let field = |x: &BExpr| match x {
        BExpr::Field(0, p) if !p.is_empty() => Some(p.clone()),
        _ => None,
    };
    let lit = |x: &BExpr| match x {
        BExpr::Lit(v) if !v.is_null() => Some(v.clone()),
        _ => None,
    };
    Some(match e {
        BExpr::Binary(op, a, b) => {
            let op = cmp(*op)?;
            match (field(a), lit(b), field(b), lit(a)) {
                (Some(path), Some(value), _, _) => vec![Predicate::Compare { path, op, value }],
                (_, _, Some(path), Some(value)) => vec![Predicate::Compare {
                    path,
                    op: op.flip(),
                    value,
                }],
                _ => return None,
            }
        }
        BExpr::InList(x, list, false) => vec![Predicate::In {
            path: field(x)?,
            values: list.iter().map(lit).collect::<Option<_>>()?,
        }],
        BExpr::IsNull(x, negated) => vec![Predicate::IsNull {
            path: field(x)?,
            negated: *negated,
        }],
        BExpr::Between(x, lo, hi, false) => {
            let path = field(x)?;
            vec![
                Predicate::Compare {
                    path: path.clone(),
                    op: CmpOp::GtEq,
                    value: lit(lo)?,
                },
                Predicate::Compare {
                    path,
                    op: CmpOp::LtEq,
                    value: lit(hi)?,
                },
            ]
        }
        _ => return None,
    })
}

fn push_filters(plan: Plan, caps: &Capabilities) -> Plan {
    let plan = map_children(plan, &|p| push_filters(p, caps));
    let Plan::Filter { input, predicate } = plan else {
        return plan;
    };
    let mut parts = Vec::new();
    conjuncts(predicate, &mut parts);
    push_into(*input, parts, caps)
}

/// Places the conjuncts `parts` as low as they can go above/inside `input`.
fn push_into(input: Plan, parts: Vec<BExpr>, caps: &Capabilities) -> Plan {
    if parts.is_empty() {
        return input;
    }
    match input {
        Plan::Filter { input, predicate } => {
            let mut all = parts;
            conjuncts(predicate, &mut all);
            push_into(*input, all, caps)
        }
        Plan::Scan {
            binding,
            collection,
            entity,
            mut filters,
            projection,
            limit,
            schema,
            time_field,
        } if caps.filter_pushdown => {
            let mut rest = Vec::new();
            for p in parts {
                match to_predicates(&p) {
                    Some(ps) => filters.extend(ps),
                    None => rest.push(p),
                }
            }
            with_filter(
                Plan::Scan {
                    binding,
                    collection,
                    entity,
                    filters,
                    projection,
                    limit,
                    schema,
                    time_field,
                },
                rest,
            )
        }
        Plan::Project {
            input,
            exprs,
            columns,
        } => {
            let mut down = Vec::new();
            let mut up = Vec::new();
            for p in parts {
                match through_project(&p, &exprs) {
                    Some(q) => down.push(q),
                    None => up.push(p),
                }
            }
            let inner = push_into(*input, down, caps);
            with_filter(
                Plan::Project {
                    input: Box::new(inner),
                    exprs,
                    columns,
                },
                up,
            )
        }
        Plan::Sort {
            input,
            keys,
            limit: None,
        } => Plan::Sort {
            input: Box::new(push_into(*input, parts, caps)),
            keys,
            limit: None,
        },
        Plan::Distinct { input } => Plan::Distinct {
            input: Box::new(push_into(*input, parts, caps)),
        },
        Plan::Traverse {
            input,
            steps,
            added,
        } => {
            let w = input.width();
            let (down, up): (Vec<BExpr>, Vec<BExpr>) = parts
                .into_iter()
                .partition(|p| p.columns_used().iter().all(|&i| i < w));
            let inner = push_into(*input, down, caps);
            with_filter(
                Plan::Traverse {
                    input: Box::new(inner),
                    steps,
                    added,
                },
                up,
            )
        }
        Plan::Join {
            left,
            right,
            kind,
            on,
        } => {
            let lw = left.width();
            let inner_like = matches!(kind, JoinKind::Inner | JoinKind::Cross | JoinKind::Comma);
            let (mut l, mut r, mut both, mut up) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for p in parts {
                let used = p.columns_used();
                if !used.is_empty()
                    && used.iter().all(|&i| i < lw)
                    && matches!(
                        kind,
                        JoinKind::Inner | JoinKind::Cross | JoinKind::Comma | JoinKind::Left
                    )
                {
                    l.push(p);
                } else if !used.is_empty()
                    && used.iter().all(|&i| i >= lw)
                    && matches!(
                        kind,
                        JoinKind::Inner | JoinKind::Cross | JoinKind::Comma | JoinKind::Right
                    )
                {
                    let mut q = p;
                    q.remap(&|i| i - lw);
                    r.push(q);
                } else if inner_like {
                    both.push(p);
                } else {
                    up.push(p);
                }
            }
            let left = push_into(*left, l, caps);
            let right = push_into(*right, r, caps);
            let (kind, on) = if both.is_empty() {
                (kind, on)
            } else {
                let mut all = Vec::new();
                if let Some(o) = on {
                    conjuncts(o, &mut all);
                }
                all.extend(both);
                (JoinKind::Inner, and_all(all))
            };
            with_filter(
                Plan::Join {
                    left: Box::new(left),
                    right: Box::new(right),
                    kind,
                    on,
                },
                up,
            )
        }
        other => with_filter(other, parts),
    }
}

// ---- 4. k-NN ----

fn knn(plan: Plan, caps: &Capabilities) -> Plan {
    let plan = map_children(plan, &|p| knn(p, caps));
    let Plan::Limit {
        input,
        limit: Some(BExpr::Lit(Value::Int(k))),
        offset,
    } = plan
    else {
        return plan;
    };
    let off = match &offset {
        None => 0,
        Some(BExpr::Lit(Value::Int(o))) if *o >= 0 => *o,
        _ => {
            return Plan::Limit {
                input,
                limit: Some(BExpr::Lit(Value::Int(k))),
                offset,
            };
        }
    };
    let rebuilt = |input: Box<Plan>| Plan::Limit {
        input,
        limit: Some(BExpr::Lit(Value::Int(k))),
        offset: offset.clone(),
    };
    let Plan::Sort {
        input: sort_in,
        keys,
        limit,
    } = *input
    else {
        return rebuilt(input);
    };
    let sort = |sort_in: Box<Plan>| {
        Box::new(Plan::Sort {
            input: sort_in,
            keys: keys.clone(),
            limit,
        })
    };
    let (Some(key), 1) = (keys.first(), keys.len()) else {
        return rebuilt(sort(sort_in));
    };
    let Plan::Project {
        input: proj_in,
        exprs,
        columns,
    } = *sort_in
    else {
        return rebuilt(sort(sort_in));
    };
    let project = |proj_in: Box<Plan>| {
        Box::new(Plan::Project {
            input: proj_in,
            exprs: exprs.clone(),
            columns: columns.clone(),
        })
    };
    let key_expr = match &key.expr {
        BExpr::Col(i) => exprs.get(*i).cloned(),
        _ => None,
    };
    // SIMILARITY(field, q, metric) DESC or DISTANCE(field, q, metric) ASC.
    let spec = match key_expr {
        Some(BExpr::Builtin(f @ (Builtin::Similarity | Builtin::Distance), args))
            if (f == Builtin::Similarity) == key.desc =>
        {
            let metric = match args.get(2) {
                Some(BExpr::Lit(Value::String(m))) => m.to_ascii_lowercase(),
                None => "cosine".to_string(),
                _ => return rebuilt(sort(project(proj_in))),
            };
            match (args.first(), args.get(1)) {
                (Some(BExpr::Field(0, p)), Some(q @ BExpr::Lit(_)))
                | (Some(q @ BExpr::Lit(_)), Some(BExpr::Field(0, p)))
                    if p.len() == 1 =>
                {
                    Some((p[0].clone(), q.clone(), metric))
                }
                _ => None,
            }
        }
        _ => None,
    };
    let Some((field, query, metric)) = spec else {
        return rebuilt(sort(project(proj_in)));
    };
    let (post, scan) = match *proj_in {
        Plan::Filter { input, predicate } => (Some(predicate), *input),
        other => (None, other),
    };
    let indexed = match &scan {
        Plan::Scan { collection, .. } => caps
            .vector_indexes
            .iter()
            .any(|v| v.collection == *collection && v.field == field && v.metric == metric),
        _ => false,
    };
    if !indexed {
        let inner = match post {
            Some(predicate) => Plan::Filter {
                input: Box::new(scan),
                predicate,
            },
            None => scan,
        };
        return rebuilt(sort(project(Box::new(inner))));
    }
    let Plan::Scan {
        binding,
        collection,
        entity,
        filters,
        schema,
        ..
    } = scan
    else {
        let inner = match post {
            Some(predicate) => Plan::Filter {
                input: Box::new(scan),
                predicate,
            },
            None => scan,
        };
        return rebuilt(sort(project(Box::new(inner))));
    };
    let policy = if caps.knn_prefilter || (filters.is_empty() && post.is_none()) {
        KnnPolicy::PreFilter
    } else {
        KnnPolicy::PostFilter
    };
    let node = Plan::Knn {
        binding,
        collection,
        entity,
        field,
        query,
        metric,
        k: (k + off) as usize,
        filters,
        post_filter: post,
        policy,
        schema,
    };
    rebuilt(sort(project(Box::new(node))))
}

/// A scan of a time-series collection with conditions on its time field reads a
/// time range.
fn mark_time_series(plan: &mut Plan, caps: &Capabilities) {
    if let Plan::Scan {
        collection,
        filters,
        time_field,
        ..
    } = plan
        && let Some(ts) = caps.time_series.iter().find(|t| t.collection == *collection)
        && filters.iter().any(|f| {
            matches!(f, Predicate::Compare { path, op, value: Value::Timestamp(_) }
                if path.len() == 1 && path[0] == ts.time_field && *op != CmpOp::NotEq && *op != CmpOp::Eq)
        })
    {
        *time_field = Some(ts.time_field.clone());
    }
    for c in plan.children_mut() {
        mark_time_series(c, caps);
    }
}

// ---- 5. limits ----

fn push_limits(plan: Plan) -> Plan {
    let plan = map_children(plan, &push_limits);
    let Plan::Limit {
        mut input,
        limit: Some(BExpr::Lit(Value::Int(n))),
        offset,
    } = plan
    else {
        return plan;
    };
    let off = match &offset {
        None => Some(0),
        Some(BExpr::Lit(Value::Int(o))) => Some(*o),
        _ => None,
    };
    if let (Some(o), true) = (off, n >= 0) {
        let want = (n + o.max(0)) as usize;
        set_limit(&mut input, want);
    }
    Plan::Limit {
        input,
        limit: Some(BExpr::Lit(Value::Int(n))),
        offset,
    }
}

/// Pushes "at most `n` rows are needed" down through row-preserving nodes.
fn set_limit(plan: &mut Plan, n: usize) {
    match plan {
        Plan::Sort { limit, .. } => *limit = Some(limit.map_or(n, |l| l.min(n))),
        Plan::Project { input, .. } | Plan::Window { input, .. } => set_limit(input, n),
        Plan::Scan { limit, .. } => *limit = Some(limit.map_or(n, |l| l.min(n))),
        _ => {}
    }
}

// ---- 6. projection ----

/// Per binding: `None` when the whole document is needed, else its top-level fields.
type Uses = BTreeMap<String, Option<BTreeSet<String>>>;

fn note(uses: &mut Uses, cols: &[crate::plan::Column], e: &BExpr) {
    e.walk(&mut |x| {
        let (i, field) = match x {
            BExpr::Col(i) => (*i, None),
            BExpr::Field(i, p) => (*i, p.first().cloned()),
            _ => return,
        };
        let Some(b) = cols.get(i).and_then(|c| c.binding.clone()) else {
            return;
        };
        let entry = uses.entry(b).or_insert_with(|| Some(BTreeSet::new()));
        match (entry.as_mut(), field) {
            (Some(set), Some(f)) => {
                set.insert(f);
            }
            _ => *entry = None,
        }
    });
}

fn collect_uses(plan: &Plan, uses: &mut Uses) {
    let input_cols = |p: &Plan| {
        p.children()
            .first()
            .map(|c| c.columns())
            .unwrap_or_default()
    };
    let whole = |uses: &mut Uses, p: &Plan| {
        for c in p.columns() {
            if let Some(b) = c.binding {
                uses.insert(b, None);
            }
        }
    };
    match plan {
        Plan::Filter { predicate, input } => note(uses, &input.columns(), predicate),
        Plan::Project { exprs, .. } => exprs.iter().for_each(|e| note(uses, &input_cols(plan), e)),
        Plan::Aggregate { group, aggs, .. } => {
            let cols = input_cols(plan);
            group
                .iter()
                .chain(aggs.iter().filter_map(|a| a.arg.as_ref()))
                .for_each(|e| note(uses, &cols, e));
        }
        Plan::Window { funcs, .. } => funcs
            .iter()
            .for_each(|(e, _)| note(uses, &input_cols(plan), e)),
        Plan::Sort { keys, .. } => keys
            .iter()
            .for_each(|k| note(uses, &input_cols(plan), &k.expr)),
        Plan::Join { on: Some(on), .. } => note(uses, &plan.columns(), on),
        Plan::Knn {
            post_filter: Some(p),
            ..
        } => note(uses, &plan.columns(), p),
        // A source that does not apply its pushed filters returns records the executor
        // filters itself: the filtered fields must come back too.
        Plan::Scan {
            binding, filters, ..
        } => {
            for f in filters {
                if let (Some(Some(set)), Some(head)) =
                    (uses.get_mut(binding.as_str()), f.path().first())
                {
                    set.insert(head.clone());
                }
            }
        }
        Plan::Traverse { input, .. }
        | Plan::Update { input, .. }
        | Plan::Delete { input, .. }
        | Plan::Subscribe { input }
        | Plan::Distinct { input } => whole(uses, input),
        _ => {}
    }
    for c in plan.children() {
        collect_uses(c, uses);
    }
}

fn apply_projection(plan: &mut Plan, uses: &Uses) {
    if let Plan::Scan {
        binding,
        projection,
        ..
    } = plan
        && let Some(Some(fields)) = uses.get(binding.as_str())
    {
        let mut f: Vec<String> = fields.iter().cloned().collect();
        if !f.iter().any(|x| x == "id") {
            f.insert(0, "id".to_string());
        }
        *projection = Some(f);
    }
    for c in plan.children_mut() {
        apply_projection(c, uses);
    }
}
