//! Concurrent writers against a model: no lost update, no duplicate id, conflicts
//! that write nothing (see `store::isolation`).

use crate::q;
use hyperql::{Document, Engine, Params, Value};
use hyperspatial::{Database, StoreError};
use std::sync::{Arc, Barrier};
use uuid::Uuid;

const THREADS: usize = 8;

fn doc(pairs: &[(&str, Value)]) -> Document {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect()
}

fn int_of(e: &Engine<Database>, text: &str) -> i64 {
    match q(e, text).rows[0][0] {
        Value::Int(n) => n,
        ref v => panic!("{text}: {v:?}"),
    }
}

#[test]
fn concurrent_increments_are_all_counted() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let e = Arc::new(Engine::new(db.clone()));
    q(&e, "INSERT INTO c (id, n) VALUES ('x', 0)");
    let start = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let (e, start) = (e.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                let mut acked = 0;
                for _ in 0..40 {
                    match e.query("UPDATE c SET n = n + 1 WHERE id = 'x'", &Params::new()) {
                        Ok(r) => {
                            assert_eq!(r.affected, Some(1));
                            acked += 1;
                        }
                        Err(err) => assert!(err.to_string().contains("conflict"), "{err}"),
                    }
                }
                acked
            })
        })
        .collect();
    let acked: i64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert!(acked > 0);
    assert_eq!(int_of(&e, "SELECT n FROM c WHERE id = 'x'"), acked);
    drop(e);
    drop(db);
    let db = Database::open(dir.path()).unwrap();
    let e = Engine::new(db);
    assert_eq!(int_of(&e, "SELECT n FROM c WHERE id = 'x'"), acked);
}

#[test]
fn concurrent_inserts_of_one_id_store_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let e = Arc::new(Engine::new(db.clone()));
    let start = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let (e, start) = (e.clone(), start.clone());
            std::thread::spawn(move || {
                let mut won = Vec::new();
                for round in 0..30 {
                    start.wait();
                    let text = format!("INSERT INTO u (id, writer) VALUES ('k{round}', {t})");
                    match e.query(&text, &Params::new()) {
                        Ok(_) => won.push(round),
                        Err(err) => assert!(err.to_string().contains("already exists"), "{err}"),
                    }
                }
                won
            })
        })
        .collect();
    let mut wins = vec![0; 30];
    for h in handles {
        for round in h.join().unwrap() {
            wins[round] += 1;
        }
    }
    assert_eq!(wins, vec![1; 30], "exactly one insert of each id succeeds");
    assert_eq!(int_of(&e, "SELECT COUNT(*) FROM u"), 30);
    for round in 0..30 {
        let r = q(&e, &format!("SELECT writer FROM u WHERE _key = 'k{round}'"));
        assert_eq!(r.rows.len(), 1, "k{round}");
    }
}

