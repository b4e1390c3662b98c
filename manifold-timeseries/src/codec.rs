//! The chunk codec: Gorilla-style compression of a run of points.
//!
//! A chunk is a 24-byte header followed by one bit stream:
//!
//! ```text
//! 0      version (1)
//! 1      lane width in bits (64: one f64 per point; 32: a record cut into 4-byte lanes)
//! 2..4   value size in bytes, u16 LE
//! 4..8   point count, u32 LE (>= 1)
//! 8..16  first timestamp, i64 LE
//! 16..24 last timestamp, i64 LE
//! bits   point 0: its value lanes raw; then per point: timestamp delta-of-delta,
//!        then each lane XORed with the same lane of the previous point
//! ```
//!
//! Timestamps: the delta-of-delta `d` (wrapping arithmetic) is `0` -> `0`;
//! `[-63, 64]` -> `10` + 7 bits; `[-255, 256]` -> `110` + 9 bits; `[-2047, 2048]` ->
//! `1110` + 12 bits; a 32-bit range -> `11110` + 32 bits; else `11111` + 64 bits.
//!
//! Values: XOR with the previous lane is `0` -> `0`; else `1`, then `0` + the meaningful
//! bits when they fit the previous window of leading/trailing zeros, or `1` + leading
//! zeros + (length - 1) (5 bits each for 32-bit lanes, 6 for 64-bit) + the bits.
//! Values are bit patterns, so every f64 (NaN payloads, -0.0, infinities) round-trips
//! exactly.

use crate::bits::{BitReader, BitWriter, OutOfBits};

const VERSION: u8 = 1;
/// Bytes before the bit stream.
pub(crate) const HEADER_LEN: usize = 24;

/// How values are cut into lanes for XOR coding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lanes {
    /// One 64-bit lane: an `f64` (value size 8).
    Wide,
    /// 32-bit lanes; the last one zero-padded.
    Narrow,
}

impl Lanes {
    fn bits(self) -> u32 {
        match self {
            Lanes::Wide => 64,
            Lanes::Narrow => 32,
        }
    }
    fn field_bits(self) -> u32 {
        match self {
            Lanes::Wide => 6,
            Lanes::Narrow => 5,
        }
    }
    fn count(self, value_size: usize) -> usize {
        match self {
            Lanes::Wide => 1,
            Lanes::Narrow => value_size.div_ceil(4),
        }
    }
}

/// What the header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ChunkHeader {
    pub(crate) count: usize,
    pub(crate) first: i64,
    pub(crate) last: i64,
    pub(crate) value_size: usize,
    pub(crate) lanes: Lanes,
}

/// Why a stored chunk does not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadChunk(pub(crate) &'static str);

impl From<OutOfBits> for BadChunk {
    fn from(_: OutOfBits) -> Self {
        BadChunk("bit stream ends early")
    }
}

/// Reads and checks the header.
pub(crate) fn header(bytes: &[u8]) -> Result<ChunkHeader, BadChunk> {
    let h: &[u8; HEADER_LEN] = bytes
        .get(..HEADER_LEN)
        .and_then(|h| h.try_into().ok())
        .ok_or(BadChunk("shorter than its header"))?;
    if h[0] != VERSION {
        return Err(BadChunk("unknown chunk version"));
    }
    let lanes = match h[1] {
        64 => Lanes::Wide,
        32 => Lanes::Narrow,
        _ => return Err(BadChunk("unknown lane width")),
    };
    let value_size = usize::from(u16::from_le_bytes([h[2], h[3]]));
    let count = u32::from_le_bytes([h[4], h[5], h[6], h[7]]) as usize;
    let first = i64::from_le_bytes(h[8..16].try_into().map_err(|_| BadChunk("header"))?);
    let last = i64::from_le_bytes(h[16..24].try_into().map_err(|_| BadChunk("header"))?);
    if count == 0 || value_size == 0 || (lanes == Lanes::Wide && value_size != 8) {
        return Err(BadChunk("inconsistent header"));
    }
    Ok(ChunkHeader {
        count,
        first,
        last,
        value_size,
        lanes,
    })
}

#[derive(Clone, Copy, Default)]
struct LaneState {
    prev: u64,
    lead: u32,
    trail: u32,
    window: bool,
}

