//! Concurrent changes to a collection's configuration: every change is kept (no
//! lost update between a read and a save), and a change of the position settings
//! re-places every entity, including those written while it runs.

use crate::q;
use hyperql::{Engine, Value};
use hyperspatial::{Database, PositionSettings, TimeSeriesConfig, VectorField, VectorMetric};
use std::collections::BTreeMap;

fn settings(ignore: &[&str]) -> PositionSettings {
    PositionSettings {
        ignore: Some(ignore.iter().map(|s| s.to_string()).collect()),
        ..Default::default()
    }
}

/// Eight threads change one collection's configuration at once: six declare
/// vector fields, one changes the position settings, one makes it a time series.
/// Every change is there afterwards, and after a reopen.
#[test]
fn concurrent_configuration_changes_are_all_kept() {
    let dir = tempfile::tempdir().unwrap();
    let last = settings(&["k5"]);
    {
        let db = Database::open(dir.path()).unwrap();
        // Created up front, so every thread changes one existing configuration.
        db.define_vector_field(
            "c",
            "seed",
            VectorField {
                dim: 2,
                metric: VectorMetric::Euclidean,
            },
        )
        .unwrap();
        std::thread::scope(|s| {
            for t in 0..6 {
                let db = db.clone();
                s.spawn(move || {
                    for i in 0..8 {
                        let vf = VectorField {
                            dim: 2 + t,
                            metric: VectorMetric::Cosine,
                        };
                        db.define_vector_field("c", &format!("f{t}_{i}"), vf)
                            .unwrap();
                    }
                });
            }
            let db6 = db.clone();
            let last = last.clone();
            s.spawn(move || {
                for i in 0..6 {
                    db6.set_position_settings("c", settings(&[&format!("k{i}")]))
                        .unwrap();
                }
                db6.set_position_settings("c", last).unwrap();
            });
            let db7 = db.clone();
            s.spawn(move || {
                let ts = TimeSeriesConfig {
                    time_field: "at".into(),
                    series_field: Some("sensor".into()),
                    value_fields: vec!["v".into()],
                };
                db7.define_time_series("c", ts).unwrap();
            });
        });
        check_config(&db, &last);
    }
    let db = Database::open(dir.path()).unwrap();
    check_config(&db, &last);
}

fn check_config(db: &Database, last: &PositionSettings) {
    let cfg = db.collection_config("c").unwrap();
    let mut want: BTreeMap<String, usize> = BTreeMap::new();
    want.insert("seed".into(), 2);
    for t in 0..6 {
        for i in 0..8 {
            want.insert(format!("f{t}_{i}"), 2 + t);
        }
    }
    let got: BTreeMap<String, usize> = cfg
        .vectors
        .iter()
        .map(|(k, v)| (k.clone(), v.dim))
        .collect();
    assert_eq!(got, want, "a vector field declaration was lost");
    assert_eq!(&cfg.positions, last, "the position settings were lost");
    let ts = cfg.time_series.expect("the time series was lost");
    assert_eq!(ts.time_field, "at");
    // Each declared field has its index too: a k-NN width can be set on it.
    for name in want.keys() {
        db.set_vector_search_width("c", name, 50).unwrap();
    }
}

fn properties(db: &Database) -> BTreeMap<String, Option<Vec<f64>>> {
    let e = Engine::new(db.clone());
    let rows = q(&e, "SELECT _key FROM parts").rows;
    rows.iter()
        .map(|r| {
            let key = match &r[0] {
                Value::String(s) => s.to_string(),
                other => panic!("key {other:?}"),
            };
            let id = db.resolve(&Value::str(&key)).unwrap();
            (key, db.placement(id).unwrap().unwrap().property)
        })
        .collect()
}

/// Inserts run while the position settings change back and forth: afterwards every
/// entity is placed as the settings in effect place it: the same as placing them
/// all again with those settings.
#[test]
fn settings_changed_during_inserts_place_every_entity_by_the_settings_in_effect() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let e = Engine::new(db.clone());
    q(
        &e,
        "INSERT INTO parts (id, name, tag) VALUES ('seed', 'bolt', 'x')",
    );
    std::thread::scope(|s| {
        for t in 0..3 {
            let e = Engine::new(db.clone());
            s.spawn(move || {
                for i in 0..40 {
                    let text = format!(
                        "INSERT INTO parts (id, name, tag) VALUES ('p{t}_{i}', 'n{}', 't{}')",
                        i % 5,
                        i % 7
                    );
                    q(&e, &text);
                }
            });
        }
        let db = db.clone();
        s.spawn(move || {
            for i in 0..12 {
                let s = if i % 2 == 0 {
                    settings(&["tag"])
                } else {
                    settings(&[])
                };
                db.set_position_settings("parts", s).unwrap();
            }
        });
    });
    assert_eq!(db.count(Some("parts")), 121);
    let stored = db.collection_config("parts").unwrap().positions;
    assert_eq!(stored, settings(&[]));
    let before = properties(&db);
    db.set_position_settings("parts", stored).unwrap();
    let after = properties(&db);
    let wrong: Vec<&String> = before
        .keys()
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} entities placed by settings no longer in effect: {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(5)]
    );
}
