//! Deterministic fault scenarios: a power loss at every step of a protocol, stale log
//! frames that line up with new ones, failed syncs, and a checkpoint stopped at a chosen
//! point while another thread works.

use manifold::{
    Config, Database, Durability, Error, SimAction, SimDisk, SimOp, SyncFault, TableDefinition,
    log_path,
};
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc;

const T: TableDefinition<u64, [u8]> = TableDefinition::new("t");

/// Small segments and a short log (two 64 KiB segments), no background thread.
fn config(disk: &SimDisk) -> Config {
    crate::short_log_builder(disk)
        .background_checkpoints(false)
        .build()
        .unwrap()
}

fn put(cf: &manifold::ColumnFamily, key: u64, value: &[u8], durability: Durability) {
    let mut tx = cf.begin_write().unwrap();
    tx.set_durability(durability);
    tx.open_table(T).unwrap().insert(&key, value).unwrap();
    tx.commit().unwrap();
}

fn get(db: &Database, cf: &str, key: u64) -> Option<Vec<u8>> {
    let cf = db.column_family(cf).ok()?;
    cf.begin_read()
        .unwrap()
        .open_table(T)
        .unwrap()
        .get(&key)
        .unwrap()
}

fn value(key: u64, tag: u8, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| tag ^ (key as u8).wrapping_add(i as u8))
        .collect()
}

/// A database whose log has wrapped several times: family `a` holds keys `0..n`, all
/// acknowledged, the last ones only in the log.
fn wrapped(disk: &SimDisk, path: &Path, n: u64) -> Database {
    let db = Database::open_with(path, config(disk)).unwrap();
    let a = db.create_column_family("a").unwrap();
    for i in 0..n {
        put(&a, i, &value(i, 1, 900), Durability::Immediate);
        if i % 25 == 24 && i + 10 < n {
            db.checkpoint().unwrap();
        }
    }
    db
}

#[test]
fn power_loss_at_every_step_of_family_creation_keeps_the_other_families() {
    let path = Path::new("/create.manifold");
    let n = 180;
    // The steps creating a family takes, measured on a run without a power loss.
    let steps = {
        let disk = SimDisk::new();
        let db = wrapped(&disk, path, n);
        let before = disk.steps();
        db.create_column_family("c").unwrap();
        disk.steps() - before
    };
    assert!(steps > 2);
    for k in 1..=steps + 1 {
        for keep in [0.0, 0.5, 1.0] {
            let disk = SimDisk::new();
            let db = wrapped(&disk, path, n);
            disk.power_loss_at(disk.steps() + k, keep, k);
            let created = db.create_column_family("c").is_ok();
            drop(db);
            let Some(image) = disk.take_power_loss_image() else {
                assert!(created && k == steps + 1, "step {k}: no power loss");
                continue;
            };
            let db = Database::open_with(path, config(&image))
                .unwrap_or_else(|e| panic!("step {k} keep {keep}: reopen failed: {e}"));
            for i in 0..n {
                assert!(
                    get(&db, "a", i) == Some(value(i, 1, 900)),
                    "step {k} keep {keep}: acknowledged key {i} of `a` lost"
                );
            }
            // Whatever became of `c`, the database works: `c` can be created or used.
            let c = db.column_family_or_create("c").unwrap();
            put(&c, 1, b"after", Durability::Immediate);
            assert_eq!(get(&db, "c", 1).as_deref(), Some(&b"after"[..]));
        }
    }
}

/// Record payload of a put of a `vlen`-byte value under a u64 key in table `t`.
const PUT_OVERHEAD: usize = 4 + 8 + 1 + 2 + 1 + 4 + 8 + 4;

