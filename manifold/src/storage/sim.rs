//! A simulated disk for power-loss tests.
//!
//! Writes land in a volatile view; `sync_data`/`sync_all` make them durable. A
//! [`SimDisk::crash_image`] is what a machine would find after losing power at that
//! instant: the durable bytes, plus (optionally) a random subset of the writes that were
//! never synced, some of them torn. The live handles keep working on the old disk, so a
//! test can drop them at leisure and reopen on the image.

use super::io::{FileIo, Vfs};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// An in-memory disk that remembers which writes were synced.
#[derive(Debug, Default, Clone)]
pub struct SimDisk {
    files: Arc<Mutex<HashMap<PathBuf, Arc<SimFile>>>>,
}

#[derive(Debug, Default)]
struct SimFile {
    state: Mutex<SimState>,
}

#[derive(Debug, Default, Clone)]
struct SimState {
    /// What survives a power loss.
    durable: Vec<u8>,
    /// What reads see now.
    current: Vec<u8>,
    /// Writes since the last sync, in order: (offset, bytes).
    pending: Vec<(u64, Vec<u8>)>,
    /// Counts syncs, for tests that want to see them.
    syncs: u64,
}

impl SimDisk {
    /// An empty disk.
    pub fn new() -> Self {
        Self::default()
    }

    /// The disk as found after a power loss now. `keep` is the probability (0..=1) that an
    /// unsynced write reached the media anyway; a kept write may also be torn (only a
    /// prefix of it survives). `seed` makes the choice repeatable.
    pub fn crash_image(&self, keep: f64, seed: u64) -> SimDisk {
        let mut rng = SplitMix(seed);
        let files = self.files.lock();
        let mut out = HashMap::new();
        for (path, file) in files.iter() {
            let st = file.state.lock();
            let mut bytes = st.durable.clone();
            for (offset, data) in &st.pending {
                if rng.unit() >= keep {
                    continue;
                }
                let n = if keep < 1.0 && rng.unit() < 0.25 {
                    (rng.next() % (data.len() as u64 + 1)) as usize
                } else {
                    data.len()
                };
                let end = *offset as usize + n;
                if bytes.len() < end {
                    bytes.resize(end, 0);
                }
                bytes[*offset as usize..end].copy_from_slice(&data[..n]);
            }
            let state = SimState {
                durable: bytes.clone(),
                current: bytes,
                pending: Vec::new(),
                syncs: 0,
            };
            out.insert(
                path.clone(),
                Arc::new(SimFile {
                    state: Mutex::new(state),
                }),
            );
        }
        SimDisk {
            files: Arc::new(Mutex::new(out)),
        }
    }

    /// Flips the bits of `mask` in the byte at `offset` of `path`, durably (simulates media
    /// corruption). Returns false when the file or offset does not exist.
    pub fn corrupt(&self, path: &Path, offset: u64, mask: u8) -> bool {
        let files = self.files.lock();
        let Some(file) = files.get(path) else {
            return false;
        };
        let mut st = file.state.lock();
        let o = offset as usize;
        if o >= st.current.len() || o >= st.durable.len() {
            return false;
        }
        st.current[o] ^= mask;
        st.durable[o] ^= mask;
        true
    }

    /// Length of `path`, if it exists.
    pub fn file_len(&self, path: &Path) -> Option<u64> {
        let files = self.files.lock();
        files.get(path).map(|f| f.state.lock().current.len() as u64)
    }
}

impl Vfs for SimDisk {
    fn open(&self, path: &Path, create: bool) -> io::Result<Arc<dyn FileIo>> {
        let mut files = self.files.lock();
        if let Some(f) = files.get(path) {
            return Ok(f.clone());
        }
        if !create {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                "no such simulated file",
            ));
        }
        let f = Arc::new(SimFile::default());
        files.insert(path.to_path_buf(), f.clone());
        Ok(f)
    }

    fn exists(&self, path: &Path) -> bool {
        self.files.lock().contains_key(path)
    }
}

impl FileIo for SimFile {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let st = self.state.lock();
        let start = offset as usize;
        let end = start + buf.len();
        if end > st.current.len() {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "read past end",
            ));
        }
        buf.copy_from_slice(&st.current[start..end]);
        Ok(())
    }

    fn write_at(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        let mut st = self.state.lock();
        let start = offset as usize;
        let end = start + data.len();
        if st.current.len() < end {
            st.current.resize(end, 0);
        }
        st.current[start..end].copy_from_slice(data);
        st.pending.push((offset, data.to_vec()));
        Ok(())
    }

    fn sync_data(&self) -> io::Result<()> {
        let mut st = self.state.lock();
        let pending = std::mem::take(&mut st.pending);
        let len = st.current.len();
        st.durable.resize(len, 0);
        for (offset, data) in pending {
            let start = offset as usize;
            let end = (start + data.len()).min(len);
            if start < end {
                st.durable[start..end].copy_from_slice(&data[..end - start]);
            }
        }
        st.syncs += 1;
        Ok(())
    }

    fn sync_all(&self) -> io::Result<()> {
        self.sync_data()
    }

    fn len(&self) -> io::Result<u64> {
        Ok(self.state.lock().current.len() as u64)
    }

    fn set_len(&self, len: u64) -> io::Result<()> {
        // A length change is metadata: the durable copy takes the new length at the next
        // sync (`sync_data` resizes it to the current length).
        self.state.lock().current.resize(len as usize, 0);
        Ok(())
    }
}

/// A tiny deterministic generator, enough to choose which writes survive.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}
