//! Subqueries in expressions: scalar `(SELECT ..)`, `EXISTS (SELECT ..)` and
//! `e [NOT] IN (SELECT ..)`, correlated or not.
//!
//! While a subquery is planned, the scope of each query around it is on a stack
//! ([`OuterFrame`]). A name whose head is no alias or variable of the subquery but
//! is one of a query around it refers to that query's row: it becomes
//! [`BExpr::Outer`]`(k)` inside the subquery and argument `k` of the subquery in
//! the query around it (through every level between). Bare field names resolve in
//! the subquery first, so an outer field is written with its alias (`u.id`).
//!
//! A subquery that reads no outer value is a plain [`BExpr::Subquery`] (scalar) or
//! a [`BExpr::Correlated`] without arguments, run once before the query; one that
//! reads outer values runs for each row of the query around it.

use super::*;
use crate::plan::{Correlated, SubqueryKind};

/// The scope of a query around the subquery being planned, and the outer values
/// its subquery reads.
pub(super) struct OuterFrame {
    scope: Vec<Column>,
    /// After aggregation: the group keys (the first columns of `scope`), the only
    /// outer values a subquery may read there.
    group: Option<Vec<Expr>>,
    args: Vec<BExpr>,
}

impl OuterFrame {
    /// What path `p` is in this query's row: its column, or `None` when the query
    /// does not know `p`'s head; an error for a column that aggregation removed.
    fn column(&self, p: &[ast::Ident], span: Span) -> R<Option<usize>> {
        let head = p[0].name.as_str();
        let Some(group) = &self.group else {
            return Ok(self
                .scope
                .iter()
                .position(|c| c.binding.as_deref() == Some(head)));
        };
        // Bare names resolve in the subquery first.
        if p.len() < 2 {
            return Ok(None);
        }
        let key = group.iter().position(|k| {
            matches!(&k.kind, ExprKind::Path(kp) if kp.as_slice() == p || kp.as_slice() == &p[1..])
        });
        let mentioned = group
            .iter()
            .any(|k| matches!(&k.kind, ExprKind::Path(kp) if kp.len() > 1 && kp[0].name == head));
        match key {
            Some(i) => Ok(Some(i)),
            None if mentioned => {
                let name: Vec<&str> = p.iter().map(|i| i.name.as_str()).collect();
                err(
                    span,
                    format!(
                        "column `{}` must appear in GROUP BY to be read by a subquery after it",
                        name.join(".")
                    ),
                )
            }
            None => Ok(None),
        }
    }
}

impl Builder<'_> {
    /// Plans `s` as a subquery of a query whose row has columns `scope`: the plan
    /// and the outer values it reads.
    fn subquery_plan(
        &mut self,
        s: &ast::Select,
        scope: &[Column],
        mode: Mode<'_>,
    ) -> R<(Plan, Vec<BExpr>)> {
        let group = match mode {
            Mode::Agg(group, _) => Some(group.to_vec()),
            Mode::Row(_) => None,
        };
        self.outer.borrow_mut().push(OuterFrame {
            scope: scope.to_vec(),
            group,
            args: Vec::new(),
        });
        let saved = std::mem::take(&mut self.windows);
        let plan = self.select(s);
        self.windows = saved;
        let frame = self.outer.borrow_mut().pop();
        Ok((plan?, frame.map(|f| f.args).unwrap_or_default()))
    }

    /// A scalar subquery: of one column.
    pub(super) fn subquery(
        &mut self,
        s: &ast::Select,
        scope: &[Column],
        mode: Mode<'_>,
        span: Span,
    ) -> R<(BExpr, Type)> {
        let (plan, args) = self.subquery_plan(s, scope, mode)?;
        let ty = one_column(&plan, span, "used as a value")?;
        if args.is_empty() {
            return Ok((BExpr::Subquery(Box::new(plan)), ty));
        }
        let c = Correlated {
            kind: SubqueryKind::Scalar,
            plan,
            args,
            operand: None,
        };
        Ok((BExpr::Correlated(Box::new(c)), ty))
    }

    /// `EXISTS (SELECT ..)`.
    pub(super) fn exists(
        &mut self,
        s: &ast::Select,
        scope: &[Column],
        mode: Mode<'_>,
    ) -> R<(BExpr, Type)> {
        let (plan, args) = self.subquery_plan(s, scope, mode)?;
        let c = Correlated {
            kind: SubqueryKind::Exists,
            plan,
            args,
            operand: None,
        };
        Ok((BExpr::Correlated(Box::new(c)), Type::Bool))
    }

    /// `e [NOT] IN (SELECT ..)`: the subquery has one column, comparable with `e`.
    pub(super) fn in_subquery(
        &mut self,
        e: &Expr,
        s: &ast::Select,
        negated: bool,
        scope: &[Column],
        mode: Mode<'_>,
    ) -> R<(BExpr, Type)> {
        let (x, xt) = self.expr(e, scope, mode)?;
        let (plan, args) = self.subquery_plan(s, scope, mode)?;
        let ty = one_column(&plan, s.span, "after IN")?;
        if !xt.comparable(ty) {
            return err(
                s.span,
                format!("type mismatch: IN compares {xt} with a subquery of {ty}"),
            );
        }
        let c = Correlated {
            kind: SubqueryKind::In { negated },
            plan,
            args,
            operand: Some(x),
        };
        Ok((BExpr::Correlated(Box::new(c)), Type::Bool))
    }

    /// Resolves path `p`, whose head is no alias or variable in the subquery's own
    /// scope, against the queries around it; `None` when none has that alias.
    pub(super) fn outer_path(&self, p: &[ast::Ident], span: Span) -> R<Option<(BExpr, Type)>> {
        let mut frames = self.outer.borrow_mut();
        let mut found = None;
        for (level, f) in frames.iter().enumerate().rev() {
            if let Some(i) = f.column(p, span)? {
                found = Some((level, i));
                break;
            }
        }
        let Some((level, i)) = found else {
            return Ok(None);
        };
        let frame = &frames[level];
        let (mut e, ty) = if frame.group.is_some() {
            (
                BExpr::Col(i),
                frame.scope.get(i).map_or(Type::Any, |c| c.ty),
            )
        } else if p.len() == 1 {
            (BExpr::Col(i), frame.scope[i].ty)
        } else {
            let ty = self.field_type(&frame.scope[i], &p[1..])?;
            let path = p[1..].iter().map(|x| x.name.clone()).collect();
            (BExpr::Field(i, path), ty)
        };
        // Handed down one level at a time to the subquery being planned.
        for f in frames[level..].iter_mut() {
            f.args.push(e);
            e = BExpr::Outer(f.args.len() - 1);
        }
        Ok(Some((e, ty)))
    }
}

/// The type of the one column of subquery `plan`.
fn one_column(plan: &Plan, span: Span, what: &str) -> R<Type> {
    let cols = plan.columns();
    if cols.len() != 1 {
        return err(
            span,
            format!(
                "a subquery {what} must return one column, not {}",
                cols.len()
            ),
        );
    }
    Ok(cols[0].ty)
}
