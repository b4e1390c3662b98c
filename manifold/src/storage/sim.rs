//! A simulated disk for power-loss and fault-injection tests.
//!
//! Writes land in a volatile view (what reads see) and are remembered page by page
//! (4 KiB) until the next sync of their file. A sync makes every dirty page of the file
//! durable. A power loss keeps the durable bytes plus, for each dirty page, any one of the
//! versions the page went through since its last sync (none of them, the newest, or one
//! in between), sometimes torn at 512-byte sector granularity. Pages are chosen
//! independently, so a multi-page write may lose its first page and keep later ones, and
//! a later write may survive while an earlier one is lost (reordering).
//!
//! Metadata is modelled too. A length change not yet synced may reach the media without
//! the data (a file extended by `set_len` may come back longer, reading zeros) or not at
//! all. A file created since the last [`Vfs::sync_dir`] of its directory may vanish.
//!
//! Faults:
//! - [`SimDisk::crash_image`] / [`SimDisk::crash_image_with`]: the disk as found after a
//!   power loss now (random, or page by page as a test chooses).
//! - [`SimDisk::power_loss_at`]: the power fails at a chosen step (every write, sync and
//!   length change is one step): the image is captured just before that operation, and
//!   it and every later operation fail, as on a dead machine.
//! - [`SimDisk::fail_syncs`]: syncs of one file fail once, always (sticky), or after
//!   making only some of the dirty pages durable (partial). A failed sync forgets the
//!   dirty pages without making them durable, as Linux does after a writeback error:
//!   a later successful sync does not bring them back unless they are written again.
//! - [`SimDisk::set_hook`]: a callback before every operation (and at the named points
//!   manifold announces through [`Vfs::notify`]) that may block the calling thread or
//!   make the operation fail, to stop a protocol at a chosen step.
//!
//! The simulated files have no file descriptor, so manifold's asynchronous (io_uring)
//! log sync is never used on them: commits take the portable path (synchronous
//! `sync_data`, shared by group commit).
//!
//! The live handles keep working on the old disk after an image is taken, so a test can
//! drop them at leisure and reopen on the image.

mod file;

use super::io::{FileIo, Vfs, parent_dir};
use file::SimFile;
pub(crate) use file::SplitMix;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Size of the unit in which unsynced writes survive or vanish.
pub const SIM_PAGE: u64 = 4096;

/// An in-memory disk that remembers which writes were synced.
#[derive(Debug, Default, Clone)]
pub struct SimDisk {
    shared: Arc<DiskShared>,
}

type Files = HashMap<PathBuf, Arc<SimFile>>;
type Hook = Arc<dyn Fn(&SimEvent<'_>) -> SimAction + Send + Sync>;

#[derive(Default)]
struct DiskShared {
    files: Mutex<Files>,
    /// Operations that change the disk so far (writes, syncs, length changes).
    steps: AtomicU64,
    /// The power failed: every operation fails.
    dead: AtomicBool,
    plan: Mutex<Option<PowerLossPlan>>,
    lost: Mutex<Option<SimDisk>>,
    hook: Mutex<Option<Hook>>,
    sync_faults: Mutex<Vec<(PathBuf, SyncFault)>>,
}

impl std::fmt::Debug for DiskShared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiskShared")
            .field("files", &self.files.lock().len())
            .field("steps", &self.steps.load(Ordering::Relaxed))
            .field("dead", &self.dead.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy)]
struct PowerLossPlan {
    at: u64,
    keep: f64,
    seed: u64,
}

/// An operation on a simulated file, as a hook sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimOp {
    /// `write_at(offset, len bytes)`.
    Write {
        /// Where.
        offset: u64,
        /// How many bytes.
        len: u64,
    },
    /// `sync_data` or `sync_all`, or [`Vfs::sync_dir`] (with the directory's path).
    Sync,
    /// `set_len(len)`.
    SetLen {
        /// The new length.
        len: u64,
    },
    /// A named point of manifold's protocols (see [`Vfs::notify`]); not a disk step.
    Point(&'static str),
    /// A sync that failed (not by a power loss), after it dropped the dirty pages and
    /// before it returns; not a disk step. A hook that blocks here lets other threads run
    /// in the window between a failure and the caller learning of it.
    SyncFailed,
}

/// What a hook is told before an operation runs.
#[derive(Debug, Clone, Copy)]
pub struct SimEvent<'a> {
    /// The file (for [`SimOp::Point`], an empty path).
    pub path: &'a Path,
    /// The operation.
    pub op: SimOp,
    /// Its step number (disk-changing operations count from 1; points repeat the last).
    pub step: u64,
}

/// What a hook decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimAction {
    /// Run the operation.
    Proceed,
    /// Fail it with an I/O error (a sync failed this way forgets its dirty pages).
    Fail,
}

