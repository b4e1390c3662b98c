//! The column cache answers scans exactly as the stored records do: after every kind
//! of write (insert, update, a field removed, a type changed, nested values, delete),
//! on several shards, and while writers commit beside the scans (a scan never sees
//! data older than what was acknowledged before it started).

use hyperql::{Document, Engine, Params, Value};
use hyperspatial::{Database, Options};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

fn doc(fields: &[(&str, Value)]) -> Document {
    fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// Deterministic numbers for the data set.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

const QUERIES: &[&str] = &[
    "SELECT city, COUNT(*), AVG(age) FROM users WHERE age > 30 GROUP BY city ORDER BY city",
    "SELECT name, score FROM users WHERE age > 20 AND city = 'c3' ORDER BY score DESC, name LIMIT 10",
    "SELECT name FROM users WHERE city IN ('c1', 'c2') AND score >= 0.5 ORDER BY name",
    "SELECT COUNT(*) FROM users WHERE extra IS NULL",
    "SELECT COUNT(*) FROM users WHERE age > 30 AND city = 'c3'",
    "SELECT name, extra FROM users WHERE extra IS NOT NULL ORDER BY name",
    "SELECT name FROM users WHERE profile.level = 2 ORDER BY name",
    "SELECT MAX(age), MIN(score), SUM(age) FROM users",
    "SELECT DISTINCT city FROM users ORDER BY city",
];

/// Every query, three times through the optimizer (the first reads the stored
/// records, the second builds the columns, the third reads them), equals the
/// unoptimized engine's answer, which reads whole records.
fn check(db: &Database, step: &str) {
    let fast = Engine::new(db.clone());
    let plain = Engine::new(db.clone()).with_optimizer(false);
    let p = Params::new();
    for q in QUERIES {
        let want = plain.query(q, &p).unwrap().rows;
        for run in 0..3 {
            let got = fast.query(q, &p).unwrap().rows;
            assert_eq!(got, want, "{step}, run {run}: {q}");
        }
    }
}

#[test]
fn columns_answer_as_the_stored_records_after_every_kind_of_write() {
    let dir = tempfile::tempdir().unwrap();
    let opts = Options {
        shards: 3,
        ..Options::default()
    };
    let db = Database::open_with(dir.path(), opts).unwrap();
    let mut rng = Rng(42);
    let mut ids = Vec::new();
    let mut b = db.batch();
    for i in 0..600 {
        let mut d = doc(&[
            ("name", Value::str(&format!("user {i:03}"))),
            ("age", Value::Int(18 + (rng.next() % 60) as i64)),
            ("city", Value::str(&format!("c{}", rng.next() % 6))),
            ("score", Value::Float((rng.next() % 1000) as f64 / 1000.0)),
        ]);
        if i % 7 == 0 {
            d.insert(
                "profile".into(),
                Value::Object(Arc::new(doc(&[("level", Value::Int((i % 3) as i64))]))),
            );
        }
        ids.push(b.insert("users", None, d).unwrap());
    }
    b.commit().unwrap();
    check(&db, "loaded");
    assert!(db.stats().column_cache_bytes > 0, "the columns were built");

    let mut b = db.batch();
    for id in ids.iter().step_by(5) {
        b.set(*id, "age", Value::Int(31)).unwrap();
        b.set(*id, "extra", Value::str("x")).unwrap();
    }
    b.commit().unwrap();
    check(&db, "updated");

    let mut b = db.batch();
    for id in ids.iter().step_by(11) {
        b.set(*id, "extra", Value::Null).unwrap();
        b.set(*id, "score", Value::str("not a number")).unwrap();
    }
    b.commit().unwrap();
    check(&db, "fields removed and retyped");

    let mut b = db.batch();
    for id in ids.iter().skip(3).step_by(4) {
        b.delete(*id).unwrap();
    }
    b.insert("users", None, doc(&[("name", Value::str("only a name"))]))
        .unwrap();
    b.commit().unwrap();
    check(&db, "deleted and inserted");
}

#[test]
fn a_cache_larger_than_its_budget_is_not_kept_and_answers_stay_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let opts = Options {
        column_cache: 4096,
        ..Options::default()
    };
    let db = Database::open_with(dir.path(), opts).unwrap();
    let mut b = db.batch();
    for i in 0..500 {
        b.insert(
            "users",
            None,
            doc(&[
                ("name", Value::str(&format!("user {i}"))),
                ("age", Value::Int(i % 70)),
                ("city", Value::str(&format!("c{}", i % 4))),
                ("score", Value::Float(i as f64 / 500.0)),
            ]),
        )
        .unwrap();
    }
    b.commit().unwrap();
    check(&db, "over budget");
    assert_eq!(db.stats().column_cache_bytes, 0);
}

/// Writers set one counter field of every entity in one batch and then publish
/// the value; scanners read the published value, then scan: every row must hold at
/// least that value (a stale cache would show an older one).
#[test]
fn scans_beside_committing_writers_never_see_data_older_than_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let mut b = db.batch();
    let ids: Vec<_> = (0..200)
        .map(|i| {
            b.insert(
                "counters",
                None,
                doc(&[("n", Value::Int(i)), ("v", Value::Int(0))]),
            )
            .unwrap()
        })
        .collect();
    b.commit().unwrap();
    let acked = Arc::new(AtomicI64::new(0));
    std::thread::scope(|s| {
        let writer = {
            let (db, acked, ids) = (db.clone(), acked.clone(), ids.clone());
            s.spawn(move || {
                for k in 1..=40 {
                    let mut b = db.batch();
                    for id in &ids {
                        b.set(*id, "v", Value::Int(k)).unwrap();
                    }
                    b.commit().unwrap();
                    acked.store(k, Ordering::SeqCst);
                }
            })
        };
        for _ in 0..3 {
            let (db, acked) = (db.clone(), acked.clone());
            s.spawn(move || {
                let e = Engine::new(db);
                let p = Params::new();
                let mut scans = 0;
                while acked.load(Ordering::SeqCst) < 40 || scans < 5 {
                    let floor = acked.load(Ordering::SeqCst);
                    let r = e.query("SELECT v FROM counters WHERE n >= 0", &p).unwrap();
                    assert_eq!(r.rows.len(), 200);
                    for row in &r.rows {
                        let Value::Int(v) = row[0] else {
                            panic!("v is {:?}", row[0])
                        };
                        assert!(v >= floor, "saw v = {v} after {floor} was acknowledged");
                    }
                    scans += 1;
                }
            });
        }
        writer.join().unwrap();
    });
}
