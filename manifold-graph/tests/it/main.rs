//! Integration tests: a graph on a real manifold file against an in-memory model and
//! petgraph.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod algorithms;
mod edges;
mod model;

use manifold::{ColumnFamily, Config, Database};

/// A fresh database in a temporary directory, with one family.
pub fn temp_family() -> (tempfile::TempDir, Database, ColumnFamily) {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open_with(dir.path().join("g.manifold"), Config::small()).unwrap();
    let cf = db.column_family_or_create("graph").unwrap();
    (dir, db, cf)
}
