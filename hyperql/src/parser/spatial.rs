//! Spatial forms besides `x NEAR a WITHIN r` and `x DISTANCE FROM a`: the function
//! forms `NEAR(x, r, a)` and `WITHIN(x, r, a)` (the same predicate as
//! `x NEAR a WITHIN r`), `x NEAR a` with no radius, and `x DISTANCE a` (the same as
//! `x DISTANCE FROM a`).

use super::expr::{comma, expr};
use super::*;
use crate::ast::{Expr, ExprKind};
use winnow::Parser;
use winnow::combinator::separated;

/// Whether the next tokens are `NEAR (` or `WITHIN (`.
pub(crate) fn at_near_call(i: &In<'_>) -> bool {
    (at_kw(i, "NEAR") || at_kw(i, "WITHIN")) && matches!(peek2(i).kind, Tok::Punct("("))
}

/// `near_call = (NEAR | WITHIN) "(" expr "," expr "," expr ")"`: position, radius,
/// anchor.
pub(crate) fn near_call(i: &mut In<'_>) -> PResult<Expr> {
    let start = bump(i).span;
    expect_punct(i, "(")?;
    let args: Vec<Expr> = separated(1.., expr, comma).parse_next(i)?;
    let end = expect_punct(i, ")")?;
    let span = start.to(end);
    let Ok::<[Expr; 3], _>([x, radius, anchor]) = args.try_into() else {
        let msg = "NEAR(position, radius, anchor) and WITHIN(..) take three arguments";
        return Err(cut_msg(span, msg.to_string()));
    };
    Ok(Expr {
        kind: ExprKind::Near {
            expr: Box::new(x),
            anchor: Box::new(anchor),
            radius: Some(Box::new(radius)),
        },
        span,
    })
}

/// Whether `t` can start an operand (after `DISTANCE` without `FROM`).
pub(crate) fn starts_operand(t: &Tok) -> bool {
    match t {
        Tok::Word(w) => {
            !is_reserved(w)
                || ["NULL", "TRUE", "FALSE", "CASE", "INTERVAL"]
                    .iter()
                    .any(|k| k.eq_ignore_ascii_case(w))
        }
        Tok::DQuoted(_) | Tok::Str(_) | Tok::Int(_) | Tok::Float(_) | Tok::Param(_) => true,
        Tok::Punct(p) => matches!(*p, "(" | "[" | "{" | "-"),
        Tok::Eof => false,
    }
}
