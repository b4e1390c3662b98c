//! Text embeddings for the workspace, offline.
//!
//! * [`Embedder`]: the one trait a backend calls: batched dense vectors, and sparse or
//!   per-token vectors where an embedder has them; [`ModelInfo`] tells which, with the
//!   name, dimension and normalization.
//! * [`SentenceEmbedder`] (cargo feature `model`, on by default): all-MiniLM-L6-v2, a
//!   BERT sentence-transformers model, run in pure Rust (candle + tokenizers) from
//!   `model.safetensors`, `tokenizer.json` and `config.json` in a local directory
//!   (`TESSERA_MODEL_DIR`, or the cache `scripts/setup` fills).
//! * [`HashingEmbedder`]: deterministic signed feature hashing of words, word pairs and
//!   character n-grams, for tests and machines without weights.
//! * [`Bm25Embedder`]: sparse BM25 term weights, fitted on a corpus.
//!
//! What this crate is not: it knows nothing of HyperQL, storage or collections, holds
//! no registry of models, and never touches the network. Crates that do not want
//! candle depend on it with `default-features = false` and keep the trait, the
//! hashing and the BM25 embedders.

mod bm25;
mod embedder;
mod error;
mod hashing;
#[cfg(feature = "model")]
mod sentence;
mod text;
mod vector;

pub use bm25::{Bm25Embedder, Bm25Params};
pub use embedder::{Embedder, ModelInfo, Normalization};
pub use error::{EmbedError, OutputKind};
pub use hashing::{HashingConfig, HashingEmbedder};
#[cfg(feature = "model")]
pub use sentence::{
    MODEL_DIR_ENV, MODEL_FILES, SentenceConfig, SentenceEmbedder, default_model_dir,
};
pub use vector::{SparseVector, TokenVectors, cosine, dot, l2_normalize};
