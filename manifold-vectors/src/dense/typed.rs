//! `VectorTable<DIM>`: a [`DynVectorTable`] whose dimension is fixed in the type, so
//! reads come out as `[f32; DIM]`.

use super::{DynVectorReader, DynVectorTable, DynVectorWriter, DynVectors, StoredVector};
use crate::error::{Result, VectorError};
use crate::kernel::Metric;
use crate::layout::Layout;
use crate::stored::VectorRef;
use crate::topk::Neighbor;
use manifold::{ColumnFamily, WriteTransaction};
use uuid::Uuid;

/// A named table of `DIM`-dimensional f32 vectors keyed by entity id.
///
/// Several tables (of different dimensions) may hold vectors for the same id, for
/// example `semantic_vectors` (768-d) and `code_vectors` (512-d) in one family.
/// Convenience methods run one transaction each; [`VectorTable::writer`] joins a
/// caller's transaction and [`VectorTable::reader`] takes a snapshot. The same table
/// can be opened as a [`DynVectorTable`] when the dimension is known only at run time.
#[derive(Clone, Debug)]
pub struct VectorTable<const DIM: usize> {
    inner: DynVectorTable,
}

impl<const DIM: usize> VectorTable<DIM> {
    /// Opens (creating if needed) table `name` in `cf`. A new table is not quantized;
    /// an existing one keeps its setting. Fails if it was created with another
    /// dimension or kind, or if `DIM` is 0 or above `u32::MAX`.
    pub fn open(cf: &ColumnFamily, name: &str) -> Result<Self> {
        DynVectorTable::open(cf, name, DIM).map(|inner| VectorTable { inner })
    }

    /// Like [`VectorTable::open`], asking for i8 quantization on or off; fails if an
    /// existing table was created with the other setting.
    pub fn open_with(cf: &ColumnFamily, name: &str, quantized: bool) -> Result<Self> {
        DynVectorTable::open_with(cf, name, DIM, quantized).map(|inner| VectorTable { inner })
    }

    /// The same table with its dimension as a run-time value.
    pub fn as_dyn(&self) -> &DynVectorTable {
        &self.inner
    }

    /// The table's name.
    pub fn name(&self) -> &str {
        self.inner.name()
    }

    /// Whether an i8-quantized copy is kept beside the f32 vectors.
    pub fn is_quantized(&self) -> bool {
        self.inner.is_quantized()
    }

    /// Inserts or replaces the vector of `id` (one transaction).
    pub fn insert(&self, id: Uuid, vector: &[f32]) -> Result<()> {
        self.inner.insert(id, vector)
    }

    /// Inserts or replaces every pair in one transaction; nothing is written if any
    /// vector is rejected. Returns how many were written.
    pub fn insert_batch<'v>(
        &self,
        items: impl IntoIterator<Item = (Uuid, &'v [f32])>,
    ) -> Result<u64> {
        self.inner.insert_batch(items)
    }

    /// The vector of `id`, copied out.
    pub fn get(&self, id: Uuid) -> Result<Option<[f32; DIM]>> {
        self.reader()?.get(id)
    }

    /// Removes the vector of `id`; returns whether it was present.
    pub fn remove(&self, id: Uuid) -> Result<bool> {
        self.inner.remove(id)
    }

    /// Number of vectors.
    pub fn len(&self) -> Result<u64> {
        self.inner.len()
    }

    /// Whether the table holds no vector.
    pub fn is_empty(&self) -> Result<bool> {
        self.inner.is_empty()
    }

    /// A consistent snapshot for reads, distances and searches.
    pub fn reader(&self) -> Result<VectorReader<DIM>> {
        Ok(VectorReader {
            inner: self.inner.reader()?,
        })
    }

    /// Writes inside `tx` (a transaction of this table's family, or a multi-family
    /// transaction that includes it); nothing is visible until `tx` commits.
    pub fn writer<'t>(&self, tx: &'t WriteTransaction) -> Result<VectorWriter<'t, DIM>> {
        Ok(VectorWriter {
            inner: self.inner.writer(tx)?,
        })
    }
}

impl<const DIM: usize> From<VectorTable<DIM>> for DynVectorTable {
    fn from(table: VectorTable<DIM>) -> Self {
        table.inner
    }
}

impl<const DIM: usize> TryFrom<DynVectorTable> for VectorTable<DIM> {
    type Error = VectorError;

