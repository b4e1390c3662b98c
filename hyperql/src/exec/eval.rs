//! Expression evaluation with SQL three-valued logic and checked arithmetic.

use crate::ast::{BinaryOp, UnaryOp};
use crate::error::ExecError;
use crate::functions::{Builtin, similarity_from_distance, vector_distance};
use crate::plan::BExpr;
use crate::source::{DataSource, ScalarFunction};
use crate::value::{Document, Value};
use std::cmp::Ordering;
use std::sync::Arc;

/// What evaluation needs besides the row.
pub(crate) struct EvalCtx<'a> {
    /// Statement clock (µs since epoch).
    pub now: i64,
    /// The source (to resolve anchor ids).
    pub source: &'a dyn DataSource,
    /// The source's geometric distance.
    pub geometry: Option<Arc<dyn ScalarFunction>>,
}

type R = Result<Value, ExecError>;

fn truth(v: &Value) -> Result<Option<bool>, ExecError> {
    match v {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        v => Err(ExecError::Type(format!(
            "expected Bool, found {}",
            v.type_name()
        ))),
    }
}

fn opt_bool(b: Option<bool>) -> Value {
    b.map_or(Value::Null, Value::Bool)
}

/// Whether `pred` is TRUE for `row` (NULL and FALSE both reject).
pub(crate) fn is_true(pred: &BExpr, row: &[Value], ctx: &EvalCtx<'_>) -> Result<bool, ExecError> {
    Ok(matches!(eval(pred, row, ctx)?, Value::Bool(true)))
}

/// `text LIKE pattern` (`%` any run, `_` one character).
pub(crate) fn like(text: &str, pattern: &str) -> bool {
    let t: Vec<char> = text.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    let (mut ti, mut pi) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '_' || p[pi] == t[ti]) && p[pi] != '%' {
            ti += 1;
            pi += 1;
        } else if pi < p.len() && p[pi] == '%' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '%')
}

/// Applies an arithmetic operator with SQL NULL propagation and checked integers.
pub(crate) fn arith(op: BinaryOp, a: &Value, b: &Value) -> R {
    use Value::*;
    let overflow = || ExecError::Arithmetic("integer overflow".into());
    Ok(match (a, b) {
        (Null, _) | (_, Null) => Null,
        (Int(x), Int(y)) => match op {
            BinaryOp::Add => Int(x.checked_add(*y).ok_or_else(overflow)?),
            BinaryOp::Sub => Int(x.checked_sub(*y).ok_or_else(overflow)?),
            BinaryOp::Mul => Int(x.checked_mul(*y).ok_or_else(overflow)?),
            BinaryOp::Div | BinaryOp::Mod if *y == 0 => {
                return Err(ExecError::Arithmetic("division by zero".into()));
            }
            BinaryOp::Div => Int(x.checked_div(*y).ok_or_else(overflow)?),
            BinaryOp::Mod => Int(x.checked_rem(*y).ok_or_else(overflow)?),
            _ => {
                return Err(ExecError::Type(format!(
                    "`{}` is not arithmetic",
                    op.symbol()
                )));
            }
        },
        (Int(_) | Float(_), Int(_) | Float(_)) => {
            let (x, y) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
            match op {
                BinaryOp::Add => Float(x + y),
                BinaryOp::Sub => Float(x - y),
                BinaryOp::Mul => Float(x * y),
                BinaryOp::Div | BinaryOp::Mod if y == 0.0 => {
                    return Err(ExecError::Arithmetic("division by zero".into()));
                }
                BinaryOp::Div => Float(x / y),
                BinaryOp::Mod => Float(x % y),
                _ => {
                    return Err(ExecError::Type(format!(
                        "`{}` is not arithmetic",
                        op.symbol()
                    )));
                }
            }
        }
        (Timestamp(t), Interval(d)) if op == BinaryOp::Add => {
            Timestamp(t.checked_add(*d).ok_or_else(overflow)?)
        }
        (Interval(d), Timestamp(t)) if op == BinaryOp::Add => {
            Timestamp(t.checked_add(*d).ok_or_else(overflow)?)
        }
        (Timestamp(t), Interval(d)) if op == BinaryOp::Sub => {
            Timestamp(t.checked_sub(*d).ok_or_else(overflow)?)
        }
        (Timestamp(t), Timestamp(u)) if op == BinaryOp::Sub => {
            Interval(t.checked_sub(*u).ok_or_else(overflow)?)
        }
        (Interval(x), Interval(y)) if op == BinaryOp::Add => {
            Interval(x.checked_add(*y).ok_or_else(overflow)?)
        }
        (Interval(x), Interval(y)) if op == BinaryOp::Sub => {
            Interval(x.checked_sub(*y).ok_or_else(overflow)?)
        }
        _ => {
            return Err(ExecError::Type(format!(
                "cannot apply `{}` to {} and {}",
                op.symbol(),
                a.type_name(),
                b.type_name()
            )));
        }
    })
}

