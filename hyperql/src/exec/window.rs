//! Window functions. Moving averages alone stream in arrival order; anything else
//! holds every input row (charged to the memory budget), computes each function per
//! partition in its order, and emits the rows in arrival order with one column
//! appended per function. Aggregates slide over their frames: each frame's ends only
//! move forward, so a row enters and leaves the running aggregate once.

use super::*;
use crate::ast::FrameUnits;
use crate::functions::AggFunc;
use crate::plan::{BExpr, Frame, FrameEdge, WindowFunc, WindowKind};
use std::cmp::Ordering;
use std::collections::VecDeque;

pub(crate) fn build<'a>(input: BoxOp<'a>, funcs: Vec<WindowFunc>) -> BoxOp<'a> {
    if funcs.iter().all(WindowFunc::is_streaming) {
        let state = funcs.iter().map(|_| (VecDeque::new(), 0.0)).collect();
        return Box::new(Streaming {
            input,
            funcs,
            state,
        });
    }
    Box::new(Materialized {
        input: Some(input),
        funcs,
        out: None,
    })
}

/// One step of `MOVING_AVG(e, n)`: `x` enters the window of the last `n` values.
fn moving_avg(n: usize, win: &mut VecDeque<f64>, sum: &mut f64, x: Option<f64>) -> Value {
    let Some(x) = x else {
        return Value::Null;
    };
    win.push_back(x);
    *sum += x;
    if win.len() > n {
        *sum -= win.pop_front().unwrap_or(0.0);
    }
    Value::Float(*sum / win.len() as f64)
}

/// Moving averages only: computed as the rows pass.
struct Streaming<'a> {
    input: BoxOp<'a>,
    funcs: Vec<WindowFunc>,
    state: Vec<(VecDeque<f64>, f64)>,
}

impl<'a> Operator<'a> for Streaming<'a> {
    fn next(&mut self, ctx: &mut ExecCtx<'a>) -> Result<Option<Vec<Row>>, ExecError> {
        let Some(mut batch) = self.input.next(ctx)? else {
            return Ok(None);
        };
        for r in &mut batch {
            let mut extra = Vec::with_capacity(self.funcs.len());
            for (f, (win, sum)) in self.funcs.iter().zip(&mut self.state) {
                let WindowKind::MovingAvg(n) = f.kind else {
                    continue;
                };
                let x = match f.args.first() {
                    Some(e) => eval(e, r, &ctx.eval)?.as_f64(),
                    None => None,
                };
                extra.push(moving_avg(n, win, sum, x));
            }
            r.extend(extra);
        }
        Ok(Some(batch))
    }
}

/// Everything else: all rows first, then each function.
struct Materialized<'a> {
    input: Option<BoxOp<'a>>,
    funcs: Vec<WindowFunc>,
    out: Option<std::vec::IntoIter<Row>>,
}

impl<'a> Operator<'a> for Materialized<'a> {
    fn next(&mut self, ctx: &mut ExecCtx<'a>) -> Result<Option<Vec<Row>>, ExecError> {
        if let Some(mut input) = self.input.take() {
            let mut rows: Vec<Row> = Vec::new();
            let mut held = 0usize;
            while let Some(batch) = input.next(ctx)? {
                for r in batch {
                    ctx.tick()?;
                    let sz = row_size(&r);
                    held += sz;
                    ctx.grow(sz)?;
                    rows.push(r);
                }
            }
            let mut columns = Vec::with_capacity(self.funcs.len());
            for f in &self.funcs {
                columns.push(compute(f, &rows, ctx, &mut held)?);
            }
            for (i, r) in rows.iter_mut().enumerate() {
                for c in &mut columns {
                    r.push(std::mem::take(&mut c[i]));
                }
            }
            ctx.shrink(held);
            self.out = Some(rows.into_iter());
        }
        let Some(it) = self.out.as_mut() else {
            return Ok(None);
        };
        let batch: Vec<Row> = it.take(ctx.budget.batch_size).collect();
        Ok(if batch.is_empty() { None } else { Some(batch) })
    }
}