/// How syncs of a file fail (see [`SimDisk::fail_syncs`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncFault {
    /// The next sync fails; later ones work.
    Once,
    /// Every sync from now on fails.
    Sticky,
    /// The next sync makes a random part of the dirty pages durable, then fails.
    Partial {
        /// Chooses which pages reach the media.
        seed: u64,
    },
}

impl SimDisk {
    /// An empty disk.
    pub fn new() -> Self {
        Self::default()
    }

    /// The disk as found after a power loss now. `keep` is the probability (0..=1) that a
    /// dirty page reached the media in its newest version; otherwise it holds its durable
    /// version or one in between, and (when `0 < keep < 1`) may be torn. It is also the
    /// probability that an unsynced length change, and a file whose directory was not
    /// synced since its creation, survive. `keep == 0` keeps exactly the synced state,
    /// `keep == 1` everything done. `seed` makes the choice repeatable.
    pub fn crash_image(&self, keep: f64, seed: u64) -> SimDisk {
        let mut rng = SplitMix(seed);
        let mut tear = SplitMix(seed ^ 0x5EC7_0B5E_ED00_0001);
        let mut meta = SplitMix(seed ^ 0x3E7A_DA7A_0000_0002);
        let tearing = keep > 0.0 && keep < 1.0;
        self.image(
            &mut || keep >= 1.0 || (keep > 0.0 && meta.unit() < keep),
            &mut |_, _, versions| {
                if keep >= 1.0 || (keep > 0.0 && rng.unit() < keep) {
                    versions
                } else if keep <= 0.0 {
                    0
                } else {
                    (rng.next() % versions as u64) as usize
                }
            },
            tearing.then_some(&mut tear),
        )
    }

    /// The disk after a power loss now, with the fate of every dirty page chosen by
    /// `choose(path, page_index, versions)`: it returns which version survives, from 0
    /// (the durable one, as if the page was never written) to `versions` (the newest).
    /// Nothing is torn; unsynced length changes are lost (a page that survives past the
    /// durable length still extends the file), and so are files created since the last
    /// sync of their directory.
    pub fn crash_image_with(&self, mut choose: impl FnMut(&Path, u64, usize) -> usize) -> SimDisk {
        self.image(
            &mut || false,
            &mut |path, page, versions| choose(path, page, versions).min(versions),
            None,
        )
    }

    /// `metadata()` decides whether one unsynced metadata change survives (a file's
    /// creation, then its length), asked in path order.
    fn image(
        &self,
        metadata: &mut dyn FnMut() -> bool,
        choose: &mut dyn FnMut(&Path, u64, usize) -> usize,
        mut tear: Option<&mut SplitMix>,
    ) -> SimDisk {
        let disk = SimDisk::default();
        let files = self.shared.files.lock();
        let mut paths: Vec<&PathBuf> = files.keys().collect();
        paths.sort();
        let mut out = HashMap::new();
        for path in paths {
            let file = &files[path];
            if !file.is_linked() && !metadata() {
                continue;
            }
            let state = file.crash_state(path, metadata, choose, tear.as_deref_mut());
            let file = SimFile::new(path.clone(), state, Arc::downgrade(&disk.shared));
            out.insert(path.clone(), Arc::new(file));
        }
        *disk.shared.files.lock() = out;
        disk
    }

    /// Flips the bits of `mask` in the byte at `offset` of `path`, durably (simulates media
    /// corruption). Returns false when the file or offset does not exist.
    pub fn corrupt(&self, path: &Path, offset: u64, mask: u8) -> bool {
        let files = self.shared.files.lock();
        files
            .get(path)
            .is_some_and(|file| file.corrupt(offset, mask))
    }

    /// Length of `path`, if it exists.
    pub fn file_len(&self, path: &Path) -> Option<u64> {
        let files = self.shared.files.lock();
        files.get(path).map(|f| f.current_len())
    }

    /// Disk-changing operations (writes, syncs, length changes) so far.
    pub fn steps(&self) -> u64 {
        self.shared.steps.load(Ordering::Acquire)
    }

    /// Arms a power loss at step `at` (see [`SimDisk::steps`]): just before that
    /// operation, the image a power loss would leave ([`SimDisk::crash_image`] with `keep`
    /// and `seed`) is captured, and that operation and every later one fail. Collect the
    /// image with [`SimDisk::take_power_loss_image`].
    pub fn power_loss_at(&self, at: u64, keep: f64, seed: u64) {
        *self.shared.plan.lock() = Some(PowerLossPlan { at, keep, seed });
    }

    /// Disarms a power loss armed with [`SimDisk::power_loss_at`] that has not happened.
    pub fn cancel_power_loss(&self) {
        *self.shared.plan.lock() = None;
    }

