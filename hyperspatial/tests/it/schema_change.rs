//! Schema changes over stored data: dropping a field of a closed schema removes its
//! values, a schema that stored data does not fit is refused, a time-series schema
//! (not stored by hyperspatial yet) is refused.

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
fn a_time_series_schema_is_refused_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let e = Engine::new(db.clone());
    let err = e
        .query(
            "CREATE SCHEMA ticks (sym String REQUIRED, at Timestamp REQUIRED) WITH TIME SERIES (at, SERIES sym)",
            &Params::new(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("WITH TIME SERIES"), "{err}");
    assert!(db.schema_of("ticks").is_none());
}
