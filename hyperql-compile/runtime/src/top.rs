//! `ORDER BY ... LIMIT`: the first `k` rows of a stream by a comparison, in a bounded
//! max-heap (the worst row kept on top), so a query holds `k` rows instead of
//! sorting all of them; and the `LIMIT`/`OFFSET` counts.

use crate::error::Error;
use std::cmp::Ordering;

/// The `LIMIT` and `OFFSET` counts as `(limit, offset)`: no `LIMIT` takes every
/// row, no `OFFSET` skips none; a negative argument is an error.
pub fn limit_counts(limit: Option<i64>, offset: Option<i64>) -> Result<(usize, usize), Error> {
    let count = |n: i64| usize::try_from(n).map_err(|_| Error::BadLimit(n));
    let take = limit.map(count).transpose()?.unwrap_or(usize::MAX);
    let skip = offset.map(count).transpose()?.unwrap_or(0);
    Ok((take, skip))
}

/// The `k` first items by `cmp`. Items that compare equal keep no particular order:
/// the comparison must be total (callers end it with a unique key, the id).
pub struct TopN<T, F> {
    k: usize,
    cmp: F,
    heap: Vec<T>,
}

impl<T, F: Fn(&T, &T) -> Ordering> TopN<T, F> {
    /// Keeps the `k` first items by `cmp`.
    pub fn new(k: usize, cmp: F) -> Self {
        TopN {
            k,
            cmp,
            heap: Vec::with_capacity(k.min(1 << 12)),
        }
    }

    /// Offers an item.
    pub fn push(&mut self, item: T) {
        if self.k == 0 {
            return;
        }
        if self.heap.len() < self.k {
            self.heap.push(item);
            self.sift_up(self.heap.len() - 1);
        } else if (self.cmp)(&item, &self.heap[0]) == Ordering::Less {
            self.heap[0] = item;
            self.sift_down(0);
        }
    }

    /// The kept items, first first.
    pub fn into_sorted(self) -> Vec<T> {
        let TopN { cmp, mut heap, .. } = self;
        heap.sort_unstable_by(&cmp);
        heap
    }

    fn sift_up(&mut self, mut i: usize) {
        while i > 0 {
            let parent = (i - 1) / 2;
            if (self.cmp)(&self.heap[i], &self.heap[parent]) != Ordering::Greater {
                break;
            }
            self.heap.swap(i, parent);
            i = parent;
        }
    }

    fn sift_down(&mut self, mut i: usize) {
        let n = self.heap.len();
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut big = i;
            if l < n && (self.cmp)(&self.heap[l], &self.heap[big]) == Ordering::Greater {
                big = l;
            }
            if r < n && (self.cmp)(&self.heap[r], &self.heap[big]) == Ordering::Greater {
                big = r;
            }
            if big == i {
                break;
            }
            self.heap.swap(i, big);
            i = big;
        }
    }
}

impl<T: std::fmt::Debug, F> std::fmt::Debug for TopN<T, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TopN")
            .field("k", &self.k)
            .field("kept", &self.heap.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against a stable sort and `take(k)`: keys with many ties, ended by the
    /// arrival number as generated code ends them with the id.
    #[test]
    fn keeps_what_a_sort_keeps() {
        let mut x = 7u64;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % 13
        };
        let items: Vec<(u64, usize)> = (0..500).map(|i| (next(), i)).collect();
        let cmp = |a: &(u64, usize), b: &(u64, usize)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
        for k in [0, 1, 2, 7, 64, 499, 500, 900] {
            let mut top = TopN::new(k, cmp);
            for it in &items {
                top.push(*it);
            }
            let mut want = items.clone();
            want.sort_by(cmp);
            want.truncate(k);
            assert_eq!(top.into_sorted(), want, "k {k}");
        }
    }

    #[test]
    fn counts() {
        assert_eq!(limit_counts(None, None).ok(), Some((usize::MAX, 0)));
        assert_eq!(limit_counts(Some(3), Some(2)).ok(), Some((3, 2)));
        assert!(matches!(
            limit_counts(Some(-1), None),
            Err(Error::BadLimit(-1))
        ));
        assert!(matches!(
            limit_counts(None, Some(-4)),
            Err(Error::BadLimit(-4))
        ));
    }
}
