//! The database: one data file of column families plus the log beside it; opening with
//! recovery, checkpoints, and the family registry.

use crate::config::{Config, Durability};
use crate::error::{Error, Poison, Result, caught};
use crate::family::{Family, apply_op};
use crate::storage::file::DataFile;
use crate::storage::io::{FileIo, parent_dir};
use crate::txn::{ReadTransaction, WriteTransaction};
use crate::wal::log::Log;
use crate::wal::record;
use parking_lot::{Condvar, Mutex, RwLock};
use redb::ReadableDatabase as _;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

/// What opening the database found and did.
#[derive(Debug, Clone, Default)]
pub struct RecoveryReport {
    /// A directory slot that failed its checksum (a torn directory write); the other,
    /// previous one was used.
    pub damaged_directory_slot: Option<usize>,
    /// Log records replayed into families.
    pub records_replayed: u64,
    /// Checksummed log records not replayed because they followed a damaged or missing
    /// record (an unsynced tail: never acknowledged as durable, unless the disk lost
    /// synced data).
    pub records_discarded: u64,
    /// Column families in the file.
    pub families: usize,
    /// Time spent opening, replay included.
    pub duration: Duration,
}

/// Counters for monitoring.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Column families open.
    pub families: usize,
    /// Size of the log file.
    pub log_file_bytes: u64,
    /// Log bytes written since the last checkpoint.
    pub log_bytes_since_checkpoint: u64,
    /// Last log sequence number handed out (one per committed transaction).
    pub last_sequence: u64,
    /// Log syncs (`fdatasync`) since open; with group commit, concurrent commits share them.
    pub log_syncs: u64,
}

/// How the checkpointer thread is told to run or stop. The thread holds this and a weak
/// reference to the database, so it never keeps a closed database alive.
#[derive(Debug, Default)]
struct Signal {
    state: Mutex<Background>,
    cond: Condvar,
}

#[derive(Debug, Default)]
struct Background {
    stop: bool,
    wake: bool,
}

/// Everything a database handle, its families and its transactions share.
#[derive(Debug)]
pub(crate) struct Shared {
    path: PathBuf,
    pub config: Config,
    data: Arc<DataFile>,
    pub log: Log,
    families: RwLock<BTreeMap<String, Arc<Family>>>,
    checkpoint_lock: Mutex<()>,
    /// Families taken out of the registry whose removal from the directory on disk is
    /// not yet durable, with their durable applied sequence number: until it is, a power
    /// loss brings them back, and recovery replays from that number.
    dying: Mutex<HashMap<u32, u64>>,
    signal: Arc<Signal>,
    report: RecoveryReport,
    _lock_file: Arc<dyn FileIo>,
}

/// An open manifold database: one file of column families, and its log.
///
/// Dropping the last handle (this and every [`ColumnFamily`]) checkpoints, so the next
/// open replays nothing.
#[derive(Debug)]
pub struct Database {
    shared: Arc<Shared>,
}

/// A handle to one column family. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ColumnFamily {
    shared: Arc<Shared>,
    family: Arc<Family>,
}

/// Path of the log file that belongs to the data file at `path`.
pub fn log_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push("-wal");
    PathBuf::from(s)
}

fn check_family_name(name: &str) -> Result<()> {
    let reason = if name.is_empty() {
        "empty"
    } else if name.len() > 255 {
        "longer than 255 bytes"
    } else if name.chars().any(char::is_control) {
        "contains control characters"
    } else {
        return Ok(());
    };
    Err(Error::InvalidName {
        name: name.to_string(),
        reason,
    })
}

impl Database {
    /// Opens or creates the database at `path` (its log is `<path>-wal`) with the default
    /// configuration.
    pub fn open(path: impl AsRef<Path>) -> Result<Database> {
        Self::open_with(path, Config::default())
    }

