//! What is accepted is readable, and one damaged record does not make its collection
//! unreadable: nesting is counted through arrays on write, and scans skip (and count)
//! a record that does not decode.

use crate::q;
use hyperql::{Document, Engine, Value};
use hyperspatial::{Database, StoreError};
use std::sync::Arc;

/// `{"k": [{"k": [ ... 1 ... ]}]}` with `levels` levels of objects and arrays.
fn nested(levels: usize) -> Value {
    let mut v = Value::Int(1);
    for i in 0..levels {
        v = if i % 2 == 0 {
            Value::Array(Arc::new(vec![v]))
        } else {
            let mut d = Document::default();
            d.insert("k".into(), v);
            Value::Object(Arc::new(d))
        };
    }
    v
}

#[test]
fn nesting_inside_arrays_is_counted_and_what_is_accepted_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let doc = |levels| {
        let mut d = Document::default();
        d.insert("deep".into(), nested(levels));
        d
    };
    let mut b = db.batch();
    assert!(matches!(
        b.insert("c", None, doc(70)),
        Err(StoreError::Path(_))
    ));
    let mut b = db.batch();
    let id = b.insert("c", None, doc(63)).unwrap();
    b.commit().unwrap();
    let e = Engine::new(db.clone());
    assert_eq!(q(&e, "SELECT COUNT(*) FROM c").rows[0][0], Value::Int(1));
    let back = db.get_entity(id).unwrap().unwrap();
    assert_eq!(back.get("deep"), Some(&nested(63)));
    // Through HyperQL as well: the same limit, a clear error.
    let err = e
        .query(
            &format!(
                "INSERT INTO c (deep) VALUES ({})",
                "[".repeat(70) + &"]".repeat(70)
            ),
            &hyperql::Params::new(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("nested too deep"), "{err}");
}

#[test]
fn a_damaged_record_is_skipped_and_counted_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<uuid::Uuid> = {
        let db = Database::open(dir.path()).unwrap();
        let mut b = db.batch();
        let ids = (0..3)
            .map(|i| {
                let mut d = Document::default();
                d.insert("n".into(), Value::Int(i));
                b.insert("c", None, d).unwrap()
            })
            .collect();
        b.commit().unwrap();
        ids
    };
    {
        // Damage one stored document behind the database's back.
        let path = dir.path().join("collections/c/shard-000.manifold");
        let m = manifold::Database::open(&path).unwrap();
        let cf = m.column_family("properties").unwrap();
        let tx = cf.begin_write().unwrap();
        tx.open_table(manifold::TableDefinition::<uuid::Uuid, [u8]>::new("docs"))
            .unwrap()
            .insert(&ids[1], &[0xff, 0xfe, 0x01][..])
            .unwrap();
        tx.commit().unwrap();
    }
    let db = Database::open(dir.path()).unwrap();
    let e = Engine::new(db.clone());
    // A scan skips it ...
    assert_eq!(q(&e, "SELECT n FROM c").rows.len(), 2);
    assert_eq!(
        q(&e, "SELECT COUNT(*) FROM c WHERE n >= 0").rows[0][0],
        Value::Int(2)
    );
    assert!(db.stats().damaged_skipped >= 1);
    // ... while the collection's count (what `COUNT(*)` without a filter answers,
    // reading no record) still holds the entity: it exists, its record is damaged.
    assert_eq!(q(&e, "SELECT COUNT(*) FROM c").rows[0][0], Value::Int(3));
    // Reading it by id reports it.
    assert!(db.get_entity(ids[1]).is_err());
    // The rest can be exported and deleted.
    let mut out = Vec::new();
    hyperspatial::transfer::export(
        &db,
        "c",
        hyperspatial::transfer::Format::Jsonl,
        &mut out,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(String::from_utf8(out).unwrap().lines().count(), 2);
    assert_eq!(q(&e, "DELETE FROM c").affected, Some(2));
}
