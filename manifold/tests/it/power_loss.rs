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

/// Keys of the large batches: `LARGE | batch << 16 | entry`.
const LARGE: u64 = 1 << 62;
/// Entries per family of one large batch: about 140 KB of log per family, so one
/// batch's record spans three 128 KiB log segments.
const LARGE_ENTRIES: u64 = 5_000;

#[test]
fn batches_larger_than_a_log_segment_survive_power_loss_whole() {
    let path = Path::new("/large.manifold");
    for round in 0..8u64 {
        let disk = SimDisk::new();
        let db = Database::open_with(path, sim_config(&disk)).unwrap();
        let a = db.create_column_family("a").unwrap();
        let b = db.create_column_family("b").unwrap();
        let acked = Arc::new(Mutex::new(Vec::new()));
        let large_acked = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (image, seen, large_seen) = std::thread::scope(|s| {
            for t in 0..2u64 {
                let (db, a, b, acked, stop) = (&db, &a, &b, acked.clone(), stop.clone());
                s.spawn(move || {
                    let mut i = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        let id = t << 32 | i;
                        let tx = db.begin_write(&[a, b]).unwrap();
                        tx.open_table_in(a, T).unwrap().insert(&id, &id).unwrap();
                        tx.open_table_in(b, T).unwrap().insert(&id, &id).unwrap();
                        tx.commit().unwrap();
                        acked.lock().push(id);
                        i += 1;
                        if t == 0 && i.is_multiple_of(40) {
                            db.checkpoint().unwrap();
                        }
                    }
                });
            }
            let large = {
                let (db, a, b, large_acked, stop) =
                    (&db, &a, &b, large_acked.clone(), stop.clone());
                s.spawn(move || {
                    let mut batch = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        let tx = db.begin_write(&[a, b]).unwrap();
                        {
                            let mut ta = tx.open_table_in(a, T).unwrap();
                            let mut tb = tx.open_table_in(b, T).unwrap();
                            for j in 0..LARGE_ENTRIES {
                                let k = LARGE | batch << 16 | j;
                                ta.insert(&k, &batch).unwrap();
                                tb.insert(&k, &batch).unwrap();
                            }
                        }
                        tx.commit().unwrap();
                        large_acked.lock().push(batch);
                        batch += 1;
                    }
                })
            };
            while (acked.lock().len() < 200 + round as usize * 30 || large_acked.lock().len() < 2)
                && !large.is_finished()
            {
                std::thread::yield_now();
            }
            let seen: Vec<u64> = acked.lock().clone();
            let large_seen: Vec<u64> = large_acked.lock().clone();
            let image = disk.crash_image(round as f64 / 8.0, round);
            // A panic in the large writer surfaces when the scope joins it.
            stop.store(true, Ordering::Relaxed);
            (image, seen, large_seen)
        });
        drop((a, b, db));

        let db = Database::open_with(path, sim_config(&image)).unwrap();
        let read = |name: &str| {
            let t = db
                .column_family(name)
                .unwrap()
                .begin_read()
                .unwrap()
                .open_table(T)
                .unwrap();
            t.iter()
                .unwrap()
                .map(|e| e.unwrap())
                .collect::<Vec<(u64, u64)>>()
        };
        let (ea, eb) = (read("a"), read("b"));
        assert_eq!(ea, eb, "round {round}: a batch was half-applied");
        let small: std::collections::HashSet<u64> =
            ea.iter().filter(|e| e.0 < LARGE).map(|e| e.0).collect();
        for id in &seen {
            assert!(small.contains(id), "round {round}: acked {id:#x} lost");
        }
        let mut per_batch = std::collections::BTreeMap::<u64, u64>::new();
        for &(k, v) in ea.iter().filter(|e| e.0 >= LARGE) {
            assert_eq!(
                (k & !LARGE) >> 16,
                v,
                "round {round}: key {k:#x} of another batch"
            );
            *per_batch.entry(v).or_default() += 1;
        }
        for (batch, n) in &per_batch {
            assert_eq!(*n, LARGE_ENTRIES, "round {round}: large batch {batch} torn");
        }
        for batch in &large_seen {
            assert!(
                per_batch.contains_key(batch),
                "round {round}: acked large batch {batch} lost"
            );
        }
    }
}
