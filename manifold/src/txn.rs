//! Transactions. A write transaction holds the writer lock of each family it spans,
//! records its changes twice (into redb, and into one log record), and commits as:
//! append the record, commit each family with redb `Durability::None`, release the
//! families, then wait for the log to be synced past the record (group commit).

use crate::codec::{key::Key, value::Value};
use crate::config::Durability;
use crate::db::{ColumnFamily, Shared};
use crate::error::{Error, Result, caught};
use crate::family::{Family, write_applied};
use crate::table::{RawDef, ReadTable, TableDefinition, TableMut, check_table_name};
use crate::wal::record::{Op, RecordBuilder};
use std::cell::RefCell;
use std::sync::Arc;

struct Part {
    family: Arc<Family>,
    tx: redb::WriteTransaction,
}

/// A write transaction over one or more column families. Dropping it without
/// [`commit`](WriteTransaction::commit) discards its changes.
pub struct WriteTransaction {
    shared: Arc<Shared>,
    parts: Vec<Part>,
    log: RefCell<RecordBuilder>,
    durability: Durability,
}

impl std::fmt::Debug for WriteTransaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.parts.iter().map(|p| p.family.name.as_str()).collect();
        f.debug_struct("WriteTransaction")
            .field("families", &names)
            .field("durability", &self.durability)
            .finish()
    }
}

impl WriteTransaction {
    pub(crate) fn begin(shared: Arc<Shared>, mut families: Vec<Arc<Family>>) -> Result<Self> {
        if families.is_empty() {
            return Err(Error::Config(
                "a write transaction needs a column family".into(),
            ));
        }
        families.sort_by_key(|f| f.id);
        families.dedup_by_key(|f| f.id);
        let mut parts = Vec::with_capacity(families.len());
        for family in families {
            family.check_live()?;
            let mut tx = caught(|| family.db.begin_write())??;
            // Deleted while this writer waited for the lock: the deletion has already
            // synced the log for the family, and this transaction must not add to it.
            if let Err(e) = family.check_live() {
                drop(tx); // aborts
                return Err(e);
            }
            tx.set_durability(redb::Durability::None)?;
            parts.push(Part { family, tx });
        }
        let durability = shared.config.durability;
        Ok(WriteTransaction {
            shared,
            parts,
            log: RefCell::new(RecordBuilder::default()),
            durability,
        })
    }

    /// Chooses how `commit` waits for durability (see [`Durability`]).
    pub fn set_durability(&mut self, durability: Durability) {
        self.durability = durability;
    }

    fn part(&self, cf: Option<&ColumnFamily>) -> Result<&Part> {
        match cf {
            None => self.parts.first().ok_or(Error::FamilyGone),
            Some(cf) => self
                .parts
                .iter()
                .find(|p| p.family.id == cf.family_id())
                .ok_or_else(|| Error::NotInTransaction(cf.name().to_string())),
        }
    }