/// Transfers between accounts, each one batch that reads two balances and writes
/// both; conflicting batches are retried. The sum never changes, and every balance
/// is its start plus the acknowledged transfers' amounts (they commute, so any
/// serial order of them gives this).
#[test]
fn concurrent_transfers_match_the_serial_model() {
    const ACCOUNTS: usize = 6;
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let mut b = db.batch();
    let ids: Vec<Uuid> = (0..ACCOUNTS)
        .map(|_| {
            b.insert("acct", None, doc(&[("bal", Value::Int(1000))]))
                .unwrap()
        })
        .collect();
    b.commit().unwrap();
    let ids = Arc::new(ids);
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let (db, ids) = (db.clone(), ids.clone());
            std::thread::spawn(move || {
                let mut seed = 0x9E37_79B9_7F4A_7C15u64 ^ (t as u64 + 1);
                let mut next = move || {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    seed
                };
                let mut done = Vec::new();
                let mut conflicts = 0;
                while done.len() < 40 {
                    let from = (next() % ACCOUNTS as u64) as usize;
                    let to = (from + 1 + (next() % (ACCOUNTS as u64 - 1)) as usize) % ACCOUNTS;
                    let amount = (next() % 50) as i64 + 1;
                    let mut b = db.batch();
                    let bal = |d: Option<Document>| match d.unwrap().get("bal") {
                        Some(Value::Int(n)) => *n,
                        v => panic!("{v:?}"),
                    };
                    let a = bal(b.get(ids[from]).unwrap());
                    let c = bal(b.get(ids[to]).unwrap());
                    b.set(ids[from], "bal", Value::Int(a - amount)).unwrap();
                    b.set(ids[to], "bal", Value::Int(c + amount)).unwrap();
                    match b.commit() {
                        Ok(_) => done.push((from, to, amount)),
                        Err(StoreError::Conflict(_)) => conflicts += 1,
                        Err(e) => panic!("{e}"),
                    }
                }
                (done, conflicts)
            })
        })
        .collect();
    let mut model = vec![1000i64; ACCOUNTS];
    let mut conflicts = 0;
    for h in handles {
        let (done, c) = h.join().unwrap();
        conflicts += c;
        for (from, to, amount) in done {
            model[from] -= amount;
            model[to] += amount;
        }
    }
    let stored = |db: &Database| -> Vec<i64> {
        ids.iter()
            .map(|id| match db.get_entity(*id).unwrap().unwrap().get("bal") {
                Some(Value::Int(n)) => *n,
                v => panic!("{v:?}"),
            })
            .collect()
    };
    assert_eq!(stored(&db), model, "{conflicts} conflicts");
    assert_eq!(model.iter().sum::<i64>(), 1000 * ACCOUNTS as i64);
    drop(db);
    let db = Database::open(dir.path()).unwrap();
    assert_eq!(stored(&db), model);
}

#[test]
fn a_batch_that_read_a_changed_entity_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let mut b = db.batch();
    let x = b.insert("c", None, doc(&[("n", Value::Int(1))])).unwrap();
    let y = b.insert("c", None, doc(&[("n", Value::Int(1))])).unwrap();
    b.commit().unwrap();

    let mut slow = db.batch();
    let n = slow.get(x).unwrap().unwrap();
    assert_eq!(n.get("n"), Some(&Value::Int(1)));
    slow.set(y, "n", Value::Int(100)).unwrap();
    slow.insert("c", None, doc(&[("n", Value::Int(7))]))
        .unwrap();

    let mut fast = db.batch();
    fast.set(x, "n", Value::Int(2)).unwrap();
    fast.commit().unwrap();

    assert!(matches!(slow.commit(), Err(StoreError::Conflict(_))));
    let e = Engine::new(db.clone());
    assert_eq!(int_of(&e, "SELECT COUNT(*) FROM c"), 2);
    let n = |id: Uuid| db.get_entity(id).unwrap().unwrap().get("n").cloned();
    assert_eq!(n(x), Some(Value::Int(2)));
    assert_eq!(n(y), Some(Value::Int(1)));

    // A batch deleting what another deleted first also conflicts.
    let mut d1 = db.batch();
    let mut d2 = db.batch();
    d1.delete(y).unwrap();
    d2.delete(y).unwrap();
    d1.commit().unwrap();
    assert!(matches!(d2.commit(), Err(StoreError::Conflict(_))));
}

#[test]
fn an_edge_to_an_entity_deleted_meanwhile_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let mut b = db.batch();
    let a = b.insert("n", None, Document::default()).unwrap();
    let z = b.insert("n", None, Document::default()).unwrap();
    b.commit().unwrap();
    let mut link = db.batch();
    link.relate(a, "to", z, 1.0, Document::default()).unwrap();
    let mut del = db.batch();
    del.delete(z).unwrap();
    del.commit().unwrap();
    assert!(matches!(link.commit(), Err(StoreError::NotFound(_))));
    let e = Engine::new(db.clone());
    let edges = q(&e, "SELECT COUNT(*) FROM n");
    assert_eq!(edges.rows[0][0], Value::Int(1));
    assert!(
        db.edges(a, manifold_graph::Direction::Both, None)
            .unwrap()
            .is_empty()
    );
}

