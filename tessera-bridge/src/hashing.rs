//! A deterministic embedder that needs no weights: signed feature hashing.

use crate::embedder::{Embedder, ModelInfo, Normalization};
use crate::error::EmbedError;
use crate::text::{char_ngrams, stable_hash, words};
use crate::vector::SparseVector;

const WORD_NAMESPACE: u8 = 1;
const BIGRAM_NAMESPACE: u8 = 2;
const NGRAM_NAMESPACE: u8 = 3;

/// Parameters of a [`HashingEmbedder`].
#[derive(Debug, Clone, PartialEq)]
pub struct HashingConfig {
    /// Length of the vectors (the number of hash buckets).
    pub dimension: usize,
    /// Weight of each word (lowercased, see the crate docs for what a word is).
    pub word_weight: f32,
    /// Weight of each pair of adjacent words.
    pub bigram_weight: f32,
    /// Weight of each character n-gram of a word.
    pub ngram_weight: f32,
    /// Shortest character n-gram (the word is framed by `<` and `>` first).
    pub ngram_min: usize,
    /// Longest character n-gram.
    pub ngram_max: usize,
}

impl Default for HashingConfig {
    /// 384 dimensions (as all-MiniLM-L6-v2, so the two can stand in for each other in a
    /// schema), words 1.0, word pairs 0.5, character 3- to 5-grams 0.25 each.
    fn default() -> Self {
        HashingConfig {
            dimension: 384,
            word_weight: 1.0,
            bigram_weight: 0.5,
            ngram_weight: 0.25,
            ngram_min: 3,
            ngram_max: 5,
        }
    }
}

/// Signed feature hashing of words, word pairs and character n-grams, L2-normalized.
///
/// Each feature is hashed (a fixed FNV-1a + SplitMix64 hash, the same on every machine
/// and in every version) to a bucket, and the hash's top bit chooses whether the
/// feature adds or subtracts its weight there, so collisions cancel out on average
/// instead of piling up. Texts sharing words or spellings get a high cosine
/// similarity; no meaning is captured beyond that. Useful for tests and on machines
/// without model weights. Gives dense and sparse outputs (the same values).
#[derive(Debug, Clone)]
pub struct HashingEmbedder {
    config: HashingConfig,
    info: ModelInfo,
}

impl HashingEmbedder {
    /// An embedder with the given parameters.
    pub fn new(config: HashingConfig) -> Result<Self, EmbedError> {
        if config.dimension == 0 || config.dimension > u32::MAX as usize {
            return Err(EmbedError::InvalidConfig(format!(
                "hashing dimension must be in 1..=2^32-1, got {}",
                config.dimension
            )));
        }
        if config.ngram_min == 0 || config.ngram_min > config.ngram_max {
            return Err(EmbedError::InvalidConfig(format!(
                "character n-gram range {}..={} is empty or starts at 0",
                config.ngram_min, config.ngram_max
            )));
        }
        let weights = [
            config.word_weight,
            config.bigram_weight,
            config.ngram_weight,
        ];
        if weights.iter().any(|w| !w.is_finite()) {
            return Err(EmbedError::InvalidConfig(
                "hashing feature weights must be finite".to_string(),
            ));
        }
        Ok(HashingEmbedder {
            info: info_for(&config),
            config,
        })
    }

    /// The parameters.
    pub fn config(&self) -> &HashingConfig {
        &self.config
    }

    /// The normalized hashed features of one text.
    fn features(&self, text: &str) -> SparseVector {
        let c = &self.config;
        let mut pairs: Vec<(u32, f32)> = Vec::new();
        let mut push = |namespace: u8, bytes: &[u8], weight: f32| {
            if weight != 0.0 {
                let h = stable_hash(namespace, bytes);
                let bucket = (h % c.dimension as u64) as u32;
                let sign = if h >> 63 == 1 { -1.0 } else { 1.0 };
                pairs.push((bucket, sign * weight));
            }
        };
        let mut previous: Option<String> = None;
        for word in words(text) {
            push(WORD_NAMESPACE, word.as_bytes(), c.word_weight);
            if let Some(prev) = &previous {
                let pair = format!("{prev} {word}");
                push(BIGRAM_NAMESPACE, pair.as_bytes(), c.bigram_weight);
            }
            if c.ngram_weight != 0.0 {
                char_ngrams(&word, c.ngram_min, c.ngram_max, |g| {
                    push(NGRAM_NAMESPACE, g.as_bytes(), c.ngram_weight);
                });
            }
            previous = Some(word);
        }
        let mut v = SparseVector::from_pairs(pairs);
        let norm = v.norm();
        if norm > 0.0 {
            v = SparseVector::from_pairs(
                v.indices()
                    .iter()
                    .zip(v.values())
                    .map(|(&i, &x)| (i, x / norm))
                    .collect(),
            );
        }
        v
    }
}

