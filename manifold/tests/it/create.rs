//! Creating a database on the simulated disk: a power loss at any step of it leaves a
//! file that opens, and the new files survive a power loss once their directory is
//! synced.

use manifold::{
    Config, Database, Durability, SimAction, SimDisk, SimOp, TableDefinition, Vfs as _,
};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

const T: TableDefinition<u64, str> = TableDefinition::new("t");

fn config(disk: &SimDisk) -> Config {
    crate::short_log_builder(disk)
        .background_checkpoints(false)
        .build()
        .unwrap()
}

/// Creates family `c` with `c[1] = "one"`, acknowledged.
fn write_one(db: &Database) {
    let c = db.column_family_or_create("c").unwrap();
    let mut tx = c.begin_write().unwrap();
    tx.set_durability(Durability::Immediate);
    tx.open_table(T).unwrap().insert(&1, "one").unwrap();
    tx.commit().unwrap();
}

fn read_one(db: &Database) -> Option<String> {
    let c = db.column_family("c").ok()?;
    let r = c.begin_read().unwrap();
    r.open_table(T).unwrap().get(&1).unwrap()
}

#[test]
fn power_loss_at_every_step_of_creating_a_database_leaves_one_that_opens() {
    let path = Path::new("/fresh.manifold");
    let steps = {
        let disk = SimDisk::new();
        drop(Database::open_with(path, config(&disk)).unwrap());
        disk.steps()
    };
    assert!(steps >= 3);
    // Several seeds per step: a length change and a new file each survive or not.
    for k in 1..=steps {
        for keep in [0.0, 0.5, 1.0] {
            for seed in 0..16 {
                let disk = SimDisk::new();
                disk.power_loss_at(k, keep, seed);
                let opened = Database::open_with(path, config(&disk));
                drop(opened);
                let Some(image) = disk.take_power_loss_image() else {
                    panic!("step {k}: no power loss");
                };
                let ctx = format!("step {k} keep {keep} seed {seed}");
                let db = Database::open_with(path, config(&image))
                    .unwrap_or_else(|e| panic!("{ctx}: the new database does not open: {e}"));
                write_one(&db);
                let image = image.crash_image(0.0, 0);
                drop(db);
                let db = Database::open_with(path, config(&image))
                    .unwrap_or_else(|e| panic!("{ctx}: second reopen failed: {e}"));
                assert_eq!(read_one(&db).as_deref(), Some("one"), "{ctx}");
            }
        }
    }
}

#[test]
fn a_new_database_survives_a_power_loss_once_its_directory_is_synced() {
    let path = Path::new("/dir/new.manifold");
    // The step at which opening syncs the directory, measured on a run without a loss.
    let dir_sync = {
        let disk = SimDisk::new();
        let seen = Arc::new(AtomicU64::new(0));
        let seen2 = seen.clone();
        disk.set_hook(move |e| {
            if e.op == SimOp::Sync && e.path == Path::new("/dir") {
                seen2.store(e.step, Ordering::SeqCst);
            }
            SimAction::Proceed
        });
        drop(Database::open_with(path, config(&disk)).unwrap());
        seen.load(Ordering::SeqCst)
    };
    assert!(dir_sync > 0, "opening never synced the directory");

    // A power loss just before that sync: the new files were never linked durably, so the
    // database is gone, and opening creates it again, empty.
    let disk = SimDisk::new();
    disk.power_loss_at(dir_sync, 0.0, 0);
    assert!(Database::open_with(path, config(&disk)).is_err());
    let image = disk.take_power_loss_image().unwrap();
    assert!(!image.exists(path) && !image.exists(&manifold::log_path(path)));
    let db = Database::open_with(path, config(&image)).unwrap();
    assert!(db.list_column_families().is_empty());
    drop(db);

    // After it, an acknowledged commit survives a power loss that keeps only synced state.
    let disk = SimDisk::new();
    let db = Database::open_with(path, config(&disk)).unwrap();
    write_one(&db);
    let image = disk.crash_image(0.0, 0);
    drop(db);
    let db = Database::open_with(path, config(&image)).unwrap();
    assert_eq!(
        read_one(&db).as_deref(),
        Some("one"),
        "an acknowledged commit to a new database was lost with its files"
    );
}
