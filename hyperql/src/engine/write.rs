//! Write statements: INSERT, UPDATE, DELETE and the schema statements, each one
//! transaction of the source.
//!
//! UPDATE and DELETE read their target rows, then write them with the record each
//! was chosen from ([`Transaction::update_seen`], [`Transaction::delete_seen`]). A
//! source that checks for concurrent writes answers [`SourceError::Conflict`] when a
//! target changed in between (nothing was written); the statement then runs again
//! from its read, up to [`MAX_ATTEMPTS`] times, with a short random pause that grows
//! with each attempt, and stops early when the request's interrupt fires. So
//! `UPDATE c SET n = n + 1` run by many clients at once counts every increment it
//! acknowledges.

use super::Engine;
use crate::error::{Error, ExecError};
use crate::exec::{self, ExecCtx, eval};
use crate::plan::{BExpr, Plan};
use crate::source::{DataSource, Schema, SourceError};
use crate::value::{Document, Value};
use std::sync::Arc;
use std::time::Duration;

/// How many times an UPDATE or DELETE runs before its conflict is reported.
pub(super) const MAX_ATTEMPTS: u32 = 64;

/// The longest pause between two attempts.
const MAX_PAUSE: Duration = Duration::from_millis(20);

impl<S: DataSource> Engine<S> {
    /// INSERT: writes each document in one transaction; returns how many were given.
    pub(super) fn insert(
        &self,
        collection: &str,
        entity: Option<&str>,
        docs: &[BExpr],
        ctx: &ExecCtx<'_>,
    ) -> Result<u64, Error> {
        let mut tx = self.source.begin().map_err(ExecError::from)?;
        for d in docs {
            let Value::Object(doc) = eval(d, &[], &ctx.eval)? else {
                continue;
            };
            tx.insert(collection, entity, (*doc).clone())
                .map_err(ExecError::from)?;
        }
        tx.commit().map_err(ExecError::from)?;
        Ok(docs.len() as u64)
    }

    /// UPDATE: reads the target rows, then rewrites each in one transaction; runs
    /// again on a conflict (see the module docs).
    pub(super) fn update(
        &self,
        input: &Plan,
        collection: &str,
        assignments: &[(Vec<String>, BExpr)],
        ctx: &mut ExecCtx<'_>,
    ) -> Result<u64, Error> {
        self.retry(ctx, |engine, ctx| {
            let targets = read_targets(input, ctx)?;
            let mut tx = engine.source.begin().map_err(ExecError::from)?;
            for r in &targets {
                let Some(Value::Object(seen)) = r.first() else {
                    continue;
                };
                let mut doc = (**seen).clone();
                for (path, e) in assignments {
                    set_path(&mut doc, path, eval(e, r, &ctx.eval)?);
                }
                let id = doc.get("id").cloned().unwrap_or(Value::Null);
                tx.update_seen(collection, &id, seen, doc)
                    .map_err(ExecError::from)?;
            }
            tx.commit().map_err(ExecError::from)?;
            Ok(targets.len() as u64)
        })
    }

    /// DELETE: reads the target rows, then deletes each by id in one transaction;
    /// runs again on a conflict (see the module docs).
    pub(super) fn delete(
        &self,
        input: &Plan,
        collection: &str,
        ctx: &mut ExecCtx<'_>,
    ) -> Result<u64, Error> {
        self.retry(ctx, |engine, ctx| {
            let targets = read_targets(input, ctx)?;
            let mut tx = engine.source.begin().map_err(ExecError::from)?;
            for r in &targets {
                let seen = match r.first() {
                    Some(Value::Object(d)) => (**d).clone(),
                    _ => Document::default(),
                };
                let id = seen.get("id").cloned().unwrap_or(Value::Null);
                tx.delete_seen(collection, &id, &seen)
                    .map_err(ExecError::from)?;
            }
            tx.commit().map_err(ExecError::from)?;
            Ok(targets.len() as u64)
        })
    }