#[test]
fn a_stale_frame_lined_up_with_new_ones_is_not_replayed() {
    let path = Path::new("/stale.manifold");
    let wal = log_path(path);
    // Run 1: three unsynced commits fill log pages 0, 1 and start page 2 exactly (with the
    // 16-byte segment and frame headers of the original format). Power fails; only page 2
    // of the log reaches the media.
    let disk = SimDisk::new();
    let db = Database::open_with(path, config(&disk)).unwrap();
    let a = db.create_column_family("a").unwrap();
    let v1 = vec![1u8; 4096 - 16 - 16 - PUT_OVERHEAD];
    let v2 = vec![2u8; 4096 - 16 - PUT_OVERHEAD];
    put(&a, 7, &v1, Durability::Deferred);
    put(&a, 7, &v2, Durability::Deferred);
    put(&a, 7, b"never acknowledged", Durability::Deferred);
    let image = disk.crash_image_with(
        |p, page, versions| {
            if p == wal && page == 2 { versions } else { 0 }
        },
    );
    drop((a, db));

    // Run 2: two acknowledged commits of the same sizes, then a power loss that keeps
    // only what was synced.
    let db = Database::open_with(path, config(&image)).unwrap();
    assert_eq!(get(&db, "a", 7), None);
    let a = db.column_family("a").unwrap();
    let new2 = vec![4u8; v2.len()];
    put(&a, 7, &vec![3u8; v1.len()], Durability::Immediate);
    put(&a, 7, &new2, Durability::Immediate);
    let image = image.crash_image(0.0, 0);
    drop((a, db));

    let db = Database::open_with(path, config(&image)).unwrap();
    let got = get(&db, "a", 7);
    assert!(
        got == Some(new2),
        "a never-acknowledged record of the previous run was replayed over newer data \
         (found {:?})",
        got.map(|v| String::from_utf8_lossy(&v[..v.len().min(20)]).into_owned())
    );
}

#[test]
fn sequence_numbers_are_never_reissued_after_a_lost_tail() {
    let path = Path::new("/seq.manifold");
    let disk = SimDisk::new();
    let db = Database::open_with(path, config(&disk)).unwrap();
    let a = db.create_column_family("a").unwrap();
    put(&a, 1, b"one", Durability::Immediate);
    for i in 0..5 {
        put(&a, 10 + i, b"lost", Durability::Deferred);
    }
    let issued = db.stats().last_sequence;
    let image = disk.crash_image(0.0, 0);
    drop((a, db));
    let db = Database::open_with(path, config(&image)).unwrap();
    let a = db.column_family("a").unwrap();
    put(&a, 2, b"two", Durability::Immediate);
    assert!(
        db.stats().last_sequence > issued,
        "sequence number {} handed out again (had reached {issued})",
        db.stats().last_sequence
    );
}

/// Runs `f` on a thread called `name`.
fn spawn_named<T: Send + 'static>(
    name: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> std::thread::JoinHandle<T> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(f)
        .unwrap()
}

fn thread_is(name: &str) -> bool {
    std::thread::current().name() == Some(name)
}

#[test]
fn a_sync_that_succeeds_after_a_failed_one_acknowledges_nothing() {
    let path = Path::new("/fsync.manifold");
    let wal = log_path(path);
    let disk = SimDisk::new();
    let db = Arc::new(Database::open_with(path, config(&disk)).unwrap());
    let a = db.create_column_family("a").unwrap();
    put(&a, 0, b"first", Durability::Immediate); // the log segment is started
    // Thread x leads a log sync and stops inside it; thread y writes its record and
    // starts its own sync, and stops too. Then x's sync fails (dropping both records'
    // dirty pages, as Linux does), and only then does y's sync run, and succeed.
    let (x_in, x_in_rx) = mpsc::channel::<()>();
    let (y_in, y_in_rx) = mpsc::channel::<()>();
    let (go_x, go_x_rx) = mpsc::channel::<()>();
    let (go_y, go_y_rx) = mpsc::channel::<()>();
    let x_gate = parking_lot::Mutex::new((x_in, go_x_rx));
    let y_gate = parking_lot::Mutex::new((y_in, go_y_rx));
    let hook_wal = wal.clone();
    disk.set_hook(move |e| {
        if e.op == SimOp::Sync && e.path == hook_wal {
            let gate = if thread_is("x") {
                Some(&x_gate)
            } else if thread_is("y") {
                Some(&y_gate)
            } else {
                None
            };
            if let Some(gate) = gate {
                let g = gate.lock();
                g.0.send(()).unwrap();
                g.1.recv().unwrap();
            }
        }
        SimAction::Proceed
    });
    let ax = a.clone();
    let x = spawn_named("x", move || {
        let tx = ax.begin_write().unwrap();
        tx.open_table(T).unwrap().insert(&1, b"x").unwrap();
        tx.commit()
    });
    x_in_rx.recv().unwrap();
    let ay = a.clone();
    let y = spawn_named("y", move || {
        let tx = ay.begin_write().unwrap();
        tx.open_table(T).unwrap().insert(&2, b"y").unwrap();
        tx.commit()
    });
    y_in_rx.recv().unwrap();
    disk.fail_syncs(&wal, SyncFault::Once);
    go_x.send(()).unwrap();
    let x_result = x.join().unwrap();
    assert!(x_result.is_err(), "x's sync failed, its commit must fail");
    go_y.send(()).unwrap();
    let y_result = y.join().unwrap();
    disk.clear_hook();
    let image = disk.crash_image(0.0, 0);
    drop((a, db));
    let db = Database::open_with(path, config(&image)).unwrap();
    if y_result.is_ok() {
        assert_eq!(
            get(&db, "a", 2).as_deref(),
            Some(&b"y"[..]),
            "y was acknowledged after the failed sync, but its record was lost"
        );
    }
}

