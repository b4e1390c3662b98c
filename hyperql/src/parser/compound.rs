//! `WITH` and the set operations around `SELECT` (see `ast::query`).
//!
//! `query = [WITH [RECURSIVE] cte, ..] set_expr [ORDER BY ..] [LIMIT ..] [OFFSET ..]`,
//! `set_expr = intersect {(UNION | EXCEPT) [ALL | DISTINCT] intersect}`,
//! `intersect = operand {INTERSECT [ALL | DISTINCT] operand}`,
//! `operand = select | ( query )`. The ORDER BY, LIMIT and OFFSET written after the
//! last operand of a set operation belong to the whole operation.

use super::expr::{comma, expr};
use super::query::{order_item, select};
use super::*;
use crate::ast::{Cte, OrderItem, Query, SetExpr, SetOp, StatementKind, With};
use winnow::Parser;
use winnow::combinator::separated;

/// A statement starting with `SELECT`, `WITH` or `(`: a plain `SELECT` when there
/// is neither `WITH` nor a set operation, else a [`Query`].
pub(crate) fn select_statement(i: &mut In<'_>) -> PResult<StatementKind> {
    let q = query(i)?;
    Ok(match q {
        Query {
            with: None,
            body: SetExpr::Select(s),
            ..
        } => StatementKind::Select(s),
        q => StatementKind::Query(Box::new(q)),
    })
}

/// `query` (see the module docs).
pub(crate) fn query(i: &mut In<'_>) -> PResult<Query> {
    let _depth = deeper(i)?;
    let start = peek(i).span;
    let with = if eat_kw(i, "WITH").is_some() {
        let recursive = eat_kw(i, "RECURSIVE").is_some();
        let ctes = separated(1.., cte, comma).parse_next(i)?;
        Some(With { recursive, ctes })
    } else {
        None
    };
    let mut body = set_expr(i)?;
    let (mut order_by, mut limit, mut offset) = (Vec::new(), None, None);
    match &mut body {
        SetExpr::SetOp { right, .. } => hoist(right, &mut order_by, &mut limit, &mut offset),
        SetExpr::Select(_) => {}
        SetExpr::Nested(_) => {}
    }
    // After a parenthesized last operand, the clauses are the query's own.
    if order_by.is_empty() && limit.is_none() && offset.is_none() {
        if eat_kw(i, "ORDER").is_some() {
            expect_kw(i, "BY")?;
            order_by = separated(1.., order_item, comma).parse_next(i)?;
        }
        if eat_kw(i, "LIMIT").is_some() {
            limit = Some(expr(i)?);
        }
        if eat_kw(i, "OFFSET").is_some() {
            offset = Some(expr(i)?);
        }
    }
    Ok(Query {
        with,
        body,
        order_by,
        limit,
        offset,
        span: span_from(i, start),
    })
}

/// `name [(col, ..)] AS (query)`.
fn cte(i: &mut In<'_>) -> PResult<Cte> {
    let name = ident(i)?;
    let mut columns = Vec::new();
    if eat_punct(i, "(").is_some() {
        columns = separated(1.., ident, comma).parse_next(i)?;
        expect_punct(i, ")")?;
    }
    expect_kw(i, "AS")?;
    expect_punct(i, "(")?;
    let q = query(i)?;
    expect_punct(i, ")")?;
    Ok(Cte {
        name,
        columns,
        query: Box::new(q),
    })
}

/// Moves the ORDER BY, LIMIT and OFFSET of the last operand (the rightmost
/// unparenthesized `SELECT`) to the whole operation.
fn hoist(
    e: &mut SetExpr,
    order_by: &mut Vec<OrderItem>,
    limit: &mut Option<crate::ast::Expr>,
    offset: &mut Option<crate::ast::Expr>,
) {
    match e {
        SetExpr::Select(s) => {
            *order_by = std::mem::take(&mut s.order_by);
            *limit = s.limit.take();
            *offset = s.offset.take();
        }
        SetExpr::SetOp { right, .. } => hoist(right, order_by, limit, offset),
        SetExpr::Nested(_) => {}
    }
}

fn set_keyword(i: &In<'_>, ops: &[SetOp]) -> Option<SetOp> {
    ops.iter().copied().find(|op| at_kw(i, op.keyword()))
}

/// `[ALL | DISTINCT]` after a set operator: whether `ALL`.
fn all(i: &mut In<'_>) -> bool {
    if eat_kw(i, "ALL").is_some() {
        return true;
    }
    let _ = eat_kw(i, "DISTINCT");
    false
}

/// `set_expr`: UNION and EXCEPT, left-associative, over INTERSECT groups.
fn set_expr(i: &mut In<'_>) -> PResult<SetExpr> {
    let mut left = intersect(i)?;
    while let Some(op) = set_keyword(i, &[SetOp::Union, SetOp::Except]) {
        let _depth = deeper(i)?;
        check_operand(&left)?;
        bump(i);
        let all = all(i);
        let right = intersect(i)?;
        left = SetExpr::SetOp {
            op,
            all,
            left: Box::new(left),
            right: Box::new(right),
        };
    }
    Ok(left)
}

/// `intersect`: INTERSECT, left-associative.
fn intersect(i: &mut In<'_>) -> PResult<SetExpr> {
    let mut left = operand(i)?;
    while set_keyword(i, &[SetOp::Intersect]).is_some() {
        let _depth = deeper(i)?;
        check_operand(&left)?;
        bump(i);
        let all = all(i);
        let right = operand(i)?;
        left = SetExpr::SetOp {
            op: SetOp::Intersect,
            all,
            left: Box::new(left),
            right: Box::new(right),
        };
    }
    Ok(left)
}

/// An operand followed by a set operator may not end in ORDER BY, LIMIT or OFFSET
/// of its own (they would belong to the whole operation): parenthesize it.
fn check_operand(e: &SetExpr) -> PResult<()> {
    let last = match e {
        SetExpr::Select(s) => s,
        SetExpr::SetOp { right, .. } => return check_operand(right),
        SetExpr::Nested(_) => return Ok(()),
    };
    let clause = if !last.order_by.is_empty() {
        "ORDER BY"
    } else if last.limit.is_some() {
        "LIMIT"
    } else if last.offset.is_some() {
        "OFFSET"
    } else {
        return Ok(());
    };
    Err(cut_msg(
        last.span,
        format!(
            "{clause} before a set operation: put this SELECT in parentheses, or move {clause} to the end to apply it to the whole result"
        ),
    ))
}

/// `operand = select | ( query )`.
fn operand(i: &mut In<'_>) -> PResult<SetExpr> {
    if eat_punct(i, "(").is_some() {
        let _depth = [deeper(i)?, deeper(i)?];
        let q = query(i)?;
        expect_punct(i, ")")?;
        // Parentheses that only group set operations are not kept: the printer
        // writes them where precedence needs them.
        return Ok(match q {
            Query {
                with: None,
                body: body @ SetExpr::SetOp { .. },
                order_by,
                limit: None,
                offset: None,
                ..
            } if order_by.is_empty() => body,
            q => SetExpr::Nested(Box::new(q)),
        });
    }
    if !at_kw(i, "SELECT") {
        return Err(cut(i, "SELECT or `(`"));
    }
    Ok(SetExpr::Select(Box::new(select(i)?)))
}
