//! Schema changes over stored data: dropping a field of a closed schema removes its
//! values, a schema that stored data does not fit is refused, a time-series schema
//! makes its Float fields series.

use crate::q;
use hyperql::{Engine, Params, Value};
use hyperspatial::Database;

#[test]
fn alter_drop_field_on_closed_schema_removes_values() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let e = Engine::new(db.clone());
    q(
        &e,
        "CREATE SCHEMA items (name String REQUIRED, note String) WITH EXTENSIBILITY Closed",
    );
    q(
        &e,
        "INSERT INTO items (id, name, note) VALUES ('i1', 'x', 'n')",
    );
    q(&e, "ALTER SCHEMA items DROP FIELD note");
    let r = db.get(&Value::str("i1")).unwrap().unwrap();
    assert!(r.get("note").is_none());
    // The fields every record has are not refused by a closed schema; others are.
    let r = e
        .query(
            "SELECT _key, _type, id FROM items WHERE _key = 'i1' ORDER BY position DISTANCE FROM 'i1'",
            &Params::new(),
        )
        .unwrap();
    assert_eq!(r.rows[0][0], Value::str("i1"));
    assert!(e.query("SELECT nope FROM items", &Params::new()).is_err());
    // CREATE SCHEMA over data that does not fit is refused and changes nothing.
    q(&e, "INSERT INTO loose (id, n) VALUES ('l1', 'text')");
    assert!(
        e.query("CREATE SCHEMA loose (n Int)", &Params::new())
            .is_err()
    );
    assert!(db.schema_of("loose").is_none());
}

#[test]
fn a_time_series_schema_stores_its_float_fields_as_series() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let e = Engine::new(db.clone());
    let q = |text: &str| e.query(text, &Params::new());
    // A value field that is not a Float: refused, and nothing is created.
    let err = q("CREATE SCHEMA bad (sym String REQUIRED, at Timestamp REQUIRED, side String) WITH TIME SERIES (at, SERIES sym)")
        .unwrap_err();
    assert!(err.to_string().contains("`bad.side` is String"), "{err}");
    assert!(db.schema_of("bad").is_none());
    assert!(db.time_series_of("bad").is_none());
    q("CREATE SCHEMA ticks (sym String REQUIRED, at Timestamp REQUIRED, px Float, size Float) WITH TIME SERIES (at, SERIES sym)")
        .unwrap();
    let cfg = db.time_series_of("ticks").unwrap();
    assert_eq!(
        (cfg.time_field.as_str(), cfg.series_field.as_deref()),
        ("at", Some("sym"))
    );
    assert_eq!(cfg.value_fields, ["px", "size"]);
    assert!(db.schema_of("ticks").is_some());
    let mut ps = Params::new();
    for (k, t) in [("t1", 10), ("t2", 20), ("t3", 30)] {
        ps.insert(k.to_string(), Value::Timestamp(t));
    }
    e.query(
        "INSERT INTO ticks (sym, at, px, size) VALUES ('A', $t1, 1.5, 2.0), ('B', $t2, 2.5, 1.0), ('A', $t3, 3.5, 4.0)",
        &ps,
    )
    .unwrap();
    let r = e
        .query("SELECT sym, px FROM ticks WHERE at >= $t2 ORDER BY px", &ps)
        .unwrap();
    assert_eq!(
        r.rows,
        vec![
            vec![Value::str("B"), Value::Float(2.5)],
            vec![Value::str("A"), Value::Float(3.5)]
        ]
    );
    // The schema's types are kept: a String value is refused.
    let bad = q("INSERT INTO ticks (sym, at, px) VALUES ('A', NOW(), 'high')");
    assert!(bad.is_err(), "{bad:?}");
}
