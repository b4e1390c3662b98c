//! Rule 2, geometric near: a `NEAR .. WITHIN` conjunct over a scan becomes a
//! `GeoNear` node when the source answers it (`Capabilities::geo_near`).
//!
//! Invariants this rule relies on:
//! - it runs before predicate pushdown, on a `Filter` directly over a `Scan` that has
//!   no pushed filters yet, so the scan's rows are exactly the collection's;
//! - the `NEAR` compares the scan's document (column 0, its only column) at a
//!   top-level field with a constant anchor and radius (parameters are bound
//!   before the rules run), so the source can answer it without rows;
//! - the source's `GeoNear` returns exactly the documents within the radius; the
//!   other conjuncts stay in a `Filter` above it.

use super::walk::{conjuncts, map_children, with_filter};
use crate::plan::{BExpr, Plan};
use crate::source::Capabilities;

/// Whether conjunct `c` is `scan_doc.field NEAR constant WITHIN constant`.
fn is_scan_near(c: &BExpr) -> bool {
    matches!(c, BExpr::Near(x, a, r)
        if matches!(&**x, BExpr::Field(0, p) if p.len() == 1) && a.is_constant() && r.is_constant())
}

/// Applies the rule bottom-up.
pub(super) fn geo_near(plan: Plan, caps: &Capabilities) -> Plan {
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
    let Some(i) = parts.iter().position(is_scan_near) else {
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
