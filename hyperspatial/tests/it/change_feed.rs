//! The change feed: commits arrive in order, and a full subscriber counts what it
//! missed.

use crate::q;
use hyperql::Engine;
use hyperspatial::{ChangeKind, Database};

#[test]
fn change_feed_delivers_commits_in_order_and_counts_drops() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let sub = db.subscribe(16);
    let small = db.subscribe(1);
    let e = Engine::new(db.clone());
    q(&e, "INSERT INTO users (id, name) VALUES ('a', 'A')");
    q(&e, "UPDATE users SET name = 'B' WHERE id = 'a'");
    q(&e, "DELETE FROM users WHERE id = 'a'");
    // Commits publish before they return: the events are there already.
    let kinds: Vec<ChangeKind> = (0..3).map(|_| sub.try_recv().unwrap().kind).collect();
    assert_eq!(
        kinds,
        vec![ChangeKind::Insert, ChangeKind::Update, ChangeKind::Delete]
    );
    assert_eq!(small.try_recv().unwrap().kind, ChangeKind::Insert);
    assert!(small.try_recv().is_none());
    assert_eq!(small.lagged(), 2);
}

#[test]
fn a_subscriber_that_does_not_read_holds_at_most_its_bytes_of_records() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let idle = db.subscribe_with(1000, 1 << 20);
    let big = "x".repeat(256 << 10);
    let mut b = db.batch();
    for _ in 0..20 {
        let mut d = hyperql::Document::default();
        d.insert("blob".into(), hyperql::Value::str(&big));
        b.insert("blobs", None, d).unwrap();
    }
    b.commit().unwrap();
    let kept = std::iter::from_fn(|| idle.try_recv()).count();
    assert!((1..=4).contains(&kept), "{kept}");
    assert_eq!(idle.lagged(), 20 - kept as u64);
    // Reading frees the room again.
    let mut b = db.batch();
    let mut d = hyperql::Document::default();
    d.insert("blob".into(), hyperql::Value::str(&big));
    b.insert("blobs", None, d).unwrap();
    b.commit().unwrap();
    assert!(idle.try_recv().is_some());
}
