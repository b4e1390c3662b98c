//! Scans, filters, projections, sorts, limits and the other single-input operators.

use super::correlated::Resolver;
use super::*;
use crate::plan::{BExpr, KnnPolicy, SortKey};
use crate::source::{
    CmpOp, KnnRequest, NearRequest, Predicate, RecordStream, ScanRequest, TimeRangeRequest,
};
use std::collections::HashSet;

pub(crate) fn build<'a>(plan: &Plan, ctx: &ExecCtx<'a>) -> Result<BoxOp<'a>, ExecError> {
    Ok(match plan {
        Plan::Empty { .. } => Box::new(Rows(None)),
        Plan::Count {
            collection,
            entity,
            columns,
        } => Box::new(Count {
            collection: collection.clone(),
            entity: entity.clone(),
            width: columns.len(),
            done: false,
        }),
        Plan::Unit => Box::new(Rows(Some(vec![Vec::new()]))),
        Plan::Scan {
            collection,
            entity,
            filters,
            projection,
            limit,
            time_field,
            ..
        } => Box::new(Scan {
            req: ScanRequest {
                collection: collection.clone(),
                entity: entity.clone(),
                filters: filters.clone(),
                projection: projection.clone(),
                limit: *limit,
                interrupt: ctx.req.interrupt().clone(),
            },
            time_field: time_field.clone(),
            stream: None,
            residual: Vec::new(),
        }),
        Plan::Knn {
            collection,
            entity,
            field,
            query,
            metric,
            k,
            filters,
            post_filter,
            policy,
            ..
        } => {
            let q = eval(query, &[], &ctx.eval)?
                .as_vector()
                .ok_or_else(|| ExecError::Type("the k-NN query is not a vector".into()))?;
            let req = KnnRequest {
                collection: collection.clone(),
                entity: entity.clone(),
                field: field.clone(),
                query: q,
                metric: metric.clone(),
                k: *k,
                filters: filters.clone(),
            };
            Box::new(Knn {
                req,
                post_filter: post_filter.clone(),
                prefilter: *policy == KnnPolicy::PreFilter,
                done: false,
            })
        }
        Plan::GeoNear {
            collection,
            entity,
            field,
            anchor,
            radius,
            ..
        } => Box::new(GeoNear {
            collection: collection.clone(),
            entity: entity.clone(),
            field: field.clone(),
            anchor: anchor.clone(),
            radius: radius.clone(),
            done: false,
        }),
        Plan::Filter { input, predicate } => Box::new(Filter {
            input: build(input, ctx)?,
            predicate: predicate.clone(),
            resolver: predicate.has_correlated().then(Resolver::default),
        }),
        Plan::Project { input, exprs, .. } => Box::new(Project {
            input: build(input, ctx)?,
            exprs: exprs.clone(),
            resolver: exprs
                .iter()
                .any(BExpr::has_correlated)
                .then(Resolver::default),
        }),
        Plan::Window { input, funcs } => super::window::build(build(input, ctx)?, funcs.clone()),
        Plan::DistinctOn { input, keys } => {
            super::distinct_on::build(build(input, ctx)?, keys.clone())
        }
        Plan::Sort { input, keys, limit } => Box::new(Sort {
            input: Some(build(input, ctx)?),
            keys: keys.clone(),
            limit: *limit,
            out: None,
        }),
        Plan::Limit {
            input,
            limit,
            offset,
        } => limit_op(input, limit.as_ref(), offset.as_ref(), ctx)?,
        Plan::Distinct { input } => Box::new(Distinct {
            input: build(input, ctx)?,
            seen: HashSet::default(),
        }),
        Plan::Join {
            left,
            right,
            kind,
            on,
        } => join::build(
            build(left, ctx)?,
            build(right, ctx)?,
            left.width(),
            right.width(),
            *kind,
            on.clone(),
        ),
        Plan::Aggregate {
            input, group, aggs, ..
        } => aggregate::build(build(input, ctx)?, group.clone(), aggs.clone()),
        Plan::Traverse {
            input,
            steps,
            added,
        } => traverse::build(
            build(input, ctx)?,
            steps.clone(),
            input.width(),
            added.len(),
        ),
        Plan::Subscribe { input } => build(input, ctx)?,
        Plan::SetOp {
            op,
            all,
            left,
            right,
            ..
        } => super::setop::set_op(*op, *all, build(left, ctx)?, build(right, ctx)?),
        Plan::RecursiveCte {
            name,
            base,
            step,
            all,
            ..
        } => super::setop::recursive(name, build(base, ctx)?, step, *all),
        Plan::WorkTable { name, .. } => super::setop::work_table(name, ctx)?,
        Plan::Endpoints { pattern, .. } => super::endpoints::build(pattern, ctx)?,
        other => {
            return Err(ExecError::Type(format!(
                "not a read plan: {}",
                other.explain().trim()
            )));
        }
    })
}

