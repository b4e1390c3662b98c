//! The one error type of the crate.

use std::path::PathBuf;

/// Which kind of output an embedder was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputKind {
    /// One dense vector per text.
    Dense,
    /// One sparse vector (index, weight) per text.
    Sparse,
    /// Several dense vectors per text (one per token).
    MultiVector,
}

impl std::fmt::Display for OutputKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            OutputKind::Dense => "dense",
            OutputKind::Sparse => "sparse",
            OutputKind::MultiVector => "multi-vector",
        })
    }
}

/// Everything that can go wrong while building an embedder or embedding text.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmbedError {
    /// A model file is not where the model directory says it should be.
    #[error(
        "model file `{}` not found (model directory `{}`); run `scripts/setup` to install \
         the all-MiniLM-L6-v2 weights, or point TESSERA_MODEL_DIR at a directory holding \
         model.safetensors, tokenizer.json and config.json",
        file.display(),
        dir.display()
    )]
    ModelFilesMissing {
        /// The model directory that was searched.
        dir: PathBuf,
        /// The first file found missing.
        file: PathBuf,
    },
    /// Reading a file failed.
    #[error("reading `{}`", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A model file was read but its content is not what the model needs.
    #[error("invalid model file `{}`: {message}", path.display())]
    InvalidModelFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A configuration value is out of range.
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),
    /// The tokenizer failed on a text.
    #[error("tokenizer: {0}")]
    Tokenizer(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The tensor backend failed while running the model.
    #[error("model backend: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The embedder does not produce this kind of output.
    #[error("embedder `{model}` does not produce {kind} embeddings")]
    Unsupported {
        /// Name of the embedder.
        model: String,
        /// The output asked for.
        kind: OutputKind,
    },
}
