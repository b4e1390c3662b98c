//! Vector tables on [manifold]: dense, sparse and multi-vector (ColBERT
//! style) embeddings keyed by entity id, with SIMD distance kernels that read the
//! stored bytes in place.
//!
//! - [`VectorTable<DIM>`](VectorTable): id -> `DIM` f32. Several named tables may hold
//!   vectors of different dimensions for the same id. Optional i8 scalar quantization
//!   (per-vector scale) beside the f32 copy.
//! - [`DynVectorTable`]: the same table with its dimension a run-time value (from a
//!   schema, or read back from the table's layout record by
//!   [`DynVectorTable::open_existing`]); `get` returns a `Vec<f32>`.
//!   `VectorTable<DIM>` is a thin typed wrapper over it, and both open the same tables.
//! - [`SparseVectorTable`]: id -> sorted (u32 index, f32 value) pairs; inner product.
//! - [`MultiVectorTable<DIM>`](MultiVectorTable): id -> token vectors; MaxSim scoring.
//! - Kernels ([`simd`], [`scalar`], [`Metric`]): cosine, dot, L2, L1, written once over
//!   [`Lanes`] so they run on `&[f32]`, on stored little-endian bytes
//!   ([`VectorRef`]) and on i8 codes ([`QuantizedRef`]). Reads never copy a vector
//!   unless asked to (`get`); a distance on a stored vector allocates nothing.
//! - Exact brute-force top-k search over a table (`search`), the oracle for
//!   approximate indexes.
//!
//! What it is not: an approximate nearest-neighbour index (see `hyperspatial`), nor a
//! place for vector metadata. Bad input (wrong dimension, NaN or infinity, unsorted or
//! duplicate sparse indices) is refused with a [`VectorError`] and writes nothing.
//!
//! ```
//! use manifold_vectors::{Metric, VectorTable};
//! # let dir = tempfile::tempdir().unwrap();
//! let db = manifold::Database::open(dir.path().join("v.manifold"))?;
//! let cf = db.column_family_or_create("embeddings")?;
//! let table = VectorTable::<4>::open(&cf, "semantic_vectors")?;
//! let id = uuid::Uuid::from_u128(1);
//! table.insert(id, &[1.0, 0.0, 0.0, 0.0])?;
//! let hits = table.reader()?.search(&[0.9, 0.1, 0.0, 0.0], 1, Metric::Cosine)?;
//! assert_eq!(hits[0].id, id);
//! assert!(table.insert(id, &[1.0, 2.0]).is_err()); // wrong dimension
//! # Ok::<(), manifold_vectors::VectorError>(())
//! ```
//!
//! With the dimension known only at run time:
//!
//! ```
//! use manifold_vectors::{DynVectorTable, Metric, VectorError};
//! # let dir = tempfile::tempdir().unwrap();
//! # let db = manifold::Database::open(dir.path().join("v.manifold"))?;
//! # let cf = db.column_family_or_create("embeddings")?;
//! let dim = 3; // say, from a schema's `Embedding(3)`
//! let table = DynVectorTable::open_with(&cf, "title", dim, true)?;
//! let id = uuid::Uuid::from_u128(7);
//! table.insert(id, &[0.0, 1.0, 0.0])?;
//! // Later, without knowing the dimension: it is read from the table's layout.
//! let table = DynVectorTable::open_existing(&cf, "title")?.expect("created above");
//! assert_eq!((table.dim(), table.is_quantized()), (3, true));
//! let hits = table.reader()?.search_quantized(&[0.1, 0.9, 0.0], 1, Metric::Dot, 10)?;
//! assert_eq!(hits[0].id, id);
//! // Another dimension is refused, on insert and on reopen.
//! assert!(matches!(table.insert(id, &[1.0; 4]), Err(VectorError::Dimension { .. })));
//! assert!(matches!(
//!     DynVectorTable::open(&cf, "title", 384),
//!     Err(VectorError::LayoutMismatch { .. })
//! ));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod dense;
mod error;
mod kernel;
mod layout;
mod multi;
mod sparse;
mod stored;
mod topk;

pub use dense::{
    DynVectorReader, DynVectorTable, DynVectorWriter, DynVectors, StoredVector, VectorReader,
    VectorTable, VectorWriter, Vectors,
};
pub use error::{Result, VectorError};
pub use kernel::{Lanes, Metric, scalar, simd, tolerance};
pub use multi::{MultiVectorReader, MultiVectorTable, MultiVectorWriter, maxsim_bytes};
pub use sparse::{SparseReader, SparseRef, SparseVector, SparseVectorTable, SparseWriter};
pub use stored::{QuantizedRef, VectorRef, quantization_error_bound, quantize_into};
pub use topk::{Neighbor, Scored};
