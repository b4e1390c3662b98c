//! Aggregates of f64 points over a bucket of time, and the rollup granularities.

/// Summary of the f64 points of one bucket.
///
/// `min` and `max` ignore NaN unless every value is NaN (the semantics of [`f64::min`]);
/// `sum` is a floating-point sum in the order points were folded in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Aggregate {
    /// Number of points.
    pub count: u64,
    /// Sum of the values.
    pub sum: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Timestamp of the earliest point.
    pub first_ts: i64,
    /// Value of the earliest point.
    pub first: f64,
    /// Timestamp of the latest point.
    pub last_ts: i64,
    /// Value of the latest point.
    pub last: f64,
}

/// Encoded size of an [`Aggregate`] in a rollup table.
pub(crate) const AGG_LEN: usize = 64;

impl Aggregate {
    /// The aggregate of one point.
    pub fn of(ts: i64, value: f64) -> Self {
        Aggregate {
            count: 1,
            sum: value,
            min: value,
            max: value,
            first_ts: ts,
            first: value,
            last_ts: ts,
            last: value,
        }
    }

    /// Folds one more point in.
    pub fn add(&mut self, ts: i64, value: f64) {
        self.merge(&Aggregate::of(ts, value));
    }

    /// Combines two aggregates of disjoint sets of points.
    pub fn merge(&mut self, other: &Aggregate) {
        self.count += other.count;
        self.sum += other.sum;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        if other.first_ts < self.first_ts {
            self.first_ts = other.first_ts;
            self.first = other.first;
        }
        if other.last_ts > self.last_ts {
            self.last_ts = other.last_ts;
            self.last = other.last;
        }
    }

    /// The mean value (`sum / count`).
    pub fn mean(&self) -> f64 {
        self.sum / self.count as f64
    }

    pub(crate) fn encode(&self) -> [u8; AGG_LEN] {
        let mut out = [0u8; AGG_LEN];
        let fields: [u64; 8] = [
            self.count,
            self.sum.to_bits(),
            self.min.to_bits(),
            self.max.to_bits(),
            self.first_ts as u64,
            self.first.to_bits(),
            self.last_ts as u64,
            self.last.to_bits(),
        ];
        for (slot, f) in out.chunks_exact_mut(8).zip(fields) {
            slot.copy_from_slice(&f.to_le_bytes());
        }
        out
    }

    pub(crate) fn decode(bytes: &[u8; AGG_LEN]) -> Self {
        let mut f = [0u64; 8];
        for (v, slot) in f.iter_mut().zip(bytes.chunks_exact(8)) {
            let mut b = [0u8; 8];
            b.copy_from_slice(slot);
            *v = u64::from_le_bytes(b);
        }
        Aggregate {
            count: f[0],
            sum: f64::from_bits(f[1]),
            min: f64::from_bits(f[2]),
            max: f64::from_bits(f[3]),
            first_ts: f[4] as i64,
            first: f64::from_bits(f[5]),
            last_ts: f[6] as i64,
            last: f64::from_bits(f[7]),
        }
    }
}

/// A rollup level maintained on write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Granularity {
    /// One-minute buckets.
    Minute,
    /// One-hour buckets.
    Hour,
    /// One-day buckets (UTC days when timestamps count from the Unix epoch).
    Day,
}

impl Granularity {
    /// Every level, finest first.
    pub const ALL: [Granularity; 3] = [Granularity::Minute, Granularity::Hour, Granularity::Day];

    /// The bucket width in seconds.
    pub fn seconds(self) -> i64 {
        match self {
            Granularity::Minute => 60,
            Granularity::Hour => 3600,
            Granularity::Day => 86_400,
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// Start of the bucket of width `width` (aligned to `origin`) holding `ts`. The caller
/// keeps `ts`, `origin` and `width` within the supported range, where this is exact.
pub(crate) fn bucket_start(ts: i64, origin: i64, width: i64) -> i64 {
    origin + (ts - origin).div_euclid(width) * width
}
