//! What a backend does with embedders: keep them by name as trait objects, check what
//! they produce before calling them.

use std::collections::BTreeMap;
use std::sync::Arc;

use tessera_bridge::{
    Bm25Embedder, Bm25Params, EmbedError, Embedder, HashingEmbedder, Normalization, OutputKind,
};

#[test]
fn registry_of_trait_objects_dispatches_by_capability() {
    let corpus = [
        "red apples and green pears",
        "a bowl of red cherries",
        "green tea",
    ];
    let mut registry: BTreeMap<String, Arc<dyn Embedder>> = BTreeMap::new();
    for e in [
        Arc::new(HashingEmbedder::default()) as Arc<dyn Embedder>,
        Arc::new(Bm25Embedder::fit(&corpus, Bm25Params::default()).unwrap()),
    ] {
        registry.insert(e.info().name.clone(), e);
    }

    let hashing = &registry["hashing-384"];
    assert!(hashing.info().supports(OutputKind::Dense));
    assert_eq!(hashing.info().normalization, Normalization::L2);
    assert_eq!(hashing.embed_one("red apples").unwrap().len(), 384);

    let bm25 = &registry["bm25"];
    assert!(!bm25.info().supports(OutputKind::Dense));
    assert!(bm25.info().supports(OutputKind::Sparse));
    let err = bm25.embed_one("red apples").unwrap_err();
    assert!(matches!(
        err,
        EmbedError::Unsupported {
            kind: OutputKind::Dense,
            ..
        }
    ));
    assert_eq!(
        err.to_string(),
        "embedder `bm25` does not produce dense embeddings"
    );
    let sparse = bm25.embed_sparse(&corpus).unwrap();
    assert_eq!(sparse.len(), 3);
    assert!(sparse.iter().all(|v| !v.is_empty()));
}

#[test]
fn embedders_are_shared_across_threads() {
    let e: Arc<dyn Embedder> = Arc::new(HashingEmbedder::default());
    let expected = e.embed_one("shared across threads").unwrap();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let e = Arc::clone(&e);
            std::thread::spawn(move || e.embed_one("shared across threads").unwrap())
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), expected);
    }
}

#[test]
fn empty_batches_give_empty_outputs() {
    let e = HashingEmbedder::default();
    assert!(e.embed(&[]).unwrap().is_empty());
    assert!(e.embed_sparse(&[]).unwrap().is_empty());
}
