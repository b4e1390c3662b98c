//! Integration tests of manifold, one module per behaviour.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod basic;
mod codec;
mod concurrency;
mod corruption;
mod create;
mod cycles;
mod faults;
mod model;
mod power_loss;
mod recovery;
mod redo;

use manifold::{Config, ConfigBuilder, Database, SimDisk};
use std::path::PathBuf;
use std::sync::Arc;

/// A small-configured database in a fresh temporary directory.
pub fn temp_db() -> (tempfile::TempDir, PathBuf, Database) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("test.manifold");
    let db = Database::open_with(&path, Config::small()).unwrap();
    (dir, path, db)
}

/// A configuration on a simulated disk, with no background thread (deterministic).
pub fn sim_config(disk: &SimDisk) -> Config {
    Config::small()
        .to_builder()
        .segment_size(128 * 1024)
        .log_segment_size(128 * 1024)
        .background_checkpoints(false)
        .vfs(Arc::new(disk.clone()))
        .build()
        .unwrap()
}

/// A simulated disk with small segments and a short log (two 64 KiB segments, so
/// the log wraps quickly); callers add their checkpoint settings.
pub fn short_log_builder(disk: &SimDisk) -> ConfigBuilder {
    Config::small()
        .to_builder()
        .segment_size(128 * 1024)
        .log_segment_size(64 * 1024)
        .log_segments(2)
        .vfs(Arc::new(disk.clone()))
}