impl Default for HashingEmbedder {
    fn default() -> Self {
        let config = HashingConfig::default();
        HashingEmbedder {
            info: info_for(&config),
            config,
        }
    }
}

fn info_for(config: &HashingConfig) -> ModelInfo {
    ModelInfo {
        name: format!("hashing-{}", config.dimension),
        dimension: config.dimension,
        normalization: Normalization::L2,
        dense: true,
        sparse: true,
        multi_vector: false,
        max_tokens: None,
    }
}

impl Embedder for HashingEmbedder {
    fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        Ok(texts
            .iter()
            .map(|t| self.features(t).to_dense(self.config.dimension))
            .collect())
    }

    fn embed_sparse(&self, texts: &[&str]) -> Result<Vec<SparseVector>, EmbedError> {
        Ok(texts.iter().map(|t| self.features(t)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vector::{cosine, dot};
    use proptest::prelude::*;

    #[test]
    fn similar_texts_score_higher_than_unrelated_ones() {
        let e = HashingEmbedder::default();
        let v = e
            .embed(&[
                "the cat sat on the mat",
                "a cat sat on a mat",
                "quarterly revenue grew by nine percent",
            ])
            .unwrap();
        assert!(cosine(&v[0], &v[1]) > 0.5);
        assert!(cosine(&v[0], &v[2]) < 0.2);
        assert!(cosine(&v[0], &v[1]) > cosine(&v[0], &v[2]) + 0.4);
    }

    #[test]
    fn empty_text_gives_the_zero_vector() {
        let e = HashingEmbedder::default();
        let v = e.embed_one("  ,. ").unwrap();
        assert_eq!(v.len(), 384);
        assert!(v.iter().all(|x| *x == 0.0));
    }

    #[test]
    fn rejects_bad_configs() {
        for bad in [
            HashingConfig {
                dimension: 0,
                ..HashingConfig::default()
            },
            HashingConfig {
                ngram_min: 0,
                ..HashingConfig::default()
            },
            HashingConfig {
                ngram_min: 6,
                ngram_max: 5,
                ..HashingConfig::default()
            },
            HashingConfig {
                word_weight: f32::NAN,
                ..HashingConfig::default()
            },
        ] {
            assert!(matches!(
                HashingEmbedder::new(bad),
                Err(EmbedError::InvalidConfig(_))
            ));
        }
    }

    #[test]
    fn multi_vector_is_unsupported() {
        let e = HashingEmbedder::default();
        assert!(matches!(
            e.embed_multi(&["x"]),
            Err(EmbedError::Unsupported { .. })
        ));
    }

    proptest! {
        #[test]
        fn deterministic_normalized_and_batch_independent(
            a in "[a-zA-Z ,.]{0,60}",
            b in "\\PC{0,40}",
        ) {
            let e = HashingEmbedder::new(HashingConfig { dimension: 97, ..HashingConfig::default() }).unwrap();
            let batch = e.embed(&[&a, &b]).unwrap();
            prop_assert_eq!(&batch[0], &e.embed_one(&a).unwrap());
            prop_assert_eq!(&batch[1], &e.embed_one(&b).unwrap());
            let sparse = e.embed_sparse(&[&b]).unwrap();
            prop_assert_eq!(sparse[0].to_dense(97), batch[1].clone());
            for v in &batch {
                prop_assert_eq!(v.len(), 97);
                let n = dot(v, v);
                prop_assert!(n == 0.0 || (n - 1.0).abs() < 1e-4);
            }
        }
    }
}
