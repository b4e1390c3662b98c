//! manifold-timeseries: time series on [manifold](../manifold) tables.
//!
//! What it is:
//! - **Series** are named; names are interned to `u32` ids. Every key starts with the
//!   id, so reading one series touches only that series' keys.
//! - **Chunks**: points are stored in chunks of up to 1024 points under the key
//!   `(series id, first timestamp)`, compressed Gorilla-style: delta-of-delta
//!   timestamps and XORed values (bit-exact for every `f64`, NaN payloads included).
//! - **Values** are `f64`, or any fixed-size [`Record`] (say three 17-d `f32` arrays),
//!   compressed lane by lane.
//! - **Writes** come in batches over many series, one transaction each, or inside a
//!   transaction the caller owns ([`TimeSeries::append_named_in`]), to commit with its
//!   other tables. Points may
//!   arrive out of order within a window behind the series' latest point
//!   ([`Config::out_of_order_window`]); a point with the timestamp of an existing one
//!   replaces it (last write wins).
//! - **Rollups** per minute, hour and day (count, sum, min, max, first, last) are
//!   maintained on write and always equal the aggregate of the raw points of their
//!   bucket, as long as those raw points exist.
//! - **Retention** per level (raw, minute, hour, day), applied by
//!   [`TimeSeries::apply_retention`] or a background [`RetentionTask`]; range deletion.
//! - **Queries**: raw range, rollups at a granularity, latest point, downsampling to any
//!   bucket width.
//!
//! What it is not: a query language, a server, or an index over values or tags (series
//! are found by exact name only). Writes far in the past (behind the window) are
//! refused rather than slowly merged, and rollups exist for `f64` series only.
//!
//! ```
//! use manifold_timeseries::{Config, Granularity, TimeSeries};
//! # let dir = tempfile::tempdir().unwrap();
//! let db = manifold::Database::open(dir.path().join("metrics.manifold"))?;
//! let ts = TimeSeries::open(&db, "metrics", Config::default())?;
//! let cpu = ts.series::<f64>("host1.cpu")?;
//! ts.append(&cpu, &[(0, 0.5), (10_000, 0.7), (70_000, 0.9)])?;
//! assert_eq!(ts.latest(&cpu)?, Some((70_000, 0.9)));
//! let minutes = ts.aggregate(&cpu, Granularity::Minute, ..)?;
//! assert_eq!(minutes.len(), 2);
//! assert_eq!(minutes[0].1.max, 0.7);
//! # Ok::<(), manifold_timeseries::Error>(())
//! ```

mod aggregate;
mod bits;
mod codec;
mod config;
mod error;
mod in_tx;
mod points;
mod retention;
mod series;
mod store;
mod tables;
mod value;
mod write;

pub use aggregate::{Aggregate, Granularity};
pub use config::{Config, Retention, TimeUnit};
pub use error::{Error, Result};
pub use in_tx::TxRef;
pub use retention::{RetentionReport, RetentionTask};
pub use series::Series;
pub use store::{SeriesStats, TimeSeries, WriteBatch};
pub use value::{Record, SeriesValue, ValueKindTag};

/// The chunk codec, exposed for property tests and benchmarks.
#[doc(hidden)]
pub mod __codec {
    /// Encodes `f64` points (`ts` strictly increasing, non-empty).
    pub fn encode_f64(ts: &[i64], values: &[f64]) -> Vec<u8> {
        let bytes: Vec<u8> = values
            .iter()
            .flat_map(|v| v.to_bits().to_le_bytes())
            .collect();
        crate::codec::encode(ts, &bytes, 8, crate::codec::Lanes::Wide)
    }

    /// Encodes records of `size` bytes in 32-bit lanes.
    pub fn encode_records(ts: &[i64], values: &[u8], size: usize) -> Vec<u8> {
        crate::codec::encode(ts, values, size, crate::codec::Lanes::Narrow)
    }

    /// Decodes a chunk into timestamps and value bytes; `None` if it is corrupt.
    pub fn decode(bytes: &[u8]) -> Option<(Vec<i64>, Vec<u8>)> {
        let (mut ts, mut values) = (Vec::new(), Vec::new());
        crate::codec::decode_into(bytes, &mut ts, &mut values).ok()?;
        Some((ts, values))
    }
}
