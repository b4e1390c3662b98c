//! Writers on different families do not wait for each other.

use crate::temp_db;
use manifold::TableDefinition;
use std::sync::mpsc;
use std::time::Duration;

const T: TableDefinition<u64, u64> = TableDefinition::new("t");

#[test]
fn writers_on_different_families_overlap() {
    let (_dir, _path, db) = temp_db();
    let a = db.create_column_family("a").unwrap();
    let b = db.create_column_family("b").unwrap();
    let (ra, rb) = (&a, &b);
    let (a_open_tx, a_open_rx) = mpsc::channel();
    let (b_done_tx, b_done_rx) = mpsc::channel();
    std::thread::scope(|s| {
        let writer_a = s.spawn(move || {
            let tx = ra.begin_write().unwrap();
            tx.open_table(T).unwrap().insert(&1, &1).unwrap();
            a_open_tx.send(()).unwrap();
            // A's transaction stays open until B has committed: if B had to wait for A's
            // lock, this would never arrive.
            let overlapped = b_done_rx.recv_timeout(Duration::from_secs(30)).is_ok();
            tx.commit().unwrap();
            overlapped
        });
        let writer_b = s.spawn(move || {
            a_open_rx.recv().unwrap();
            let tx = rb.begin_write().unwrap();
            tx.open_table(T).unwrap().insert(&2, &2).unwrap();
            tx.commit().unwrap();
            b_done_tx.send(()).unwrap();
        });
        writer_b.join().unwrap();
        assert!(writer_a.join().unwrap(), "writer B waited for writer A");
    });
    assert_eq!(
        a.begin_read()
            .unwrap()
            .open_table(T)
            .unwrap()
            .get(&1)
            .unwrap(),
        Some(1)
    );
    assert_eq!(
        b.begin_read()
            .unwrap()
            .open_table(T)
            .unwrap()
            .get(&2)
            .unwrap(),
        Some(2)
    );
}

#[test]
fn many_threads_commit_concurrently_and_everything_is_there() {
    let (_dir, path, db) = temp_db();
    let fams: Vec<_> = (0..4)
        .map(|i| db.create_column_family(&format!("f{i}")).unwrap())
        .collect();
    std::thread::scope(|s| {
        for (t, cf) in fams.iter().enumerate() {
            for w in 0..2u64 {
                let cf = cf.clone();
                s.spawn(move || {
                    for i in 0..200u64 {
                        let tx = cf.begin_write().unwrap();
                        tx.open_table(T)
                            .unwrap()
                            .insert(&(w * 1000 + i), &(t as u64))
                            .unwrap();
                        tx.commit().unwrap();
                    }
                });
            }
        }
    });
    // Group commit: concurrent committers share log syncs.
    let stats = db.stats();
    assert!(
        stats.log_syncs < 1600,
        "1600 concurrent commits took {} log syncs: none was shared",
        stats.log_syncs
    );
    drop(fams);
    drop(db);
    let db = manifold::Database::open_with(&path, manifold::Config::small()).unwrap();
    for i in 0..4 {
        let cf = db.column_family(&format!("f{i}")).unwrap();
        assert_eq!(
            cf.begin_read()
                .unwrap()
                .open_table(T)
                .unwrap()
                .len()
                .unwrap(),
            400
        );
    }
}
