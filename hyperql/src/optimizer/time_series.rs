//! Rule 6, time ranges: a scan of a time-series collection whose pushed filters bound
//! its time field reads a time range (`time_field` is set; the source reads the range
//! instead of the whole collection).
//!
//! Invariants this rule relies on:
//! - it runs after predicate pushdown, so the conditions it looks for are the scan's
//!   own predicates, which the source applies;
//! - only an ordering comparison (`<`, `<=`, `>`, `>=`) of the time field itself with
//!   a timestamp literal counts; `=` and `!=` do not bound a range here.

use crate::plan::Plan;
use crate::source::{Capabilities, CmpOp, Predicate};
use crate::value::Value;

/// Marks every matching scan in `plan`.
pub(super) fn mark_time_series(plan: &mut Plan, caps: &Capabilities) {
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
