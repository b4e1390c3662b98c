//! `DISTINCT ON (keys)`: the first row of each group of equal keys, in input order
//! (the input is already sorted by the query's ORDER BY). The keys seen are held and
//! charged to the memory budget.

use super::*;
use crate::plan::BExpr;
use std::collections::HashSet;

pub(crate) fn build<'a>(input: BoxOp<'a>, keys: Vec<BExpr>) -> BoxOp<'a> {
    Box::new(DistinctOn {
        input,
        keys,
        seen: HashSet::default(),
    })
}

struct DistinctOn<'a> {
    input: BoxOp<'a>,
    keys: Vec<BExpr>,
    seen: HashSet<Row, crate::value::FieldHash>,
}

impl<'a> Operator<'a> for DistinctOn<'a> {
    fn next(&mut self, ctx: &mut ExecCtx<'a>) -> Result<Option<Vec<Row>>, ExecError> {
        while let Some(batch) = self.input.next(ctx)? {
            let mut out = Vec::new();
            for r in batch {
                ctx.tick()?;
                let key = self
                    .keys
                    .iter()
                    .map(|e| eval(e, &r, &ctx.eval))
                    .collect::<Result<Row, _>>()?;
                if !self.seen.contains(&key) {
                    ctx.grow(row_size(&key))?;
                    self.seen.insert(key);
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
