//! Set operations and recursive table expressions.
//!
//! Rows compare whole, with the equality DISTINCT uses (NULL equals NULL).
//! `UNION ALL` streams both inputs; `UNION` streams them and drops rows already
//! sent. `INTERSECT` and `EXCEPT` first count the right input's rows in a hash
//! table, then stream the left: with `ALL`, a row is kept min(l, r) times
//! (`INTERSECT`) or max(l - r, 0) times (`EXCEPT`); without it, at most once.
//! Hash tables and seen sets are charged to the memory budget.
//!
//! A recursive table expression yields its base rows, then runs its step on the
//! rows the previous round added (the work table, found in
//! [`ExecCtx::work_tables`] when the step's operators are built) until a round adds
//! none. Each round is one batch, so a LIMIT above stops it; the row and memory
//! budgets bound one that never ends, and the interrupt is checked every round.

use super::*;
use crate::ast::SetOp;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

type Counts = HashMap<Row, usize, crate::value::FieldHash>;
type Seen = HashSet<Row, crate::value::FieldHash>;

/// Builds the operator of a [`Plan::SetOp`].
pub(super) fn set_op<'a>(op: SetOp, all: bool, left: BoxOp<'a>, right: BoxOp<'a>) -> BoxOp<'a> {
    match op {
        SetOp::Union => Box::new(Union {
            inputs: vec![left, right],
            seen: (!all).then(Seen::default),
        }),
        SetOp::Intersect | SetOp::Except => Box::new(Matching {
            left,
            right: Some(right),
            counts: Counts::default(),
            intersect: op == SetOp::Intersect,
            all,
            sent: Seen::default(),
        }),
    }
}

/// Adds `r` to `seen`; whether it was new (charged to the memory budget).
fn first_time(seen: &mut Seen, r: &Row, ctx: &mut ExecCtx<'_>) -> Result<bool, ExecError> {
    if seen.contains(r) {
        return Ok(false);
    }
    ctx.grow(row_size(r))?;
    seen.insert(r.clone());
    Ok(true)
}

struct Union<'a> {
    /// Inputs not yet exhausted, in order.
    inputs: Vec<BoxOp<'a>>,
    /// Rows sent, without `ALL`.
    seen: Option<Seen>,
}

impl<'a> Operator<'a> for Union<'a> {
    fn next(&mut self, ctx: &mut ExecCtx<'a>) -> Result<Option<Vec<Row>>, ExecError> {
        while let Some(input) = self.inputs.first_mut() {
            let Some(batch) = input.next(ctx)? else {
                self.inputs.remove(0);
                continue;
            };
            let Some(seen) = &mut self.seen else {
                return Ok(Some(batch));
            };
            let mut out = Vec::new();
            for r in batch {
                if first_time(seen, &r, ctx)? {
                    out.push(r);
                }
            }
            if !out.is_empty() {
                return Ok(Some(out));
            }
        }
        Ok(None)
    }
}

/// INTERSECT and EXCEPT.
struct Matching<'a> {
    left: BoxOp<'a>,
    /// The right input until it is counted.
    right: Option<BoxOp<'a>>,
    /// How many times each right row is left to match.
    counts: Counts,
    intersect: bool,
    all: bool,
    /// Rows sent, without `ALL`.
    sent: Seen,
}

impl Matching<'_> {
    /// Whether left row `r` is part of the result (and takes one of its matches).
    fn keep(&mut self, r: &Row, ctx: &mut ExecCtx<'_>) -> Result<bool, ExecError> {
        let matched = match self.counts.get_mut(r) {
            Some(n) if *n > 0 => {
                if self.all {
                    *n -= 1;
                }
                true
            }
            _ => false,
        };
        if matched != self.intersect {
            return Ok(false);
        }
        if self.all {
            return Ok(true);
        }
        first_time(&mut self.sent, r, ctx)
    }
}

