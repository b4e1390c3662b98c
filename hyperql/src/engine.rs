//! The library entry point: `Engine::new(source).query(text, params)`.

mod constants;
mod endpoints;
mod parsed;
mod upsert;
mod write;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::error::{Error, ExecError, SemanticError};
use crate::exec::{self, Budget, EvalCtx, ExecCtx, Row, Stats, eval};
use crate::optimizer;
use crate::plan::{BExpr, Plan, plan_statement};
use crate::request::{Interrupt, RequestCtx};
use crate::source::{DataSource, RelayoutRequest, Schema};
use crate::types::Type;
use crate::value::{Document, Value};
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::time::Instant;

/// Parameter values by name (without the `$`).
pub type Params = BTreeMap<String, Value>;

/// The answer to one statement. Serializes to JSON as
/// `{"columns": [..], "rows": [[..]], "affected": n, "stats": {..}}`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct QueryResult {
    /// Column names.
    pub columns: Vec<String>,
    /// Rows, each as long as `columns`.
    pub rows: Vec<Vec<Value>>,
    /// Entities or edges written, for writes.
    pub affected: Option<u64>,
    /// What running it cost.
    pub stats: QueryStats,
}

/// Counters of one statement.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq)]
pub struct QueryStats {
    /// Records read from the source.
    pub rows_scanned: u64,
    /// Rows processed by all operators.
    pub rows_processed: u64,
    /// Rows returned.
    pub rows_returned: u64,
    /// Peak bytes held by sorts, hash tables and the like.
    pub peak_memory: u64,
    /// Wall time in microseconds (parse to last row).
    pub elapsed_us: u64,
}

/// Runs HyperQL over a [`DataSource`].
pub struct Engine<S: DataSource> {
    source: S,
    budget: Budget,
    optimize: bool,
    /// Scripts parsed before, by text.
    parsed: parsed::Parsed,
}

fn semantic(src: &str, e: SemanticError) -> Error {
    Error::Semantic(Diagnostics(vec![Diagnostic::new(
        src,
        e.span,
        e.message,
        vec![],
    )]))
}

fn now_us() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
}

impl<S: DataSource> Engine<S> {
    /// An engine over `source` with the default [`Budget`].
    pub fn new(source: S) -> Self {
        Engine {
            source,
            budget: Budget::default(),
            optimize: true,
            parsed: parsed::Parsed::default(),
        }
    }

    /// Turns the optimizer off (plans run as built; for testing the rules against an
    /// unoptimized oracle).
    pub fn with_optimizer(mut self, on: bool) -> Self {
        self.optimize = on;
        self
    }

    /// The script of `text` (parsed once per distinct text; see `parsed`).
    pub fn parse(&self, text: &str) -> Result<std::sync::Arc<crate::ast::Script>, Error> {
        self.parsed.get(text).map_err(Error::Parse)
    }

    /// Replaces the per-query budget.
    pub fn with_budget(mut self, budget: Budget) -> Self {
        self.budget = budget;
        self
    }

    /// The source.
    pub fn source(&self) -> &S {
        &self.source
    }

    /// A context for one request: no interrupt, and this engine's memory budget
    /// ([`Budget::max_memory`]).
    pub fn request(&self) -> RequestCtx {
        RequestCtx::new(Interrupt::new(), self.budget.max_memory)
    }

    /// Runs every statement of `text`; the result of the last one.
    pub fn query(&self, text: &str, params: &Params) -> Result<QueryResult, Error> {
        self.query_with(text, params, &self.request())
    }

    /// [`query`](Self::query) as part of the request `req`: it stops when `req`'s
    /// interrupt fires ([`ExecError::Cancelled`], [`ExecError::Timeout`]), and what it
    /// holds (its result included) counts against `req`'s memory budget.
    pub fn query_with(
        &self,
        text: &str,
        params: &Params,
        req: &RequestCtx,
    ) -> Result<QueryResult, Error> {
        let mut all = self.query_script_with(text, params, req)?;
        Ok(all.pop().unwrap_or(QueryResult {
            columns: Vec::new(),
            rows: Vec::new(),
            affected: None,
            stats: QueryStats::default(),
        }))
    }

    /// Runs every statement of `text` in order; one result each. A syntax error
    /// anywhere stops the script before anything runs; each statement is then checked
    /// just before it runs (it may depend on an earlier one, e.g. `CREATE SCHEMA`), and
    /// the script stops at the first statement that fails. Statements are not atomic
    /// together: each runs in its own transaction.
    pub fn query_script(&self, text: &str, params: &Params) -> Result<Vec<QueryResult>, Error> {
        self.query_script_with(text, params, &self.request())
    }

