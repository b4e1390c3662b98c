//! The directory: which column families the file holds and where their bytes live.
//!
//! Layout of the file:
//!
//! ```text
//! [slot A: 128 KiB][slot B: 128 KiB][segment 0][segment 1]...
//! ```
//!
//! A slot is `magic (8) | payload length u32 | crc32 of payload u32 | payload`. Every
//! change writes the whole directory, with the generation incremented, into the slot that
//! does not hold the current one, then `fdatasync`s. Opening reads both slots and takes
//! the valid one with the higher generation, so a write torn by a crash leaves the
//! previous directory in force.
//!
//! Invariants: a segment index appears at most once, in one family or in the free list;
//! every index is below `segment_count`; family ids are never reused.

use crate::error::Error;
use std::collections::BTreeSet;

/// Bytes reserved for each of the two directory slots.
pub(crate) const SLOT_SIZE: u64 = 128 * 1024;
/// Where the first segment starts.
pub(crate) const DATA_START: u64 = 2 * SLOT_SIZE;
const MAGIC: &[u8; 8] = b"MANIFLD1";
const FORMAT_VERSION: u32 = 1;
const SLOT_HEADER: usize = 16;

/// One column family as the directory records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FamilyEntry {
    pub id: u32,
    pub name: String,
    /// Logical length of the family's byte range, as its redb database last set it.
    pub len: u64,
    /// Segment indices backing the range, in order.
    pub segments: Vec<u32>,
    /// Being created: kept in memory only (not encoded) until its database is initialised
    /// and durably records where in the log it starts. A power loss before then leaves
    /// no trace of it but its segments, which the next open returns to the free list.
    pub pending: bool,
}

/// The whole directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Directory {
    pub generation: u64,
    pub segment_size: u64,
    /// Segment size of the log file beside this one, fixed at creation.
    pub log_segment_size: u64,
    pub next_family_id: u32,
    /// Number of segments the file has room for (allocated at some point).
    pub segment_count: u32,
    pub families: Vec<FamilyEntry>,
    pub free: Vec<u32>,
}

impl Directory {
    pub(crate) fn new(segment_size: u64, log_segment_size: u64) -> Self {
        Directory {
            generation: 0,
            segment_size,
            log_segment_size,
            next_family_id: 1,
            segment_count: 0,
            families: Vec::new(),
            free: Vec::new(),
        }
    }

    /// File offset of the first byte of `segment`.
    pub(crate) fn segment_offset(segment_size: u64, segment: u32) -> u64 {
        DATA_START + u64::from(segment) * segment_size
    }

    pub(crate) fn family(&self, name: &str) -> Option<&FamilyEntry> {
        self.families.iter().find(|f| f.name == name)
    }

    pub(crate) fn family_mut_by_id(&mut self, id: u32) -> Option<&mut FamilyEntry> {
        self.families.iter_mut().find(|f| f.id == id)
    }

    /// Encodes a full slot (header + payload). Fails when it would not fit.
    pub(crate) fn encode(&self) -> Result<Vec<u8>, Error> {
        let mut p = Vec::with_capacity(256);
        p.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        p.extend_from_slice(&self.generation.to_le_bytes());
        p.extend_from_slice(&self.segment_size.to_le_bytes());
        p.extend_from_slice(&self.log_segment_size.to_le_bytes());
        p.extend_from_slice(&self.next_family_id.to_le_bytes());
        p.extend_from_slice(&self.segment_count.to_le_bytes());
        let families: Vec<&FamilyEntry> = self.families.iter().filter(|f| !f.pending).collect();
        p.extend_from_slice(&(families.len() as u32).to_le_bytes());
        for f in families {
            p.extend_from_slice(&f.id.to_le_bytes());
            p.extend_from_slice(&(f.name.len() as u16).to_le_bytes());
            p.extend_from_slice(f.name.as_bytes());
            p.extend_from_slice(&f.len.to_le_bytes());
            p.extend_from_slice(&(f.segments.len() as u32).to_le_bytes());
            for s in &f.segments {
                p.extend_from_slice(&s.to_le_bytes());
            }
        }
        p.extend_from_slice(&(self.free.len() as u32).to_le_bytes());
        for s in &self.free {
            p.extend_from_slice(&s.to_le_bytes());
        }
        if (p.len() + SLOT_HEADER) as u64 > SLOT_SIZE {
            return Err(Error::DirectoryFull {
                bytes: p.len() + SLOT_HEADER,
                capacity: SLOT_SIZE as usize,
            });
        }
        let mut slot = Vec::with_capacity(SLOT_HEADER + p.len());
        slot.extend_from_slice(MAGIC);
        slot.extend_from_slice(&(p.len() as u32).to_le_bytes());
        slot.extend_from_slice(&crc32fast::hash(&p).to_le_bytes());
        slot.extend_from_slice(&p);
        Ok(slot)
    }

