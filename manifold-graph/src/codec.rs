//! Byte layouts of the graph's tables.
//!
//! - edge key, forward table: `src (16) | edge type (u32 big-endian) | dst (16)`;
//!   reverse table: `dst | edge type | src`. 36 bytes, fixed width, so the edges of one
//!   vertex (and of one vertex and type) are one contiguous key range.
//! - edge value: `flags (1, bit 0 = active) | weight (f32 LE) | created (u64 LE,
//!   microseconds since the Unix epoch)`, 13 bytes, identical in both tables.
//! - vertex value: `label length (1) | label (UTF-8) | payload`.

use crate::error::{GraphError, Result};
use uuid::Uuid;

/// Length of an edge key.
pub(crate) const EDGE_KEY_LEN: usize = 36;
/// Length of an edge value.
pub(crate) const EDGE_VALUE_LEN: usize = 13;

/// The properties stored with an edge.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EdgeProps {
    /// False once soft-deleted: the edge stays stored but traversals skip it.
    pub active: bool,
    /// The edge's weight (finite).
    pub weight: f32,
    /// Creation time, microseconds since the Unix epoch.
    pub created_micros: u64,
}

impl EdgeProps {
    pub(crate) fn encode(self) -> [u8; EDGE_VALUE_LEN] {
        let mut out = [0u8; EDGE_VALUE_LEN];
        out[0] = u8::from(self.active);
        out[1..5].copy_from_slice(&self.weight.to_le_bytes());
        out[5..13].copy_from_slice(&self.created_micros.to_le_bytes());
        out
    }

    pub(crate) fn decode(b: &[u8], table: &str) -> Result<EdgeProps> {
        if b.len() != EDGE_VALUE_LEN {
            return Err(GraphError::Corrupt {
                table: table.to_string(),
                detail: format!("edge value of {} bytes", b.len()),
            });
        }
        Ok(EdgeProps {
            active: b[0] & 1 == 1,
            weight: f32::from_le_bytes([b[1], b[2], b[3], b[4]]),
            created_micros: u64::from_le_bytes([b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12]]),
        })
    }
}

/// `a | type | b`.
pub(crate) fn edge_key(a: Uuid, ty: u32, b: Uuid) -> [u8; EDGE_KEY_LEN] {
    let mut k = [0u8; EDGE_KEY_LEN];
    k[..16].copy_from_slice(a.as_bytes());
    k[16..20].copy_from_slice(&ty.to_be_bytes());
    k[20..].copy_from_slice(b.as_bytes());
    k
}

/// `a | type | b` -> `b | type | a`.
pub(crate) fn reverse_key(k: &[u8; EDGE_KEY_LEN]) -> [u8; EDGE_KEY_LEN] {
    let mut r = [0u8; EDGE_KEY_LEN];
    r[..16].copy_from_slice(&k[20..]);
    r[16..20].copy_from_slice(&k[16..20]);
    r[20..].copy_from_slice(&k[..16]);
    r
}

/// Splits an edge key into `(a, type, b)`.
pub(crate) fn split_key(k: &[u8], table: &str) -> Result<(Uuid, u32, Uuid)> {
    if k.len() != EDGE_KEY_LEN {
        return Err(GraphError::Corrupt {
            table: table.to_string(),
            detail: format!("edge key of {} bytes", k.len()),
        });
    }
    let mut a = [0u8; 16];
    a.copy_from_slice(&k[..16]);
    let mut b = [0u8; 16];
    b.copy_from_slice(&k[20..]);
    let ty = u32::from_be_bytes([k[16], k[17], k[18], k[19]]);
    Ok((Uuid::from_bytes(a), ty, Uuid::from_bytes(b)))
}

/// A vertex: a type label and an optional small payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vertex {
    /// The vertex's type label (at most 255 bytes).
    pub label: String,
    /// Application bytes (at most [`MAX_PAYLOAD`]).
    pub payload: Vec<u8>,
}

/// The largest vertex payload accepted: vertices are for small metadata; large values
/// belong in their own table.
pub const MAX_PAYLOAD: usize = 4096;

pub(crate) fn encode_vertex(label: &str, payload: &[u8], out: &mut Vec<u8>) -> Result<()> {
    let len =
        u8::try_from(label.len()).map_err(|_| GraphError::LabelTooLong { len: label.len() })?;
    if payload.len() > MAX_PAYLOAD {
        return Err(GraphError::PayloadTooLarge {
            len: payload.len(),
            max: MAX_PAYLOAD,
        });
    }
    out.clear();
    out.push(len);
    out.extend_from_slice(label.as_bytes());
    out.extend_from_slice(payload);
    Ok(())
}

pub(crate) fn decode_vertex(b: &[u8], table: &str) -> Result<Vertex> {
    let corrupt = |detail: &str| GraphError::Corrupt {
        table: table.to_string(),
        detail: detail.to_string(),
    };
    let (&len, rest) = b
        .split_first()
        .ok_or_else(|| corrupt("empty vertex value"))?;
    let len = usize::from(len);
    if rest.len() < len {
        return Err(corrupt("vertex label runs past the value"));
    }
    let label = std::str::from_utf8(&rest[..len]).map_err(|_| corrupt("label is not UTF-8"))?;
    Ok(Vertex {
        label: label.to_string(),
        payload: rest[len..].to_vec(),
    })
}
