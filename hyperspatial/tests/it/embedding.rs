//! `EMBED()` with and without a registered embedder, and auto-embedding of a text
//! field into a vector field on insert and update.

use crate::q;
use hyperql::{Engine, Params, Value};
use hyperspatial::{Database, VectorField, VectorMetric};
use std::sync::Arc;
use tessera_bridge::{Embedder, HashingEmbedder};

#[test]
fn embed_function_and_auto_embedding() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let e = Engine::new(db.clone());
    assert!(
        e.query("SELECT EMBED('hello')", &Params::new()).is_err(),
        "no embedder yet"
    );
    let hashing = Arc::new(HashingEmbedder::default());
    db.register_embedder(hashing.clone());
    let r = q(&e, "SELECT EMBED('hello world')");
    let expected = hashing.embed_one("hello world").unwrap();
    assert_eq!(r.rows[0][0], Value::Vector(expected.clone().into()));
    let name = hashing.info().name.clone();
    let r = q(&e, &format!("SELECT EMBED('hello world', '{name}')"));
    assert_eq!(r.rows[0][0], Value::Vector(expected.into()));
    assert!(
        e.query("SELECT EMBED('x', 'no-such-model')", &Params::new())
            .is_err()
    );

    db.define_vector_field(
        "notes",
        "text_vec",
        VectorField {
            dim: 384,
            metric: VectorMetric::Cosine,
        },
    )
    .unwrap();
    db.define_auto_embed("notes", "text", "text_vec").unwrap();
    q(
        &e,
        "INSERT INTO notes (id, text) VALUES ('a', 'rust storage engines'), ('b', 'baking sourdough bread'), ('c', 'embedded key value stores in rust')",
    );
    let r = q(
        &e,
        "SELECT _key FROM notes ORDER BY SIMILARITY(text_vec, EMBED('rust databases'), 'cosine') DESC LIMIT 1",
    );
    assert!(matches!(&r.rows[0][0], Value::String(s) if &**s == "a" || &**s == "c"));
    // Updating the text re-embeds it.
    q(
        &e,
        "UPDATE notes SET text = 'rust storage engines and databases' WHERE id = 'b'",
    );
    let b = db.get(&Value::str("b")).unwrap().unwrap();
    let want = hashing
        .embed_one("rust storage engines and databases")
        .unwrap();
    assert_eq!(b.get("text_vec"), Some(&Value::Vector(want.into())));
    // A wrong dimension is refused when configuring.
    db.define_vector_field(
        "notes",
        "small",
        VectorField {
            dim: 8,
            metric: VectorMetric::Cosine,
        },
    )
    .unwrap();
    assert!(db.define_auto_embed("notes", "text", "small").is_err());
}

/// Counts the texts it embeds, delegating to the hashing embedder.
struct Counting {
    inner: HashingEmbedder,
    texts: std::sync::atomic::AtomicUsize,
}

impl Embedder for Counting {
    fn info(&self) -> &tessera_bridge::ModelInfo {
        self.inner.info()
    }
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, tessera_bridge::EmbedError> {
        self.texts
            .fetch_add(texts.len(), std::sync::atomic::Ordering::SeqCst);
        self.inner.embed(texts)
    }
}

/// `EMBED` of constant text in a k-NN query is evaluated once, before the k-NN
/// rewrite: the field's index answers (few rows read, `Knn` in EXPLAIN) and the model
/// runs once per query, whatever the number of rows.
#[test]
fn embed_of_constant_text_uses_the_vector_index_and_runs_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let e = Engine::new(db.clone());
    db.define_vector_field(
        "docs",
        "v",
        VectorField {
            dim: 384,
            metric: VectorMetric::Cosine,
        },
    )
    .unwrap();
    let hashing = HashingEmbedder::default();
    let mut b = db.batch();
    for i in 0..500 {
        let mut d = hyperql::Document::default();
        d.insert("id".into(), Value::str(&format!("d{i}")));
        let text = format!("note {i} about topic {}", i % 17);
        d.insert("text".into(), Value::str(&text));
        d.insert(
            "v".into(),
            Value::Vector(hashing.embed_one(&text).unwrap().into()),
        );
        b.insert("docs", None, d).unwrap();
    }
    b.commit().unwrap();
    let counting = Arc::new(Counting {
        inner: HashingEmbedder::default(),
        texts: Default::default(),
    });
    db.register_embedder(counting.clone());
    let query = "SELECT _key FROM docs \
                 ORDER BY SIMILARITY(v, EMBED('note about topic 3'), 'cosine') DESC LIMIT 5";
    let r = q(&e, query);
    assert_eq!(r.rows.len(), 5);
    assert!(
        r.stats.rows_scanned <= 5 * 4,
        "the index must answer: {} rows read",
        r.stats.rows_scanned
    );
    assert_eq!(
        counting.texts.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "one embedding per query"
    );
    // The same similarities as the plan without the index (embedding per row, full
    // scan); rows of equal similarity may come in another order.
    let scored = "SELECT SIMILARITY(v, EMBED('note about topic 3'), 'cosine') AS s FROM docs \
                  ORDER BY SIMILARITY(v, EMBED('note about topic 3'), 'cosine') DESC LIMIT 5";
    let plain = Engine::new(db.clone()).with_optimizer(false);
    assert_eq!(q(&e, scored).rows, q(&plain, scored).rows);
    let plan = e.explain(query, &Params::new()).unwrap();
    assert!(plan.contains("Knn"), "{plan}");
}
