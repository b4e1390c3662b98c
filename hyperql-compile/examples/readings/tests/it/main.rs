//! Migration tests of the readings store: every step that touches the time series
//! leaves exactly the points its documents call for (checked against the documents
//! themselves), a step whose points collide fails and leaves the version before it,
//! and the compiled time-range queries answer like a scan of the migrated documents.

mod queries;
mod steps;

use hyperql_compile_runtime::manifold::{ColumnFamily, Database, WriteTransaction};
use hyperql_compile_runtime::{SeriesStore, manifold_timeseries::TxRef};
use readings::{Db, DefaultMigrations, Error};
use std::ops::Bound;

type R = Result<(), Box<dyn std::error::Error>>;

/// A fresh database path in a temporary folder.
fn db_path() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let path = dir.path().join("readings.manifold");
    (dir, path)
}

/// Creates the file at version `at` and writes `f`'s documents as that version
/// stores them.
fn fresh_at(
    path: &std::path::Path,
    at: u64,
    f: impl FnOnce(&WriteTransaction, &SeriesStore) -> Result<(), Error>,
) -> R {
    Db::migrate_to(path, at, &DefaultMigrations)?;
    let db = Database::open(path)?;
    let cf = db.column_family_or_create("hyperql")?;
    let series = SeriesStore::open(&cf)?;
    let tx = cf.begin_write()?;
    f(&tx, &series)?;
    tx.commit()?;
    Ok(())
}

/// Opens the family of the file at `path`.
fn family(path: &std::path::Path) -> Result<(Database, ColumnFamily), Error> {
    let db = Database::open(path)?;
    let cf = db.column_family_or_create("hyperql")?;
    Ok((db, cf))
}

/// `(time, id)` of every stored point of `collection`, by series name then time.
fn points(cf: &ColumnFamily, collection: &str) -> Result<Vec<(i64, i64)>, Error> {
    let series = SeriesStore::open(cf)?;
    let rtx = cf.begin_read()?;
    series.ids(
        TxRef::Read(&rtx),
        collection,
        None,
        Bound::Unbounded,
        Bound::Unbounded,
    )
}

/// The oracle: the points documents `(series value, time, id)` call for, by series
/// then time.
fn expected(mut docs: Vec<(String, i64, i64)>) -> Vec<(i64, i64)> {
    docs.sort();
    docs.into_iter().map(|(_, t, id)| (t, id)).collect()
}

/// The version stored in the file at `path`.
fn version(path: &std::path::Path) -> Result<Option<u64>, Error> {
    let (_db, cf) = family(path)?;
    hyperql_compile_runtime::stored_version(&cf)
}
