//! Requests stop when cancelled or late, and what they hold stays within their memory
//! budget: joins, traversals and the results of every statement of a script.

use hyperql::*;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use super::engine::big as table;

const CROSS3: &str = "SELECT COUNT(*) FROM t a, t b, t c";

#[test]
fn a_past_deadline_stops_a_cross_join() {
    let e = Engine::new(table(200));
    let progress = Arc::new(AtomicU64::new(0));
    let req = RequestCtx::new(Interrupt::new().with_deadline(Instant::now()), u64::MAX)
        .with_progress(progress.clone());
    let err = e.query_with(CROSS3, &Params::new(), &req).unwrap_err();
    assert!(matches!(err, Error::Exec(ExecError::Timeout)), "{err}");
    let done = progress.load(Ordering::Relaxed);
    assert!(done < 100_000, "{done} rows processed of 8,000,000");
}

#[test]
fn cancelling_from_another_thread_stops_a_cross_join() {
    let e = Engine::new(table(200));
    let progress = Arc::new(AtomicU64::new(0));
    let interrupt = Interrupt::new();
    let req = RequestCtx::new(interrupt.clone(), u64::MAX).with_progress(progress.clone());
    let finished = Arc::new(AtomicBool::new(false));
    let watcher = {
        let (progress, finished) = (progress.clone(), finished.clone());
        std::thread::spawn(move || {
            while progress.load(Ordering::Relaxed) < 50_000 && !finished.load(Ordering::Relaxed) {
                std::thread::yield_now();
            }
            interrupt.cancel();
        })
    };
    let out = e.query_with(CROSS3, &Params::new(), &req);
    finished.store(true, Ordering::Relaxed);
    watcher.join().unwrap();
    let err = out.unwrap_err();
    assert!(matches!(err, Error::Exec(ExecError::Cancelled)), "{err}");
    let done = progress.load(Ordering::Relaxed);
    assert!(done < 1_000_000, "{done} rows processed of 8,000,000");
}

#[test]
fn a_source_scan_that_filters_everything_out_stops_when_cancelled() {
    let s = table(200_000);
    let interrupt = Interrupt::new();
    interrupt.cancel();
    let req = ScanRequest {
        collection: "t".into(),
        entity: None,
        filters: vec![Predicate::Compare {
            path: vec!["g".into()],
            op: CmpOp::Eq,
            value: Value::Int(99),
        }],
        projection: None,
        limit: None,
        interrupt,
    };
    let first = s.scan(&req).unwrap().records.next();
    assert!(
        matches!(
            first,
            Some(Err(SourceError::Interrupted(Interrupted::Cancelled)))
        ),
        "{first:?}"
    );
}

#[test]
fn cross_join_batches_stay_small() {
    let e = Engine::new(table(100));
    let mut sizes = Vec::new();
    e.query_batches(
        "SELECT a.id, b.id, c.id FROM t a, t b, t c",
        &Params::new(),
        |_, b| {
            sizes.push(b.len());
            if sizes.len() == 5 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        },
    )
    .unwrap();
    let batch = Budget::default().batch_size;
    assert!(
        sizes.iter().all(|&n| n <= batch),
        "batches of {sizes:?} rows"
    );
}

#[test]
fn a_cross_join_count_runs_in_a_small_budget() {
    let e = Engine::new(table(100)).with_budget(Budget {
        max_memory: 1 << 20,
        ..Budget::default()
    });
    let r = e.query(CROSS3, &Params::new()).unwrap();
    assert_eq!(r.rows, vec![vec![Value::Int(1_000_000)]]);
}

/// 5 nodes, each with an edge `k` to each of the 4 others: 20 edges.
fn clique() -> MemorySource {
    let s = MemorySource::new();
    let ids: Vec<Value> = (1..=5).map(Value::Int).collect();
    s.insert_many(
        "nodes",
        None,
        ids.iter()
            .map(|id| [("id".to_string(), id.clone())].into_iter().collect()),
    );
    for a in &ids {
        for b in &ids {
            if a != b {
                s.relate(a.clone(), b.clone(), "k", Document::default());
            }
        }
    }
    s
}

#[test]
fn traversal_trails_count_against_the_memory_budget() {
    let e = Engine::new(clique()).with_budget(Budget {
        max_memory: 4 << 20,
        max_hops: 7,
        ..Budget::default()
    });
    let err = e
        .query(
            "SELECT COUNT(*) FROM nodes TRAVERSE (a)-[:k*1..1000000]->(b)",
            &Params::new(),
        )
        .unwrap_err();
    assert!(
        matches!(err, Error::Exec(ExecError::MemoryBudget { limit }) if limit == 4 << 20),
        "{err}"
    );
    assert!(err.to_string().contains("raise the memory budget"), "{err}");
}

#[test]
fn the_results_of_a_script_share_one_budget() {
    let e = Engine::new(table(1000)).with_budget(Budget {
        max_memory: 2 << 20,
        ..Budget::default()
    });
    assert_eq!(
        e.query("SELECT * FROM t", &Params::new())
            .unwrap()
            .rows
            .len(),
        1000
    );
    let script = "SELECT * FROM t;".repeat(50);
    let err = e.query_script(&script, &Params::new()).unwrap_err();
    assert!(
        matches!(err, Error::Exec(ExecError::MemoryBudget { .. })),
        "{err}"
    );
    // Statements run one by one as one request share it too.
    let req = e.request();
    let fails = (0..50).find(|_| {
        e.query_with("SELECT * FROM t", &Params::new(), &req)
            .is_err()
    });
    assert!(fails.is_some_and(|i| i > 0), "{fails:?}");
    assert!(req.memory() > 0);
}
