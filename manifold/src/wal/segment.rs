//! The on-disk layout of one log segment: its header, its frames, and the scan that
//! reads them back.
//!
//! Current format (little-endian):
//!
//! ```text
//! header (32 bytes): magic "MWL2" u32 | crc32(bytes 8..32) u32 | first_seq u64
//!                    | epoch u64 | salt u64
//! frame:             flags+length u32 | crc32(salt, flags+length, seq, payload) u32
//!                    | seq u64 | payload
//! ```
//!
//! - The top bit of a frame's length word ([`MORE`]) says that the record continues in
//!   the frame with the next sequence number: a record larger than a segment is written
//!   as consecutive fragments (every one but the last flagged), possibly across
//!   segments, and replayed only when its last fragment is in the chain. The low 31
//!   bits are the payload length.
//!
//! - `epoch` numbers the log's incarnations: each open of the database that writes to the
//!   log uses one above every epoch found in it. Headers are synced before any frame of
//!   their segment is written, so an epoch that wrote anything is never used again.
//! - `salt` is unique to one use of one segment (derived from the epoch and a counter of
//!   segment starts within it). Every frame's checksum covers it, so the frames a segment
//!   held before it was reused, or frames written in an incarnation that lost power, never
//!   check out in the segment's new life, even where they line up with new frames and
//!   carry the sequence number the chain expects next.
//!
//! The original format (magic "MWAL", a 16-byte header `magic | crc32(first_seq) |
//! first_seq`, frames checksummed without a salt) is still read, so a log written before
//! the change is replayed; it is never written.

use crate::error::Result;

const MAGIC: u32 = 0x324C_574D; // "MWL2"
const LEGACY_MAGIC: u32 = 0x4D57_414C;
/// Bytes of a segment header in the current format.
pub(crate) const HEADER: usize = 32;
const LEGACY_HEADER: usize = 16;
/// Bytes of a frame header.
pub(crate) const FRAME_HEADER: usize = 16;
/// Flag in a frame's length word: the record goes on in the next frame.
pub(crate) const MORE: u32 = 1 << 31;

/// A parsed segment header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header {
    pub first_seq: u64,
    pub epoch: u64,
    /// `None` for the legacy format (frames checksummed without a salt).
    pub salt: Option<u64>,
    len: usize,
}

impl Header {
    /// A header in the current format.
    pub(crate) fn new(first_seq: u64, epoch: u64, salt: u64) -> Header {
        Header {
            first_seq,
            epoch,
            salt: Some(salt),
            len: HEADER,
        }
    }

    /// Encodes a current-format header.
    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        let mut body = [0u8; HEADER - 8];
        body[0..8].copy_from_slice(&self.first_seq.to_le_bytes());
        body[8..16].copy_from_slice(&self.epoch.to_le_bytes());
        body[16..24].copy_from_slice(&self.salt.unwrap_or(0).to_le_bytes());
        out.extend_from_slice(&MAGIC.to_le_bytes());
        out.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
        out.extend_from_slice(&body);
    }

    /// Parses the header at the start of `buf`; `None` when it is not a valid one.
    pub(crate) fn parse(buf: &[u8]) -> Option<Header> {
        let magic = u32::from_le_bytes(buf.get(0..4)?.try_into().ok()?);
        let crc = u32::from_le_bytes(buf.get(4..8)?.try_into().ok()?);
        let header = match magic {
            MAGIC => {
                let body = buf.get(8..HEADER)?;
                if crc32fast::hash(body) != crc {
                    return None;
                }
                Header {
                    first_seq: u64_at(buf, 8)?,
                    epoch: u64_at(buf, 16)?,
                    salt: Some(u64_at(buf, 24)?),
                    len: HEADER,
                }
            }
            LEGACY_MAGIC => {
                let body = buf.get(8..LEGACY_HEADER)?;
                if crc32fast::hash(body) != crc {
                    return None;
                }
                Header {
                    first_seq: u64_at(buf, 8)?,
                    epoch: 0,
                    salt: None,
                    len: LEGACY_HEADER,
                }
            }
            _ => return None,
        };
        (header.first_seq > 0).then_some(header)
    }
}

/// Checksum of a frame.
pub(crate) fn frame_crc(salt: Option<u64>, len: u32, seq: u64, payload: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    if let Some(salt) = salt {
        h.update(&salt.to_le_bytes());
    }
    h.update(&len.to_le_bytes());
    h.update(&seq.to_le_bytes());
    h.update(payload);
    h.finalize()
}

/// Appends a frame to `out`; `more` when the record continues in the next frame.
/// `payload` is shorter than 2^31 bytes.
pub(crate) fn encode_frame(out: &mut Vec<u8>, salt: u64, seq: u64, payload: &[u8], more: bool) {
    let len = payload.len() as u32 | if more { MORE } else { 0 };
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&frame_crc(Some(salt), len, seq, payload).to_le_bytes());
    out.extend_from_slice(&seq.to_le_bytes());
    out.extend_from_slice(payload);
}

