//! Window functions against the engine's contract: the rows they hold count against
//! the memory budget, a deadline stops them, and the optimizer neither pushes a limit
//! into a window that reads whole partitions nor prunes the fields it reads.

use super::engine::big;
use super::fixture;
use hyperql::*;
use std::sync::Arc;
use std::time::Instant;

#[test]
fn a_window_holding_every_row_is_charged_to_the_memory_budget() {
    let e = Engine::new(big(10_000)).with_budget(Budget {
        max_memory: 400_000,
        ..Budget::default()
    });
    // The answer is one row: what goes over the budget is the window's partition.
    let q = "SELECT id FROM t ORDER BY ROW_NUMBER() OVER (PARTITION BY g ORDER BY id DESC) LIMIT 1";
    let err = e.query(q, &Params::new()).unwrap_err();
    assert!(
        matches!(err, Error::Exec(ExecError::MemoryBudget { limit: 400_000 })),
        "{err}"
    );
    let r = Engine::new(big(10_000)).query(q, &Params::new()).unwrap();
    assert_eq!(r.rows.len(), 1);
}

#[test]
fn a_past_deadline_stops_a_window() {
    let e = Engine::new(big(5_000));
    let req = RequestCtx::new(Interrupt::new().with_deadline(Instant::now()), u64::MAX);
    let err = e
        .query_with(
            "SELECT SUM(id) OVER (ORDER BY id ROWS 10 PRECEDING) FROM t",
            &Params::new(),
            &req,
        )
        .unwrap_err();
    assert!(matches!(err, Error::Exec(ExecError::Timeout)), "{err}");
}

#[test]
fn limits_pass_moving_averages_only() {
    let e = Engine::new(fixture::source());
    let p = Params::new();
    let plan = e
        .explain("SELECT MOVING_AVG(amount, 2) FROM sales LIMIT 2", &p)
        .unwrap();
    assert!(plan.contains("Scan sales limit=2"), "{plan}");
    let plan = e
        .explain(
            "SELECT SUM(amount) OVER (ORDER BY ts ROWS 1 PRECEDING) FROM sales LIMIT 2",
            &p,
        )
        .unwrap();
    assert!(plan.trim_end().ends_with("Scan sales"), "{plan}");
    // Rows 1 and 2 of the window: their sums need the rows before them in `ts` order.
    let r = e
        .query(
            "SELECT id, SUM(amount) OVER (ORDER BY ts ROWS 1 PRECEDING) AS s FROM sales ORDER BY id LIMIT 2",
            &p,
        )
        .unwrap();
    assert_eq!(
        r.rows,
        vec![
            vec![Value::Int(1), Value::Int(15)],
            vec![Value::Int(2), Value::Int(30)]
        ]
    );
}

/// The in-memory source, claiming projection pushdown and honouring it.
struct Projecting(MemorySource);

impl DataSource for Projecting {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            projection_pushdown: true,
            ..self.0.capabilities()
        }
    }
    fn schema(&self, c: &str) -> Option<Schema> {
        self.0.schema(c)
    }
    fn scan(&self, req: &ScanRequest) -> Result<ScanResponse<'_>, SourceError> {
        let fields = req.projection.clone();
        let resp = self.0.scan(req)?;
        let records = resp.records.map(move |r| {
            r.map(|d| match &fields {
                Some(f) => Arc::new(
                    d.iter()
                        .filter(|(k, _)| f.contains(k))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                ),
                None => d,
            })
        });
        Ok(ScanResponse {
            records: Box::new(records),
            unapplied: resp.unapplied,
        })
    }
    fn get(&self, c: Option<&str>, ids: &[Value]) -> Result<Vec<Record>, SourceError> {
        self.0.get(c, ids)
    }
}

#[test]
fn projection_pushdown_keeps_the_fields_windows_read() {
    let e = Engine::new(Projecting(fixture::source()));
    let plain = Engine::new(fixture::source());
    let p = Params::new();
    for q in [
        "SELECT id, SUM(amount) OVER (PARTITION BY region ORDER BY ts ROWS 1 PRECEDING) AS s FROM sales ORDER BY id",
        "SELECT id, LAG(rep, 1, 'none') OVER (ORDER BY ts) AS prev FROM sales ORDER BY id",
        "SELECT DISTINCT ON (region) id FROM sales ORDER BY region, ts DESC",
    ] {
        let plan = e.explain(q, &p).unwrap();
        assert!(plan.contains("fields=["), "{plan}");
        assert_eq!(
            e.query(q, &p).unwrap().rows,
            plain.query(q, &p).unwrap().rows,
            "{q}"
        );
    }
    let plan = e
        .explain(
            "SELECT id, SUM(amount) OVER (PARTITION BY region ORDER BY ts) AS s FROM sales",
            &p,
        )
        .unwrap();
    assert!(plan.contains("fields=[amount, id, region, ts]"), "{plan}");
}
