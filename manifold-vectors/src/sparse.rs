//! `SparseVectorTable`: entity id -> sorted (u32 index, f32 value) pairs.
//!
//! Stored layout: `n` pairs of (u32 index, f32 value), little-endian, 8 bytes each, in
//! strictly increasing index order (checked on insert, so a dot product is one merge).

use crate::error::{Result, VectorError};
use crate::layout::{self, Kind};
use crate::stored::check_finite;
use crate::topk::{Scored, TopK};
use manifold::{ColumnFamily, ReadTable, TableDefinition, TableMut, WriteTransaction};
use uuid::Uuid;

type Def<'a> = TableDefinition<'a, Uuid, [u8]>;

/// A validated sparse vector: strictly increasing indices, finite values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SparseVector {
    indices: Vec<u32>,
    values: Vec<f32>,
}

impl SparseVector {
    /// Builds a sparse vector; fails on unsorted or duplicate indices, non-finite
    /// values or lengths that differ.
    pub fn new(indices: Vec<u32>, values: Vec<f32>) -> Result<Self> {
        if indices.len() != values.len() {
            return Err(VectorError::SparseLength {
                indices: indices.len(),
                values: values.len(),
            });
        }
        for (position, w) in indices.windows(2).enumerate() {
            let (previous, index) = (w[0], w[1]);
            if index == previous {
                return Err(VectorError::DuplicateSparse {
                    position: position + 1,
                    index,
                });
            }
            if index < previous {
                return Err(VectorError::UnsortedSparse {
                    position: position + 1,
                    previous,
                    index,
                });
            }
        }
        check_finite(&values)?;
        Ok(SparseVector { indices, values })
    }

    /// Builds a sparse vector from (index, value) pairs, in the order given.
    pub fn from_pairs(pairs: &[(u32, f32)]) -> Result<Self> {
        Self::new(
            pairs.iter().map(|p| p.0).collect(),
            pairs.iter().map(|p| p.1).collect(),
        )
    }

    /// The indices, strictly increasing.
    pub fn indices(&self) -> &[u32] {
        &self.indices
    }

    /// The values, one per index.
    pub fn values(&self) -> &[f32] {
        &self.values
    }

    /// Number of stored (non-zero) entries.
    pub fn nnz(&self) -> usize {
        self.indices.len()
    }

    /// Inner product with another sparse vector (a merge of the two index lists).
    pub fn dot(&self, other: &SparseVector) -> f32 {
        merge_dot(
            self.indices
                .iter()
                .copied()
                .zip(self.values.iter().copied()),
            other,
        )
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.reserve(8 * self.nnz());
        for (i, v) in self.indices.iter().zip(&self.values) {
            out.extend_from_slice(&i.to_le_bytes());
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
}

/// Merges a sorted stream of pairs with `b`, summing products of equal indices.
#[inline]
fn merge_dot(a: impl Iterator<Item = (u32, f32)>, b: &SparseVector) -> f32 {
    let (bi, bv) = (&b.indices, &b.values);
    let mut j = 0;
    let mut s = 0.0f32;
    for (i, v) in a {
        while j < bi.len() && bi[j] < i {
            j += 1;
        }
        if j == bi.len() {
            break;
        }
        if bi[j] == i {
            s += v * bv[j];
            j += 1;
        }
    }
    s
}

/// A sparse vector borrowed from the stored bytes.
#[derive(Clone, Copy, Debug)]
pub struct SparseRef<'a> {
    bytes: &'a [u8],
}

impl<'a> SparseRef<'a> {
    /// A view over stored bytes (a whole number of 8-byte pairs).
    pub fn new(bytes: &'a [u8]) -> Result<Self> {
        if !bytes.len().is_multiple_of(8) {
            return Err(VectorError::Corrupt(format!(
                "sparse value of {} bytes",
                bytes.len()
            )));
        }
        Ok(SparseRef { bytes })
    }

    /// Number of stored entries.
    pub fn nnz(self) -> usize {
        self.bytes.len() / 8
    }

    /// The stored (index, value) pairs, decoded on the fly.
    pub fn pairs(self) -> impl Iterator<Item = (u32, f32)> + 'a {
        self.bytes.chunks_exact(8).map(|c| {
            (
                u32::from_le_bytes([c[0], c[1], c[2], c[3]]),
                f32::from_le_bytes([c[4], c[5], c[6], c[7]]),
            )
        })
    }

    /// Inner product with `query`, merging on the stored bytes.
    pub fn dot(self, query: &SparseVector) -> f32 {
        merge_dot(self.pairs(), query)
    }

    /// The vector, copied out.
    pub fn to_owned(self) -> SparseVector {
        let (indices, values) = self.pairs().unzip();
        SparseVector { indices, values }
    }
}

/// A named table of sparse vectors keyed by entity id.
#[derive(Clone, Debug)]
pub struct SparseVectorTable {
    cf: ColumnFamily,
    name: String,
}

