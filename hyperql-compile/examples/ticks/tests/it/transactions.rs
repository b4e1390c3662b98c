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

/// Inserts through a writer (tables open across calls) take ids past the ones
/// committed before, store the same documents as single inserts, and roll back
/// with their transaction; the ids counter is stored when the transaction commits.
#[test]
fn writer_inserts_continue_ids_and_read_back() -> Result<(), Error> {
    let (_dir, db) = open()?;
    let mut tx = db.begin()?;
    let one = tx.add_trade("AAA", 10, 1.25, 3, "buy")?;
    tx.commit()?;
    let mut tx = db.begin()?;
    let ids = {
        let mut w = tx.trades_writer()?;
        let a = w.add_trade("BBB", 20, 2.5, 4, "sell")?;
        let b = w.add_trade("CCC", 30, -0.0, 5, "")?;
        (a, b)
    };
    let single = tx.add_trade("DDD", 40, 4.0, 6, "bid")?;
    assert_eq!((one, ids.0, ids.1, single), (1, 2, 3, 4));
    let eee = |id: i64| ticks::NewTrades {
        id: Some(id),
        symbol: "EEE".into(),
        ts: 50,
        price: 5.0,
        qty: 7,
        side: None,
        flagged: Some(true),
    };
    let dup = tx.insert_trades(eee(2));
    assert!(matches!(dup, Err(Error::Constraint(_))));
    let given = tx.insert_trades(eee(10))?;
    assert_eq!(given, 10);
    tx.commit()?;
    let all = db.all_trades()?;
    let got: Vec<_> = all
        .iter()
        .map(|r| {
            (
                r.id,
                r.symbol.as_str(),
                r.ts,
                r.price,
                r.qty,
                r.side.as_deref(),
                r.flagged,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (1, "AAA", 10, 1.25, 3, Some("buy"), None),
            (2, "BBB", 20, 2.5, 4, Some("sell"), None),
            (3, "CCC", 30, -0.0, 5, Some(""), None),
            (4, "DDD", 40, 4.0, 6, Some("bid"), None),
            (10, "EEE", 50, 5.0, 7, None, Some(true)),
        ]
    );
    // Read back through the indexes, and rewritten whole by an UPDATE.
    assert_eq!(db.trades_for_symbol("BBB")?.len(), 0, "OFFSET 2 of one row");
    assert_eq!(db.trades_in_window(20, 41, 10)?.len(), 3);
    let mut tx = db.begin()?;
    assert_eq!(tx.reprice(2.0, "CCC")?, 1);
    tx.commit()?;
    assert_eq!(db.symbol_range_page("CCC", "CCD", 0, 5, 0)?[0].qty, 5);
    // An aborted writer leaves no documents and no counter behind.
    let mut tx = db.begin()?;
    tx.trades_writer()?.add_trade("FFF", 60, 6.0, 8, "buy")?;
    tx.abort()?;
    let mut tx = db.begin()?;
    assert_eq!(tx.add_trade("FFF", 60, 6.0, 8, "buy")?, 11);
    tx.commit()?;
    Ok(())
}