/// Encodes points: `ts` strictly increasing and non-empty, `values` holding
/// `ts.len() * value_size` bytes, `value_size` in `1..=65535` (8 for [`Lanes::Wide`]).
pub(crate) fn encode(ts: &[i64], values: &[u8], value_size: usize, lanes: Lanes) -> Vec<u8> {
    debug_assert!(!ts.is_empty() && values.len() == ts.len() * value_size);
    debug_assert!(ts.windows(2).all(|w| w[0] < w[1]));
    let mut head = Vec::with_capacity(HEADER_LEN + ts.len() * 2 + value_size);
    head.push(VERSION);
    head.push(lanes.bits() as u8);
    head.extend_from_slice(&(value_size as u16).to_le_bytes());
    head.extend_from_slice(&(ts.len() as u32).to_le_bytes());
    head.extend_from_slice(&ts[0].to_le_bytes());
    head.extend_from_slice(&ts[ts.len() - 1].to_le_bytes());
    let mut w = BitWriter::with_prefix(head);
    let n_lanes = lanes.count(value_size);
    let mut state = vec![LaneState::default(); n_lanes];
    let (mut prev_ts, mut prev_delta) = (ts[0], 0i64);
    for (i, (&t, value)) in ts.iter().zip(values.chunks_exact(value_size)).enumerate() {
        if i > 0 {
            let delta = t.wrapping_sub(prev_ts);
            write_dod(&mut w, delta.wrapping_sub(prev_delta));
            prev_delta = delta;
            prev_ts = t;
        }
        for (lane, st) in state.iter_mut().enumerate() {
            let bits = lane_bits(value, lane, lanes);
            if i == 0 {
                w.write(bits, lanes.bits());
            } else {
                write_xor(&mut w, st, bits, lanes);
            }
            st.prev = bits;
        }
    }
    w.finish()
}

/// Decodes a chunk, appending its timestamps and value bytes to the outputs.
pub(crate) fn decode_into(
    bytes: &[u8],
    ts_out: &mut Vec<i64>,
    values_out: &mut Vec<u8>,
) -> Result<ChunkHeader, BadChunk> {
    let h = header(bytes)?;
    let mut r = BitReader::new(&bytes[HEADER_LEN..]);
    let n_lanes = h.lanes.count(h.value_size);
    // Every point after the first takes at least one bit of time and one per lane: a
    // header claiming more points than the stream can hold is corrupt (and must not
    // make us reserve memory for them).
    let stream_bits = (bytes.len() - HEADER_LEN) as u64 * 8;
    if (h.count as u64 - 1) * (1 + n_lanes as u64) > stream_bits {
        return Err(BadChunk("more points than the stream can hold"));
    }
    let mut state = vec![LaneState::default(); n_lanes];
    ts_out.reserve(h.count);
    values_out.reserve(h.count * h.value_size);
    let (mut t, mut delta) = (h.first, 0i64);
    for i in 0..h.count {
        if i > 0 {
            delta = delta.wrapping_add(read_dod(&mut r)?);
            let next = t.wrapping_add(delta);
            if next <= t {
                return Err(BadChunk("timestamps not increasing"));
            }
            t = next;
        }
        ts_out.push(t);
        for (lane, st) in state.iter_mut().enumerate() {
            let bits = if i == 0 {
                r.read(h.lanes.bits())?
            } else {
                read_xor(&mut r, st, h.lanes)?
            };
            st.prev = bits;
            put_lane(values_out, bits, lane, h.value_size, h.lanes);
        }
    }
    if t != h.last {
        return Err(BadChunk("last timestamp disagrees with the header"));
    }
    Ok(h)
}

fn lane_bits(value: &[u8], lane: usize, lanes: Lanes) -> u64 {
    match lanes {
        Lanes::Wide => {
            let mut b = [0u8; 8];
            b.copy_from_slice(&value[..8]);
            u64::from_le_bytes(b)
        }
        Lanes::Narrow => {
            let start = lane * 4;
            let end = (start + 4).min(value.len());
            let mut b = [0u8; 4];
            b[..end - start].copy_from_slice(&value[start..end]);
            u64::from(u32::from_le_bytes(b))
        }
    }
}

fn put_lane(out: &mut Vec<u8>, bits: u64, lane: usize, value_size: usize, lanes: Lanes) {
    match lanes {
        Lanes::Wide => out.extend_from_slice(&bits.to_le_bytes()),
        Lanes::Narrow => {
            let take = (value_size - lane * 4).min(4);
            out.extend_from_slice(&(bits as u32).to_le_bytes()[..take]);
        }
    }
}

fn write_dod(w: &mut BitWriter, dod: i64) {
    match dod {
        0 => w.bit(false),
        -63..=64 => {
            w.write(0b10, 2);
            w.write((dod + 63) as u64, 7);
        }
        -255..=256 => {
            w.write(0b110, 3);
            w.write((dod + 255) as u64, 9);
        }
        -2047..=2048 => {
            w.write(0b1110, 4);
            w.write((dod + 2047) as u64, 12);
        }
        -2_147_483_647..=2_147_483_648 => {
            w.write(0b11110, 5);
            w.write((dod + 2_147_483_647) as u64, 32);
        }
        _ => {
            w.write(0b11111, 5);
            w.write(dod as u64, 64);
        }
    }
}

