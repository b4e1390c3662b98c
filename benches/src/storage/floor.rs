//! The floor of a durable commit on this disk: write one entry's bytes (key and
//! value) to the next place of a preallocated file and `fdatasync` it, what any write-ahead log pays at least per
//! commit. Reported as system `fsync`, its rounds alternating with the stores' in the
//! commit-latency part, so a goal note can say what bounds them.

use super::{VALUE_LEN, key, value};
use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

/// System name of the floor.
pub const FLOOR: &str = "fsync";

/// An append-only file synced after every entry.
pub struct Floor(File);

impl Floor {
    /// Creates the file in `dir`, room for `entries` written as zeros and synced
    /// beforehand (as logs preallocate their segments), so that a sync flushes the
    /// entry's data and not the file's growth.
    pub fn create(dir: &Path, entries: usize) -> Result<Self, String> {
        let e = |e: std::io::Error| format!("fsync floor: {e}");
        let mut f = File::create(dir.join("fsync-floor.log")).map_err(e)?;
        f.write_all(&vec![0u8; entries * (24 + VALUE_LEN)])
            .and_then(|()| f.sync_all())
            .and_then(|()| f.seek(SeekFrom::Start(0)).map(drop))
            .map_err(e)?;
        Ok(Floor(f))
    }

    /// Appends entry `n` and syncs its data.
    pub fn commit(&mut self, n: u64) -> Result<(), String> {
        let mut entry = [0u8; 24 + VALUE_LEN];
        entry[..24].copy_from_slice(&key(n));
        entry[24..].copy_from_slice(&value(n));
        self.0
            .write_all(&entry)
            .and_then(|()| self.0.sync_data())
            .map_err(|e| format!("fsync floor: {e}"))
    }
}