    /// [`query_script`](Self::query_script) as the request `req` (see
    /// [`query_with`](Self::query_with)): the results of every statement count
    /// against its memory budget together.
    pub fn query_script_with(
        &self,
        text: &str,
        params: &Params,
        req: &RequestCtx,
    ) -> Result<Vec<QueryResult>, Error> {
        let start = Instant::now();
        let script = self.parse(text)?;
        let mut out = Vec::new();
        for stmt in &script.statements {
            let mut r = self.query_statement_with(text, stmt, params, req)?;
            r.stats.elapsed_us = start.elapsed().as_micros() as u64;
            out.push(r);
        }
        Ok(out)
    }

    /// Runs one statement of a script already parsed from `text` (a caller that
    /// looked at the statements first need not parse them twice), as the request
    /// `req`; diagnostics point into `text`.
    pub fn query_statement_with(
        &self,
        text: &str,
        stmt: &crate::ast::Statement,
        params: &Params,
        req: &RequestCtx,
    ) -> Result<QueryResult, Error> {
        let start = Instant::now();
        let plan = self.plan(text, stmt, params, req)?;
        let mut r = self.execute(&plan, req)?;
        r.stats.elapsed_us = start.elapsed().as_micros() as u64;
        Ok(r)
    }

    /// Runs a single read statement, handing each batch to `on_batch` as it is
    /// produced; returning `ControlFlow::Break` stops the query (no more rows are read).
    pub fn query_batches(
        &self,
        text: &str,
        params: &Params,
        mut on_batch: impl FnMut(&[String], Vec<Row>) -> ControlFlow<()>,
    ) -> Result<Stats, Error> {
        let script = self.parse(text)?;
        let Some(stmt) = script.statements.first() else {
            return Ok(Stats::default());
        };
        let req = self.request();
        let plan = self.plan(text, stmt, params, &req)?;
        let names: Vec<String> = plan.columns().into_iter().map(|c| c.name).collect();
        let mut ctx = self.ctx(&req);
        let mut op = exec::build(&plan, &ctx)?;
        while let Some(b) = op.next(&mut ctx)? {
            if on_batch(&names, b).is_break() {
                break;
            }
        }
        Ok(ctx.stats)
    }

    /// The optimized plan of the first statement, as `EXPLAIN` prints it.
    pub fn explain(&self, text: &str, params: &Params) -> Result<String, Error> {
        let script = self.parse(text)?;
        let Some(stmt) = script.statements.first() else {
            return Ok(String::new());
        };
        Ok(self.plan(text, stmt, params, &self.request())?.explain())
    }

    /// The inferred type of every `$parameter` of the first statement (nothing runs).
    pub fn param_types(&self, text: &str) -> Result<BTreeMap<String, Type>, Error> {
        let script = self.parse(text)?;
        let Some(stmt) = script.statements.first() else {
            return Ok(BTreeMap::new());
        };
        Ok(plan_statement(stmt, &self.source)
            .map_err(|e| semantic(text, e))?
            .params)
    }

    fn plan(
        &self,
        text: &str,
        stmt: &crate::ast::Statement,
        params: &Params,
        req: &RequestCtx,
    ) -> Result<Plan, Error> {
        let analysis = plan_statement(stmt, &self.source).map_err(|e| semantic(text, e))?;
        for name in analysis.params.keys() {
            if !params.contains_key(name) {
                return Err(ExecError::MissingParam(name.clone()).into());
            }
        }
        let mut plan = analysis.plan;
        optimizer::bind_params(&mut plan, params, now_us());
        // Subqueries that read no outer row run first; their values then fold and
        // push down.
        let mut has_subquery = false;
        optimizer::for_each_expr_mut(&mut plan, &mut |e| {
            e.walk(&mut |x| has_subquery |= matches!(x, BExpr::Subquery(_) | BExpr::Correlated(_)))
        });
        if has_subquery {
            let mut ctx = self.ctx(req);
            exec::run_uncorrelated(&mut plan, &mut ctx, self.optimize)?;
        }
        constants::evaluate_constant_calls(&mut plan, &self.ctx(req).eval);
        if !self.optimize {
            return Ok(plan);
        }
        Ok(optimizer::optimize(plan, &self.source.capabilities()))
    }

    fn ctx<'s>(&'s self, req: &'s RequestCtx) -> ExecCtx<'s> {
        let eval = EvalCtx {
            now: now_us(),
            source: &self.source,
            geometry: self.source.geometric_distance(),
        };
        ExecCtx::new(eval, self.budget, req)
    }

