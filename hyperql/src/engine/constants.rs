//! Calls of deterministic backend functions on constant arguments (`EMBED('text')`,
//! `HYPERBOLIC_DISTANCE` of two literal points) run once, before optimizing, and
//! become literals: the optimizer then treats them as any constant, so that
//! `ORDER BY SIMILARITY(v, EMBED('graph')) DESC LIMIT k` is answered by the vector
//! index and the model runs once per query rather than once per row.
//!
//! Invariants:
//! - only functions that declare [`ScalarFunction::deterministic`] are called; the
//!   others (those that read the database) stay calls;
//! - an argument is constant when it reads no column, no subquery, no nondeterministic
//!   call and no geometry of the source (parameters and `NOW()` are bound before this
//!   runs);
//! - a call that fails stays a call, so the error is raised at run time (and only if a
//!   row reaches it), as constant folding does for built-ins.
//!
//! [`ScalarFunction::deterministic`]: crate::ScalarFunction::deterministic

use crate::exec::{EvalCtx, eval};
use crate::optimizer;
use crate::plan::{BExpr, Plan};

/// Replaces every constant call of a deterministic backend function in `plan` by
/// its value.
pub(super) fn evaluate_constant_calls(plan: &mut Plan, ctx: &EvalCtx<'_>) {
    optimizer::for_each_expr_mut(plan, &mut |e| replace(e, ctx));
}

fn replace(e: &mut BExpr, ctx: &EvalCtx<'_>) {
    if let BExpr::External(f, args) = e
        && f.0.deterministic()
        && args.iter().all(is_constant)
    {
        if let Ok(v) = eval(e, &[], ctx) {
            *e = BExpr::Lit(v);
        }
        return;
    }
    for c in e.children_mut() {
        replace(c, ctx);
    }
}

/// Whether `e` has the same value for every row and every run of the statement.
fn is_constant(e: &BExpr) -> bool {
    let mut constant = true;
    e.walk(&mut |x| match x {
        BExpr::Col(_)
        | BExpr::Field(..)
        | BExpr::Param(_)
        | BExpr::Subquery(_)
        | BExpr::Near(..)
        | BExpr::DistanceFrom(..) => constant = false,
        BExpr::External(f, _) if !f.0.deterministic() => constant = false,
        _ => {}
    });
    constant
}
