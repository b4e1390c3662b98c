//! Dense tables: entity id -> `dim` f32, with an optional i8-quantized copy.
//!
//! [`DynVectorTable`] holds the logic, its dimension a run-time value checked against
//! the stored layout; [`VectorTable<DIM>`](VectorTable) is a thin wrapper that fixes
//! the dimension in the type and returns arrays. Both open the same tables.
//!
//! Tables: `<name>` (id -> `4 * dim` bytes), `<name>.q8` when quantized (id -> scale +
//! `dim` codes), `<name>.meta` (layout). Invariant: when quantization is on, both
//! tables hold exactly the same ids; every write touches both in one transaction.

mod read;
mod typed;

pub use read::{DynVectorReader, DynVectors, StoredVector};
pub use typed::{VectorReader, VectorTable, VectorWriter, Vectors};

use crate::error::{Result, VectorError};
use crate::layout::{self, Kind, Layout};
use crate::stored::{check_dense, encode_dense, quantize_into};
use manifold::{ColumnFamily, ReadTransaction, TableDefinition, TableMut, WriteTransaction};
use uuid::Uuid;

type Def<'a> = TableDefinition<'a, Uuid, [u8]>;

/// A named table of f32 vectors keyed by entity id, whose dimension is known at run
/// time (from a schema, or from the table's own layout record).
///
/// The dimension is recorded when the table is created and checked on every open and
/// every write: reopening with another dimension fails with
/// [`VectorError::LayoutMismatch`], a vector of another length with
/// [`VectorError::Dimension`]. Convenience methods run one transaction each;
/// [`DynVectorTable::writer`] joins a caller's transaction and
/// [`DynVectorTable::reader`] takes a snapshot.
#[derive(Clone, Debug)]
pub struct DynVectorTable {
    cf: ColumnFamily,
    name: String,
    quant_name: String,
    dim: usize,
    quantized: bool,
}

impl DynVectorTable {
    /// Opens (creating if needed) table `name` of `dim`-dimensional vectors in `cf`. A
    /// new table is not quantized; an existing one keeps its setting. Fails if it was
    /// created with another dimension or kind, or if `dim` is 0 or above `u32::MAX`.
    pub fn open(cf: &ColumnFamily, name: &str, dim: usize) -> Result<Self> {
        Self::open_inner(cf, name, dim, None)
    }

    /// Like [`DynVectorTable::open`], asking for i8 quantization on or off; fails if an
    /// existing table was created with the other setting.
    pub fn open_with(cf: &ColumnFamily, name: &str, dim: usize, quantized: bool) -> Result<Self> {
        Self::open_inner(cf, name, dim, Some(quantized))
    }

    /// Opens an existing dense table with the dimension and quantization setting it was
    /// created with; `None` if no table `name` exists in `cf`. Fails if `name` is a
    /// table of another kind (sparse, multi-vector).
    pub fn open_existing(cf: &ColumnFamily, name: &str) -> Result<Option<Self>> {
        let Some(stored) = layout::read(cf, name)? else {
            return Ok(None);
        };
        if stored.kind != Kind::Dense {
            return Err(VectorError::LayoutMismatch {
                table: name.to_string(),
                stored: stored.to_string(),
                requested: "dense (any dimension)".to_string(),
            });
        }
        Self::from_layout(cf, name, stored).map(Some)
    }

    fn open_inner(
        cf: &ColumnFamily,
        name: &str,
        dim: usize,
        quantized: Option<bool>,
    ) -> Result<Self> {
        let stored_dim = u32::try_from(dim)
            .ok()
            .filter(|&d| d > 0)
            .ok_or(VectorError::InvalidDimension { dim })?;
        let stored = layout::ensure(cf, name, Kind::Dense, stored_dim, quantized)?;
        Self::from_layout(cf, name, stored)
    }

    fn from_layout(cf: &ColumnFamily, name: &str, stored: Layout) -> Result<Self> {
        let dim = stored.dim as usize;
        if dim == 0 {
            return Err(VectorError::InvalidDimension { dim });
        }
        Ok(DynVectorTable {
            cf: cf.clone(),
            name: name.to_string(),
            quant_name: format!("{name}.q8"),
            dim,
            quantized: stored.quantized,
        })
    }

    /// The layout this handle reads and writes.
    pub(crate) fn layout(&self) -> Layout {
        Layout {
            kind: Kind::Dense,
            dim: self.dim as u32,
            quantized: self.quantized,
        }
    }

    /// The table's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The number of components of every vector in the table.
    pub fn dim(&self) -> usize {
        self.dim
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
    pub fn get(&self, id: Uuid) -> Result<Option<Vec<f32>>> {
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
    pub fn reader(&self) -> Result<DynVectorReader> {
        self.reader_in(&self.cf.begin_read()?)
    }

    /// A reader over the snapshot of `rtx` (a read transaction of this table's
    /// family), so that vectors are read in the same snapshot as the caller's other
    /// tables.
    pub fn reader_in(&self, rtx: &ReadTransaction) -> Result<DynVectorReader> {
        let main = rtx.open_table(Def::new(&self.name))?;
        let quant = if self.quantized {
            Some(rtx.open_table(Def::new(&self.quant_name))?)
        } else {
            None
        };
        Ok(DynVectorReader::new(main, quant, self.dim))
    }

    /// Writes inside `tx` (a transaction of this table's family, or a multi-family
    /// transaction that includes it); nothing is visible until `tx` commits.
    pub fn writer<'t>(&self, tx: &'t WriteTransaction) -> Result<DynVectorWriter<'t>> {
        let main = tx.open_table_in(&self.cf, Def::new(&self.name))?;
        let quant = if self.quantized {
            Some(tx.open_table_in(&self.cf, Def::new(&self.quant_name))?)
        } else {
            None
        };
        Ok(DynVectorWriter {
            main,
            quant,
            dim: self.dim,
            buf: Vec::with_capacity(4 * self.dim),
        })
    }
}

/// Writes to a [`DynVectorTable`] inside a caller's transaction.
pub struct DynVectorWriter<'t> {
    main: TableMut<'t, Uuid, [u8]>,
    quant: Option<TableMut<'t, Uuid, [u8]>>,
    dim: usize,
    buf: Vec<u8>,
}

impl DynVectorWriter<'_> {
    /// The table's dimension.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Inserts or replaces the vector of `id` after checking its dimension and that it
    /// is finite.
    pub fn insert(&mut self, id: Uuid, vector: &[f32]) -> Result<()> {
        check_dense(vector, self.dim)?;
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

    /// The vector of `id` as this transaction sees it, copied out.
    pub fn get(&self, id: Uuid) -> Result<Option<Vec<f32>>> {
        match self.main.get(&id)? {
            Some(bytes) => {
                if bytes.len() != 4 * self.dim {
                    return Err(VectorError::Corrupt(format!(
                        "{} bytes for a {}-d vector",
                        bytes.len(),
                        self.dim
                    )));
                }
                Ok(Some(crate::stored::VectorRef::new(&bytes)?.to_vec()))
            }
            None => Ok(None),
        }
    }

    /// Removes the vector of `id`; returns whether it was present.
    pub fn remove(&mut self, id: Uuid) -> Result<bool> {
        if let Some(q) = &mut self.quant {
            q.remove(&id)?;
        }
        Ok(self.main.remove(&id)?)
    }
}
