//! Walking the plan: visiting every expression of every node, rebuilding a node's
//! children, and the conjunction helpers the filter rules share.

use crate::ast::BinaryOp;
use crate::plan::{BExpr, Plan};

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
        Plan::Window { funcs, .. } => funcs
            .iter_mut()
            .flat_map(|w| w.exprs_mut())
            .for_each(&mut *f),
        Plan::DistinctOn { keys, .. } => keys.iter_mut().for_each(&mut *f),
        Plan::Sort { keys, .. } => keys.iter_mut().for_each(|k| f(&mut k.expr)),
        Plan::Limit { limit, offset, .. } => {
            limit.iter_mut().chain(offset.iter_mut()).for_each(&mut *f)
        }
        Plan::Join { on: Some(on), .. } => f(on),
        Plan::Traverse { steps, .. } => steps
            .iter_mut()
            .flat_map(|s| s.props.iter_mut())
            .for_each(|(_, e)| f(e)),
        Plan::Insert {
            docs, on_conflict, ..
        } => {
            docs.iter_mut().for_each(&mut *f);
            if let Some(crate::plan::Conflict::Update(sets)) = on_conflict {
                sets.iter_mut().for_each(|(_, e)| f(e));
            }
        }
        Plan::Update { assignments, .. } => assignments.iter_mut().for_each(|(_, e)| f(e)),
        Plan::Endpoints { pattern, .. } => f(pattern),
        Plan::SetEndpoints { assignments } => assignments.iter_mut().for_each(|a| {
            f(&mut a.key);
            f(&mut a.value);
        }),
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

/// `plan` with each child replaced by `f(child)`: a rule applied bottom-up calls
/// this first.
pub(super) fn map_children(mut plan: Plan, f: &dyn Fn(Plan) -> Plan) -> Plan {
    for c in plan.children_mut() {
        let taken = std::mem::replace(c, Plan::Unit);
        *c = f(taken);
    }
    plan
}

/// Appends the conjuncts of `e` (its `AND` operands, flattened) to `out`.
pub(super) fn conjuncts(e: BExpr, out: &mut Vec<BExpr>) {
    match e {
        BExpr::Binary(BinaryOp::And, a, b) => {
            conjuncts(*a, out);
            conjuncts(*b, out);
        }
        e => out.push(e),
    }
}

/// The conjunction of `parts`, `None` when there are none.
pub(super) fn and_all(parts: Vec<BExpr>) -> Option<BExpr> {
    parts
        .into_iter()
        .reduce(|a, b| BExpr::Binary(BinaryOp::And, Box::new(a), Box::new(b)))
}

/// `input` under a `Filter` of the conjunction of `parts` (`input` itself for none).
pub(super) fn with_filter(input: Plan, parts: Vec<BExpr>) -> Plan {
    match and_all(parts) {
        Some(predicate) => Plan::Filter {
            input: Box::new(input),
            predicate,
        },
        None => input,
    }
}
