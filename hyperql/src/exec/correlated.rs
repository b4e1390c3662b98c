//! Running subqueries inside expressions.
//!
//! [`run_uncorrelated`] replaces, before a query runs, every subquery that reads
//! no outer value by its result: a scalar by its value, `EXISTS` by TRUE or FALSE,
//! `IN (SELECT ..)` by the IN list of its values (so NULLs follow the IN-list
//! rules). [`Resolver`] does the same for the subqueries that read the row of the
//! query around them, once per distinct set of outer values: the Filter and
//! Project operators call it for each row. The subquery's plan gets the outer
//! values as literals and is optimized then (so they reach its scans as filters);
//! its rows count against the statement's row and memory budgets like any other.

use super::*;
use crate::plan::{BExpr, Correlated, SubqueryKind};
use crate::value::Value;
use std::collections::HashMap;

/// Results kept per subquery before the cache is emptied.
const MAX_CACHED: usize = 4096;

/// Replaces, in the top-level expressions of `plan`, every subquery that reads no
/// outer value by its result (subqueries inside those first).
pub(crate) fn run_uncorrelated<'a>(
    plan: &mut Plan,
    ctx: &mut ExecCtx<'a>,
    optimize: bool,
) -> Result<(), ExecError> {
    let mut failure = None;
    crate::optimizer::for_each_expr_mut(plan, &mut |e| {
        if failure.is_none()
            && let Err(err) = resolve_uncorrelated(e, ctx, optimize)
        {
            failure = Some(err);
        }
    });
    failure.map_or(Ok(()), Err)
}

fn resolve_uncorrelated<'a>(
    e: &mut BExpr,
    ctx: &mut ExecCtx<'a>,
    optimize: bool,
) -> Result<(), ExecError> {
    for c in e.children_mut() {
        resolve_uncorrelated(c, ctx, optimize)?;
    }
    match e {
        BExpr::Subquery(p) => {
            let plan = std::mem::replace(&mut **p, Plan::Unit);
            let rows = run(plan, ctx, optimize, None)?;
            *e = scalar(rows)?;
        }
        BExpr::Correlated(c) if c.args.is_empty() => {
            let c = std::mem::replace(
                &mut **c,
                Correlated {
                    kind: SubqueryKind::Scalar,
                    plan: Plan::Unit,
                    args: Vec::new(),
                    operand: None,
                },
            );
            *e = result(c.kind, c.operand, c.plan, &[], ctx, optimize)?;
        }
        _ => {}
    }
    Ok(())
}

/// Runs `plan` (its own subqueries first); with `limit`, stops after that many
/// rows.
fn run<'a>(
    mut plan: Plan,
    ctx: &mut ExecCtx<'a>,
    optimize: bool,
    limit: Option<usize>,
) -> Result<Vec<Row>, ExecError> {
    run_uncorrelated(&mut plan, ctx, optimize)?;
    if optimize {
        plan = crate::optimizer::optimize(plan, &ctx.eval.source.capabilities());
    }
    let mut op = build(&plan, ctx)?;
    let mut out = Vec::new();
    while let Some(b) = op.next(ctx)? {
        out.extend(b);
        if limit.is_some_and(|n| out.len() >= n) {
            break;
        }
    }
    Ok(out)
}

/// A scalar subquery's value: NULL without rows, an error with more than one.
fn scalar(rows: Vec<Row>) -> Result<BExpr, ExecError> {
    if rows.len() > 1 {
        return Err(ExecError::Type(format!(
            "a subquery used as a value returned {} rows",
            rows.len()
        )));
    }
    Ok(BExpr::Lit(
        rows.into_iter()
            .next()
            .and_then(|r| r.into_iter().next())
            .unwrap_or(Value::Null),
    ))
}

/// What subquery `plan` of `kind` stands for, with outer values `args`.
fn result<'a>(
    kind: SubqueryKind,
    operand: Option<BExpr>,
    mut plan: Plan,
    args: &[Value],
    ctx: &mut ExecCtx<'a>,
    optimize: bool,
) -> Result<BExpr, ExecError> {
    if !args.is_empty() {
        bind_outer(&mut plan, args);
    }
    Ok(match kind {
        SubqueryKind::Scalar => scalar(run(plan, ctx, optimize, Some(2))?)?,
        SubqueryKind::Exists => {
            BExpr::Lit(Value::Bool(!run(plan, ctx, optimize, Some(1))?.is_empty()))
        }
        SubqueryKind::In { negated } => {
            let items = run(plan, ctx, optimize, None)?
                .into_iter()
                .map(|r| BExpr::Lit(r.into_iter().next().unwrap_or(Value::Null)))
                .collect();
            let x = operand.unwrap_or(BExpr::Lit(Value::Null));
            BExpr::InList(Box::new(x), items, negated)
        }
    })
}

/// Puts outer value `args[k]` in place of each `Outer(k)` of `plan`'s own level
/// (the arguments of its subqueries included, their plans not).
fn bind_outer(plan: &mut Plan, args: &[Value]) {
    fn subst(e: &mut BExpr, args: &[Value]) {
        if let BExpr::Outer(k) = e {
            *e = BExpr::Lit(args.get(*k).cloned().unwrap_or(Value::Null));
            return;
        }
        for c in e.children_mut() {
            subst(c, args);
        }
    }
    crate::optimizer::for_each_expr_mut(plan, &mut |e| subst(e, args));
}

/// Resolves correlated subqueries row by row, keeping the results of recent
/// outer values.
#[derive(Default)]
pub(crate) struct Resolver {
    cache: HashMap<(usize, Vec<Value>), BExpr, crate::value::FieldHash>,
}

impl Resolver {
    /// `e` with each subquery that reads outer values replaced by its result for
    /// `row` (`e` must hold one: see [`BExpr::has_correlated`]).
    pub(crate) fn resolve<'a>(
        &mut self,
        e: &BExpr,
        row: &[Value],
        ctx: &mut ExecCtx<'a>,
    ) -> Result<BExpr, ExecError> {
        let mut out = e.clone();
        self.replace(e, &mut out, row, ctx)?;
        Ok(out)
    }

    /// Walks `orig` and its copy `e` together (the cache key is the address of
    /// the subquery in `orig`, stable for the operator's life).
    fn replace<'a>(
        &mut self,
        orig: &BExpr,
        e: &mut BExpr,
        row: &[Value],
        ctx: &mut ExecCtx<'a>,
    ) -> Result<(), ExecError> {
        if let BExpr::Correlated(c) = orig
            && !c.args.is_empty()
        {
            let args = c
                .args
                .iter()
                .map(|a| eval(a, row, &ctx.eval))
                .collect::<Result<Vec<_>, _>>()?;
            let key = (std::ptr::from_ref::<Correlated>(c) as usize, args);
            let found = match self.cache.get(&key) {
                Some(r) => r.clone(),
                None => {
                    let r = result(c.kind, c.operand.clone(), c.plan.clone(), &key.1, ctx, true)?;
                    if self.cache.len() >= MAX_CACHED {
                        self.cache.clear();
                    }
                    self.cache.insert(key, r.clone());
                    r
                }
            };
            *e = found;
            return Ok(());
        }
        for (o, x) in orig.children().into_iter().zip(e.children_mut()) {
            self.replace(o, x, row, ctx)?;
        }
        Ok(())
    }
}
