use crate::temp_db;
use manifold::{Config, Database, Error, TableDefinition};

const USERS: TableDefinition<u64, str> = TableDefinition::new("users");
const BLOBS: TableDefinition<(u32, &str), [u8]> = TableDefinition::new("blobs");

#[test]
fn insert_get_remove_and_reopen() {
    let (_dir, path, db) = temp_db();
    let cf = db.create_column_family("accounts").unwrap();
    let tx = cf.begin_write().unwrap();
    {
        let mut t = tx.open_table(USERS).unwrap();
        t.insert(&1, "alice").unwrap();
        t.insert(&2, "bob").unwrap();
        t.insert(&3, "carol").unwrap();
        assert!(t.remove(&2).unwrap());
        assert!(!t.remove(&42).unwrap());
        assert_eq!(t.get(&1).unwrap().as_deref(), Some("alice"));
    }
    tx.commit().unwrap();
    drop(cf);
    drop(db);

    let db = Database::open_with(&path, Config::small()).unwrap();
    assert_eq!(db.list_column_families(), vec!["accounts".to_string()]);
    let cf = db.column_family("accounts").unwrap();
    let r = cf.begin_read().unwrap();
    let t = r.open_table(USERS).unwrap();
    assert_eq!(t.len().unwrap(), 2);
    let all: Vec<_> = t.iter().unwrap().map(Result::unwrap).collect();
    assert_eq!(
        all,
        vec![(1, "alice".to_string()), (3, "carol".to_string())]
    );
}

#[test]
fn ranges_prefixes_and_reverse() {
    let (_dir, _path, db) = temp_db();
    let cf = db.column_family_or_create("files").unwrap();
    let tx = cf.begin_write().unwrap();
    {
        let mut t = tx.open_table(BLOBS).unwrap();
        for dirno in 0..3u32 {
            for name in ["a", "b", "b\0x", "c"] {
                t.insert(&(dirno, name), name.as_bytes()).unwrap();
            }
        }
    }
    tx.commit().unwrap();
    let r = cf.begin_read().unwrap();
    let t = r.open_table(BLOBS).unwrap();
    let in_dir1: Vec<_> = t.prefix(&1u32).unwrap().map(|e| e.unwrap().0.1).collect();
    assert_eq!(in_dir1, vec!["a", "b", "b\0x", "c"]);
    let lo = (1u32, "b");
    let hi = (2u32, "a");
    let between: Vec<_> = t.range(&lo..&hi).unwrap().map(|e| e.unwrap().0).collect();
    assert_eq!(
        between,
        vec![
            (1, "b".to_string()),
            (1, "b\0x".to_string()),
            (1, "c".to_string())
        ]
    );
    let last = t.iter().unwrap().next_back().unwrap().unwrap();
    assert_eq!(last.0, (2, "c".to_string()));
    // Inverted and empty ranges are empty, not errors.
    assert_eq!(t.range(&hi..&lo).unwrap().count(), 0);
    assert_eq!(t.range(&lo..&lo).unwrap().count(), 0);
}

#[test]
fn missing_table_reads_empty_and_uncommitted_changes_vanish() {
    let (_dir, _path, db) = temp_db();
    let cf = db.create_column_family("x").unwrap();
    let r = cf.begin_read().unwrap();
    assert_eq!(r.open_table(USERS).unwrap().len().unwrap(), 0);
    assert_eq!(r.open_table(USERS).unwrap().get(&1).unwrap(), None);
    drop(r);
    let tx = cf.begin_write().unwrap();
    tx.open_table(USERS).unwrap().insert(&1, "gone").unwrap();
    drop(tx);
    let tx = cf.begin_write().unwrap();
    tx.open_table(USERS).unwrap().insert(&2, "kept").unwrap();
    tx.commit().unwrap();
    let t = cf.begin_read().unwrap().open_table(USERS).unwrap();
    assert_eq!(t.get(&1).unwrap(), None);
    assert_eq!(t.get(&2).unwrap().as_deref(), Some("kept"));
}

#[test]
fn family_growing_past_many_segments_survives_reopen() {
    let (_dir, path, db) = temp_db();
    // Config::small has 1 MiB segments: write ~6 MiB.
    let cf = db.create_column_family("big").unwrap();
    let value = vec![7u8; 4096];
    for batch in 0..3u64 {
        let tx = cf.begin_write().unwrap();
        {
            let mut t = tx
                .open_table(TableDefinition::<u64, [u8]>::new("t"))
                .unwrap();
            for i in 0..500u64 {
                t.insert(&(batch * 1000 + i), &value).unwrap();
            }
        }
        tx.commit().unwrap();
    }
    let other = db.create_column_family("small").unwrap();
    let tx = other.begin_write().unwrap();
    tx.open_table(USERS).unwrap().insert(&9, "nine").unwrap();
    tx.commit().unwrap();
    drop((cf, other, db));
    let len = std::fs::metadata(&path).unwrap().len();
    assert!(
        len > 3 << 20,
        "file is only {len} bytes: the family never grew"
    );

    let db = Database::open_with(&path, Config::small()).unwrap();
    let t = db
        .column_family("big")
        .unwrap()
        .begin_read()
        .unwrap()
        .open_table(TableDefinition::<u64, [u8]>::new("t"))
        .unwrap();
    assert_eq!(t.len().unwrap(), 1500);
    assert_eq!(t.get(&2499).unwrap().unwrap(), value);
    let t = db
        .column_family("small")
        .unwrap()
        .begin_read()
        .unwrap()
        .open_table(USERS)
        .unwrap();
    assert_eq!(t.get(&9).unwrap().as_deref(), Some("nine"));
}

