//! A BERT sentence-embedding model (all-MiniLM-L6-v2 and its kin) from local files.

mod bert;
mod config;

pub use config::{MODEL_DIR_ENV, MODEL_FILES, SentenceConfig, default_model_dir};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use tokenizers::{Encoding, Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

use crate::embedder::{Embedder, ModelInfo, Normalization};
use crate::error::EmbedError;
use crate::vector::{TokenVectors, l2_normalize};
use bert::{Bert, mean_pool};
use config::{BertConfig, modules_normalize, sentence_max_seq_length};

/// A sentence-transformers BERT model run on the CPU with candle: tokenize (WordPiece,
/// truncated to [`SentenceConfig::max_tokens`]), encode in padded batches, average
/// the hidden vectors of the real tokens (mean pooling with the attention mask), and
/// scale to unit length. Matches the sentence-transformers pipeline of
/// all-MiniLM-L6-v2 (checked in the tests against vectors it produced).
///
/// Loading reads the files once into memory; nothing is ever downloaded. Matrix
/// products run on the embedder's own rayon pool of [`SentenceConfig::threads`]
/// threads. Gives dense vectors and per-token vectors ([`Embedder::embed_multi`]).
pub struct SentenceEmbedder {
    model: Bert,
    tokenizer: Tokenizer,
    pool: rayon::ThreadPool,
    batch_size: usize,
    normalize: bool,
    info: ModelInfo,
}

impl std::fmt::Debug for SentenceEmbedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SentenceEmbedder")
            .field("info", &self.info)
            .field("batch_size", &self.batch_size)
            .field("threads", &self.pool.current_num_threads())
            .finish_non_exhaustive()
    }
}

/// One batch, tokenized and padded, as the model takes it.
struct Batch {
    ids: Tensor,
    type_ids: Tensor,
    mask: Tensor,
}

impl SentenceEmbedder {
    /// Loads the model the configuration points at.
    pub fn load(config: &SentenceConfig) -> Result<Self, EmbedError> {
        if config.batch_size == 0 {
            return Err(EmbedError::InvalidConfig(
                "batch_size must be at least 1".into(),
            ));
        }
        config.check_files()?;
        let dir = &config.model_dir;
        let bert_config = BertConfig::read(&dir.join("config.json"))?;

        let position_limit = bert_config.max_position_embeddings;
        let max_tokens = match config.max_tokens {
            Some(n) => n,
            None => sentence_max_seq_length(dir)?.unwrap_or(position_limit),
        }
        .min(position_limit);
        if max_tokens < 2 {
            return Err(EmbedError::InvalidConfig(format!(
                "max_tokens must leave room for [CLS] and [SEP], got {max_tokens}"
            )));
        }
        let normalize = match config.normalize {
            Some(n) => n,
            None => modules_normalize(dir)?.unwrap_or(true),
        };

        let tokenizer_path = dir.join("tokenizer.json");
        let mut tokenizer =
            Tokenizer::from_file(&tokenizer_path).map_err(|e| EmbedError::InvalidModelFile {
                path: tokenizer_path.clone(),
                message: e.to_string(),
            })?;
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams {
                direction: TruncationDirection::Right,
                max_length: max_tokens,
                strategy: TruncationStrategy::LongestFirst,
                stride: 0,
            }))
            .map_err(EmbedError::Tokenizer)?;

        let weights_path = dir.join("model.safetensors");
        let bytes = std::fs::read(&weights_path).map_err(|source| EmbedError::Io {
            path: weights_path.clone(),
            source,
        })?;
        let invalid_weights = |e: candle_core::Error| EmbedError::InvalidModelFile {
            path: weights_path.clone(),
            message: e.to_string(),
        };
        let vb = VarBuilder::from_buffered_safetensors(bytes, DType::F32, &Device::Cpu)
            .map_err(invalid_weights)?;
        let model = Bert::load(vb, &bert_config).map_err(invalid_weights)?;

        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(config.threads)
            .thread_name(|i| format!("tessera-embed-{i}"))
            .build()
            .map_err(|e| EmbedError::Backend(Box::new(e)))?;

        let info = ModelInfo {
            name: config.name.clone(),
            dimension: bert_config.hidden_size,
            normalization: if normalize {
                Normalization::L2
            } else {
                Normalization::None
            },
            dense: true,
            sparse: false,
            multi_vector: true,
            max_tokens: Some(max_tokens),
        };
        Ok(SentenceEmbedder {
            model,
            tokenizer,
            pool,
            batch_size: config.batch_size,
            normalize,
            info,
        })
    }

    /// Loads the model from `$TESSERA_MODEL_DIR`, or else from the directory
    /// `scripts/setup` fills ([`default_model_dir`]), with default settings.
    pub fn from_env() -> Result<Self, EmbedError> {
        SentenceEmbedder::load(&SentenceConfig::from_env()?)
    }

    /// Number of threads the embedder runs on.
    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// Tokenizes `texts`, groups them by length into batches of at most `batch_size`
    /// (less padding), runs each batch through the encoder and hands `f` the batch's
    /// texts (as indices into `texts`), encodings, mask and last hidden states.
    fn run<F>(&self, texts: &[&str], mut f: F) -> Result<(), EmbedError>
    where
        F: FnMut(&[usize], &[Encoding], &Tensor, &Tensor) -> Result<(), EmbedError> + Send,
    {
        if texts.is_empty() {
            return Ok(());
        }
        self.pool.install(|| {
            let encodings = self
                .tokenizer
                .encode_batch(texts.to_vec(), true)
                .map_err(EmbedError::Tokenizer)?;
            let mut order: Vec<usize> = (0..texts.len()).collect();
            order.sort_by_key(|&i| std::cmp::Reverse(encodings[i].get_ids().len()));
            for chunk in order.chunks(self.batch_size) {
                let batch_encodings: Vec<Encoding> =
                    chunk.iter().map(|&i| encodings[i].clone()).collect();
                let batch = pad(&batch_encodings).map_err(backend)?;
                let hidden = self
                    .model
                    .forward(&batch.ids, &batch.type_ids, &batch.mask)
                    .map_err(backend)?;
                f(chunk, &batch_encodings, &batch.mask, &hidden)?;
            }
            Ok(())
        })
    }
}