/// What one row contributes to one function.
struct Entry {
    part: Row,
    order: Row,
    args: Row,
}

/// The column of `f` over `rows`, in arrival order.
fn compute(
    f: &WindowFunc,
    rows: &[Row],
    ctx: &mut ExecCtx<'_>,
    held: &mut usize,
) -> Result<Vec<Value>, ExecError> {
    let eval_all = |es: &[BExpr], r: &Row, ctx: &ExecCtx<'_>| -> Result<Row, ExecError> {
        es.iter().map(|e| eval(e, r, &ctx.eval)).collect()
    };
    let order_exprs: Vec<BExpr> = f.order.iter().map(|k| k.expr.clone()).collect();
    let mut entries = Vec::with_capacity(rows.len());
    for r in rows {
        ctx.tick()?;
        let e = Entry {
            part: eval_all(&f.partition, r, ctx)?,
            order: eval_all(&order_exprs, r, ctx)?,
            args: eval_all(&f.args, r, ctx)?,
        };
        let sz = row_size(&e.part) + row_size(&e.order) + row_size(&e.args) + 8;
        *held += sz;
        ctx.grow(sz)?;
        entries.push(e);
    }
    let mut out = vec![Value::Null; rows.len()];
    if let WindowKind::MovingAvg(n) = f.kind {
        let (mut win, mut sum) = (VecDeque::new(), 0.0);
        for (i, e) in entries.iter().enumerate() {
            let x = e.args.first().and_then(Value::as_f64);
            out[i] = moving_avg(n, &mut win, &mut sum, x);
        }
        return Ok(out);
    }
    let cmp_order = |a: &Entry, b: &Entry| -> Ordering {
        for (k, (x, y)) in f.order.iter().zip(a.order.iter().zip(&b.order)) {
            let o = x.total_cmp(y);
            let o = if k.desc { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    };
    let cmp_part = |a: &Entry, b: &Entry| -> Ordering {
        for (x, y) in a.part.iter().zip(&b.part) {
            match x.total_cmp(y) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        Ordering::Equal
    };
    let mut idx: Vec<usize> = (0..rows.len()).collect();
    // Stable: rows equal in partition and order keep their arrival order.
    idx.sort_by(|&a, &b| {
        cmp_part(&entries[a], &entries[b]).then_with(|| cmp_order(&entries[a], &entries[b]))
    });
    let offsets = FrameOffsets::new(&f.frame, ctx)?;
    let mut start = 0;
    while start < idx.len() {
        let mut end = start + 1;
        while end < idx.len()
            && cmp_part(&entries[idx[start]], &entries[idx[end]]) == Ordering::Equal
        {
            end += 1;
        }
        let part = &idx[start..end];
        // Peer groups: the first row of the group each row belongs to, and its end.
        let mut peer_start = vec![0usize; part.len()];
        let mut peer_end = vec![0usize; part.len()];
        let mut g = 0;
        for j in 1..=part.len() {
            if j == part.len() || cmp_order(&entries[part[g]], &entries[part[j]]) != Ordering::Equal
            {
                for k in g..j {
                    peer_start[k] = g;
                    peer_end[k] = j;
                }
                g = j;
            }
        }
        let nulls = part
            .iter()
            .filter(|&&r| entries[r].order.first().is_some_and(Value::is_null))
            .count();
        let desc = f.order.first().is_some_and(|k| k.desc);
        let peers = Peers {
            start: &peer_start,
            end: &peer_end,
            keyed: if desc {
                (nulls, part.len())
            } else {
                (0, part.len() - nulls)
            },
        };
        partition(f, part, &entries, &peers, &offsets, ctx, &mut out)?;
        start = end;
    }
    let freed: usize = entries
        .iter()
        .map(|e| row_size(&e.part) + row_size(&e.order) + row_size(&e.args) + 8)
        .sum();
    ctx.shrink(freed);
    *held -= freed.min(*held);
    Ok(out)
}

/// Where each row's peer group (rows equal in the ORDER BY keys) starts and ends.
struct Peers<'p> {
    start: &'p [usize],
    end: &'p [usize],
    /// The positions whose first ORDER BY key is not NULL (NULLs sort last, or first
    /// when descending).
    keyed: (usize, usize),
}

/// A frame's offsets, evaluated once.
struct FrameOffsets {
    units: FrameUnits,
    start: Edge,
    end: Edge,
}

#[derive(Clone)]
enum Edge {
    Unbounded,
    Current,
    /// (offset, preceding)
    Offset(Value, bool),
}

impl FrameOffsets {
    fn new(frame: &Frame, ctx: &ExecCtx<'_>) -> Result<FrameOffsets, ExecError> {
        let edge = |e: &FrameEdge| -> Result<Edge, ExecError> {
            Ok(match e {
                FrameEdge::UnboundedPreceding | FrameEdge::UnboundedFollowing => Edge::Unbounded,
                FrameEdge::CurrentRow => Edge::Current,
                FrameEdge::Preceding(x) | FrameEdge::Following(x) => {
                    let v = eval(x, &[], &ctx.eval)?;
                    let ok = match (&v, frame.units) {
                        (Value::Int(n), _) => *n >= 0,
                        (Value::Float(x), FrameUnits::Range) => *x >= 0.0,
                        (Value::Interval(d), FrameUnits::Range) => *d >= 0,
                        _ => false,
                    };
                    if !ok {
                        return Err(ExecError::Type(format!(
                            "a window frame offset must be a non-negative {}, got {v}",
                            if frame.units == FrameUnits::Rows {
                                "integer"
                            } else {
                                "number or interval"
                            }
                        )));
                    }
                    Edge::Offset(v, matches!(e, FrameEdge::Preceding(_)))
                }
            })
        };
        Ok(FrameOffsets {
            units: frame.units,
            start: edge(&frame.start)?,
            end: edge(&frame.end)?,
        })
    }
}

/// `v + d` (or `v - d` when `minus`) for a RANGE bound, saturating; an error for a key
/// and an offset that do not go together.
fn shift(v: &Value, d: &Value, minus: bool) -> Result<Value, ExecError> {
    let sign = if minus { -1 } else { 1 };
    Ok(match (v, d) {
        (Value::Timestamp(t), Value::Interval(x)) => Value::Timestamp(if minus {
            t.saturating_sub(*x)
        } else {
            t.saturating_add(*x)
        }),
        (Value::Int(a), Value::Int(b)) => Value::Int(if minus {
            a.saturating_sub(*b)
        } else {
            a.saturating_add(*b)
        }),
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
            Value::Float(v.as_f64().unwrap_or(0.0) + f64::from(sign) * d.as_f64().unwrap_or(0.0))
        }
        _ => {
            return Err(ExecError::Type(format!(
                "RANGE with an offset of {} cannot order by a {} key (an INTERVAL needs a timestamp, a number a number)",
                d.type_name(),
                v.type_name()
            )));
        }
    })
}

