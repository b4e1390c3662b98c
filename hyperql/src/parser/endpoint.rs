//! Endpoints: `endpoint = ident "[" expr "]" ("." ident)*` (in expressions and as the
//! target of `SET`), `set = SET endpoint "=" expr, ...`, and the shorthand `{a}` of
//! `{a: a}` in object literals.

use super::expr::{comma, expr};
use super::*;
use crate::ast::{EndpointRef, Expr, ExprKind, SetEndpoints};
use winnow::Parser;
use winnow::combinator::separated;

/// The rest of an endpoint after its collection name, from the `[`.
pub(crate) fn endpoint_after(i: &mut In<'_>, collection: Ident) -> PResult<EndpointRef> {
    expect_punct(i, "[")?;
    let key = expr(i)?;
    expect_punct(i, "]")?;
    let mut path = Vec::new();
    while at_punct(i, ".") && !matches!(peek2(i).kind, Tok::Punct("*")) {
        bump(i);
        path.push(any_ident(i)?);
    }
    let span = span_from(i, collection.span);
    Ok(EndpointRef {
        collection,
        key: Box::new(key),
        path,
        span,
    })
}

/// `endpoint`.
fn endpoint(i: &mut In<'_>) -> PResult<EndpointRef> {
    let collection = ident(i).map_err(|_| cut(i, "collection name"))?;
    if !at_punct(i, "[") {
        return Err(cut(i, "`[` and the entity's key"));
    }
    endpoint_after(i, collection)
}

/// `set = SET endpoint "=" expr, ...`.
pub(crate) fn set(i: &mut In<'_>) -> PResult<SetEndpoints> {
    expect_kw(i, "SET")?;
    let assignments: Vec<(EndpointRef, Expr)> = separated(1.., assignment, comma).parse_next(i)?;
    Ok(SetEndpoints { assignments })
}

fn assignment(i: &mut In<'_>) -> PResult<(EndpointRef, Expr)> {
    let target = endpoint(i)?;
    expect_punct(i, "=")?;
    Ok((target, expr(i)?))
}

/// `{a}` in an object literal: a bare name followed by `,` or `}` is the pair
/// `a: a` (a column or field of that name). `None` when the next tokens are not one.
pub(crate) fn shorthand(i: &mut In<'_>) -> Option<(String, Expr)> {
    let t = peek(i);
    let Tok::Word(w) = &t.kind else {
        return None;
    };
    if is_reserved(w) || !matches!(peek2(i).kind, Tok::Punct("," | "}")) {
        return None;
    }
    bump(i);
    let name = Ident {
        name: w.clone(),
        span: t.span,
    };
    let value = Expr {
        kind: ExprKind::Path(vec![name]),
        span: t.span,
    };
    Some((w.clone(), value))
}
