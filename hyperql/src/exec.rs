//! The executor: pull-based operators over row batches.
//!
//! Each operator's `next` returns the next batch or `None` when done; a parent pulls
//! only what it needs, so `LIMIT` stops the scans below it early. Rows processed and
//! memory held by materializing operators (hash tables, sorts) are charged against a
//! [`Budget`]; going over ends the query with [`ExecError::RowBudget`] or
//! [`ExecError::MemoryBudget`].

mod aggregate;
mod correlated;
mod distinct_on;
mod endpoints;
mod eval;
mod join;
mod ops;
mod setop;
mod traverse;
mod window;

pub(crate) use correlated::run_uncorrelated;
pub(crate) use eval::{EvalCtx, eval, is_true};

use crate::error::ExecError;
use crate::plan::Plan;
use crate::request::RequestCtx;
use crate::value::Value;
use serde::Serialize;

/// A row: one value per column of the producing plan node.
pub type Row = Vec<Value>;

/// Limits for one query.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Budget {
    /// Most rows any operators may process in total (scanned, joined, expanded).
    pub max_rows: u64,
    /// Most bytes materializing operators may hold at once (approximate).
    pub max_memory: u64,
    /// Most hops of an unbounded `*` quantifier.
    pub max_hops: u32,
    /// Rows per batch.
    pub batch_size: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            max_rows: 100_000_000,
            max_memory: 1 << 30,
            max_hops: 16,
            batch_size: 1024,
        }
    }
}

/// Counters of one run.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq)]
pub struct Stats {
    /// Records read from the source.
    pub rows_scanned: u64,
    /// Rows processed by all operators (what the row budget counts).
    pub rows_processed: u64,
    /// Peak bytes held by materializing operators.
    pub peak_memory: u64,
}

/// Execution state shared by the operators of one query.
pub(crate) struct ExecCtx<'a> {
    pub eval: EvalCtx<'a>,
    pub budget: Budget,
    pub stats: Stats,
    /// The request this statement belongs to: interrupt, memory, progress.
    pub req: &'a RequestCtx,
    /// Bytes this statement's operators hold now.
    memory: u64,
    /// Work done since the interrupt was last checked.
    work: u32,
    /// The work tables of the recursive table expressions running now: the rows
    /// each one's previous round added.
    pub work_tables: std::collections::HashMap<String, std::sync::Arc<Vec<Row>>>,
}

impl<'a> ExecCtx<'a> {
    pub fn new(eval: EvalCtx<'a>, budget: Budget, req: &'a RequestCtx) -> Self {
        ExecCtx {
            eval,
            budget,
            stats: Stats::default(),
            req,
            memory: 0,
            work: 0,
            work_tables: Default::default(),
        }
    }

    /// One unit of work (a row looked at, an edge followed); stops the statement
    /// every few hundred units if the request was cancelled or is past its deadline.
    pub fn tick(&mut self) -> Result<(), ExecError> {
        Ok(self.req.interrupt().check_every(&mut self.work)?)
    }

    /// Counts `n` rows processed (and checks the interrupt).
    pub fn rows(&mut self, n: usize) -> Result<(), ExecError> {
        self.stats.rows_processed += n as u64;
        self.req.progress(n as u64);
        self.req.interrupt().check()?;
        if self.stats.rows_processed > self.budget.max_rows {
            return Err(ExecError::RowBudget {
                limit: self.budget.max_rows,
            });
        }
        Ok(())
    }

    /// Counts `bytes` more held by an operator (released with [`shrink`](Self::shrink)).
    pub fn grow(&mut self, bytes: usize) -> Result<(), ExecError> {
        self.memory += bytes as u64;
        self.stats.peak_memory = self.stats.peak_memory.max(self.memory);
        self.hold(bytes)
    }

    /// Releases `bytes` an operator held.
    pub fn shrink(&mut self, bytes: usize) {
        self.memory = self.memory.saturating_sub(bytes as u64);
        self.req.release(bytes as u64);
    }

    /// Charges `bytes` to the request until it ends (result rows).
    pub fn hold(&mut self, bytes: usize) -> Result<(), ExecError> {
        self.req
            .charge(bytes as u64)
            .map_err(|limit| ExecError::MemoryBudget { limit })
    }
}

impl Drop for ExecCtx<'_> {
    /// What the statement's operators still hold is released when it ends.
    fn drop(&mut self) {
        self.req.release(self.memory);
    }
}

pub(crate) fn row_size(r: &Row) -> usize {
    r.iter().map(Value::approx_size).sum::<usize>() + 24
}

/// A pull-based operator.
pub(crate) trait Operator<'a> {
    /// The next batch, or `None` when exhausted.
    fn next(&mut self, ctx: &mut ExecCtx<'a>) -> Result<Option<Vec<Row>>, ExecError>;
}

pub(crate) type BoxOp<'a> = Box<dyn Operator<'a> + 'a>;

/// Builds the operator tree of a read plan.
pub(crate) fn build<'a>(plan: &Plan, ctx: &ExecCtx<'a>) -> Result<BoxOp<'a>, ExecError> {
    ops::build(plan, ctx)
}

/// Runs `op` to the end, collecting every row.
pub(crate) fn collect<'a>(
    op: &mut BoxOp<'a>,
    ctx: &mut ExecCtx<'a>,
) -> Result<Vec<Row>, ExecError> {
    let mut out = Vec::new();
    while let Some(b) = op.next(ctx)? {
        ctx.hold(b.iter().map(row_size).sum())?;
        out.extend(b);
    }
    Ok(out)
}

/// A constant non-negative integer (LIMIT/OFFSET).
pub(crate) fn const_usize(e: &crate::plan::BExpr, ctx: &EvalCtx<'_>) -> Result<usize, ExecError> {
    match eval(e, &[], ctx)? {
        Value::Int(n) if n >= 0 => Ok(n as usize),
        v => Err(ExecError::BadLimit(v.to_string())),
    }
}
