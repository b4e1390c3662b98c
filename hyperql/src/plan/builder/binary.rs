//! Binary operators: typing `l op r` (parameters take the type of the other side;
//! timestamp and interval arithmetic; Int with Int stays Int), and binding left-deep
//! chains without recursion.

use super::*;

/// A bound operand: its expression, type, and where it is written.
struct Operand {
    expr: BExpr,
    ty: Type,
    span: Span,
}

impl Builder<'_> {
    /// Types `l op r` (operands already bound) and builds the node; `span` is the
    /// whole expression's.
    fn combine(&mut self, op: BinaryOp, l: Operand, r: Operand, span: Span) -> R<(BExpr, Type)> {
        self.expect(&l.expr, r.ty, l.span)?;
        self.expect(&r.expr, l.ty, r.span)?;
        let (lt, rt) = (
            self.param_type(&l.expr, l.ty),
            self.param_type(&r.expr, r.ty),
        );
        let mismatch = || {
            err(
                span,
                format!(
                    "type mismatch: cannot apply `{}` to {lt} and {rt}",
                    op.symbol()
                ),
            )
        };
        let ty = match op {
            BinaryOp::And | BinaryOp::Or => {
                self.check_type(&l.expr, lt, Type::Bool, l.span, op.symbol())?;
                self.check_type(&r.expr, rt, Type::Bool, r.span, op.symbol())?;
                Type::Bool
            }
            BinaryOp::Eq
            | BinaryOp::NotEq
            | BinaryOp::Lt
            | BinaryOp::LtEq
            | BinaryOp::Gt
            | BinaryOp::GtEq => {
                if !lt.comparable(rt) {
                    return mismatch();
                }
                Type::Bool
            }
            BinaryOp::Concat => {
                self.check_type(&l.expr, lt, Type::String, l.span, "`||`")?;
                self.check_type(&r.expr, rt, Type::String, r.span, "`||`")?;
                Type::String
            }
            _ => match arithmetic_type(op, lt, rt) {
                Some(t) => t,
                None => return mismatch(),
            },
        };
        Ok((BExpr::Binary(op, Box::new(l.expr), Box::new(r.expr)), ty))
    }

    /// A left-deep chain of binary operators (`a + b + c`, `x OR y OR z`) bound
    /// along its spine without recursing, so long chains do not grow the stack.
    pub(super) fn binary_spine(
        &mut self,
        e: &Expr,
        scope: &[Column],
        mode: Mode<'_>,
    ) -> R<(BExpr, Type)> {
        let mut steps = Vec::new();
        let mut cur = e;
        while let ExprKind::Binary { op, left, right } = &cur.kind {
            // Stop where a sub-expression is itself a group key, aggregate or window.
            if !std::ptr::eq(cur, e) && self.is_named_subexpr(cur, mode) {
                break;
            }
            steps.push((*op, &**right, cur.span));
            cur = left;
        }
        let (expr, ty) = self.expr(cur, scope, mode)?;
        let mut acc = Operand {
            expr,
            ty,
            span: cur.span,
        };
        for (op, r, span) in steps.into_iter().rev() {
            let (expr, ty) = self.expr(r, scope, mode)?;
            let right = Operand {
                expr,
                ty,
                span: r.span,
            };
            let (expr, ty) = self.combine(op, acc, right, span)?;
            acc = Operand { expr, ty, span };
        }
        Ok((acc.expr, acc.ty))
    }

    /// Whether `e` binds to an output column as a whole (see `named_column`).
    fn is_named_subexpr(&self, e: &Expr, mode: Mode<'_>) -> bool {
        if let Mode::Agg(group, aggs) = mode
            && (group.iter().any(|g| g == e) || aggs.iter().any(|a| a == e))
        {
            return true;
        }
        self.windows.iter().any(|(w, _)| w == e)
    }

    /// The type a parameter has been given so far, else `t`.
    fn param_type(&self, e: &BExpr, t: Type) -> Type {
        match e {
            BExpr::Param(p) => self.params.get(p).copied().unwrap_or(t),
            _ => t,
        }
    }
}

/// The type of arithmetic `lt op rt` (`+ - * / %`), `None` when it does not apply.
fn arithmetic_type(op: BinaryOp, lt: Type, rt: Type) -> Option<Type> {
    Some(match (lt, rt) {
        (Type::Timestamp, Type::Interval) if matches!(op, BinaryOp::Add | BinaryOp::Sub) => {
            Type::Timestamp
        }
        (Type::Interval, Type::Timestamp) if op == BinaryOp::Add => Type::Timestamp,
        (Type::Timestamp, Type::Timestamp) if op == BinaryOp::Sub => Type::Interval,
        (Type::Interval, Type::Interval) if matches!(op, BinaryOp::Add | BinaryOp::Sub) => {
            Type::Interval
        }
        (Type::Int, Type::Int) => Type::Int,
        (Type::Int | Type::Float, Type::Int | Type::Float) => Type::Float,
        (a, c) if a.is_numeric() && c.is_numeric() => Type::Any,
        (Type::Any | Type::Null, Type::Timestamp | Type::Interval)
        | (Type::Timestamp | Type::Interval, Type::Any | Type::Null) => Type::Any,
        _ => return None,
    })
}
