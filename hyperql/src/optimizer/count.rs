//! Rule 7, counts (when `Capabilities::count`): `COUNT(*)` of a whole collection,
//! without a filter, a limit or a group, becomes a `Count` node that asks the
//! source for its number of records instead of reading them.
//!
//! Invariants this rule relies on:
//! - it runs after predicate pushdown, so a filter of the query is either in the
//!   scan's filters or a `Filter` node between the aggregate and the scan: either
//!   one stops the rewrite;
//! - only non-distinct `COUNT(*)` (no argument) counts every record whatever its
//!   fields; `COUNT(x)` skips NULLs and stays an aggregate;
//! - a time-series scan (`time_field`) counts rows the source keeps elsewhere and is
//!   left alone.

use super::walk::map_children;
use crate::functions::AggFunc;
use crate::plan::Plan;

/// Applies the rule bottom-up.
pub(super) fn counts(plan: Plan) -> Plan {
    let plan = map_children(plan, &counts);
    let Plan::Aggregate {
        input,
        group,
        aggs,
        columns,
        ..
    } = &plan
    else {
        return plan;
    };
    let count_star = !aggs.is_empty()
        && aggs
            .iter()
            .all(|a| a.func == AggFunc::Count && a.arg.is_none() && !a.distinct);
    if !group.is_empty() || !count_star {
        return plan;
    }
    match &**input {
        Plan::Scan {
            collection,
            entity,
            filters,
            limit: None,
            time_field: None,
            ..
        } if filters.is_empty() => Plan::Count {
            collection: collection.clone(),
            entity: entity.clone(),
            columns: columns.clone(),
        },
        _ => plan,
    }
}