static NULL: Value = Value::Null;

/// The frame `[lo, hi)` of row `j` of a partition (positions in the partition).
fn frame_of(
    j: usize,
    part: &[usize],
    entries: &[Entry],
    desc: bool,
    peers: &Peers<'_>,
    fo: &FrameOffsets,
) -> Result<(usize, usize), ExecError> {
    let n = part.len();
    if fo.units == FrameUnits::Rows {
        let lo = match &fo.start {
            Edge::Unbounded => 0,
            Edge::Current => j,
            Edge::Offset(v, pre) => {
                let k = usize::try_from(int_of(v)).unwrap_or(usize::MAX);
                if *pre {
                    j.saturating_sub(k)
                } else {
                    j.saturating_add(k).min(n)
                }
            }
        };
        let hi = match &fo.end {
            Edge::Unbounded => n,
            Edge::Current => j + 1,
            Edge::Offset(v, pre) => {
                let k = usize::try_from(int_of(v)).unwrap_or(usize::MAX);
                if *pre {
                    (j + 1).saturating_sub(k)
                } else {
                    j.saturating_add(k).saturating_add(1).min(n)
                }
            }
        };
        return Ok((lo, hi));
    }
    let key = |p: usize| entries[part[p]].order.first().unwrap_or(&NULL);
    let here = key(j);
    // RANGE: the first row whose key is not before `bound` (a start) or the first
    // row after `bound` (an end), among the rows with a key.
    let (nn_lo, nn_hi) = peers.keyed;
    let before = |a: &Value, b: &Value| {
        let o = a.total_cmp(b);
        if desc {
            o == Ordering::Greater
        } else {
            o == Ordering::Less
        }
    };
    let search = |edge: &Edge, is_start: bool| -> Result<usize, ExecError> {
        Ok(match edge {
            Edge::Unbounded => {
                if is_start {
                    0
                } else {
                    n
                }
            }
            Edge::Current => {
                if is_start {
                    peers.start[j]
                } else {
                    peers.end[j]
                }
            }
            Edge::Offset(_, _) if here.is_null() => {
                if is_start {
                    peers.start[j]
                } else {
                    peers.end[j]
                }
            }
            Edge::Offset(d, pre) => {
                // Preceding goes against the order: down for ASC, up for DESC.
                let bound = shift(here, d, *pre != desc)?;
                if is_start {
                    first_not(nn_lo, nn_hi, |p| before(key(p), &bound))
                } else {
                    first_not(nn_lo, nn_hi, |p| !before(&bound, key(p)))
                }
            }
        })
    };
    Ok((search(&fo.start, true)?, search(&fo.end, false)?))
}

