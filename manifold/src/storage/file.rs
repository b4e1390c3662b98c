//! The data file: the two directory slots plus the segments, and the operations that
//! change which family owns which segment.

use super::directory::{DATA_START, Directory, FamilyEntry, SLOT_SIZE};
use super::io::{FileIo, write_zeros};
use crate::error::{Error, Poison};
use parking_lot::{Mutex, RwLock};
use std::collections::HashMap;
use std::sync::Arc;

/// The byte range of one family: its length and segments (a copy of the directory's
/// entry, read on every page access without touching the directory lock).
#[derive(Debug, Clone, Default)]
pub(crate) struct Extent {
    pub len: u64,
    pub segments: Vec<u32>,
    /// Every byte of the family's segments at or past this offset reads as zero.
    /// Not persisted: after open it is the end of the last segment (nothing assumed).
    pub zero_from: u64,
}

/// The data file and its directory.
#[derive(Debug)]
pub(crate) struct DataFile {
    pub file: Arc<dyn FileIo>,
    pub segment_size: u64,
    /// Log segment size fixed when the file was created.
    pub log_segment_size: u64,
    dir: Mutex<Directory>,
    extents: RwLock<HashMap<u32, Arc<RwLock<Extent>>>>,
    /// Which slot a torn or corrupt directory was found in at open, for the report.
    pub damaged_slot: Option<usize>,
    /// Set when a sync of this file fails; the directory then refuses every change.
    poison: Arc<Poison>,
    /// Held across a sync and the recording of its failure: a sync that ran while a
    /// failed one had not poisoned the database yet could succeed over pages the failed
    /// one dropped (a family's pages under its new header, a directory slot).
    sync_io: Mutex<()>,
}

impl DataFile {
    /// Opens the file, initialising an empty one. A non-empty file whose two slots are
    /// both unreadable is refused, never overwritten, unless it is no longer than the
    /// slots and holds only zeros: the creation of a file was interrupted after its new
    /// length reached the disk and before its first directory did (nothing can have been
    /// stored in it), so it is initialised too.
    pub(crate) fn open(
        file: Arc<dyn FileIo>,
        segment_size: u64,
        log_segment_size: u64,
        poison: Arc<Poison>,
    ) -> Result<DataFile, Error> {
        let len = file.len().map_err(Error::io("reading the file length"))?;
        let (dir, damaged_slot) = if len == 0 || never_written(file.as_ref(), len)? {
            let dir = Directory::new(segment_size, log_segment_size);
            let slot = dir.encode()?;
            file.set_len(DATA_START)
                .map_err(Error::io("sizing a new file"))?;
            file.write_at(0, &slot)
                .map_err(Error::io("writing the directory"))?;
            file.sync_all().map_err(Error::io("syncing a new file"))?;
            (dir, None)
        } else {
            let (mut dir, damaged) = read_directory(file.as_ref(), len)?;
            dir.reclaim_orphans();
            (dir, damaged)
        };
        let extents = dir
            .families
            .iter()
            .map(|f| {
                let e = Extent {
                    len: f.len,
                    segments: f.segments.clone(),
                    zero_from: f.segments.len() as u64 * dir.segment_size,
                };
                (f.id, Arc::new(RwLock::new(e)))
            })
            .collect();
        Ok(DataFile {
            file,
            segment_size: dir.segment_size,
            log_segment_size: dir.log_segment_size,
            dir: Mutex::new(dir),
            extents: RwLock::new(extents),
            damaged_slot,
            poison,
            sync_io: Mutex::new(()),
        })
    }

    /// A copy of the directory's family list.
    pub(crate) fn families(&self) -> Vec<FamilyEntry> {
        self.dir.lock().families.clone()
    }

    /// The extent of family `id`.
    pub(crate) fn extent(&self, id: u32) -> Option<Arc<RwLock<Extent>>> {
        self.extents.read().get(&id).cloned()
    }

