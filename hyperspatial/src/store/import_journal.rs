//! Imports in progress, journaled so that an import stopped midway (an error, or the
//! process killed) leaves nothing behind (see `batch_log` for the journal itself).

use super::database::Database;
use crate::store::StoreError;
use uuid::Uuid;

/// Entities deleted per batch when an interrupted import is taken back.
const UNDO_BATCH: usize = 1000;

impl Database {
    /// Starts the journal of an import; its number.
    pub(crate) fn import_begin(&self) -> Result<u64, StoreError> {
        self.inner.batch_log.import_begin()
    }

    /// Records, durably, that import `number` is about to insert `ids` (before the
    /// batch that inserts them commits).
    pub(crate) fn import_note(&self, number: u64, ids: &[Uuid]) -> Result<(), StoreError> {
        self.inner.batch_log.import_note(number, ids)
    }

    /// Ends the journal of import `number`: what it inserted stays.
    pub(crate) fn import_end(&self, number: u64) -> Result<(), StoreError> {
        self.inner.batch_log.import_end(number)
    }

    /// Deletes what the imports still journaled inserted (the process stopped during
    /// them), with their edges, then ends their journals; how many entities it
    /// deleted. Called at open, once the collections and cascades are loaded.
    pub(crate) fn undo_interrupted_imports(&self) -> Result<usize, StoreError> {
        let mut deleted = 0;
        for (number, ids) in self.inner.batch_log.open_imports()? {
            let stored: Vec<Uuid> = ids
                .into_iter()
                .filter(|id| self.loc(*id).is_some())
                .collect();
            for chunk in stored.chunks(UNDO_BATCH) {
                let mut b = self.batch();
                for id in chunk {
                    b.delete(*id)?;
                }
                b.commit()?;
                deleted += chunk.len();
            }
            self.import_end(number)?;
        }
        Ok(deleted)
    }
}
