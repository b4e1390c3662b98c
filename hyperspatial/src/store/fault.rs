//! Fault points for crash tests. A test runs a child process with
//! `HYPERSPATIAL_FAULT=<name>`; the child aborts (as a `kill -9` would stop it) when
//! it reaches the point called `name`. Without the variable a point costs one read
//! of a value computed once.

use std::sync::OnceLock;

/// The environment variable naming the fault point that aborts the process.
pub(crate) const FAULT_ENV: &str = "HYPERSPATIAL_FAULT";

/// Aborts the process if `HYPERSPATIAL_FAULT` names this point.
pub(crate) fn point(name: &str) {
    static CHOSEN: OnceLock<Option<String>> = OnceLock::new();
    if CHOSEN
        .get_or_init(|| std::env::var(FAULT_ENV).ok())
        .as_deref()
        == Some(name)
    {
        std::process::abort();
    }
}
