//! A process crash after commits: a child process commits two entities and an edge,
//! then aborts without any cleanup (no close, no checkpoint). Reopened, the database
//! holds what the child committed: the entities, their positions and the edge.
//!
//! This binary re-executes itself: `crash_child` does the work only when
//! `HYPERSPATIAL_CRASH_DIR` names the database directory. It is a binary of its own
//! so that re-executing it runs nothing but that child.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use hyperql::{Engine, Params, QueryResult, Value};
use hyperspatial::Database;
use std::process::{Command, Stdio};

const CHILD_ENV: &str = "HYPERSPATIAL_CRASH_DIR";

fn q(e: &Engine<Database>, text: &str) -> QueryResult {
    e.query(text, &Params::new())
        .unwrap_or_else(|err| panic!("{text}: {err}"))
}

/// Runs only as the child of `committed_batches_survive_a_crash`: commits, then
/// aborts the process.
#[test]
fn crash_child() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return; // not the child: nothing to do
    };
    let db = Database::open(&dir).unwrap();
    let e = Engine::new(db.clone());
    q(
        &e,
        "INSERT INTO users (id, name) VALUES ('a', 'A'), ('b', 'B')",
    );
    q(&e, "RELATE 'a' -[:knows]-> 'b'");
    std::process::abort();
}

#[test]
fn committed_batches_survive_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new(std::env::current_exe().unwrap())
        .args(["crash_child", "--exact", "--test-threads=1", "--nocapture"])
        .env(CHILD_ENV, dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(!status.success(), "the child aborts");
    let db = Database::open(dir.path()).unwrap();
    let e = Engine::new(db.clone());
    let r = q(
        &e,
        "SELECT b.name FROM users TRAVERSE (a)-[:knows]->(b) WHERE a._key = 'a'",
    );
    assert_eq!(r.rows, vec![vec![Value::str("B")]]);
    let a = db.get(&Value::str("a")).unwrap().unwrap();
    assert!(a.get("position").is_some());
}
