//! Recovery time for a log of a given size, two ways:
//! - replay: on a simulated disk, commits fill the log (synced) and then power is lost
//!   before any checkpoint, so every record must be replayed into the families;
//! - reopen after a crash: a child process fills the log on a real file, then aborts (no
//!   clean close); the parent times the reopen (redb may keep its unsynced commits after a
//!   process crash, in which case there is less to replay).

use super::{key, value};
use crate::report::Report;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const PATH_ENV: &str = "BENCHES_WAL_WRITER";
const MIB_ENV: &str = "BENCHES_WAL_MIB";

fn config() -> Result<manifold::Config, String> {
    builder().build().map_err(|e| e.to_string())
}

fn builder() -> manifold::ConfigBuilder {
    manifold::Config::builder()
        .log_segment_size(64 << 20)
        .log_segments(2)
        .background_checkpoints(false)
        .checkpoint_log_bytes(u64::MAX)
}

/// Fills the log of `db` with `target` bytes of 10-entry commits; returns entries written.
fn fill(db: &manifold::Database, target: u64) -> Result<u64, String> {
    let cf = db.column_family_or_create("t").map_err(|e| e.to_string())?;
    let table = manifold::TableDefinition::<[u8; 24], [u8]>::new("t");
    let mut n = 0u64;
    while db.stats().log_bytes_since_checkpoint < target {
        let mut tx = cf.begin_write().map_err(|e| e.to_string())?;
        tx.set_durability(manifold::Durability::Deferred);
        {
            let mut t = tx.open_table(table).map_err(|e| e.to_string())?;
            for _ in 0..10 {
                n += 1;
                t.insert(&key(n), &value(n)[..])
                    .map_err(|e| e.to_string())?;
            }
        }
        tx.commit().map_err(|e| e.to_string())?;
    }
    db.sync().map_err(|e| e.to_string())?;
    Ok(n)
}

fn count(db: &manifold::Database) -> Result<u64, String> {
    let table = manifold::TableDefinition::<[u8; 24], [u8]>::new("t");
    db.column_family("t")
        .and_then(|cf| cf.begin_read())
        .and_then(|r| r.open_table(table))
        .and_then(|t| t.len())
        .map_err(|e| e.to_string())
}

/// Replay of a `mib`-MiB log after a simulated power loss.
fn replay(mib: u64, report: &mut Report) -> Result<(), String> {
    let path = Path::new("/replay.manifold");
    let disk = manifold::SimDisk::new();
    let cfg = || {
        builder()
            .vfs(std::sync::Arc::new(disk.clone()))
            .build()
            .map_err(|e| e.to_string())
    };
    let db = manifold::Database::open_with(path, cfg()?).map_err(|e| e.to_string())?;
    let written = fill(&db, mib << 20)?;
    // Power loss: only synced bytes survive; the log was synced, the families were not.
    let image = disk.crash_image(0.0, 1);
    drop(db);
    let t = Instant::now();
    let db = manifold::Database::open_with(
        path,
        builder()
            .vfs(std::sync::Arc::new(image))
            .build()
            .map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let secs = t.elapsed().as_secs_f64();
    let found = count(&db)?;
    if found != written {
        return Err(format!("replay recovered {found} entries of {written}"));
    }
    let records = db.recovery_report().records_replayed;
    report.add("manifold", &format!("replay_{mib}mib_ms"), secs * 1e3, "ms");
    report.add("manifold", "replay_mib_per_s", mib as f64 / secs, "MiB/s");
    report.add(
        "manifold",
        "replay_records_per_s",
        records as f64 / secs,
        "records/s",
    );
    Ok(())
}

/// In the child process: fill the log, then abort. Returns normally (false) when this
/// process is not the child.
pub fn wal_writer_child() -> bool {
    let (Ok(path), Ok(mib)) = (std::env::var(PATH_ENV), std::env::var(MIB_ENV)) else {
        return false;
    };
    let target: u64 = mib.parse::<u64>().unwrap_or(1) << 20;
    let write = || -> Result<u64, String> {
        let db = manifold::Database::open_with(&path, config()?).map_err(|e| e.to_string())?;
        fill(&db, target)
    };
    match write() {
        Ok(n) => println!("{n}"),
        Err(e) => eprintln!("wal writer: {e}"),
    }
    // No destructors: the database is left exactly as a crash would leave it.
    std::process::abort();
}

/// Times recovery of a `mib`-MiB log: replay on a simulated disk, then a real reopen
/// after a process crash.
pub fn run(mib: u64, dir: &Path, report: &mut Report) -> Result<(), String> {
    eprintln!("storage: recovery of a {mib} MiB log");
    replay(mib, report)?;
    let path = dir.join("manifold-recovery");
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = Command::new(exe)
        .arg("storage")
        .env(PATH_ENV, &path)
        .env(MIB_ENV, mib.to_string())
        .output()
        .map_err(|e| e.to_string())?;
    let written: u64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .map_err(|_| {
            format!(
                "log writer failed: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        })?;
    let t = Instant::now();
    let db = manifold::Database::open_with(&path, config()?).map_err(|e| e.to_string())?;
    let secs = t.elapsed().as_secs_f64();
    let found = count(&db)?;
    if found != written {
        return Err(format!("recovered {found} entries of {written}"));
    }
    report.add(
        "manifold",
        &format!("reopen_after_crash_{mib}mib_ms"),
        secs * 1e3,
        "ms",
    );
    report.add(
        "manifold",
        "reopen_after_crash_records_replayed",
        db.recovery_report().records_replayed as f64,
        "records",
    );
    Ok(())
}