#[test]
fn a_failed_data_file_sync_poisons_the_database() {
    let path = Path::new("/poison.manifold");
    let disk = SimDisk::new();
    let db = Database::open_with(path, config(&disk)).unwrap();
    let a = db.create_column_family("a").unwrap();
    db.checkpoint().unwrap();
    // Acknowledged commits: in the log, and in `a`'s pages written (not synced) to the
    // data file.
    for i in 0..20 {
        put(&a, i, &value(i, 3, 700), Durability::Immediate);
    }
    // A sync of the data file fails (creating another family): the dirty pages of `a`
    // are dropped with it, as the kernel does after a writeback error.
    disk.fail_syncs(path, SyncFault::Once);
    assert!(db.create_column_family("c").is_err());
    // A checkpoint now would declare `a`'s lost pages durable and let the log go.
    let checkpoint = db.checkpoint();
    let commit = a.begin_write().and_then(|tx| {
        tx.open_table(T)?.insert(&100, b"after")?;
        tx.commit()
    });
    let image = disk.crash_image(0.0, 0);
    drop((a, db));
    let reopened = Database::open_with(path, config(&image));
    let lost: Vec<u64> = match &reopened {
        Ok(db) => (0..20)
            .filter(|&i| {
                let got = db
                    .column_family("a")
                    .and_then(|cf| cf.begin_read())
                    .and_then(|r| r.open_table(T))
                    .and_then(|t| t.get(&i));
                !matches!(got, Ok(Some(v)) if v == value(i, 3, 700))
            })
            .collect(),
        Err(_) => (0..20).collect(),
    };
    assert!(
        lost.is_empty(),
        "after a failed data sync: checkpoint {:?}, commit {:?}, reopen {:?}; \
         acknowledged keys lost: {lost:?}",
        checkpoint.as_ref().map(|_| ()),
        commit.as_ref().map(|_| ()),
        reopened.as_ref().map(|_| ())
    );
    assert!(matches!(checkpoint, Err(Error::Poisoned(_))));
    assert!(matches!(commit, Err(Error::Poisoned(_))));
}

#[test]
fn a_checkpoint_concurrent_with_family_creation_keeps_the_new_familys_log() {
    let path = Path::new("/ckpt-create.manifold");
    let disk = SimDisk::new();
    let db = Arc::new(Database::open_with(path, config(&disk)).unwrap());
    let a = db.create_column_family("a").unwrap();
    put(&a, 0, b"a0", Durability::Immediate);
    // The checkpoint stops right after listing the families.
    let (listed, listed_rx) = mpsc::channel::<()>();
    let (go, go_rx) = mpsc::channel::<()>();
    let gates = parking_lot::Mutex::new((listed, go_rx));
    disk.set_hook(move |e| {
        if e.op == SimOp::Point("checkpoint.listed") && thread_is("ckpt") {
            let g = gates.lock();
            g.0.send(()).unwrap();
            g.1.recv().unwrap();
        }
        SimAction::Proceed
    });
    let db2 = db.clone();
    let ckpt = spawn_named("ckpt", move || db2.checkpoint());
    listed_rx.recv().unwrap();
    let c = db.create_column_family("c").unwrap();
    for i in 0..5 {
        put(&c, i, &value(i, 9, 500), Durability::Immediate);
    }
    // More than a log segment: the segment holding `c`'s records is left behind.
    for i in 1000..1080 {
        put(&a, i, &value(i, 1, 900), Durability::Immediate);
    }
    go.send(()).unwrap();
    ckpt.join().unwrap().unwrap();
    disk.clear_hook();
    // Enough commits to `a` to wrap the log twice; no checkpoint.
    for i in 1..300 {
        put(&a, i, &value(i, 1, 900), Durability::Immediate);
    }
    let image = disk.crash_image(0.0, 0);
    drop((a, c, db));
    let db = Database::open_with(path, config(&image)).unwrap();
    for i in 0..5 {
        assert!(
            get(&db, "c", i) == Some(value(i, 9, 500)),
            "acknowledged key {i} of the new family lost"
        );
    }
}

