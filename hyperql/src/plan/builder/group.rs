//! GROUP BY and aggregates: the aggregate calls a select uses (never nested), the
//! group keys (a key may name a select alias), and the `Aggregate` node whose output
//! is the keys then one column per aggregate call, in that order.

use super::walk::{ast_children, collect, collect_in_items, is_agg_call, output_name};
use super::*;

/// The aggregate calls in the select list, HAVING and ORDER BY, each once.
pub(super) fn aggregate_calls(s: &ast::Select) -> R<Vec<Expr>> {
    let mut aggs = collect_in_items(&s.items, &is_agg_call);
    for e in s.having.iter().chain(s.order_by.iter().map(|o| &o.expr)) {
        collect(e, &is_agg_call, &mut aggs);
    }
    for a in &aggs {
        for c in ast_children(a) {
            let mut nested = Vec::new();
            collect(c, &is_agg_call, &mut nested);
            if let Some(n) = nested.first() {
                return err(n.span, "aggregate functions cannot be nested");
            }
        }
    }
    Ok(aggs)
}

/// The GROUP BY keys, a single name that is a select alias replaced by its expression.
pub(super) fn group_keys(s: &ast::Select) -> Vec<Expr> {
    s.group_by
        .iter()
        .map(|g| match &g.kind {
            ExprKind::Path(p) if p.len() == 1 => s
                .items
                .iter()
                .find_map(|it| match it {
                    SelectItem::Expr {
                        expr,
                        alias: Some(a),
                    } if a.name == p[0].name => Some(expr.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| g.clone()),
            _ => g.clone(),
        })
        .collect()
}

impl Builder<'_> {
    /// The `Aggregate` node over `input` for keys `group` and calls `aggs`.
    pub(super) fn aggregate(&mut self, input: Plan, group: &[Expr], aggs: &[Expr]) -> R<Plan> {
        let scope = input.columns();
        let mut columns = Vec::new();
        let mut gb = Vec::new();
        let mut time_bucket = false;
        for g in group {
            if is_agg_call(g) {
                return err(g.span, "aggregate functions are not allowed in GROUP BY");
            }
            let (b, t) = self.expr(g, &scope, Mode::Row("GROUP BY"))?;
            time_bucket |= matches!(b, BExpr::Builtin(Builtin::TimeBucket, _));
            columns.push(Column::value(output_name(g), t));
            gb.push(b);
        }
        let mut calls = Vec::new();
        for a in aggs {
            if let Some((call, column)) = self.agg_call(a, &scope)? {
                calls.push(call);
                columns.push(column);
            }
        }
        Ok(Plan::Aggregate {
            input: Box::new(input),
            group: gb,
            aggs: calls,
            columns,
            time_bucket,
        })
    }

    /// One aggregate call and its output column; only `COUNT` takes `*`.
    fn agg_call(&mut self, a: &Expr, scope: &[Column]) -> R<Option<(AggCall, Column)>> {
        let ExprKind::Function {
            name,
            args,
            distinct,
            star,
        } = &a.kind
        else {
            return Ok(None);
        };
        let func = AggFunc::from_name(&name.name).unwrap_or(AggFunc::Count);
        let arg = if *star {
            if func != AggFunc::Count {
                return err(
                    a.span,
                    format!("`{}(*)` is not allowed; only COUNT(*)", name.name),
                );
            }
            None
        } else {
            if args.len() != 1 {
                return err(
                    a.span,
                    format!(
                        "wrong number of arguments: `{}` takes 1, got {}",
                        name.name,
                        args.len()
                    ),
                );
            }
            Some(self.expr(&args[0], scope, Mode::Row("aggregate arguments"))?)
        };
        let argty = arg.as_ref().map_or(Type::Int, |(_, t)| *t);
        if let (Some((b, t)), AggFunc::Sum | AggFunc::Avg) = (&arg, func) {
            self.check_type(
                b,
                *t,
                Type::Float,
                args[0].span,
                &format!("`{}`", name.name),
            )?;
        }
        let column = Column::value(a.to_string(), func.return_type(argty));
        let call = AggCall {
            func,
            arg: arg.map(|(b, _)| b),
            distinct: *distinct,
        };
        Ok(Some((call, column)))
    }
}
