//! Many power-loss cycles on one simulated disk: concurrent writers (single- and
//! multi-family transactions, immediate and deferred), a thread creating and deleting
//! families, and the background checkpointer run until the power fails at a random step;
//! the disk keeps a random part of its unsynced pages; reopening (sometimes losing power
//! again during recovery) must find every acknowledged immediate commit, no transaction
//! half-applied, nothing from a lost attempt resurrected, and the families as created
//! and deleted. Then the next cycle works on the recovered disk.
//!
//! `MANIFOLD_FAULT_SEEDS` sets how many seeds run (default 4) and
//! `MANIFOLD_FAULT_SEED_START` the first one; `MANIFOLD_FAULT_CYCLES` the cycles per
//! seed (default 5).

use manifold::{
    ColumnFamily, Config, Database, Durability, SimDisk, SyncFault, TableDefinition, log_path,
};
use parking_lot::Mutex;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::atomic::{AtomicBool, AtomicU32};

/// (writer, index) -> value; index `CURSOR` holds the last index written to the family.
const T: TableDefinition<(u32, u64), [u8]> = TableDefinition::new("t");
const CURSOR: u64 = u64::MAX;
const FAMILIES: [&str; 3] = ["f0", "f1", "f2"];
const WRITERS: u32 = 3;
const MAX_COMMITS: u64 = 250;
const PATH: &str = "/cycles.manifold";

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn config(disk: &SimDisk) -> Config {
    crate::short_log_builder(disk)
        .checkpoint_log_bytes(40 * 1024)
        .checkpoint_interval(None)
        .background_checkpoints(true)
        .build()
        .unwrap()
}

/// Deterministic per (seed, writer, index): which families a commit writes, its value
/// length, its durability.
fn plan(seed: u64, t: u32, i: u64) -> (u8, usize, Durability) {
    let mut r = StdRng::seed_from_u64(seed ^ (u64::from(t) << 56) ^ i.wrapping_mul(0x9E37));
    let mask = r.random_range(1..8u8);
    let len = r.random_range(50..1200);
    let d = if r.random_bool(0.7) {
        Durability::Immediate
    } else {
        Durability::Deferred
    };
    (mask, len, d)
}

fn value(cycle: u32, t: u32, i: u64, len: usize) -> Vec<u8> {
    let mut v = format!("{cycle}:{t}:{i}:").into_bytes();
    v.resize(len.max(v.len()), (i as u8) ^ (cycle as u8));
    v
}

/// What a writer thread attempted and had acknowledged.
#[derive(Debug, Default, Clone)]
struct Writer {
    /// Every index up to here was found after the last recovery (`None`: none yet).
    cut: Option<u64>,
    /// Index -> (cycle of the latest attempt, families mask, value length).
    attempts: BTreeMap<u64, (u32, u8, usize)>,
    /// Highest index acknowledged with `Durability::Immediate`.
    acked_immediate: Option<u64>,
}

/// A family of the churn thread.
#[derive(Debug, Default, Clone)]
struct Churn {
    created: bool,
    key_acked: bool,
    delete_started: bool,
    deleted: bool,
}

#[derive(Debug, Default)]
struct Model {
    writers: Vec<Writer>,
    churn: BTreeMap<String, Churn>,
    next_churn: u64,
}

type Contents = BTreeMap<(u32, u64), Vec<u8>>;

fn contents(db: &Database, name: &str) -> Contents {
    let cf = db.column_family(name).unwrap();
    let r = cf.begin_read().unwrap();
    let t = r.open_table(T).unwrap();
    t.iter().unwrap().map(Result::unwrap).collect()
}

