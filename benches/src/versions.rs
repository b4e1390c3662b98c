//! How the peers were built: their versions, as locked in the workspace's
//! `Cargo.lock` when the harness was compiled (see `build.rs`), for report notes.

/// `name=version` pairs separated by `;`, written by the build script.
const VERSIONS: &str = env!("BENCH_PEER_VERSIONS");

/// The locked version of package `name` (every version, joined by `/`, when the lock
/// holds several), or `?` when the build script did not record it.
pub fn version(name: &str) -> String {
    let found: Vec<&str> = VERSIONS
        .split(';')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(n, _)| *n == name)
        .map(|(_, v)| v)
        .collect();
    if found.is_empty() {
        "?".to_string()
    } else {
        found.join("/")
    }
}
