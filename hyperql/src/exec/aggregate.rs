//! Hash aggregation: groups in first-seen order.

use super::*;
use crate::functions::AggFunc;
use crate::plan::{AggCall, BExpr};
use crate::value::FieldHash;
use indexmap::IndexMap;
use std::collections::HashSet;

pub(crate) fn build<'a>(input: BoxOp<'a>, group: Vec<BExpr>, aggs: Vec<AggCall>) -> BoxOp<'a> {
    Box::new(HashAggregate {
        input: Some(input),
        group,
        aggs,
        out: None,
    })
}

#[derive(Clone)]
struct Acc {
    count: i64,
    int_sum: Option<i64>,
    float_sum: f64,
    any_float: bool,
    best: Value,
    seen: Option<HashSet<Value>>,
}

impl Acc {
    fn new(distinct: bool) -> Acc {
        Acc {
            count: 0,
            int_sum: Some(0),
            float_sum: 0.0,
            any_float: false,
            best: Value::Null,
            seen: distinct.then(HashSet::new),
        }
    }

    fn add(&mut self, func: AggFunc, v: Option<Value>) -> Result<(), ExecError> {
        let Some(v) = v else {
            self.count += 1;
            return Ok(());
        };
        if v.is_null() {
            return Ok(());
        }
        if let Some(seen) = &mut self.seen
            && !seen.insert(v.clone())
        {
            return Ok(());
        }
        self.count += 1;
        match func {
            AggFunc::Count => {}
            AggFunc::Sum | AggFunc::Avg => match v {
                Value::Int(n) => {
                    self.float_sum += n as f64;
                    if func == AggFunc::Sum {
                        self.int_sum = self.int_sum.and_then(|s| s.checked_add(n));
                        if self.int_sum.is_none() && !self.any_float {
                            return Err(ExecError::Arithmetic("integer overflow in SUM".into()));
                        }
                    }
                }
                Value::Float(x) => {
                    self.float_sum += x;
                    self.any_float = true;
                }
                v => {
                    return Err(ExecError::Type(format!(
                        "{} expects numbers, found {}",
                        func.name(),
                        v.type_name()
                    )));
                }
            },
            AggFunc::Min | AggFunc::Max => {
                let better = match self.best.sql_cmp(&v) {
                    None => self.best.is_null(),
                    Some(o) => {
                        (func == AggFunc::Min && o.is_gt()) || (func == AggFunc::Max && o.is_lt())
                    }
                };
                if better {
                    self.best = v;
                }
            }
        }
        Ok(())
    }

    fn finish(&self, func: AggFunc) -> Value {
        match func {
            AggFunc::Count => Value::Int(self.count),
            _ if self.count == 0 => Value::Null,
            AggFunc::Sum if !self.any_float => self.int_sum.map_or(Value::Null, Value::Int),
            AggFunc::Sum => Value::Float(self.float_sum),
            AggFunc::Avg => Value::Float(self.float_sum / self.count as f64),
            AggFunc::Min | AggFunc::Max => self.best.clone(),
        }
    }
}

struct HashAggregate<'a> {
    input: Option<BoxOp<'a>>,
    group: Vec<BExpr>,
    aggs: Vec<AggCall>,
    out: Option<std::vec::IntoIter<Row>>,
}

impl<'a> Operator<'a> for HashAggregate<'a> {
    fn next(&mut self, ctx: &mut ExecCtx<'a>) -> Result<Option<Vec<Row>>, ExecError> {
        if let Some(mut input) = self.input.take() {
            let fresh: Vec<Acc> = self.aggs.iter().map(|a| Acc::new(a.distinct)).collect();
            let mut groups: IndexMap<Row, Vec<Acc>, FieldHash> = IndexMap::default();
            let mut held = 0;
            while let Some(batch) = input.next(ctx)? {
                let mut key: Row = Vec::with_capacity(self.group.len());
                for r in batch {
                    // One key buffer per batch: cloned only when a group is new.
                    key.clear();
                    for e in &self.group {
                        key.push(eval(e, &r, &ctx.eval)?);
                    }
                    let accs = match groups.get_index_of(&key) {
                        Some(i) => &mut groups[i],
                        None => {
                            let sz = row_size(&key) + 64 * fresh.len();
                            held += sz;
                            ctx.grow(sz)?;
                            groups.entry(key.clone()).or_insert_with(|| fresh.clone())
                        }
                    };
                    for (acc, call) in accs.iter_mut().zip(&self.aggs) {
                        let v = match &call.arg {
                            Some(e) => Some(eval(e, &r, &ctx.eval)?),
                            None => None,
                        };
                        acc.add(call.func, v)?;
                    }
                }
            }
            if groups.is_empty() && self.group.is_empty() {
                groups.insert(Vec::new(), fresh);
            }
            ctx.shrink(held);
            let rows: Vec<Row> = groups
                .into_iter()
                .map(|(mut k, accs)| {
                    k.extend(accs.iter().zip(&self.aggs).map(|(a, c)| a.finish(c.func)));
                    k
                })
                .collect();
            self.out = Some(rows.into_iter());
        }
        let Some(it) = self.out.as_mut() else {
            return Ok(None);
        };
        let batch: Vec<Row> = it.take(ctx.budget.batch_size).collect();
        Ok(if batch.is_empty() { None } else { Some(batch) })
    }
}
