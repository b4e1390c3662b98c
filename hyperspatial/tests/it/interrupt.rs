//! A scan of the database stops when its request is cancelled, even while its
//! filters drop every record (so the executor never sees a row to check on).

use hyperql::{
    CmpOp, DataSource, Document, Interrupt, Interrupted, Predicate, ScanRequest, SourceError, Value,
};
use hyperspatial::Database;

#[test]
fn a_filtering_scan_stops_when_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let mut batch = db.batch();
    for i in 0..2_000 {
        let mut d = Document::default();
        d.insert("n".into(), Value::Int(i));
        batch.insert("nums", None, d).unwrap();
    }
    batch.commit().unwrap();
    let scan = |interrupt: Interrupt| ScanRequest {
        collection: "nums".into(),
        entity: None,
        filters: vec![Predicate::Compare {
            path: vec!["n".into()],
            op: CmpOp::Eq,
            value: Value::Int(-1),
        }],
        projection: None,
        limit: None,
        interrupt,
    };
    // Not cancelled: the scan reads everything and finds nothing.
    let all: Vec<_> = DataSource::scan(&db, &scan(Interrupt::new()))
        .unwrap()
        .records
        .collect();
    assert!(all.is_empty(), "{all:?}");
    // Cancelled: the scan ends with the interruption instead.
    let cancelled = Interrupt::new();
    cancelled.cancel();
    let first = DataSource::scan(&db, &scan(cancelled))
        .unwrap()
        .records
        .next();
    assert!(
        matches!(
            first,
            Some(Err(SourceError::Interrupted(Interrupted::Cancelled)))
        ),
        "{first:?}"
    );
}
