//! Endpoints in the executor: the rows of `ENDPOINTS(pattern)` and the value of
//! `collection[key].path`.

use super::*;
use crate::plan::BExpr;
use crate::source::{EndpointPattern, EndpointStream, EndpointsRequest, SourceError, key_text};
use crate::value::Document;
use std::sync::Arc;

/// The pattern of `ENDPOINTS(..)`, evaluated and parsed.
fn pattern(e: &BExpr, ctx: &EvalCtx<'_>) -> Result<EndpointPattern, ExecError> {
    match eval(e, &[], ctx)? {
        Value::String(s) => EndpointPattern::parse(&s)
            .map_err(|e| ExecError::Source(SourceError::Invalid(e.to_string()))),
        v => Err(ExecError::Type(format!(
            "ENDPOINTS takes a string pattern, not {}",
            v.type_name()
        ))),
    }
}

/// The operator of `Plan::Endpoints`.
pub(super) fn build<'a>(pattern_expr: &BExpr, ctx: &ExecCtx<'a>) -> Result<BoxOp<'a>, ExecError> {
    let pattern = pattern(pattern_expr, &ctx.eval)?;
    Ok(Box::new(Endpoints {
        req: Some(EndpointsRequest {
            pattern,
            interrupt: ctx.req.interrupt().clone(),
        }),
        prefix: String::new(),
        stream: None,
    }))
}

struct Endpoints<'a> {
    /// The request, until it is sent.
    req: Option<EndpointsRequest>,
    /// `collection.`, the start of every path.
    prefix: String,
    stream: Option<EndpointStream<'a>>,
}

impl<'a> Operator<'a> for Endpoints<'a> {
    fn next(&mut self, ctx: &mut ExecCtx<'a>) -> Result<Option<Vec<Row>>, ExecError> {
        if let Some(req) = self.req.take() {
            self.prefix = format!("{}.", req.pattern.collection);
            self.stream = Some(ctx.eval.source.endpoints(&req)?);
        }
        let Some(stream) = self.stream.as_mut() else {
            return Ok(None);
        };
        let mut batch = Vec::new();
        for e in stream.by_ref() {
            let e = e?;
            ctx.tick()?;
            let mut doc = Document::default();
            let path = format!("{}{}.{}", self.prefix, key_text(&e.entity), e.path);
            doc.insert("path".to_string(), Value::str(&path));
            doc.insert("entity".to_string(), e.entity);
            doc.insert("value".to_string(), e.value);
            batch.push(vec![Value::Object(Arc::new(doc))]);
            if batch.len() >= ctx.budget.batch_size {
                break;
            }
        }
        ctx.stats.rows_scanned += batch.len() as u64;
        if batch.is_empty() {
            self.stream = None;
            return Ok(None);
        }
        ctx.rows(batch.len())?;
        Ok(Some(batch))
    }
}

/// `collection[key].path`: the value at the path of the entity with that key (NULL
/// when the entity or the path is missing; the whole record for an empty path).
pub(super) fn endpoint_value(
    collection: &str,
    key: &BExpr,
    path: &[String],
    row: &[Value],
    ctx: &EvalCtx<'_>,
) -> Result<Value, ExecError> {
    let key = eval(key, row, ctx)?;
    if key.is_null() {
        return Ok(Value::Null);
    }
    let found = ctx
        .source
        .get(Some(collection), std::slice::from_ref(&key))?;
    Ok(match found.into_iter().next() {
        Some(rec) => Value::Object(rec).get_path(path).clone(),
        None => Value::Null,
    })
}
