//! Vector fields stored in manifold-vectors tables (one dense table per field, keyed
//! by the document's id) and exact k-NN over them with manifold-vectors' kernels.
//!
//! A document's id maps to a UUID that sorts like the id ([`vector_key`]), so a
//! table's id order is the documents' id order and manifold-vectors' top-k, which
//! breaks ties by key, breaks them by id as a stable sort over documents read in id
//! order does. A document whose vector is NULL has no entry.

use crate::error::Error;
use manifold::{ColumnFamily, ReadTransaction, WriteTransaction};
use manifold_vectors::{DynVectorReader, DynVectorTable, Metric};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// The key of document `id` in a vector table: order-preserving (`i64::MIN` first).
pub fn vector_key(id: i64) -> uuid::Uuid {
    uuid::Uuid::from_u128(u128::from((id as u64) ^ (1 << 63)))
}

/// The document id of a vector table's key (the inverse of [`vector_key`]).
pub fn vector_id(key: uuid::Uuid) -> Result<i64, Error> {
    let n = key.as_u128();
    let low = u64::try_from(n).map_err(|_| Error::Corrupt {
        table: "vector table",
        detail: format!("key {key} is not a document id"),
    })?;
    Ok((low ^ (1 << 63)) as i64)
}

/// One vector field's table.
#[derive(Clone, Debug)]
pub struct VectorColumn {
    table: DynVectorTable,
}

impl VectorColumn {
    /// Opens (creating if needed) table `name` of `dim`-dimensional vectors in `cf`.
    pub fn open(cf: &ColumnFamily, name: &str, dim: usize) -> Result<VectorColumn, Error> {
        Ok(VectorColumn {
            table: DynVectorTable::open(cf, name, dim)?,
        })
    }

    /// A reader in the snapshot of `rtx`.
    pub fn snapshot(&self, rtx: &ReadTransaction) -> Result<VectorSnapshot, Error> {
        Ok(VectorSnapshot {
            reader: self.table.reader_in(rtx)?,
        })
    }

    /// The vector of `id` as write transaction `tx` sees it.
    pub fn get_in(&self, tx: &WriteTransaction, id: i64) -> Result<Option<Vec<f32>>, Error> {
        Ok(self.table.writer(tx)?.get(vector_key(id))?)
    }

    /// Stores (or, for `None`, removes) the vector of `id` in `tx`. A vector of the
    /// wrong length or with a non-finite component is refused.
    pub fn put_in(&self, tx: &WriteTransaction, id: i64, v: Option<&[f32]>) -> Result<(), Error> {
        let mut w = self.table.writer(tx)?;
        match v {
            Some(v) => w.insert(vector_key(id), v)?,
            None => {
                w.remove(vector_key(id))?;
            }
        }
        Ok(())
    }

    /// Removes the vector of `id` in `tx`.
    pub fn remove_in(&self, tx: &WriteTransaction, id: i64) -> Result<(), Error> {
        self.table.writer(tx)?.remove(vector_key(id))?;
        Ok(())
    }
}

/// A vector table read in one snapshot.
pub struct VectorSnapshot {
    reader: DynVectorReader,
}

impl VectorSnapshot {
    /// The vector of `id`, copied out.
    pub fn get(&self, id: i64) -> Result<Option<Vec<f32>>, Error> {
        Ok(self.reader.get(vector_key(id))?)
    }

    /// Whether `id` has a vector.
    pub fn contains(&self, id: i64) -> Result<bool, Error> {
        Ok(self.reader.contains(vector_key(id))?)
    }

    /// How many documents have a vector.
    pub fn len(&self) -> Result<u64, Error> {
        Ok(self.reader.len()?)
    }

    /// Whether no document has a vector.
    pub fn is_empty(&self) -> Result<bool, Error> {
        Ok(self.len()? == 0)
    }

    /// The distance from `query` to the vector of `id` (computed on the stored bytes),
    /// `None` when `id` has no vector.
    pub fn distance(&self, id: i64, metric: Metric, query: &[f32]) -> Result<Option<f32>, Error> {
        Ok(self.reader.distance(vector_key(id), query, metric)?)
    }

    /// The `k` documents nearest to `query`, nearest first, ties by id (exact, over
    /// every stored vector).
    pub fn nearest(
        &self,
        query: &[f32],
        k: usize,
        metric: Metric,
    ) -> Result<Vec<(i64, f32)>, Error> {
        self.reader
            .search(query, k, metric)?
            .into_iter()
            .map(|n| Ok((vector_id(n.id)?, n.distance)))
            .collect()
    }
}