    /// Opens or creates the database at `path`, recovering from the log if the last run
    /// did not close cleanly.
    pub fn open_with(path: impl AsRef<Path>, config: Config) -> Result<Database> {
        let started = Instant::now();
        config.validate()?;
        let path = path.as_ref().to_path_buf();
        let vfs = config.vfs.clone();
        let file = vfs
            .open(&path, true)
            .map_err(Error::io("opening the database file"))?;
        if !file
            .try_lock()
            .map_err(Error::io("locking the database file"))?
        {
            return Err(Error::Locked(path.display().to_string()));
        }
        let poison = Arc::new(Poison::default());
        let data = Arc::new(DataFile::open(
            file.clone(),
            config.segment_size,
            config.log_segment_size,
            poison.clone(),
        )?);
        let mut families = BTreeMap::new();
        let mut applied = HashMap::new();
        for entry in data.families() {
            let fam = Family::open(&data, entry.id, &entry.name, config.cache_per_family)?;
            // A family that never recorded a sequence number never got a record.
            if let Some(done) = fam.applied()? {
                applied.insert(entry.id, done);
            }
            families.insert(entry.name.clone(), Arc::new(fam));
        }
        let log_file = vfs
            .open(&log_path(&path), true)
            .map_err(Error::io("opening the log file"))?;
        let log = Log::open(log_file, data.log_segment_size, config.log_segments, poison)?;
        // Make the files' directory entries durable: a power loss can otherwise lose a
        // file created by this open or an earlier one that crashed, with all it holds.
        vfs.sync_dir(parent_dir(&path))
            .map_err(Error::io("syncing the database's directory"))?;

        // Replay every record past what each family has applied.
        let by_id: HashMap<u32, Arc<Family>> =
            families.values().map(|f| (f.id, f.clone())).collect();
        let start = applied.values().min().map_or(u64::MAX, |a| a + 1);
        let mut txs: HashMap<u32, redb::WriteTransaction> = HashMap::new();
        let outcome = log.replay(start, |seq, payload| {
            record::decode(payload, |fid, op| {
                let (Some(fam), Some(&done)) = (by_id.get(&fid), applied.get(&fid)) else {
                    return Ok(()); // a family deleted since
                };
                if seq <= done {
                    return Ok(());
                }
                let tx = match txs.entry(fid) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(v) => {
                        let mut tx = fam.db.begin_write()?;
                        tx.set_durability(redb::Durability::None)?;
                        v.insert(tx)
                    }
                };
                apply_op(tx, &op)
            })
        })?;
        for (_, tx) in txs {
            caught(|| tx.commit())??;
        }
        let max_applied = applied.values().copied().max().unwrap_or(0);
        log.resume(outcome.max_seen.max(outcome.chain_end).max(max_applied));

