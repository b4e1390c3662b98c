//! Suite `storage`: manifold against redb, fjall and LMDB (heed) on the same data:
//! 24-byte keys, 150-byte values. Systems run alternately, round by round.

mod floor;
mod notes;
mod peers;
mod recovery;

use crate::report::{Report, median, micros, percentile};
use peers::{Fjall, Lmdb, Manifold, Redb, Store};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::path::Path;
use std::time::Instant;

pub use recovery::wal_writer_child;

pub(crate) const VALUE_LEN: usize = 150;

struct Params {
    commits: usize,
    rounds: usize,
    concurrent_commits: usize,
    batches: usize,
    batch_size: usize,
    reads: usize,
    ranges: usize,
    recovery_mib: u64,
}

/// 24-byte keys that sort like `n`.
pub(crate) fn key(n: u64) -> [u8; 24] {
    let mut k = [b'k'; 24];
    k[16..].copy_from_slice(&n.to_be_bytes());
    k
}

pub(crate) fn value(n: u64) -> [u8; VALUE_LEN] {
    let mut v = [0u8; VALUE_LEN];
    for (i, b) in v.iter_mut().enumerate() {
        *b = (n as usize).wrapping_mul(31).wrapping_add(i) as u8;
    }
    v
}

/// Runs the suite.
pub fn run(quick: bool) -> Result<Report, String> {
    let p = if quick {
        Params {
            commits: 400,
            rounds: 4,
            concurrent_commits: 300,
            batches: 20,
            batch_size: 1000,
            reads: 20_000,
            ranges: 5_000,
            recovery_mib: 4,
        }
    } else {
        Params {
            commits: 4000,
            rounds: 8,
            concurrent_commits: 3000,
            batches: 100,
            batch_size: 1000,
            reads: 200_000,
            ranges: 50_000,
            recovery_mib: 64,
        }
    };
    let mut report = Report::new("storage", quick);
    std::fs::create_dir_all("bench-results").map_err(|e| e.to_string())?;
    let dir = tempfile::Builder::new()
        .prefix(".storage-")
        .tempdir_in("bench-results")
        .map_err(|e| e.to_string())?;
    report.note(format!(
        "24-byte keys, {VALUE_LEN}-byte values; data in {} (same disk as the project)",
        dir.path().display()
    ));

    commit_latency(&p, dir.path(), &mut report)?;
    concurrent(&p, dir.path(), &mut report)?;
    batch_and_reads(&p, dir.path(), &mut report)?;
    recovery::run(p.recovery_mib, dir.path(), &mut report)?;

    for m in ["commit_p50_us", "commit_p99_us"] {
        report.ratio(m, "manifold", "fjall");
        report.ratio(m, "manifold", "redb");
        report.ratio(m, "manifold", "lmdb");
        report.ratio(m, "manifold", floor::FLOOR);
    }
    for w in [1, 2, 4] {
        report.ratio(
            &format!("concurrent_{w}w_commits_per_s"),
            "manifold",
            "fjall",
        );
        report.ratio(
            &format!("concurrent_{w}w_commits_per_s"),
            "manifold",
            "redb",
        );
    }
    for m in [
        "batch_write_entries_per_s",
        "point_reads_per_s",
        "range10_reads_per_s",
    ] {
        report.ratio(m, "manifold", "redb");
        report.ratio(m, "manifold", "fjall");
    }
    notes::write(&mut report);
    Ok(report)
}

fn open_all(dir: &Path, tag: &str) -> Result<Vec<Box<dyn Store>>, String> {
    Ok(vec![
        Box::new(Manifold::open(&dir.join(format!("manifold-{tag}")), 1)?),
        Box::new(Redb::open(&dir.join(format!("redb-{tag}")), 1)?),
        Box::new(Fjall::open(&dir.join(format!("fjall-{tag}")), 1)?),
        Box::new(Lmdb::open(&dir.join(format!("lmdb-{tag}")))?),
    ])
}

/// Durable single-insert commits, one at a time, and the disk's floor (`floor`).
fn commit_latency(p: &Params, dir: &Path, report: &mut Report) -> Result<(), String> {
    eprintln!("storage: durable single-insert commit latency");
    let mut stores = open_all(dir, "latency")?;
    let mut floor = floor::Floor::create(dir, p.commits)?;
    // One series per store, then the floor's.
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); stores.len() + 1];
    let per_round = p.commits / p.rounds;
    let mut n = 0u64;
    for _ in 0..p.rounds {
        for (s, store) in stores.iter_mut().enumerate() {
            for _ in 0..per_round {
                n += 1;
                let (k, v) = (key(n), value(n));
                let t = Instant::now();
                store.commit_shared(0, &k, &v)?;
                samples[s].push(micros(t.elapsed()));
            }
        }
        for _ in 0..per_round {
            n += 1;
            let t = Instant::now();
            floor.commit(n)?;
            samples[stores.len()].push(micros(t.elapsed()));
        }
    }
    let names = stores.iter().map(|s| s.name()).chain([floor::FLOOR]);
    for (name, series) in names.zip(&mut samples) {
        report.add(name, "commit_p50_us", median(series), "us");
        report.add(name, "commit_p99_us", percentile(series, 0.99), "us");
    }
    Ok(())
}

