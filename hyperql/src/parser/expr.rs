//! Expression rules, loosest first:
//! `expr = or_expr`, `or_expr = and_expr (OR and_expr)*`, `and_expr = not_expr (AND
//! not_expr)*`, `not_expr = NOT not_expr | predicate`, `predicate = concat [comparison
//! | IS [NOT] NULL | [NOT] BETWEEN | [NOT] IN | [NOT] LIKE | SIMILAR TO .. THRESHOLD ..
//! | NEAR .. [WITHIN ..] | DISTANCE [FROM] ..]` (at most one: comparisons do not chain),
//! `concat = additive (|| additive)*`, `additive = term ((+|-) term)*`, `term = unary
//! ((*|/|%) unary)*`, `unary = - unary | primary`.

use super::*;
use crate::ast::{BinaryOp, Expr, ExprKind, Literal, UnaryOp};
use winnow::Parser;
use winnow::combinator::separated;

/// `expr`.
pub(crate) fn expr(i: &mut In<'_>) -> PResult<Expr> {
    let _depth = deeper(i)?;
    or_expr(i)
}

fn binary(op: BinaryOp, left: Expr, right: Expr) -> Expr {
    let span = left.span.to(right.span);
    Expr {
        kind: ExprKind::Binary {
            op,
            left: Box::new(left),
            right: Box::new(right),
        },
        span,
    }
}

fn or_expr(i: &mut In<'_>) -> PResult<Expr> {
    let mut left = and_expr(i)?;
    let mut depth = Vec::new();
    while eat_kw(i, "OR").is_some() {
        depth.push(longer(i)?);
        let right = and_expr(i)?;
        left = binary(BinaryOp::Or, left, right);
    }
    Ok(left)
}

fn and_expr(i: &mut In<'_>) -> PResult<Expr> {
    let mut left = not_expr(i)?;
    let mut depth = Vec::new();
    while eat_kw(i, "AND").is_some() {
        depth.push(longer(i)?);
        let right = not_expr(i)?;
        left = binary(BinaryOp::And, left, right);
    }
    Ok(left)
}

fn not_expr(i: &mut In<'_>) -> PResult<Expr> {
    if let Some(start) = eat_kw(i, "NOT") {
        let _depth = deeper(i)?;
        let e = not_expr(i)?;
        let span = start.to(e.span);
        return Ok(Expr {
            kind: ExprKind::Unary {
                op: UnaryOp::Not,
                expr: Box::new(e),
            },
            span,
        });
    }
    predicate(i)
}

fn comparison_op(t: &Tok) -> Option<BinaryOp> {
    match t {
        Tok::Punct("=") => Some(BinaryOp::Eq),
        Tok::Punct("<>" | "!=") => Some(BinaryOp::NotEq),
        Tok::Punct("<") => Some(BinaryOp::Lt),
        Tok::Punct("<=") => Some(BinaryOp::LtEq),
        Tok::Punct(">") => Some(BinaryOp::Gt),
        Tok::Punct(">=") => Some(BinaryOp::GtEq),
        _ => None,
    }
}