/// `LIMIT` / `OFFSET` over `input`, each evaluated once (without a row) to a
/// non-negative integer.
fn limit_op<'a>(
    input: &Plan,
    limit: Option<&BExpr>,
    offset: Option<&BExpr>,
    ctx: &ExecCtx<'a>,
) -> Result<BoxOp<'a>, ExecError> {
    let limit = limit.map(|e| const_usize(e, &ctx.eval)).transpose()?;
    let skip = offset
        .map(|e| const_usize(e, &ctx.eval))
        .transpose()?
        .unwrap_or(0);
    Ok(Box::new(Limit {
        input: build(input, ctx)?,
        skip,
        left: limit.unwrap_or(usize::MAX),
    }))
}

/// Fixed rows, once.
struct Rows(Option<Vec<Row>>);

impl<'a> Operator<'a> for Rows {
    fn next(&mut self, _: &mut ExecCtx<'a>) -> Result<Option<Vec<Row>>, ExecError> {
        Ok(self.0.take())
    }
}

/// `Plan::Count`: the source's count, or a scan of ids counted here.
struct Count {
    collection: String,
    entity: Option<String>,
    width: usize,
    done: bool,
}

impl<'a> Operator<'a> for Count {
    fn next(&mut self, ctx: &mut ExecCtx<'a>) -> Result<Option<Vec<Row>>, ExecError> {
        if std::mem::replace(&mut self.done, true) {
            return Ok(None);
        }
        let source = ctx.eval.source;
        let n = match source.count(&self.collection, self.entity.as_deref())? {
            Some(n) => n,
            None => {
                let req = ScanRequest {
                    collection: self.collection.clone(),
                    entity: self.entity.clone(),
                    filters: Vec::new(),
                    projection: Some(vec!["id".to_string()]),
                    limit: None,
                    interrupt: ctx.req.interrupt().clone(),
                };
                let mut n = 0u64;
                for rec in source.scan(&req)?.records {
                    rec?;
                    n += 1;
                    ctx.tick()?;
                }
                ctx.stats.rows_scanned += n;
                n
            }
        };
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        Ok(Some(vec![vec![Value::Int(n); self.width]]))
    }
}

struct Scan<'a> {
    req: ScanRequest,
    time_field: Option<String>,
    stream: Option<RecordStream<'a>>,
    residual: Vec<Predicate>,
}

/// Splits the filters on `field` into a `[start, end)` time range and the rest.
fn time_range(req: &ScanRequest, field: &str) -> TimeRangeRequest {
    let (mut start, mut end): (Option<i64>, Option<i64>) = (None, None);
    let mut rest = Vec::new();
    for f in &req.filters {
        match f {
            Predicate::Compare {
                path,
                op,
                value: Value::Timestamp(t),
            } if path.len() == 1 && path[0] == field => {
                let t = *t;
                match op {
                    CmpOp::Gt => {
                        start =
                            Some(start.map_or(t.saturating_add(1), |s| s.max(t.saturating_add(1))))
                    }
                    CmpOp::GtEq => start = Some(start.map_or(t, |s| s.max(t))),
                    CmpOp::Lt => end = Some(end.map_or(t, |e| e.min(t))),
                    CmpOp::LtEq => {
                        end = Some(end.map_or(t.saturating_add(1), |e| e.min(t.saturating_add(1))))
                    }
                    _ => rest.push(f.clone()),
                }
            }
            _ => rest.push(f.clone()),
        }
    }
    TimeRangeRequest {
        scan: ScanRequest {
            filters: rest,
            ..req.clone()
        },
        time_field: field.to_string(),
        start,
        end,
    }
}

