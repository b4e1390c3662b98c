//! Rule 4, k-NN: `ORDER BY SIMILARITY(..) DESC LIMIT k` / `ORDER BY DISTANCE(..) LIMIT
//! k` over a scan with a vector index becomes a `Knn` node in place of the scan,
//! pre-filtering when the source can and post-filtering (widening the search until k
//! rows survive) when it cannot.
//!
//! Invariants this rule relies on:
//! - it runs after predicate pushdown, so the rows under the projection are a `Scan`
//!   (its filters pushed) or one `Filter` directly over it, which becomes the post
//!   filter;
//! - the shape is `Limit k [OFFSET o] / Sort (one key) / Project / [Filter] / Scan`
//!   with literal `k` and `o >= 0`, and the key is a projected
//!   `SIMILARITY(field, q[, metric])` descending or `DISTANCE(..)` ascending of a
//!   top-level field of the scan's document and a literal query; the metric is a
//!   literal (default cosine) equal to that of an index on the same collection and
//!   field;
//! - `Knn` yields the `k + o` nearest rows that pass the filters; the `Sort`, `Project`
//!   and `Limit` above stay, so order, offset and output are computed as before.

use super::walk::map_children;
use crate::functions::Builtin;
use crate::plan::{BExpr, KnnPolicy, Plan};
use crate::source::Capabilities;
use crate::value::Value;

/// What a matched `Limit / Sort / Project / [Filter] / Scan` chain asks the index for.
struct KnnSpec {
    field: String,
    query: BExpr,
    metric: String,
    /// Rows needed: the limit plus the offset.
    k: usize,
}

/// Applies the rule bottom-up.
pub(super) fn knn(plan: Plan, caps: &Capabilities) -> Plan {
    let mut plan = map_children(plan, &|p| knn(p, caps));
    let Some(spec) = knn_spec(&plan, caps) else {
        return plan;
    };
    if let Some(rows) = projected_rows(&mut plan) {
        let taken = std::mem::replace(rows, Plan::Unit);
        *rows = knn_node(taken, spec, caps);
    }
    plan
}

/// The spec when `plan` has the shape this rule rewrites and an index answers it.
fn knn_spec(plan: &Plan, caps: &Capabilities) -> Option<KnnSpec> {
    let Plan::Limit {
        input,
        limit: Some(BExpr::Lit(Value::Int(k))),
        offset,
    } = plan
    else {
        return None;
    };
    let off = match offset {
        None => 0,
        Some(BExpr::Lit(Value::Int(o))) if *o >= 0 => *o,
        _ => return None,
    };
    let Plan::Sort { input, keys, .. } = &**input else {
        return None;
    };
    let (Some(key), 1) = (keys.first(), keys.len()) else {
        return None;
    };
    let Plan::Project { input, exprs, .. } = &**input else {
        return None;
    };
    let BExpr::Col(i) = &key.expr else {
        return None;
    };
    // SIMILARITY(field, q, metric) DESC or DISTANCE(field, q, metric) ASC.
    let Some(BExpr::Builtin(f @ (Builtin::Similarity | Builtin::Distance), args)) = exprs.get(*i)
    else {
        return None;
    };
    if (*f == Builtin::Similarity) != key.desc {
        return None;
    }
    let metric = match args.get(2) {
        Some(BExpr::Lit(Value::String(m))) => m.to_ascii_lowercase(),
        None => "cosine".to_string(),
        _ => return None,
    };
    let (field, query) = match (args.first(), args.get(1)) {
        (Some(BExpr::Field(0, p)), Some(q @ BExpr::Lit(_)))
        | (Some(q @ BExpr::Lit(_)), Some(BExpr::Field(0, p)))
            if p.len() == 1 =>
        {
            (p[0].clone(), q.clone())
        }
        _ => return None,
    };
    let scan = match &**input {
        Plan::Filter { input, .. } => &**input,
        other => other,
    };
    let Plan::Scan { collection, .. } = scan else {
        return None;
    };
    let indexed = caps
        .vector_indexes
        .iter()
        .any(|v| v.collection == *collection && v.field == field && v.metric == metric);
    indexed.then(|| KnnSpec {
        field,
        query,
        metric,
        k: (k + off) as usize,
    })
}

/// The input of the projection under `Limit / Sort / Project`.
fn projected_rows(plan: &mut Plan) -> Option<&mut Plan> {
    let Plan::Limit { input, .. } = plan else {
        return None;
    };
    let Plan::Sort { input, .. } = &mut **input else {
        return None;
    };
    let Plan::Project { input, .. } = &mut **input else {
        return None;
    };
    Some(&mut **input)
}

/// `rows` (a scan, or a filter over one) answered by the index.
fn knn_node(rows: Plan, spec: KnnSpec, caps: &Capabilities) -> Plan {
    let (post, scan) = match rows {
        // A filter that runs subqueries per row stays a filter over the scan.
        Plan::Filter { input, predicate } if predicate.has_correlated() => {
            return Plan::Filter { input, predicate };
        }
        Plan::Filter { input, predicate } => (Some(predicate), *input),
        other => (None, other),
    };
    let Plan::Scan {
        binding,
        collection,
        entity,
        filters,
        schema,
        ..
    } = scan
    else {
        return match post {
            Some(predicate) => Plan::Filter {
                input: Box::new(scan),
                predicate,
            },
            None => scan,
        };
    };
    let policy = if caps.knn_prefilter || (filters.is_empty() && post.is_none()) {
        KnnPolicy::PreFilter
    } else {
        KnnPolicy::PostFilter
    };
    Plan::Knn {
        binding,
        collection,
        entity,
        field: spec.field,
        query: spec.query,
        metric: spec.metric,
        k: spec.k,
        filters,
        post_filter: post,
        policy,
        schema,
    }
}
