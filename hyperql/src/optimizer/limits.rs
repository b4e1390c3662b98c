//! Rule 5, limit pushdown: `LIMIT n [OFFSET o]` with literal values tells the nodes
//! below that at most `n + o` rows are needed: a `Sort` keeps only its top `n + o`
//! rows, and a scan may stop after `n + o` records.
//!
//! Invariants this rule relies on:
//! - the bound passes only through nodes that map the first `m` input rows to the
//!   first `m` output rows: a `Project`, and a `Window` of moving averages only (a
//!   moving average reads only rows before the current one; other window functions
//!   read their whole partition); it stops at filters, joins, aggregates, distinct;
//! - the `Limit` itself stays, so offset and exact count are still applied above;
//! - a scan's limit is honoured by the source only when it applied every filter
//!   ([`crate::source::ScanRequest::limit`]), so a scan whose filters are pushed but
//!   not applied still returns every matching record.

use super::walk::map_children;
use crate::plan::{BExpr, Plan};
use crate::value::Value;

/// Applies the rule bottom-up.
pub(super) fn push_limits(plan: Plan) -> Plan {
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
        Plan::Project { input, .. } => set_limit(input, n),
        Plan::Window { input, funcs } if funcs.iter().all(|f| f.is_streaming()) => {
            set_limit(input, n)
        }
        Plan::Scan { limit, .. } => *limit = Some(limit.map_or(n, |l| l.min(n))),
        _ => {}
    }
}