impl<'a> Operator<'a> for Matching<'a> {
    fn next(&mut self, ctx: &mut ExecCtx<'a>) -> Result<Option<Vec<Row>>, ExecError> {
        if let Some(mut right) = self.right.take() {
            while let Some(batch) = right.next(ctx)? {
                for r in batch {
                    match self.counts.get_mut(&r) {
                        Some(n) => *n += 1,
                        None => {
                            ctx.grow(row_size(&r))?;
                            self.counts.insert(r, 1);
                        }
                    }
                }
            }
        }
        while let Some(batch) = self.left.next(ctx)? {
            let mut out = Vec::new();
            for r in batch {
                if self.keep(&r, ctx)? {
                    out.push(r);
                }
            }
            if !out.is_empty() {
                return Ok(Some(out));
            }
        }
        Ok(None)
    }
}

/// Builds the operator of a [`Plan::RecursiveCte`].
pub(super) fn recursive<'a>(name: &str, base: BoxOp<'a>, step: &Plan, all: bool) -> BoxOp<'a> {
    Box::new(Recursive {
        name: name.to_string(),
        base: Some(base),
        step: step.clone(),
        seen: (!all).then(Seen::default),
        held: 0,
        done: false,
    })
}

struct Recursive<'a> {
    /// The work table's name.
    name: String,
    /// The base input, until it is read.
    base: Option<BoxOp<'a>>,
    /// The plan of a later round.
    step: Plan,
    /// Every row produced, without `ALL`.
    seen: Option<Seen>,
    /// Bytes of the work table now held.
    held: usize,
    done: bool,
}

impl<'a> Recursive<'a> {
    /// Keeps the rows of `rows` not produced before (all of them with `ALL`).
    fn new_rows(&mut self, rows: Vec<Row>, ctx: &mut ExecCtx<'a>) -> Result<Vec<Row>, ExecError> {
        let Some(seen) = &mut self.seen else {
            return Ok(rows);
        };
        let mut out = Vec::new();
        for r in rows {
            if first_time(seen, &r, ctx)? {
                out.push(r);
            }
        }
        Ok(out)
    }

    /// Makes `rows` the work table the next round reads.
    fn set_work_table(&mut self, rows: &[Row], ctx: &mut ExecCtx<'a>) -> Result<(), ExecError> {
        ctx.shrink(self.held);
        self.held = rows.iter().map(row_size).sum();
        ctx.grow(self.held)?;
        ctx.work_tables
            .insert(self.name.clone(), Arc::new(rows.to_vec()));
        Ok(())
    }
}

impl<'a> Operator<'a> for Recursive<'a> {
    fn next(&mut self, ctx: &mut ExecCtx<'a>) -> Result<Option<Vec<Row>>, ExecError> {
        if self.done {
            return Ok(None);
        }
        let rows = match self.base.take() {
            Some(mut base) => {
                let mut rows = Vec::new();
                while let Some(b) = base.next(ctx)? {
                    rows.extend(b);
                }
                rows
            }
            None => {
                ctx.req.interrupt().check()?;
                let mut op = build(&self.step, ctx)?;
                let mut rows = Vec::new();
                while let Some(b) = op.next(ctx)? {
                    rows.extend(b);
                }
                rows
            }
        };
        let rows = self.new_rows(rows, ctx)?;
        ctx.rows(rows.len())?;
        if rows.is_empty() {
            self.done = true;
            ctx.shrink(self.held);
            self.held = 0;
            ctx.work_tables.remove(&self.name);
            return Ok(None);
        }
        self.set_work_table(&rows, ctx)?;
        Ok(Some(rows))
    }
}

/// The rows of the work table `name` as its round began.
pub(super) fn work_table<'a>(name: &str, ctx: &ExecCtx<'a>) -> Result<BoxOp<'a>, ExecError> {
    let rows = ctx.work_tables.get(name).ok_or_else(|| {
        ExecError::Type(format!(
            "`{}` can be read only in a FROM of the recursive part of its WITH (not in a subquery)",
            name.split('#').next().unwrap_or(name)
        ))
    })?;
    Ok(Box::new(WorkRows(Some(rows.as_ref().clone()))))
}

struct WorkRows(Option<Vec<Row>>);

impl<'a> Operator<'a> for WorkRows {
    fn next(&mut self, _: &mut ExecCtx<'a>) -> Result<Option<Vec<Row>>, ExecError> {
        Ok(self.0.take().filter(|r| !r.is_empty()))
    }
}
