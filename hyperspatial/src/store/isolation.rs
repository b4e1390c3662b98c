//! Concurrency control: optimistic, validated at commit, serializable for what a
//! batch reads through it.
//!
//! Every entity carries a version in memory ([`Loc::version`]): the write
//! sequence number of the batch that last wrote or deleted it. A batch records the
//! version of each entity it reads (its slots; `WriteBatch::slot` reads the version
//! before the record). Under the commit lock, before anything is derived or written,
//! [`WriteBatch::check_concurrent`] compares each recorded version with the current
//! one:
//! - an entity the batch read was written or deleted since: [`StoreError::Conflict`]
//!   (first committer wins; nothing of the losing batch is written, and the caller
//!   may run it again from a fresh read, as hyperql's UPDATE and DELETE do);
//! - an id the batch inserts was taken since (by another batch inserting the same
//!   UUID or external id): [`StoreError::Constraint`], as when it was taken before;
//! - an edge whose end was deleted since: [`StoreError::NotFound`].
//!
//! Batches commit one at a time, so a batch that passes the check sees exactly the
//! committed state it read, and its writes are as if it ran alone at its commit.
//! Statements that compute a write from a record read elsewhere (a scan) hand that
//! record to [`WriteBatch::check_seen`], which refuses when the stored entity is no
//! longer what was read, then records the version that goes with it.
//!
//! [`Loc::version`]: super::database::Loc

use super::write::{Slot, WriteBatch};
use crate::store::{StoreError, fields};
use hyperql::Document;
use std::sync::atomic::Ordering;
use uuid::Uuid;

impl WriteBatch {
    /// Fails unless every entity the batch read is still as it read it, every id it
    /// inserts is still free and every edge it adds still has both ends; takes the
    /// batch's write sequence number. Called holding the commit lock.
    pub(crate) fn check_concurrent(&mut self) -> Result<(), StoreError> {
        for (id, slot) in &self.slots {
            let read = match slot {
                Slot::Live(p) => p.read_version,
                Slot::Deleted { read_version, .. } => *read_version,
            };
            let now = self.db.loc(*id).map(|l| l.version);
            if now == read {
                continue;
            }
            return Err(match read {
                None => StoreError::Constraint(format!("an entity with id `{id}` already exists")),
                Some(_) => StoreError::Conflict(format!(
                    "entity {id} was changed by a concurrent write after this one read it"
                )),
            });
        }
        for (id, slot) in &self.slots {
            let Slot::Live(p) = slot else { continue };
            if let Some(k) = &p.meta.external_id
                && p.old_external.as_ref() != Some(k)
                && self.external_taken(k, Some(*id))
            {
                return Err(StoreError::Constraint(format!(
                    "an entity with id `{k}` already exists"
                )));
            }
        }
        for (from, _, to) in self.live_edges() {
            self.require_live(from)?;
            self.require_live(to)?;
        }
        self.seq = self.db.inner.write_seq.load(Ordering::SeqCst) + 1;
        Ok(())
    }

    /// The user fields of entity `id` as this batch sees them (`None`: no such
    /// entity, or the batch deleted it). The read is part of the batch: if another
    /// batch writes the entity before this one commits, the commit fails with
    /// [`StoreError::Conflict`].
    pub fn get(&mut self, id: Uuid) -> Result<Option<Document>, StoreError> {
        Ok(match self.slot(id)? {
            Some(Slot::Live(p)) => Some(p.doc.clone()),
            _ => None,
        })
    }

    /// Reads entity `id` into the batch and fails with [`StoreError::Conflict`]
    /// unless its stored user fields are those of `seen` (a record of it read
    /// outside the batch; reserved fields are ignored).
    pub fn check_seen(&mut self, id: Uuid, seen: &Document) -> Result<(), StoreError> {
        let p = self.live(id)?;
        if p.is_new {
            return Ok(());
        }
        let same = p.stored_doc.as_deref().is_some_and(|stored| {
            let user = seen.iter().filter(|(k, _)| !is_reserved(k));
            user.clone().count() == stored.len()
                && user.into_iter().all(|(k, v)| stored.get(k) == Some(v))
        });
        if same {
            Ok(())
        } else {
            Err(StoreError::Conflict(format!(
                "entity {id} was changed by a concurrent write after it was read"
            )))
        }
    }
}

fn is_reserved(k: &str) -> bool {
    [fields::ID, fields::KEY, fields::TYPE, fields::POSITION].contains(&k)
}
