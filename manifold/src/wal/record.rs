//! Logical redo records: what a committed transaction did, family by family.
//!
//! Payload layout (little-endian):
//!
//! ```text
//! group count u32, then per group:
//!   family id u32, op count u32, then per op:
//!     kind u8 | table name length u16 | table name | key length u32 | key
//!     [| value length u32 | value]      (put only)
//! ```
//!
//! A record lists every family the transaction touched, so a batch across families is one
//! record and recovers atomically.

use crate::error::{Error, Result};

const PUT: u8 = 1;
const DELETE: u8 = 2;
const DROP_TABLE: u8 = 3;
const EXTERNAL: u8 = 4;

/// One logged change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Op<'a> {
    /// Insert or replace `key` in `table`.
    Put {
        table: &'a str,
        key: &'a [u8],
        value: &'a [u8],
    },
    /// Remove `key` from `table`.
    Delete { table: &'a str, key: &'a [u8] },
    /// Remove `table` and everything in it.
    DropTable { table: &'a str },
    /// The transaction was too large for the log and was committed durably by the family
    /// itself; replay has nothing to do.
    External,
}

/// The ops of one transaction, grouped by family, as they are being recorded.
#[derive(Debug, Default)]
pub(crate) struct RecordBuilder {
    groups: Vec<(u32, u32, Vec<u8>)>,
}

impl RecordBuilder {
    fn group(&mut self, family: u32) -> &mut (u32, u32, Vec<u8>) {
        let pos = match self.groups.iter().position(|g| g.0 == family) {
            Some(p) => p,
            None => {
                self.groups.push((family, 0, Vec::new()));
                self.groups.len() - 1
            }
        };
        &mut self.groups[pos]
    }

    /// Appends `op` for `family`.
    pub(crate) fn push(&mut self, family: u32, op: &Op<'_>) {
        let g = self.group(family);
        g.1 += 1;
        let buf = &mut g.2;
        let (kind, table) = match op {
            Op::Put { table, .. } => (PUT, *table),
            Op::Delete { table, .. } => (DELETE, *table),
            Op::DropTable { table } => (DROP_TABLE, *table),
            Op::External => (EXTERNAL, ""),
        };
        buf.push(kind);
        buf.extend_from_slice(&(table.len() as u16).to_le_bytes());
        buf.extend_from_slice(table.as_bytes());
        match op {
            Op::Put { key, value, .. } => {
                buf.extend_from_slice(&(key.len() as u32).to_le_bytes());
                buf.extend_from_slice(key);
                buf.extend_from_slice(&(value.len() as u32).to_le_bytes());
                buf.extend_from_slice(value);
            }
            Op::Delete { key, .. } => {
                buf.extend_from_slice(&(key.len() as u32).to_le_bytes());
                buf.extend_from_slice(key);
            }
            Op::DropTable { .. } | Op::External => {}
        }
    }

    /// Whether nothing was recorded.
    pub(crate) fn is_empty(&self) -> bool {
        self.groups.iter().all(|g| g.1 == 0)
    }

    /// Size of the encoded payload.
    pub(crate) fn encoded_len(&self) -> usize {
        4 + self.groups.iter().map(|g| 8 + g.2.len()).sum::<usize>()
    }

    /// The encoded payload.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        out.extend_from_slice(&(self.groups.len() as u32).to_le_bytes());
        for (family, count, ops) in &self.groups {
            out.extend_from_slice(&family.to_le_bytes());
            out.extend_from_slice(&count.to_le_bytes());
            out.extend_from_slice(ops);
        }
        out
    }
}

/// Decodes a payload, calling `f(family, op)` for each op in order.
pub(crate) fn decode(payload: &[u8], mut f: impl FnMut(u32, Op<'_>) -> Result<()>) -> Result<()> {
    let mut r = Cursor(payload);
    let groups = r.u32()?;
    for _ in 0..groups {
        let family = r.u32()?;
        let ops = r.u32()?;
        for _ in 0..ops {
            let kind = r.bytes(1)?[0];
            let tlen = r.u16()? as usize;
            let table = std::str::from_utf8(r.bytes(tlen)?).map_err(|_| bad("table name"))?;
            let op = match kind {
                PUT => {
                    let klen = r.u32()? as usize;
                    let key = r.bytes(klen)?;
                    let vlen = r.u32()? as usize;
                    let value = r.bytes(vlen)?;
                    Op::Put { table, key, value }
                }
                DELETE => {
                    let klen = r.u32()? as usize;
                    Op::Delete {
                        table,
                        key: r.bytes(klen)?,
                    }
                }
                DROP_TABLE => Op::DropTable { table },
                EXTERNAL => Op::External,
                _ => return Err(bad("op kind")),
            };
            f(family, op)?;
        }
    }
    if !r.0.is_empty() {
        return Err(bad("trailing bytes"));
    }
    Ok(())
}

fn bad(what: &str) -> Error {
    Error::Corrupted {
        what: "log record",
        detail: format!("checksummed record has an invalid {what}"),
    }
}

struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn bytes(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.0.len() < n {
            return Err(bad("length"));
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    fn u16(&mut self) -> Result<u16> {
        let b = self.bytes(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32> {
        let b = self.bytes(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_across_families() {
        let mut b = RecordBuilder::default();
        b.push(
            1,
            &Op::Put {
                table: "t",
                key: b"k1",
                value: b"v1",
            },
        );
        b.push(
            2,
            &Op::Delete {
                table: "u",
                key: b"k2",
            },
        );
        b.push(1, &Op::DropTable { table: "old" });
        let payload = b.encode();
        assert_eq!(payload.len(), b.encoded_len());
        let mut seen = Vec::new();
        decode(&payload, |f, op| {
            seen.push(format!("{f}:{op:?}"));
            Ok(())
        })
        .unwrap();
        assert_eq!(seen.len(), 3);
        assert!(seen[0].starts_with("1:Put"));
        assert!(seen[1].starts_with("1:DropTable"));
        assert!(seen[2].starts_with("2:Delete"));
    }

    #[test]
    fn truncated_payload_is_an_error_not_a_panic() {
        let mut b = RecordBuilder::default();
        b.push(
            1,
            &Op::Put {
                table: "t",
                key: b"key",
                value: b"value",
            },
        );
        let payload = b.encode();
        for n in 0..payload.len() {
            assert!(decode(&payload[..n], |_, _| Ok(())).is_err());
        }
    }
}