fn predicate(i: &mut In<'_>) -> PResult<Expr> {
    let left = concat(i)?;
    let b = |e: Expr| Box::new(e);
    if let Some(op) = comparison_op(&peek(i).kind) {
        bump(i);
        let right = concat(i)?;
        return Ok(binary(op, left, right));
    }
    if eat_kw(i, "IS").is_some() {
        let negated = eat_kw(i, "NOT").is_some();
        let end = expect_kw(i, "NULL")?;
        let span = left.span.to(end);
        return Ok(Expr {
            kind: ExprKind::IsNull {
                expr: b(left),
                negated,
            },
            span,
        });
    }
    // `NOT` here only as `NOT BETWEEN | NOT IN | NOT LIKE`.
    let negated = at_kw(i, "NOT")
        && matches!(&peek2(i).kind, Tok::Word(w) if ["BETWEEN", "IN", "LIKE"].iter().any(|k| k.eq_ignore_ascii_case(w)));
    if negated {
        bump(i);
    }
    if eat_kw(i, "BETWEEN").is_some() {
        let low = concat(i)?;
        expect_kw(i, "AND")?;
        let high = concat(i)?;
        let span = left.span.to(high.span);
        let kind = ExprKind::Between {
            expr: b(left),
            low: b(low),
            high: b(high),
            negated,
        };
        return Ok(Expr { kind, span });
    }
    if eat_kw(i, "IN").is_some() {
        expect_punct(i, "(")?;
        if at_kw(i, "SELECT") {
            let _depth = [deeper(i)?, deeper(i)?, deeper(i)?, deeper(i)?];
            let query = super::query::select(i)?;
            let end = expect_punct(i, ")")?;
            let span = left.span.to(end);
            return Ok(Expr {
                kind: ExprKind::InSubquery {
                    expr: b(left),
                    query: Box::new(query),
                    negated,
                },
                span,
            });
        }
        // `IN ()`: an empty list (false; `NOT IN ()` true).
        let list: Vec<Expr> = separated(0.., expr, comma).parse_next(i)?;
        let end = expect_punct(i, ")")?;
        let span = left.span.to(end);
        return Ok(Expr {
            kind: ExprKind::InList {
                expr: b(left),
                list,
                negated,
            },
            span,
        });
    }
    if eat_kw(i, "LIKE").is_some() {
        let pattern = concat(i)?;
        let span = left.span.to(pattern.span);
        return Ok(Expr {
            kind: ExprKind::Like {
                expr: b(left),
                pattern: b(pattern),
                negated,
            },
            span,
        });
    }
    if eat_kw(i, "SIMILAR").is_some() {
        expect_kw(i, "TO")?;
        let target = concat(i)?;
        expect_kw(i, "THRESHOLD")?;
        let threshold = concat(i)?;
        let span = left.span.to(threshold.span);
        let kind = ExprKind::SimilarTo {
            expr: b(left),
            target: b(target),
            threshold: b(threshold),
        };
        return Ok(Expr { kind, span });
    }
    if eat_kw(i, "NEAR").is_some() {
        let anchor = concat(i)?;
        let radius = if eat_kw(i, "WITHIN").is_some() {
            Some(b(concat(i)?))
        } else {
            None
        };
        let span = left
            .span
            .to(radius.as_ref().map_or(anchor.span, |r| r.span));
        let kind = ExprKind::Near {
            expr: b(left),
            anchor: b(anchor),
            radius,
        };
        return Ok(Expr { kind, span });
    }
    let distance_from = matches!(&peek2(i).kind, Tok::Word(w) if w.eq_ignore_ascii_case("FROM"));
    if at_kw(i, "DISTANCE") && (distance_from || super::spatial::starts_operand(&peek2(i).kind)) {
        bump(i);
        if distance_from {
            bump(i);
        }
        let anchor = concat(i)?;
        let span = left.span.to(anchor.span);
        return Ok(Expr {
            kind: ExprKind::DistanceFrom {
                expr: b(left),
                anchor: b(anchor),
            },
            span,
        });
    }
    Ok(left)
}

/// `,` as a parser (for `separated`).
pub(crate) fn comma<'t>(i: &mut In<'t>) -> PResult<&'t Token> {
    if at_punct(i, ",") {
        Ok(bump(i))
    } else {
        Err(backtrack(i, ","))
    }
}

fn concat(i: &mut In<'_>) -> PResult<Expr> {
    let mut left = additive(i)?;
    let mut depth = Vec::new();
    while eat_punct(i, "||").is_some() {
        depth.push(longer(i)?);
        let right = additive(i)?;
        left = binary(BinaryOp::Concat, left, right);
    }
    Ok(left)
}

