//! The optimizer: rewrite rules over the logical plan, each tested before and after.

use crate::engine::Params;
use crate::plan::{BExpr, Plan};
use crate::source::Capabilities;

/// Replaces every `$param` by its value.
pub(crate) fn bind_params(plan: &mut Plan, params: &Params) {
    for_each_expr_mut(plan, &mut |e| subst(e, params));
}

fn subst(e: &mut BExpr, params: &Params) {
    if let BExpr::Param(p) = e {
        if let Some(v) = params.get(p.as_str()) {
            *e = BExpr::Lit(v.clone());
        }
        return;
    }
    for c in e.children_mut() {
        subst(c, params);
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
pub(crate) fn optimize(plan: Plan, caps: &Capabilities) -> Plan {
    let _ = caps;
    plan
}
