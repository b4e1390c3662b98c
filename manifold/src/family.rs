//! One column family: a redb database over its segments, plus the bookkeeping that ties
//! it to the log (the last applied sequence number, stored in the family itself).

use crate::error::{Error, Result, caught};
use crate::storage::backend::FamilyBackend;
use crate::storage::file::DataFile;
use crate::table::RawDef;
use crate::wal::record::Op;
use redb::ReadableDatabase as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

const META: RawDef<'static> = redb::TableDefinition::new("__manifold_meta");
const APPLIED: &[u8] = b"applied";

/// An open column family.
#[derive(Debug)]
pub(crate) struct Family {
    pub id: u32,
    pub name: String,
    pub db: redb::Database,
    deleted: AtomicBool,
    /// The applied sequence number of the family's last durable commit in this process
    /// (or as found at open): the file holds at least this much of it.
    durable_applied: AtomicU64,
}

impl Family {
    /// Opens (or initialises) the redb database of family `id`.
    pub(crate) fn open(
        data: &Arc<DataFile>,
        id: u32,
        name: &str,
        cache_bytes: usize,
    ) -> Result<Family> {
        let backend = FamilyBackend {
            id,
            file: data.clone(),
        };
        let db = caught(|| {
            redb::Builder::new()
                .set_cache_size(cache_bytes)
                .create_with_backend(backend)
        })??;
        Ok(Family {
            id,
            name: name.to_string(),
            db,
            deleted: AtomicBool::new(false),
            durable_applied: AtomicU64::new(0),
        })
    }

    /// Marks the family deleted: new transactions on it fail.
    pub(crate) fn mark_deleted(&self) {
        self.deleted.store(true, Ordering::Release);
    }

    /// Fails with [`Error::FamilyGone`] once deleted.
    pub(crate) fn check_live(&self) -> Result<()> {
        if self.deleted.load(Ordering::Acquire) {
            Err(Error::FamilyGone)
        } else {
            Ok(())
        }
    }

    /// The last log sequence number reflected in this family's committed state; `None`
    /// when the family never recorded one (its creation never completed: no record can
    /// concern it).
    pub(crate) fn applied(&self) -> Result<Option<u64>> {
        let applied = caught(|| self.read_applied())??;
        if let Some(seq) = applied {
            self.durable_applied.fetch_max(seq, Ordering::AcqRel);
        }
        Ok(applied)
    }

    /// See the field of that name.
    pub(crate) fn durable_applied(&self) -> u64 {
        self.durable_applied.load(Ordering::Acquire)
    }

    fn read_applied(&self) -> Result<Option<u64>> {
        read_applied_in(&self.db.begin_read()?)
    }
}

/// The applied sequence number recorded in the snapshot `tx` (`None`: never recorded).
pub(crate) fn read_applied_in(tx: &redb::ReadTransaction) -> Result<Option<u64>> {
    let table = match tx.open_table(META) {
        Ok(t) => t,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    match table.get(APPLIED)? {
        Some(v) => {
            let b = v.value();
            let arr: [u8; 8] = b.try_into().map_err(|_| Error::Corrupted {
                what: "family metadata",
                detail: format!("applied sequence number has {} bytes", b.len()),
            })?;
            Ok(Some(u64::from_le_bytes(arr)))
        }
        None => Ok(None),
    }
}

impl Family {
    /// Commits durably (redb `Immediate`, quick repair on), recording `seq` as applied.
    pub(crate) fn commit_durable_at(&self, mut tx: redb::WriteTransaction, seq: u64) -> Result<()> {
        write_applied(&tx, seq)?;
        tx.set_durability(redb::Durability::Immediate)?;
        tx.set_quick_repair(true);
        caught(|| tx.commit())??;
        self.durable_applied.fetch_max(seq, Ordering::AcqRel);
        Ok(())
    }
}

/// Records `seq` as the last applied log record in the transaction.
pub(crate) fn write_applied(tx: &redb::WriteTransaction, seq: u64) -> Result<()> {
    let mut t = tx.open_table(META)?;
    t.insert(APPLIED, &seq.to_le_bytes()[..])?;
    Ok(())
}

/// Applies one logged op (recovery).
pub(crate) fn apply_op(tx: &redb::WriteTransaction, op: &Op<'_>) -> Result<()> {
    caught(|| apply_op_unguarded(tx, op))?
}

fn apply_op_unguarded(tx: &redb::WriteTransaction, op: &Op<'_>) -> Result<()> {
    match op {
        Op::Put { table, key, value } => {
            let mut t = tx.open_table(RawDef::new(table))?;
            t.insert(*key, *value)?;
        }
        Op::Delete { table, key } => {
            let mut t = tx.open_table(RawDef::new(table))?;
            t.remove(*key)?;
        }
        Op::DropTable { table } => {
            tx.delete_table(RawDef::new(table))?;
        }
        Op::External => {}
    }
    Ok(())
}
