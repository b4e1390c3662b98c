//! Records the versions of the peers that the suites print, read from the workspace's
//! `Cargo.lock`, as the `BENCH_PEER_VERSIONS` environment variable of the build
//! (`name=version` pairs separated by `;`; empty when the lock file cannot be read).

/// Packages whose version a report note may name.
const PEERS: &[&str] = &[
    "rusqlite",
    "libsqlite3-sys",
    "hnsw_rs",
    "anndists",
    "simdeez",
    "instant-distance",
    "usearch",
    "numkong",
    "fjall",
    "redb",
    "heed",
    "lmdb-master-sys",
    "axum",
    "hyper",
    "tokio",
    "reqwest",
    "sqlparser",
    "petgraph",
];

fn main() {
    let lock = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    let text = std::fs::read_to_string(&lock).unwrap_or_default();
    let mut found = Vec::new();
    let mut name: Option<&str> = None;
    for line in text.lines() {
        if let Some(n) = quoted(line, "name = ") {
            name = Some(n);
        } else if let (Some(v), Some(n)) = (quoted(line, "version = "), name.take())
            && PEERS.contains(&n)
        {
            found.push(format!("{n}={v}"));
        }
    }
    println!("cargo:rustc-env=BENCH_PEER_VERSIONS={}", found.join(";"));
}

/// The quoted value of a `key = "value"` line.
fn quoted<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    line.strip_prefix(key)?.strip_prefix('"')?.strip_suffix('"')
}
