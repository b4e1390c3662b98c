//! Binding a statement's parameters and clock before the rules run, so that the
//! rules see `$p` and `NOW()` as literals.

use super::walk::for_each_expr_mut;
use crate::engine::Params;
use crate::functions::Builtin;
use crate::plan::{BExpr, Plan};
use crate::value::Value;

/// Replaces every `$param` by its value and `NOW()` by the statement's clock `now`.
pub(crate) fn bind_params(plan: &mut Plan, params: &Params, now: i64) {
    for_each_expr_mut(plan, &mut |e| subst(e, params, now));
}

/// Substitutes in `e` and in the plans of its subqueries.
fn subst(e: &mut BExpr, params: &Params, now: i64) {
    match e {
        BExpr::Param(p) => {
            if let Some(v) = params.get(p.as_str()) {
                *e = BExpr::Lit(v.clone());
            }
        }
        BExpr::Builtin(Builtin::Now, _) => *e = BExpr::Lit(Value::Timestamp(now)),
        BExpr::Subquery(p) => bind_params(p, params, now),
        BExpr::Correlated(c) => {
            bind_params(&mut c.plan, params, now);
            for x in e.children_mut() {
                subst(x, params, now);
            }
        }
        _ => {
            for c in e.children_mut() {
                subst(c, params, now);
            }
        }
    }
}