impl<'a> Operator<'a> for Scan<'a> {
    fn next(&mut self, ctx: &mut ExecCtx<'a>) -> Result<Option<Vec<Row>>, ExecError> {
        if self.stream.is_none()
            && let Some(field) = &self.time_field
        {
            let tr = time_range(&self.req, field);
            self.req = tr.scan.clone();
            let resp = ctx.eval.source.time_range(&tr)?;
            self.residual = resp
                .unapplied
                .iter()
                .filter_map(|&i| self.req.filters.get(i).cloned())
                .collect();
            // The range itself is trusted to be applied; re-check it when the
            // source reports filters it skipped.
            if !resp.unapplied.is_empty() {
                if let Some(s) = tr.start {
                    self.residual.push(Predicate::Compare {
                        path: vec![field.clone()],
                        op: CmpOp::GtEq,
                        value: Value::Timestamp(s),
                    });
                }
                if let Some(e) = tr.end {
                    self.residual.push(Predicate::Compare {
                        path: vec![field.clone()],
                        op: CmpOp::Lt,
                        value: Value::Timestamp(e),
                    });
                }
            }
            self.stream = Some(resp.records);
        }
        if self.stream.is_none() {
            let resp = ctx.eval.source.scan(&self.req)?;
            self.residual = resp
                .unapplied
                .iter()
                .filter_map(|&i| self.req.filters.get(i).cloned())
                .collect();
            self.stream = Some(resp.records);
        }
        let Some(stream) = self.stream.as_mut() else {
            return Ok(None);
        };
        let mut batch = Vec::with_capacity(ctx.budget.batch_size.min(1024));
        let mut read = 0;
        for rec in stream.by_ref() {
            let rec = rec?;
            read += 1;
            ctx.tick()?;
            if self.residual.iter().all(|p| p.matches(&rec)) {
                batch.push(vec![Value::Object(rec)]);
                if batch.len() >= ctx.budget.batch_size {
                    break;
                }
            }
        }
        ctx.stats.rows_scanned += read as u64;
        ctx.rows(read)?;
        Ok(if batch.is_empty() { None } else { Some(batch) })
    }
}

/// k-NN with the post-filter policy: widen k until enough rows survive.
struct Knn {
    req: KnnRequest,
    post_filter: Option<BExpr>,
    prefilter: bool,
    done: bool,
}

impl<'a> Operator<'a> for Knn {
    fn next(&mut self, ctx: &mut ExecCtx<'a>) -> Result<Option<Vec<Row>>, ExecError> {
        if self.done {
            return Ok(None);
        }
        self.done = true;
        let k = self.req.k;
        // The operator runs once: the request (and its query vector) moves out.
        let mut req = KnnRequest {
            collection: self.req.collection.clone(),
            entity: self.req.entity.clone(),
            field: self.req.field.clone(),
            query: std::mem::take(&mut self.req.query),
            metric: self.req.metric.clone(),
            k,
            filters: Vec::new(),
        };
        let local_filters = if self.prefilter {
            req.filters = std::mem::take(&mut self.req.filters);
            Vec::new()
        } else {
            std::mem::take(&mut self.req.filters)
        };
        let must_filter = self.post_filter.is_some() || !local_filters.is_empty();
        if must_filter {
            req.k = k.saturating_mul(2).max(k + 8);
        }
        loop {
            let hits = ctx.eval.source.knn(&req)?;
            ctx.rows(hits.len())?;
            ctx.stats.rows_scanned += hits.len() as u64;
            let exhausted = hits.len() < req.k;
            let mut out = Vec::new();
            for h in hits {
                if !local_filters.iter().all(|p| p.matches(&h.record)) {
                    continue;
                }
                let row = vec![Value::Object(h.record)];
                if let Some(f) = &self.post_filter
                    && !is_true(f, &row, &ctx.eval)?
                {
                    continue;
                }
                out.push(row);
                if out.len() == k {
                    break;
                }
            }
            if out.len() >= k || exhausted || !must_filter {
                return Ok(if out.is_empty() { None } else { Some(out) });
            }
            req.k = req.k.saturating_mul(2);
        }
    }
}