/// The salt of the `use_count`-th segment start of incarnation `epoch`: distinct for
/// distinct pairs while both stay below 2^32 (a bijective mix of `epoch << 32 |
/// use_count`).
pub(crate) fn salt(epoch: u64, use_count: u64) -> u64 {
    let mut z = (epoch << 32) | (use_count & 0xFFFF_FFFF);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// What a scan of one segment found.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scanned {
    pub header: Header,
    /// Last sequence number of the intact frames (`first_seq - 1` when there are none).
    pub last_seq: u64,
}

/// One intact frame found by [`scan`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame<'a> {
    pub seq: u64,
    pub payload: &'a [u8],
    /// The record continues in the next frame.
    pub more: bool,
}

/// Walks the frames of one segment image while they are intact and consecutive.
/// `None` when the segment header is not valid.
pub(crate) fn scan(
    buf: &[u8],
    mut f: impl FnMut(Frame<'_>) -> Result<()>,
) -> Result<Option<Scanned>> {
    let Some(header) = Header::parse(buf) else {
        return Ok(None);
    };
    let mut pos = header.len;
    let mut expect = header.first_seq;
    while pos + FRAME_HEADER <= buf.len() {
        let word = u32::from_le_bytes([buf[pos], buf[pos + 1], buf[pos + 2], buf[pos + 3]]);
        let (len, more) = (word & !MORE, word & MORE != 0);
        let crc = u32::from_le_bytes([buf[pos + 4], buf[pos + 5], buf[pos + 6], buf[pos + 7]]);
        let Some(seq) = u64_at(buf, pos + 8) else {
            break;
        };
        let end = pos + FRAME_HEADER + len as usize;
        if seq != expect || end > buf.len() {
            break;
        }
        let payload = &buf[pos + FRAME_HEADER..end];
        if frame_crc(header.salt, word, seq, payload) != crc {
            break;
        }
        f(Frame { seq, payload, more })?;
        expect += 1;
        pos = end;
    }
    Ok(Some(Scanned {
        header,
        last_seq: expect - 1,
    }))
}

/// The most frames a segment of `segment_size` bytes can hold (every payload has at
/// least one byte): no sequence number at or past `first_seq + capacity` was ever
/// handed out for it.
pub(crate) fn capacity(segment_size: u64) -> u64 {
    segment_size.saturating_sub(HEADER as u64) / (FRAME_HEADER as u64 + 1) + 1
}

fn u64_at(buf: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(buf.get(at..at + 8)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_of_another_use_of_the_segment_fail_their_checksum() {
        let mut old = Vec::new();
        Header::new(5, 1, salt(1, 0)).encode(&mut old);
        encode_frame(&mut old, salt(1, 0), 5, b"old five", false);
        encode_frame(&mut old, salt(1, 0), 6, b"old six", false);
        // The same segment started again at 5 in a later incarnation, one frame written.
        let mut new = Vec::new();
        Header::new(5, 2, salt(2, 0)).encode(&mut new);
        encode_frame(&mut new, salt(2, 0), 5, b"new five", false);
        let mut image = old.clone();
        image[..new.len()].copy_from_slice(&new);
        let mut seen = Vec::new();
        let s = scan(&image, |fr| {
            seen.push((fr.seq, fr.payload.to_vec()));
            Ok(())
        })
        .unwrap()
        .unwrap();
        assert_eq!(seen, vec![(5, b"new five".to_vec())]);
        assert_eq!(s.last_seq, 5);
    }

    #[test]
    fn legacy_segments_are_read() {
        let mut buf = Vec::new();
        buf.extend_from_slice(&LEGACY_MAGIC.to_le_bytes());
        buf.extend_from_slice(&crc32fast::hash(&3u64.to_le_bytes()).to_le_bytes());
        buf.extend_from_slice(&3u64.to_le_bytes());
        let payload = b"legacy";
        buf.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        buf.extend_from_slice(&frame_crc(None, payload.len() as u32, 3, payload).to_le_bytes());
        buf.extend_from_slice(&3u64.to_le_bytes());
        buf.extend_from_slice(payload);
        buf.resize(4096, 0);
        let s = scan(&buf, |_| Ok(())).unwrap().unwrap();
        assert_eq!((s.header.first_seq, s.last_seq, s.header.epoch), (3, 3, 0));
    }

    #[test]
    fn the_continuation_flag_is_read_back_and_checksummed() {
        let mut buf = Vec::new();
        Header::new(7, 1, salt(1, 0)).encode(&mut buf);
        encode_frame(&mut buf, salt(1, 0), 7, b"first half", true);
        encode_frame(&mut buf, salt(1, 0), 8, b"second half", false);
        let mut seen = Vec::new();
        scan(&buf, |fr| {
            seen.push((fr.seq, fr.payload.to_vec(), fr.more));
            Ok(())
        })
        .unwrap();
        assert_eq!(
            seen,
            vec![
                (7, b"first half".to_vec(), true),
                (8, b"second half".to_vec(), false)
            ]
        );
        // A flag flipped on the media fails the frame's checksum.
        buf[HEADER + 3] ^= 0x80;
        let s = scan(&buf, |_| Ok(())).unwrap().unwrap();
        assert_eq!(s.last_seq, 6);
    }

    #[test]
    fn salts_differ() {
        let mut seen = std::collections::HashSet::new();
        for e in 0..50 {
            for u in 0..50 {
                assert!(seen.insert(salt(e, u)));
            }
        }
    }
}