    fn execute(&self, plan: &Plan, req: &RequestCtx) -> Result<QueryResult, Error> {
        let mut ctx = self.ctx(req);
        let columns: Vec<String> = plan.columns().into_iter().map(|c| c.name).collect();
        let mut affected = None;
        let rows: Vec<Row> = match plan {
            Plan::Explain { input } => input
                .explain()
                .lines()
                .map(|l| vec![Value::str(l)])
                .collect(),
            Plan::Insert {
                collection,
                entity,
                docs,
                input,
                on_conflict,
            } => {
                let target = upsert::Target {
                    collection,
                    entity: entity.as_deref(),
                };
                let docs = self.insert_documents(docs, input.as_deref(), &mut ctx)?;
                affected = Some(match on_conflict {
                    None => self.insert(&target, docs)?,
                    Some(c) => self.upsert(&target, &docs, c, &mut ctx)?,
                });
                Vec::new()
            }
            Plan::Update {
                input,
                collection,
                assignments,
            } => {
                affected = Some(self.update(input, collection, assignments, &mut ctx)?);
                Vec::new()
            }
            Plan::SetEndpoints { assignments } => {
                affected = Some(self.set_endpoints(assignments, &mut ctx)?);
                Vec::new()
            }
            Plan::Delete { input, collection } => {
                affected = Some(self.delete(input, collection, &mut ctx)?);
                Vec::new()
            }
            Plan::Relate {
                from,
                to,
                label,
                props,
            } => {
                let mut doc = Document::default();
                for (k, v) in props {
                    doc.insert(k.clone(), eval(v, &[], &ctx.eval)?);
                }
                let (f, t) = (eval(from, &[], &ctx.eval)?, eval(to, &[], &ctx.eval)?);
                let mut tx = self.source.begin().map_err(ExecError::from)?;
                tx.relate(&f, &t, label, doc).map_err(ExecError::from)?;
                tx.commit().map_err(ExecError::from)?;
                affected = Some(1);
                Vec::new()
            }
            Plan::CreateSchema {
                schema,
                if_not_exists,
                time_series,
            } => self.create_schema(schema, *if_not_exists, time_series.as_ref())?,
            Plan::AlterSchema { schema } => {
                let mut tx = self.source.begin().map_err(ExecError::from)?;
                tx.put_schema(schema.clone()).map_err(ExecError::from)?;
                tx.commit().map_err(ExecError::from)?;
                vec![vec![Value::Bool(true)]]
            }
            Plan::DropSchema { name, if_exists } => self.drop_schema(name, *if_exists)?,
            Plan::DescribeSchema { schema, detailed } => describe_schema(schema, *detailed),
            Plan::Relayout {
                collection,
                options,
            } => {
                let mut req = RelayoutRequest {
                    collection: collection.clone(),
                    options: Vec::with_capacity(options.len()),
                };
                for (k, v) in options {
                    req.options.push((k.clone(), eval(v, &[], &ctx.eval)?));
                }
                let report = self.source.relayout(&req).map_err(ExecError::from)?;
                report
                    .into_iter()
                    .map(|(k, v)| vec![Value::str(&k), v])
                    .collect()
            }
            read => {
                let mut op = exec::build(read, &ctx)?;
                exec::collect(&mut op, &mut ctx)?
            }
        };
        let s = ctx.stats;
        let stats = QueryStats {
            rows_scanned: s.rows_scanned,
            rows_processed: s.rows_processed,
            rows_returned: rows.len() as u64,
            peak_memory: s.peak_memory,
            elapsed_us: 0,
        };
        Ok(QueryResult {
            columns,
            rows,
            affected,
            stats,
        })
    }
}

/// DESCRIBE SCHEMA: one row per field (name, type with element types, required,
/// indexed, and when `detailed` the cascade definition and the scope).
fn describe_schema(schema: &Schema, detailed: bool) -> Vec<Row> {
    schema
        .fields
        .iter()
        .map(|f| {
            let (cascade, scope) = if detailed {
                (
                    f.cascade.as_deref().map_or(Value::Null, Value::str),
                    f.scope.map_or(Value::Null, |s| Value::str(s.keyword())),
                )
            } else {
                (Value::Null, Value::Null)
            };
            vec![
                Value::str(&f.name),
                Value::str(&f.field_type().to_string()),
                Value::Bool(f.required),
                Value::Bool(f.indexed),
                cascade,
                scope,
            ]
        })
        .collect()
}
