//! The systems under test behind one small trait.

use super::{VALUE_LEN, key};
use std::ops::Bound;
use std::path::Path;

/// What the storage suite asks of each system.
pub trait Store: Sync {
    fn name(&self) -> &'static str;
    /// One durable single-insert commit into part `part` (family / keyspace / table).
    fn commit_shared(&self, part: usize, k: &[u8; 24], v: &[u8]) -> Result<(), String>;
    /// One durable transaction with all `entries`.
    fn write_batch(&mut self, entries: &[([u8; 24], [u8; VALUE_LEN])]) -> Result<(), String>;
    /// Point reads of `ids`, each checked.
    fn get_many(&self, ids: &[u64]) -> Result<(), String>;
    /// 10-entry range reads from each start.
    fn range10_many(&self, starts: &[u64]) -> Result<(), String>;
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn check_len(found: Option<usize>, id: u64) -> Result<(), String> {
    match found {
        Some(VALUE_LEN) => Ok(()),
        other => Err(format!("read of key {id} returned {other:?}")),
    }
}

fn check_range(n: usize) -> Result<(), String> {
    if n == 10 {
        Ok(())
    } else {
        Err(format!("range read returned {n} entries"))
    }
}

/// Cache size given to the peers that take one (more than the data written).
pub const CACHE_BYTES: usize = 64 << 20;

const MT: manifold::TableDefinition<[u8; 24], [u8]> = manifold::TableDefinition::new("t");

/// manifold with its default configuration, one column family per part.
pub struct Manifold {
    _db: manifold::Database,
    parts: Vec<manifold::ColumnFamily>,
}

impl Manifold {
    pub fn open(path: &Path, parts: usize) -> Result<Self, String> {
        let db = manifold::Database::open(path).map_err(err)?;
        let parts = (0..parts)
            .map(|i| db.column_family_or_create(&format!("cf{i}")))
            .collect::<Result<_, _>>()
            .map_err(err)?;
        Ok(Manifold { _db: db, parts })
    }
}

impl Store for Manifold {
    fn name(&self) -> &'static str {
        "manifold"
    }
    fn commit_shared(&self, part: usize, k: &[u8; 24], v: &[u8]) -> Result<(), String> {
        let tx = self.parts[part].begin_write().map_err(err)?;
        tx.open_table(MT).map_err(err)?.insert(k, v).map_err(err)?;
        tx.commit().map_err(err)
    }
    fn write_batch(&mut self, entries: &[([u8; 24], [u8; VALUE_LEN])]) -> Result<(), String> {
        let tx = self.parts[0].begin_write().map_err(err)?;
        {
            let mut t = tx.open_table(MT).map_err(err)?;
            for (k, v) in entries {
                t.insert(k, v).map_err(err)?;
            }
        }
        tx.commit().map_err(err)
    }
    fn get_many(&self, ids: &[u64]) -> Result<(), String> {
        let r = self.parts[0].begin_read().map_err(err)?;
        let t = r.open_table(MT).map_err(err)?;
        for &id in ids {
            check_len(
                t.get_raw(&key(id)).map_err(err)?.map(|g| g.bytes().len()),
                id,
            )?;
        }
        Ok(())
    }
    fn range10_many(&self, starts: &[u64]) -> Result<(), String> {
        let r = self.parts[0].begin_read().map_err(err)?;
        let t = r.open_table(MT).map_err(err)?;
        for &s in starts {
            let k = key(s);
            let n = t
                .range(&k..)
                .map_err(err)?
                .raw()
                .take(10)
                .filter(|e| e.is_ok())
                .count();
            check_range(n)?;
        }
        Ok(())
    }
}

/// redb with `Durability::Immediate` (its default) and a cache of [`CACHE_BYTES`], one
/// table per part in one database.
pub struct Redb {
    db: redb::Database,
    tables: Vec<String>,
}

impl Redb {
    pub fn open(path: &Path, parts: usize) -> Result<Self, String> {
        let db = redb::Builder::new()
            .set_cache_size(CACHE_BYTES)
            .create(path)
            .map_err(err)?;
        Ok(Redb {
            db,
            tables: (0..parts).map(|i| format!("t{i}")).collect(),
        })
    }
    fn def(&self, part: usize) -> redb::TableDefinition<'_, &'static [u8], &'static [u8]> {
        redb::TableDefinition::new(&self.tables[part])
    }
}

impl Store for Redb {
    fn name(&self) -> &'static str {
        "redb"
    }
    fn commit_shared(&self, part: usize, k: &[u8; 24], v: &[u8]) -> Result<(), String> {
        let tx = self.db.begin_write().map_err(err)?;
        tx.open_table(self.def(part))
            .map_err(err)?
            .insert(&k[..], v)
            .map_err(err)?;
        tx.commit().map_err(err)
    }
    fn write_batch(&mut self, entries: &[([u8; 24], [u8; VALUE_LEN])]) -> Result<(), String> {
        let tx = self.db.begin_write().map_err(err)?;
        {
            let mut t = tx.open_table(self.def(0)).map_err(err)?;
            for (k, v) in entries {
                t.insert(&k[..], &v[..]).map_err(err)?;
            }
        }
        tx.commit().map_err(err)
    }
    fn get_many(&self, ids: &[u64]) -> Result<(), String> {
        use redb::ReadableDatabase as _;
        let r = self.db.begin_read().map_err(err)?;
        let t = r.open_table(self.def(0)).map_err(err)?;
        for &id in ids {
            let k = key(id);
            check_len(t.get(&k[..]).map_err(err)?.map(|g| g.value().len()), id)?;
        }
        Ok(())
    }
    fn range10_many(&self, starts: &[u64]) -> Result<(), String> {
        use redb::ReadableDatabase as _;
        let r = self.db.begin_read().map_err(err)?;
        let t = r.open_table(self.def(0)).map_err(err)?;
        for &s in starts {
            let k = key(s);
            let n = t
                .range(&k[..]..)
                .map_err(err)?
                .take(10)
                .filter(|e| e.is_ok())
                .count();
            check_range(n)?;
        }
        Ok(())
    }
}

