//! Writes through one transaction commit together or not at all; ids, REQUIRED
//! fields and the secondary indexes stay right across updates and deletes.

use ticks::{Db, Error};

fn open() -> Result<(tempfile::TempDir, Db), Error> {
    let dir = tempfile::tempdir().map_err(|e| Error::Constraint(e.to_string()))?;
    let db = Db::open(dir.path().join("t.manifold"))?;
    Ok((dir, db))
}

#[test]
fn several_calls_commit_atomically() -> Result<(), Error> {
    let (_dir, db) = open()?;
    let mut tx = db.begin()?;
    tx.add_instrument("AAA", "XNYS", "tech", 100)?;
    tx.add_trade("AAA", 10, 1.5, 3, "buy")?;
    tx.abort()?;
    assert!(db.instrument_by_symbol("AAA")?.is_empty());
    assert!(db.all_trades()?.is_empty());
    let mut tx = db.begin()?;
    let a = tx.add_instrument("AAA", "XNYS", "tech", 100)?;
    let t = tx.add_trade("AAA", 10, 1.5, 3, "buy")?;
    drop(tx);
    assert!(
        db.instrument_by_id(a)?.is_empty(),
        "a dropped transaction rolls back"
    );
    let mut tx = db.begin()?;
    let a = tx.add_instrument("AAA", "XNYS", "tech", 100)?;
    tx.add_trade("AAA", 10, 1.5, 3, "buy")?;
    tx.commit()?;
    assert_eq!(db.instrument_by_id(a)?.len(), 1);
    assert_eq!(db.all_trades()?.len(), 1);
    let _ = t;
    Ok(())
}

#[test]
fn ids_are_not_reused_and_duplicates_are_refused() -> Result<(), Error> {
    let (_dir, db) = open()?;
    let mut tx = db.begin()?;
    let first = tx.add_trade("AAA", 10, 1.0, 1, "buy")?;
    let second = tx.add_trade("AAA", 20, 1.0, 1, "buy")?;
    assert_eq!(tx.drop_before(30)?, 2);
    let third = tx.add_trade("AAA", 30, 1.0, 1, "buy")?;
    assert!(first < second && second < third);
    let dup = tx.insert_trades(ticks::NewTrades {
        id: Some(third),
        symbol: "BBB".into(),
        ts: 40,
        price: 2.0,
        qty: 2,
        side: None,
        flagged: None,
    });
    assert!(matches!(dup, Err(Error::Constraint(_))));
    tx.commit()?;
    Ok(())
}

#[test]
fn the_index_follows_updates_and_deletes() -> Result<(), Error> {
    let (_dir, db) = open()?;
    let mut tx = db.begin()?;
    for i in 0..20 {
        tx.add_trade(
            if i % 2 == 0 { "AAA" } else { "BBB" },
            i * 10,
            1.0,
            1,
            "buy",
        )?;
    }
    tx.commit()?;
    // trades_in_window reads the `ts` index.
    assert_eq!(db.trades_in_window(0, 100, 100)?.len(), 10);
    let mut tx = db.begin()?;
    assert_eq!(tx.drop_before(50)?, 5);
    tx.commit()?;
    assert_eq!(db.trades_in_window(0, 100, 100)?.len(), 5);
    assert_eq!(db.trades_in_window(0, 100, 2)?.len(), 2);
    assert!(matches!(
        db.trades_in_window(0, 100, -1),
        Err(Error::BadLimit(-1))
    ));
    Ok(())
}
