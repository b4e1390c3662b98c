//! The optimizer: rewrite rules over the logical plan, applied in this order (one
//! file per rule under `optimizer/`, where the invariants each rule relies on are
//! written down):
//!
//! 1. constant folding (SQL three-valued logic, checked arithmetic; never `x * 0 -> 0`
//!    nor `x = x -> TRUE`, which are wrong for NULL `x`), then trivial filters are
//!    dropped (`fold.rs`);
//! 2. `NEAR .. WITHIN` over a scan becomes a `GeoNear` when the source answers it
//!    (`geo_near.rs`);
//! 3. predicate pushdown: through projections, sorts, distinct, traversals and joins
//!    (cross joins gain the condition and become hash joins), then into scans as
//!    [`Predicate`](crate::source::Predicate)s when the source filters
//!    (`pushdown.rs`);
//! 4. `ORDER BY SIMILARITY(..) DESC LIMIT k` / `ORDER BY DISTANCE(..) LIMIT k` over a
//!    scan with a vector index becomes `Knn`, pre-filtering when the source can and
//!    post-filtering (widening the search until k rows survive) when it cannot
//!    (`knn.rs`);
//! 5. limit pushdown: into sorts (top-k) and into unfiltered scans (`limits.rs`);
//! 6. scans of a time-series collection bounded on its time field read a time range
//!    (`time_series.rs`);
//! 7. `COUNT(*)` of a whole collection (no filter, no group) asks the source for
//!    its count when it keeps one (`count.rs`);
//! 8. projection pushdown: scans return only the fields the query reads
//!    (`projection.rs`).
//!
//! Scalar subqueries are optimized on their own first. Parameters and `NOW()` are
//! bound before (`params.rs`); `walk.rs` holds the traversals the rules share.

mod count;
mod fold;
mod geo_near;
mod knn;
mod limits;
mod params;
mod projection;
mod pushdown;
mod time_series;
mod walk;

pub(crate) use fold::fold;
pub(crate) use params::bind_params;
pub(crate) use walk::for_each_expr_mut;

use crate::plan::{BExpr, Plan};
use crate::source::Capabilities;

/// Applies every rule.
pub(crate) fn optimize(mut plan: Plan, caps: &Capabilities) -> Plan {
    for_each_expr_mut(&mut plan, &mut |e| optimize_subqueries(e, caps));
    for_each_expr_mut(&mut plan, &mut fold);
    plan = fold::drop_trivial_filters(plan);
    plan = geo_near::geo_near(plan, caps);
    plan = pushdown::push_filters(plan, caps);
    plan = knn::knn(plan, caps);
    plan = limits::push_limits(plan);
    time_series::mark_time_series(&mut plan, caps);
    if caps.count {
        plan = count::counts(plan);
    }
    if caps.projection_pushdown {
        projection::push_projections(&mut plan);
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
