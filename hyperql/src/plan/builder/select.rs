//! SELECT: the order in which its clauses become plan nodes, bottom up:
//! FROM (scans and joins), TRAVERSE, WHERE, GROUP BY and aggregates, HAVING, window
//! functions, the select list (with hidden ORDER BY and DISTINCT ON columns), DISTINCT
//! then ORDER BY (or ORDER BY then DISTINCT ON), LIMIT / OFFSET, and a last projection
//! that drops the hidden columns.

use super::distinct_on::sorted_distinct_on;
use super::group::{aggregate_calls, group_keys};
use super::order::distinct_sorted;
use super::*;

impl Builder<'_> {
    /// Plans a SELECT (also a scalar subquery's).
    pub(super) fn select(&mut self, s: &ast::Select) -> R<Plan> {
        let s = &*super::near::with_near_order(s);
        let mut plan = self.source_rows(s)?;
        let aggs = aggregate_calls(s)?;
        let group = group_keys(s);
        let aggregated = !group.is_empty() || !aggs.is_empty() || s.having.is_some();
        let mode = if aggregated {
            plan = self.aggregate(plan, &group, &aggs)?;
            Mode::Agg(&group, &aggs)
        } else {
            Mode::Row("the select list")
        };
        if let Some(h) = &s.having {
            plan = self.filter(plan, h, mode, "HAVING")?;
        }
        plan = self.window_functions(plan, s, mode, aggregated)?;
        let scope = plan.columns();
        let mut out = self.select_list(s, &scope, mode, aggregated)?;
        let visible = out.exprs.len();
        let keys = self.order_keys(s, &scope, mode, &mut out)?;
        let on = if s.distinct_on.is_empty() {
            None
        } else {
            Some(self.distinct_on_keys(s, &scope, mode, visible, &mut out)?)
        };
        let hidden = out.exprs.len() > visible;
        let columns = out.columns;
        plan = Plan::Project {
            input: Box::new(plan),
            exprs: out.exprs,
            columns: columns.clone(),
        };
        plan = match on {
            Some(on) => sorted_distinct_on(plan, keys, on),
            None => distinct_sorted(plan, s.distinct, keys),
        };
        plan = self.limit(plan, s)?;
        if hidden {
            let exprs = (0..visible).map(BExpr::Col).collect();
            plan = Plan::Project {
                input: Box::new(plan),
                exprs,
                columns: columns[..visible].to_vec(),
            };
        }
        self.windows.clear();
        Ok(plan)
    }

    /// The rows FROM, TRAVERSE and WHERE select (`Unit` without FROM).
    fn source_rows(&mut self, s: &ast::Select) -> R<Plan> {
        let mut plan = match &s.from {
            Some(f) => self.from(f)?,
            None => Plan::Unit,
        };
        if !s.traverse.is_empty() {
            plan = self.traverse(plan, &s.traverse)?;
        }
        if let Some(w) = &s.selection {
            plan = self.filter(plan, w, Mode::Row("WHERE"), "WHERE")?;
        }
        Ok(plan)
    }
}
