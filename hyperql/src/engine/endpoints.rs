//! `SET collection[key].path = e, ...`: every assignment in one transaction of the
//! source. The writes to one entity are applied together to the record read for it
//! (handed back as `update_seen`, so a concurrent change is a conflict and the
//! statement runs again); an entity that does not exist is inserted with the key as
//! its `id`, and the objects on a path are created where missing.

use super::Engine;
use super::write::set_path;
use crate::error::{Error, ExecError};
use crate::exec::{ExecCtx, eval};
use crate::plan::EndpointWrite;
use crate::source::DataSource;
use crate::value::{Document, Value};

/// The writes to one entity: collection, key, `(path, value)`s in order.
type EntityWrites<'p> = (&'p str, Value, Vec<(&'p [String], Value)>);

impl<S: DataSource> Engine<S> {
    /// SET: returns how many endpoints were written.
    pub(super) fn set_endpoints(
        &self,
        assignments: &[EndpointWrite],
        ctx: &mut ExecCtx<'_>,
    ) -> Result<u64, Error> {
        let mut groups: Vec<EntityWrites<'_>> = Vec::new();
        for a in assignments {
            let key = eval(&a.key, &[], &ctx.eval)?;
            if key.is_null() {
                return Err(ExecError::Type(format!(
                    "the key of `{}[..]` in SET is NULL",
                    a.collection
                ))
                .into());
            }
            let value = eval(&a.value, &[], &ctx.eval)?;
            let at = groups
                .iter()
                .position(|(c, k, _)| *c == a.collection && *k == key);
            match at {
                Some(i) => groups[i].2.push((a.path.as_slice(), value)),
                None => groups.push((a.collection.as_str(), key, vec![(a.path.as_slice(), value)])),
            }
        }
        self.retry(ctx, |engine, _| {
            let mut tx = engine.source.begin().map_err(ExecError::from)?;
            for (collection, key, writes) in &groups {
                let found = engine
                    .source
                    .get(Some(*collection), std::slice::from_ref(key))
                    .map_err(ExecError::from)?;
                match found.into_iter().next() {
                    Some(seen) => {
                        let mut doc = (*seen).clone();
                        for (path, v) in writes {
                            set_path(&mut doc, path, v.clone());
                        }
                        let id = doc.get("id").cloned().unwrap_or(Value::Null);
                        tx.update_seen(collection, &id, &seen, doc)
                            .map_err(ExecError::from)?;
                    }
                    None => {
                        let mut doc = Document::default();
                        doc.insert("id".to_string(), key.clone());
                        for (path, v) in writes {
                            set_path(&mut doc, path, v.clone());
                        }
                        tx.insert(collection, None, doc).map_err(ExecError::from)?;
                    }
                }
            }
            tx.commit().map_err(ExecError::from)?;
            Ok(assignments.len() as u64)
        })
    }
}