impl Embedder for SentenceEmbedder {
    fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut out = vec![Vec::new(); texts.len()];
        self.run(texts, |indices, _, mask, hidden| {
            let pooled = mean_pool(hidden, mask)
                .and_then(|p| p.to_vec2::<f32>())
                .map_err(backend)?;
            for (&i, mut v) in indices.iter().zip(pooled) {
                if self.normalize {
                    l2_normalize(&mut v);
                }
                out[i] = v;
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// The last hidden vector of every token, `[CLS]` and `[SEP]` included (the tokens
    /// the sentence vector averages), each scaled to unit length when the model
    /// normalizes.
    fn embed_multi(&self, texts: &[&str]) -> Result<Vec<TokenVectors>, EmbedError> {
        let mut out = vec![TokenVectors::default(); texts.len()];
        self.run(texts, |indices, encodings, _, hidden| {
            let hidden = hidden.to_vec3::<f32>().map_err(backend)?;
            for ((&i, encoding), rows) in indices.iter().zip(encodings).zip(hidden) {
                let tokens = encoding.get_tokens().to_vec();
                let mut vectors: Vec<Vec<f32>> = rows.into_iter().take(tokens.len()).collect();
                if self.normalize {
                    vectors.iter_mut().for_each(|v| l2_normalize(v));
                }
                out[i] = TokenVectors { tokens, vectors };
            }
            Ok(())
        })?;
        Ok(out)
    }
}

/// Pads a batch of encodings to its longest one: id 0 (`[PAD]`), mask 0.
fn pad(encodings: &[Encoding]) -> candle_core::Result<Batch> {
    let len = encodings
        .iter()
        .map(|e| e.get_ids().len())
        .max()
        .unwrap_or(0);
    let rows = encodings.len();
    let mut ids = vec![0u32; rows * len];
    let mut type_ids = vec![0u32; rows * len];
    let mut mask = vec![0f32; rows * len];
    for (r, e) in encodings.iter().enumerate() {
        let n = e.get_ids().len();
        ids[r * len..r * len + n].copy_from_slice(e.get_ids());
        type_ids[r * len..r * len + n].copy_from_slice(e.get_type_ids());
        mask[r * len..r * len + n].fill(1.0);
    }
    let device = Device::Cpu;
    Ok(Batch {
        ids: Tensor::from_vec(ids, (rows, len), &device)?,
        type_ids: Tensor::from_vec(type_ids, (rows, len), &device)?,
        mask: Tensor::from_vec(mask, (rows, len), &device)?,
    })
}

fn backend(e: candle_core::Error) -> EmbedError {
    EmbedError::Backend(Box::new(e))
}