fn additive(i: &mut In<'_>) -> PResult<Expr> {
    let mut left = term(i)?;
    let mut depth = Vec::new();
    loop {
        let op = match peek(i).kind {
            Tok::Punct("+") => BinaryOp::Add,
            Tok::Punct("-") => BinaryOp::Sub,
            _ => return Ok(left),
        };
        depth.push(longer(i)?);
        bump(i);
        let right = term(i)?;
        left = binary(op, left, right);
    }
}

fn term(i: &mut In<'_>) -> PResult<Expr> {
    let mut left = unary(i)?;
    let mut depth = Vec::new();
    loop {
        let op = match peek(i).kind {
            Tok::Punct("*") => BinaryOp::Mul,
            Tok::Punct("/") => BinaryOp::Div,
            Tok::Punct("%") => BinaryOp::Mod,
            _ => return Ok(left),
        };
        depth.push(longer(i)?);
        bump(i);
        let right = unary(i)?;
        left = binary(op, left, right);
    }
}

/// `unary = - unary | primary`; `-` directly before a number is part of the literal.
fn unary(i: &mut In<'_>) -> PResult<Expr> {
    if let Some(start) = eat_punct(i, "-") {
        let t = peek(i);
        match t.kind {
            Tok::Int(n) => {
                bump(i);
                let span = start.to(t.span);
                let v = if n == 1u64 << 63 {
                    i64::MIN
                } else {
                    i64::try_from(n)
                        .map(|v| -v)
                        .map_err(|_| cut_msg(span, "integer out of range".into()))?
                };
                return Ok(Expr {
                    kind: ExprKind::Literal(Literal::Int(v)),
                    span,
                });
            }
            Tok::Float(x) => {
                bump(i);
                return Ok(Expr {
                    kind: ExprKind::Literal(Literal::Float(-x)),
                    span: start.to(t.span),
                });
            }
            _ => {}
        }
        let _depth = deeper(i)?;
        let e = unary(i)?;
        let span = start.to(e.span);
        return Ok(Expr {
            kind: ExprKind::Unary {
                op: UnaryOp::Neg,
                expr: Box::new(e),
            },
            span,
        });
    }
    primary(i)
}

/// `primary = literal | $param | path | call | ( expr ) | ( select ) | case | array
/// | object | INTERVAL 'text'`.
pub(crate) fn primary(i: &mut In<'_>) -> PResult<Expr> {
    let t = peek(i);
    let lit = |l: Literal| {
        Ok(Expr {
            kind: ExprKind::Literal(l),
            span: t.span,
        })
    };
    match &t.kind {
        Tok::Int(n) => {
            bump(i);
            match i64::try_from(*n) {
                Ok(v) => lit(Literal::Int(v)),
                Err(_) => Err(cut_msg(t.span, "integer out of range".into())),
            }
        }
        Tok::Float(x) => {
            bump(i);
            lit(Literal::Float(*x))
        }
        Tok::Str(s) => {
            bump(i);
            lit(Literal::String(s.clone()))
        }
        Tok::Param(p) => {
            bump(i);
            Ok(Expr {
                kind: ExprKind::Param(p.clone()),
                span: t.span,
            })
        }
        Tok::Punct("(") => {
            bump(i);
            if at_kw(i, "SELECT") {
                // A subquery is a whole query deeper: it weighs several levels.
                let _depth = [deeper(i)?, deeper(i)?, deeper(i)?, deeper(i)?];
                let s = super::query::select(i)?;
                let end = expect_punct(i, ")")?;
                return Ok(Expr {
                    kind: ExprKind::Subquery(Box::new(s)),
                    span: t.span.to(end),
                });
            }
            let mut e = expr(i)?;
            let end = expect_punct(i, ")")?;
            e.span = t.span.to(end);
            Ok(e)
        }
        Tok::Punct("[") => array(i),
        Tok::Punct("{") => object(i),
        Tok::Word(w)
            if w.eq_ignore_ascii_case("EXISTS")
                && matches!(peek2(i).kind, Tok::Punct("("))
                && {
                    let mut c = i.clone();
                    bump(&mut c);
                    bump(&mut c);
                    at_kw(&c, "SELECT")
                } =>
        {
            bump(i);
            bump(i);
            let _depth = [deeper(i)?, deeper(i)?, deeper(i)?, deeper(i)?];
            let s = super::query::select(i)?;
            let end = expect_punct(i, ")")?;
            Ok(Expr {
                kind: ExprKind::Exists(Box::new(s)),
                span: t.span.to(end),
            })
        }
        Tok::Word(w) => {
            let up = w.to_ascii_uppercase();
            match up.as_str() {
                "NULL" => {
                    bump(i);
                    lit(Literal::Null)
                }
                "TRUE" | "FALSE" => {
                    bump(i);
                    lit(Literal::Bool(up == "TRUE"))
                }
                "INTERVAL" => {
                    bump(i);
                    let s = peek(i);
                    match &s.kind {
                        Tok::Str(v) => {
                            bump(i);
                            Ok(Expr {
                                kind: ExprKind::Literal(Literal::Interval(v.clone())),
                                span: t.span.to(s.span),
                            })
                        }
                        _ => Err(cut(i, "interval string")),
                    }
                }
                "CASE" => case(i),
                "NEAR" | "WITHIN" if super::spatial::at_near_call(i) => {
                    super::spatial::near_call(i)
                }
                _ if is_reserved(w) && !name_here(i, w) => Err(backtrack(i, "expression")),
                _ => path_or_call(i),
            }
        }
        Tok::DQuoted(_) => path_or_call(i),
        _ => Err(backtrack(i, "expression")),
    }
}