/// How many rows a k-NN must find for `LIMIT limit OFFSET offset` (a negative one is
/// [`Error::BadLimit`]).
pub fn knn_wanted(limit: i64, offset: Option<i64>) -> Result<usize, Error> {
    let count = |n: i64| usize::try_from(n).map_err(|_| Error::BadLimit(n));
    Ok(count(limit)?.saturating_add(offset.map(count).transpose()?.unwrap_or(0)))
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    /// 0 for a document that comes before every vector, 1 for one with a vector, 2
    /// for one after every vector.
    rank: u8,
    distance: f32,
    id: i64,
}

impl Entry {
    fn cmp_key(&self, other: &Self) -> Ordering {
        self.rank
            .cmp(&other.rank)
            .then_with(|| self.distance.total_cmp(&other.distance))
            .then_with(|| self.id.cmp(&other.id))
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp_key(other) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.cmp_key(other)
    }
}

/// The `k` nearest documents offered, by distance then id; a document without a
/// vector (NULL) sorts before every vector when `nulls_first`, after them otherwise,
/// as `ORDER BY` puts NULL first descending and last ascending.
#[derive(Debug)]
pub struct TopK {
    k: usize,
    nulls_first: bool,
    heap: BinaryHeap<Entry>,
}

impl TopK {
    /// Keeps the `k` first.
    pub fn new(k: usize, nulls_first: bool) -> TopK {
        TopK {
            k,
            nulls_first,
            heap: BinaryHeap::with_capacity(k.saturating_add(1).min(1 << 16)),
        }
    }

    /// Offers document `id` at `distance` (`None`: its vector is NULL).
    pub fn offer(&mut self, id: i64, distance: Option<f32>) {
        if self.k == 0 {
            return;
        }
        let e = match distance {
            Some(d) => Entry {
                rank: 1,
                distance: d,
                id,
            },
            None => Entry {
                rank: if self.nulls_first { 0 } else { 2 },
                distance: 0.0,
                id,
            },
        };
        if self.heap.len() < self.k {
            self.heap.push(e);
        } else if let Some(mut top) = self.heap.peek_mut()
            && e < *top
        {
            *top = e;
        }
    }

    /// The kept documents in order, with their distances.
    pub fn into_sorted(self) -> Vec<(i64, Option<f32>)> {
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|e| (e.id, (e.rank == 1).then_some(e.distance)))
            .collect()
    }
}

/// The similarity (larger is nearer) that corresponds to a distance under `metric`.
pub fn similarity_of(metric: Metric, distance: f32) -> f64 {
    let d = f64::from(distance);
    match metric {
        Metric::Cosine => 1.0 - d,
        _ => -d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sort_like_ids_and_round_trip() -> Result<(), Error> {
        let ids = [i64::MIN, -7, -1, 0, 1, 42, i64::MAX];
        for w in ids.windows(2) {
            assert!(vector_key(w[0]) < vector_key(w[1]));
        }
        for id in ids {
            assert_eq!(vector_id(vector_key(id))?, id);
        }
        Ok(())
    }

    #[test]
    fn top_k_matches_a_stable_sort() {
        // (id, distance) offered in id order; a stable sort by (NULL rule, distance)
        // is the oracle.
        let items: Vec<(i64, Option<f32>)> = (0..40)
            .map(|i| {
                (
                    i,
                    if i % 7 == 3 {
                        None
                    } else {
                        Some(((i * 13) % 5) as f32)
                    },
                )
            })
            .collect();
        for nulls_first in [true, false] {
            for k in [0, 1, 5, 12, 40, 60] {
                let mut top = TopK::new(k, nulls_first);
                for (id, d) in &items {
                    top.offer(*id, *d);
                }
                let mut want = items.clone();
                want.sort_by(|a, b| match (a.1, b.1) {
                    (Some(x), Some(y)) => x.total_cmp(&y),
                    (None, None) => Ordering::Equal,
                    (None, Some(_)) if nulls_first => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (Some(_), None) if nulls_first => Ordering::Greater,
                    (Some(_), None) => Ordering::Less,
                });
                want.truncate(k);
                assert_eq!(top.into_sorted(), want, "k {k}, nulls first {nulls_first}");
            }
        }
    }
}
