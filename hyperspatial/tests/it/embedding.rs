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