/// `path = ident (. ident)*`, `call = ident ( [DISTINCT] (* | expr, ...) ) [over]`.
fn path_or_call(i: &mut In<'_>) -> PResult<Expr> {
    let first = match &peek(i).kind {
        Tok::Word(w) if name_here(i, w) => any_ident(i)?,
        _ => ident(i)?,
    };
    if at_punct(i, "(") {
        bump(i);
        let distinct = eat_kw(i, "DISTINCT").is_some();
        let mut star = false;
        let mut args = Vec::new();
        if !distinct && at_punct(i, "*") && matches!(peek2(i).kind, Tok::Punct(")")) {
            bump(i);
            star = true;
        } else if !at_punct(i, ")") {
            args = separated(1.., expr, comma).parse_next(i)?;
        }
        let end = expect_punct(i, ")")?;
        let span = first.span.to(end);
        let call = Expr {
            kind: ExprKind::Function {
                name: first,
                args,
                distinct,
                star,
            },
            span,
        };
        if super::window::at_over(i) {
            return super::window::over(i, call);
        }
        return Ok(call);
    }
    if at_punct(i, "[") {
        let e = super::endpoint::endpoint_after(i, first)?;
        let span = e.span;
        return Ok(Expr {
            kind: ExprKind::Endpoint(e),
            span,
        });
    }
    let mut path = vec![first];
    while at_punct(i, ".") && !matches!(peek2(i).kind, Tok::Punct("*")) {
        bump(i);
        path.push(any_ident(i)?);
    }
    let span = path[0].span.to(path[path.len() - 1].span);
    Ok(Expr {
        kind: ExprKind::Path(path),
        span,
    })
}

/// Reserved words that are names where an expression starts, since none of them
/// can begin one there: `SELECT desc, order FROM t ORDER BY order DESC`. The other
/// reserved words (`NOT`, `NULL`, `CASE`, `FROM`, `AND`, ...) stay keywords.
const NAME_KEYWORDS: &[&str] = &[
    "ALTER",
    "ASC",
    "CREATE",
    "CROSS",
    "DELETE",
    "DESC",
    "DESCRIBE",
    "DROP",
    "EXPLAIN",
    "FULL",
    "INNER",
    "INSERT",
    "INTO",
    "JOIN",
    "LEFT",
    "NEAR",
    "ORDER",
    "OUTER",
    "RELATE",
    "RIGHT",
    "SET",
    "SIMILAR",
    "SUBSCRIBE",
    "THRESHOLD",
    "TRAVERSE",
    "UPDATE",
    "VALUES",
    "WITHIN",
];