fn read_dod(r: &mut BitReader<'_>) -> Result<i64, OutOfBits> {
    let mut ones = 0;
    while ones < 5 && r.bit()? {
        ones += 1;
    }
    Ok(match ones {
        0 => 0,
        1 => r.read(7)? as i64 - 63,
        2 => r.read(9)? as i64 - 255,
        3 => r.read(12)? as i64 - 2047,
        4 => r.read(32)? as i64 - 2_147_483_647,
        _ => r.read(64)? as i64,
    })
}

fn write_xor(w: &mut BitWriter, st: &mut LaneState, bits: u64, lanes: Lanes) {
    let x = bits ^ st.prev;
    if x == 0 {
        w.bit(false);
        return;
    }
    w.bit(true);
    let width = lanes.bits();
    let lead = x.leading_zeros() - (64 - width);
    let trail = x.trailing_zeros();
    if st.window && lead >= st.lead && trail >= st.trail {
        w.bit(false);
        w.write(x >> st.trail, width - st.lead - st.trail);
    } else {
        let len = width - lead - trail;
        w.bit(true);
        w.write(u64::from(lead), lanes.field_bits());
        w.write(u64::from(len - 1), lanes.field_bits());
        w.write(x >> trail, len);
        st.lead = lead;
        st.trail = trail;
        st.window = true;
    }
}

fn read_xor(r: &mut BitReader<'_>, st: &mut LaneState, lanes: Lanes) -> Result<u64, BadChunk> {
    if !r.bit()? {
        return Ok(st.prev);
    }
    let width = lanes.bits();
    if !r.bit()? {
        if !st.window {
            return Err(BadChunk("XOR window used before it was set"));
        }
        let len = width - st.lead - st.trail;
        let x = r.read(len)? << st.trail;
        return Ok(st.prev ^ x);
    }
    let lead = r.read(lanes.field_bits())? as u32;
    let len = r.read(lanes.field_bits())? as u32 + 1;
    if lead + len > width {
        return Err(BadChunk("XOR window wider than the lane"));
    }
    let trail = width - lead - len;
    st.lead = lead;
    st.trail = trail;
    st.window = true;
    Ok(st.prev ^ (r.read(len)? << trail))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(ts: &[i64], values: &[u8], size: usize, lanes: Lanes) -> Vec<u8> {
        let bytes = encode(ts, values, size, lanes);
        let (mut t, mut v) = (Vec::new(), Vec::new());
        let h = decode_into(&bytes, &mut t, &mut v).unwrap();
        assert_eq!(h.count, ts.len());
        assert_eq!(t, ts);
        assert_eq!(v, values);
        bytes
    }

    #[test]
    fn regular_series_costs_about_two_bits_per_point() {
        let ts: Vec<i64> = (0..1000).map(|i| 1_700_000_000_000 + i * 10_000).collect();
        let values: Vec<u8> = (0..1000).flat_map(|_| 42.0f64.to_le_bytes()).collect();
        let bytes = round_trip(&ts, &values, 8, Lanes::Wide);
        // Header, point 0 raw, the first delta (37 bits), then 2 bits per point.
        assert!(
            bytes.len() <= HEADER_LEN + 8 + 5 + 1000 / 4 + 1,
            "{}",
            bytes.len()
        );
    }

    #[test]
    fn records_with_partial_lanes_round_trip() {
        let ts: Vec<i64> = vec![-5, 0, 7, 1 << 40, i64::MAX];
        let values: Vec<u8> = (0..5 * 7).map(|i| (i * 37 % 251) as u8).collect();
        round_trip(&ts, &values, 7, Lanes::Narrow);
    }

    #[test]
    fn truncated_and_corrupt_chunks_are_errors() {
        let ts: Vec<i64> = (0..100).map(|i| i * i).collect();
        let values: Vec<u8> = (0..100)
            .flat_map(|i| (i as f64).sqrt().to_le_bytes())
            .collect();
        let bytes = encode(&ts, &values, 8, Lanes::Wide);
        for cut in [0, 5, HEADER_LEN, bytes.len() / 2, bytes.len() - 1] {
            let (mut t, mut v) = (Vec::new(), Vec::new());
            assert!(
                decode_into(&bytes[..cut], &mut t, &mut v).is_err(),
                "cut {cut}"
            );
        }
        let mut bad = bytes.clone();
        bad[1] = 16;
        assert!(header(&bad).is_err());
        let mut bad = bytes;
        bad[16] ^= 1;
        let (mut t, mut v) = (Vec::new(), Vec::new());
        assert!(decode_into(&bad, &mut t, &mut v).is_err());
    }
}
