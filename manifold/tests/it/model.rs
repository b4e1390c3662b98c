//! A model check: random operations on two families, clean reopens, checkpoints and
//! power losses, compared against a `BTreeMap` per family.

use crate::sim_config;
use manifold::{Database, SimDisk, TableDefinition};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

const T: TableDefinition<u16, [u8]> = TableDefinition::new("t");

#[derive(Debug, Clone)]
enum Op {
    Put {
        cf: usize,
        key: u16,
        len: usize,
    },
    Delete {
        cf: usize,
        key: u16,
    },
    DeleteRange {
        cf: usize,
        from: u16,
        to: u16,
    },
    /// One transaction over both families.
    Batch {
        key: u16,
        len: usize,
    },
    Checkpoint,
    Reopen,
    PowerLoss {
        keep: u8,
        seed: u64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        10 => (0..2usize, 0..64u16, 0..300usize).prop_map(|(cf, key, len)| Op::Put { cf, key, len }),
        4 => (0..2usize, 0..64u16).prop_map(|(cf, key)| Op::Delete { cf, key }),
        1 => (0..2usize, 0..64u16, 0..64u16).prop_map(|(cf, from, to)| Op::DeleteRange { cf, from, to }),
        3 => (0..64u16, 0..300usize).prop_map(|(key, len)| Op::Batch { key, len }),
        1 => Just(Op::Checkpoint),
        1 => Just(Op::Reopen),
        1 => (0..=100u8, any::<u64>()).prop_map(|(keep, seed)| Op::PowerLoss { keep, seed }),
    ]
}

fn value(key: u16, len: usize, step: usize) -> Vec<u8> {
    (0..len).map(|i| (key as usize + i + step) as u8).collect()
}

fn check(db: &Database, model: &[BTreeMap<u16, Vec<u8>>; 2]) {
    for (i, m) in model.iter().enumerate() {
        let cf = db.column_family(&format!("cf{i}")).unwrap();
        let r = cf.begin_read().unwrap();
        let t = r.open_table(T).unwrap();
        let got: BTreeMap<u16, Vec<u8>> = t.iter().unwrap().map(Result::unwrap).collect();
        assert_eq!(&got, m, "family cf{i} differs from the model");
    }
}

fn open(disk: &SimDisk, path: &Path) -> Database {
    let db = Database::open_with(path, sim_config(disk)).unwrap();
    for i in 0..2 {
        db.column_family_or_create(&format!("cf{i}")).unwrap();
    }
    db
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn matches_a_btreemap(ops in proptest::collection::vec(op(), 1..80)) {
        let path = Path::new("/model.manifold");
        let mut disk = SimDisk::new();
        let mut db = open(&disk, path);
        let mut model: [BTreeMap<u16, Vec<u8>>; 2] = Default::default();
        for (step, op) in ops.into_iter().enumerate() {
            match op {
                Op::Put { cf, key, len } => {
                    let fam = db.column_family(&format!("cf{cf}")).unwrap();
                    let tx = fam.begin_write().unwrap();
                    let v = value(key, len, step);
                    tx.open_table(T).unwrap().insert(&key, &v).unwrap();
                    tx.commit().unwrap();
                    model[cf].insert(key, v);
                }
                Op::Delete { cf, key } => {
                    let fam = db.column_family(&format!("cf{cf}")).unwrap();
                    let tx = fam.begin_write().unwrap();
                    let existed = tx.open_table(T).unwrap().remove(&key).unwrap();
                    tx.commit().unwrap();
                    prop_assert_eq!(existed, model[cf].remove(&key).is_some());
                }
                Op::DeleteRange { cf, from, to } => {
                    let fam = db.column_family(&format!("cf{cf}")).unwrap();
                    let tx = fam.begin_write().unwrap();
                    let n = tx.open_table(T).unwrap().remove_range(&from..&to).unwrap();
                    tx.commit().unwrap();
                    let doomed: Vec<u16> = model[cf].range(from..to.max(from)).map(|(k, _)| *k).collect();
                    prop_assert_eq!(n, doomed.len() as u64);
                    for k in doomed { model[cf].remove(&k); }
                }
                Op::Batch { key, len } => {
                    let a = db.column_family("cf0").unwrap();
                    let b = db.column_family("cf1").unwrap();
                    let tx = db.begin_write(&[&a, &b]).unwrap();
                    let v = value(key, len, step);
                    tx.open_table_in(&a, T).unwrap().insert(&key, &v).unwrap();
                    tx.open_table_in(&b, T).unwrap().insert(&key, &v).unwrap();
                    tx.commit().unwrap();
                    model[0].insert(key, v.clone());
                    model[1].insert(key, v);
                }
                Op::Checkpoint => db.checkpoint().unwrap(),
                Op::Reopen => {
                    drop(db);
                    db = open(&disk, path);
                }
                Op::PowerLoss { keep, seed } => {
                    let image = disk.crash_image(f64::from(keep) / 100.0, seed);
                    drop(db);
                    disk = image;
                    db = open(&disk, path);
                }
            }
        }
        check(&db, &model);
    }
}
