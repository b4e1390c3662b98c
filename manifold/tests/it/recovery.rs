//! Recovery from a torn or corrupted log tail and from a damaged directory.

use crate::sim_config;
use manifold::{Database, Error, SimDisk, TableDefinition, log_path};
use std::path::Path;

const T: TableDefinition<u64, [u8]> = TableDefinition::new("t");

/// Commits `n` transactions (key i -> 40 bytes of i) and returns the disk as a process
/// crash would leave it: every write reached the OS, nothing after it ran.
fn crashed_after(n: u64, path: &Path) -> SimDisk {
    let disk = SimDisk::new();
    let db = Database::open_with(path, sim_config(&disk)).unwrap();
    let cf = db.create_column_family("a").unwrap();
    // One more directory change, so that both directory slots list `a`.
    db.create_column_family("z").unwrap();
    for i in 0..n {
        let tx = cf.begin_write().unwrap();
        tx.open_table(T)
            .unwrap()
            .insert(&i, &[i as u8; 40][..])
            .unwrap();
        tx.commit().unwrap();
    }
    let image = disk.crash_image(1.0, 0);
    drop((cf, db));
    image
}

fn keys(db: &Database) -> Vec<u64> {
    let t = db
        .column_family("a")
        .unwrap()
        .begin_read()
        .unwrap()
        .open_table(T)
        .unwrap();
    t.iter().unwrap().map(|e| e.unwrap().0).collect()
}

#[test]
fn a_crash_replays_every_commit_from_the_log() {
    let path = Path::new("/crash.manifold");
    let image = crashed_after(100, path);
    let db = Database::open_with(path, sim_config(&image)).unwrap();
    assert_eq!(keys(&db), (0..100).collect::<Vec<_>>());
    assert!(db.recovery_report().records_replayed >= 100);
    // Reopening again after the recovery checkpoint replays nothing.
    drop(db);
    let db = Database::open_with(path, sim_config(&image)).unwrap();
    assert_eq!(db.recovery_report().records_replayed, 0);
    assert_eq!(keys(&db).len(), 100);
}

#[test]
fn a_corrupted_log_record_truncates_to_a_prefix() {
    let path = Path::new("/torn.manifold");
    let wal = log_path(path);
    let base = crashed_after(60, path);
    // 60 records of 88 bytes after a 16-byte segment header. Damage one byte at many
    // places: recovery keeps a prefix of the commits, never a commit after a lost one,
    // and never panics.
    for offset in (16..16 + 60 * 88u64).step_by(97) {
        let image = base.crash_image(1.0, 0);
        assert!(image.corrupt(&wal, offset, 0x5A));
        let db = Database::open_with(path, sim_config(&image)).unwrap();
        let got = keys(&db);
        let k = got.len() as u64;
        assert_eq!(
            got,
            (0..k).collect::<Vec<_>>(),
            "not a prefix after damage at {offset}"
        );
        assert!(k < 60, "damage at {offset} went unnoticed");
    }
}

#[test]
fn a_torn_directory_slot_falls_back_to_the_other() {
    let path = Path::new("/dir.manifold");
    let image = crashed_after(10, path);
    // The directory was written several times; damage the newer slot of the two.
    for slot_offset in [20u64, 128 * 1024 + 20] {
        let copy = image.crash_image(1.0, 0);
        assert!(copy.corrupt(path, slot_offset, 0xFF));
        let db = Database::open_with(path, sim_config(&copy)).unwrap();
        assert_eq!(keys(&db).len(), 10);
    }
}

#[test]
fn both_directory_slots_damaged_is_a_clear_error() {
    let path = Path::new("/dir2.manifold");
    let image = crashed_after(3, path);
    assert!(image.corrupt(path, 20, 0xFF));
    assert!(image.corrupt(path, 128 * 1024 + 20, 0xFF));
    match Database::open_with(path, sim_config(&image)) {
        Err(Error::Corrupted {
            what: "directory", ..
        }) => {}
        other => panic!("expected a corrupted directory error, got {other:?}"),
    }
}