    /// Runs `attempt` until it ends with anything but a write conflict, at most
    /// [`MAX_ATTEMPTS`] times.
    pub(super) fn retry<T>(
        &self,
        ctx: &mut ExecCtx<'_>,
        mut attempt: impl FnMut(&Self, &mut ExecCtx<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let mut n = 0;
        loop {
            n += 1;
            match attempt(self, ctx) {
                Err(e) if is_conflict(&e) && n < MAX_ATTEMPTS => {
                    ctx.req.interrupt().check().map_err(ExecError::from)?;
                    std::thread::sleep(pause(n));
                }
                Err(e) if is_conflict(&e) => {
                    return Err(ExecError::Source(SourceError::Conflict(format!(
                        "{} (gave up after {n} attempts)",
                        conflict_text(&e)
                    )))
                    .into());
                }
                r => return r,
            }
        }
    }

    /// CREATE SCHEMA: one row, whether the schema was created. A time-series
    /// declaration goes to the source first: a source that refuses it creates nothing.
    pub(super) fn create_schema(
        &self,
        schema: &Schema,
        if_not_exists: bool,
        time_series: Option<&crate::source::TimeSeriesDecl>,
    ) -> Result<Vec<Vec<Value>>, Error> {
        let exists = self.source.schema(&schema.name).is_some_and(|s| s.declared);
        if exists && !if_not_exists {
            return Err(ExecError::from(SourceError::Constraint(format!(
                "schema `{}` already exists",
                schema.name
            )))
            .into());
        }
        if !exists {
            if let Some(decl) = time_series {
                self.source
                    .declare_time_series(decl)
                    .map_err(ExecError::from)?;
            }
            let mut tx = self.source.begin().map_err(ExecError::from)?;
            tx.put_schema(schema.clone()).map_err(ExecError::from)?;
            tx.commit().map_err(ExecError::from)?;
        }
        Ok(vec![vec![Value::Bool(!exists)]])
    }

    /// DROP SCHEMA: one row, whether the schema existed.
    pub(super) fn drop_schema(
        &self,
        name: &str,
        if_exists: bool,
    ) -> Result<Vec<Vec<Value>>, Error> {
        let mut tx = self.source.begin().map_err(ExecError::from)?;
        let existed = tx.drop_schema(name).map_err(ExecError::from)?;
        if !existed && !if_exists {
            return Err(ExecError::from(SourceError::NotFound(format!("schema `{name}`"))).into());
        }
        tx.commit().map_err(ExecError::from)?;
        Ok(vec![vec![Value::Bool(existed)]])
    }
}

/// The rows of an UPDATE's or DELETE's target plan.
fn read_targets(input: &Plan, ctx: &mut ExecCtx<'_>) -> Result<Vec<Vec<Value>>, Error> {
    let mut op = exec::build(input, ctx)?;
    Ok(exec::collect(&mut op, ctx)?)
}

fn is_conflict(e: &Error) -> bool {
    matches!(e, Error::Exec(ExecError::Source(SourceError::Conflict(_))))
}

fn conflict_text(e: &Error) -> String {
    match e {
        Error::Exec(ExecError::Source(SourceError::Conflict(m))) => m.clone(),
        e => e.to_string(),
    }
}

/// The pause before attempt `n + 1`: random, up to 0.1 ms times 2^n, at most
/// [`MAX_PAUSE`].
fn pause(n: u32) -> Duration {
    let ceiling = Duration::from_micros(100u64 << n.min(8)).min(MAX_PAUSE);
    // Sub-second clock bits mixed with the thread's identity: enough to keep
    // competing writers from waking in step.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::from(d.subsec_nanos()));
    let thread = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        std::thread::current().id().hash(&mut h);
        h.finish()
    };
    let r = (nanos ^ thread).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11;
    let span = ceiling.as_nanos().max(1) as u64;
    Duration::from_nanos(r % span)
}

/// Sets a dotted path in a document, creating nested documents on the way.
pub(super) fn set_path(doc: &mut Document, path: &[String], v: Value) {
    let Some((head, rest)) = path.split_first() else {
        return;
    };
    if rest.is_empty() {
        doc.insert(head.clone(), v);
        return;
    }
    let mut inner = match doc.get(head) {
        Some(Value::Object(d)) => (**d).clone(),
        _ => Document::default(),
    };
    set_path(&mut inner, rest, v);
    doc.insert(head.clone(), Value::Object(Arc::new(inner)));
}