/// Whether reserved word `w` is a name at the start of an expression.
pub(crate) fn is_name_keyword(w: &str) -> bool {
    NAME_KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(w))
}

/// Whether word `w`, next, is a name here: a name keyword, and not `ORDER BY`.
fn name_here(i: &In<'_>, w: &str) -> bool {
    is_name_keyword(w) && !at_order_by(i)
}

/// Whether `ORDER BY` is next (there `ORDER` is the keyword).
fn at_order_by(i: &In<'_>) -> bool {
    at_kw(i, "ORDER") && matches!(&peek2(i).kind, Tok::Word(w) if w.eq_ignore_ascii_case("BY"))
}

fn case(i: &mut In<'_>) -> PResult<Expr> {
    let start = expect_kw(i, "CASE")?;
    let operand = if at_kw(i, "WHEN") {
        None
    } else {
        Some(Box::new(expr(i)?))
    };
    let mut whens = Vec::new();
    while eat_kw(i, "WHEN").is_some() {
        let w = expr(i)?;
        expect_kw(i, "THEN")?;
        whens.push((w, expr(i)?));
    }
    if whens.is_empty() {
        return Err(cut(i, "WHEN"));
    }
    let else_ = if eat_kw(i, "ELSE").is_some() {
        Some(Box::new(expr(i)?))
    } else {
        None
    };
    let end = expect_kw(i, "END")?;
    Ok(Expr {
        kind: ExprKind::Case {
            operand,
            whens,
            else_,
        },
        span: start.to(end),
    })
}

/// An element of an array or object literal: a double-quoted text is a string here
/// (JSON compatibility), anything else an expression.
fn element(i: &mut In<'_>) -> PResult<Expr> {
    let t = peek(i);
    if let Tok::DQuoted(s) = &t.kind
        && matches!(peek2(i).kind, Tok::Punct("," | "]" | "}"))
    {
        bump(i);
        return Ok(Expr {
            kind: ExprKind::Literal(Literal::String(s.clone())),
            span: t.span,
        });
    }
    expr(i)
}

/// `array = [ [element, ...] ]`.
fn array(i: &mut In<'_>) -> PResult<Expr> {
    let start = expect_punct(i, "[")?;
    let items = if at_punct(i, "]") {
        Vec::new()
    } else {
        separated(1.., element, comma).parse_next(i)?
    };
    let end = expect_punct(i, "]")?;
    Ok(Expr {
        kind: ExprKind::Array(items),
        span: start.to(end),
    })
}

/// `object = { [prop, ...] }`, `prop = key : element | word`, `key = word | 'text' |
/// "text"` (a lone word `a` is `a: a`).
pub(crate) fn object(i: &mut In<'_>) -> PResult<Expr> {
    let start = expect_punct(i, "{")?;
    let props = object_body(i)?;
    let end = expect_punct(i, "}")?;
    Ok(Expr {
        kind: ExprKind::Object(props),
        span: start.to(end),
    })
}

/// The inside of `{..}` (also used for edge properties).
pub(crate) fn object_body(i: &mut In<'_>) -> PResult<Vec<(String, Expr)>> {
    let mut props = Vec::new();
    if at_punct(i, "}") {
        return Ok(props);
    }
    loop {
        if let Some(pair) = super::endpoint::shorthand(i) {
            props.push(pair);
            if eat_punct(i, ",").is_none() {
                return Ok(props);
            }
            continue;
        }
        let t = peek(i);
        let key = match &t.kind {
            Tok::Word(w) | Tok::Str(w) | Tok::DQuoted(w) => w.clone(),
            _ => return Err(cut(i, "object key")),
        };
        bump(i);
        expect_punct(i, ":")?;
        props.push((key, element(i)?));
        if eat_punct(i, ",").is_none() {
            return Ok(props);
        }
    }
}