#[test]
fn power_loss_at_every_step_of_deleting_a_family_and_reusing_its_segments() {
    let path = Path::new("/reuse.manifold");
    let run = |disk: &SimDisk, arm: Option<(u64, f64)>| -> Option<u64> {
        let db = Database::open_with(path, config(disk)).unwrap();
        let old = db.create_column_family("old").unwrap();
        for i in 0..40 {
            put(&old, i, &vec![0xEE; 3000], Durability::Immediate);
        }
        let b = db.create_column_family("b").unwrap();
        put(&b, 0, b"b0", Durability::Immediate);
        db.checkpoint().unwrap();
        drop(old);
        let start = disk.steps();
        if let Some((k, keep)) = arm {
            disk.power_loss_at(start + k, keep, k);
        }
        let work = || -> manifold::Result<()> {
            db.delete_column_family("old")?;
            for i in 1..40 {
                let tx = b.begin_write()?;
                tx.open_table(T)?.insert(&i, &value(i, 2, 3000)[..])?;
                tx.commit()?;
            }
            db.checkpoint()
        };
        let done = work().is_ok();
        drop((b, db));
        done.then(|| disk.steps() - start)
    };
    let steps = run(&SimDisk::new(), None).unwrap();
    for k in (1..=steps).step_by(((steps / 150).max(1)) as usize) {
        for keep in [0.0, 0.7] {
            let disk = SimDisk::new();
            run(&disk, Some((k, keep)));
            let Some(image) = disk.take_power_loss_image() else {
                continue;
            };
            let db = Database::open_with(path, config(&image))
                .unwrap_or_else(|e| panic!("step {k}: reopen failed: {e}"));
            let b = db.column_family("b").unwrap();
            let r = b.begin_read().unwrap();
            let t = r.open_table(T).unwrap();
            let mut last = 0;
            for e in t.iter().unwrap() {
                let (key, v) = e.unwrap_or_else(|e| panic!("step {k}: reading b: {e}"));
                if key > 0 {
                    assert_eq!(v, value(key, 2, 3000), "step {k}: key {key} of b damaged");
                    assert_eq!(key, last + 1, "step {k}: b has a gap before {key}");
                }
                last = key;
            }
        }
    }
}

#[test]
fn power_loss_at_every_step_of_recovery_loses_nothing_acknowledged() {
    let path = Path::new("/recovery-steps.manifold");
    // A crash leaves 60 acknowledged multi-family commits to replay (the families'
    // durable state is older) over a log that has wrapped.
    let crashed = {
        let disk = SimDisk::new();
        let db = wrapped(&disk, path, 120);
        let a = db.column_family("a").unwrap();
        let b = db.create_column_family("b").unwrap();
        db.checkpoint().unwrap();
        for i in 0..60u64 {
            let tx = db.begin_write(&[&a, &b]).unwrap();
            tx.open_table_in(&a, T)
                .unwrap()
                .insert(&(1000 + i), &value(i, 5, 600)[..])
                .unwrap();
            tx.open_table_in(&b, T)
                .unwrap()
                .insert(&i, &value(i, 6, 600)[..])
                .unwrap();
            tx.commit().unwrap();
        }
        let image = disk.crash_image(0.5, 11);
        drop((a, b, db));
        image
    };
    let steps = {
        let disk = crashed.crash_image(1.0, 0);
        let before = disk.steps();
        drop(Database::open_with(path, config(&disk)).unwrap());
        disk.steps() - before
    };
    for k in 1..=steps {
        let disk = crashed.crash_image(1.0, 0);
        disk.power_loss_at(disk.steps() + k, [0.0, 0.5, 1.0][k as usize % 3], k);
        let _ = Database::open_with(path, config(&disk));
        let Some(image) = disk.take_power_loss_image() else {
            continue;
        };
        let db = Database::open_with(path, config(&image))
            .unwrap_or_else(|e| panic!("step {k}: reopen after a power loss in recovery: {e}"));
        for i in 0..60u64 {
            assert!(
                get(&db, "a", 1000 + i) == Some(value(i, 5, 600))
                    && get(&db, "b", i) == Some(value(i, 6, 600)),
                "step {k}: acknowledged commit {i} lost or half-applied"
            );
        }
        for i in 0..120 {
            assert!(
                get(&db, "a", i) == Some(value(i, 1, 900)),
                "step {k}: key {i}"
            );
        }
    }
}

