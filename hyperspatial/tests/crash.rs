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

const MULTI_ENV: &str = "HYPERSPATIAL_CRASH_MULTI_DIR";
const COUNTERS: i64 = 24;

fn multi_shard_options() -> hyperspatial::Options {
    hyperspatial::Options {
        shards: 4,
        ..hyperspatial::Options::default()
    }
}

/// Runs only as the child of `a_batch_over_shards_and_collections_is_all_or_nothing`:
/// one batch adds 1 to every counter (spread over four shards of `a` and over `b`);
/// the parent sets `HYPERSPATIAL_FAULT` so that the process stops after the first
/// shard committed.
#[test]
fn multi_shard_child() {
    let Ok(dir) = std::env::var(MULTI_ENV) else {
        return;
    };
    let db = Database::open_with(&dir, multi_shard_options()).unwrap();
    let e = Engine::new(db.clone());
    q(&e, "UPDATE a SET n = n + 1");
    // Only reached when no fault point stopped the process.
    std::process::exit(0);
}

#[test]
fn a_batch_over_shards_and_collections_is_all_or_nothing_across_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = Database::open_with(dir.path(), multi_shard_options()).unwrap();
        let e = Engine::new(db.clone());
        // Each `a` row carries a cascade into `b`, so one UPDATE writes both collections.
        q(
            &e,
            "CREATE SCHEMA b (total Int CASCADED AS AGGREGATE Sum FROM n THROUGH counts INCOMING)",
        );
        q(&e, "INSERT INTO b (id) VALUES ('sum')");
        for i in 0..COUNTERS {
            q(&e, &format!("INSERT INTO a (id, n) VALUES ('c{i}', 0)"));
            q(&e, &format!("RELATE 'c{i}' -[:counts]-> 'sum'"));
        }
    }
    let run = |fault: Option<&str>| {
        let mut cmd = Command::new(std::env::current_exe().unwrap());
        cmd.args(["multi_shard_child", "--exact", "--test-threads=1"])
            .env(MULTI_ENV, dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(f) = fault {
            cmd.env("HYPERSPATIAL_FAULT", f);
        }
        cmd.status().unwrap()
    };
    let check = |expect: i64| {
        let db = Database::open_with(dir.path(), multi_shard_options()).unwrap();
        let e = Engine::new(db.clone());
        let r = q(&e, "SELECT MIN(n), MAX(n), COUNT(*) FROM a");
        assert_eq!(
            r.rows,
            vec![vec![
                Value::Int(expect),
                Value::Int(expect),
                Value::Int(COUNTERS)
            ]],
            "every counter moved together"
        );
        let r = q(&e, "SELECT total FROM b");
        assert_eq!(r.rows, vec![vec![Value::Int(expect * COUNTERS)]]);
    };
    check(0);
    let status = run(Some("between-shard-commits"));
    assert!(!status.success(), "the child stops at the fault point");
    check(1);
    // Again, over the state the first recovery left.
    assert!(!run(Some("between-shard-commits")).success());
    check(2);
    assert!(run(None).success());
    check(3);
}

const IMPORT_ENV: &str = "HYPERSPATIAL_CRASH_IMPORT_DIR";
const IMPORT_ROWS: usize = 60;

fn import_rows() -> String {
    (0..IMPORT_ROWS)
        .map(|i| format!("{{\"id\": \"r{i}\", \"n\": {i}, \"boss\": \"r0\"}}\n"))
        .collect()
}

/// Runs only as the child of `an_import_killed_midway_leaves_nothing`: imports
/// `import_rows` in batches of 10 rows; the parent stops it after the third batch.
#[test]
fn import_child() {
    let Ok(dir) = std::env::var(IMPORT_ENV) else {
        return;
    };
    use hyperspatial::transfer::{EdgeMapping, Format, ImportOptions, Mapping, import};
    let db = Database::open(&dir).unwrap();
    let mut m = Mapping::new("rows");
    m.edges = vec![EdgeMapping::parse("boss:reports_to").unwrap()];
    let opts = ImportOptions {
        batch: 10,
        ..ImportOptions::default()
    };
    import(
        &db,
        import_rows().as_bytes(),
        Format::Jsonl,
        &m,
        &opts,
        &mut |_| {},
    )
    .unwrap();
    std::process::exit(0);
}

#[test]
fn an_import_killed_midway_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = Database::open(dir.path()).unwrap();
        let e = Engine::new(db.clone());
        q(&e, "INSERT INTO rows (id, n) VALUES ('before', -1)");
    }
    let run = |fault: Option<&str>| {
        let mut cmd = Command::new(std::env::current_exe().unwrap());
        cmd.args(["import_child", "--exact", "--test-threads=1"])
            .env(IMPORT_ENV, dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(f) = fault {
            cmd.env("HYPERSPATIAL_FAULT", f);
        }
        cmd.status().unwrap()
    };
    let count = || {
        let db = Database::open(dir.path()).unwrap();
        let e = Engine::new(db.clone());
        match q(&e, "SELECT COUNT(*) FROM rows").rows[0][0] {
            Value::Int(n) => n,
            ref v => panic!("{v:?}"),
        }
    };
    assert!(!run(Some("import-batch-committed:3")).success());
    assert_eq!(count(), 1, "only the row from before the import");
    assert!(run(None).success());
    assert_eq!(count(), 1 + IMPORT_ROWS as i64, "a whole import stays");
}