struct GeoNear {
    collection: String,
    entity: Option<String>,
    field: String,
    anchor: BExpr,
    radius: BExpr,
    done: bool,
}

impl<'a> Operator<'a> for GeoNear {
    fn next(&mut self, ctx: &mut ExecCtx<'a>) -> Result<Option<Vec<Row>>, ExecError> {
        if self.done {
            return Ok(None);
        }
        self.done = true;
        let mut anchor = eval(&self.anchor, &[], &ctx.eval)?;
        if anchor.as_point().is_none() && !anchor.is_null() {
            let found = ctx.eval.source.get(None, std::slice::from_ref(&anchor))?;
            anchor = found
                .first()
                .and_then(|d| d.get(&self.field).cloned())
                .unwrap_or(Value::Null);
        }
        let (Some(point), Some(radius)) = (
            anchor.as_point(),
            eval(&self.radius, &[], &ctx.eval)?.as_f64(),
        ) else {
            return Ok(None);
        };
        let req = NearRequest {
            collection: self.collection.clone(),
            entity: self.entity.clone(),
            field: self.field.clone(),
            anchor: point,
            radius,
            limit: None,
        };
        let hits = ctx.eval.source.near(&req)?;
        ctx.rows(hits.len())?;
        ctx.stats.rows_scanned += hits.len() as u64;
        let out: Vec<Row> = hits
            .into_iter()
            .map(|h| vec![Value::Object(h.record)])
            .collect();
        Ok(if out.is_empty() { None } else { Some(out) })
    }
}

struct Filter<'a> {
    input: BoxOp<'a>,
    predicate: BExpr,
    /// Set when the predicate holds a subquery that reads the row.
    resolver: Option<Resolver>,
}

