//! Errors of the time-series layer.

/// Everything that can go wrong in manifold-timeseries.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The storage engine failed.
    #[error(transparent)]
    Storage(#[from] manifold::Error),
    /// A stored chunk, rollup or series record does not decode.
    #[error("corrupted {what} of series {series}: {detail}")]
    Corrupted {
        /// Which structure.
        what: &'static str,
        /// The series id.
        series: u32,
        /// What is wrong.
        detail: &'static str,
    },
    /// The series exists with another value type.
    #[error("series `{name}` holds {stored}, not {requested}")]
    WrongValueType {
        /// The series name.
        name: String,
        /// What it holds.
        stored: String,
        /// What the caller asked for.
        requested: String,
    },
    /// A series handle whose id is not in this store.
    #[error("unknown series id {0}")]
    UnknownSeries(u32),
    /// A series name that cannot be used.
    #[error("invalid series name: {0}")]
    InvalidName(&'static str),
    /// A point older than the out-of-order window allows.
    #[error(
        "point at {timestamp} in series {series} is older than {oldest_accepted}, the oldest time still writable"
    )]
    TooOld {
        /// The series id.
        series: u32,
        /// The point's timestamp.
        timestamp: i64,
        /// The oldest timestamp the series accepts now.
        oldest_accepted: i64,
    },
    /// A timestamp outside `[-(2^62), 2^62]`, the range where bucket arithmetic is exact.
    #[error("timestamp {0} is outside the supported range [-(2^62), 2^62]")]
    TimestampOutOfRange(i64),
    /// A bucket width that is zero, negative or too large.
    #[error("invalid bucket width {0}")]
    InvalidWidth(i64),
    /// A record whose size is zero or larger than 65535 bytes.
    #[error("record size {0} is not in 1..=65535")]
    InvalidRecordSize(usize),
    /// A configuration that cannot work.
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// Shorthand for this crate's results.
pub type Result<T, E = Error> = std::result::Result<T, E>;
