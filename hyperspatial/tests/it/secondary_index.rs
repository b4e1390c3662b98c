//! Secondary indexes on `INDEXED` fields: declared over stored data (in chunks when
//! the collection is large), kept right by updates and deletes, answering like a scan.

use crate::q;
use hyperql::{Engine, Value};
use hyperspatial::Database;

/// Declaring an index over a collection larger than one log record can hold fills
/// it in chunks; the index then answers like a scan.
#[test]
fn indexing_a_large_collection_fills_the_index_in_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let e = Engine::new(db.clone());
    const N: i64 = 50_000;
    let long = "x".repeat(300);
    for chunk in 0..N / 5000 {
        let mut b = db.batch();
        for i in chunk * 5000..(chunk + 1) * 5000 {
            let mut doc = hyperql::Document::default();
            doc.insert("n".into(), Value::Int(i));
            doc.insert("bucket".into(), Value::Int(i % 100));
            doc.insert("note".into(), Value::str(&long));
            b.insert("big", None, doc).unwrap();
        }
        b.commit().unwrap();
    }
    let count = "SELECT COUNT(*) FROM big WHERE bucket = 42";
    let before = q(&e, count).rows;
    assert_eq!(before, vec![vec![Value::Int(N / 100)]]);
    q(
        &e,
        "CREATE SCHEMA big (n Int, bucket Int INDEXED, note String)",
    );
    let indexed = q(&e, count);
    assert_eq!(indexed.rows, before);
    // Only the matching records were read: the index answered.
    assert_eq!(indexed.stats.rows_scanned, (N / 100) as u64);
    // Dropping and declaring the index again leaves no stale entries.
    q(&e, "UPDATE big SET bucket = 1000 WHERE n = 42");
    q(&e, "DROP SCHEMA big");
    q(&e, "UPDATE big SET bucket = 42 WHERE n = 43");
    q(
        &e,
        "CREATE SCHEMA big (n Int, bucket Int INDEXED, note String)",
    );
    let ns = q(&e, "SELECT n FROM big WHERE bucket = 42 ORDER BY n LIMIT 3").rows;
    assert_eq!(
        ns,
        vec![
            vec![Value::Int(43)],
            vec![Value::Int(142)],
            vec![Value::Int(242)]
        ]
    );
    drop(e);
    drop(db);
    let db = Database::open(dir.path()).unwrap();
    let e = Engine::new(db);
    assert_eq!(q(&e, count).rows, before);
}

#[test]
fn indexed_fields_answer_like_a_scan() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let e = Engine::new(db.clone());
    for i in 0..60 {
        let city = ["oslo", "rome", "lima"][i % 3];
        let age = if i % 7 == 0 {
            "NULL".to_string()
        } else {
            (i % 40).to_string()
        };
        q(
            &e,
            &format!("INSERT INTO people (n, city, age) VALUES ({i}, '{city}', {age})"),
        );
    }
    let queries = [
        "SELECT n FROM people WHERE city = 'rome' ORDER BY n",
        "SELECT n FROM people WHERE age > 30 ORDER BY n",
        "SELECT n FROM people WHERE age <= 5 AND city = 'oslo' ORDER BY n",
        "SELECT n FROM people WHERE age >= 10.5 AND age < 12 ORDER BY n",
        "SELECT n FROM people WHERE city IN ('lima', 'oslo') AND age = 4 ORDER BY n",
        "SELECT n FROM people WHERE age <> 3 ORDER BY n",
    ];
    let before: Vec<_> = queries.iter().map(|t| q(&e, t).rows).collect();
    // Declaring the index over existing data fills it; answers do not change.
    q(
        &e,
        "CREATE SCHEMA people (n Int, city String INDEXED, age Int INDEXED)",
    );
    let after: Vec<_> = queries.iter().map(|t| q(&e, t).rows).collect();
    assert_eq!(before, after);
    // Updates and deletes keep the index right.
    q(&e, "UPDATE people SET city = 'oslo' WHERE n = 1");
    q(&e, "DELETE FROM people WHERE n = 4");
    let rome = q(&e, "SELECT n FROM people WHERE city = 'rome' ORDER BY n").rows;
    assert!(!rome.contains(&vec![Value::Int(1)]) && !rome.contains(&vec![Value::Int(4)]));
    let oslo = q(&e, "SELECT n FROM people WHERE city = 'oslo'").rows;
    assert!(oslo.contains(&vec![Value::Int(1)]));
    q(&e, "DROP SCHEMA people");
    assert_eq!(
        q(&e, "SELECT COUNT(*) FROM people WHERE city = 'oslo'").rows,
        vec![vec![Value::Int(21)]]
    );
}
