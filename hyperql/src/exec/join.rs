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
        finished: false,
    })
}

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
}

impl<'a> Operator<'a> for HashJoin<'a> {
    fn next(&mut self, ctx: &mut ExecCtx<'a>) -> Result<Option<Vec<Row>>, ExecError> {
        self.build_side(ctx)?;
        if self.finished {
            return Ok(None);
        }
        let keep_left = matches!(self.kind, JoinKind::Left | JoinKind::Full);
        let keep_right = matches!(self.kind, JoinKind::Right | JoinKind::Full);
        while let Some(batch) = self.left.next(ctx)? {
            let mut out = Vec::new();
            for l in batch {
                let all: Vec<usize>;
                let cands: &[usize] = if self.lkeys.is_empty() {
                    all = (0..self.table.len()).collect();
                    &all
                } else {
                    let k = self
                        .lkeys
                        .iter()
                        .map(|e| eval(e, &l, &ctx.eval))
                        .collect::<Result<Row, _>>()?;
                    if k.iter().any(Value::is_null) {
                        &[]
                    } else {
                        self.index.get(&k).map_or(&[][..], |v| v.as_slice())
                    }
                };
                let mut any = false;
                for &i in cands {
                    let mut row = l.clone();
                    row.extend(self.table[i].iter().cloned());
                    if let Some(res) = &self.residual
                        && !is_true(res, &row, &ctx.eval)?
                    {
                        continue;
                    }
                    any = true;
                    self.matched[i] = true;
                    out.push(row);
                }
                if !any && keep_left {
                    let mut row = l;
                    row.extend(std::iter::repeat_n(Value::Null, self.rw));
                    out.push(row);
                }
            }
            ctx.rows(out.len())?;
            if !out.is_empty() {
                return Ok(Some(out));
            }
        }
        self.finished = true;
        ctx.shrink(self.held);
        if keep_right {
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