fn compare(op: BinaryOp, a: &Value, b: &Value) -> Value {
    match a.sql_cmp(b) {
        None if a.is_null() || b.is_null() => Value::Null,
        None => Value::Bool(op == BinaryOp::NotEq),
        Some(o) => Value::Bool(match op {
            BinaryOp::Eq => o == Ordering::Equal,
            BinaryOp::NotEq => o != Ordering::Equal,
            BinaryOp::Lt => o == Ordering::Less,
            BinaryOp::LtEq => o != Ordering::Greater,
            BinaryOp::Gt => o == Ordering::Greater,
            _ => o != Ordering::Less,
        }),
    }
}

/// Evaluates a binary operator on two values.
pub(crate) fn binary(op: BinaryOp, a: &Value, b: &Value) -> R {
    match op {
        BinaryOp::And => {
            let (x, y) = (truth(a)?, truth(b)?);
            Ok(opt_bool(match (x, y) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            }))
        }
        BinaryOp::Or => {
            let (x, y) = (truth(a)?, truth(b)?);
            Ok(opt_bool(match (x, y) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            }))
        }
        BinaryOp::Eq
        | BinaryOp::NotEq
        | BinaryOp::Lt
        | BinaryOp::LtEq
        | BinaryOp::Gt
        | BinaryOp::GtEq => Ok(compare(op, a, b)),
        BinaryOp::Concat => Ok(match (a, b) {
            (Value::Null, _) | (_, Value::Null) => Value::Null,
            (Value::String(x), Value::String(y)) => Value::str(&format!("{x}{y}")),
            _ => {
                return Err(ExecError::Type(format!(
                    "cannot concatenate {} and {}",
                    a.type_name(),
                    b.type_name()
                )));
            }
        }),
        _ => arith(op, a, b),
    }
}

/// The geometric point of an anchor: a point as is, or the `field` of the entity with
/// that id.
fn anchor_point(anchor: &Value, path: Option<&[String]>, ctx: &EvalCtx<'_>) -> R {
    if anchor.as_point().is_some() || anchor.is_null() {
        return Ok(anchor.clone());
    }
    let Some(path) = path else {
        return Ok(Value::Null);
    };
    let found = ctx.source.get(None, std::slice::from_ref(anchor))?;
    Ok(found.first().map_or(Value::Null, |d| {
        Value::Object(d.clone()).get_path(path).clone()
    }))
}

/// The geometric distance between a row's position and an anchor.
pub(crate) fn geo_distance(x: &BExpr, anchor: &BExpr, row: &[Value], ctx: &EvalCtx<'_>) -> R {
    let Some(g) = &ctx.geometry else {
        return Err(ExecError::Function(
            "the source has no geometric metric".into(),
        ));
    };
    let p = eval(x, row, ctx)?;
    let path = match x {
        BExpr::Field(_, p) => Some(p.as_slice()),
        _ => None,
    };
    let a = anchor_point(&eval(anchor, row, ctx)?, path, ctx)?;
    if p.is_null() || a.is_null() {
        return Ok(Value::Null);
    }
    Ok(g.call(&[p, a])?)
}

/// `-v`: checked for Int, NULL for NULL.
fn negate(v: Value) -> R {
    Ok(match v {
        Value::Null => Value::Null,
        Value::Int(n) => Value::Int(
            n.checked_neg()
                .ok_or_else(|| ExecError::Arithmetic("integer overflow".into()))?,
        ),
        Value::Float(f) => Value::Float(-f),
        Value::Interval(d) => Value::Interval(-d),
        v => return Err(ExecError::Type(format!("cannot negate {}", v.type_name()))),
    })
}