#[test]
fn a_checkpoint_during_family_deletion_keeps_the_log_the_family_may_need() {
    let path = Path::new("/ckpt-delete.manifold");
    let disk = SimDisk::new();
    let db = Arc::new(Database::open_with(path, config(&disk)).unwrap());
    let a = db.create_column_family("a").unwrap();
    let x = db.create_column_family("x").unwrap();
    put(&x, 0, b"x0", Durability::Immediate);
    drop(x);
    // The deletion stops after taking `x` out of the registry, before the directory on
    // disk loses it: a power loss now brings `x` back, with what it durably applied.
    let (unlisted, unlisted_rx) = mpsc::channel::<()>();
    let (go, go_rx) = mpsc::channel::<()>();
    let gates = parking_lot::Mutex::new((unlisted, go_rx));
    disk.set_hook(move |e| {
        if e.op == SimOp::Point("delete.unlisted") && thread_is("del") {
            let g = gates.lock();
            g.0.send(()).unwrap();
            g.1.recv().unwrap();
        }
        SimAction::Proceed
    });
    let db2 = db.clone();
    let del = spawn_named("del", move || db2.delete_column_family("x"));
    unlisted_rx.recv().unwrap();
    // Acknowledged commits, a checkpoint, and enough commits to wrap the log twice.
    for i in 0..400 {
        put(&a, i, &value(i, 1, 900), Durability::Immediate);
        if i == 150 {
            db.checkpoint().unwrap();
        }
    }
    let image = disk.crash_image(0.0, 0);
    go.send(()).unwrap();
    del.join().unwrap().unwrap();
    disk.clear_hook();
    drop((a, db));
    let db = Database::open_with(path, config(&image)).unwrap();
    let lost: Vec<u64> = (0..400)
        .filter(|&i| get(&db, "a", i) != Some(value(i, 1, 900)))
        .collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged commits lost (first {:?})",
        lost.len(),
        lost.first()
    );
}

#[test]
fn power_loss_at_every_step_of_deleting_a_family_never_half_applies_a_transaction() {
    let path = Path::new("/delete-deferred.manifold");
    // Deferred two-family transactions over `x` and `y` (acknowledged, their records not
    // yet synced), then `x` is deleted; returns the steps the deletion took.
    let run = |disk: &SimDisk, arm: Option<(u64, f64)>| -> Option<u64> {
        let db = Database::open_with(path, config(disk)).unwrap();
        let x = db.create_column_family("x").unwrap();
        let y = db.create_column_family("y").unwrap();
        put(&x, 0, b"x0", Durability::Immediate);
        put(&y, 0, b"y0", Durability::Immediate);
        db.checkpoint().unwrap();
        for i in 1..=3u64 {
            let mut tx = db.begin_write(&[&x, &y]).unwrap();
            tx.set_durability(Durability::Deferred);
            tx.open_table_in(&x, T)
                .unwrap()
                .insert(&i, &value(i, 3, 700)[..])
                .unwrap();
            tx.open_table_in(&y, T)
                .unwrap()
                .insert(&i, &value(i, 4, 700)[..])
                .unwrap();
            tx.commit().unwrap();
        }
        drop(x);
        let start = disk.steps();
        if let Some((k, keep)) = arm {
            disk.power_loss_at(start + k, keep, k);
        }
        let done = db.delete_column_family("x").is_ok();
        let steps = disk.steps() - start;
        drop((y, db));
        done.then_some(steps)
    };
    let steps = run(&SimDisk::new(), None).unwrap();
    assert!(steps > 1);
    for k in 1..=steps {
        for keep in [0.0, 0.5, 1.0] {
            let disk = SimDisk::new();
            run(&disk, Some((k, keep)));
            let Some(image) = disk.take_power_loss_image() else {
                panic!("step {k}: no power loss");
            };
            let db = Database::open_with(path, config(&image))
                .unwrap_or_else(|e| panic!("step {k} keep {keep}: reopen failed: {e}"));
            let ctx = format!("step {k} keep {keep}");
            assert_eq!(get(&db, "y", 0).as_deref(), Some(&b"y0"[..]), "{ctx}");
            let x_alive = db.column_family("x").is_ok();
            if x_alive {
                assert_eq!(get(&db, "x", 0).as_deref(), Some(&b"x0"[..]), "{ctx}");
            }
            for i in 1..=3u64 {
                let (xv, yv) = (get(&db, "x", i), get(&db, "y", i));
                assert!(
                    yv.is_none() || yv == Some(value(i, 4, 700)),
                    "{ctx}: y's key {i} damaged"
                );
                if x_alive {
                    assert!(
                        xv.is_some() == yv.is_some(),
                        "{ctx}: transaction {i} half-applied (in x: {}, in y: {})",
                        xv.is_some(),
                        yv.is_some()
                    );
                } else {
                    // The deletion is durable, so is everything committed before it.
                    assert!(
                        yv.is_some(),
                        "{ctx}: transaction {i} lost, its family deleted"
                    );
                }
            }
        }
    }
}

