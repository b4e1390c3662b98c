//! `DISTINCT ON (e, ...)`: each key names a select-list column (by output name) or is
//! an expression appended as a hidden `_onN` column. The rows are sorted by ORDER BY
//! first, then the first row of each group of equal keys is kept.

use super::project::Projection;
use super::*;

impl Builder<'_> {
    /// The keys of `s`'s `DISTINCT ON` over the projection `out`, whose first
    /// `visible` columns are the select list; appends hidden columns to `out`.
    pub(super) fn distinct_on_keys(
        &mut self,
        s: &ast::Select,
        scope: &[Column],
        mode: Mode<'_>,
        visible: usize,
        out: &mut Projection,
    ) -> R<Vec<BExpr>> {
        let mut keys = Vec::new();
        for (n, e) in s.distinct_on.iter().enumerate() {
            let by_name = match &e.kind {
                ExprKind::Path(p) if p.len() == 1 => out.columns[..visible]
                    .iter()
                    .position(|c| c.name == p[0].name),
                _ => None,
            };
            let idx = match by_name {
                Some(i) => i,
                None => {
                    let (b, t) = self.expr(e, scope, mode)?;
                    out.exprs.push(b);
                    out.columns.push(Column::value(format!("_on{n}"), t));
                    out.exprs.len() - 1
                }
            };
            keys.push(BExpr::Col(idx));
        }
        Ok(keys)
    }
}

/// `input` sorted by `keys` (when there are any), then reduced to the first row of
/// each group of equal `on` keys.
pub(super) fn sorted_distinct_on(input: Plan, keys: Vec<SortKey>, on: Vec<BExpr>) -> Plan {
    let mut plan = input;
    if !keys.is_empty() {
        plan = Plan::Sort {
            input: Box::new(plan),
            keys,
            limit: None,
        };
    }
    Plan::DistinctOn {
        input: Box::new(plan),
        keys: on,
    }
}