/// fjall with its documented setup for durable transactions: `manual_journal_persist`
/// (writes are not flushed to the OS one by one) and `PersistMode::SyncAll` after each
/// commit; block cache of [`CACHE_BYTES`] (its docs: all of the data set if it fits);
/// one keyspace per part.
pub struct Fjall {
    db: fjall::Database,
    parts: Vec<fjall::Keyspace>,
}

impl Fjall {
    pub fn open(path: &Path, parts: usize) -> Result<Self, String> {
        let db = fjall::Database::builder(path)
            .cache_size(CACHE_BYTES as u64)
            .manual_journal_persist(true)
            .open()
            .map_err(err)?;
        let parts = (0..parts)
            .map(|i| db.keyspace(&format!("k{i}"), fjall::KeyspaceCreateOptions::default))
            .collect::<Result<_, _>>()
            .map_err(err)?;
        Ok(Fjall { db, parts })
    }
}

impl Store for Fjall {
    fn name(&self) -> &'static str {
        "fjall"
    }
    fn commit_shared(&self, part: usize, k: &[u8; 24], v: &[u8]) -> Result<(), String> {
        self.parts[part].insert(&k[..], v).map_err(err)?;
        self.db.persist(fjall::PersistMode::SyncAll).map_err(err)
    }
    fn write_batch(&mut self, entries: &[([u8; 24], [u8; VALUE_LEN])]) -> Result<(), String> {
        let mut b = self.db.batch();
        for (k, v) in entries {
            b.insert(&self.parts[0], &k[..], &v[..]);
        }
        b.commit().map_err(err)?;
        self.db.persist(fjall::PersistMode::SyncAll).map_err(err)
    }
    fn get_many(&self, ids: &[u64]) -> Result<(), String> {
        for &id in ids {
            let k = key(id);
            check_len(self.parts[0].get(&k[..]).map_err(err)?.map(|v| v.len()), id)?;
        }
        Ok(())
    }
    fn range10_many(&self, starts: &[u64]) -> Result<(), String> {
        for &s in starts {
            let k = key(s);
            let n = self.parts[0]
                .range(&k[..]..)
                .take(10)
                .filter_map(|g| g.into_inner().ok())
                .count();
            check_range(n)?;
        }
        Ok(())
    }
}

/// LMDB through heed, synchronous commits (its default).
pub struct Lmdb {
    env: heed::Env,
    db: heed::Database<heed::types::Bytes, heed::types::Bytes>,
}

impl Lmdb {
    #[allow(unsafe_code)]
    pub fn open(path: &Path) -> Result<Self, String> {
        std::fs::create_dir_all(path).map_err(err)?;
        // SAFETY: heed requires that the same environment is not opened twice in one
        // process; each path here is fresh and opened once.
        let env = unsafe {
            heed::EnvOpenOptions::new()
                .map_size(1 << 30)
                .max_dbs(4)
                .open(path)
                .map_err(err)?
        };
        let mut wtxn = env.write_txn().map_err(err)?;
        let db = env.create_database(&mut wtxn, Some("t")).map_err(err)?;
        wtxn.commit().map_err(err)?;
        Ok(Lmdb { env, db })
    }
}

impl Store for Lmdb {
    fn name(&self) -> &'static str {
        "lmdb"
    }
    fn commit_shared(&self, _part: usize, k: &[u8; 24], v: &[u8]) -> Result<(), String> {
        let mut tx = self.env.write_txn().map_err(err)?;
        self.db.put(&mut tx, &k[..], v).map_err(err)?;
        tx.commit().map_err(err)
    }
    fn write_batch(&mut self, entries: &[([u8; 24], [u8; VALUE_LEN])]) -> Result<(), String> {
        let mut tx = self.env.write_txn().map_err(err)?;
        for (k, v) in entries {
            self.db.put(&mut tx, &k[..], &v[..]).map_err(err)?;
        }
        tx.commit().map_err(err)
    }
    fn get_many(&self, ids: &[u64]) -> Result<(), String> {
        let tx = self.env.read_txn().map_err(err)?;
        for &id in ids {
            let k = key(id);
            check_len(self.db.get(&tx, &k[..]).map_err(err)?.map(<[u8]>::len), id)?;
        }
        Ok(())
    }
    fn range10_many(&self, starts: &[u64]) -> Result<(), String> {
        let tx = self.env.read_txn().map_err(err)?;
        for &s in starts {
            let k = key(s);
            let n = self
                .db
                .range(&tx, &(Bound::Included(&k[..]), Bound::Unbounded))
                .map_err(err)?
                .take(10)
                .filter(|e| e.is_ok())
                .count();
            check_range(n)?;
        }
        Ok(())
    }
}
