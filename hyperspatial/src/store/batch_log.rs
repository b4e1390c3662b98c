//! The batch log: one atomic commit for a batch that writes several shard files.
//!
//! A shard is one manifold file, and one manifold transaction is atomic within its
//! file only. A batch that touches several shards (of one collection or of several)
//! therefore commits in three steps:
//! 1. every touched shard's transaction is built (not committed); each also sets the
//!    shard's `applied` marker to the batch's number;
//! 2. the redo records of all of them ([`manifold::WriteTransaction::redo`]) are
//!    saved, under the batch's number, in `batches.manifold` beside the collections,
//!    durably: this is the commit point;
//! 3. the shards commit and sync; the saved record is then dropped (lazily).
//!
//! At open, before a collection is read, every saved record is applied again to
//! each of its shards whose marker is below the record's number (a redo record holds
//! whole-entry puts and deletes, so applying it over part of itself is harmless),
//! then dropped. A crash before step 2 leaves no shard changed (the transactions
//! were never committed); a crash after it leaves every shard changed once the
//! database reopens.
//!
//! The same file keeps the journal of imports in progress ([`BatchLog::import_begin`]):
//! the ids an import inserted, saved durably before each of its batches commits.
//! An import that ends (well or not) removes its journal durably before it returns; at
//! open, the entities of every import still journaled (the process died during it) are
//! deleted, so an import is all or nothing across a crash as well.
//!
//! Invariants: batch numbers only grow, across reopens (the last one is stored with
//! each record), so a marker never hides a later batch; a shard's marker is written
//! in the same transaction as the batch's changes to it.

use super::shard::Shard;
use crate::store::StoreError;
use manifold::{ColumnFamily, Database, Durability, TableDefinition};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use uuid::Uuid;

/// Saved redo records by batch number.
const REDO: TableDefinition<u64, [u8]> = TableDefinition::new("redo");
/// `last`: the highest batch number ever given.
const META: TableDefinition<str, u64> = TableDefinition::new("meta");
/// Imports in progress, by number.
const IMPORTS: TableDefinition<u64, ()> = TableDefinition::new("imports");
/// The ids each import in progress may have inserted: (import, note) -> the ids of
/// one note, 16 bytes each.
const IMPORTED: TableDefinition<(u64, u64), [u8]> = TableDefinition::new("imported");
/// In a shard's system family: `applied`, the number of the last multi-shard batch
/// whose changes the shard holds.
pub(crate) const APPLIED: TableDefinition<str, u64> = TableDefinition::new("batch_applied");

/// One shard's part of a saved batch.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Part {
    /// The shard's collection.
    pub(crate) collection: String,
    /// The shard's number.
    pub(crate) shard: u32,
    /// The shard transaction's redo record.
    pub(crate) redo: Vec<u8>,
}

/// The batch log of a database.
pub(crate) struct BatchLog {
    cf: ColumnFamily,
    // Kept open for the log's life (the family belongs to it).
    _db: Database,
    last: AtomicU64,
}

impl BatchLog {
    /// Opens (creating if needed) the batch log in directory `dir`, on the file
    /// system and with the checkpoint policy of `config`. Its file is small (1 MiB
    /// segments and log): records are dropped soon after they are written, and one
    /// larger than its log commits durably on its own.
    pub(crate) fn open(dir: &Path, config: &manifold::Config) -> Result<BatchLog, StoreError> {
        const MIB: u64 = 1024 * 1024;
        let config = config
            .clone()
            .to_builder()
            .segment_size(MIB)
            .log_segment_size(MIB)
            .log_segments(2)
            .cache_per_family(MIB as usize)
            .build()?;
        let db = Database::open_with(dir.join("batches.manifold"), config)?;
        let cf = db.column_family_or_create("batches")?;
        let last = {
            let rtx = cf.begin_read()?;
            let stored = rtx.open_table(META)?.get("last")?.unwrap_or(0);
            let newest = rtx.open_table(REDO)?.last()?.map_or(0, |(n, _)| n);
            stored.max(newest)
        };
        Ok(BatchLog {
            cf,
            _db: db,
            last: AtomicU64::new(last),
        })
    }

    /// A new batch number, above every number given before.
    pub(crate) fn next_number(&self) -> u64 {
        self.last.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Saves batch `number`'s parts durably (the batch's commit point).
    pub(crate) fn save(&self, number: u64, parts: &[Part]) -> Result<(), StoreError> {
        let mut tx = self.cf.begin_write()?;
        tx.set_durability(Durability::Immediate);
        tx.open_table(REDO)?.insert(&number, &encode(parts))?;
        record_last(&tx, number)?;
        tx.commit()?;
        Ok(())
    }

    /// Drops the saved record of batch `number` once every shard holds it durably.
    pub(crate) fn forget(&self, number: u64) -> Result<(), StoreError> {
        let mut tx = self.cf.begin_write()?;
        tx.set_durability(Durability::Deferred);
        tx.open_table(REDO)?.remove(&number)?;
        tx.commit()?;
        Ok(())
    }

    /// Starts the journal of a new import; its number.
    pub(crate) fn import_begin(&self) -> Result<u64, StoreError> {
        let number = self.next_number();
        let mut tx = self.cf.begin_write()?;
        tx.set_durability(Durability::Immediate);
        tx.open_table(IMPORTS)?.insert(&number, &())?;
        record_last(&tx, number)?;
        tx.commit()?;
        Ok(number)
    }

