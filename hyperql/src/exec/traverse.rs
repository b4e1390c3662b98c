//! Graph pattern matching: each step expands every row along edges (depth-first, up to
//! the quantifier's maximum), with trail semantics: no edge twice in one match.
//! The trails on the stack and the rows built count against the memory budget as
//! they are made, and the interrupt is checked per edge, so an expansion that
//! explodes stops with an error instead of holding memory without bound.

use super::*;
use crate::ast::Direction;
use crate::plan::TraverseStep;
use crate::source::{EdgeRecord, TraverseRequest};
use crate::value::Document;
use std::sync::Arc;

pub(crate) fn build<'a>(
    input: BoxOp<'a>,
    steps: Vec<TraverseStep>,
    base: usize,
    _added: usize,
) -> BoxOp<'a> {
    // Column of each step's edge: steps append an edge column then (maybe) a node column.
    let mut edge_cols = Vec::new();
    let mut next = base;
    for s in &steps {
        edge_cols.push(next);
        next += if s.bound_target.is_some() { 1 } else { 2 };
    }
    Box::new(Traverse {
        input,
        steps,
        edge_cols,
    })
}

struct Traverse<'a> {
    input: BoxOp<'a>,
    steps: Vec<TraverseStep>,
    edge_cols: Vec<usize>,
}

fn edge_value(e: &EdgeRecord) -> Value {
    let mut d = Document::default();
    d.insert("id".into(), e.id.clone());
    d.insert("from".into(), e.from.clone());
    d.insert("to".into(), e.to.clone());
    d.insert("label".into(), Value::str(&e.label));
    for (k, v) in e.props.iter() {
        d.insert(k.clone(), v.clone());
    }
    Value::Object(Arc::new(d))
}

/// Approximate bytes of one trail on the stack.
fn trail_size(path: &[EdgeRecord]) -> usize {
    64 + path
        .iter()
        .map(|e| {
            std::mem::size_of::<EdgeRecord>()
                + e.id.approx_size()
                + e.from.approx_size()
                + e.to.approx_size()
                + e.label.len()
        })
        .sum::<usize>()
}

/// Adds `r` to `out`, charging it (and counting it in `held`).
fn push(
    r: Row,
    out: &mut Vec<Row>,
    held: &mut usize,
    ctx: &mut ExecCtx<'_>,
) -> Result<(), ExecError> {
    let sz = row_size(&r);
    *held += sz;
    ctx.grow(sz)?;
    out.push(r);
    Ok(())
}

fn id_of(v: &Value) -> Value {
    v.get_path(&["id".to_string()]).clone()
}

impl Traverse<'_> {
    fn expand(
        &self,
        si: usize,
        row: &Row,
        ctx: &mut ExecCtx<'_>,
        out: &mut Vec<Row>,
        held: &mut usize,
    ) -> Result<(), ExecError> {
        let step = &self.steps[si];
        let start = id_of(&row[step.from_col]);
        let nulls = if step.bound_target.is_some() { 1 } else { 2 };
        let before = out.len();
        if !start.is_null() {
            let mut used: Vec<Value> = Vec::new();
            for &c in &self.edge_cols[..si] {
                match row.get(c) {
                    Some(Value::Array(a)) => used.extend(a.iter().map(id_of)),
                    Some(v @ Value::Object(_)) => used.push(id_of(v)),
                    _ => {}
                }
            }
            let props: Vec<(String, Value)> = step
                .props
                .iter()
                .map(|(k, e)| Ok((k.clone(), eval(e, &[], &ctx.eval)?)))
                .collect::<Result<_, ExecError>>()?;
            let max = step.max.min(ctx.budget.max_hops);
            // Depth-first over (node, path edges, bytes charged for it).
            let first = trail_size(&[]);
            ctx.grow(first)?;
            let mut stack: Vec<(Value, Vec<EdgeRecord>, usize)> = vec![(start, Vec::new(), first)];
            while let Some((node, path, size)) = stack.pop() {
                ctx.shrink(size);
                ctx.tick()?;
                let depth = path.len() as u32;
                if depth >= step.min {
                    self.emit(step, row, &node, &path, ctx, (&mut *out, &mut *held))?;
                }
                if depth >= max {
                    continue;
                }
                let req = TraverseRequest {
                    from: vec![node.clone()],
                    label: step.label.clone(),
                    direction: step.direction,
                    active_only: true,
                };
                let edges = ctx.eval.source.traverse(&req)?;
                ctx.rows(edges.len())?;
                for e in edges {
                    ctx.tick()?;
                    if used.contains(&e.id) || path.iter().any(|p| p.id == e.id) {
                        continue;
                    }
                    if !props.iter().all(|(k, v)| {
                        e.props
                            .get(k)
                            .is_some_and(|x| x.sql_cmp(v).is_some_and(|o| o.is_eq()))
                    }) {
                        continue;
                    }
                    let next = match step.direction {
                        Direction::Out => e.to.clone(),
                        Direction::In => e.from.clone(),
                        Direction::Both => {
                            if e.from == node {
                                e.to.clone()
                            } else {
                                e.from.clone()
                            }
                        }
                    };
                    let mut p = path.clone();
                    p.push(e);
                    let size = trail_size(&p);
                    ctx.grow(size)?;
                    stack.push((next, p, size));
                }
            }
        }
        if out.len() == before && step.optional {
            let mut r = row.clone();
            r.extend(std::iter::repeat_n(Value::Null, nulls));
            push(r, out, held, ctx)?;
        }
        Ok(())
    }

    fn emit(
        &self,
        step: &TraverseStep,
        row: &Row,
        node: &Value,
        path: &[EdgeRecord],
        ctx: &mut ExecCtx<'_>,
        (out, held): (&mut Vec<Row>, &mut usize),
    ) -> Result<(), ExecError> {
        let edge = if step.variable {
            Value::Array(Arc::new(path.iter().map(edge_value).collect()))
        } else {
            path.last().map_or(Value::Null, edge_value)
        };
        let mut r = row.clone();
        r.push(edge);
        match step.bound_target {
            Some(c) => {
                if id_of(&row[c]) != *node {
                    return Ok(());
                }
            }
            None => {
                let found = ctx
                    .eval
                    .source
                    .get(step.node_label.as_deref(), std::slice::from_ref(node))?;
                let Some(doc) = found.into_iter().next() else {
                    return Ok(());
                };
                r.push(Value::Object(doc));
            }
        }
        ctx.rows(1)?;
        push(r, out, held, ctx)
    }
}

impl<'a> Operator<'a> for Traverse<'a> {
    fn next(&mut self, ctx: &mut ExecCtx<'a>) -> Result<Option<Vec<Row>>, ExecError> {
        while let Some(batch) = self.input.next(ctx)? {
            let mut rows = batch;
            let mut held = 0;
            for si in 0..self.steps.len() {
                let (mut next, mut next_held) = (Vec::new(), 0);
                for r in &rows {
                    self.expand(si, r, ctx, &mut next, &mut next_held)?;
                }
                ctx.shrink(held);
                (rows, held) = (next, next_held);
            }
            // The parent holds the batch from here on (and charges it if it keeps it).
            ctx.shrink(held);
            if !rows.is_empty() {
                return Ok(Some(rows));
            }
        }
        Ok(None)
    }
}
