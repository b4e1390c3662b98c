//! The notes of the storage suite: how each system was built and set up, and the
//! goals of manifold against fjall, met or not.

use super::peers::CACHE_BYTES;
use crate::report::Report;
use crate::versions::version;

/// Adds the build notes and the goal notes (after every figure was recorded).
pub fn write(report: &mut Report) {
    let mib = CACHE_BYTES >> 20;
    report.note(format!(
        "peers: redb {} (`Durability::Immediate`, its default; cache {mib} MiB); fjall {} \
         (default features; `manual_journal_persist(true)` and `persist(PersistMode::SyncAll)` \
         after every commit, its documented setup for durable transactions; block cache \
         {mib} MiB); LMDB through heed {} (lmdb-master-sys {}; map size 1 GiB, default \
         flags: synchronous durable commits, no `NO_SYNC`/`NO_META_SYNC`/`WRITE_MAP`); \
         manifold with its default configuration; one process, every system on the same \
         disk, alternating round by round",
        version("redb"),
        version("fjall"),
        version("heed"),
        version("lmdb-master-sys"),
    ));
    let get = |s: &str, m: &str| report.get(s, m).unwrap_or(f64::NAN);
    let verdict = |met: bool| if met { "met" } else { "NOT met" };
    let (ours, peer) = (
        get("manifold", "commit_p50_us"),
        get("fjall", "commit_p50_us"),
    );
    let commit = format!(
        "goal: manifold durable single-insert commit p50 <= fjall's (SyncAll) in the same \
         run: {} ({:.2}x: {ours:.1} us against {peer:.1} us; redb {:.1} us, LMDB {:.1} us; \
         the disk's floor, one write and `fdatasync` of a preallocated file, {:.1} us)",
        verdict(ours <= peer),
        ours / peer,
        get("redb", "commit_p50_us"),
        get("lmdb", "commit_p50_us"),
        get(super::floor::FLOOR, "commit_p50_us"),
    );
    let m = "concurrent_4w_commits_per_s";
    let (ours, peer) = (get("manifold", m), get("fjall", m));
    let writers = format!(
        "goal: manifold, 4 writers on their own column families, >= 2x fjall's durable \
         commits/s (4 writers on their own keyspaces): {} ({:.2}x: {ours:.0} against \
         {peer:.0} commits/s)",
        verdict(ours >= 2.0 * peer),
        ours / peer,
    );
    report.note(commit);
    report.note(writers);
}
