//! Hash join (equi-conditions) with a residual condition; nested loop otherwise.
//! The right side is the build side.

use super::*;
use crate::ast::{BinaryOp, JoinKind};
use crate::plan::BExpr;
use std::collections::HashMap;

/// Splits `on` into AND-ed conjuncts.
pub(crate) fn conjuncts(e: BExpr, out: &mut Vec<BExpr>) {
    match e {
        BExpr::Binary(BinaryOp::And, a, b) => {
            conjuncts(*a, out);
            conjuncts(*b, out);
        }
        e => out.push(e),
    }
}

pub(crate) fn build<'a>(
    left: BoxOp<'a>,
    right: BoxOp<'a>,
    lw: usize,
    rw: usize,
    kind: JoinKind,
    on: Option<BExpr>,
) -> BoxOp<'a> {
    let mut lkeys = Vec::new();
    let mut rkeys = Vec::new();
    let mut residual = Vec::new();
    let mut parts = Vec::new();
    if let Some(on) = on {
        conjuncts(on, &mut parts);
    }
    for c in parts {
        if let BExpr::Binary(BinaryOp::Eq, a, b) = &c {
            let (ua, ub) = (a.columns_used(), b.columns_used());
            let left_only = |u: &[usize]| !u.is_empty() && u.iter().all(|&i| i < lw);
            let right_only = |u: &[usize]| !u.is_empty() && u.iter().all(|&i| i >= lw);
            let pair = if left_only(&ua) && right_only(&ub) {
                Some(((**a).clone(), (**b).clone()))
            } else if right_only(&ua) && left_only(&ub) {
                Some(((**b).clone(), (**a).clone()))
            } else {
                None
            };
            if let Some((l, mut r)) = pair {
                r.remap(&|i| i - lw);
                lkeys.push(l);
                rkeys.push(r);
                continue;
            }
        }
        residual.push(c);
    }
    let residual = residual
        .into_iter()
        .reduce(|a, b| BExpr::Binary(BinaryOp::And, Box::new(a), Box::new(b)));
    Box::new(HashJoin {
        left,
        right: Some(right),
        lw,
        rw,
        kind,
        lkeys,
        rkeys,
        residual,
        table: Vec::new(),
        index: HashMap::default(),
        matched: Vec::new(),
        held: 0,
        pending: std::vec::IntoIter::default(),
        probe: None,
        finished: false,
    })
}

/// A left row being joined: its key (`None` for a cross join: every right row is a
/// candidate), the next candidate to try, and whether any matched yet.
struct Probe {
    row: Row,
    key: Option<Row>,
    next: usize,
    any: bool,
}

/// Produces at most one batch of rows per call, so a join that multiplies rows (a
/// cross join) never builds more than a batch at a time, and checks the interrupt
/// per candidate pair.
struct HashJoin<'a> {
    left: BoxOp<'a>,
    right: Option<BoxOp<'a>>,
    lw: usize,
    rw: usize,
    kind: JoinKind,
    lkeys: Vec<BExpr>,
    rkeys: Vec<BExpr>,
    residual: Option<BExpr>,
    table: Vec<Row>,
    index: HashMap<Row, Vec<usize>, crate::value::FieldHash>,
    matched: Vec<bool>,
    held: usize,
    /// The rest of the left batch being joined.
    pending: std::vec::IntoIter<Row>,
    probe: Option<Probe>,
    finished: bool,
}

impl<'a> HashJoin<'a> {
    fn build_side(&mut self, ctx: &mut ExecCtx<'a>) -> Result<(), ExecError> {
        let Some(mut right) = self.right.take() else {
            return Ok(());
        };
        while let Some(batch) = right.next(ctx)? {
            for r in batch {
                let sz = row_size(&r);
                self.held += sz;
                ctx.grow(sz)?;
                if !self.rkeys.is_empty() {
                    let k = self
                        .rkeys
                        .iter()
                        .map(|e| eval(e, &r, &ctx.eval))
                        .collect::<Result<Row, _>>()?;
                    if !k.iter().any(Value::is_null) {
                        self.index.entry(k).or_default().push(self.table.len());
                    }
                }
                self.table.push(r);
            }
        }
        self.matched = vec![false; self.table.len()];
        Ok(())
    }

