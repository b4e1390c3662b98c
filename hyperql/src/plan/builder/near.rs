//! `x NEAR a` without `WITHIN`: no radius, nearest first. A SELECT whose `WHERE` has
//! such a conjunct and no `ORDER BY` (nor grouping, aggregates or `DISTINCT`) is
//! planned as if it said `ORDER BY x DISTANCE FROM a`; `LIMIT` bounds it.

use super::group::aggregate_calls;
use crate::ast::{self, Expr, ExprKind, OrderItem};
use std::borrow::Cow;

/// The radius-less `NEAR` conjuncts at the top of `e` (`a AND b AND ...`).
fn open_nears<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Binary {
            op: ast::BinaryOp::And,
            left,
            right,
        } => {
            open_nears(left, out);
            open_nears(right, out);
        }
        ExprKind::Near { radius: None, .. } => out.push(e),
        _ => {}
    }
}

/// `s`, with the implicit `ORDER BY .. DISTANCE FROM ..` of its first radius-less
/// `NEAR` when it takes one.
pub(super) fn with_near_order(s: &ast::Select) -> Cow<'_, ast::Select> {
    if !s.order_by.is_empty()
        || s.distinct
        || !s.group_by.is_empty()
        || s.having.is_some()
        || aggregate_calls(s).is_ok_and(|a| !a.is_empty())
    {
        return Cow::Borrowed(s);
    }
    let mut nears = Vec::new();
    if let Some(w) = &s.selection {
        open_nears(w, &mut nears);
    }
    let Some(Expr {
        kind: ExprKind::Near { expr, anchor, .. },
        span,
    }) = nears.first()
    else {
        return Cow::Borrowed(s);
    };
    let key = Expr {
        kind: ExprKind::DistanceFrom {
            expr: expr.clone(),
            anchor: anchor.clone(),
        },
        span: *span,
    };
    let mut s = s.clone();
    s.order_by.push(OrderItem {
        expr: key,
        desc: false,
        span: *span,
    });
    Cow::Owned(s)
}
