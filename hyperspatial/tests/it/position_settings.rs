//! Per-collection position settings: the fingerprint leaves id-like fields out, a
//! change places every entity again and persists, and `COMBINED_DISTANCE` uses the
//! collection's weights.

use crate::q;
use hyperql::{Document, Engine, Params, Value};
use hyperspatial::positioning::{PositionMix, Weights};
use hyperspatial::{
    DEFAULT_IGNORE, Database, PositionSettings, StoreError, VectorField, VectorMetric,
};

fn property(db: &Database, key: &str) -> Option<Vec<f64>> {
    let id = db.resolve(&Value::str(key)).unwrap();
    db.placement(id).unwrap().unwrap().property
}

fn position(db: &Database, key: &str) -> Vec<f64> {
    let id = db.resolve(&Value::str(key)).unwrap();
    db.placement(id).unwrap().unwrap().combined
}

#[test]
fn id_like_fields_do_not_scatter_alike_entities_until_the_settings_say_so() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = Database::open(dir.path()).unwrap();
        let e = Engine::new(db.clone());
        q(
            &e,
            "INSERT INTO parts (id, name, parent_id, parents, ownerId) VALUES \
             ('a', 'bolt', 'p1', ['x'], 1), ('b', 'bolt', 'p2', ['y', 'z'], 2), ('c', 'nut', 'p1', ['x'], 1)",
        );
        assert_eq!(property(&db, "a"), property(&db, "b"));
        assert_ne!(property(&db, "a"), property(&db, "c"));
        assert_eq!(position(&db, "a"), position(&db, "b"));
        let s = db.position_settings("parts").unwrap();
        assert_eq!(
            s.ignore,
            DEFAULT_IGNORE
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
        );
        assert_eq!(s.mix, PositionMix::GraphFirst);
        let placed = db
            .set_position_settings(
                "parts",
                PositionSettings {
                    ignore: Some(vec!["ownerId".into()]),
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(placed, 3);
        assert_ne!(property(&db, "a"), property(&db, "b"));
        assert_ne!(position(&db, "a"), position(&db, "b"));
    }
    // The settings persist, and new writes follow them.
    let db = Database::open(dir.path()).unwrap();
    assert_eq!(db.position_settings("parts").unwrap().ignore, ["ownerId"]);
    let e = Engine::new(db.clone());
    q(
        &e,
        "INSERT INTO parts (id, name, parent_id, parents, ownerId) VALUES ('d', 'bolt', 'p1', ['x'], 7)",
    );
    assert_eq!(property(&db, "d"), property(&db, "a"));
    assert_ne!(property(&db, "d"), property(&db, "b"));
}

#[test]
fn bad_settings_and_unknown_collections_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let e = Engine::new(db.clone());
    q(
        &e,
        "INSERT INTO parts (id, name, parent_id) VALUES ('a', 'bolt', 'p1'), ('b', 'bolt', 'p2')",
    );
    let before = db.position_settings("parts").unwrap();
    let bad = PositionSettings {
        weights: Some(Weights {
            graph: 0.0,
            embedding: 0.0,
            property: 0.0,
        }),
        ..Default::default()
    };
    assert!(matches!(
        db.set_position_settings("parts", bad),
        Err(StoreError::Invalid(_))
    ));
    let star = PositionSettings {
        ignore: Some(vec!["a*b".into()]),
        ..Default::default()
    };
    assert!(matches!(
        db.set_position_settings("parts", star),
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        db.set_position_settings("nothing", PositionSettings::default()),
        Err(StoreError::UnknownCollection(_))
    ));
    assert!(matches!(
        db.position_settings("nothing"),
        Err(StoreError::UnknownCollection(_))
    ));
    assert_eq!(db.position_settings("parts").unwrap(), before);
    assert_eq!(property(&db, "a"), property(&db, "b"));
}

#[test]
fn combined_distance_uses_the_collection_weights() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    db.define_vector_field(
        "items",
        "emb",
        VectorField {
            dim: 3,
            metric: VectorMetric::Cosine,
        },
    )
    .unwrap();
    let mut b = db.batch();
    for (key, name, v) in [
        ("a", "red", [1.0, 0.0, 0.0]),
        ("b", "blue", [0.0, 1.0, 0.0]),
    ] {
        let mut d = Document::default();
        d.insert("id".into(), Value::str(key));
        d.insert("name".into(), Value::str(name));
        d.insert("emb".into(), Value::Vector(v.to_vec().into()));
        b.insert("items", None, d).unwrap();
    }
    b.commit().unwrap();
    let e = Engine::new(db.clone());
    let dist = || match e
        .query("SELECT COMBINED_DISTANCE('a', 'b')", &Params::new())
        .unwrap()
        .rows[0][0]
    {
        Value::Float(x) => x,
        ref other => panic!("{other:?}"),
    };
    let only = |embedding: f64, property: f64| PositionSettings {
        weights: Some(Weights {
            graph: 0.0,
            embedding,
            property,
        }),
        mix: Some(PositionMix::Weighted),
        ..Default::default()
    };
    db.set_position_settings("items", only(1.0, 0.0)).unwrap();
    let by_embedding = dist();
    db.set_position_settings("items", only(0.0, 1.0)).unwrap();
    let by_property = dist();
    assert!(by_embedding > 0.0 && by_property > 0.0);
    assert!(
        (by_embedding - by_property).abs() > 1e-6,
        "{by_embedding} {by_property}"
    );
    // Half and half is the mean of the two.
    db.set_position_settings("items", only(1.0, 1.0)).unwrap();
    let both = dist();
    assert!(
        (both - (by_embedding + by_property) / 2.0).abs() < 1e-9,
        "{both}"
    );
    // The combined point follows the weights too: with only the embedding it is the
    // embedding component.
    db.set_position_settings("items", only(1.0, 0.0)).unwrap();
    let id = db.resolve(&Value::str("a")).unwrap();
    let p = db.placement(id).unwrap().unwrap();
    assert_eq!(Some(p.combined), p.embedding);
}
