//! Vector types and the few kernels the embedders and their users need.

/// A sparse vector: strictly increasing indices with one weight each.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SparseVector {
    indices: Vec<u32>,
    values: Vec<f32>,
}

impl SparseVector {
    /// Builds a sparse vector from (index, weight) pairs in any order. Weights of a
    /// repeated index are summed; entries whose weight ends at zero are dropped.
    pub fn from_pairs(mut pairs: Vec<(u32, f32)>) -> Self {
        pairs.sort_unstable_by_key(|&(i, _)| i);
        let mut indices = Vec::with_capacity(pairs.len());
        let mut values: Vec<f32> = Vec::with_capacity(pairs.len());
        for (i, w) in pairs {
            if indices.last() == Some(&i) {
                if let Some(last) = values.last_mut() {
                    *last += w;
                }
            } else {
                indices.push(i);
                values.push(w);
            }
        }
        let mut out = SparseVector { indices, values };
        out.retain_nonzero();
        out
    }

    fn retain_nonzero(&mut self) {
        let mut k = 0;
        for j in 0..self.indices.len() {
            if self.values[j] != 0.0 {
                self.indices[k] = self.indices[j];
                self.values[k] = self.values[j];
                k += 1;
            }
        }
        self.indices.truncate(k);
        self.values.truncate(k);
    }

    /// The indices, strictly increasing.
    pub fn indices(&self) -> &[u32] {
        &self.indices
    }

    /// The weights, one per index.
    pub fn values(&self) -> &[f32] {
        &self.values
    }

    /// Number of non-zero entries.
    pub fn len(&self) -> usize {
        self.indices.len()
    }

    /// Whether the vector has no non-zero entry.
    pub fn is_empty(&self) -> bool {
        self.indices.is_empty()
    }

    /// The weight at `index` (zero when absent).
    pub fn get(&self, index: u32) -> f32 {
        self.indices
            .binary_search(&index)
            .map_or(0.0, |k| self.values[k])
    }

    /// Dot product with another sparse vector (a merge of the two index lists).
    pub fn dot(&self, other: &SparseVector) -> f32 {
        let (mut i, mut j, mut sum) = (0, 0, 0.0f32);
        while i < self.indices.len() && j < other.indices.len() {
            match self.indices[i].cmp(&other.indices[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    sum += self.values[i] * other.values[j];
                    i += 1;
                    j += 1;
                }
            }
        }
        sum
    }

    /// L2 norm.
    pub fn norm(&self) -> f32 {
        self.values.iter().map(|v| v * v).sum::<f32>().sqrt()
    }

    /// Writes the vector into a dense one of length `dimension` (indices at or above it
    /// are dropped).
    pub fn to_dense(&self, dimension: usize) -> Vec<f32> {
        let mut out = vec![0.0; dimension];
        for (&i, &v) in self.indices.iter().zip(&self.values) {
            if let Some(slot) = out.get_mut(i as usize) {
                *slot = v;
            }
        }
        out
    }
}

/// The vectors of one text's tokens, in token order, each of the model's dimension.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TokenVectors {
    /// The tokens as the model's tokenizer wrote them (e.g. `[CLS]`, `hello`, `##s`).
    pub tokens: Vec<String>,
    /// One vector per token.
    pub vectors: Vec<Vec<f32>>,
}

impl TokenVectors {
    /// Late-interaction score (ColBERT's MaxSim): for each vector of `self`, the best dot
    /// product with a vector of `other`, summed. Zero when either side is empty.
    pub fn max_sim(&self, other: &TokenVectors) -> f32 {
        self.vectors
            .iter()
            .map(|q| {
                other
                    .vectors
                    .iter()
                    .map(|d| dot(q, d))
                    .fold(None, |best: Option<f32>, s| {
                        Some(best.map_or(s, |b| b.max(s)))
                    })
                    .unwrap_or(0.0)
            })
            .sum()
    }
}

/// Dot product over the common prefix of `a` and `b`.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Cosine similarity; zero when either vector is zero.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let (na, nb) = (dot(a, a).sqrt(), dot(b, b).sqrt());
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot(a, b) / (na * nb)
    }
}

/// Scales `v` to unit L2 norm in place; a zero vector stays zero.
pub fn l2_normalize(v: &mut [f32]) {
    let norm = dot(v, v).sqrt();
    if norm > 0.0 {
        for x in v.iter_mut() {
            *x /= norm;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn from_pairs_sorts_merges_and_drops_zeros() {
        let v = SparseVector::from_pairs(vec![(5, 1.0), (2, 2.0), (5, -1.0), (9, 0.5), (2, 1.0)]);
        assert_eq!(v.indices(), &[2, 9]);
        assert_eq!(v.values(), &[3.0, 0.5]);
        assert_eq!(v.get(9), 0.5);
        assert_eq!(v.get(5), 0.0);
    }

    #[test]
    fn max_sim_takes_best_match_per_query_token() {
        let q = TokenVectors {
            tokens: vec!["a".into(), "b".into()],
            vectors: vec![vec![1.0, 0.0], vec![0.0, 1.0]],
        };
        let d = TokenVectors {
            tokens: vec!["x".into(), "y".into()],
            vectors: vec![vec![0.6, 0.8], vec![1.0, 0.0]],
        };
        assert!((q.max_sim(&d) - 1.8).abs() < 1e-6);
        assert_eq!(q.max_sim(&TokenVectors::default()), 0.0);
    }

    proptest! {
        #[test]
        fn sparse_dot_matches_dense(
            a in proptest::collection::vec((0u32..64, -2.0f32..2.0), 0..20),
            b in proptest::collection::vec((0u32..64, -2.0f32..2.0), 0..20),
        ) {
            let (sa, sb) = (SparseVector::from_pairs(a), SparseVector::from_pairs(b));
            prop_assert!(sa.indices().windows(2).all(|w| w[0] < w[1]));
            let dense = dot(&sa.to_dense(64), &sb.to_dense(64));
            prop_assert!((sa.dot(&sb) - dense).abs() < 1e-4);
            prop_assert!((sa.norm() - dot(&sa.to_dense(64), &sa.to_dense(64)).sqrt()).abs() < 1e-4);
        }

        #[test]
        fn normalized_vectors_have_unit_norm(v in proptest::collection::vec(-10.0f32..10.0, 1..50)) {
            let mut w = v.clone();
            l2_normalize(&mut w);
            if v.iter().any(|x| *x != 0.0) {
                prop_assert!((dot(&w, &w) - 1.0).abs() < 1e-4);
                prop_assert!((cosine(&v, &w) - 1.0).abs() < 1e-4);
            }
        }
    }
}
