//! Endpoints over a database on disk: `ENDPOINTS(..)` read from the stored
//! documents shard by shard, `collection[key].path`, `SET` creating entities and
//! nested objects in one transaction, and what survives a reopen.

use super::q;
use hyperql::{Engine, Params, Value};
use hyperspatial::{Database, Options};

fn engine(dir: &std::path::Path) -> Engine<Database> {
    let options = Options {
        shards: 3,
        ..Options::default()
    };
    Engine::new(Database::open_with(dir, options).unwrap())
}

fn rows(e: &Engine<Database>, text: &str) -> Vec<Vec<Value>> {
    q(e, text).rows
}

#[test]
fn endpoints_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path());
    q(
        &e,
        r#"INSERT INTO users {"id": "u1", "name": "Ada", "contact": {"email": "ada@x.io", "phone": "1"}},
                      {"id": "u2", "name": "Bob", "contact": {"email": "bob@x.io"}, "tags": ["a", "b"]},
                      {"name": "Anon", "contact": {}}"#,
    );
    // Many entities over three shards.
    for i in 0..40 {
        q(&e, &format!("SET users['k{i}'].n = {i}"));
    }
    let r = rows(
        &e,
        "SELECT path, entity, value FROM ENDPOINTS('users.*.contact.email') ORDER BY path",
    );
    assert_eq!(
        r,
        vec![
            vec![
                Value::str("users.u1.contact.email"),
                Value::str("u1"),
                Value::str("ada@x.io")
            ],
            vec![
                Value::str("users.u2.contact.email"),
                Value::str("u2"),
                Value::str("bob@x.io")
            ],
        ]
    );
    // `**` at any depth: the empty object and the array are leaves.
    let r = rows(&e, "SELECT value FROM ENDPOINTS('users.**.contact') ");
    assert_eq!(r.len(), 1, "{r:?}");
    let r = rows(
        &e,
        "SELECT path FROM ENDPOINTS('users.u2.**') ORDER BY path",
    );
    assert_eq!(r.len(), 3, "{r:?}");
    let r = rows(
        &e,
        "SELECT COUNT(*) FROM ENDPOINTS('users.*.n') WHERE value >= 10",
    );
    assert_eq!(r, vec![vec![Value::Int(30)]]);
    let r = rows(&e, "SELECT users['u1'].contact.phone, users['none'].x");
    assert_eq!(r, vec![vec![Value::str("1"), Value::Null]]);

    // SET: an existing entity, a new one, nested objects created; one transaction.
    let r = q(
        &e,
        "SET users['u1'].profile.bio = 'hi', users['u9'].contact.email = 'nine@x.io', users['u1'].name = 'Ada L'",
    );
    assert_eq!(r.affected, Some(3));
    let r = rows(&e, "SELECT name, profile.bio FROM users WHERE id = 'u1'");
    assert_eq!(r, vec![vec![Value::str("Ada L"), Value::str("hi")]]);
    let r = rows(&e, "SELECT _key, contact.email FROM users WHERE id = 'u9'");
    assert_eq!(r, vec![vec![Value::str("u9"), Value::str("nine@x.io")]]);

    // A statement that fails writes nothing (a bad field name in the second write).
    let bad = e.query(
        "SET users['u10'].a = 1, users['u11'].b = {\"x.y\": 1}",
        &Params::new(),
    );
    assert!(bad.is_err(), "{bad:?}");
    assert_eq!(rows(&e, "SELECT users['u10'].a"), vec![vec![Value::Null]]);

    // Bad patterns are errors, never panics.
    for p in ["users..x", "*.x", "users", "users.a*"] {
        let r = e.query(&format!("SELECT * FROM ENDPOINTS('{p}')"), &Params::new());
        assert!(r.is_err(), "{p}");
    }
    drop(e);

    // After a reopen.
    let e = engine(dir.path());
    let r = rows(
        &e,
        "SELECT entity FROM ENDPOINTS('users.*.contact.email') ORDER BY entity",
    );
    assert_eq!(
        r,
        vec![
            vec![Value::str("u1")],
            vec![Value::str("u2")],
            vec![Value::str("u9")]
        ]
    );
    assert_eq!(
        rows(&e, "SELECT users['u1'].profile.bio"),
        vec![vec![Value::str("hi")]]
    );
}
