//! Fault points for crash tests. A test runs a child process with
//! `HYPERSPATIAL_FAULT=<name>` (or `<name>:<n>`); the child aborts (as a `kill -9`
//! would stop it) when it reaches the point called `name` (for the `n`-th time).
//! Without the variable a point costs one read of a value computed once.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable naming the fault point that aborts the process.
pub(crate) const FAULT_ENV: &str = "HYPERSPATIAL_FAULT";

/// The chosen point and on which hit it fires.
struct Chosen {
    name: String,
    at: u64,
    hits: AtomicU64,
}

/// Aborts the process if `HYPERSPATIAL_FAULT` names this point (and this is the hit
/// it asks for).
pub(crate) fn point(name: &str) {
    static CHOSEN: OnceLock<Option<Chosen>> = OnceLock::new();
    let chosen = CHOSEN.get_or_init(|| {
        let v = std::env::var(FAULT_ENV).ok()?;
        let (name, at) = match v.rsplit_once(':') {
            Some((n, at)) => (n.to_string(), at.parse().ok()?),
            None => (v, 1),
        };
        Some(Chosen {
            name,
            at,
            hits: AtomicU64::new(0),
        })
    });
    if let Some(c) = chosen
        && c.name == name
        && c.hits.fetch_add(1, Ordering::Relaxed) + 1 == c.at
    {
        std::process::abort();
    }
}