    /// Whether the armed power loss happened.
    pub fn is_dead(&self) -> bool {
        self.shared.dead.load(Ordering::Acquire)
    }

    /// The image captured by the power loss armed with [`SimDisk::power_loss_at`], once
    /// it happened.
    pub fn take_power_loss_image(&self) -> Option<SimDisk> {
        self.shared.lost.lock().take()
    }

    /// Makes syncs of `path` fail as `fault` says.
    pub fn fail_syncs(&self, path: &Path, fault: SyncFault) {
        self.shared
            .sync_faults
            .lock()
            .push((path.to_path_buf(), fault));
    }

    /// Stops failing syncs.
    pub fn clear_sync_faults(&self) {
        self.shared.sync_faults.lock().clear();
    }

    /// Calls `hook` before every operation on this disk's files and at every named point
    /// manifold announces; the hook runs on the calling thread, with no lock of the disk
    /// held, and may block it.
    pub fn set_hook(&self, hook: impl Fn(&SimEvent<'_>) -> SimAction + Send + Sync + 'static) {
        *self.shared.hook.lock() = Some(Arc::new(hook));
    }

    /// Removes the hook.
    pub fn clear_hook(&self) {
        *self.shared.hook.lock() = None;
    }
}

impl DiskShared {
    /// Runs before every operation: counts steps, applies the power-loss plan, calls the
    /// hook.
    fn before(self: &Arc<Self>, path: &Path, op: SimOp) -> io::Result<()> {
        if self.dead.load(Ordering::Acquire) {
            return Err(power_lost());
        }
        let step = if matches!(op, SimOp::Point(_)) {
            self.steps.load(Ordering::Acquire)
        } else {
            self.steps.fetch_add(1, Ordering::AcqRel) + 1
        };
        if !matches!(op, SimOp::Point(_)) {
            let plan = *self.plan.lock();
            if let Some(plan) = plan.filter(|p| step >= p.at) {
                let mut lost = self.lost.lock();
                if !self.dead.swap(true, Ordering::AcqRel) {
                    *self.plan.lock() = None;
                    let disk = SimDisk {
                        shared: self.clone(),
                    };
                    *lost = Some(disk.crash_image(plan.keep, plan.seed));
                }
                return Err(power_lost());
            }
        }
        let hook = self.hook.lock().clone();
        if let Some(hook) = hook {
            let event = SimEvent { path, op, step };
            if hook(&event) == SimAction::Fail {
                return Err(io::Error::other("simulated I/O error"));
            }
        }
        Ok(())
    }

    /// Calls the hook with an event that is not a disk step.
    fn announce(&self, path: &Path, op: SimOp) {
        let hook = self.hook.lock().clone();
        if let Some(hook) = hook {
            let step = self.steps.load(Ordering::Acquire);
            // Nothing to fail: the operation is over.
            let _ = hook(&SimEvent { path, op, step });
        }
    }

    /// The fault that applies to the next sync of `path`, consuming one-shot ones.
    fn take_sync_fault(&self, path: &Path) -> Option<SyncFault> {
        let mut faults = self.sync_faults.lock();
        let pos = faults.iter().position(|(p, _)| p == path)?;
        let fault = faults[pos].1;
        if fault != SyncFault::Sticky {
            faults.remove(pos);
        }
        Some(fault)
    }
}

fn power_lost() -> io::Error {
    io::Error::other("simulated power loss: the disk is gone")
}

impl Vfs for SimDisk {
    fn open(&self, path: &Path, create: bool) -> io::Result<Arc<dyn FileIo>> {
        if self.is_dead() {
            return Err(power_lost());
        }
        let mut files = self.shared.files.lock();
        if let Some(f) = files.get(path) {
            return Ok(f.clone());
        }
        if !create {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                "no such simulated file",
            ));
        }
        let f = Arc::new(SimFile::new(
            path.to_path_buf(),
            Default::default(),
            Arc::downgrade(&self.shared),
        ));
        files.insert(path.to_path_buf(), f.clone());
        Ok(f)
    }

    fn exists(&self, path: &Path) -> bool {
        self.shared.files.lock().contains_key(path)
    }

    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
        self.shared.before(dir, SimOp::Sync)?;
        if self.shared.take_sync_fault(dir).is_some() {
            return Err(io::Error::other("simulated directory sync failure"));
        }
        let files = self.shared.files.lock();
        if self.is_dead() {
            return Err(power_lost());
        }
        for (path, file) in files.iter() {
            if parent_dir(path) == dir {
                file.link();
            }
        }
        Ok(())
    }

    fn notify(&self, point: &'static str) {
        // A point is not an operation: a hook may block here but cannot fail anything.
        let _ = self.shared.before(Path::new(""), SimOp::Point(point));
    }
}
