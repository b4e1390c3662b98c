//! Orderings that match the interpreted engine: `NULL` after every value (so first
//! when descending), floats by `partial_cmp` with incomparable values equal.

use crate::error::Error;
use std::cmp::Ordering;

/// Compares two floats (NaN compares equal, as an incomparable pair does in a sort).
pub fn cmp_f64(a: f64, b: f64) -> Ordering {
    a.partial_cmp(&b).unwrap_or(Ordering::Equal)
}

/// Compares two nullable values with `cmp`, `None` after every value.
pub fn cmp_nulls_last<T>(a: Option<T>, b: Option<T>, cmp: impl Fn(T, T) -> Ordering) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => cmp(x, y),
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
    }
}

/// Applies `OFFSET` then `LIMIT` to `rows`; a negative argument is an error.
pub fn limit_offset<T>(
    rows: Vec<T>,
    limit: Option<i64>,
    offset: Option<i64>,
) -> Result<Vec<T>, Error> {
    let count = |n: i64| usize::try_from(n).map_err(|_| Error::BadLimit(n));
    let skip = offset.map(count).transpose()?.unwrap_or(0);
    let take = limit.map(count).transpose()?.unwrap_or(usize::MAX);
    Ok(rows.into_iter().skip(skip).take(take).collect())
}
