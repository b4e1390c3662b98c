//! One simulated file: the bytes reads see, the bytes that survive a power loss, and the
//! versions of every page written since the file's last sync.

use super::{DiskShared, SIM_PAGE, SimOp, SyncFault, power_lost};
use crate::storage::io::FileIo;
use parking_lot::Mutex;
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Weak;

/// Versions kept per dirty page; older intermediate ones are forgotten beyond this.
const MAX_VERSIONS: usize = 8;
const SECTOR: usize = 512;

#[derive(Debug)]
pub(super) struct SimFile {
    path: PathBuf,
    disk: Weak<DiskShared>,
    state: Mutex<SimState>,
}

#[derive(Debug, Default, Clone)]
pub(super) struct SimState {
    /// What survives a power loss.
    durable: Vec<u8>,
    /// What reads see now.
    current: Vec<u8>,
    /// Page index -> the page's contents after each write since its last sync, oldest
    /// first (each as long as the file then covered of the page).
    dirty: BTreeMap<u64, Vec<Vec<u8>>>,
    /// The file's directory entry is durable (a sync of its directory since its
    /// creation, or it was found after a power loss).
    linked: bool,
}

impl SimState {
    fn snapshot_page(&mut self, page: u64) {
        let start = (page * SIM_PAGE) as usize;
        let end = (start + SIM_PAGE as usize).min(self.current.len());
        let content = self.current.get(start..end).unwrap_or_default().to_vec();
        let versions = self.dirty.entry(page).or_default();
        if versions.len() == MAX_VERSIONS {
            versions.remove(MAX_VERSIONS / 2);
        }
        versions.push(content);
    }

    /// Makes the newest version of `page` durable.
    fn persist_page(&mut self, page: u64) {
        let start = (page * SIM_PAGE) as usize;
        let end = (start + SIM_PAGE as usize).min(self.current.len());
        if start >= end {
            return;
        }
        if self.durable.len() < end {
            self.durable.resize(end, 0);
        }
        self.durable[start..end].copy_from_slice(&self.current[start..end]);
    }
}

impl SimFile {
    pub(super) fn new(path: PathBuf, state: SimState, disk: Weak<DiskShared>) -> SimFile {
        SimFile {
            path,
            disk,
            state: Mutex::new(state),
        }
    }

    fn before(&self, op: SimOp) -> io::Result<()> {
        match self.disk.upgrade() {
            Some(disk) => disk.before(&self.path, op),
            None => Ok(()),
        }
    }

    /// Fails once the power is lost. Operations check it again under the file's lock:
    /// one that passed its step just before another thread's power loss either lands
    /// before that file's image is taken or fails, never after it unseen.
    fn check_alive(&self) -> io::Result<()> {
        match self.disk.upgrade() {
            Some(disk) if disk.dead.load(std::sync::atomic::Ordering::Acquire) => Err(power_lost()),
            _ => Ok(()),
        }
    }

    /// See [`SimState::linked`].
    pub(super) fn is_linked(&self) -> bool {
        self.state.lock().linked
    }

    /// Makes the file's directory entry durable.
    pub(super) fn link(&self) {
        self.state.lock().linked = true;
    }

    pub(super) fn current_len(&self) -> u64 {
        self.state.lock().current.len() as u64
    }

    pub(super) fn corrupt(&self, offset: u64, mask: u8) -> bool {
        let mut st = self.state.lock();
        let o = offset as usize;
        if o >= st.current.len() || o >= st.durable.len() {
            return false;
        }
        st.current[o] ^= mask;
        st.durable[o] ^= mask;
        true
    }