    /// Decodes a slot. `Ok(None)` when the slot was never written (all zeros) or its
    /// checksum fails; `Err` when it checks out but contradicts itself.
    pub(crate) fn decode(slot: &[u8]) -> Result<Option<Directory>, String> {
        if slot.len() < SLOT_HEADER || &slot[..8] != MAGIC {
            return Ok(None);
        }
        let len = u32::from_le_bytes([slot[8], slot[9], slot[10], slot[11]]) as usize;
        let crc = u32::from_le_bytes([slot[12], slot[13], slot[14], slot[15]]);
        let Some(payload) = slot.get(SLOT_HEADER..SLOT_HEADER + len) else {
            return Ok(None);
        };
        if crc32fast::hash(payload) != crc {
            return Ok(None);
        }
        let mut r = Reader(payload);
        let version = r.u32()?;
        if version != FORMAT_VERSION {
            return Err(format!("unsupported directory format version {version}"));
        }
        let mut d = Directory {
            generation: r.u64()?,
            segment_size: r.u64()?,
            log_segment_size: r.u64()?,
            next_family_id: r.u32()?,
            segment_count: r.u32()?,
            families: Vec::new(),
            free: Vec::new(),
        };
        let nf = r.u32()?;
        for _ in 0..nf {
            let id = r.u32()?;
            let name_len = r.u16()? as usize;
            let name = String::from_utf8(r.bytes(name_len)?.to_vec())
                .map_err(|_| "family name is not UTF-8".to_string())?;
            let flen = r.u64()?;
            let ns = r.u32()? as usize;
            let mut segments = Vec::with_capacity(ns.min(1 << 16));
            for _ in 0..ns {
                segments.push(r.u32()?);
            }
            d.families.push(FamilyEntry {
                id,
                name,
                len: flen,
                segments,
                pending: false,
            });
        }
        let nfree = r.u32()? as usize;
        for _ in 0..nfree {
            d.free.push(r.u32()?);
        }
        d.validate()?;
        Ok(Some(d))
    }

    /// Returns to the free list every segment below `segment_count` that neither a family
    /// nor the free list holds: those of a family whose creation a power loss cut short.
    pub(crate) fn reclaim_orphans(&mut self) {
        let used: BTreeSet<u32> = self
            .families
            .iter()
            .flat_map(|f| f.segments.iter().copied())
            .chain(self.free.iter().copied())
            .collect();
        for s in 0..self.segment_count {
            if !used.contains(&s) {
                self.free.push(s);
            }
        }
    }

    /// Checks the invariants listed in the module docs.
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.segment_size == 0 || !self.segment_size.is_multiple_of(4096) {
            return Err(format!("bad segment size {}", self.segment_size));
        }
        if self.log_segment_size == 0 || !self.log_segment_size.is_multiple_of(4096) {
            return Err(format!("bad log segment size {}", self.log_segment_size));
        }
        let mut seen = BTreeSet::new();
        let all = self
            .families
            .iter()
            .flat_map(|f| f.segments.iter())
            .chain(self.free.iter());
        for &s in all {
            if s >= self.segment_count {
                return Err(format!(
                    "segment {s} beyond segment count {}",
                    self.segment_count
                ));
            }
            if !seen.insert(s) {
                return Err(format!("segment {s} listed twice"));
            }
        }
        let mut ids = BTreeSet::new();
        for f in &self.families {
            if f.id >= self.next_family_id || !ids.insert(f.id) {
                return Err(format!("bad family id {}", f.id));
            }
            if f.len > f.segments.len() as u64 * self.segment_size {
                return Err(format!("family `{}` longer than its segments", f.name));
            }
        }
        Ok(())
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn bytes(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.0.len() < n {
            return Err("directory payload ends early".to_string());
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    fn u16(&mut self) -> Result<u16, String> {
        let b = self.bytes(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32, String> {
        let b = self.bytes(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64, String> {
        let b = self.bytes(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Directory {
        let mut d = Directory::new(1 << 20, 1 << 20);
        d.generation = 7;
        d.next_family_id = 3;
        d.segment_count = 4;
        d.families.push(FamilyEntry {
            id: 1,
            name: "users".into(),
            len: 1 << 20,
            segments: vec![0, 2],
            pending: false,
        });
        d.free.push(3);
        d
    }

    #[test]
    fn round_trip() {
        let d = sample();
        let bytes = d.encode().unwrap();
        assert_eq!(Directory::decode(&bytes).unwrap(), Some(d));
    }

    #[test]
    fn every_single_bit_flip_is_detected() {
        let bytes = sample().encode().unwrap();
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x10;
            // Either rejected as invalid or (never) decoded into something else.
            assert_eq!(Directory::decode(&b).unwrap_or(None), None, "flip at {i}");
        }
    }

    #[test]
    fn pending_families_are_not_written_and_their_segments_come_back() {
        let mut d = sample();
        d.families.push(FamilyEntry {
            id: 2,
            name: "new".into(),
            len: 1 << 20,
            segments: vec![1],
            pending: true,
        });
        let mut back = Directory::decode(&d.encode().unwrap()).unwrap().unwrap();
        assert_eq!(back.families.len(), 1);
        back.reclaim_orphans();
        assert_eq!(back.free, vec![3, 1]);
        assert!(back.validate().is_ok());
    }

    #[test]
    fn duplicate_segments_are_refused() {
        let mut d = sample();
        d.free.push(0);
        assert!(d.validate().is_err());
    }
}