    /// Opens (creating if needed) a table in the transaction's first family — the only
    /// one, for a transaction from [`ColumnFamily::begin_write`].
    pub fn open_table<'t, K: Key + ?Sized, V: Value + ?Sized>(
        &'t self,
        def: TableDefinition<'_, K, V>,
    ) -> Result<TableMut<'t, K, V>> {
        self.open(None, def.name())
    }

    /// Opens (creating if needed) a table in family `cf` of a multi-family transaction.
    pub fn open_table_in<'t, K: Key + ?Sized, V: Value + ?Sized>(
        &'t self,
        cf: &ColumnFamily,
        def: TableDefinition<'_, K, V>,
    ) -> Result<TableMut<'t, K, V>> {
        self.open(Some(cf), def.name())
    }

    fn open<'t, K: Key + ?Sized, V: Value + ?Sized>(
        &'t self,
        cf: Option<&ColumnFamily>,
        name: &str,
    ) -> Result<TableMut<'t, K, V>> {
        check_table_name(name)?;
        let part = self.part(cf)?;
        let table = caught(|| part.tx.open_table(RawDef::new(name)))??;
        Ok(TableMut::new(table, &self.log, part.family.id, name))
    }

    /// Deletes a table and its contents from the first (or only) family. Returns whether
    /// it existed.
    pub fn delete_table(&self, name: &str) -> Result<bool> {
        self.delete_table_in_part(None, name)
    }

    /// Deletes a table from family `cf` of a multi-family transaction.
    pub fn delete_table_in(&self, cf: &ColumnFamily, name: &str) -> Result<bool> {
        self.delete_table_in_part(Some(cf), name)
    }

    fn delete_table_in_part(&self, cf: Option<&ColumnFamily>, name: &str) -> Result<bool> {
        check_table_name(name)?;
        let part = self.part(cf)?;
        let existed = caught(|| part.tx.delete_table(RawDef::new(name)))??;
        if existed {
            self.log
                .borrow_mut()
                .push(part.family.id, &Op::DropTable { table: name });
        }
        Ok(existed)
    }

    /// The changes recorded so far as a redo record: the bytes that
    /// [`Database::apply_redo`](crate::Database::apply_redo) applies to the same file.
    /// A record holds whole-entry puts and deletes and dropped tables, so applying it
    /// again, or over a state that already holds part of it, gives the same result.
    /// Families are named by their numbers in this file.
    ///
    /// This is how a caller makes one change atomic across several files: save every
    /// file's redo record durably in one place first, then commit each file, and apply
    /// the saved records again after a crash.
    pub fn redo(&self) -> Vec<u8> {
        self.log.borrow().encode()
    }

    /// Applies redo record `redo` (see [`redo`](Self::redo)) as part of this
    /// transaction, which must span every family the record changes.
    pub(crate) fn apply(&self, redo: &[u8]) -> Result<()> {
        crate::wal::record::decode(redo, |family, op| {
            let part = self
                .parts
                .iter()
                .find(|p| p.family.id == family)
                .ok_or_else(|| Error::FamilyNotFound(format!("number {family}")))?;
            crate::family::apply_op(&part.tx, &op)?;
            self.log.borrow_mut().push(family, &op);
            Ok(())
        })
    }

    /// Discards every change.
    pub fn abort(self) -> Result<()> {
        for p in self.parts {
            p.tx.abort()?;
        }
        Ok(())
    }

    /// Commits atomically across the transaction's families. With
    /// [`Durability::Immediate`] it returns once the changes survive a crash or power loss.
    ///
    /// If it fails after the log record was written, the database refuses further writes
    /// (it is poisoned) and the next open decides, from the log, whether the transaction
    /// happened.
    pub fn commit(self) -> Result<()> {
        let WriteTransaction {
            shared,
            parts,
            log,
            durability,
        } = self;
        let record = log.into_inner();
        if record.is_empty() {
            for p in parts {
                p.tx.abort()?;
            }
            return Ok(());
        }
        let log = &shared.log;
        // One family's large transaction is committed by the family itself instead of
        // being copied into the log; across families it is one record in fragments.
        if parts.len() == 1 && record.encoded_len() > log.max_payload() {
            return commit_external(&shared, parts);
        }
        let seq = log.append(&record.encode())?;
        // Start the log sync now, so that the device flushes while redb commits.
        let ticket = (durability == Durability::Immediate).then(|| log.begin_sync(seq));
        let mut applied = Ok(());
        for p in parts {
            applied = write_applied(&p.tx, seq).and_then(|()| Ok(caught(|| p.tx.commit())??));
            if applied.is_err() {
                break;
            }
        }
        let synced = match ticket {
            Some(t) => log.end_sync(t, seq),
            None => Ok(()),
        };
        if let Err(e) = applied {
            log.set_poison(&e);
            return Err(e);
        }
        synced?;
        shared.after_commit();
        Ok(())
    }
}

/// A one-family transaction too large for one log frame commits through redb's own
/// durable commit, leaving a marker in the log that keeps sequence numbers in order
/// (atomic because redb's commit is).
fn commit_external(shared: &Shared, mut parts: Vec<Part>) -> Result<()> {
    let Some(part) = parts.pop() else {
        return Ok(());
    };
    let mut marker = RecordBuilder::default();
    marker.push(part.family.id, &Op::External);
    let seq = shared.log.append(&marker.encode())?;
    // Earlier non-durable commits of this family become durable with this one: their
    // records must be durable first.
    shared.log.wait_durable(seq)?;
    part.family.commit_durable_at(part.tx, seq)?;
    shared.after_commit();
    Ok(())
}

/// A read transaction: a consistent snapshot of one column family.
pub struct ReadTransaction {
    tx: redb::ReadTransaction,
}

impl std::fmt::Debug for ReadTransaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReadTransaction")
    }
}

impl ReadTransaction {
    pub(crate) fn new(tx: redb::ReadTransaction) -> Self {
        ReadTransaction { tx }
    }

    /// The log sequence number of the last commit this snapshot of the family
    /// reflects (`None` for a family never written). Every commit that changes a
    /// family records a new, larger one in it, so two snapshots of one family with the
    /// same version hold the same data: a cache built from one snapshot is still
    /// exact while a later snapshot shows the same version. Versions are for
    /// comparisons within one open database (reopening may renumber them).
    pub fn version(&self) -> Result<Option<u64>> {
        caught(|| crate::family::read_applied_in(&self.tx))?
    }

    /// Opens a table; a table that was never created reads as empty.
    pub fn open_table<K: Key + ?Sized, V: Value + ?Sized>(
        &self,
        def: TableDefinition<'_, K, V>,
    ) -> Result<ReadTable<K, V>> {
        check_table_name(def.name())?;
        match caught(|| self.tx.open_table(RawDef::new(def.name())))? {
            Ok(t) => Ok(ReadTable::new(Some(t))),
            Err(redb::TableError::TableDoesNotExist(_)) => Ok(ReadTable::new(None)),
            Err(e) => Err(e.into()),
        }
    }
}
