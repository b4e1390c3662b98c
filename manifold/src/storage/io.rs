//! The file layer: positional reads and writes, `fdatasync`, length changes.
//!
//! Every byte manifold stores goes through [`FileIo`], so that tests can swap the
//! operating system for a simulated disk that loses unsynced writes (see `sim`).

use std::fmt::Debug;
use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Arc;

/// A file that supports positional I/O from many threads at once.
pub trait FileIo: Send + Sync + Debug + 'static {
    /// Reads exactly `buf.len()` bytes at `offset`; reading past the end is an error.
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()>;
    /// Writes all of `data` at `offset`, extending the file if needed.
    fn write_at(&self, offset: u64, data: &[u8]) -> io::Result<()>;
    /// Makes every completed write durable (data only, like `fdatasync`).
    fn sync_data(&self) -> io::Result<()>;
    /// Makes data and metadata (the length) durable, like `fsync`.
    fn sync_all(&self) -> io::Result<()>;
    /// Current length in bytes.
    fn len(&self) -> io::Result<u64>;
    /// Truncates or extends (with zeros) to `len` bytes.
    fn set_len(&self, len: u64) -> io::Result<()>;
    /// Takes an exclusive advisory lock for as long as this handle lives; `Ok(false)` if
    /// someone else holds it. The default does no locking.
    fn try_lock(&self) -> io::Result<bool> {
        Ok(true)
    }
    /// The operating-system file descriptor, when there is one (used to submit
    /// asynchronous syncs); `None` for simulated files.
    fn raw_fd(&self) -> Option<std::os::fd::RawFd> {
        None
    }
    /// Whether the file is empty.
    fn is_empty(&self) -> io::Result<bool> {
        Ok(self.len()? == 0)
    }
}

/// Opens files: the operating system's, or a simulated disk in tests.
pub trait Vfs: Send + Sync + Debug + 'static {
    /// Opens `path` for reading and writing, creating it (empty) when `create` is set.
    fn open(&self, path: &Path, create: bool) -> io::Result<Arc<dyn FileIo>>;
    /// Whether `path` exists.
    fn exists(&self, path: &Path) -> bool;
    /// Makes the entries of directory `dir` durable (`fsync` of the directory), so that
    /// files created in it survive a power loss.
    fn sync_dir(&self, dir: &Path) -> io::Result<()>;
    /// Called at named points of manifold's protocols (such as `"checkpoint.listed"`),
    /// so that a simulated environment can stop a thread there. The operating system's
    /// file system ignores it.
    fn notify(&self, _point: &'static str) {}
}

/// The operating system's file system.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsVfs;

impl Vfs for OsVfs {
    fn open(&self, path: &Path, create: bool) -> io::Result<Arc<dyn FileIo>> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(create)
            .truncate(false)
            .open(path)?;
        Ok(Arc::new(OsFile(file)))
    }

    fn exists(&self, path: &Path) -> bool {
        path.exists()
    }

    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
        File::open(dir)?.sync_all()
    }
}

/// The directory that holds `path` (`.` for a bare file name).
pub(crate) fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

#[derive(Debug)]
struct OsFile(File);

impl FileIo for OsFile {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        self.0.read_exact_at(buf, offset)
    }
    fn write_at(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        self.0.write_all_at(data, offset)
    }
    fn sync_data(&self) -> io::Result<()> {
        self.0.sync_data()
    }
    fn sync_all(&self) -> io::Result<()> {
        self.0.sync_all()
    }
    fn len(&self) -> io::Result<u64> {
        Ok(self.0.metadata()?.len())
    }
    fn set_len(&self, len: u64) -> io::Result<()> {
        self.0.set_len(len)
    }
    fn raw_fd(&self) -> Option<std::os::fd::RawFd> {
        use std::os::fd::AsRawFd;
        Some(self.0.as_raw_fd())
    }
    fn try_lock(&self) -> io::Result<bool> {
        match self.0.try_lock() {
            Ok(()) => Ok(true),
            Err(std::fs::TryLockError::WouldBlock) => Ok(false),
            Err(std::fs::TryLockError::Error(e)) => Err(e),
        }
    }
}

/// Writes `len` zero bytes at `offset`, in chunks.
pub(crate) fn write_zeros(file: &dyn FileIo, offset: u64, len: u64) -> io::Result<()> {
    const CHUNK: usize = 256 * 1024;
    let zeros = vec![0u8; CHUNK.min(len as usize)];
    let mut done = 0u64;
    while done < len {
        let n = (len - done).min(CHUNK as u64) as usize;
        file.write_at(offset + done, &zeros[..n])?;
        done += n as u64;
    }
    Ok(())
}