/// UPDATE and DELETE of documents of every shape: the record a statement read is
/// recognised as the stored one (else each would end in a conflict).
#[test]
fn updates_of_every_document_shape_commit() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let e = Engine::new(db);
    q(
        &e,
        "INSERT INTO shapes (id, n, tags, nest, mixed, v, t) VALUES \
         ('a', 1, ['x', 'y'], {deep: {deeper: [1, {k: 2}]}}, [1, 'two', NULL, 3.5], [0.5, 0.25], 'text')",
    );
    q(&e, "INSERT INTO shapes (id, n) VALUES ('b', 2)");
    q(
        &e,
        "INSERT INTO shapes (_type, id, n) VALUES ('kind', 'c', 3)",
    );
    for _ in 0..3 {
        let r = q(&e, "UPDATE shapes SET n = n + 10 WHERE n > 0");
        assert_eq!(r.affected, Some(3));
    }
    assert_eq!(int_of(&e, "SELECT SUM(n) FROM shapes"), 96);
    let r = q(&e, "DELETE FROM shapes WHERE n > 32");
    assert_eq!(r.affected, Some(1));
    assert_eq!(int_of(&e, "SELECT COUNT(*) FROM shapes"), 2);
}

/// The per-collection counts kept in memory (what `GET /collections` answers) match
/// a scan after concurrent inserts and deletes, and after a reopen.
#[test]
fn collection_counts_match_a_scan_after_concurrent_writes() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let db = db.clone();
            std::thread::spawn(move || {
                let name = if t % 2 == 0 { "even" } else { "odd" };
                let mut mine = Vec::new();
                for i in 0..60 {
                    let mut b = db.batch();
                    mine.push(b.insert(name, None, doc(&[("i", Value::Int(i))])).unwrap());
                    if i % 3 == 0 {
                        let gone = mine.remove(0);
                        b.delete(gone).unwrap();
                    }
                    b.commit().unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let scanned = |db: &Database, c: &str| db.scan(c, None).unwrap().count();
    for c in ["even", "odd"] {
        assert_eq!(db.count(Some(c)), scanned(&db, c), "{c}");
    }
    assert_eq!(db.count(Some("even")), 80);
    // An id deleted and inserted again in one batch: into another collection it is
    // refused; into its own it replaces the stored entity.
    let x = db.scan("even", None).unwrap().next().unwrap().unwrap();
    let id = x.get("id").cloned().unwrap();
    let Value::String(text) = &id else {
        panic!("{id:?}")
    };
    let uuid = Uuid::parse_str(text).unwrap();
    let mut b = db.batch();
    b.delete(uuid).unwrap();
    assert!(matches!(
        b.insert("odd", None, doc(&[("id", id.clone())])),
        Err(StoreError::Constraint(_))
    ));
    b.insert(
        "even",
        None,
        doc(&[("id", id), ("again", Value::Bool(true))]),
    )
    .unwrap();
    b.commit().unwrap();
    let back = db.get_entity(uuid).unwrap().unwrap();
    assert_eq!(back.get("again"), Some(&Value::Bool(true)));
    assert_eq!(back.get("i"), None, "replaced, not merged");
    let mut b = db.batch();
    b.delete(uuid).unwrap();
    b.commit().unwrap();
    for c in ["even", "odd"] {
        assert_eq!(db.count(Some(c)), scanned(&db, c), "{c}");
    }
    drop(db);
    let db = Database::open(dir.path()).unwrap();
    assert_eq!(db.count(Some("even")), 79);
    assert_eq!(db.count(Some("odd")), 80);
}