        let report = RecoveryReport {
            damaged_directory_slot: data.damaged_slot,
            records_replayed: outcome.replayed,
            records_discarded: outcome.discarded,
            families: families.len(),
            duration: Duration::ZERO,
        };
        let shared = Arc::new(Shared {
            path,
            config,
            data,
            log,
            families: RwLock::new(families),
            checkpoint_lock: Mutex::new(()),
            dying: Mutex::new(HashMap::new()),
            signal: Arc::new(Signal::default()),
            report,
            _lock_file: file,
        });
        // Make the replayed state durable and every log segment reusable.
        shared.checkpoint()?;
        let mut shared = shared;
        if let Some(s) = Arc::get_mut(&mut shared) {
            s.report.duration = started.elapsed();
        }
        if shared.config.background_checkpoints {
            spawn_checkpointer(Arc::downgrade(&shared), shared.signal.clone());
        }
        Ok(Database { shared })
    }

    /// What opening found: replayed records, a damaged directory slot, timing.
    pub fn recovery_report(&self) -> &RecoveryReport {
        &self.shared.report
    }

    /// Path of the data file.
    pub fn path(&self) -> &Path {
        &self.shared.path
    }

    /// Creates a column family; fails if it exists.
    pub fn create_column_family(&self, name: &str) -> Result<ColumnFamily> {
        check_family_name(name)?;
        let mut families = self.shared.families.write();
        if families.contains_key(name) {
            return Err(Error::FamilyExists(name.to_string()));
        }
        // The family is pending (absent from the directory on disk) until its database
        // is initialised and durably records where in the log it starts, so that a power
        // loss at any step leaves either no family or a complete one.
        let id = self.shared.data.create_family(name)?;
        let created = (|| {
            let fam = Arc::new(Family::open(
                &self.shared.data,
                id,
                name,
                self.shared.config.cache_per_family,
            )?);
            // Read under the registry's write lock: a checkpoint that listed the families
            // before this one took its watermark at or below this number.
            let seq = self.shared.log.last_seq();
            self.shared.log.wait_durable(seq)?;
            fam.commit_durable_at(fam.db.begin_write()?, seq)?;
            self.shared.data.commit_family(id)?;
            Ok(fam)
        })();
        let fam = match created {
            Ok(fam) => fam,
            Err(e) => {
                // Best effort: segments of a family never committed are reclaimed at the
                // next open anyway.
                let _ = self.shared.data.delete_family(id);
                return Err(e);
            }
        };
        families.insert(name.to_string(), fam.clone());
        Ok(ColumnFamily {
            shared: self.shared.clone(),
            family: fam,
        })
    }

    /// The column family called `name`.
    pub fn column_family(&self, name: &str) -> Result<ColumnFamily> {
        let families = self.shared.families.read();
        let fam = families
            .get(name)
            .ok_or_else(|| Error::FamilyNotFound(name.to_string()))?;
        Ok(ColumnFamily {
            shared: self.shared.clone(),
            family: fam.clone(),
        })
    }

    /// The column family called `name`, created if missing.
    pub fn column_family_or_create(&self, name: &str) -> Result<ColumnFamily> {
        match self.column_family(name) {
            Err(Error::FamilyNotFound(_)) => match self.create_column_family(name) {
                Err(Error::FamilyExists(_)) => self.column_family(name),
                other => other,
            },
            other => other,
        }
    }

    /// Names of all column families, sorted.
    pub fn list_column_families(&self) -> Vec<String> {
        self.shared.families.read().keys().cloned().collect()
    }

    /// Deletes a column family and everything in it; its segments are reused by families
    /// that grow later. Handles to it still held elsewhere fail from now on.
    pub fn delete_column_family(&self, name: &str) -> Result<()> {
        let fam = {
            let mut families = self.shared.families.write();
            let fam = families
                .remove(name)
                .ok_or_else(|| Error::FamilyNotFound(name.to_string()))?;
            // Checkpoints keep the log this family needs until its removal is durable.
            self.shared
                .dying
                .lock()
                .insert(fam.id, fam.durable_applied());
            fam
        };
        self.shared.config.vfs.notify("delete.unlisted");
        fam.mark_deleted();
        // Wait for a writer in flight to finish (a later one sees the mark once it holds
        // the family's writer lock, and gives up): every record touching the family is
        // now in the log.
        let tx = fam.db.begin_write()?;
        // Closing the family's database commits it durably, its pending non-durable
        // commits included. Their records must be durable first: otherwise a power loss
        // before the directory loses the family brings it back holding its part of a
        // transaction that the other families lost with the log's unsynced tail. (If the
        // sync fails, the database is poisoned and the close cannot sync either.)
        self.shared.log.wait_durable(self.shared.log.last_seq())?;
        drop(tx);
        // Close the family's database while its segments are still its own, then release
        // the segments.
        let id = fam.id;
        drop(fam);
        self.shared.data.delete_family(id)?;
        self.shared.dying.lock().remove(&id);
        Ok(())
    }

    /// A write transaction spanning several column families: it commits atomically, as
    /// one log record. Families are locked in a fixed order, so two such transactions
    /// never deadlock each other.
    pub fn begin_write(&self, families: &[&ColumnFamily]) -> Result<WriteTransaction> {
        let fams = families.iter().map(|cf| cf.family.clone()).collect();
        WriteTransaction::begin(self.shared.clone(), fams)
    }

    /// Applies a redo record of a transaction on this file
    /// ([`WriteTransaction::redo`]) in a transaction of its own, durably. Fails with
    /// [`Error::FamilyNotFound`] when the record changes a family this file no longer
    /// has, and with [`Error::Corrupted`] when the bytes are not a record.
    pub fn apply_redo(&self, redo: &[u8]) -> Result<()> {
        let mut ids = Vec::new();
        record::decode(redo, |family, _| {
            if !ids.contains(&family) {
                ids.push(family);
            }
            Ok(())
        })?;
        if ids.is_empty() {
            return Ok(());
        }
        let fams: Vec<Arc<Family>> = {
            let families = self.shared.families.read();
            ids.iter()
                .map(|id| {
                    families
                        .values()
                        .find(|f| f.id == *id)
                        .cloned()
                        .ok_or_else(|| Error::FamilyNotFound(format!("number {id}")))
                })
                .collect::<Result<_>>()?
        };
        let mut tx = WriteTransaction::begin(self.shared.clone(), fams)?;
        tx.set_durability(Durability::Immediate);
        tx.apply(redo)?;
        tx.commit()
    }

    /// Makes every record in the log durable in the families and lets the log recycle
    /// its segments.
    pub fn checkpoint(&self) -> Result<()> {
        self.shared.checkpoint()
    }

    /// Makes every commit so far durable, deferred ones included.
    pub fn sync(&self) -> Result<()> {
        let seq = self.shared.log.last_seq();
        self.shared.log.wait_durable(seq)
    }

    /// Counters for monitoring.
    pub fn stats(&self) -> Stats {
        Stats {
            families: self.shared.families.read().len(),
            log_file_bytes: self.shared.log.file_len(),
            log_bytes_since_checkpoint: self.shared.log.bytes_since_checkpoint(),
            last_sequence: self.shared.log.last_seq(),
            log_syncs: self.shared.log.syncs(),
        }
    }
}

