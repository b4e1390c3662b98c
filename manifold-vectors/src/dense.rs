//! `VectorTable<DIM>`: entity id -> `DIM` f32, with an optional i8-quantized copy.
//!
//! Tables: `<name>` (id -> `4 * DIM` bytes), `<name>.q8` when quantized (id -> scale +
//! `DIM` codes), `<name>.meta` (layout). Invariant: when quantization is on, both
//! tables hold exactly the same ids; every write touches both in one transaction.

use crate::error::{Result, VectorError};
use crate::kernel::Metric;
use crate::layout::{self, Kind};
use crate::stored::{QuantizedRef, VectorRef, check_dense, encode_dense, quantize_into};
use crate::topk::{Neighbor, TopK};
use manifold::{
    ColumnFamily, RawEntry, RawRangeIter, ReadTable, TableDefinition, TableMut, WriteTransaction,
};
use uuid::Uuid;

type Def<'a> = TableDefinition<'a, Uuid, [u8]>;

/// A named table of `DIM`-dimensional f32 vectors keyed by entity id.
///
/// Several tables (of different dimensions) may hold vectors for the same id, for
/// example `semantic_vectors` (768-d) and `code_vectors` (512-d) in one family.
/// Convenience methods run one transaction each; [`VectorTable::writer`] joins a
/// caller's transaction and [`VectorTable::reader`] takes a snapshot.
#[derive(Clone, Debug)]
pub struct VectorTable<const DIM: usize> {
    cf: ColumnFamily,
    name: String,
    quant_name: String,
    quantized: bool,
}

impl<const DIM: usize> VectorTable<DIM> {
    /// Opens (creating if needed) table `name` in `cf`. A new table is not quantized;
    /// an existing one keeps its setting. Fails if it was created with another
    /// dimension or kind.
    pub fn open(cf: &ColumnFamily, name: &str) -> Result<Self> {
        Self::open_inner(cf, name, None)
    }

    /// Like [`VectorTable::open`], asking for i8 quantization on or off; fails if an
    /// existing table was created with the other setting.
    pub fn open_with(cf: &ColumnFamily, name: &str, quantized: bool) -> Result<Self> {
        Self::open_inner(cf, name, Some(quantized))
    }

    fn open_inner(cf: &ColumnFamily, name: &str, quantized: Option<bool>) -> Result<Self> {
        let dim = u32::try_from(DIM).map_err(|_| VectorError::Dimension {
            expected: u32::MAX as usize,
            got: DIM,
        })?;
        let layout = layout::ensure(cf, name, Kind::Dense, dim, quantized)?;
        Ok(VectorTable {
            cf: cf.clone(),
            name: name.to_string(),
            quant_name: format!("{name}.q8"),
            quantized: layout.quantized,
        })
    }

    /// The table's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether an i8-quantized copy is kept beside the f32 vectors.
    pub fn is_quantized(&self) -> bool {
        self.quantized
    }

    /// Inserts or replaces the vector of `id` (one transaction).
    pub fn insert(&self, id: Uuid, vector: &[f32]) -> Result<()> {
        self.insert_batch([(id, vector)]).map(|_| ())
    }

    /// Inserts or replaces every pair in one transaction; nothing is written if any
    /// vector is rejected. Returns how many were written.
    pub fn insert_batch<'v>(
        &self,
        items: impl IntoIterator<Item = (Uuid, &'v [f32])>,
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
    pub fn get(&self, id: Uuid) -> Result<Option<[f32; DIM]>> {
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

    /// A consistent snapshot for reads, distances and searches.
    pub fn reader(&self) -> Result<VectorReader<DIM>> {
        let rtx = self.cf.begin_read()?;
        let main = rtx.open_table(Def::new(&self.name))?;
        let quant = if self.quantized {
            Some(rtx.open_table(Def::new(&self.quant_name))?)
        } else {
            None
        };
        Ok(VectorReader { main, quant })
    }

    /// Writes inside `tx` (a transaction of this table's family, or a multi-family
    /// transaction that includes it); nothing is visible until `tx` commits.
    pub fn writer<'t>(&self, tx: &'t WriteTransaction) -> Result<VectorWriter<'t, DIM>> {
        let main = tx.open_table_in(&self.cf, Def::new(&self.name))?;
        let quant = if self.quantized {
            Some(tx.open_table_in(&self.cf, Def::new(&self.quant_name))?)
        } else {
            None
        };
        Ok(VectorWriter {
            main,
            quant,
            buf: Vec::with_capacity(4 * DIM),
        })
    }
}