/// Durable commits from 1, 2 and 4 threads, each on its own family / keyspace / table.
fn concurrent(p: &Params, dir: &Path, report: &mut Report) -> Result<(), String> {
    for writers in [1usize, 2, 4] {
        eprintln!("storage: concurrent durable commits, {writers} writers");
        let stores: Vec<Box<dyn Store>> = vec![
            Box::new(Manifold::open(
                &dir.join(format!("manifold-c{writers}")),
                writers,
            )?),
            Box::new(Fjall::open(
                &dir.join(format!("fjall-c{writers}")),
                writers,
            )?),
            Box::new(Redb::open(&dir.join(format!("redb-c{writers}")), writers)?),
        ];
        for store in &stores {
            let t = Instant::now();
            let result: Result<(), String> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..writers)
                    .map(|w| {
                        let store = store.as_ref();
                        s.spawn(move || {
                            for i in 0..p.concurrent_commits as u64 {
                                let n = (w as u64) << 40 | i;
                                store.commit_shared(w, &key(n), &value(n))?;
                            }
                            Ok::<(), String>(())
                        })
                    })
                    .collect();
                for h in handles {
                    h.join()
                        .map_err(|_| "writer thread panicked".to_string())??;
                }
                Ok(())
            });
            result?;
            let total = (writers * p.concurrent_commits) as f64;
            report.add(
                store.name(),
                &format!("concurrent_{writers}w_commits_per_s"),
                total / t.elapsed().as_secs_f64(),
                "commits/s",
            );
        }
    }
    Ok(())
}

/// Batches of 1000 entries (one durable transaction each), then random point reads and
/// 10-entry range reads over what was written.
fn batch_and_reads(p: &Params, dir: &Path, report: &mut Report) -> Result<(), String> {
    eprintln!("storage: batch writes, point reads, range reads");
    let mut stores: Vec<Box<dyn Store>> = vec![
        Box::new(Manifold::open(&dir.join("manifold-batch"), 1)?),
        Box::new(Redb::open(&dir.join("redb-batch"), 1)?),
        Box::new(Fjall::open(&dir.join("fjall-batch"), 1)?),
    ];
    let total = (p.batches * p.batch_size) as u64;
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut ids: Vec<u64> = (0..total).collect();
    ids.shuffle(&mut rng);
    let mut write_secs = vec![0.0; stores.len()];
    for chunk in ids.chunks(p.batch_size) {
        let entries: Vec<([u8; 24], [u8; VALUE_LEN])> =
            chunk.iter().map(|&n| (key(n), value(n))).collect();
        for (s, store) in stores.iter_mut().enumerate() {
            let t = Instant::now();
            store.write_batch(&entries)?;
            write_secs[s] += t.elapsed().as_secs_f64();
        }
    }
    for (s, store) in stores.iter().enumerate() {
        report.add(
            store.name(),
            "batch_write_entries_per_s",
            total as f64 / write_secs[s],
            "entries/s",
        );
    }
    let probes: Vec<u64> = (0..p.reads).map(|_| rng.random_range(0..total)).collect();
    let starts: Vec<u64> = (0..p.ranges)
        .map(|_| rng.random_range(0..total - 10))
        .collect();
    let mut read_secs = vec![0.0; stores.len()];
    let mut range_secs = vec![0.0; stores.len()];
    for half in [&probes[..p.reads / 2], &probes[p.reads / 2..]] {
        for (s, store) in stores.iter().enumerate() {
            let t = Instant::now();
            store.get_many(half)?;
            read_secs[s] += t.elapsed().as_secs_f64();
        }
    }
    for half in [&starts[..p.ranges / 2], &starts[p.ranges / 2..]] {
        for (s, store) in stores.iter().enumerate() {
            let t = Instant::now();
            store.range10_many(half)?;
            range_secs[s] += t.elapsed().as_secs_f64();
        }
    }
    for (s, store) in stores.iter().enumerate() {
        report.add(
            store.name(),
            "point_reads_per_s",
            p.reads as f64 / read_secs[s],
            "reads/s",
        );
        report.add(
            store.name(),
            "range10_reads_per_s",
            p.ranges as f64 / range_secs[s],
            "ranges/s",
        );
    }
    Ok(())
}