    /// The next left row to join, pulling a new left batch when needed; `None` when
    /// the left side is done.
    fn next_probe(&mut self, ctx: &mut ExecCtx<'a>) -> Result<Option<Probe>, ExecError> {
        loop {
            if let Some(row) = self.pending.next() {
                let key = if self.lkeys.is_empty() {
                    None
                } else {
                    Some(
                        self.lkeys
                            .iter()
                            .map(|e| eval(e, &row, &ctx.eval))
                            .collect::<Result<Row, _>>()?,
                    )
                };
                return Ok(Some(Probe {
                    row,
                    key,
                    next: 0,
                    any: false,
                }));
            }
            match self.left.next(ctx)? {
                Some(batch) => self.pending = batch.into_iter(),
                None => return Ok(None),
            }
        }
    }

    /// The `i`th right row that may match `probe`, if any.
    fn candidate(&self, probe: &Probe, i: usize) -> Option<usize> {
        match &probe.key {
            None => (i < self.table.len()).then_some(i),
            Some(k) if k.iter().any(Value::is_null) => None,
            Some(k) => self.index.get(k).and_then(|v| v.get(i).copied()),
        }
    }

    /// Joins left rows into `out` until it holds a batch or the left side is done.
    fn probe(&mut self, ctx: &mut ExecCtx<'a>, out: &mut Vec<Row>) -> Result<(), ExecError> {
        let keep_left = matches!(self.kind, JoinKind::Left | JoinKind::Full);
        let batch = ctx.budget.batch_size.max(1);
        while out.len() < batch {
            let mut probe = match self.probe.take() {
                Some(p) => p,
                None => match self.next_probe(ctx)? {
                    Some(p) => p,
                    None => return Ok(()),
                },
            };
            while out.len() < batch {
                let Some(i) = self.candidate(&probe, probe.next) else {
                    break;
                };
                probe.next += 1;
                ctx.tick()?;
                let mut row = probe.row.clone();
                row.extend(self.table[i].iter().cloned());
                if let Some(res) = &self.residual
                    && !is_true(res, &row, &ctx.eval)?
                {
                    continue;
                }
                probe.any = true;
                self.matched[i] = true;
                out.push(row);
            }
            if self.candidate(&probe, probe.next).is_some() {
                // The batch is full: go on with this row next time.
                self.probe = Some(probe);
                return Ok(());
            }
            if !probe.any && keep_left {
                let mut row = probe.row;
                row.extend(std::iter::repeat_n(Value::Null, self.rw));
                out.push(row);
            }
        }
        Ok(())
    }
}

impl<'a> Operator<'a> for HashJoin<'a> {
    fn next(&mut self, ctx: &mut ExecCtx<'a>) -> Result<Option<Vec<Row>>, ExecError> {
        self.build_side(ctx)?;
        if self.finished {
            return Ok(None);
        }
        let mut out = Vec::new();
        self.probe(ctx, &mut out)?;
        ctx.rows(out.len())?;
        if !out.is_empty() {
            return Ok(Some(out));
        }
        self.finished = true;
        ctx.shrink(self.held);
        if matches!(self.kind, JoinKind::Right | JoinKind::Full) {
            let out: Vec<Row> = self
                .table
                .iter()
                .zip(&self.matched)
                .filter(|(_, m)| !**m)
                .map(|(r, _)| {
                    let mut row: Row = std::iter::repeat_n(Value::Null, self.lw).collect();
                    row.extend(r.iter().cloned());
                    row
                })
                .collect();
            if !out.is_empty() {
                return Ok(Some(out));
            }
        }
        Ok(None)
    }
}
