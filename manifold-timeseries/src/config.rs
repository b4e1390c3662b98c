//! Configuration: time unit, chunk size, out-of-order window, retention.

use crate::aggregate::Granularity;
use crate::error::{Error, Result};

/// What one unit of a timestamp means. Rollup buckets (minute, hour, day) and retention
/// durations are computed in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeUnit {
    /// Seconds.
    Seconds,
    /// Milliseconds (the default).
    #[default]
    Millis,
    /// Microseconds.
    Micros,
    /// Nanoseconds.
    Nanos,
}

impl TimeUnit {
    /// Units in one second.
    pub fn per_second(self) -> i64 {
        match self {
            TimeUnit::Seconds => 1,
            TimeUnit::Millis => 1_000,
            TimeUnit::Micros => 1_000_000,
            TimeUnit::Nanos => 1_000_000_000,
        }
    }

    pub(crate) fn code(self) -> u8 {
        match self {
            TimeUnit::Seconds => 0,
            TimeUnit::Millis => 1,
            TimeUnit::Micros => 2,
            TimeUnit::Nanos => 3,
        }
    }
}

/// How long each level of data is kept, in timestamp units; `None` keeps it forever.
///
/// Coarser levels must keep at least as long as finer ones (raw <= minute <= hour <=
/// day), so every bucket whose raw points still exist also has its rollups. Horizons are
/// rounded down to whole days: retention drops whole days of data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Retention {
    /// Raw points.
    pub raw: Option<i64>,
    /// Minute rollups.
    pub minute: Option<i64>,
    /// Hour rollups.
    pub hour: Option<i64>,
    /// Day rollups.
    pub day: Option<i64>,
}

impl Retention {
    /// The duration kept at a rollup level.
    pub fn rollup(&self, g: Granularity) -> Option<i64> {
        match g {
            Granularity::Minute => self.minute,
            Granularity::Hour => self.hour,
            Granularity::Day => self.day,
        }
    }

    fn validate(&self) -> Result<()> {
        let levels = [self.raw, self.minute, self.hour, self.day];
        if levels.iter().flatten().any(|&d| d <= 0) {
            return Err(Error::Config("retention durations must be positive".into()));
        }
        // `None` is forever: a finer level may not outlive a coarser one.
        for pair in levels.windows(2) {
            let ok = match (pair[0], pair[1]) {
                (_, None) => true,
                (None, Some(_)) => false,
                (Some(fine), Some(coarse)) => fine <= coarse,
            };
            if !ok {
                return Err(Error::Config(
                    "retention must not shrink from raw to minute to hour to day".into(),
                ));
            }
        }
        Ok(())
    }
}

/// Configuration of a [`crate::TimeSeries`] store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Unit of timestamps. Stored on first open; a later open must agree.
    pub unit: TimeUnit,
    /// Most points per f64 chunk. Record chunks hold at most 16 KiB of raw records
    /// (at least 8 points), and never more than this.
    pub chunk_points: usize,
    /// How far behind a series' latest point a write may land, in timestamp units;
    /// `None` accepts any time (after the retention horizon). Older points are refused
    /// with [`Error::TooOld`].
    pub out_of_order_window: Option<i64>,
    /// How long data is kept at each level.
    pub retention: Retention,
}

impl Default for Config {
    /// Milliseconds, 1024-point chunks, a one-hour out-of-order window, keep everything.
    fn default() -> Self {
        Config {
            unit: TimeUnit::Millis,
            chunk_points: 1024,
            out_of_order_window: Some(3_600_000),
            retention: Retention::default(),
        }
    }
}

impl Config {
    /// Checks the values; `open` calls it.
    pub fn validate(&self) -> Result<()> {
        if !(2..=65_535).contains(&self.chunk_points) {
            return Err(Error::Config("chunk_points must be in 2..=65535".into()));
        }
        if self.out_of_order_window.is_some_and(|w| w < 0) {
            return Err(Error::Config(
                "out_of_order_window must not be negative".into(),
            ));
        }
        self.retention.validate()
    }

    /// Bucket width of a rollup level in timestamp units.
    pub fn width(&self, g: Granularity) -> i64 {
        g.seconds() * self.unit.per_second()
    }

    /// Most points in one chunk of values of `value_size` bytes.
    pub(crate) fn max_points(&self, value_size: usize) -> usize {
        if value_size <= 8 {
            self.chunk_points
        } else {
            (16 * 1024 / value_size).clamp(8, self.chunk_points)
        }
    }
}