impl ColumnFamily {
    /// The family's name.
    pub fn name(&self) -> &str {
        &self.family.name
    }

    /// A write transaction on this family alone. Writers on other families proceed in
    /// parallel; a second writer on this family waits until this one ends.
    pub fn begin_write(&self) -> Result<WriteTransaction> {
        WriteTransaction::begin(self.shared.clone(), vec![self.family.clone()])
    }

    /// A read transaction: a consistent snapshot of this family.
    pub fn begin_read(&self) -> Result<ReadTransaction> {
        self.family.check_live()?;
        Ok(ReadTransaction::new(self.family.db.begin_read()?))
    }

    pub(crate) fn family_id(&self) -> u32 {
        self.family.id
    }
}

impl Shared {
    /// Makes the families durable up to the log's end and lets the log recycle. Refused
    /// once the database is poisoned; a failure poisons it.
    pub(crate) fn checkpoint(&self) -> Result<()> {
        let _guard = self.checkpoint_lock.lock();
        self.log.check_poison()?;
        let result = self.checkpoint_locked();
        if let Err(e) = &result {
            self.log.set_poison(e);
        }
        result
    }

    fn checkpoint_locked(&self) -> Result<()> {
        // The watermark is the last sequence number when the families are listed: every
        // family listed is made durable at or past it, and a family created afterwards
        // starts at or past it (it reads the number under the registry's write lock).
        // A family being deleted may still come back after a power loss: the watermark
        // stays at or below what it durably applied.
        let (mut fams, watermark) = {
            let families = self.families.read();
            let fams: Vec<Arc<Family>> = families.values().cloned().collect();
            let dying = self.dying.lock().values().copied().min();
            (fams, self.log.last_seq().min(dying.unwrap_or(u64::MAX)))
        };
        fams.sort_by_key(|f| f.id);
        self.config.vfs.notify("checkpoint.listed");
        for fam in fams {
            if fam.check_live().is_err() {
                continue;
            }
            // Holding the family's writer lock, every record that touches it is applied.
            let tx = fam.db.begin_write()?;
            // Deleted while this waited for the lock: its deletion has synced the log and
            // closes its database; a commit now would race the release of its segments.
            if fam.check_live().is_err() {
                continue;
            }
            let seq = self.log.last_seq();
            // The durable commit below also persists earlier non-durable commits, whose
            // records must therefore be durable first.
            self.log.wait_durable(seq)?;
            self.log.check_poison()?;
            fam.commit_durable_at(tx, seq)?;
        }
        self.log.wait_durable(watermark)?;
        self.log.set_checkpointed(watermark);
        Ok(())
    }

    /// Called after each commit: wakes the checkpointer when the log has grown enough.
    pub(crate) fn after_commit(&self) {
        if self.config.background_checkpoints
            && self.log.bytes_since_checkpoint() >= self.config.checkpoint_log_bytes
        {
            let mut bg = self.signal.state.lock();
            bg.wake = true;
            self.signal.cond.notify_one();
        }
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        {
            let mut bg = self.signal.state.lock();
            bg.stop = true;
            self.signal.cond.notify_all();
        }
        // A clean close: the next open replays nothing. Errors here cannot be reported;
        // the log still holds everything, so the next open recovers instead.
        let _ = self.checkpoint();
    }
}

fn spawn_checkpointer(shared: Weak<Shared>, signal: Arc<Signal>) {
    let Some(interval) = shared.upgrade().map(|s| s.config.checkpoint_interval) else {
        return;
    };
    let spawned = std::thread::Builder::new()
        .name("manifold-checkpoint".into())
        .spawn(move || {
            loop {
                {
                    let mut bg = signal.state.lock();
                    if !bg.wake && !bg.stop {
                        let wait = interval.unwrap_or(Duration::from_secs(3600));
                        let timed_out = signal.cond.wait_for(&mut bg, wait).timed_out();
                        if timed_out && interval.is_none() {
                            continue;
                        }
                    }
                    if bg.stop {
                        return;
                    }
                    bg.wake = false;
                }
                let Some(s) = shared.upgrade() else { return };
                if let Err(e) = s.checkpoint() {
                    s.log.set_poison(&e);
                }
            }
        });
    // Without the thread, checkpoints still run on `checkpoint()`, on close, and the log
    // grows instead of recycling in the meantime.
    drop(spawned);
}