impl SparseVectorTable {
    /// Opens (creating if needed) sparse table `name` in `cf`.
    pub fn open(cf: &ColumnFamily, name: &str) -> Result<Self> {
        layout::ensure(cf, name, Kind::Sparse, 0, Some(false))?;
        Ok(SparseVectorTable {
            cf: cf.clone(),
            name: name.to_string(),
        })
    }

    /// Inserts or replaces the vector of `id` (one transaction).
    pub fn insert(&self, id: Uuid, v: &SparseVector) -> Result<()> {
        self.insert_batch([(id, v)]).map(|_| ())
    }

    /// Inserts or replaces every pair in one transaction.
    pub fn insert_batch<'v>(
        &self,
        items: impl IntoIterator<Item = (Uuid, &'v SparseVector)>,
    ) -> Result<u64> {
        let tx = self.cf.begin_write()?;
        let n = {
            let mut w = self.writer(&tx)?;
            let mut n = 0;
            for (id, v) in items {
                w.insert(id, v)?;
                n += 1;
            }
            n
        };
        tx.commit()?;
        Ok(n)
    }

    /// The vector of `id`, copied out.
    pub fn get(&self, id: Uuid) -> Result<Option<SparseVector>> {
        self.reader()?.get(id)
    }

    /// Removes the vector of `id`; returns whether it was present.
    pub fn remove(&self, id: Uuid) -> Result<bool> {
        let tx = self.cf.begin_write()?;
        let found = self.writer(&tx)?.remove(id)?;
        tx.commit()?;
        Ok(found)
    }

    /// Number of vectors.
    pub fn len(&self) -> Result<u64> {
        self.reader()?.len()
    }

    /// Whether the table holds no vector.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.len()? == 0)
    }

    /// A consistent snapshot.
    pub fn reader(&self) -> Result<SparseReader> {
        Ok(SparseReader {
            table: self.cf.begin_read()?.open_table(Def::new(&self.name))?,
        })
    }

    /// Writes inside a caller's transaction.
    pub fn writer<'t>(&self, tx: &'t WriteTransaction) -> Result<SparseWriter<'t>> {
        Ok(SparseWriter {
            table: tx.open_table_in(&self.cf, Def::new(&self.name))?,
            buf: Vec::new(),
        })
    }
}

/// Writes to a [`SparseVectorTable`] inside a caller's transaction.
pub struct SparseWriter<'t> {
    table: TableMut<'t, Uuid, [u8]>,
    buf: Vec<u8>,
}

impl SparseWriter<'_> {
    /// Inserts or replaces the vector of `id`.
    pub fn insert(&mut self, id: Uuid, v: &SparseVector) -> Result<()> {
        self.buf.clear();
        v.encode(&mut self.buf);
        Ok(self.table.insert(&id, &self.buf)?)
    }

    /// Removes the vector of `id`; returns whether it was present.
    pub fn remove(&mut self, id: Uuid) -> Result<bool> {
        Ok(self.table.remove(&id)?)
    }
}

/// A snapshot of a [`SparseVectorTable`].
pub struct SparseReader {
    table: ReadTable<Uuid, [u8]>,
}

impl SparseReader {
    /// Number of vectors.
    pub fn len(&self) -> Result<u64> {
        Ok(self.table.len()?)
    }

    /// Whether the snapshot holds no vector.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.len()? == 0)
    }

    /// The vector of `id`, copied out.
    pub fn get(&self, id: Uuid) -> Result<Option<SparseVector>> {
        match self.table.get_encoded(id.as_bytes())? {
            Some(g) => Ok(Some(SparseRef::new(g.bytes())?.to_owned())),
            None => Ok(None),
        }
    }

    /// Inner product of `query` with the vector of `id`, on the stored bytes.
    pub fn dot(&self, id: Uuid, query: &SparseVector) -> Result<Option<f32>> {
        match self.table.get_encoded(id.as_bytes())? {
            Some(g) => Ok(Some(SparseRef::new(g.bytes())?.dot(query))),
            None => Ok(None),
        }
    }

    /// The `k` vectors with the largest inner product with `query`, best first (exact
    /// brute force).
    pub fn search(&self, query: &SparseVector, k: usize) -> Result<Vec<Scored>> {
        let mut top = TopK::new(k);
        for e in self.table.iter()?.raw() {
            let e = e?;
            let score = SparseRef::new(e.value_bytes())?.dot(query);
            let k = e.key_bytes();
            let id: [u8; 16] = k
                .try_into()
                .map_err(|_| VectorError::Corrupt(format!("key of {} bytes", k.len())))?;
            top.offer(-score, Uuid::from_bytes(id));
        }
        Ok(top
            .into_sorted()
            .into_iter()
            .map(|(s, id)| Scored { id, score: -s })
            .collect())
    }
}
