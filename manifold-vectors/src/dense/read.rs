//! Snapshots of a dense table: point reads, iteration and brute-force search on the
//! stored bytes.

use crate::error::{Result, VectorError};
use crate::kernel::Metric;
use crate::stored::{QuantizedRef, VectorRef, check_dense};
use crate::topk::{Neighbor, TopK};
use manifold::{RawEntry, RawRangeIter, ReadTable};
use uuid::Uuid;

/// A snapshot of a [`DynVectorTable`](crate::DynVectorTable). Reads borrow the stored
/// bytes; distances are computed on them in place.
pub struct DynVectorReader {
    main: ReadTable<Uuid, [u8]>,
    quant: Option<ReadTable<Uuid, [u8]>>,
    dim: usize,
}

impl DynVectorReader {
    pub(super) fn new(
        main: ReadTable<Uuid, [u8]>,
        quant: Option<ReadTable<Uuid, [u8]>>,
        dim: usize,
    ) -> Self {
        DynVectorReader { main, quant, dim }
    }

    /// The table's dimension.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Number of vectors.
    pub fn len(&self) -> Result<u64> {
        Ok(self.main.len()?)
    }

    /// Whether the snapshot holds no vector.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.len()? == 0)
    }

    /// Whether `id` has a vector.
    pub fn contains(&self, id: Uuid) -> Result<bool> {
        Ok(self.main.contains(&id)?)
    }

    /// The vector of `id`, copied out.
    pub fn get(&self, id: Uuid) -> Result<Option<Vec<f32>>> {
        self.with_vector(id, |v| v.to_vec())
    }

    /// Calls `f` on the stored vector of `id`, borrowed (no copy, no allocation: a
    /// UUID's key encoding is its 16 bytes, so the lookup needs no key buffer either).
    pub fn with_vector<R>(
        &self,
        id: Uuid,
        f: impl FnOnce(VectorRef<'_>) -> R,
    ) -> Result<Option<R>> {
        match self.main.get_encoded(id.as_bytes())? {
            Some(g) => Ok(Some(f(dense_ref(g.bytes(), self.dim)?))),
            None => Ok(None),
        }
    }

    /// Distance from `query` to the vector of `id`, computed on the stored bytes.
    pub fn distance(&self, id: Uuid, query: &[f32], metric: Metric) -> Result<Option<f32>> {
        check_dense(query, self.dim)?;
        self.with_vector(id, |v| v.distance(metric, query))
    }

    /// Every vector in id order, borrowed.
    pub fn iter(&self) -> Result<DynVectors<'_>> {
        Ok(DynVectors {
            entries: self.main.iter()?.raw(),
            dim: self.dim,
        })
    }

    /// The `k` vectors nearest to `query` under `metric`, nearest first, by exact
    /// brute force over the stored bytes (an oracle for approximate indexes).
    pub fn search(&self, query: &[f32], k: usize, metric: Metric) -> Result<Vec<Neighbor>> {
        check_dense(query, self.dim)?;
        let mut top = TopK::new(k);
        for e in self.main.iter()?.raw() {
            let e = e?;
            let d = dense_ref(e.value_bytes(), self.dim)?.distance(metric, query);
            top.offer(d, id_of(&e)?);
        }
        Ok(to_neighbors(top))
    }

    /// The dequantized i8 copy of `id` (`None` if absent or the table is not
    /// quantized).
    pub fn get_quantized(&self, id: Uuid) -> Result<Option<Vec<f32>>> {
        let Some(q) = &self.quant else {
            return Ok(None);
        };
        match q.get_encoded(id.as_bytes())? {
            Some(g) => Ok(Some(quant_ref(g.bytes(), self.dim)?.to_vec())),
            None => Ok(None),
        }
    }

    /// Top-k over the i8 copies (a quarter of the bytes), then the best `rerank`
    /// candidates (at least `k`) rescored exactly on the f32 vectors. With
    /// `rerank == 0` the approximate distances are returned as they are. Falls back to
    /// [`DynVectorReader::search`] on a table without quantization.
    pub fn search_quantized(
        &self,
        query: &[f32],
        k: usize,
        metric: Metric,
        rerank: usize,
    ) -> Result<Vec<Neighbor>> {
        let Some(q) = &self.quant else {
            return self.search(query, k, metric);
        };
        check_dense(query, self.dim)?;
        let pool = if rerank == 0 { k } else { rerank.max(k) };
        let mut top = TopK::new(pool);
        for e in q.iter()?.raw() {
            let e = e?;
            let d = quant_ref(e.value_bytes(), self.dim)?.distance(metric, query);
            top.offer(d, id_of(&e)?);
        }
        if rerank == 0 {
            return Ok(to_neighbors(top));
        }
        let mut exact = TopK::new(k);
        for (_, id) in top.into_sorted() {
            if let Some(d) = self.with_vector(id, |v| v.distance(metric, query))? {
                exact.offer(d, id);
            }
        }
        Ok(to_neighbors(exact))
    }
}

fn dense_ref(bytes: &[u8], dim: usize) -> Result<VectorRef<'_>> {
    if bytes.len() != 4 * dim {
        return Err(VectorError::Corrupt(format!(
            "{} bytes for a {dim}-d vector",
            bytes.len()
        )));
    }
    VectorRef::new(bytes)
}

fn quant_ref(bytes: &[u8], dim: usize) -> Result<QuantizedRef<'_>> {
    let q = QuantizedRef::new(bytes)?;
    if q.dim() != dim {
        return Err(VectorError::Corrupt(format!(
            "quantized value with {} codes for a {dim}-d table",
            q.dim()
        )));
    }
    Ok(q)
}

fn id_of(entry: &RawEntry<'_>) -> Result<Uuid> {
    let k = entry.key_bytes();
    let a: [u8; 16] = k
        .try_into()
        .map_err(|_| VectorError::Corrupt(format!("key of {} bytes", k.len())))?;
    Ok(Uuid::from_bytes(a))
}

fn to_neighbors(top: TopK) -> Vec<Neighbor> {
    top.into_sorted()
        .into_iter()
        .map(|(distance, id)| Neighbor { id, distance })
        .collect()
}

/// Iterates a [`DynVectorReader`] in id order; entries borrow the stored bytes.
pub struct DynVectors<'a> {
    entries: RawRangeIter<'a>,
    dim: usize,
}

/// One stored vector, borrowed from the snapshot.
pub struct StoredVector<'a> {
    entry: RawEntry<'a>,
    id: Uuid,
}

impl StoredVector<'_> {
    /// The entity id.
    pub fn id(&self) -> Uuid {
        self.id
    }
    /// The vector, borrowed.
    pub fn vector(&self) -> VectorRef<'_> {
        // Length checked when the entry was produced.
        VectorRef::new(self.entry.value_bytes()).unwrap_or(VectorRef::EMPTY)
    }
}

impl<'a> Iterator for DynVectors<'a> {
    type Item = Result<StoredVector<'a>>;
    fn next(&mut self) -> Option<Self::Item> {
        let entry = match self.entries.next()? {
            Ok(e) => e,
            Err(e) => return Some(Err(e.into())),
        };
        Some(
            dense_ref(entry.value_bytes(), self.dim)
                .and_then(|_| id_of(&entry))
                .map(|id| StoredVector { entry, id }),
        )
    }
}