impl<'a> Operator<'a> for Filter<'a> {
    fn next(&mut self, ctx: &mut ExecCtx<'a>) -> Result<Option<Vec<Row>>, ExecError> {
        while let Some(batch) = self.input.next(ctx)? {
            let mut out = Vec::with_capacity(batch.len());
            for r in batch {
                let keep = match &mut self.resolver {
                    None => is_true(&self.predicate, &r, &ctx.eval)?,
                    Some(res) => {
                        let p = res.resolve(&self.predicate, &r, ctx)?;
                        is_true(&p, &r, &ctx.eval)?
                    }
                };
                if keep {
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

struct Project<'a> {
    input: BoxOp<'a>,
    exprs: Vec<BExpr>,
    /// Set when an expression holds a subquery that reads the row.
    resolver: Option<Resolver>,
}

impl<'a> Operator<'a> for Project<'a> {
    fn next(&mut self, ctx: &mut ExecCtx<'a>) -> Result<Option<Vec<Row>>, ExecError> {
        let Some(batch) = self.input.next(ctx)? else {
            return Ok(None);
        };
        let mut out = Vec::with_capacity(batch.len());
        for r in batch {
            let row = match &mut self.resolver {
                None => self
                    .exprs
                    .iter()
                    .map(|e| eval(e, &r, &ctx.eval))
                    .collect::<Result<Row, _>>()?,
                Some(res) => {
                    let mut row = Vec::with_capacity(self.exprs.len());
                    for e in &self.exprs {
                        let v = if e.has_correlated() {
                            eval(&res.resolve(e, &r, ctx)?, &r, &ctx.eval)?
                        } else {
                            eval(e, &r, &ctx.eval)?
                        };
                        row.push(v);
                    }
                    row
                }
            };
            out.push(row);
        }
        Ok(Some(out))
    }
}

fn cmp_rows(keys: &[SortKey], a: &[Value], b: &[Value]) -> std::cmp::Ordering {
    for (i, k) in keys.iter().enumerate() {
        let o = a[i].total_cmp(&b[i]);
        let o = if k.desc { o.reverse() } else { o };
        if o != std::cmp::Ordering::Equal {
            return o;
        }
    }
    std::cmp::Ordering::Equal
}

/// Sort, or top-k when `limit` is set (holds at most 2k rows). Both are stable: rows
/// with equal keys keep their input order (each row carries its arrival number, the
/// last tie-breaker), so a top-k returns the first rows of the full sort.
struct Sort<'a> {
    input: Option<BoxOp<'a>>,
    keys: Vec<SortKey>,
    limit: Option<usize>,
    out: Option<std::vec::IntoIter<Row>>,
}

impl<'a> Operator<'a> for Sort<'a> {
    fn next(&mut self, ctx: &mut ExecCtx<'a>) -> Result<Option<Vec<Row>>, ExecError> {
        if let Some(mut input) = self.input.take() {
            // (key values, arrival number, row)
            let mut buf: Vec<(Row, usize, Row)> = Vec::new();
            let mut seq = 0usize;
            let mut held = 0usize;
            let keys = self.keys.clone();
            let cmp = |a: &(Row, usize, Row), b: &(Row, usize, Row)| {
                cmp_rows(&keys, &a.0, &b.0).then(a.1.cmp(&b.1))
            };
            let trim = |buf: &mut Vec<(Row, usize, Row)>, k: usize| {
                if buf.len() > k {
                    if k > 0 {
                        buf.select_nth_unstable_by(k - 1, cmp);
                    }
                    buf.truncate(k);
                }
            };
            while let Some(batch) = input.next(ctx)? {
                for r in batch {
                    let kv = self
                        .keys
                        .iter()
                        .map(|k| eval(&k.expr, &r, &ctx.eval))
                        .collect::<Result<Row, _>>()?;
                    let sz = row_size(&r) + row_size(&kv);
                    held += sz;
                    ctx.grow(sz)?;
                    buf.push((kv, seq, r));
                    seq += 1;
                }
                if let Some(k) = self.limit
                    && buf.len() >= (2 * k).max(1024)
                {
                    trim(&mut buf, k);
                    let now: usize = buf.iter().map(|(a, _, b)| row_size(a) + row_size(b)).sum();
                    ctx.shrink(held - now);
                    held = now;
                }
            }
            if let Some(k) = self.limit {
                trim(&mut buf, k);
            }
            buf.sort_by(cmp);
            ctx.shrink(held);
            self.out = Some(
                buf.into_iter()
                    .map(|(_, _, r)| r)
                    .collect::<Vec<_>>()
                    .into_iter(),
            );
        }
        let Some(it) = self.out.as_mut() else {
            return Ok(None);
        };
        let batch: Vec<Row> = it.take(ctx.budget.batch_size).collect();
        Ok(if batch.is_empty() { None } else { Some(batch) })
    }
}

struct Limit<'a> {
    input: BoxOp<'a>,
    skip: usize,
    left: usize,
}

impl<'a> Operator<'a> for Limit<'a> {
    fn next(&mut self, ctx: &mut ExecCtx<'a>) -> Result<Option<Vec<Row>>, ExecError> {
        while self.left > 0 {
            let Some(batch) = self.input.next(ctx)? else {
                return Ok(None);
            };
            let mut it = batch.into_iter();
            if self.skip > 0 {
                let n = self.skip.min(it.len());
                if n > 0 {
                    it.nth(n - 1);
                }
                self.skip -= n;
            }
            let out: Vec<Row> = it.take(self.left).collect();
            self.left -= out.len();
            if !out.is_empty() {
                return Ok(Some(out));
            }
        }
        Ok(None)
    }
}

struct Distinct<'a> {
    input: BoxOp<'a>,
    seen: HashSet<Row, crate::value::FieldHash>,
}

impl<'a> Operator<'a> for Distinct<'a> {
    fn next(&mut self, ctx: &mut ExecCtx<'a>) -> Result<Option<Vec<Row>>, ExecError> {
        while let Some(batch) = self.input.next(ctx)? {
            let mut out = Vec::new();
            for r in batch {
                if !self.seen.contains(&r) {
                    ctx.grow(row_size(&r))?;
                    self.seen.insert(r.clone());
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
