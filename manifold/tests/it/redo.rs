//! Redo records: a transaction's changes taken before it commits and applied later,
//! once or many times, over any prefix of them.

use crate::temp_db;
use manifold::{Config, Database, Error, TableDefinition};

const A: TableDefinition<u64, str> = TableDefinition::new("a");
const B: TableDefinition<str, u64> = TableDefinition::new("b");

/// Table `a` of family `one`, table `b` of family `two`, and whether `gone` is empty.
type Contents = (Vec<(u64, String)>, Vec<(String, u64)>, bool);

fn contents(db: &Database) -> Contents {
    let one = db.column_family("one").unwrap().begin_read().unwrap();
    let a = one.open_table(A).unwrap();
    let a: Vec<_> = a.iter().unwrap().map(Result::unwrap).collect();
    let two = db.column_family("two").unwrap().begin_read().unwrap();
    let b = two.open_table(B).unwrap();
    let b: Vec<_> = b.iter().unwrap().map(Result::unwrap).collect();
    let gone = two
        .open_table(TableDefinition::<u64, u64>::new("gone"))
        .unwrap()
        .is_empty()
        .unwrap();
    (a, b, gone)
}

#[test]
fn a_redo_record_applies_once_or_twice_to_the_same_state() {
    let (_dir, path, db) = temp_db();
    let one = db.create_column_family("one").unwrap();
    let two = db.create_column_family("two").unwrap();
    // A starting state, partly overwritten by the transaction below.
    let tx = db.begin_write(&[&one, &two]).unwrap();
    tx.open_table_in(&one, A)
        .unwrap()
        .insert(&1, "old")
        .unwrap();
    tx.open_table_in(&one, A)
        .unwrap()
        .insert(&2, "kept?")
        .unwrap();
    let gone = TableDefinition::<u64, u64>::new("gone");
    tx.open_table_in(&two, gone)
        .unwrap()
        .insert(&9, &9)
        .unwrap();
    tx.commit().unwrap();

    let tx = db.begin_write(&[&one, &two]).unwrap();
    {
        let mut a = tx.open_table_in(&one, A).unwrap();
        a.insert(&1, "new").unwrap();
        a.remove(&2).unwrap();
        a.insert(&3, "three").unwrap();
        tx.open_table_in(&two, B).unwrap().insert("x", &7).unwrap();
    }
    tx.delete_table_in(&two, "gone").unwrap();
    let redo = tx.redo();
    tx.abort().unwrap();
    let before = contents(&db);
    assert_eq!(before.0.len(), 2, "aborted: nothing changed");

    db.apply_redo(&redo).unwrap();
    let after = contents(&db);
    let expected = (
        vec![(1, "new".to_string()), (3, "three".to_string())],
        vec![("x".to_string(), 7)],
        true,
    );
    assert_eq!(after, expected);
    db.apply_redo(&redo).unwrap();
    assert_eq!(contents(&db), expected, "applying again changes nothing");

    // Durable: it survives a reopen.
    drop((one, two));
    drop(db);
    let db = Database::open_with(&path, Config::small()).unwrap();
    assert_eq!(contents(&db), expected);

    // Bad bytes and unknown families are errors, not panics.
    assert!(db.apply_redo(&[1, 2, 3]).is_err());
    let other = db.create_column_family("three").unwrap();
    let tx = other.begin_write().unwrap();
    tx.open_table(A).unwrap().insert(&5, "five").unwrap();
    let redo = tx.redo();
    tx.abort().unwrap();
    db.delete_column_family("three").unwrap();
    drop(other);
    assert!(matches!(
        db.apply_redo(&redo),
        Err(Error::FamilyNotFound(_))
    ));
    assert!(db.apply_redo(&[0, 0, 0, 0]).is_ok(), "an empty record");
}
