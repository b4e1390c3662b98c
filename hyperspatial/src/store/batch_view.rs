//! [`BatchView`]: a write batch over committed data, as cascades read it.
//!
//! Cascades ([`crate::cascade`]) see storage through [`CascadeView`], whose errors are
//! [`CascadeError`]s. A storage failure while they read is kept here, so a commit
//! reports it as the [`StoreError`] it was (see [`BatchView::error`]) rather than as
//! a cascade error.

use super::write::{EdgeChange, Slot, WriteBatch};
use crate::cascade::{CascadeError, CascadeView, EdgeDirection};
use crate::store::StoreError;
use hyperql::Value;
use manifold_graph::Direction;
use std::cell::RefCell;
use std::collections::HashSet;
use uuid::Uuid;

/// The batch over committed data, as cascades read it.
pub(super) struct BatchView<'a> {
    batch: &'a WriteBatch,
    /// The first storage failure met while reading.
    failure: RefCell<Option<StoreError>>,
}

impl<'a> BatchView<'a> {
    /// A view of `batch` over what is committed.
    pub(super) fn new(batch: &'a WriteBatch) -> Self {
        BatchView {
            batch,
            failure: RefCell::new(None),
        }
    }

    /// Keeps `e` and tells the cascade that reading failed.
    fn fail(&self, e: StoreError) -> CascadeError {
        let message = CascadeError::View(e.to_string());
        self.failure.borrow_mut().get_or_insert(e);
        message
    }

    /// The error a cascade computation over this view failed with: the storage
    /// failure that stopped it, if it was one, or the cascade's own error.
    pub(super) fn error(&self, e: CascadeError) -> StoreError {
        match (e, self.failure.borrow_mut().take()) {
            (CascadeError::View(_), Some(stored)) => stored,
            (e, _) => StoreError::Cascade(e),
        }
    }
}

impl CascadeView for BatchView<'_> {
    fn neighbours(
        &self,
        id: Uuid,
        label: &str,
        dir: EdgeDirection,
    ) -> Result<Vec<Uuid>, CascadeError> {
        let b = self.batch;
        let mut set: HashSet<Uuid> = HashSet::new();
        let stored_dir = match dir {
            EdgeDirection::Outgoing => Direction::Outgoing,
            EdgeDirection::Incoming => Direction::Incoming,
        };
        if b.db.loc(id).is_some() {
            let stored =
                b.db.edges(id, stored_dir, Some(label))
                    .map_err(|e| self.fail(e))?;
            for e in stored {
                set.insert(if dir == EdgeDirection::Outgoing {
                    e.to
                } else {
                    e.from
                });
            }
        }
        for c in &b.edges {
            let (from, l, to, added) = match c {
                EdgeChange::Added {
                    from, label, to, ..
                } => (*from, label, *to, true),
                EdgeChange::Removed { from, label, to } => (*from, label, *to, false),
            };
            if l != label {
                continue;
            }
            let other = match dir {
                EdgeDirection::Outgoing if from == id => to,
                EdgeDirection::Incoming if to == id => from,
                _ => continue,
            };
            if added {
                set.insert(other);
            } else {
                set.remove(&other);
            }
        }
        set.retain(|u| !matches!(b.slots.get(u), Some(Slot::Deleted { .. })));
        Ok(set.into_iter().collect())
    }

    fn collection_of(&self, id: Uuid) -> Result<Option<String>, CascadeError> {
        Ok(match self.batch.slots.get(&id) {
            Some(Slot::Live(p)) => Some(p.collection.name.to_string()),
            Some(Slot::Deleted { .. }) => None,
            None => self.batch.db.loc(id).map(|l| l.collection.to_string()),
        })
    }

    fn field(&self, id: Uuid, field: &str) -> Result<Option<(Value, i64)>, CascadeError> {
        match self.batch.slots.get(&id) {
            Some(Slot::Live(p)) => Ok(p
                .doc
                .get(field)
                .filter(|v| !v.is_null())
                .map(|v| (v.clone(), p.meta.updated_us))),
            Some(Slot::Deleted { .. }) => Ok(None),
            None => {
                let db = &self.batch.db;
                let Some(loc) = db.loc(id) else {
                    return Ok(None);
                };
                let Some(c) = db.collection(&loc.collection) else {
                    return Ok(None);
                };
                let meta = c.shards[loc.shard as usize]
                    .meta(id)
                    .map_err(|e| self.fail(e))?;
                let v = db.property(id, field).map_err(|e| self.fail(e))?;
                Ok(v.zip(meta.map(|m| m.updated_us)))
            }
        }
    }
}