    /// Adds a family with an empty range, pending: it is not written into the directory
    /// until [`DataFile::commit_family`].
    pub(crate) fn create_family(&self, name: &str) -> Result<u32, Error> {
        let mut dir = self.dir.lock();
        if dir.family(name).is_some() {
            return Err(Error::FamilyExists(name.to_string()));
        }
        let id = dir.next_family_id;
        let mut next = dir.clone();
        next.next_family_id += 1;
        next.families.push(FamilyEntry {
            id,
            name: name.to_string(),
            len: 0,
            segments: Vec::new(),
            pending: true,
        });
        // Nothing to write yet: a pending family is not part of the directory on disk.
        *dir = next;
        self.extents
            .write()
            .insert(id, Arc::new(RwLock::new(Extent::default())));
        Ok(id)
    }

    /// Writes the pending family `id` into the directory, durably: from now on it exists.
    pub(crate) fn commit_family(&self, id: u32) -> Result<(), Error> {
        let mut dir = self.dir.lock();
        let mut next = dir.clone();
        let entry = next.family_mut_by_id(id).ok_or(Error::FamilyGone)?;
        entry.pending = false;
        self.persist(&mut dir, next)
    }

    /// Removes family `id`; its segments go to the free list. The caller guarantees that
    /// nothing starts reading or writing the family any more; an access in flight is
    /// waited for, and one that still holds the extent afterwards finds it empty, so it
    /// never touches segments another family may reuse.
    pub(crate) fn delete_family(&self, id: u32) -> Result<(), Error> {
        let extent = self.extent(id);
        let mut ext = extent.as_ref().map(|e| e.write());
        let mut dir = self.dir.lock();
        let mut next = dir.clone();
        let Some(pos) = next.families.iter().position(|f| f.id == id) else {
            return Ok(());
        };
        let entry = next.families.remove(pos);
        next.free.extend(entry.segments);
        self.persist(&mut dir, next)?;
        if let Some(ext) = ext.as_mut() {
            **ext = Extent::default();
        }
        self.extents.write().remove(&id);
        Ok(())
    }

    /// Sets the length of family `id`, allocating or releasing segments, and persists the
    /// directory before returning. Bytes newly exposed read as zero.
    pub(crate) fn set_family_len(&self, id: u32, new_len: u64) -> Result<(), Error> {
        let extent = self.extent(id).ok_or(Error::FamilyGone)?;
        let mut ext = extent.write();
        let mut dir = self.dir.lock();
        let mut next = dir.clone();
        let s = self.segment_size;
        let needed = new_len.div_ceil(s) as usize;
        let old_len = ext.len;
        let mut segments = ext.segments.clone();
        let cur = self
            .file
            .len()
            .map_err(Error::io("reading the file length"))?;
        let mut stale = Vec::new();
        while segments.len() < needed {
            let seg = match next.free.pop() {
                Some(seg) => {
                    stale.push(seg);
                    seg
                }
                None => {
                    let seg = next.segment_count;
                    next.segment_count =
                        next.segment_count
                            .checked_add(1)
                            .ok_or(Error::DirectoryFull {
                                bytes: usize::MAX,
                                capacity: SLOT_SIZE as usize,
                            })?;
                    // Bytes a crash left past the last recorded segment are not zero.
                    if Directory::segment_offset(s, seg) < cur {
                        stale.push(seg);
                    }
                    seg
                }
            };
            segments.push(seg);
        }
        while segments.len() > needed {
            if let Some(seg) = segments.pop() {
                next.free.push(seg);
            }
        }
        let file_len = Directory::segment_offset(s, next.segment_count);
        if file_len > cur {
            self.file
                .set_len(file_len)
                .map_err(Error::io("growing the file"))?;
        }
        // Reused segments may hold old bytes, and so may the range a shrink released
        // inside a kept segment. Zero what the family newly exposes before anyone reads it.
        let mut zeroed = !stale.is_empty();
        for seg in &stale {
            write_zeros(self.file.as_ref(), Directory::segment_offset(s, *seg), s)
                .map_err(Error::io("zeroing a reused segment"))?;
        }
        let old_segs = ext.segments.len() as u64;
        let dirty_end = new_len.min(ext.zero_from).min(old_segs * s);
        let mut pos = old_len;
        while pos < dirty_end {
            let seg = ext.segments[(pos / s) as usize];
            let take = (s - pos % s).min(dirty_end - pos);
            write_zeros(
                self.file.as_ref(),
                Directory::segment_offset(s, seg) + pos % s,
                take,
            )
            .map_err(Error::io("zeroing a regrown range"))?;
            zeroed = true;
            pos += take;
        }
        // The zeros must be on the media before a directory that hands the range to the
        // family is: a power loss may keep the directory and lose unsynced zeros.
        if zeroed {
            self.sync("syncing zeroed segments")?;
        }
        let entry = next.family_mut_by_id(id).ok_or(Error::FamilyGone)?;
        entry.len = new_len;
        entry.segments = segments.clone();
        self.persist(&mut dir, next)?;
        ext.zero_from = if new_len > old_len {
            ext.zero_from.max(new_len).min(segments.len() as u64 * s)
        } else {
            ext.zero_from.min(segments.len() as u64 * s)
        };
        ext.len = new_len;
        ext.segments = segments;
        Ok(())
    }

