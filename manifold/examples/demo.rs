//! The manifold demo: creates a database file, writes from several threads into several
//! column families (plus atomic batches across two of them), reopens it, reads everything
//! back, and prints what it did and how long commits took.
//!
//! `cargo run --release -p manifold --example demo [-- PATH]` (default
//! `manifold-demo/demo.manifold`; an existing demo database there is replaced).

use manifold::{Database, TableDefinition};
use std::time::Instant;

const EVENTS: TableDefinition<(u32, u64), str> = TableDefinition::new("events");
const COUNTERS: TableDefinition<str, u64> = TableDefinition::new("counters");
const THREADS: u32 = 4;
const COMMITS: u64 = 2_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).map_or_else(
        || std::path::PathBuf::from("manifold-demo/demo.manifold"),
        Into::into,
    );
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    for p in [path.clone(), manifold::log_path(&path)] {
        if p.exists() {
            std::fs::remove_file(&p)?;
        }
    }
    println!("manifold demo: {}", path.display());

    let db = Database::open(&path)?;
    let families: Vec<_> = (0..THREADS)
        .map(|i| db.create_column_family(&format!("shard-{i}")))
        .collect::<Result<_, _>>()?;
    println!(
        "created {} column families in one file: {:?}",
        families.len(),
        db.list_column_families()
    );

    // Each thread commits durably, one event per transaction, into its own family.
    let started = Instant::now();
    let mut latencies: Vec<f64> = std::thread::scope(|s| {
        let handles: Vec<_> = families
            .iter()
            .enumerate()
            .map(|(t, cf)| {
                s.spawn(move || -> manifold::Result<Vec<f64>> {
                    let mut lat = Vec::with_capacity(COMMITS as usize);
                    for i in 0..COMMITS {
                        let c = Instant::now();
                        let tx = cf.begin_write()?;
                        tx.open_table(EVENTS)?
                            .insert(&(t as u32, i), &format!("event {i} from writer {t}"))?;
                        tx.commit()?;
                        lat.push(c.elapsed().as_secs_f64() * 1e6);
                    }
                    Ok(lat)
                })
            })
            .collect();
        let mut all = Vec::new();
        for h in handles {
            all.extend(h.join().map_err(|_| "writer panicked")??);
        }
        Ok::<_, Box<dyn std::error::Error>>(all)
    })?;
    let secs = started.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    let pick = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
    println!(
        "{} durable commits from {THREADS} threads in {secs:.2} s: {:.0} commits/s, latency p50 {:.1} us, p99 {:.1} us",
        latencies.len(),
        latencies.len() as f64 / secs,
        pick(0.5),
        pick(0.99)
    );

    // Atomic batches across two families: a counter in each, always equal.
    let (a, b) = (&families[0], &families[1]);
    for _ in 0..100 {
        let tx = db.begin_write(&[a, b])?;
        for cf in [a, b] {
            let mut t = tx.open_table_in(cf, COUNTERS)?;
            let n = t.get("batches")?.unwrap_or(0);
            t.insert("batches", &(n + 1))?;
        }
        tx.commit()?;
    }
    println!("100 atomic batches across shard-0 and shard-1");
    drop(families);
    drop(db);

    // Reopen and read everything back.
    let t = Instant::now();
    let db = Database::open(&path)?;
    println!(
        "reopened in {:.1} ms ({} log records replayed)",
        t.elapsed().as_secs_f64() * 1e3,
        db.recovery_report().records_replayed
    );
    let mut total = 0;
    for name in db.list_column_families() {
        let cf = db.column_family(&name)?;
        let r = cf.begin_read()?;
        let events = r.open_table(EVENTS)?;
        let n = events.len()?;
        let last = events.last()?.map(|(_, v)| v).unwrap_or_default();
        let batches = r.open_table(COUNTERS)?.get("batches")?;
        println!("  {name}: {n} events, last = {last:?}, batch counter = {batches:?}");
        total += n;
    }
    let expected = u64::from(THREADS) * COMMITS;
    if total != expected {
        return Err(format!("read back {total} events, expected {expected}").into());
    }
    println!("read back all {total} events: OK");
    let size =
        std::fs::metadata(&path)?.len() + std::fs::metadata(manifold::log_path(&path))?.len();
    println!(
        "files on disk: {:.1} MiB (data + log)",
        size as f64 / (1 << 20) as f64
    );
    Ok(())
}
