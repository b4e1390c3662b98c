//! `over = OVER "(" [PARTITION BY expr, ...] [ORDER BY order_item, ...] [frame] ")"`,
//! `frame = (ROWS | RANGE) (frame_bound | BETWEEN frame_bound AND frame_bound)`,
//! `frame_bound = UNBOUNDED (PRECEDING | FOLLOWING) | CURRENT ROW
//! | expr (PRECEDING | FOLLOWING)`. `OVER`, `PARTITION`, `ROWS`, `RANGE` and the frame
//! words are keywords only here.

use super::expr::{comma, expr};
use super::query::order_item;
use super::*;
use crate::ast::{Expr, ExprKind, FrameBound, FrameUnits, WindowFrame, WindowSpec};
use winnow::Parser;
use winnow::combinator::separated;

/// Whether the next tokens start an `OVER (` clause.
pub(crate) fn at_over(i: &In<'_>) -> bool {
    at_kw(i, "OVER") && matches!(peek2(i).kind, Tok::Punct("("))
}

/// `call over`: wraps the function call `call` in its window.
pub(crate) fn over(i: &mut In<'_>, call: Expr) -> PResult<Expr> {
    expect_kw(i, "OVER")?;
    expect_punct(i, "(")?;
    let mut window = WindowSpec::default();
    if eat_kw(i, "PARTITION").is_some() {
        expect_kw(i, "BY")?;
        window.partition_by = separated(1.., expr, comma).parse_next(i)?;
    }
    if eat_kw(i, "ORDER").is_some() {
        expect_kw(i, "BY")?;
        window.order_by = separated(1.., order_item, comma).parse_next(i)?;
    }
    let units = if eat_kw(i, "ROWS").is_some() {
        Some(FrameUnits::Rows)
    } else if eat_kw(i, "RANGE").is_some() {
        Some(FrameUnits::Range)
    } else {
        None
    };
    if let Some(units) = units {
        window.frame = Some(if eat_kw(i, "BETWEEN").is_some() {
            let start = frame_bound(i)?;
            expect_kw(i, "AND")?;
            let end = frame_bound(i)?;
            WindowFrame {
                units,
                start,
                end: Some(end),
            }
        } else {
            WindowFrame {
                units,
                start: frame_bound(i)?,
                end: None,
            }
        });
    }
    let end = expect_punct(i, ")").map_err(|_| {
        cut(
            i,
            "PARTITION BY, ORDER BY, ROWS, RANGE or `)` in the window",
        )
    })?;
    let span = call.span.to(end);
    Ok(Expr {
        kind: ExprKind::Over {
            call: Box::new(call),
            window,
        },
        span,
    })
}

/// `frame_bound`.
fn frame_bound(i: &mut In<'_>) -> PResult<FrameBound> {
    let unbounded = at_kw(i, "UNBOUNDED")
        && matches!(&peek2(i).kind, Tok::Word(w) if w.eq_ignore_ascii_case("PRECEDING") || w.eq_ignore_ascii_case("FOLLOWING"));
    if unbounded {
        bump(i);
        return Ok(if preceding(i)? {
            FrameBound::UnboundedPreceding
        } else {
            FrameBound::UnboundedFollowing
        });
    }
    if at_kw(i, "CURRENT")
        && matches!(&peek2(i).kind, Tok::Word(w) if w.eq_ignore_ascii_case("ROW"))
    {
        bump(i);
        bump(i);
        return Ok(FrameBound::CurrentRow);
    }
    let e = Box::new(expr(i).map_err(|e| match e {
        ErrMode::Backtrack(_) => cut(i, "frame offset, UNBOUNDED or CURRENT ROW"),
        e => e,
    })?);
    Ok(if preceding(i)? {
        FrameBound::Preceding(e)
    } else {
        FrameBound::Following(e)
    })
}

/// `PRECEDING` (true) or `FOLLOWING` (false).
fn preceding(i: &mut In<'_>) -> PResult<bool> {
    if eat_kw(i, "PRECEDING").is_some() {
        Ok(true)
    } else if eat_kw(i, "FOLLOWING").is_some() {
        Ok(false)
    } else {
        Err(cut(i, "PRECEDING or FOLLOWING"))
    }
}
