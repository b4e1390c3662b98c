//! The `Embedder` trait and what it returns.

use crate::error::{EmbedError, OutputKind};
use crate::vector::{SparseVector, TokenVectors};

/// How an embedder scales its dense vectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Normalization {
    /// Every non-zero dense vector has unit L2 norm, so dot product = cosine similarity.
    L2,
    /// Vectors come out as the model computes them.
    None,
}

/// What an embedder is: enough for a backend to check a schema (`Embedding(384)`) and
/// to choose a metric before it embeds anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelInfo {
    /// Name under which a backend registers the embedder, e.g. `all-MiniLM-L6-v2`.
    pub name: String,
    /// Length of a dense vector (and of each token vector of a multi-vector). For a
    /// sparse-only embedder: the size of its index space (indices are below it).
    pub dimension: usize,
    /// Scaling of the dense (and token) vectors.
    pub normalization: Normalization,
    /// Whether [`Embedder::embed`] is supported.
    pub dense: bool,
    /// Whether [`Embedder::embed_sparse`] is supported.
    pub sparse: bool,
    /// Whether [`Embedder::embed_multi`] is supported.
    pub multi_vector: bool,
    /// Longest input in model tokens; longer texts are truncated. `None`: no limit.
    pub max_tokens: Option<usize>,
}

impl ModelInfo {
    /// Whether the embedder produces outputs of `kind`.
    pub fn supports(&self, kind: OutputKind) -> bool {
        match kind {
            OutputKind::Dense => self.dense,
            OutputKind::Sparse => self.sparse,
            OutputKind::MultiVector => self.multi_vector,
        }
    }
}

/// Turns texts into vectors.
///
/// Every method is batched: one output per input text, in input order. Implementations
/// are deterministic (the same text gives the same vector, whatever else is in the
/// batch, up to float rounding of batched matrix products) and thread-safe, so a
/// backend can keep them in a registry as `Arc<dyn Embedder>` and call them from any
/// thread. Outputs an embedder does not produce answer [`EmbedError::Unsupported`];
/// [`ModelInfo`] says which ones it does before anything is embedded.
pub trait Embedder: Send + Sync {
    /// Name, dimension, normalization and supported outputs.
    fn info(&self) -> &ModelInfo;

    /// One dense vector of [`ModelInfo::dimension`] floats per text.
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let _ = texts;
        Err(self.unsupported(OutputKind::Dense))
    }

    /// One sparse vector per text, indices below [`ModelInfo::dimension`].
    fn embed_sparse(&self, texts: &[&str]) -> Result<Vec<SparseVector>, EmbedError> {
        let _ = texts;
        Err(self.unsupported(OutputKind::Sparse))
    }

    /// One vector per token of each text (late-interaction / ColBERT-style scoring).
    fn embed_multi(&self, texts: &[&str]) -> Result<Vec<TokenVectors>, EmbedError> {
        let _ = texts;
        Err(self.unsupported(OutputKind::MultiVector))
    }

    /// The dense vector of a single text.
    fn embed_one(&self, text: &str) -> Result<Vec<f32>, EmbedError> {
        let mut out = self.embed(&[text])?;
        match out.pop() {
            Some(v) if out.is_empty() => Ok(v),
            _ => Err(EmbedError::Backend(
                format!("`{}` returned a wrong number of vectors", self.info().name).into(),
            )),
        }
    }

    /// The error for an output this embedder does not produce.
    fn unsupported(&self, kind: OutputKind) -> EmbedError {
        EmbedError::Unsupported {
            model: self.info().name.clone(),
            kind,
        }
    }
}
