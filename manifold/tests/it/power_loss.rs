//! Simulated power loss: every write that was not synced may vanish (or be torn), yet
//! every acknowledged commit survives and no transaction is half-applied.

use crate::sim_config;
use manifold::{Database, Durability, SimDisk, TableDefinition};
use parking_lot::Mutex;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

const T: TableDefinition<u64, u64> = TableDefinition::new("t");

#[test]
fn acknowledged_commits_survive_power_loss_during_concurrent_batches() {
    let path = Path::new("/power.manifold");
    for round in 0..12u64 {
        let disk = SimDisk::new();
        let db = Database::open_with(path, sim_config(&disk)).unwrap();
        let a = db.create_column_family("a").unwrap();
        let b = db.create_column_family("b").unwrap();
        let acked = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let image = std::thread::scope(|s| {
            for t in 0..3u64 {
                let (db, a, b, acked, stop) = (&db, &a, &b, acked.clone(), stop.clone());
                s.spawn(move || {
                    let mut i = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        let id = t << 32 | i;
                        let tx = db.begin_write(&[a, b]).unwrap();
                        tx.open_table_in(a, T)
                            .unwrap()
                            .insert(&id, &(id * 3))
                            .unwrap();
                        tx.open_table_in(b, T)
                            .unwrap()
                            .insert(&id, &(id * 5))
                            .unwrap();
                        tx.commit().unwrap();
                        acked.lock().push(id);
                        i += 1;
                        // Checkpoints run concurrently with commits too.
                        if t == 0 && i.is_multiple_of(50) {
                            db.checkpoint().unwrap();
                        }
                    }
                });
            }
            while acked.lock().len() < 300 + round as usize * 40 {
                std::thread::yield_now();
            }
            let seen: Vec<u64> = acked.lock().clone();
            let image = disk.crash_image(round as f64 / 12.0, round);
            stop.store(true, Ordering::Relaxed);
            (image, seen)
        });
        let (image, seen) = image;
        drop((a, b, db));

        let db = Database::open_with(path, sim_config(&image)).unwrap();
        let ta = db
            .column_family("a")
            .unwrap()
            .begin_read()
            .unwrap()
            .open_table(T)
            .unwrap();
        let tb = db
            .column_family("b")
            .unwrap()
            .begin_read()
            .unwrap()
            .open_table(T)
            .unwrap();
        for id in &seen {
            assert_eq!(
                ta.get(id).unwrap(),
                Some(id * 3),
                "round {round}: acked {id:#x} lost in a"
            );
            assert_eq!(
                tb.get(id).unwrap(),
                Some(id * 5),
                "round {round}: acked {id:#x} lost in b"
            );
        }
        // All or nothing: a batch is in both families or in neither.
        let ka: Vec<u64> = ta.iter().unwrap().map(|e| e.unwrap().0).collect();
        let kb: Vec<u64> = tb.iter().unwrap().map(|e| e.unwrap().0).collect();
        assert_eq!(ka, kb, "round {round}: a batch was half-applied");
    }
}

#[test]
fn deferred_commits_become_durable_at_sync() {
    let path = Path::new("/deferred.manifold");
    let disk = SimDisk::new();
    let db = Database::open_with(path, sim_config(&disk)).unwrap();
    let cf = db.create_column_family("a").unwrap();
    for i in 0..20u64 {
        let mut tx = cf.begin_write().unwrap();
        tx.set_durability(Durability::Deferred);
        tx.open_table(T).unwrap().insert(&i, &i).unwrap();
        tx.commit().unwrap();
    }
    // Visible at once in this process.
    assert_eq!(entries(&db), 20);
    // Not yet durable: a power loss that keeps nothing unsynced loses them.
    let lost = disk.crash_image(0.0, 1);
    db.sync().unwrap();
    let kept = disk.crash_image(0.0, 2);
    drop((cf, db));
    let db = Database::open_with(path, sim_config(&lost)).unwrap();
    assert_eq!(entries(&db), 0);
    drop(db);
    let db = Database::open_with(path, sim_config(&kept)).unwrap();
    assert_eq!(entries(&db), 20);
}

/// Entries in table `T` of family `a`.
fn entries(db: &Database) -> u64 {
    let cf = db.column_family("a").unwrap();
    cf.begin_read()
        .unwrap()
        .open_table(T)
        .unwrap()
        .len()
        .unwrap()
}
