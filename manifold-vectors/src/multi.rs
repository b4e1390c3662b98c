//! `MultiVectorTable<DIM>`: entity id -> a list of `DIM`-d token vectors (ColBERT
//! style), scored against a query's token vectors by MaxSim:
//! `sum over query tokens q of max over stored tokens d of q . d`.
//!
//! Stored layout: the tokens' f32 components one token after another, little-endian,
//! `4 * DIM * n` bytes with `n >= 1`.

use crate::error::{Result, VectorError};
use crate::kernel::simd;
use crate::layout::{self, Kind};
use crate::stored::{VectorRef, check_dense, encode_dense};
use crate::topk::{Scored, TopK};
use manifold::{ColumnFamily, ReadTable, TableDefinition, TableMut, WriteTransaction};
use uuid::Uuid;

type Def<'a> = TableDefinition<'a, Uuid, [u8]>;

/// MaxSim of `query` tokens against the stored tokens in `bytes` (`4 * dim * n`
/// bytes), computed in place.
pub fn maxsim_bytes<Q: AsRef<[f32]>>(bytes: &[u8], dim: usize, query: &[Q]) -> f32 {
    let stride = 4 * dim.max(1);
    let mut total = 0.0f32;
    for q in query {
        let q = q.as_ref();
        let best = bytes
            .chunks_exact(stride)
            .map(|t| simd::dot(VectorRef::new(t).unwrap_or(VectorRef::EMPTY), q))
            .fold(f32::NEG_INFINITY, f32::max);
        if best.is_finite() {
            total += best;
        }
    }
    total
}

/// A named table of token-vector lists keyed by entity id.
#[derive(Clone, Debug)]
pub struct MultiVectorTable<const DIM: usize> {
    cf: ColumnFamily,
    name: String,
}

impl<const DIM: usize> MultiVectorTable<DIM> {
    /// Opens (creating if needed) multi-vector table `name` in `cf`.
    pub fn open(cf: &ColumnFamily, name: &str) -> Result<Self> {
        let dim = u32::try_from(DIM).map_err(|_| VectorError::Dimension {
            expected: u32::MAX as usize,
            got: DIM,
        })?;
        layout::ensure(cf, name, Kind::Multi, dim, Some(false))?;
        Ok(MultiVectorTable {
            cf: cf.clone(),
            name: name.to_string(),
        })
    }

    /// Inserts or replaces the token vectors of `id` (one transaction).
    pub fn insert<T: AsRef<[f32]>>(&self, id: Uuid, tokens: &[T]) -> Result<()> {
        let tx = self.cf.begin_write()?;
        self.writer(&tx)?.insert(id, tokens)?;
        tx.commit()?;
        Ok(())
    }

    /// The token vectors of `id`, copied out.
    pub fn get(&self, id: Uuid) -> Result<Option<Vec<[f32; DIM]>>> {
        self.reader()?.get(id)
    }

    /// Removes the token vectors of `id`; returns whether they were present.
    pub fn remove(&self, id: Uuid) -> Result<bool> {
        let tx = self.cf.begin_write()?;
        let found = self.writer(&tx)?.remove(id)?;
        tx.commit()?;
        Ok(found)
    }

    /// Number of entities.
    pub fn len(&self) -> Result<u64> {
        self.reader()?.len()
    }

    /// Whether the table holds no entity.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.len()? == 0)
    }

    /// A consistent snapshot.
    pub fn reader(&self) -> Result<MultiVectorReader<DIM>> {
        Ok(MultiVectorReader {
            table: self.cf.begin_read()?.open_table(Def::new(&self.name))?,
        })
    }

    /// Writes inside a caller's transaction.
    pub fn writer<'t>(&self, tx: &'t WriteTransaction) -> Result<MultiVectorWriter<'t, DIM>> {
        Ok(MultiVectorWriter {
            table: tx.open_table_in(&self.cf, Def::new(&self.name))?,
            buf: Vec::new(),
        })
    }
}

/// Writes to a [`MultiVectorTable`] inside a caller's transaction.
pub struct MultiVectorWriter<'t, const DIM: usize> {
    table: TableMut<'t, Uuid, [u8]>,
    buf: Vec<u8>,
}

impl<const DIM: usize> MultiVectorWriter<'_, DIM> {
    /// Inserts or replaces the token vectors of `id` (at least one, each `DIM`-d and
    /// finite).
    pub fn insert<T: AsRef<[f32]>>(&mut self, id: Uuid, tokens: &[T]) -> Result<()> {
        check_tokens(tokens, DIM)?;
        self.buf.clear();
        for t in tokens {
            encode_dense(t.as_ref(), &mut self.buf);
        }
        Ok(self.table.insert(&id, &self.buf)?)
    }

    /// Removes the token vectors of `id`; returns whether they were present.
    pub fn remove(&mut self, id: Uuid) -> Result<bool> {
        Ok(self.table.remove(&id)?)
    }
}

fn check_tokens<T: AsRef<[f32]>>(tokens: &[T], dim: usize) -> Result<()> {
    if tokens.is_empty() {
        return Err(VectorError::EmptyMultiVector);
    }
    tokens.iter().try_for_each(|t| check_dense(t.as_ref(), dim))
}

fn check_stored(bytes: &[u8], dim: usize) -> Result<()> {
    if bytes.is_empty() || !bytes.len().is_multiple_of(4 * dim.max(1)) {
        return Err(VectorError::Corrupt(format!(
            "multi-vector of {} bytes for {dim}-d tokens",
            bytes.len()
        )));
    }
    Ok(())
}

/// A snapshot of a [`MultiVectorTable`].
pub struct MultiVectorReader<const DIM: usize> {
    table: ReadTable<Uuid, [u8]>,
}

impl<const DIM: usize> MultiVectorReader<DIM> {
    /// Number of entities.
    pub fn len(&self) -> Result<u64> {
        Ok(self.table.len()?)
    }

    /// Whether the snapshot holds no entity.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.len()? == 0)
    }

    /// The token vectors of `id`, copied out.
    pub fn get(&self, id: Uuid) -> Result<Option<Vec<[f32; DIM]>>> {
        let Some(g) = self.table.get_encoded(id.as_bytes())? else {
            return Ok(None);
        };
        check_stored(g.bytes(), DIM)?;
        let tokens = g
            .bytes()
            .chunks_exact(4 * DIM.max(1))
            .map(|t| {
                let mut out = [0.0f32; DIM];
                VectorRef::new(t).map(|v| v.copy_to(&mut out))?;
                Ok(out)
            })
            .collect::<Result<_>>()?;
        Ok(Some(tokens))
    }

    /// MaxSim of `query` tokens against the stored tokens of `id`, in place.
    pub fn maxsim<T: AsRef<[f32]>>(&self, id: Uuid, query: &[T]) -> Result<Option<f32>> {
        check_tokens(query, DIM)?;
        match self.table.get_encoded(id.as_bytes())? {
            Some(g) => {
                check_stored(g.bytes(), DIM)?;
                Ok(Some(maxsim_bytes(g.bytes(), DIM, query)))
            }
            None => Ok(None),
        }
    }

    /// The `k` entities with the highest MaxSim against `query`, best first (exact
    /// brute force).
    pub fn search<T: AsRef<[f32]>>(&self, query: &[T], k: usize) -> Result<Vec<Scored>> {
        check_tokens(query, DIM)?;
        let mut top = TopK::new(k);
        for e in self.table.iter()?.raw() {
            let e = e?;
            check_stored(e.value_bytes(), DIM)?;
            let score = maxsim_bytes(e.value_bytes(), DIM, query);
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