    /// Records, durably, that import `number` is about to insert `ids`.
    pub(crate) fn import_note(&self, number: u64, ids: &[Uuid]) -> Result<(), StoreError> {
        let mut tx = self.cf.begin_write()?;
        tx.set_durability(Durability::Immediate);
        let mut t = tx.open_table(IMPORTED)?;
        let note = t
            .prefix(&number)?
            .next_back()
            .transpose()?
            .map_or(0, |((_, n), _)| n + 1);
        let bytes: Vec<u8> = ids.iter().flat_map(|id| *id.as_bytes()).collect();
        t.insert(&(number, note), bytes.as_slice())?;
        drop(t);
        tx.commit()?;
        Ok(())
    }

    /// Ends the journal of import `number`, durably: its rows stay.
    pub(crate) fn import_end(&self, number: u64) -> Result<(), StoreError> {
        let mut tx = self.cf.begin_write()?;
        tx.set_durability(Durability::Immediate);
        tx.open_table(IMPORTED)?.remove_prefix(&number)?;
        tx.open_table(IMPORTS)?.remove(&number)?;
        tx.commit()?;
        Ok(())
    }

    /// Imports still journaled, with the ids each may have inserted.
    pub(crate) fn open_imports(&self) -> Result<Vec<(u64, Vec<Uuid>)>, StoreError> {
        let rtx = self.cf.begin_read()?;
        let imports = rtx.open_table(IMPORTS)?;
        let imported = rtx.open_table(IMPORTED)?;
        let mut out = Vec::new();
        for e in imports.iter()? {
            let (number, ()) = e?;
            let mut ids = Vec::new();
            for e in imported.prefix(&number)? {
                let (_, bytes) = e?;
                if bytes.len() % 16 != 0 {
                    return Err(StoreError::Corrupt(format!(
                        "the journal of import {number} is damaged"
                    )));
                }
                ids.extend(bytes.chunks_exact(16).map(|c| {
                    let mut b = [0u8; 16];
                    b.copy_from_slice(c);
                    Uuid::from_bytes(b)
                }));
            }
            out.push((number, ids));
        }
        Ok(out)
    }

    /// Every saved record, oldest first.
    pub(crate) fn saved(&self) -> Result<Vec<(u64, Vec<Part>)>, StoreError> {
        let rtx = self.cf.begin_read()?;
        let t = rtx.open_table(REDO)?;
        let mut out = Vec::new();
        for e in t.iter()? {
            let (n, bytes) = e?;
            out.push((n, decode(&bytes)?));
        }
        Ok(out)
    }
}

/// Stores `number` as the highest number given, unless a higher one is stored.
fn record_last(tx: &manifold::WriteTransaction, number: u64) -> Result<(), StoreError> {
    let mut meta = tx.open_table(META)?;
    let last = meta.get("last")?.unwrap_or(0);
    meta.insert("last", &last.max(number))?;
    Ok(())
}

/// Applies the saved parts meant for shard `n` of `collection` that it lacks, oldest
/// first.
pub(crate) fn replay(
    saved: &[(u64, Vec<Part>)],
    collection: &str,
    n: u32,
    shard: &Shard,
) -> Result<(), StoreError> {
    let applied = applied(shard)?;
    for (number, parts) in saved {
        if *number <= applied {
            continue;
        }
        for p in parts
            .iter()
            .filter(|p| p.collection == collection && p.shard == n)
        {
            shard.db.apply_redo(&p.redo)?;
        }
    }
    Ok(())
}

/// The number of the last multi-shard batch shard `shard` holds.
fn applied(shard: &Shard) -> Result<u64, StoreError> {
    let rtx = shard.system.begin_read()?;
    Ok(rtx.open_table(APPLIED)?.get("applied")?.unwrap_or(0))
}

fn encode(parts: &[Part]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&(parts.len() as u32).to_le_bytes());
    for p in parts {
        out.extend_from_slice(&(p.collection.len() as u32).to_le_bytes());
        out.extend_from_slice(p.collection.as_bytes());
        out.extend_from_slice(&p.shard.to_le_bytes());
        out.extend_from_slice(&(p.redo.len() as u64).to_le_bytes());
        out.extend_from_slice(&p.redo);
    }
    out
}

fn decode(mut b: &[u8]) -> Result<Vec<Part>, StoreError> {
    let bad = || StoreError::Corrupt("a saved batch record is cut short".into());
    let mut take = |n: usize| -> Result<&[u8], StoreError> {
        if b.len() < n {
            return Err(bad());
        }
        let (head, rest) = b.split_at(n);
        b = rest;
        Ok(head)
    };
    let u32_of = |x: &[u8]| u32::from_le_bytes([x[0], x[1], x[2], x[3]]);
    let count = u32_of(take(4)?);
    let mut parts = Vec::new();
    for _ in 0..count {
        let len = u32_of(take(4)?) as usize;
        let collection = String::from_utf8(take(len)?.to_vec())
            .map_err(|_| StoreError::Corrupt("a saved batch names a collection badly".into()))?;
        let shard = u32_of(take(4)?);
        let len = take(8)?;
        let len = u64::from_le_bytes(len.try_into().map_err(|_| bad())?);
        let redo = take(usize::try_from(len).map_err(|_| bad())?)?.to_vec();
        parts.push(Part {
            collection,
            shard,
            redo,
        });
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_round_trip_and_cut_records_are_errors() {
        let parts = vec![
            Part {
                collection: "a".into(),
                shard: 0,
                redo: vec![1, 2, 3],
            },
            Part {
                collection: "bb".into(),
                shard: 7,
                redo: Vec::new(),
            },
        ];
        let bytes = encode(&parts);
        assert_eq!(decode(&bytes).unwrap(), parts);
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
    }
}