    /// Writes `next` (with the generation bumped) to the free slot, syncs, installs it.
    /// Refuses once poisoned.
    fn persist(&self, cur: &mut Directory, mut next: Directory) -> Result<(), Error> {
        self.poison.check()?;
        next.generation = cur.generation + 1;
        let bytes = next.encode()?;
        let slot = (next.generation % 2) * SLOT_SIZE;
        self.file
            .write_at(slot, &bytes)
            .map_err(Error::io("writing the directory"))?;
        self.sync("syncing the directory")?;
        *cur = next;
        Ok(())
    }

    /// `fdatasync` for a family's database (redb's durable commits). Refused once
    /// poisoned; a failure poisons.
    pub(crate) fn sync_pages(&self) -> std::io::Result<()> {
        let _io = self.sync_io.lock();
        if self.poison.is_set() {
            return Err(std::io::Error::other(
                "database is poisoned by an earlier failed sync",
            ));
        }
        self.file.sync_data().inspect_err(|e| {
            self.poison.set(&Error::Io {
                context: "syncing a column family's pages",
                source: std::io::Error::new(e.kind(), e.to_string()),
            });
        })
    }

    /// `fdatasync`s the file; a failure poisons the database (the kernel may have dropped
    /// any dirty page of the file, families' pages included). Refused once poisoned.
    fn sync(&self, context: &'static str) -> Result<(), Error> {
        let _io = self.sync_io.lock();
        self.poison.check()?;
        self.file.sync_data().map_err(|source| {
            let err = Error::Io { context, source };
            self.poison.set(&err);
            err
        })
    }
}

/// Whether a file of `len` bytes is an interrupted creation: no longer than the two
/// slots, and all zeros (a directory ever written has a non-zero header).
fn never_written(file: &dyn FileIo, len: u64) -> Result<bool, Error> {
    if len > DATA_START {
        return Ok(false);
    }
    let mut buf = vec![0u8; len as usize];
    file.read_at(0, &mut buf)
        .map_err(Error::io("reading the directory"))?;
    Ok(buf.iter().all(|&b| b == 0))
}

/// Reads both slots and picks the newest valid one.
fn read_directory(file: &dyn FileIo, len: u64) -> Result<(Directory, Option<usize>), Error> {
    let mut found = [None, None];
    for (i, slot) in found.iter_mut().enumerate() {
        let start = i as u64 * SLOT_SIZE;
        if start >= len {
            continue;
        }
        let n = SLOT_SIZE.min(len - start) as usize;
        let mut buf = vec![0u8; n];
        file.read_at(start, &mut buf)
            .map_err(Error::io("reading the directory"))?;
        *slot = Directory::decode(&buf).map_err(|detail| Error::Corrupted {
            what: "directory",
            detail,
        })?;
    }
    let damaged = match (&found[0], &found[1]) {
        (Some(_), None) => Some(1),
        (None, Some(_)) => Some(0),
        _ => None,
    };
    let best = match (found[0].take(), found[1].take()) {
        (Some(a), Some(b)) => {
            if a.generation >= b.generation {
                a
            } else {
                b
            }
        }
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => {
            return Err(Error::Corrupted {
                what: "directory",
                detail: "neither directory slot holds a valid checksummed directory \
                         (not a manifold file, or both copies are damaged)"
                    .to_string(),
            });
        }
    };
    // A slot that was simply never written yet (generation 0 only) is not damage.
    let damaged = if best.generation == 0 { None } else { damaged };
    Ok((best, damaged))
}
