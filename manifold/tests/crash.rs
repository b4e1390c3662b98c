//! Process crashes: a child process commits from several threads and is killed with
//! SIGKILL at a random moment (during commits, checkpoints, or its own recovery). After
//! each kill the database must hold every commit the child acknowledged, and no
//! transaction may be half-applied. The same database goes through every round, so each
//! round also recovers from the previous crash.
//!
//! This binary re-executes itself: `child_process` does the work only when
//! `MANIFOLD_CRASH_CHILD` names the database path.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use manifold::{Config, Database, TableDefinition};
use rand::Rng;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

const CHILD_ENV: &str = "MANIFOLD_CRASH_CHILD";
const ROUND_ENV: &str = "MANIFOLD_CRASH_ROUND";
/// (round, thread, i) -> value
const T: TableDefinition<(u32, u32, u64), u64> = TableDefinition::new("t");
const THREADS: u32 = 3;

fn config() -> Config {
    Config::small()
        .to_builder()
        .log_segment_size(256 * 1024)
        .checkpoint_log_bytes(512 * 1024)
        .build()
        .unwrap()
}

#[test]
fn child_process() {
    let (Ok(path), Ok(round)) = (std::env::var(CHILD_ENV), std::env::var(ROUND_ENV)) else {
        return; // not the child: nothing to do
    };
    let round: u32 = round.parse().unwrap();
    let db = Database::open_with(&path, config()).unwrap();
    let a = db.column_family_or_create("a").unwrap();
    let b = db.column_family_or_create("b").unwrap();
    println!("READY");
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let (db, a, b) = (&db, &a, &b);
            s.spawn(move || {
                for i in 0u64.. {
                    let key = (round, t, i);
                    let v = u64::from(round) << 40 | u64::from(t) << 32 | i;
                    if t == 2 {
                        // A single-family writer beside the batches.
                        let tx = a.begin_write().unwrap();
                        tx.open_table(T).unwrap().insert(&key, &v).unwrap();
                        tx.commit().unwrap();
                    } else {
                        let tx = db.begin_write(&[a, b]).unwrap();
                        tx.open_table_in(a, T).unwrap().insert(&key, &v).unwrap();
                        tx.open_table_in(b, T)
                            .unwrap()
                            .insert(&key, &(v ^ 1))
                            .unwrap();
                        tx.commit().unwrap();
                    }
                    let mut out = std::io::stdout().lock();
                    writeln!(out, "ACK {t} {i}").unwrap();
                    out.flush().unwrap();
                    if t == 0 && i % 150 == 149 {
                        db.checkpoint().unwrap();
                    }
                }
            });
        }
    });
}

fn read_all(db: &Database, cf: &str) -> BTreeMap<(u32, u32, u64), u64> {
    let t = db
        .column_family(cf)
        .unwrap()
        .begin_read()
        .unwrap()
        .open_table(T)
        .unwrap();
    t.iter().unwrap().map(Result::unwrap).collect()
}

#[test]
fn sigkill_at_random_points_loses_no_acknowledged_commit() {
    let rounds: u32 = std::env::var("MANIFOLD_CRASH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(25);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.manifold");
    let exe = std::env::current_exe().unwrap();
    let mut rng = rand::rng();
    let mut total_acked = 0usize;
    for round in 0..rounds {
        let mut child = Command::new(&exe)
            .args([
                "child_process",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, &path)
            .env(ROUND_ENV, round.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        // Sometimes kill during open/recovery, usually mid-commits.
        let kill_after: usize = if rng.random_bool(0.15) {
            0
        } else {
            rng.random_range(1..600)
        };
        let mut acked: BTreeSet<(u32, u64)> = BTreeSet::new();
        if kill_after > 0 {
            for line in lines.by_ref() {
                let line = line.unwrap();
                if let Some(rest) = line.strip_prefix("ACK ") {
                    let mut it = rest.split(' ');
                    let t: u32 = it.next().unwrap().parse().unwrap();
                    let i: u64 = it.next().unwrap().parse().unwrap();
                    acked.insert((t, i));
                    if acked.len() >= kill_after {
                        break;
                    }
                }
            }
        } else {
            std::thread::sleep(std::time::Duration::from_millis(rng.random_range(0..40)));
        }
        child.kill().unwrap(); // SIGKILL
        // Acknowledgements printed before the kill count too.
        for line in lines.map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("ACK ") {
                let mut it = rest.split(' ');
                if let (Some(t), Some(i)) = (it.next(), it.next()) {
                    acked.insert((t.parse().unwrap(), i.parse().unwrap()));
                }
            }
        }
        child.wait().unwrap();
        total_acked += acked.len();
        verify(&path, round, &acked);
    }
    assert!(total_acked > 0, "the child never acknowledged a commit");
}

fn verify(path: &Path, round: u32, acked: &BTreeSet<(u32, u64)>) {
    let db = Database::open_with(path, config()).unwrap();
    if acked.is_empty() && db.list_column_families().len() < 2 {
        return; // killed before the families existed
    }
    let a = read_all(&db, "a");
    let b = read_all(&db, "b");
    for &(t, i) in acked {
        let v = u64::from(round) << 40 | u64::from(t) << 32 | i;
        assert_eq!(
            a.get(&(round, t, i)),
            Some(&v),
            "round {round}: acked ({t},{i}) lost"
        );
        if t != 2 {
            assert_eq!(
                b.get(&(round, t, i)),
                Some(&(v ^ 1)),
                "round {round}: acked ({t},{i}) lost in b"
            );
        }
    }
    // Batches are all-or-nothing across the two families.
    let batch_a: BTreeSet<_> = a.keys().filter(|k| k.1 != 2).collect();
    let batch_b: BTreeSet<_> = b.keys().collect();
    assert_eq!(
        batch_a, batch_b,
        "round {round}: a batch is in one family only"
    );
    // Each thread commits in order, so what survives of a round is a prefix per thread.
    for t in 0..THREADS {
        let ids: Vec<u64> = a
            .keys()
            .filter(|k| k.0 == round && k.1 == t)
            .map(|k| k.2)
            .collect();
        assert!(
            ids.iter().enumerate().all(|(n, &i)| n as u64 == i),
            "round {round}: thread {t} has a gap"
        );
    }
}
