//! Expression binding: turns an AST expression into a [`BExpr`] over the columns in
//! scope and infers its type. After aggregation (`Mode::Agg`), a group key or an
//! aggregate call binds to its output column, and any other column reference is an
//! error; a window call binds to its window column. Operators are in
//! `binary.rs`, function calls in `call.rs`, names in `path.rs`.

use super::call::Call;
use super::*;

fn literal(l: &Literal, span: Span) -> R<(BExpr, Type)> {
    Ok(match l {
        Literal::Null => (BExpr::Lit(Value::Null), Type::Null),
        Literal::Bool(v) => (BExpr::Lit(Value::Bool(*v)), Type::Bool),
        Literal::Int(n) => (BExpr::Lit(Value::Int(*n)), Type::Int),
        Literal::Float(x) => (BExpr::Lit(Value::Float(*x)), Type::Float),
        Literal::String(s) => (BExpr::Lit(Value::str(s)), Type::String),
        Literal::Interval(s) => match crate::value::parse_interval(s) {
            Some(us) => (BExpr::Lit(Value::Interval(us)), Type::Interval),
            None => return err(span, format!("bad interval `{s}`")),
        },
    })
}

impl Builder<'_> {
    /// Binds `e` over the columns `scope`; returns the bound expression and its type.
    pub(super) fn expr(&mut self, e: &Expr, scope: &[Column], mode: Mode<'_>) -> R<(BExpr, Type)> {
        if let Some(bound) = self.named_column(e, scope, mode)? {
            return Ok(bound);
        }
        let b = Box::new;
        Ok(match &e.kind {
            ExprKind::Literal(l) => literal(l, e.span)?,
            ExprKind::Path(p) => self.path(p, scope, e.span)?,
            ExprKind::Param(p) => (
                BExpr::Param(p.clone()),
                self.params.get(p).copied().unwrap_or(Type::Any),
            ),
            ExprKind::Unary { op, expr } => self.unary(e, *op, expr, scope, mode)?,
            ExprKind::Binary { .. } => self.binary_spine(e, scope, mode)?,
            ExprKind::IsNull { expr, negated } => (
                BExpr::IsNull(b(self.expr(expr, scope, mode)?.0), *negated),
                Type::Bool,
            ),
            ExprKind::Between {
                expr,
                low,
                high,
                negated,
            } => {
                let (x, t) = self.expr(expr, scope, mode)?;
                let (lo, lt) = self.expr(low, scope, mode)?;
                let (hi, ht) = self.expr(high, scope, mode)?;
                self.compared_with(t, &lo, lt, low.span)?;
                self.compared_with(t, &hi, ht, high.span)?;
                (BExpr::Between(b(x), b(lo), b(hi), *negated), Type::Bool)
            }
            ExprKind::InList {
                expr,
                list,
                negated,
            } => {
                let (x, t) = self.expr(expr, scope, mode)?;
                let mut items = Vec::new();
                for it in list {
                    let (v, vt) = self.expr(it, scope, mode)?;
                    self.compared_with(t, &v, vt, it.span)?;
                    items.push(v);
                }
                (BExpr::InList(b(x), items, *negated), Type::Bool)
            }
            ExprKind::Like {
                expr,
                pattern,
                negated,
            } => {
                let (x, t) = self.expr(expr, scope, mode)?;
                let (p, pt) = self.expr(pattern, scope, mode)?;
                self.check_type(&x, t, Type::String, expr.span, "LIKE")?;
                self.check_type(&p, pt, Type::String, pattern.span, "LIKE")?;
                (BExpr::Like(b(x), b(p), *negated), Type::Bool)
            }
            ExprKind::SimilarTo {
                expr,
                target,
                threshold,
            } => {
                let (x, t) = self.expr(expr, scope, mode)?;
                let (q, qt) = self.expr(target, scope, mode)?;
                let (h, ht) = self.expr(threshold, scope, mode)?;
                self.check_type(&x, t, Type::Vector(None), expr.span, "SIMILAR TO")?;
                self.check_type(&q, qt, Type::Vector(None), target.span, "SIMILAR TO")?;
                self.check_type(&h, ht, Type::Float, threshold.span, "THRESHOLD")?;
                (BExpr::SimilarTo(b(x), b(q), b(h)), Type::Bool)
            }
            ExprKind::Near {
                expr,
                anchor,
                radius,
            } => {
                self.need_geometry(e.span, "NEAR")?;
                let (x, _) = self.expr(expr, scope, mode)?;
                let (a, _) = self.expr(anchor, scope, mode)?;
                let r = match radius {
                    Some(radius) => {
                        let (r, rt) = self.expr(radius, scope, mode)?;
                        self.check_type(&r, rt, Type::Float, radius.span, "WITHIN")?;
                        r
                    }
                    None => BExpr::Lit(Value::Float(f64::INFINITY)),
                };
                (BExpr::Near(b(x), b(a), b(r)), Type::Bool)
            }
            ExprKind::DistanceFrom { expr, anchor } => {
                self.need_geometry(e.span, "DISTANCE FROM")?;
                let (x, _) = self.expr(expr, scope, mode)?;
                let (a, _) = self.expr(anchor, scope, mode)?;
                (BExpr::DistanceFrom(b(x), b(a)), Type::Float)
            }
            ExprKind::Function {
                name,
                args,
                distinct,
                star,
            } => {
                let call = Call {
                    span: e.span,
                    name,
                    args,
                    distinct: *distinct,
                    star: *star,
                };
                self.call(&call, scope, mode)?
            }
            ExprKind::Case {
                operand,
                whens,
                else_,
            } => self.case(operand.as_deref(), whens, else_.as_deref(), scope, mode)?,
            ExprKind::Array(items) => {
                let mut v = Vec::new();
                for it in items {
                    v.push(self.expr(it, scope, mode)?.0);
                }
                (BExpr::Array(v), Type::Array)
            }
            ExprKind::Object(kv) => {
                let mut v = Vec::new();
                for (k, x) in kv {
                    v.push((k.clone(), self.expr(x, scope, mode)?.0));
                }
                (BExpr::Object(v), Type::Object)
            }
            ExprKind::Subquery(s) => self.subquery(s, scope, mode, e.span)?,
            ExprKind::Exists(s) => self.exists(s, scope, mode)?,
            ExprKind::InSubquery {
                expr,
                query,
                negated,
            } => self.in_subquery(expr, query, *negated, scope, mode)?,
            ExprKind::Over { .. } => {
                return err(
                    e.span,
                    match mode {
                        Mode::Row(what) => format!("window functions are not allowed in {what}"),
                        Mode::Agg(..) => {
                            "window functions are only allowed in the select list and ORDER BY"
                                .to_string()
                        }
                    },
                );
            }
            ExprKind::Endpoint(ep) => self.endpoint(ep, scope, mode)?,
        })
    }

    /// What `e` binds to when it is itself an output column: after aggregation a group
    /// key, an aggregate call or a computed column (any other path is an error), and a
    /// window call in any mode.
    fn named_column(&self, e: &Expr, scope: &[Column], mode: Mode<'_>) -> R<Option<(BExpr, Type)>> {
        if let Mode::Agg(group, aggs) = mode {
            if let Some(i) = group.iter().position(|g| g == e) {
                return Ok(Some((
                    BExpr::Col(i),
                    scope.get(i).map_or(Type::Any, |c| c.ty),
                )));
            }
            if let Some(j) = aggs.iter().position(|a| a == e) {
                let i = group.len() + j;
                return Ok(Some((
                    BExpr::Col(i),
                    scope.get(i).map_or(Type::Any, |c| c.ty),
                )));
            }
            if let ExprKind::Path(p) = &e.kind {
                if let Some(i) = scope
                    .iter()
                    .position(|c| c.name == p[0].name && p.len() == 1)
                {
                    return Ok(Some((BExpr::Col(i), scope[i].ty)));
                }
                let name: Vec<&str> = p.iter().map(|i| i.name.as_str()).collect();
                return err(
                    e.span,
                    format!(
                        "column `{}` must appear in GROUP BY or be used in an aggregate function",
                        name.join(".")
                    ),
                );
            }
        }
        if let Some((_, col)) = self.windows.iter().find(|(w, _)| w == e) {
            let ty = scope.get(*col).map_or(Type::Any, |c| c.ty);
            return Ok(Some((BExpr::Col(*col), ty)));
        }
        Ok(None)
    }

    /// `NOT x` (Bool) or `-x` (a number or an interval).
    fn unary(
        &mut self,
        e: &Expr,
        op: UnaryOp,
        operand: &Expr,
        scope: &[Column],
        mode: Mode<'_>,
    ) -> R<(BExpr, Type)> {
        let (x, t) = self.expr(operand, scope, mode)?;
        match op {
            UnaryOp::Not => {
                self.check_type(&x, t, Type::Bool, operand.span, "NOT")?;
                Ok((BExpr::Unary(op, Box::new(x)), Type::Bool))
            }
            UnaryOp::Neg => {
                if !(t.is_numeric() || t == Type::Interval) {
                    return err(
                        e.span,
                        format!("type mismatch: `-` expects a number, found {t}"),
                    );
                }
                self.expect(&x, Type::Float, operand.span)?;
                Ok((BExpr::Unary(op, Box::new(x)), t))
            }
        }
    }

    /// Checks `v` (of type `vt`), an operand compared with a value of type `t` (a
    /// BETWEEN bound, an IN list item).
    fn compared_with(&mut self, t: Type, v: &BExpr, vt: Type, span: Span) -> R<()> {
        self.expect(v, t, span)?;
        if !t.comparable(vt) {
            return err(span, format!("type mismatch: cannot compare {t} with {vt}"));
        }
        Ok(())
    }

    /// `CASE [operand] WHEN .. THEN .. [ELSE ..] END`: the WHEN values compare with
    /// the operand (or are conditions without one); the type merges the results'.
    fn case(
        &mut self,
        operand: Option<&Expr>,
        whens: &[(Expr, Expr)],
        else_: Option<&Expr>,
        scope: &[Column],
        mode: Mode<'_>,
    ) -> R<(BExpr, Type)> {
        let op = match operand {
            Some(o) => Some(self.expr(o, scope, mode)?),
            None => None,
        };
        let mut ws = Vec::new();
        let mut ty = Type::Null;
        for (w, t) in whens {
            let (wb, wt) = self.expr(w, scope, mode)?;
            match &op {
                Some((_, ot)) if !ot.comparable(wt) => {
                    return err(
                        w.span,
                        format!("type mismatch: cannot compare {ot} with {wt}"),
                    );
                }
                None => self.check_type(&wb, wt, Type::Bool, w.span, "WHEN")?,
                _ => {}
            }
            let (tb, tt) = self.expr(t, scope, mode)?;
            ty = merge_param(ty, tt).unwrap_or(Type::Any);
            ws.push((wb, tb));
        }
        let el = match else_ {
            Some(x) => {
                let (eb, et) = self.expr(x, scope, mode)?;
                ty = merge_param(ty, et).unwrap_or(Type::Any);
                Some(Box::new(eb))
            }
            None => None,
        };
        Ok((BExpr::Case(op.map(|(o, _)| Box::new(o)), ws, el), ty))
    }
}