/// Writes to a [`VectorTable`] inside a caller's transaction.
pub struct VectorWriter<'t, const DIM: usize> {
    main: TableMut<'t, Uuid, [u8]>,
    quant: Option<TableMut<'t, Uuid, [u8]>>,
    buf: Vec<u8>,
}

impl<const DIM: usize> VectorWriter<'_, DIM> {
    /// Inserts or replaces the vector of `id` after checking its dimension and that it
    /// is finite.
    pub fn insert(&mut self, id: Uuid, vector: &[f32]) -> Result<()> {
        check_dense(vector, DIM)?;
        self.buf.clear();
        encode_dense(vector, &mut self.buf);
        self.main.insert(&id, &self.buf)?;
        if let Some(q) = &mut self.quant {
            self.buf.clear();
            quantize_into(vector, &mut self.buf);
            q.insert(&id, &self.buf)?;
        }
        Ok(())
    }

    /// Removes the vector of `id`; returns whether it was present.
    pub fn remove(&mut self, id: Uuid) -> Result<bool> {
        if let Some(q) = &mut self.quant {
            q.remove(&id)?;
        }
        Ok(self.main.remove(&id)?)
    }
}

/// A snapshot of a [`VectorTable`]. Reads borrow the stored bytes; distances are
/// computed on them in place.
pub struct VectorReader<const DIM: usize> {
    main: ReadTable<Uuid, [u8]>,
    quant: Option<ReadTable<Uuid, [u8]>>,
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

fn id_of(entry: &RawEntry<'_>) -> Result<Uuid> {
    let k = entry.key_bytes();
    let a: [u8; 16] = k
        .try_into()
        .map_err(|_| VectorError::Corrupt(format!("key of {} bytes", k.len())))?;
    Ok(Uuid::from_bytes(a))
}

impl<const DIM: usize> VectorReader<DIM> {
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
    pub fn get(&self, id: Uuid) -> Result<Option<[f32; DIM]>> {
        self.with_vector(id, |v| {
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
        match self.main.get_encoded(id.as_bytes())? {
            Some(g) => Ok(Some(f(dense_ref(g.bytes(), DIM)?))),
            None => Ok(None),
        }
    }

    /// Distance from `query` to the vector of `id`, computed on the stored bytes.
    pub fn distance(&self, id: Uuid, query: &[f32], metric: Metric) -> Result<Option<f32>> {
        check_dense(query, DIM)?;
        self.with_vector(id, |v| v.distance(metric, query))
    }

    /// Every vector in id order, borrowed.
    pub fn iter(&self) -> Result<Vectors<'_, DIM>> {
        Ok(Vectors(self.main.iter()?.raw()))
    }

    /// The `k` vectors nearest to `query` under `metric`, nearest first, by exact
    /// brute force over the stored bytes (an oracle for approximate indexes).
    pub fn search(&self, query: &[f32], k: usize, metric: Metric) -> Result<Vec<Neighbor>> {
        check_dense(query, DIM)?;
        let mut top = TopK::new(k);
        for e in self.main.iter()?.raw() {
            let e = e?;
            let d = dense_ref(e.value_bytes(), DIM)?.distance(metric, query);
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
            Some(g) => Ok(Some(quant_ref(g.bytes(), DIM)?.to_vec())),
            None => Ok(None),
        }
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
        let Some(q) = &self.quant else {
            return self.search(query, k, metric);
        };
        check_dense(query, DIM)?;
        let pool = if rerank == 0 { k } else { rerank.max(k) };
        let mut top = TopK::new(pool);
        for e in q.iter()?.raw() {
            let e = e?;
            let d = quant_ref(e.value_bytes(), DIM)?.distance(metric, query);
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

fn to_neighbors(top: TopK) -> Vec<Neighbor> {
    top.into_sorted()
        .into_iter()
        .map(|(distance, id)| Neighbor { id, distance })
        .collect()
}

/// Iterates a [`VectorReader`] in id order; entries borrow the stored bytes.
pub struct Vectors<'a, const DIM: usize>(RawRangeIter<'a>);

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

impl<'a, const DIM: usize> Iterator for Vectors<'a, DIM> {
    type Item = Result<StoredVector<'a>>;
    fn next(&mut self) -> Option<Self::Item> {
        let entry = match self.0.next()? {
            Ok(e) => e,
            Err(e) => return Some(Err(e.into())),
        };
        Some(
            dense_ref(entry.value_bytes(), DIM)
                .and_then(|_| id_of(&entry))
                .map(|id| StoredVector { entry, id }),
        )
    }
}
