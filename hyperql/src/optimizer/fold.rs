//! Rule 1, constant folding: constant sub-expressions become literals, then the
//! filters they leave trivial are dropped (`TRUE`) or emptied (`FALSE`, `NULL`).
//!
//! Invariants this rule keeps:
//! - only deterministic expressions fold: no backend function, no `NOW()` (the
//!   engine binds it to the statement's clock before optimizing; an unbound one must
//!   not be frozen), no `NEAR` or `DISTANCE FROM` (the source's geometry is not
//!   available here);
//! - an expression whose evaluation fails (overflow, division by zero) stays, so the
//!   error is raised at run time only if a row reaches it;
//! - the identities used hold under SQL three-valued logic for every `x`, NULL
//!   included: `FALSE AND x`, `TRUE OR x`, and `TRUE AND x -> x`, `FALSE OR x -> x`,
//!   `NOT NOT x -> x` only when `x` always yields a Bool or NULL. Never `x * 0 -> 0`
//!   nor `x = x -> TRUE`, which are wrong for NULL `x`.

use super::walk::map_children;
use crate::ast::{BinaryOp, UnaryOp};
use crate::exec::{EvalCtx, eval};
use crate::functions::Builtin;
use crate::plan::{BExpr, Plan};
use crate::source::{Capabilities, DataSource, ScanRequest, ScanResponse, Schema, SourceError};
use crate::value::Value;

/// A source that has nothing: folding only evaluates constants.
struct NoSource;

impl DataSource for NoSource {
    fn capabilities(&self) -> Capabilities {
        Capabilities::default()
    }
    fn schema(&self, _: &str) -> Option<Schema> {
        None
    }
    fn scan(&self, _: &ScanRequest) -> Result<ScanResponse<'_>, SourceError> {
        Err(SourceError::Unsupported("scan"))
    }
    fn get(&self, _: Option<&str>, _: &[Value]) -> Result<Vec<crate::source::Record>, SourceError> {
        Err(SourceError::Unsupported("get"))
    }
}

/// Whether `e` always yields a Bool or NULL.
fn is_boolish(e: &BExpr) -> bool {
    matches!(
        e,
        BExpr::Binary(
            BinaryOp::And
                | BinaryOp::Or
                | BinaryOp::Eq
                | BinaryOp::NotEq
                | BinaryOp::Lt
                | BinaryOp::LtEq
                | BinaryOp::Gt
                | BinaryOp::GtEq,
            ..
        ) | BExpr::Unary(UnaryOp::Not, _)
            | BExpr::IsNull(..)
            | BExpr::Between(..)
            | BExpr::InList(..)
            | BExpr::Like(..)
            | BExpr::SimilarTo(..)
            | BExpr::Near(..)
            | BExpr::Lit(Value::Bool(_) | Value::Null)
    )
}

/// Whether `e` yields the same value whenever its inputs are the same.
fn is_deterministic(e: &BExpr) -> bool {
    let mut deterministic = true;
    e.walk(&mut |x| {
        if matches!(
            x,
            BExpr::External(..)
                | BExpr::Builtin(Builtin::Now, _)
                | BExpr::Near(..)
                | BExpr::DistanceFrom(..)
        ) {
            deterministic = false;
        }
    });
    deterministic
}

/// Folds constant sub-expressions bottom-up. Leaves an expression alone when
/// evaluating it fails (overflow, division by zero): the error is raised at run time
/// only if a row reaches it.
pub(crate) fn fold(e: &mut BExpr) {
    for c in e.children_mut() {
        fold(c);
    }
    if is_deterministic(e) && !matches!(e, BExpr::Lit(_)) && e.is_constant() {
        let ctx = EvalCtx {
            now: 0,
            source: &NoSource,
            geometry: None,
        };
        if let Ok(v) = eval(e, &[], &ctx) {
            *e = BExpr::Lit(v);
            return;
        }
    }
    if let Some(r) = three_valued_identity(e) {
        *e = r;
    }
}

/// What `e` simplifies to by an identity that holds for every x (NULL included).
fn three_valued_identity(e: &BExpr) -> Option<BExpr> {
    match e {
        BExpr::Binary(BinaryOp::And, a, b) => match (&**a, &**b) {
            (BExpr::Lit(Value::Bool(false)), _) | (_, BExpr::Lit(Value::Bool(false))) => {
                Some(BExpr::Lit(Value::Bool(false)))
            }
            (BExpr::Lit(Value::Bool(true)), x) | (x, BExpr::Lit(Value::Bool(true)))
                if is_boolish(x) =>
            {
                Some(x.clone())
            }
            _ => None,
        },
        BExpr::Binary(BinaryOp::Or, a, b) => match (&**a, &**b) {
            (BExpr::Lit(Value::Bool(true)), _) | (_, BExpr::Lit(Value::Bool(true))) => {
                Some(BExpr::Lit(Value::Bool(true)))
            }
            (BExpr::Lit(Value::Bool(false)), x) | (x, BExpr::Lit(Value::Bool(false)))
                if is_boolish(x) =>
            {
                Some(x.clone())
            }
            _ => None,
        },
        BExpr::Unary(UnaryOp::Not, x) => match &**x {
            BExpr::Unary(UnaryOp::Not, y) if is_boolish(y) => Some((**y).clone()),
            _ => None,
        },
        _ => None,
    }
}

/// `Filter TRUE` disappears; `Filter FALSE` and `Filter NULL` become `Empty`.
pub(super) fn drop_trivial_filters(plan: Plan) -> Plan {
    let plan = map_children(plan, &drop_trivial_filters);
    match plan {
        Plan::Filter {
            input,
            predicate: BExpr::Lit(Value::Bool(true)),
        } => *input,
        Plan::Filter {
            input,
            predicate: BExpr::Lit(Value::Bool(false) | Value::Null),
        } => Plan::Empty {
            columns: input.columns(),
        },
        p => p,
    }
}
