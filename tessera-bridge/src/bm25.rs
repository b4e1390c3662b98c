//! A sparse lexical embedder: BM25 term weights over a vocabulary fitted on a corpus.

use std::collections::HashMap;

use crate::embedder::{Embedder, ModelInfo, Normalization};
use crate::error::EmbedError;
use crate::text::words;
use crate::vector::SparseVector;

/// The two BM25 constants.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bm25Params {
    /// Term-frequency saturation (`k1`); larger lets repeated terms count for longer.
    pub k1: f32,
    /// Length normalization (`b`), from 0 (none) to 1 (full).
    pub b: f32,
}

impl Default for Bm25Params {
    /// The usual `k1 = 1.2`, `b = 0.75`.
    fn default() -> Self {
        Bm25Params { k1: 1.2, b: 0.75 }
    }
}

/// BM25 as sparse vectors, so that a sparse dot product is the BM25 score.
///
/// The vocabulary, each term's document frequency and the average document length are
/// fitted once, on a corpus given to [`Bm25Embedder::fit`] (typically the documents of
/// the collection, or a sample of them). A term's index is its rank in the sorted
/// vocabulary. Its inverse document frequency is the always-positive form used by
/// Lucene: `idf = ln(1 + (N - df + 0.5) / (df + 0.5))` for a corpus of `N` documents.
///
/// * [`Embedder::embed_sparse`] gives document vectors: for each term of the text that
///   is in the vocabulary, `idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avg_len))`,
///   with `len` the text's length in words.
/// * [`Bm25Embedder::query`] gives query vectors: each vocabulary term's count in the
///   query. `query(q).dot(&doc(d))` is then exactly BM25(q, d).
///
/// Words not in the fitted vocabulary are dropped (they occur in no fitted document,
/// so no fitted document can match them); refit to take in new words. No dense output.
#[derive(Debug, Clone)]
pub struct Bm25Embedder {
    params: Bm25Params,
    vocabulary: HashMap<String, (u32, f32)>,
    average_length: f32,
    documents: usize,
    info: ModelInfo,
}

impl Bm25Embedder {
    /// Fits the vocabulary, document frequencies and average length on `corpus`.
    pub fn fit(corpus: &[&str], params: Bm25Params) -> Result<Self, EmbedError> {
        let valid = params.k1.is_finite() && params.k1 >= 0.0 && (0.0..=1.0).contains(&params.b);
        if !valid {
            return Err(EmbedError::InvalidConfig(format!(
                "BM25 needs k1 >= 0 and 0 <= b <= 1, got k1 = {}, b = {}",
                params.k1, params.b
            )));
        }
        let mut df: HashMap<String, u32> = HashMap::new();
        let mut total_length = 0usize;
        for doc in corpus {
            let mut terms: Vec<String> = words(doc).collect();
            total_length += terms.len();
            terms.sort_unstable();
            terms.dedup();
            for t in terms {
                *df.entry(t).or_insert(0) += 1;
            }
        }
        if df.len() > u32::MAX as usize {
            return Err(EmbedError::InvalidConfig(
                "BM25 vocabulary exceeds 2^32 terms".to_string(),
            ));
        }
        let n = corpus.len() as f32;
        let mut terms: Vec<(String, u32)> = df.into_iter().collect();
        terms.sort_unstable();
        let vocabulary: HashMap<String, (u32, f32)> = terms
            .into_iter()
            .enumerate()
            .map(|(rank, (term, df))| {
                let df = df as f32;
                let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                (term, (rank as u32, idf))
            })
            .collect();
        let average_length = if corpus.is_empty() {
            0.0
        } else {
            total_length as f32 / n
        };
        let info = ModelInfo {
            name: "bm25".to_string(),
            dimension: vocabulary.len(),
            normalization: Normalization::None,
            dense: false,
            sparse: true,
            multi_vector: false,
            max_tokens: None,
        };
        Ok(Bm25Embedder {
            params,
            vocabulary,
            average_length,
            documents: corpus.len(),
            info,
        })
    }

    /// The index and inverse document frequency of `term` (lowercase), if fitted.
    pub fn term(&self, term: &str) -> Option<(u32, f32)> {
        self.vocabulary.get(term).copied()
    }

    /// Number of documents the embedder was fitted on.
    pub fn documents(&self) -> usize {
        self.documents
    }

    /// Average document length of the fitted corpus, in words.
    pub fn average_length(&self) -> f32 {
        self.average_length
    }

    /// The query-side vector of `text`: each vocabulary term's count.
    pub fn query(&self, text: &str) -> SparseVector {
        SparseVector::from_pairs(
            words(text)
                .filter_map(|w| self.vocabulary.get(&w).map(|&(i, _)| (i, 1.0)))
                .collect(),
        )
    }