/// The first position in `[lo, hi)` where `pred` fails (`pred` holds on a prefix).
fn first_not(mut lo: usize, mut hi: usize, pred: impl Fn(usize) -> bool) -> usize {
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

fn int_of(v: &Value) -> i64 {
    match v {
        Value::Int(n) => *n,
        _ => 0,
    }
}

/// Computes `f` over one partition (`part`: row numbers in window order).
fn partition(
    f: &WindowFunc,
    part: &[usize],
    entries: &[Entry],
    peers: &Peers<'_>,
    fo: &FrameOffsets,
    ctx: &mut ExecCtx<'_>,
    out: &mut [Value],
) -> Result<(), ExecError> {
    let n = part.len();
    match f.kind {
        WindowKind::RowNumber => {
            for (j, &r) in part.iter().enumerate() {
                out[r] = Value::Int(j as i64 + 1);
            }
        }
        WindowKind::Rank => {
            for (j, &r) in part.iter().enumerate() {
                out[r] = Value::Int(peers.start[j] as i64 + 1);
            }
        }
        WindowKind::DenseRank => {
            let mut rank = 0i64;
            for (j, &r) in part.iter().enumerate() {
                if peers.start[j] == j {
                    rank += 1;
                }
                out[r] = Value::Int(rank);
            }
        }
        WindowKind::Lag | WindowKind::Lead => {
            for (j, &r) in part.iter().enumerate() {
                ctx.tick()?;
                let args = &entries[r].args;
                let off = match args.get(1) {
                    None => 1,
                    Some(Value::Null) => {
                        out[r] = Value::Null;
                        continue;
                    }
                    Some(Value::Int(k)) if *k >= 0 => *k as usize,
                    Some(v) => {
                        return Err(ExecError::Type(format!(
                            "the offset of {} must be a non-negative integer, got {v}",
                            f.kind.name()
                        )));
                    }
                };
                let target = if f.kind == WindowKind::Lag {
                    j.checked_sub(off)
                } else {
                    j.checked_add(off).filter(|&t| t < n)
                };
                out[r] = match target {
                    Some(t) => entries[part[t]].args.first().cloned().unwrap_or_default(),
                    None => args.get(2).cloned().unwrap_or_default(),
                };
            }
        }
        WindowKind::Agg(func) => {
            let desc = f.order.first().is_some_and(|k| k.desc);
            let value = |p: usize| entries[part[p]].args.first();
            let mut acc = Sliding::new(func);
            let (mut lo, mut hi) = (0usize, 0usize);
            for j in 0..n {
                ctx.tick()?;
                let (want_lo, want_hi) = frame_of(j, part, entries, desc, peers, fo)?;
                let want_hi = want_hi.max(want_lo);
                if want_lo < lo || want_hi < hi {
                    acc = Sliding::new(func);
                    (lo, hi) = (want_lo, want_lo);
                }
                while hi < want_hi {
                    acc.add(hi, value(hi))?;
                    hi += 1;
                }
                while lo < want_lo {
                    if lo < hi {
                        acc.remove(lo, value(lo));
                    }
                    lo += 1;
                }
                hi = hi.max(lo);
                out[part[j]] = acc.finish()?;
            }
        }
        WindowKind::MovingAvg(_) => {}
    }
    Ok(())
}

/// A running aggregate rows enter at the back and leave at the front.
struct Sliding {
    func: AggFunc,
    /// Rows (COUNT(*)) or non-NULL values in the frame.
    count: i64,
    int_sum: i128,
    float_sum: f64,
    floats: usize,
    /// MIN / MAX candidates: (position, value), best first.
    best: VecDeque<(usize, Value)>,
}

impl Sliding {
    fn new(func: AggFunc) -> Sliding {
        Sliding {
            func,
            count: 0,
            int_sum: 0,
            float_sum: 0.0,
            floats: 0,
            best: VecDeque::new(),
        }
    }

    /// Whether `a` is at least as good as `b` for MIN / MAX.
    fn beats(&self, a: &Value, b: &Value) -> bool {
        let o = a.total_cmp(b);
        if self.func == AggFunc::Min {
            o != Ordering::Greater
        } else {
            o != Ordering::Less
        }
    }

    fn add(&mut self, pos: usize, v: Option<&Value>) -> Result<(), ExecError> {
        let Some(v) = v else {
            self.count += 1;
            return Ok(());
        };
        if v.is_null() {
            return Ok(());
        }
        self.count += 1;
        match self.func {
            AggFunc::Count => {}
            AggFunc::Sum | AggFunc::Avg => match v {
                Value::Int(n) => self.int_sum += i128::from(*n),
                Value::Float(x) => {
                    self.float_sum += x;
                    self.floats += 1;
                }
                v => {
                    return Err(ExecError::Type(format!(
                        "{} expects numbers, found {}",
                        self.func.name(),
                        v.type_name()
                    )));
                }
            },
            AggFunc::Min | AggFunc::Max => {
                while self.best.back().is_some_and(|(_, b)| self.beats(v, b)) {
                    self.best.pop_back();
                }
                self.best.push_back((pos, v.clone()));
            }
        }
        Ok(())
    }

    fn remove(&mut self, pos: usize, v: Option<&Value>) {
        let Some(v) = v else {
            self.count -= 1;
            return;
        };
        if v.is_null() {
            return;
        }
        self.count -= 1;
        match (self.func, v) {
            (AggFunc::Sum | AggFunc::Avg, Value::Int(n)) => self.int_sum -= i128::from(*n),
            (AggFunc::Sum | AggFunc::Avg, Value::Float(x)) => {
                self.float_sum -= x;
                self.floats = self.floats.saturating_sub(1);
                if self.floats == 0 {
                    self.float_sum = 0.0;
                }
            }
            _ => {}
        }
        if self.best.front().is_some_and(|(p, _)| *p == pos) {
            self.best.pop_front();
        }
    }

    fn finish(&self) -> Result<Value, ExecError> {
        Ok(match self.func {
            AggFunc::Count => Value::Int(self.count),
            _ if self.count == 0 => Value::Null,
            AggFunc::Sum if self.floats == 0 => match i64::try_from(self.int_sum) {
                Ok(s) => Value::Int(s),
                Err(_) => return Err(ExecError::Arithmetic("integer overflow in SUM".into())),
            },
            AggFunc::Sum => Value::Float(self.int_sum as f64 + self.float_sum),
            AggFunc::Avg => {
                Value::Float((self.int_sum as f64 + self.float_sum) / self.count as f64)
            }
            AggFunc::Min | AggFunc::Max => {
                self.best.front().map_or(Value::Null, |(_, v)| v.clone())
            }
        })
    }
}
