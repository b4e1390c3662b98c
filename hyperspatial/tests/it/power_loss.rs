//! hyperspatial on manifold's simulated disk: after a power loss at any moment, every
//! acknowledged batch is there (new collections included), and a batch over several
//! collections is there whole or not at all.

use crate::q;
use hyperql::{Engine, Value};
use hyperspatial::{Database, Options};
use manifold::SimDisk;
use std::sync::Arc;

fn options(disk: &SimDisk) -> Options {
    let mut m = manifold::Config::small();
    m.log_segments = 1;
    m.background_checkpoints = false;
    m.vfs = Arc::new(disk.clone());
    Options {
        shards: 2,
        manifold: m,
        trajectories: false,
        ..Options::default()
    }
}

/// A database on `disk` whose `totals.t` sums `n` over the entities that `counts` it.
fn with_totals(dir: &std::path::Path, disk: &SimDisk) -> (Database, Engine<Database>) {
    let db = Database::open_with(dir, options(disk)).unwrap();
    let e = Engine::new(db.clone());
    q(
        &e,
        "CREATE SCHEMA totals (sum Int CASCADED AS AGGREGATE Sum FROM n THROUGH counts INCOMING)",
    );
    q(&e, "INSERT INTO totals (id) VALUES ('t')");
    (db, e)
}

fn int(v: &Value) -> i64 {
    match v {
        Value::Int(n) => *n,
        v => panic!("{v:?}"),
    }
}

#[test]
fn acknowledged_batches_and_new_collections_survive_power_loss() {
    for seed in 0..3u64 {
        let dir = tempfile::tempdir().unwrap();
        let disk = SimDisk::new();
        let (db, e) = with_totals(dir.path(), &disk);
        let mut acked = 0;
        for round in 0..(3 + seed as usize) {
            // A new collection each round, and a batch over two collections (the
            // cascade writes `totals`).
            let c = format!("c{round}");
            q(&e, &format!("INSERT INTO {c} (id, n) VALUES ('{c}-x', 1)"));
            q(&e, &format!("RELATE '{c}-x' -[:counts]-> 't'"));
            acked += 1;
        }
        // Power loss now: unsynced pages survive or not at random, some torn.
        let image = disk.crash_image(0.5, seed);
        drop(e);
        std::mem::forget(db); // the process "died": no checkpoint at close
        let db = Database::open_with(dir.path(), options(&image)).unwrap();
        let e = Engine::new(db.clone());
        for round in 0..acked {
            let r = q(&e, &format!("SELECT n FROM c{round}"));
            assert_eq!(
                r.rows,
                vec![vec![Value::Int(1)]],
                "seed {seed} round {round}"
            );
        }
        let total = q(&e, "SELECT sum FROM totals");
        assert_eq!(int(&total.rows[0][0]), acked as i64, "seed {seed}");
    }
}

/// Power loss in the middle of batches over two collections (an edge and the cascade
/// it feeds): after reopening, the cascaded total equals the edges stored, so no batch
/// was kept in part.
#[test]
fn a_batch_cut_by_power_loss_is_whole_or_absent() {
    for seed in 0..8u64 {
        let dir = tempfile::tempdir().unwrap();
        let disk = SimDisk::new();
        let (db, e) = with_totals(dir.path(), &disk);
        q(
            &e,
            "INSERT INTO c (id, n) VALUES ('a', 1), ('b', 1), ('c', 1), ('d', 1)",
        );
        // The disk dies a little way into the next writes.
        let start = disk.steps();
        disk.power_loss_at(start + 3 + seed * 5, 0.5, seed);
        for x in ["a", "b", "c", "d"] {
            if e.query(
                &format!("RELATE '{x}' -[:counts]-> 't'"),
                &hyperql::Params::new(),
            )
            .is_err()
            {
                break;
            }
        }
        let image = disk
            .take_power_loss_image()
            .unwrap_or_else(|| disk.crash_image(0.5, seed));
        drop(e);
        std::mem::forget(db);
        let db = Database::open_with(dir.path(), options(&image)).unwrap();
        let e = Engine::new(db.clone());
        let t = db.resolve(&Value::str("t")).unwrap();
        let edges = db
            .edges(t, manifold_graph::Direction::Incoming, Some("counts"))
            .unwrap()
            .len();
        let total = q(&e, "SELECT sum FROM totals");
        let total = match &total.rows[0][0] {
            Value::Null => 0,
            v => int(v),
        };
        assert_eq!(total, edges as i64, "seed {seed}: total against edges");
    }
}
