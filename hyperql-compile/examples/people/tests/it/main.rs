//! Migration tests of the people store: data written by the code of version 1 (its
//! module generated from `hql/v1/` by the build script) upgraded by the newest code,
//! moved back down, and the refusals and stub errors.

mod steps;
mod upgrade;

/// The code of version 1, generated from `hql/v1/` against the same history.
#[allow(missing_docs, dead_code)]
pub mod v1 {
    include!(concat!(env!("OUT_DIR"), "/hyperql_v1.rs"));
}

/// A fresh database path in a temporary folder.
pub fn db_path() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let path = dir.path().join("people.manifold");
    (dir, path)
}
