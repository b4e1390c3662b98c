//! Where the model files are, how to run the model, and what `config.json` says.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::EmbedError;

/// Environment variable naming the model directory.
pub const MODEL_DIR_ENV: &str = "TESSERA_MODEL_DIR";

/// The files a model directory must hold.
pub const MODEL_FILES: [&str; 3] = ["model.safetensors", "tokenizer.json", "config.json"];

/// The directory `scripts/setup` unpacks all-MiniLM-L6-v2 into:
/// `$XDG_CACHE_HOME/tessera/all-minilm-l6-v2`, or `$HOME/.cache/tessera/all-minilm-l6-v2`
/// when `XDG_CACHE_HOME` is unset or empty. `None` when neither variable is set.
pub fn default_model_dir() -> Option<PathBuf> {
    let non_empty = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    let cache = non_empty("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| non_empty("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(cache.join("tessera").join("all-minilm-l6-v2"))
}

/// How to load and run a [`SentenceEmbedder`](crate::SentenceEmbedder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentenceConfig {
    /// Directory holding `model.safetensors`, `tokenizer.json` and `config.json`
    /// (optionally `sentence_bert_config.json` and `modules.json`, as
    /// sentence-transformers writes them).
    pub model_dir: PathBuf,
    /// Name reported in [`ModelInfo`](crate::ModelInfo).
    pub name: String,
    /// Longest input in tokens, counting `[CLS]` and `[SEP]`; longer texts are
    /// truncated. `None`: `max_seq_length` of `sentence_bert_config.json` if present,
    /// else the model's position limit. Always capped by the position limit.
    pub max_tokens: Option<usize>,
    /// Texts run through the model together (padded to the longest of them).
    pub batch_size: usize,
    /// Worker threads of the embedder's own pool. `0`: one per core.
    pub threads: usize,
    /// Scale sentence vectors (and token vectors) to unit length. `None`: as the
    /// model directory's `modules.json` says (a `Normalize` module), else yes.
    pub normalize: Option<bool>,
}

impl SentenceConfig {
    /// Defaults for the model in `model_dir`.
    pub fn new(model_dir: impl Into<PathBuf>) -> Self {
        SentenceConfig {
            model_dir: model_dir.into(),
            name: "all-MiniLM-L6-v2".to_string(),
            max_tokens: None,
            batch_size: 32,
            threads: 0,
            normalize: None,
        }
    }

    /// Defaults for the model in `$TESSERA_MODEL_DIR`, or else in
    /// [`default_model_dir`].
    pub fn from_env() -> Result<Self, EmbedError> {
        if let Some(dir) = std::env::var_os(MODEL_DIR_ENV).filter(|v| !v.is_empty()) {
            return Ok(SentenceConfig::new(dir));
        }
        default_model_dir().map(SentenceConfig::new).ok_or_else(|| {
            EmbedError::InvalidConfig(format!(
                "no model directory: set {MODEL_DIR_ENV} (or HOME / XDG_CACHE_HOME) and run \
                 `scripts/setup`"
            ))
        })
    }

    /// Checks that every file of [`MODEL_FILES`] is in the model directory.
    pub fn check_files(&self) -> Result<(), EmbedError> {
        for file in MODEL_FILES {
            let path = self.model_dir.join(file);
            if !path.is_file() {
                return Err(EmbedError::ModelFilesMissing {
                    dir: self.model_dir.clone(),
                    file: path,
                });
            }
        }
        Ok(())
    }
}

/// The fields of a BERT `config.json` the encoder needs.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct BertConfig {
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub intermediate_size: usize,
    pub max_position_embeddings: usize,
    #[serde(default = "default_type_vocab_size")]
    pub type_vocab_size: usize,
    #[serde(default = "default_layer_norm_eps")]
    pub layer_norm_eps: f64,
    #[serde(default = "default_hidden_act")]
    pub hidden_act: String,
    #[serde(default)]
    pub model_type: Option<String>,
    #[serde(default)]
    pub position_embedding_type: Option<String>,
}

fn default_type_vocab_size() -> usize {
    2
}
fn default_layer_norm_eps() -> f64 {
    1e-12
}
fn default_hidden_act() -> String {
    "gelu".to_string()
}

impl BertConfig {
    /// Reads and checks `config.json`.
    pub fn read(path: &Path) -> Result<Self, EmbedError> {
        let config: BertConfig = read_json(path)?;
        let invalid = |message: String| EmbedError::InvalidModelFile {
            path: path.to_path_buf(),
            message,
        };
        if let Some(t) = config.model_type.as_deref()
            && t != "bert"
        {
            return Err(invalid(format!("model_type `{t}` is not `bert`")));
        }
        if let Some(p) = config.position_embedding_type.as_deref()
            && p != "absolute"
        {
            return Err(invalid(format!(
                "position_embedding_type `{p}` is not supported"
            )));
        }
        if config.hidden_act != "gelu" {
            return Err(invalid(format!(
                "hidden_act `{}` is not supported (only `gelu`)",
                config.hidden_act
            )));
        }
        let dims = [
            config.vocab_size,
            config.hidden_size,
            config.num_hidden_layers,
            config.num_attention_heads,
            config.intermediate_size,
            config.max_position_embeddings,
            config.type_vocab_size,
        ];
        if dims.contains(&0)
            || !config
                .hidden_size
                .is_multiple_of(config.num_attention_heads)
        {
            return Err(invalid(format!(
                "inconsistent sizes: hidden_size {} with {} heads, {} layers",
                config.hidden_size, config.num_attention_heads, config.num_hidden_layers
            )));
        }
        Ok(config)
    }
}

/// `max_seq_length` of `sentence_bert_config.json`, if the file is there.
pub(crate) fn sentence_max_seq_length(dir: &Path) -> Result<Option<usize>, EmbedError> {
    #[derive(Deserialize)]
    struct SentenceBertConfig {
        max_seq_length: Option<usize>,
    }
    let path = dir.join("sentence_bert_config.json");
    if !path.is_file() {
        return Ok(None);
    }
    Ok(read_json::<SentenceBertConfig>(&path)?.max_seq_length)
}

/// Whether `modules.json` lists a `Normalize` module, if the file is there.
pub(crate) fn modules_normalize(dir: &Path) -> Result<Option<bool>, EmbedError> {
    #[derive(Deserialize)]
    struct Module {
        #[serde(rename = "type")]
        kind: String,
    }
    let path = dir.join("modules.json");
    if !path.is_file() {
        return Ok(None);
    }
    let modules: Vec<Module> = read_json(&path)?;
    Ok(Some(modules.iter().any(|m| m.kind.ends_with(".Normalize"))))
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, EmbedError> {
    let bytes = std::fs::read(path).map_err(|source| EmbedError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_slice(&bytes).map_err(|e| EmbedError::InvalidModelFile {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}