/// Checks the recovered database against the model, then makes the model what was found.
fn check(db: &Database, model: &mut Model, ctx: &str) {
    let fams: Vec<Contents> = FAMILIES.iter().map(|f| contents(db, f)).collect();
    for (t, w) in model.writers.iter_mut().enumerate() {
        let t = t as u32;
        let present: BTreeSet<u64> = fams
            .iter()
            .flat_map(|c| c.keys().filter(|k| k.0 == t && k.1 != CURSOR).map(|k| k.1))
            .collect();
        let cut = present.iter().next_back().copied();
        let floor = w.cut.max(w.acked_immediate);
        assert!(
            cut >= floor,
            "{ctx}: writer {t}: found up to {cut:?}, acknowledged up to {floor:?}"
        );
        for i in &present {
            assert!(
                w.attempts.contains_key(i),
                "{ctx}: writer {t} index {i} found but not attempted since it was lost"
            );
        }
        let mut cursor: [Option<u64>; 3] = [None; 3];
        let upto = match cut {
            Some(c) => w.attempts.range(..=c),
            None => w.attempts.range(1..1),
        };
        for (&i, &(cycle, mask, len)) in upto {
            let want = value(cycle, t, i, len);
            for (f, c) in fams.iter().enumerate() {
                let got = c.get(&(t, i));
                if mask & (1 << f) != 0 {
                    assert!(
                        got == Some(&want),
                        "{ctx}: writer {t} index {i} in {}: {} (cut {cut:?})",
                        FAMILIES[f],
                        if got.is_some() {
                            "wrong value"
                        } else {
                            "missing"
                        }
                    );
                    cursor[f] = Some(i);
                } else {
                    assert!(got.is_none(), "{ctx}: writer {t} index {i} not for f{f}");
                }
            }
        }
        for (f, c) in fams.iter().enumerate() {
            let got = c
                .get(&(t, CURSOR))
                .map(|v| u64::from_le_bytes(v[..8].try_into().unwrap()));
            assert_eq!(got, cursor[f], "{ctx}: writer {t} cursor of f{f}");
        }
        w.cut = cut;
        w.acked_immediate = None;
        w.attempts.retain(|&i, _| cut.is_some_and(|c| i <= c));
    }
    let existing: BTreeSet<String> = db
        .list_column_families()
        .into_iter()
        .filter(|n| n.starts_with('x'))
        .collect();
    for (name, c) in &model.churn {
        let exists = existing.contains(name);
        if c.deleted {
            assert!(!exists, "{ctx}: deleted family {name} is back");
        } else if c.created && !c.delete_started {
            assert!(exists, "{ctx}: created family {name} lost");
        }
        if exists && c.key_acked {
            let found = contents(db, name);
            assert!(
                found.contains_key(&(9, 9)),
                "{ctx}: acknowledged key of {name} lost"
            );
        }
    }
    model.churn = existing
        .into_iter()
        .map(|name| {
            let key = contents(db, &name).contains_key(&(9, 9));
            let c = Churn {
                created: true,
                key_acked: key,
                ..Churn::default()
            };
            (name, c)
        })
        .collect();
}

fn write_one(
    db: &Database,
    cfs: &[ColumnFamily],
    t: u32,
    i: u64,
    mask: u8,
    v: &[u8],
    d: Durability,
) -> manifold::Result<()> {
    let chosen: Vec<&ColumnFamily> = (0..3)
        .filter(|f| mask & (1 << f) != 0)
        .map(|f| &cfs[f])
        .collect();
    let mut tx = if chosen.len() == 1 {
        chosen[0].begin_write()?
    } else {
        db.begin_write(&chosen)?
    };
    tx.set_durability(d);
    for cf in &chosen {
        let mut table = tx.open_table_in(cf, T)?;
        table.insert(&(t, i), v)?;
        table.insert(&(t, CURSOR), &i.to_le_bytes()[..])?;
    }
    tx.commit()
}

/// One cycle of work until the power fails; returns the image it leaves.
/// Counts a writer thread as finished when it ends, however it ends.
struct Done<'a>(&'a AtomicU32);

impl Drop for Done<'_> {
    fn drop(&mut self) {
        self.0.fetch_add(1, SeqCst);
    }
}

