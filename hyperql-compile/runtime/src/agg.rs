//! Aggregate accumulators with the interpreted engine's rules: `NULL`s are skipped,
//! an empty `SUM`/`AVG`/`MIN`/`MAX` is `NULL`, an integer `SUM` that overflows is an
//! error; and [`GroupMap`], groups in first-seen order.

use crate::error::Error;
use std::cmp::Ordering;
use std::collections::HashMap;

/// Group keys are hashed with foldhash (fast on short keys, seeded per map), not
/// std's SipHash: a group lookup per row is the aggregate's hot path.
type Index = HashMap<Vec<u8>, usize, foldhash::fast::RandomState>;

/// `COUNT(*)` (add `Some(())` per row) or `COUNT(x)` (non-NULL values).
#[derive(Clone, Copy, Debug, Default)]
pub struct Count(i64);

impl Count {
    /// Counts a present value.
    pub fn add<T>(&mut self, v: Option<T>) {
        if v.is_some() {
            self.0 += 1;
        }
    }
    /// The count.
    pub fn finish(&self) -> i64 {
        self.0
    }
}

/// `SUM` of integers.
#[derive(Clone, Copy, Debug, Default)]
pub struct SumInt {
    sum: i64,
    n: i64,
}

impl SumInt {
    /// Adds a value.
    pub fn add(&mut self, v: Option<i64>) -> Result<(), Error> {
        if let Some(v) = v {
            self.sum = self
                .sum
                .checked_add(v)
                .ok_or(Error::Arithmetic("integer overflow in SUM"))?;
            self.n += 1;
        }
        Ok(())
    }
    /// The sum, `None` for no values.
    pub fn finish(&self) -> Option<i64> {
        (self.n > 0).then_some(self.sum)
    }
}

/// `SUM` of floats.
#[derive(Clone, Copy, Debug, Default)]
pub struct SumFloat {
    sum: f64,
    n: i64,
}

impl SumFloat {
    /// Adds a value.
    pub fn add(&mut self, v: Option<f64>) {
        if let Some(v) = v {
            self.sum += v;
            self.n += 1;
        }
    }
    /// The sum, `None` for no values.
    pub fn finish(&self) -> Option<f64> {
        (self.n > 0).then_some(self.sum)
    }
}

/// `AVG`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Avg {
    sum: f64,
    n: i64,
}

impl Avg {
    /// Adds a value.
    pub fn add(&mut self, v: Option<f64>) {
        if let Some(v) = v {
            self.sum += v;
            self.n += 1;
        }
    }
    /// The mean, `None` for no values.
    pub fn finish(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum / self.n as f64)
    }
}

/// `MIN` (`max == false`) or `MAX` of values compared by `cmp`.
#[derive(Clone, Debug)]
pub struct MinMax<T> {
    best: Option<T>,
    max: bool,
}

impl<T: Clone> MinMax<T> {
    /// An empty `MIN` or `MAX`.
    pub fn new(max: bool) -> Self {
        MinMax { best: None, max }
    }
    /// Adds a value; the first of equal values is kept.
    pub fn add(&mut self, v: Option<T>, cmp: impl Fn(&T, &T) -> Ordering) {
        let Some(v) = v else { return };
        let better = match &self.best {
            None => true,
            Some(b) => {
                let o = cmp(b, &v);
                if self.max { o.is_lt() } else { o.is_gt() }
            }
        };
        if better {
            self.best = Some(v);
        }
    }
    /// The best value, `None` for no values.
    pub fn finish(&self) -> Option<T> {
        self.best.clone()
    }
}

/// Groups keyed by the encoded bytes of their key, in first-seen order.
#[derive(Debug)]
pub struct GroupMap<K, A> {
    index: Index,
    /// `(key, accumulators)` in first-seen order.
    pub groups: Vec<(K, A)>,
}

impl<K, A> Default for GroupMap<K, A> {
    fn default() -> Self {
        GroupMap {
            index: Index::default(),
            groups: Vec::new(),
        }
    }
}

impl<K, A> GroupMap<K, A> {
    /// The accumulators of the group whose key encodes to `bytes`, made with `make`
    /// (with its key) when the group is new.
    pub fn entry(&mut self, bytes: &[u8], make: impl FnOnce() -> (K, A)) -> &mut A {
        let i = match self.index.get(bytes) {
            Some(&i) => i,
            None => {
                self.groups.push(make());
                let i = self.groups.len() - 1;
                self.index.insert(bytes.to_vec(), i);
                i
            }
        };
        &mut self.groups[i].1
    }

    /// Like [`GroupMap::entry`], with a `make` that can fail (a group key whose
    /// expression overflows).
    pub fn try_entry(
        &mut self,
        bytes: &[u8],
        make: impl FnOnce() -> Result<(K, A), Error>,
    ) -> Result<&mut A, Error> {
        let i = match self.index.get(bytes) {
            Some(&i) => i,
            None => {
                self.groups.push(make()?);
                let i = self.groups.len() - 1;
                self.index.insert(bytes.to_vec(), i);
                i
            }
        };
        Ok(&mut self.groups[i].1)
    }
}
