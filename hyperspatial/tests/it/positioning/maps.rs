//! The embedding and property maps.

use super::*;

fn knn(points: &[Vec<f64>], u: usize, k: usize, d: impl Fn(&[f64], &[f64]) -> f64) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..points.len()).filter(|&q| q != u).collect();
    idx.sort_by(|&a, &b| d(&points[u], &points[a]).total_cmp(&d(&points[u], &points[b])));
    idx.truncate(k);
    idx
}

fn cosine_distance(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let nb = b.iter().map(|x| x * x).sum::<f64>().sqrt();
    1.0 - dot / (na * nb)
}

/// Fraction of the `k` nearest neighbours (by cosine) of every input that are
/// among the `k` nearest (by hyperbolic distance) of its image; and the fraction of
/// the images' `k` nearest that share the input's label.
fn neighbour_recall(data: &[Vec<f64>], labels: &[usize], k: usize) -> (f64, f64) {
    let map = EmbeddingMap::new(data[0].len(), EmbeddingOptions::default()).unwrap();
    let images: Vec<Vec<f64>> = data
        .iter()
        .map(|v| {
            let f: Vec<f32> = v.iter().map(|&x| x as f32).collect();
            map.map(&f).unwrap()
        })
        .collect();
    assert!(images.iter().all(|x| x.len() == 17 && on_hyperboloid(x)));
    let h = Hyperboloid::default();
    let (mut kept, mut same) = (0, 0);
    for u in 0..data.len() {
        let a = knn(data, u, k, cosine_distance);
        let b = knn(&images, u, k, |x, y| h.distance(x, y).unwrap());
        kept += a.iter().filter(|q| b.contains(q)).count();
        same += b.iter().filter(|&&q| labels[q] == labels[u]).count();
    }
    let total = (k * data.len()) as f64;
    (kept as f64 / total, same as f64 / total)
}

#[test]
fn embedding_map_preserves_neighbourhoods() {
    let mut rng = StdRng::seed_from_u64(21);
    // (a) Clusters: 30 clusters of 20 points in R^128. The images' 10 nearest
    // neighbours come from the right cluster; the order inside a cluster (set by
    // noise in 128 dimensions) is only partly kept by a 16-dimensional projection.
    let n_in = 128;
    let (mut data, mut labels) = (Vec::new(), Vec::new());
    for c in 0..30 {
        let centre: Vec<f64> = (0..n_in).map(|_| rng.random_range(-1.0..1.0)).collect();
        for _ in 0..20 {
            data.push(
                centre
                    .iter()
                    .map(|x| x + 0.3 * rng.random_range(-1.0..1.0))
                    .collect(),
            );
            labels.push(c);
        }
    }
    let (recall, purity) = neighbour_recall(&data, &labels, 10);
    assert!(purity > 0.99, "cluster purity {purity}");
    assert!(recall > 0.5, "recall {recall}");
    // (b) Data of low intrinsic dimension (a random 6-dimensional subspace of
    // R^256, the usual situation for learned embeddings of one domain): most of
    // the exact 10 nearest neighbours survive (0.64 measured: a random projection
    // of a 6-dimensional subspace to 16 dimensions is far from an isometry).
    let n_in = 256;
    let basis: Vec<Vec<f64>> = (0..6)
        .map(|_| (0..n_in).map(|_| rng.random_range(-1.0..1.0)).collect())
        .collect();
    let data: Vec<Vec<f64>> = (0..600)
        .map(|_| {
            let c: Vec<f64> = (0..6).map(|_| rng.random_range(-1.0..1.0)).collect();
            (0..n_in)
                .map(|i| (0..6).map(|j| c[j] * basis[j][i]).sum())
                .collect()
        })
        .collect();
    let (recall, _) = neighbour_recall(&data, &vec![0; 600], 10);
    assert!(recall > 0.55, "recall {recall}");
}

#[test]
fn embedding_map_is_deterministic_and_checks_input() {
    let v: Vec<f32> = (0..300).map(|i| (i as f32 * 0.37).sin()).collect();
    let a = embedding_to_hyperbolic(&v, 16).unwrap();
    assert_eq!(a, embedding_to_hyperbolic(&v, 16).unwrap());
    // Only the direction matters.
    let w: Vec<f32> = v.iter().map(|x| 3.0 * x).collect();
    let b = embedding_to_hyperbolic(&w, 16).unwrap();
    assert!(Hyperboloid::default().distance(&a, &b).unwrap() < 1e-5);
    // Inputs shorter than the target dimension embed isometrically.
    let small = embedding_to_hyperbolic(&[1.0, 0.0, 0.0], 16).unwrap();
    let small2 = embedding_to_hyperbolic(&[0.0, 1.0, 0.0], 16).unwrap();
    let d = Hyperboloid::default().distance(&small, &small2).unwrap();
    let s = EmbeddingOptions::default().scale;
    let expected = (1.0 + 2.0 * s.sinh().powi(2) * 0.5).acosh(); // angle 90 degrees
    assert!((d - expected).abs() < 1e-9, "{d} {expected}");
    assert!(embedding_to_hyperbolic(&[0.0; 8], 16).is_err());
    assert!(embedding_to_hyperbolic(&[f32::NAN, 1.0], 16).is_err());
    assert!(embedding_to_hyperbolic(&[], 16).is_err());
    assert!(embedding_to_hyperbolic(&[1.0], 0).is_err());
}

#[test]
fn property_fingerprints_are_set_functions_and_similarity_sketches() {
    let a = [
        ("name", "ada"),
        ("address.city", "london"),
        ("age", "36"),
        ("role", "eng"),
    ];
    let a_shuffled = [
        ("age", "36"),
        ("role", "eng"),
        ("name", "ada"),
        ("address.city", "london"),
        ("age", "36"),
    ];
    let fa = property_fingerprint(&a, 16).unwrap();
    assert_eq!(fa, property_fingerprint(&a_shuffled, 16).unwrap());
    assert!(on_hyperboloid(&fa));
    let h = Hyperboloid::default();
    // Averaged over many random records: one changed value stays nearer than a
    // record with all values changed.
    let mut rng = StdRng::seed_from_u64(9);
    let (mut near, mut far) = (0.0, 0.0);
    let trials = 200;
    for _ in 0..trials {
        let vals: Vec<String> = (0..6)
            .map(|_| rng.random_range(0..1000).to_string())
            .collect();
        let keys = ["a", "b.c", "d", "e.f.g", "h", "i"];
        let base: Vec<(&str, &str)> = keys
            .iter()
            .copied()
            .zip(vals.iter().map(String::as_str))
            .collect();
        let other = rng.random_range(0..1000).to_string();
        let mut one = base.clone();
        one[0].1 = &other;
        let vals2: Vec<String> = (0..6)
            .map(|_| rng.random_range(1000..2000).to_string())
            .collect();
        let all: Vec<(&str, &str)> = keys
            .iter()
            .copied()
            .zip(vals2.iter().map(String::as_str))
            .collect();
        let fb = property_fingerprint(&base, 16).unwrap();
        near += h
            .distance(&fb, &property_fingerprint(&one, 16).unwrap())
            .unwrap();
        far += h
            .distance(&fb, &property_fingerprint(&all, 16).unwrap())
            .unwrap();
    }
    assert!(near < 0.7 * far, "near {near} far {far}");
    assert_eq!(
        property_fingerprint(&[], 4).unwrap(),
        vec![1.0, 0.0, 0.0, 0.0, 0.0]
    );
    assert!(property_fingerprint(&a, 0).is_err());
}