fn work(
    disk: &SimDisk,
    db: &Database,
    model: &Mutex<Model>,
    seed: u64,
    cycle: u32,
    rng: &mut StdRng,
) -> SimDisk {
    let cfs: Vec<ColumnFamily> = FAMILIES
        .iter()
        .map(|f| db.column_family(f).unwrap())
        .collect();
    let keep = [0.0, 0.3, 0.7, 1.0][rng.random_range(0..4)];
    disk.power_loss_at(
        disk.steps() + rng.random_range(100..5000),
        keep,
        rng.random(),
    );
    // Sometimes a sync fails first (of the log or the data file; once, sticky or
    // partial), at a random step: the database must then acknowledge nothing more.
    let sync_fault = rng.random_bool(0.3).then(|| {
        let file = if rng.random_bool(0.5) {
            Path::new(PATH).to_path_buf()
        } else {
            log_path(Path::new(PATH))
        };
        let fault = match rng.random_range(0..3) {
            0 => SyncFault::Once,
            1 => SyncFault::Sticky,
            _ => SyncFault::Partial { seed: rng.random() },
        };
        (disk.steps() + rng.random_range(50..3000), file, fault)
    });
    let faulted = AtomicBool::new(false);
    let writers_done = AtomicU32::new(0);
    std::thread::scope(|s| {
        if let Some((at, file, fault)) = &sync_fault {
            let (faulted, writers_done) = (&faulted, &writers_done);
            s.spawn(move || {
                while disk.steps() < *at && writers_done.load(SeqCst) < WRITERS {
                    std::thread::yield_now();
                }
                faulted.store(true, SeqCst);
                disk.fail_syncs(file, *fault);
            });
        }
        for t in 0..WRITERS {
            let (cfs, faulted, writers_done) = (&cfs, &faulted, &writers_done);
            s.spawn(move || {
                let _done = Done(writers_done);
                let start = model.lock().writers[t as usize].cut.map_or(0, |c| c + 1);
                for i in start..start + MAX_COMMITS {
                    let (mask, len, d) = plan(seed ^ u64::from(cycle), t, i);
                    let v = value(cycle, t, i, len);
                    model.lock().writers[t as usize]
                        .attempts
                        .insert(i, (cycle, mask, len));
                    match write_one(db, cfs, t, i, mask, &v, d) {
                        Ok(()) if d == Durability::Immediate => {
                            model.lock().writers[t as usize].acked_immediate = Some(i);
                        }
                        Ok(()) => {}
                        Err(e) => {
                            assert!(
                                disk.is_dead() || faulted.load(SeqCst),
                                "writer {t}: {e} before any fault"
                            );
                            return;
                        }
                    }
                }
            });
        }
        s.spawn(|| {
            loop {
                let name = {
                    let mut m = model.lock();
                    m.next_churn += 1;
                    let name = format!("x{}", m.next_churn);
                    m.churn.insert(name.clone(), Churn::default());
                    name
                };
                let Ok(cf) = db.create_column_family(&name) else {
                    return;
                };
                model.lock().churn.get_mut(&name).unwrap().created = true;
                let tx = cf.begin_write().and_then(|tx| {
                    tx.open_table(T)?.insert(&(9, 9), b"churn")?;
                    tx.commit()
                });
                if tx.is_err() {
                    return;
                }
                model.lock().churn.get_mut(&name).unwrap().key_acked = true;
                drop(cf);
                let victim = {
                    let mut m = model.lock();
                    let live: Vec<String> = m
                        .churn
                        .iter()
                        .filter(|(_, c)| c.created && !c.delete_started)
                        .map(|(n, _)| n.clone())
                        .collect();
                    if live.len() < 3 {
                        continue;
                    }
                    let v = live[0].clone();
                    m.churn.get_mut(&v).unwrap().delete_started = true;
                    v
                };
                if db.delete_column_family(&victim).is_err() {
                    return;
                }
                if writers_done.load(SeqCst) == WRITERS && (disk.is_dead() || faulted.load(SeqCst))
                {
                    return;
                }
                model.lock().churn.get_mut(&victim).unwrap().deleted = true;
                if disk.is_dead() {
                    return;
                }
            }
        });
    });
    if std::env::var_os("MANIFOLD_FAULT_VERBOSE").is_some() {
        let m = model.lock();
        let acked: Vec<Option<u64>> = m.writers.iter().map(|w| w.acked_immediate).collect();
        eprintln!(
            "seed {seed} cycle {cycle}: keep {keep}, sync fault {sync_fault:?}, steps {}, dead {}, immediate acks up to {acked:?}, log syncs {}, families {}",
            disk.steps(),
            disk.is_dead(),
            db.stats().log_syncs,
            db.list_column_families().len()
        );
    }
    disk.take_power_loss_image().unwrap_or_else(|| {
        disk.cancel_power_loss();
        disk.crash_image(keep, rng.random())
    })
}

/// Opens the database, sometimes losing power during recovery first (then recovering
/// from that).
fn reopen(mut disk: SimDisk, path: &Path, rng: &mut StdRng) -> (SimDisk, Database) {
    loop {
        let interrupt = rng.random_bool(0.3);
        if interrupt {
            disk.power_loss_at(
                disk.steps() + rng.random_range(1..60),
                rng.random(),
                rng.random(),
            );
        }
        let opened = Database::open_with(path, config(&disk));
        if let Some(image) = disk.take_power_loss_image() {
            drop(opened);
            disk = image;
            continue;
        }
        disk.cancel_power_loss();
        return (
            disk.clone(),
            opened.unwrap_or_else(|e| panic!("reopen failed: {e}")),
        );
    }
}

fn run_seed(seed: u64, cycles: u32) {
    let path = Path::new(PATH);
    let mut rng = StdRng::seed_from_u64(seed);
    let model = Mutex::new(Model {
        writers: vec![Writer::default(); WRITERS as usize],
        ..Model::default()
    });
    let mut disk = SimDisk::new();
    {
        let db = Database::open_with(path, config(&disk)).unwrap();
        for f in FAMILIES {
            db.create_column_family(f).unwrap();
        }
        db.checkpoint().unwrap();
    }
    for cycle in 1..=cycles {
        let (d, db) = reopen(disk, path, &mut rng);
        check(
            &db,
            &mut model.lock(),
            &format!("seed {seed} before cycle {cycle}"),
        );
        let image = work(&d, &db, &model, seed, cycle, &mut rng);
        drop(db);
        disk = image;
    }
    let (_, db) = reopen(disk, path, &mut rng);
    check(&db, &mut model.lock(), &format!("seed {seed} at the end"));
}

#[test]
fn power_loss_cycles_keep_every_acknowledged_commit() {
    let seeds = env("MANIFOLD_FAULT_SEEDS", 4);
    let first = env("MANIFOLD_FAULT_SEED_START", 1);
    let cycles = env("MANIFOLD_FAULT_CYCLES", 5) as u32;
    for seed in first..first + seeds {
        run_seed(seed, cycles);
    }
}
