//! `INSERT .. ON CONFLICT` and `UPSERT`: what a document whose key is taken does.
//!
//! The key is the document's `id`. Each document's key is looked up (the source's
//! `get`); a free key is inserted, a taken one is left out (`DO NOTHING`), changed
//! by the `SET` list (`DO UPDATE`, over the stored document and `excluded`) or
//! merged (`UPSERT`: the document's fields replace the stored ones). A later
//! document with the key of an earlier one in the same statement sees that one.
//! Everything is one transaction. Isolation: a stored entity is changed with the
//! record it was read as (`update_seen`), and a key found free may be taken by a
//! concurrent writer before the commit; either way the statement runs again from
//! its reads (see `write`), so concurrent upserts of one key lose no change and
//! store the key once.

use super::Engine;
use super::write::set_path;
use crate::error::{Error, ExecError};
use crate::exec::{ExecCtx, eval};
use crate::plan::Conflict;
use crate::source::{DataSource, SourceError};
use crate::value::{Document, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// Where an INSERT writes.
pub(super) struct Target<'a> {
    /// Collection.
    pub collection: &'a str,
    /// Entity type.
    pub entity: Option<&'a str>,
}

/// One write of the statement.
enum Op {
    Insert(Document),
    Update {
        id: Value,
        seen: Arc<Document>,
        doc: Document,
    },
}

impl Op {
    fn doc_mut(&mut self) -> &mut Document {
        match self {
            Op::Insert(d) | Op::Update { doc: d, .. } => d,
        }
    }
}

impl<S: DataSource> Engine<S> {
    /// INSERT with a conflict action: returns the documents inserted or changed.
    pub(super) fn upsert(
        &self,
        target: &Target<'_>,
        docs: &[Document],
        conflict: &Conflict,
        ctx: &mut ExecCtx<'_>,
    ) -> Result<u64, Error> {
        self.retry(ctx, |engine, ctx| {
            engine.upsert_once(target, docs, conflict, ctx)
        })
    }

    fn upsert_once(
        &self,
        target: &Target<'_>,
        docs: &[Document],
        conflict: &Conflict,
        ctx: &mut ExecCtx<'_>,
    ) -> Result<u64, Error> {
        let mut ops: Vec<Op> = Vec::new();
        let mut by_key: HashMap<Value, usize, crate::value::FieldHash> = HashMap::default();
        for doc in docs {
            ctx.tick()?;
            let Some(key) = doc.get("id").filter(|v| !v.is_null()).cloned() else {
                ops.push(Op::Insert(doc.clone()));
                continue;
            };
            let (stored, record) = match by_key.get(&key) {
                Some(&i) => (Some(ops[i].doc_mut().clone()), None),
                None => {
                    let r = self.stored(target, &key)?;
                    (r.as_ref().map(|r| (**r).clone()), r)
                }
            };
            let Some(stored) = stored else {
                by_key.insert(key, ops.len());
                ops.push(Op::Insert(doc.clone()));
                continue;
            };
            let new = match conflict {
                Conflict::Nothing => continue,
                Conflict::Merge => {
                    let mut new = stored.clone();
                    for (k, v) in doc.iter().filter(|(k, _)| k.as_str() != "id") {
                        new.insert(k.clone(), v.clone());
                    }
                    new
                }
                Conflict::Update(sets) => {
                    let row = [
                        Value::Object(Arc::new(stored.clone())),
                        Value::Object(Arc::new(doc.clone())),
                    ];
                    let mut new = stored.clone();
                    for (path, e) in sets {
                        set_path(&mut new, path, eval(e, &row, &ctx.eval)?);
                    }
                    new
                }
            };
            match by_key.get(&key) {
                Some(&i) => *ops[i].doc_mut() = new,
                None => {
                    let seen = record.unwrap_or_default();
                    let id = seen.get("id").cloned().unwrap_or(key.clone());
                    by_key.insert(key, ops.len());
                    ops.push(Op::Update { id, seen, doc: new });
                }
            }
        }
        let n = ops.len() as u64;
        let inserted: Vec<Value> = ops
            .iter()
            .filter_map(|o| match o {
                Op::Insert(d) => d.get("id").cloned(),
                Op::Update { .. } => None,
            })
            .collect();
        let mut tx = self.source.begin().map_err(ExecError::from)?;
        for op in ops {
            match op {
                Op::Insert(doc) => tx.insert(target.collection, target.entity, doc).map(|_| ()),
                Op::Update { id, seen, doc } => tx.update_seen(target.collection, &id, &seen, doc),
            }
            .map_err(|e| self.taken_meanwhile(target, &inserted, e))?;
        }
        tx.commit()
            .map_err(|e| self.taken_meanwhile(target, &inserted, e))?;
        Ok(n)
    }

    /// The stored entity with key `key` in the target collection.
    fn stored(&self, target: &Target<'_>, key: &Value) -> Result<Option<Arc<Document>>, Error> {
        let found = self
            .source
            .get(Some(target.collection), std::slice::from_ref(key))
            .map_err(ExecError::from)?;
        Ok(found.into_iter().next())
    }

    /// A constraint error because a key found free was taken before the commit is
    /// a conflict (the statement runs again); any other error stays.
    fn taken_meanwhile(&self, target: &Target<'_>, inserted: &[Value], e: SourceError) -> Error {
        if let SourceError::Constraint(m) = &e
            && inserted
                .iter()
                .any(|k| self.stored(target, k).is_ok_and(|s| s.is_some()))
        {
            return ExecError::Source(SourceError::Conflict(format!(
                "a key this statement inserts was taken meanwhile ({m})"
            )))
            .into();
        }
        ExecError::from(e).into()
    }
}