#[test]
fn a_writer_waiting_for_a_family_being_deleted_gives_up() {
    let path = Path::new("/delete-waiter.manifold");
    let disk = SimDisk::new();
    let db = Arc::new(Database::open_with(path, config(&disk)).unwrap());
    let x = db.create_column_family("x").unwrap();
    let y = db.create_column_family("y").unwrap();
    // `x`'s writer lock is held: a two-family writer passes the liveness check and
    // waits for it, and so does the deletion, which has already marked `x` deleted.
    let holder = x.begin_write().unwrap();
    let (db2, x2, y2) = (db.clone(), x.clone(), y.clone());
    let writer = spawn_named("w", move || {
        let mut tx = db2.begin_write(&[&x2, &y2])?;
        tx.set_durability(Durability::Deferred);
        tx.open_table_in(&x2, T)?.insert(&1, &b"late"[..])?;
        tx.open_table_in(&y2, T)?.insert(&1, &b"late"[..])?;
        tx.commit()
    });
    std::thread::sleep(std::time::Duration::from_millis(200));
    let db3 = db.clone();
    let del = spawn_named("del", move || db3.delete_column_family("x"));
    while x.begin_read().is_ok() {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    drop(holder);
    let written = writer.join().unwrap();
    del.join().unwrap().unwrap();
    assert!(
        matches!(written, Err(Error::FamilyGone)),
        "a writer got the lock of a deleted family: {written:?}"
    );
    assert_eq!(get(&db, "y", 1), None);
}

#[test]
fn a_sync_that_runs_while_a_failed_one_returns_acknowledges_nothing() {
    let path = Path::new("/fsync-window.manifold");
    let wal = log_path(path);
    let disk = SimDisk::new();
    let db = Arc::new(Database::open_with(path, config(&disk)).unwrap());
    let a = db.create_column_family("a").unwrap();
    put(&a, 0, b"first", Durability::Immediate); // the log segment is started
    // Thread x's log sync fails (its record's pages are dropped) and x stops before it
    // learns so; meanwhile y commits, and its own sync, of nothing but y's record, works.
    let (x_in, x_in_rx) = mpsc::channel::<()>();
    let (go_x, go_x_rx) = mpsc::channel::<()>();
    let x_gate = parking_lot::Mutex::new((x_in, go_x_rx));
    let hook_wal = wal.clone();
    disk.set_hook(move |e| {
        if e.op == SimOp::SyncFailed && e.path == hook_wal && thread_is("x") {
            let g = x_gate.lock();
            g.0.send(()).unwrap();
            g.1.recv().unwrap();
        }
        SimAction::Proceed
    });
    disk.fail_syncs(&wal, SyncFault::Once);
    // x's record spans log pages: y's record shares at most x's last page.
    let x_value = value(1, 7, 9000);
    let ax = a.clone();
    let xv = x_value.clone();
    let x = spawn_named("x", move || {
        let tx = ax.begin_write().unwrap();
        tx.open_table(T).unwrap().insert(&1, &xv[..]).unwrap();
        tx.commit()
    });
    x_in_rx.recv().unwrap();
    let ay = a.clone();
    let y = spawn_named("y", move || {
        let tx = ay.begin_write()?;
        tx.open_table(T)?.insert(&2, b"y")?;
        tx.commit()
    });
    // y either finishes or waits for x's sync to end.
    std::thread::sleep(std::time::Duration::from_millis(300));
    go_x.send(()).unwrap();
    let x_result = x.join().unwrap();
    let y_result = y.join().unwrap();
    disk.clear_hook();
    let image = disk.crash_image(0.0, 0);
    drop((a, db));
    let db = Database::open_with(path, config(&image)).unwrap();
    for (key, result, want) in [(1, &x_result, &x_value[..]), (2, &y_result, &b"y"[..])] {
        if result.is_ok() {
            assert!(
                get(&db, "a", key).as_deref() == Some(want),
                "key {key} was acknowledged, but its record was lost (x: {x_result:?}, \
                 y: {y_result:?})"
            );
        }
    }
}
