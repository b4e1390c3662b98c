//! `redb::StorageBackend` for one column family: the family's virtual byte range mapped
//! onto its segments of the shared file.
//!
//! redb's lock offsets (from 2^62) are never mapped onto file offsets: this backend has
//! no lock methods, and the in-process registry in `Database` guarantees that a family
//! is open at most once.

use super::directory::Directory;
use super::file::DataFile;
use std::io;
use std::sync::Arc;

/// One family's view of the data file.
#[derive(Debug)]
pub(crate) struct FamilyBackend {
    pub id: u32,
    pub file: Arc<DataFile>,
}

impl FamilyBackend {
    /// Splits `[offset, offset + n)` into file ranges and calls `f(file_offset, start, end)`
    /// for each piece, where `start..end` indexes the caller's buffer.
    fn for_each_piece(
        &self,
        offset: u64,
        n: usize,
        mut f: impl FnMut(u64, usize, usize) -> io::Result<()>,
    ) -> io::Result<()> {
        let extent = self
            .file
            .extent(self.id)
            .ok_or_else(|| io::Error::other("column family was deleted"))?;
        let ext = extent.read();
        let end = offset
            .checked_add(n as u64)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "offset overflow"))?;
        if end > ext.len {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("access [{offset}, {end}) past family length {}", ext.len),
            ));
        }
        let s = self.file.segment_size;
        let mut pos = offset;
        let mut done = 0usize;
        while done < n {
            let seg_idx = (pos / s) as usize;
            let within = pos % s;
            let take = ((s - within) as usize).min(n - done);
            let seg = *ext
                .segments
                .get(seg_idx)
                .ok_or_else(|| io::Error::other("family extent shorter than its length"))?;
            f(
                Directory::segment_offset(s, seg) + within,
                done,
                done + take,
            )?;
            done += take;
            pos += take as u64;
        }
        Ok(())
    }
}

impl redb::StorageBackend for FamilyBackend {
    fn len(&self) -> Result<u64, io::Error> {
        let extent = self
            .file
            .extent(self.id)
            .ok_or_else(|| io::Error::other("column family was deleted"))?;
        Ok(extent.read().len)
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> Result<(), io::Error> {
        let n = out.len();
        let file = self.file.file.clone();
        self.for_each_piece(offset, n, |at, a, b| file.read_at(at, &mut out[a..b]))
    }

    fn set_len(&self, len: u64) -> Result<(), io::Error> {
        if self.file.extent(self.id).is_none() {
            // The family was deleted while a handle to it was still open: its database
            // closing must not touch segments that may belong to someone else now.
            return Ok(());
        }
        self.file
            .set_family_len(self.id, len)
            .map_err(io::Error::other)
    }

    fn sync_data(&self) -> Result<(), io::Error> {
        self.file.sync_pages()
    }

    fn write(&self, offset: u64, data: &[u8]) -> Result<(), io::Error> {
        if self.file.extent(self.id).is_none() {
            return Ok(()); // deleted family: see `set_len`
        }
        let file = self.file.file.clone();
        self.for_each_piece(offset, data.len(), |at, a, b| {
            file.write_at(at, &data[a..b])
        })
    }
}
