//! Table layout, and series metadata as stored.
//!
//! - `ts_series_names`: series name -> id (u32, dense, never reused).
//! - `ts_series_meta`: id -> value type, retention horizon, name.
//! - `ts_chunks`: (id, first timestamp of the chunk) -> compressed chunk (see `codec`).
//! - `ts_rollup_{minute,hour,day}`: (id, bucket start) -> 64-byte aggregate.
//! - `ts_settings`: store-wide settings (the time unit).

use crate::aggregate::{AGG_LEN, Granularity};
use crate::error::{Error, Result};
use crate::value::ValueKind;
use manifold::{RangeIter, ReadTable, TableDefinition, TableMut};
use std::ops::Bound;

pub(crate) type ChunkKey = (u32, i64);

pub(crate) const NAMES: TableDefinition<str, u32> = TableDefinition::new("ts_series_names");
pub(crate) const META: TableDefinition<u32, [u8]> = TableDefinition::new("ts_series_meta");
pub(crate) const CHUNKS: TableDefinition<ChunkKey, [u8]> = TableDefinition::new("ts_chunks");
pub(crate) const SETTINGS: TableDefinition<str, [u8]> = TableDefinition::new("ts_settings");
const ROLLUPS: [TableDefinition<ChunkKey, [u8; AGG_LEN]>; 3] = [
    TableDefinition::new("ts_rollup_minute"),
    TableDefinition::new("ts_rollup_hour"),
    TableDefinition::new("ts_rollup_day"),
];

/// The rollup table of a level.
pub(crate) fn rollup_table(g: Granularity) -> TableDefinition<'static, ChunkKey, [u8; AGG_LEN]> {
    ROLLUPS[g.index()]
}

/// Smallest and largest supported timestamps.
pub(crate) const MIN_TS: i64 = -(1 << 62);
pub(crate) const MAX_TS: i64 = 1 << 62;

/// What the store knows about one series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SeriesMeta {
    pub(crate) name: String,
    pub(crate) kind: ValueKind,
    /// Raw points before this time were dropped by retention; writes there are refused.
    pub(crate) horizon: i64,
}

impl SeriesMeta {
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + self.name.len());
        let (tag, size, type_name) = match &self.kind {
            ValueKind::F64 => (0u8, 8usize, ""),
            ValueKind::Record { name, size } => (1u8, *size, name.as_str()),
        };
        out.push(tag);
        out.extend_from_slice(&(size as u16).to_le_bytes());
        out.extend_from_slice(&self.horizon.to_le_bytes());
        out.extend_from_slice(&(type_name.len() as u16).to_le_bytes());
        out.extend_from_slice(type_name.as_bytes());
        out.extend_from_slice(self.name.as_bytes());
        out
    }

    pub(crate) fn decode(id: u32, bytes: &[u8]) -> Result<Self> {
        let bad = |detail| Error::Corrupted {
            what: "series metadata",
            series: id,
            detail,
        };
        let fixed = bytes.get(..13).ok_or_else(|| bad("too short"))?;
        let size = usize::from(u16::from_le_bytes([fixed[1], fixed[2]]));
        let mut h = [0u8; 8];
        h.copy_from_slice(&fixed[3..11]);
        let horizon = i64::from_le_bytes(h);
        let tn_len = usize::from(u16::from_le_bytes([fixed[11], fixed[12]]));
        let type_name = bytes.get(13..13 + tn_len).ok_or_else(|| bad("too short"))?;
        let name = &bytes[13 + tn_len..];
        let text = |b: &[u8]| String::from_utf8(b.to_vec()).map_err(|_| bad("name is not UTF-8"));
        let kind = match fixed[0] {
            0 if size == 8 => ValueKind::F64,
            1 if size > 0 => ValueKind::Record {
                name: text(type_name)?,
                size,
            },
            _ => return Err(bad("unknown value type")),
        };
        Ok(SeriesMeta {
            name: text(name)?,
            kind,
            horizon,
        })
    }
}

/// Range reads shared by tables in read and write transactions.
pub(crate) trait ChunkSource {
    /// Chunks of the table keyed between the bounds.
    fn chunk_range(
        &self,
        lo: Bound<&ChunkKey>,
        hi: Bound<&ChunkKey>,
    ) -> manifold::Result<RangeIter<'_, ChunkKey, [u8]>>;
}

impl ChunkSource for ReadTable<ChunkKey, [u8]> {
    fn chunk_range(
        &self,
        lo: Bound<&ChunkKey>,
        hi: Bound<&ChunkKey>,
    ) -> manifold::Result<RangeIter<'_, ChunkKey, [u8]>> {
        self.range((lo, hi))
    }
}

impl ChunkSource for TableMut<'_, ChunkKey, [u8]> {
    fn chunk_range(
        &self,
        lo: Bound<&ChunkKey>,
        hi: Bound<&ChunkKey>,
    ) -> manifold::Result<RangeIter<'_, ChunkKey, [u8]>> {
        self.range((lo, hi))
    }
}