/// `v [NOT] IN (list)` with SQL NULL semantics: the items are evaluated until one
/// equals `v`; no match after a NULL comparison is NULL.
/// `v [NOT] IN (list)`, three-valued; an empty list holds nothing, so `IN ()` is
/// false and `NOT IN ()` true even for a NULL `v` (as SQLite answers).
fn in_list(v: &Value, list: &[BExpr], neg: bool, row: &[Value], ctx: &EvalCtx<'_>) -> R {
    if list.is_empty() {
        return Ok(Value::Bool(neg));
    }
    let mut saw_null = v.is_null();
    let mut found = false;
    for it in list {
        match compare(BinaryOp::Eq, v, &eval(it, row, ctx)?) {
            Value::Bool(true) => {
                found = true;
                break;
            }
            Value::Null => saw_null = true,
            _ => {}
        }
    }
    Ok(if found {
        Value::Bool(!neg)
    } else if saw_null {
        Value::Null
    } else {
        Value::Bool(neg)
    })
}

/// `a SIMILAR TO b THRESHOLD t`: cosine similarity at least `t`.
fn similar_to(a: &Value, b: &Value, t: &Value) -> R {
    Ok(match (a.as_vector(), b.as_vector(), t.as_f64()) {
        (Some(a), Some(b), Some(t)) => match vector_distance("cosine", &a, &b) {
            Some(d) => Value::Bool(similarity_from_distance("cosine", d) >= t),
            None => {
                return Err(ExecError::Function(format!(
                    "vectors of {} and {} dimensions",
                    a.len(),
                    b.len()
                )));
            }
        },
        _ => Value::Null,
    })
}

/// `CASE [op] WHEN .. THEN .. [ELSE el] END`: the first WHEN that equals `op` (or,
/// without one, is TRUE) gives the value; only the chosen THEN is evaluated.
fn case(
    op: Option<&BExpr>,
    whens: &[(BExpr, BExpr)],
    el: Option<&BExpr>,
    row: &[Value],
    ctx: &EvalCtx<'_>,
) -> R {
    let o = match op {
        Some(o) => Some(eval(o, row, ctx)?),
        None => None,
    };
    for (w, t) in whens {
        let wv = eval(w, row, ctx)?;
        let hit = match &o {
            Some(o) => compare(BinaryOp::Eq, o, &wv) == Value::Bool(true),
            None => wv == Value::Bool(true),
        };
        if hit {
            return eval(t, row, ctx);
        }
    }
    match el {
        Some(x) => eval(x, row, ctx),
        None => Ok(Value::Null),
    }
}

