//! ORDER BY and DISTINCT: a sort key names a select-list column (by output name) or
//! is an expression appended as a hidden `_orderN` column, which SELECT DISTINCT does
//! not allow. DISTINCT applies to the projected rows before they are sorted.

use super::project::Projection;
use super::*;

impl Builder<'_> {
    /// The sort keys of `s` over the projection `out` (whose visible columns are all
    /// it has when this is called); appends hidden columns to `out`.
    pub(super) fn order_keys(
        &mut self,
        s: &ast::Select,
        scope: &[Column],
        mode: Mode<'_>,
        out: &mut Projection,
    ) -> R<Vec<SortKey>> {
        let visible = out.exprs.len();
        let mut keys = Vec::new();
        for o in &s.order_by {
            let by_name = match &o.expr.kind {
                ExprKind::Path(p) if p.len() == 1 => out.columns[..visible]
                    .iter()
                    .position(|c| c.name == p[0].name),
                _ => None,
            };
            let idx = match by_name {
                Some(i) => i,
                None => {
                    let (b, t) = self.expr(&o.expr, scope, mode)?;
                    if s.distinct {
                        return err(
                            o.expr.span,
                            "with SELECT DISTINCT, ORDER BY expressions must appear in the select list",
                        );
                    }
                    out.exprs.push(b);
                    out.columns
                        .push(Column::value(format!("_order{}", keys.len()), t));
                    out.exprs.len() - 1
                }
            };
            keys.push(SortKey {
                expr: BExpr::Col(idx),
                desc: o.desc,
            });
        }
        Ok(keys)
    }
}

/// `input` made distinct when `distinct`, then sorted by `keys` when there are any.
pub(super) fn distinct_sorted(input: Plan, distinct: bool, keys: Vec<SortKey>) -> Plan {
    let mut plan = input;
    if distinct {
        plan = Plan::Distinct {
            input: Box::new(plan),
        };
    }
    if !keys.is_empty() {
        plan = Plan::Sort {
            input: Box::new(plan),
            keys,
            limit: None,
        };
    }
    plan
}