    /// The document-side vector of `text`.
    fn document(&self, text: &str) -> SparseVector {
        let mut counts: HashMap<String, u32> = HashMap::new();
        let mut length = 0usize;
        for w in words(text) {
            length += 1;
            *counts.entry(w).or_insert(0) += 1;
        }
        let Bm25Params { k1, b } = self.params;
        let relative_length = if self.average_length > 0.0 {
            length as f32 / self.average_length
        } else {
            1.0
        };
        let norm = k1 * (1.0 - b + b * relative_length);
        SparseVector::from_pairs(
            counts
                .into_iter()
                .filter_map(|(term, tf)| {
                    let &(index, idf) = self.vocabulary.get(&term)?;
                    let tf = tf as f32;
                    Some((index, idf * tf * (k1 + 1.0) / (tf + norm)))
                })
                .collect(),
        )
    }
}

impl Embedder for Bm25Embedder {
    fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn embed_sparse(&self, texts: &[&str]) -> Result<Vec<SparseVector>, EmbedError> {
        Ok(texts.iter().map(|t| self.document(t)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CORPUS: &[&str] = &[
        "the quick brown fox jumps over the lazy dog",
        "a quick brown dog outpaces a quick fox",
        "lorem ipsum dolor sit amet",
        "the dog sleeps all day long in the sun",
        "foxes and dogs are not the same animals",
    ];

    /// BM25 computed term by term from the textbook formula, without sparse vectors.
    fn textbook_bm25(query: &str, doc: &str, params: Bm25Params) -> f32 {
        let docs: Vec<Vec<String>> = CORPUS.iter().map(|d| words(d).collect()).collect();
        let n = docs.len() as f32;
        let avg = docs.iter().map(Vec::len).sum::<usize>() as f32 / n;
        let d: Vec<String> = words(doc).collect();
        let mut score = 0.0;
        for q in words(query) {
            let df = docs.iter().filter(|t| t.contains(&q)).count() as f32;
            if df == 0.0 {
                continue;
            }
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            let tf = d.iter().filter(|w| **w == q).count() as f32;
            let k = params.k1 * (1.0 - params.b + params.b * d.len() as f32 / avg);
            score += idf * tf * (params.k1 + 1.0) / (tf + k);
        }
        score
    }

    #[test]
    fn dot_product_equals_textbook_bm25() {
        for params in [
            Bm25Params::default(),
            Bm25Params { k1: 2.0, b: 0.0 },
            Bm25Params { k1: 0.5, b: 1.0 },
        ] {
            let e = Bm25Embedder::fit(CORPUS, params).unwrap();
            let docs = e.embed_sparse(CORPUS).unwrap();
            for q in [
                "quick fox",
                "the dog the dog",
                "sun and lorem",
                "unknown words only",
            ] {
                for (text, vector) in CORPUS.iter().zip(&docs) {
                    let expected = textbook_bm25(q, text, params);
                    let got = e.query(q).dot(vector);
                    assert!(
                        (got - expected).abs() < 1e-4,
                        "{q:?} vs {text:?}: {got} != {expected}"
                    );
                }
            }
        }
    }

    #[test]
    fn rare_terms_weigh_more_and_ranking_is_sensible() {
        let e = Bm25Embedder::fit(CORPUS, Bm25Params::default()).unwrap();
        let (_, idf_the) = e.term("the").unwrap();
        let (_, idf_lorem) = e.term("lorem").unwrap();
        assert!(idf_lorem > idf_the && idf_the > 0.0);
        let docs = e.embed_sparse(CORPUS).unwrap();
        let q = e.query("quick brown fox");
        let best = (0..docs.len()).max_by(|&a, &b| q.dot(&docs[a]).total_cmp(&q.dot(&docs[b])));
        assert!(matches!(best, Some(0 | 1)));
        assert_eq!(q.dot(&docs[2]), 0.0);
        assert_eq!(e.info().dimension, e.vocabulary.len());
        assert!(docs.iter().all(|d| {
            d.indices()
                .iter()
                .all(|&i| (i as usize) < e.info().dimension)
        }));
    }

    #[test]
    fn empty_corpus_and_bad_params() {
        let e = Bm25Embedder::fit(&[], Bm25Params::default()).unwrap();
        assert!(e.embed_sparse(&["anything"]).unwrap()[0].is_empty());
        assert!(matches!(
            e.embed(&["x"]),
            Err(EmbedError::Unsupported { .. })
        ));
        let bad = Bm25Params { k1: -1.0, b: 0.5 };
        assert!(matches!(
            Bm25Embedder::fit(CORPUS, bad),
            Err(EmbedError::InvalidConfig(_))
        ));
        let bad = Bm25Params { k1: 1.0, b: 1.5 };
        assert!(matches!(
            Bm25Embedder::fit(CORPUS, bad),
            Err(EmbedError::InvalidConfig(_))
        ));
    }
}