    /// What a power loss now leaves of this file: the durable bytes, and for each dirty
    /// page the version `choose` picks (0: none), torn into sectors of that version and
    /// the one before when `tear` draws it; then the current length instead of the
    /// durable one when they differ and `metadata()` says the change survived.
    pub(super) fn crash_state(
        &self,
        path: &Path,
        metadata: &mut dyn FnMut() -> bool,
        choose: &mut dyn FnMut(&Path, u64, usize) -> usize,
        mut tear: Option<&mut super::SplitMix>,
    ) -> SimState {
        let st = self.state.lock();
        let mut bytes = st.durable.clone();
        for (&page, versions) in &st.dirty {
            let v = choose(path, page, versions.len()).min(versions.len());
            if v == 0 {
                continue;
            }
            let start = (page * SIM_PAGE) as usize;
            let mut content = versions[v - 1].clone();
            if let Some(rng) = tear.as_deref_mut()
                && rng.next().is_multiple_of(4)
            {
                let base: Vec<u8> = if v >= 2 {
                    versions[v - 2].clone()
                } else {
                    st.durable
                        .get(start..(start + content.len()).min(st.durable.len()))
                        .unwrap_or_default()
                        .to_vec()
                };
                for (i, sector) in content.chunks_mut(SECTOR).enumerate() {
                    if rng.next() & 1 == 0 {
                        continue;
                    }
                    for (j, b) in sector.iter_mut().enumerate() {
                        *b = base.get(i * SECTOR + j).copied().unwrap_or(0);
                    }
                }
            }
            let end = start + content.len();
            if bytes.len() < end {
                bytes.resize(end, 0);
            }
            bytes[start..end].copy_from_slice(&content);
        }
        if st.current.len() != st.durable.len() && metadata() {
            bytes.resize(st.current.len(), 0);
        }
        SimState {
            durable: bytes.clone(),
            current: bytes,
            dirty: BTreeMap::new(),
            linked: true,
        }
    }
}

impl SimFile {
    /// `sync_data` up to its outcome, before a failure is announced to the hook.
    fn sync_unannounced(&self) -> io::Result<()> {
        self.before(SimOp::Sync)?;
        let fault = self
            .disk
            .upgrade()
            .and_then(|d| d.take_sync_fault(&self.path));
        let mut st = self.state.lock();
        self.check_alive()?;
        let pages: Vec<u64> = st.dirty.keys().copied().collect();
        match fault {
            None => {
                let len = st.current.len();
                st.durable.resize(len, 0);
                for page in pages {
                    st.persist_page(page);
                }
                st.dirty.clear();
                Ok(())
            }
            Some(SyncFault::Once | SyncFault::Sticky) => {
                // The dirty pages are dropped: marked clean without reaching the media.
                st.dirty.clear();
                Err(io::Error::other("simulated sync failure"))
            }
            Some(SyncFault::Partial { seed }) => {
                let mut rng = super::SplitMix(seed);
                for page in pages {
                    if rng.next() & 1 == 1 {
                        st.persist_page(page);
                    }
                }
                st.dirty.clear();
                Err(io::Error::other("simulated partial sync failure"))
            }
        }
    }
}

impl FileIo for SimFile {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        self.check_alive()?;
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
        self.before(SimOp::Write {
            offset,
            len: data.len() as u64,
        })?;
        if data.is_empty() {
            return Ok(());
        }
        let mut st = self.state.lock();
        self.check_alive()?;
        let start = offset as usize;
        let end = start + data.len();
        if st.current.len() < end {
            st.current.resize(end, 0);
        }
        st.current[start..end].copy_from_slice(data);
        for page in offset / SIM_PAGE..=(end as u64 - 1) / SIM_PAGE {
            st.snapshot_page(page);
        }
        Ok(())
    }

    fn sync_data(&self) -> io::Result<()> {
        let result = self.sync_unannounced();
        if result.is_err()
            && let Some(disk) = self.disk.upgrade()
            && !disk.dead.load(std::sync::atomic::Ordering::Acquire)
        {
            disk.announce(&self.path, SimOp::SyncFailed);
        }
        result
    }

    fn sync_all(&self) -> io::Result<()> {
        self.sync_data()
    }

    fn len(&self) -> io::Result<u64> {
        self.check_alive()?;
        Ok(self.state.lock().current.len() as u64)
    }

    fn set_len(&self, len: u64) -> io::Result<()> {
        // A length change is metadata: the durable copy takes the new length at the next
        // sync (`sync_data` resizes it to the current length).
        self.before(SimOp::SetLen { len })?;
        let mut st = self.state.lock();
        self.check_alive()?;
        st.current.resize(len as usize, 0);
        st.dirty.retain(|&page, _| page * SIM_PAGE < len);
        if !len.is_multiple_of(SIM_PAGE) {
            st.snapshot_page(len / SIM_PAGE);
        }
        Ok(())
    }
}

/// A tiny deterministic generator, enough to choose which writes survive.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix(pub u64);

impl SplitMix {
    /// The next 64 random bits.
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform number in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}