    /// Fails with [`VectorError::LayoutMismatch`] unless the table holds `DIM`-d
    /// vectors.
    fn try_from(inner: DynVectorTable) -> Result<Self> {
        if inner.dim() == DIM {
            return Ok(VectorTable { inner });
        }
        let stored = inner.layout();
        let requested = Layout {
            dim: u32::try_from(DIM).unwrap_or(u32::MAX),
            ..stored
        };
        Err(VectorError::LayoutMismatch {
            table: inner.name().to_string(),
            stored: stored.to_string(),
            requested: requested.to_string(),
        })
    }
}

/// Writes to a [`VectorTable`] inside a caller's transaction.
pub struct VectorWriter<'t, const DIM: usize> {
    inner: DynVectorWriter<'t>,
}

impl<const DIM: usize> VectorWriter<'_, DIM> {
    /// Inserts or replaces the vector of `id` after checking its dimension and that it
    /// is finite.
    pub fn insert(&mut self, id: Uuid, vector: &[f32]) -> Result<()> {
        self.inner.insert(id, vector)
    }

    /// Removes the vector of `id`; returns whether it was present.
    pub fn remove(&mut self, id: Uuid) -> Result<bool> {
        self.inner.remove(id)
    }
}

/// A snapshot of a [`VectorTable`]. Reads borrow the stored bytes; distances are
/// computed on them in place.
pub struct VectorReader<const DIM: usize> {
    inner: DynVectorReader,
}

impl<const DIM: usize> VectorReader<DIM> {
    /// The same snapshot with its dimension as a run-time value.
    pub fn as_dyn(&self) -> &DynVectorReader {
        &self.inner
    }

    /// Number of vectors.
    pub fn len(&self) -> Result<u64> {
        self.inner.len()
    }

    /// Whether the snapshot holds no vector.
    pub fn is_empty(&self) -> Result<bool> {
        self.inner.is_empty()
    }

    /// Whether `id` has a vector.
    pub fn contains(&self, id: Uuid) -> Result<bool> {
        self.inner.contains(id)
    }

    /// The vector of `id`, copied out.
    pub fn get(&self, id: Uuid) -> Result<Option<[f32; DIM]>> {
        self.inner.with_vector(id, |v| {
            let mut out = [0.0f32; DIM];
            v.copy_to(&mut out);
            out
        })
    }

    /// Calls `f` on the stored vector of `id`, borrowed (no copy, no allocation: a
    /// UUID's key encoding is its 16 bytes, so the lookup needs no key buffer either).
    pub fn with_vector<R>(
        &self,
        id: Uuid,
        f: impl FnOnce(VectorRef<'_>) -> R,
    ) -> Result<Option<R>> {
        self.inner.with_vector(id, f)
    }

    /// Distance from `query` to the vector of `id`, computed on the stored bytes.
    pub fn distance(&self, id: Uuid, query: &[f32], metric: Metric) -> Result<Option<f32>> {
        self.inner.distance(id, query, metric)
    }

    /// Every vector in id order, borrowed.
    pub fn iter(&self) -> Result<Vectors<'_, DIM>> {
        self.inner.iter().map(Vectors)
    }

    /// The `k` vectors nearest to `query` under `metric`, nearest first, by exact
    /// brute force over the stored bytes (an oracle for approximate indexes).
    pub fn search(&self, query: &[f32], k: usize, metric: Metric) -> Result<Vec<Neighbor>> {
        self.inner.search(query, k, metric)
    }

    /// The dequantized i8 copy of `id` (`None` if absent or the table is not
    /// quantized).
    pub fn get_quantized(&self, id: Uuid) -> Result<Option<Vec<f32>>> {
        self.inner.get_quantized(id)
    }

    /// Top-k over the i8 copies (a quarter of the bytes), then the best `rerank`
    /// candidates (at least `k`) rescored exactly on the f32 vectors. With
    /// `rerank == 0` the approximate distances are returned as they are. Falls back to
    /// [`VectorReader::search`] on a table without quantization.
    pub fn search_quantized(
        &self,
        query: &[f32],
        k: usize,
        metric: Metric,
        rerank: usize,
    ) -> Result<Vec<Neighbor>> {
        self.inner.search_quantized(query, k, metric, rerank)
    }
}

/// Iterates a [`VectorReader`] in id order; entries borrow the stored bytes.
pub struct Vectors<'a, const DIM: usize>(DynVectors<'a>);

impl<'a, const DIM: usize> Iterator for Vectors<'a, DIM> {
    type Item = Result<StoredVector<'a>>;
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next()
    }
}