/// Evaluates `e` over `row`.
pub(crate) fn eval(e: &BExpr, row: &[Value], ctx: &EvalCtx<'_>) -> R {
    Ok(match e {
        BExpr::Lit(v) => v.clone(),
        BExpr::Col(i) => row.get(*i).cloned().unwrap_or(Value::Null),
        BExpr::Field(i, p) => row.get(*i).map_or(Value::Null, |v| v.get_path(p).clone()),
        BExpr::Param(p) => return Err(ExecError::MissingParam(p.clone())),
        BExpr::Unary(UnaryOp::Not, x) => opt_bool(truth(&eval(x, row, ctx)?)?.map(|b| !b)),
        BExpr::Unary(UnaryOp::Neg, x) => negate(eval(x, row, ctx)?)?,
        BExpr::Binary(op, a, b) => {
            let l = eval(a, row, ctx)?;
            // Short-circuit where the answer no longer depends on the right side.
            match (op, &l) {
                (BinaryOp::And, Value::Bool(false)) => return Ok(Value::Bool(false)),
                (BinaryOp::Or, Value::Bool(true)) => return Ok(Value::Bool(true)),
                _ => {}
            }
            binary(*op, &l, &eval(b, row, ctx)?)?
        }
        BExpr::IsNull(x, neg) => Value::Bool(eval(x, row, ctx)?.is_null() != *neg),
        BExpr::Between(x, lo, hi, neg) => {
            let v = eval(x, row, ctx)?;
            let a = compare(BinaryOp::GtEq, &v, &eval(lo, row, ctx)?);
            let b = compare(BinaryOp::LtEq, &v, &eval(hi, row, ctx)?);
            let r = binary(BinaryOp::And, &a, &b)?;
            if *neg {
                opt_bool(truth(&r)?.map(|b| !b))
            } else {
                r
            }
        }
        BExpr::InList(x, list, neg) => in_list(&eval(x, row, ctx)?, list, *neg, row, ctx)?,
        BExpr::Like(x, p, neg) => match (eval(x, row, ctx)?, eval(p, row, ctx)?) {
            (Value::String(s), Value::String(p)) => Value::Bool(like(&s, &p) != *neg),
            (Value::Null, _) | (_, Value::Null) => Value::Null,
            (a, _) => {
                return Err(ExecError::Type(format!(
                    "LIKE expects String, found {}",
                    a.type_name()
                )));
            }
        },
        BExpr::SimilarTo(x, q, t) => similar_to(
            &eval(x, row, ctx)?,
            &eval(q, row, ctx)?,
            &eval(t, row, ctx)?,
        )?,
        BExpr::Near(x, a, r) => {
            let d = geo_distance(x, a, row, ctx)?;
            match (d.as_f64(), eval(r, row, ctx)?.as_f64()) {
                (Some(d), Some(r)) => Value::Bool(d <= r),
                _ => Value::Null,
            }
        }
        BExpr::DistanceFrom(x, a) => geo_distance(x, a, row, ctx)?,
        BExpr::Builtin(f, args) => {
            let vals = args
                .iter()
                .map(|a| eval(a, row, ctx))
                .collect::<Result<Vec<_>, _>>()?;
            if !matches!(f, Builtin::Coalesce) && vals.iter().any(Value::is_null) {
                return Ok(Value::Null);
            }
            f.call(&vals, ctx.now).map_err(ExecError::Function)?
        }
        BExpr::External(f, args) => {
            let vals = args
                .iter()
                .map(|a| eval(a, row, ctx))
                .collect::<Result<Vec<_>, _>>()?;
            f.0.call(&vals)?
        }
        BExpr::Case(op, whens, el) => case(op.as_deref(), whens, el.as_deref(), row, ctx)?,
        BExpr::Array(items) => Value::Array(Arc::new(
            items
                .iter()
                .map(|x| eval(x, row, ctx))
                .collect::<Result<_, _>>()?,
        )),
        BExpr::Subquery(_) => {
            return Err(ExecError::Type(
                "subquery was not run before the query".into(),
            ));
        }
        BExpr::Correlated(_) | BExpr::Outer(_) => {
            return Err(ExecError::Type(
                "a subquery that reads the row of the query around it can stand only in WHERE, HAVING and the select list".into(),
            ));
        }
        BExpr::Endpoint {
            collection,
            key,
            path,
        } => super::endpoints::endpoint_value(collection, key, path, row, ctx)?,
        BExpr::Object(kv) => {
            let mut d = Document::default();
            for (k, v) in kv {
                d.insert(k.clone(), eval(v, row, ctx)?);
            }
            Value::Object(Arc::new(d))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns() {
        assert!(like("summer sale", "%sale%"));
        assert!(like("abc", "a_c"));
        assert!(!like("abc", "a_"));
        assert!(like("", "%"));
        assert!(!like("x", ""));
    }

    #[test]
    fn three_valued_logic() {
        let n = Value::Null;
        let (t, f) = (Value::Bool(true), Value::Bool(false));
        assert_eq!(binary(BinaryOp::And, &n, &f).ok(), Some(f.clone()));
        assert_eq!(binary(BinaryOp::And, &n, &t).ok(), Some(Value::Null));
        assert_eq!(binary(BinaryOp::Or, &n, &t).ok(), Some(t.clone()));
        assert_eq!(binary(BinaryOp::Or, &n, &f).ok(), Some(Value::Null));
        assert_eq!(binary(BinaryOp::Eq, &n, &n).ok(), Some(Value::Null));
    }

    #[test]
    fn checked_arithmetic() {
        assert!(arith(BinaryOp::Add, &Value::Int(i64::MAX), &Value::Int(1)).is_err());
        assert!(arith(BinaryOp::Div, &Value::Int(1), &Value::Int(0)).is_err());
        assert!(arith(BinaryOp::Div, &Value::Int(i64::MIN), &Value::Int(-1)).is_err());
        assert_eq!(
            arith(BinaryOp::Mul, &Value::Null, &Value::Int(0)).ok(),
            Some(Value::Null)
        );
    }
}
