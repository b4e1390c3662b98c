//! manifold: an embedded, ACID storage engine on [redb](https://docs.rs/redb).
//!
//! - One file holds many **column families**. Each family is a full redb database over
//!   its own segments of the file, with its own writer lock: writers on different
//!   families run in parallel.
//! - Tables are **typed and byte-ordered**: keys are encoded so that byte order is the
//!   keys' natural order (integers, floats, strings, UUIDs, tuples).
//! - A **write-ahead log** shared by all families makes commits durable with one
//!   `fdatasync`, shared by concurrent committers (group commit). Families commit to
//!   redb without syncing; **checkpoints** make them durable and recycle the log.
//! - **Recovery** replays the log on open. A transaction that spans families is one log
//!   record and recovers atomically.
//!
//! What it is not: a query engine, a network server, or a multi-process database (one
//! process opens a file at a time; the file is locked).
//!
//! ```
//! use manifold::{Database, TableDefinition};
//! const USERS: TableDefinition<u64, str> = TableDefinition::new("users");
//! # let dir = tempfile::tempdir().unwrap();
//! let db = Database::open(dir.path().join("app.manifold"))?;
//! let cf = db.column_family_or_create("accounts")?;
//! let tx = cf.begin_write()?;
//! tx.open_table(USERS)?.insert(&1, "alice")?;
//! tx.commit()?;
//! let read = cf.begin_read()?;
//! assert_eq!(read.open_table(USERS)?.get(&1)?.as_deref(), Some("alice"));
//! # Ok::<(), manifold::Error>(())
//! ```

mod codec;
mod config;
mod db;
mod error;
mod family;
mod storage;
mod table;
mod txn;
mod wal;

pub use codec::key::{Key, decode_key, encode_key, prefix_successor};
pub use codec::value::Value;
pub use config::{Config, ConfigBuilder, Durability};
pub use db::{ColumnFamily, Database, RecoveryReport, Stats, log_path};
pub use error::{DecodeError, Error, Result};
pub use storage::io::{FileIo, OsVfs, Vfs};
pub use storage::sim::{SIM_PAGE, SimAction, SimDisk, SimEvent, SimOp, SyncFault};
pub use table::{
    RangeIter, RawEntry, RawRangeIter, ReadTable, TableDefinition, TableMut, ValueGuard,
};
pub use txn::{ReadTransaction, WriteTransaction};