#[test]
fn deleted_family_segments_are_reused() {
    let (_dir, path, db) = temp_db();
    let fill = |name: &str| {
        let cf = db.column_family_or_create(name).unwrap();
        let tx = cf.begin_write().unwrap();
        {
            let mut t = tx
                .open_table(TableDefinition::<u64, [u8]>::new("t"))
                .unwrap();
            for i in 0..600u64 {
                t.insert(&i, &[1u8; 4000][..]).unwrap();
            }
        }
        tx.commit().unwrap();
        cf
    };
    let old = fill("old");
    drop(old);
    let before = std::fs::metadata(&path).unwrap().len();
    db.delete_column_family("old").unwrap();
    assert!(matches!(
        db.column_family("old"),
        Err(Error::FamilyNotFound(_))
    ));
    let new = fill("new");
    let after = std::fs::metadata(&path).unwrap().len();
    assert!(
        after <= before + (1 << 20),
        "file grew from {before} to {after}: segments not reused"
    );
    let t = new
        .begin_read()
        .unwrap()
        .open_table(TableDefinition::<u64, [u8]>::new("t"))
        .unwrap();
    assert_eq!(t.len().unwrap(), 600);
    // An open read table keeps the file open: close it first.
    drop(t);
    drop(new);
    drop(db);
    let db = Database::open_with(&path, Config::small()).unwrap();
    assert_eq!(db.list_column_families(), vec!["new".to_string()]);
}

#[test]
fn bad_names_and_duplicates_are_clear_errors() {
    let (_dir, _path, db) = temp_db();
    assert!(matches!(
        db.create_column_family(""),
        Err(Error::InvalidName { .. })
    ));
    db.create_column_family("a").unwrap();
    assert!(matches!(
        db.create_column_family("a"),
        Err(Error::FamilyExists(_))
    ));
    let cf = db.column_family("a").unwrap();
    let tx = cf.begin_write().unwrap();
    let reserved = TableDefinition::<u64, u64>::new("__manifold_meta");
    assert!(matches!(
        tx.open_table(reserved),
        Err(Error::InvalidName { .. })
    ));
}

#[test]
fn second_open_of_the_same_file_is_refused() {
    let (_dir, path, _db) = temp_db();
    match Database::open_with(&path, Config::small()) {
        Err(Error::Locked(_)) => {}
        other => panic!("expected Locked, got {other:?}"),
    }
}

#[test]
fn a_file_that_is_not_a_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junk");
    std::fs::write(&path, vec![0xAB; 300_000]).unwrap();
    match Database::open_with(&path, Config::small()) {
        Err(Error::Corrupted { what, .. }) => assert_eq!(what, "directory"),
        other => panic!("expected Corrupted, got {other:?}"),
    }
    // And it was not overwritten.
    assert!(std::fs::read(&path).unwrap().iter().all(|&b| b == 0xAB));
}

#[test]
fn decoding_with_the_wrong_type_is_an_error() {
    let (_dir, _path, db) = temp_db();
    let cf = db.create_column_family("a").unwrap();
    let tx = cf.begin_write().unwrap();
    tx.open_table(TableDefinition::<u64, str>::new("t"))
        .unwrap()
        .insert(&1, "x")
        .unwrap();
    tx.commit().unwrap();
    let r = cf.begin_read().unwrap();
    let t = r.open_table(TableDefinition::<u64, u64>::new("t")).unwrap();
    assert!(matches!(t.get(&1), Err(Error::Decode(_))));
}

/// A snapshot's version changes with every commit to its family and only then; an
/// open snapshot keeps the version it started with.
#[test]
fn snapshot_versions_follow_commits() {
    let (_dir, _path, db) = temp_db();
    let a = db.create_column_family("a").unwrap();
    let b = db.create_column_family("b").unwrap();
    let v0 = a.begin_read().unwrap().version().unwrap();
    let put = |cf: &manifold::ColumnFamily, k: u64| {
        let tx = cf.begin_write().unwrap();
        tx.open_table(USERS).unwrap().insert(&k, "x").unwrap();
        tx.commit().unwrap();
    };
    put(&a, 1);
    let old = a.begin_read().unwrap();
    let v1 = old.version().unwrap();
    assert!(v1.is_some() && v1 > v0, "{v0:?} -> {v1:?}");
    put(&b, 1);
    assert_eq!(a.begin_read().unwrap().version().unwrap(), v1, "b's commit");
    // A transaction that changes nothing commits nothing.
    a.begin_write().unwrap().commit().unwrap();
    assert_eq!(a.begin_read().unwrap().version().unwrap(), v1);
    put(&a, 2);
    let v2 = a.begin_read().unwrap().version().unwrap();
    assert!(v2 > v1);
    assert_eq!(
        old.version().unwrap(),
        v1,
        "an open snapshot keeps its version"
    );
}
