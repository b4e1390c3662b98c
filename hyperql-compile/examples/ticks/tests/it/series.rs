//! Trades are a time series (`WITH TIME SERIES (ts, SERIES symbol)`): a time range
//! is read from manifold-timeseries. Its queries against the interpreted engine, and
//! its TIME_BUCKET aggregates against a brute force over the points inserted (out of
//! order, on bucket edges), moved, repriced and deleted.

use crate::data::Rng;
use crate::differential::{Both, ToValue, rows};
use hyperql::Value;
use std::collections::BTreeMap;
use ticks::{Db, Error, NewTrades};

#[test]
fn time_ranges_match_the_interpreted_engine() -> Result<(), Box<dyn std::error::Error>> {
    let b = Both::new(2000)?;
    let t = Value::Timestamp;
    let i = Value::Int;
    let s = Value::str;
    // Whole, inside, on bucket edges (250 ms and 100 ms), empty, reversed, past the end.
    let ranges = [
        (0, i64::MAX),
        (1_200_000, 1_450_000),
        (1_250_000, 1_500_000),
        (1_300_000, 1_300_000),
        (2_000_000, 1_000_000),
        (2_900_000, 9_000_000),
    ];
    for (from, to) in ranges {
        let ps = [("from", t(from)), ("to", t(to))];
        let got = b.db.trade_buckets(from, to)?;
        b.check(
            "trade_buckets",
            &ps,
            rows!(got, symbol, bucket, n, volume, avg_price, low, high),
        );
        b.check(
            "trades_in_window",
            &[("from", t(from)), ("to", t(to)), ("n", i(40))],
            rows!(b.db.trades_in_window(from, to, 40)?, id, symbol, price, qty),
        );
        for sym in ["AAA", "CCC", "ZZZ"] {
            let ps = [("symbol", s(sym)), ("from", t(from)), ("to", t(to))];
            b.check(
                "symbol_buckets",
                &ps,
                rows!(
                    b.db.symbol_buckets(sym, from, to)?,
                    bucket,
                    n,
                    notional,
                    biggest
                ),
            );
            for (n, skip) in [(5, 0), (7, 3), (1000, 0), (3, 400)] {
                let ps = [
                    ("symbol", s(sym)),
                    ("from", t(from)),
                    ("to", t(to)),
                    ("n", i(n)),
                    ("skip", i(skip)),
                ];
                b.check(
                    "symbol_window",
                    &ps,
                    rows!(
                        b.db.symbol_window(sym, from, to, n, skip)?,
                        id,
                        ts,
                        price,
                        side
                    ),
                );
            }
        }
    }
    let first = b.db.trade_by_id(17)?;
    assert_eq!(first.len(), 1);
    let at = b.db.all_trades()?.iter().find(|r| r.id == 17).map(|r| r.ts);
    for ts in [at.unwrap_or(0), 1_000_001, 0] {
        b.check(
            "trades_at",
            &[("ts", t(ts))],
            rows!(b.db.trades_at(ts)?, id, symbol),
        );
    }
    Ok(())
}

/// One inserted trade, as the brute force sees it.
#[derive(Clone, Copy)]
struct Point {
    symbol: &'static str,
    ts: i64,
    price: f64,
    qty: i64,
}

/// `trade_buckets` computed from the points: `from <= ts < to`, buckets of 250 ms,
/// by symbol then bucket.
fn brute_buckets(points: &BTreeMap<i64, Point>, from: i64, to: i64) -> Vec<Vec<Value>> {
    let mut groups: BTreeMap<(&str, i64), Vec<Point>> = BTreeMap::new();
    for p in points.values().filter(|p| p.ts >= from && p.ts < to) {
        let bucket = p.ts.div_euclid(250_000) * 250_000;
        groups.entry((p.symbol, bucket)).or_default().push(*p);
    }
    groups
        .into_iter()
        .map(|((symbol, bucket), ps)| {
            let n = ps.len() as i64;
            let sum: f64 = ps.iter().map(|p| p.price).sum();
            let low = ps.iter().map(|p| p.price).fold(f64::INFINITY, f64::min);
            let high = ps.iter().map(|p| p.price).fold(f64::NEG_INFINITY, f64::max);
            vec![
                Value::str(symbol),
                Value::Int(bucket),
                Value::Int(n),
                Value::Int(ps.iter().map(|p| p.qty).sum()),
                Value::Float(sum / n as f64),
                Value::Float(low),
                Value::Float(high),
            ]
        })
        .collect()
}

fn compiled_buckets(db: &Db, from: i64, to: i64) -> Result<Vec<Vec<Value>>, Error> {
    Ok(rows!(
        db.trade_buckets(from, to)?,
        symbol,
        bucket,
        n,
        volume,
        avg_price,
        low,
        high
    ))
}

fn assert_buckets(db: &Db, points: &BTreeMap<i64, Point>, what: &str) -> Result<(), Error> {
    let edges = [0, 250_000, 500_000, 750_000, 1_000_000, 1_250_000];
    for (from, to) in [
        (i64::MIN, i64::MAX),
        (250_000, 1_000_000),
        (249_999, 750_001),
    ]
    .into_iter()
    .chain(edges.windows(2).map(|w| (w[0], w[1])))
    {
        assert_eq!(
            compiled_buckets(db, from, to)?,
            brute_buckets(points, from, to),
            "{what}: trade_buckets({from}, {to})"
        );
    }
    Ok(())
}

#[test]
fn time_buckets_equal_a_brute_force_over_the_points() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let db = Db::open(dir.path().join("series.manifold"))?;
    // Times on bucket edges (multiples of 250 ms), next to them, and between, in a
    // shuffled order; prices in quarters so that sums are exact in any order.
    let mut r = Rng::new(3);
    let mut times: Vec<(&'static str, i64)> = Vec::new();
    for (k, symbol) in ["AAA", "BBB", "CCC"].into_iter().enumerate() {
        for edge in (0..5).map(|e| e * 250_000) {
            for d in [-1, 0, 1, 1000 + k as i64, 125_000] {
                if edge + d >= 0 {
                    times.push((symbol, edge + d));
                }
            }
        }
    }
    for i in (1..times.len()).rev() {
        times.swap(i, r.below(i as u64 + 1) as usize);
    }
    let mut points = BTreeMap::new();
    let mut tx = db.begin()?;
    for (n, &(symbol, ts)) in times.iter().enumerate() {
        let (price, qty) = (r.below(400) as f64 / 4.0, r.below(50) + 1);
        // Through the three insert paths: the INSERT query, the writer, the New struct.
        let id = match n % 3 {
            0 => tx.add_trade(symbol, ts, price, qty, "buy")?,
            1 => tx
                .trades_writer()?
                .add_trade(symbol, ts, price, qty, "sell")?,
            _ => tx.insert_trades(NewTrades {
                id: None,
                symbol: symbol.into(),
                ts,
                price,
                qty,
                side: None,
                flagged: None,
            })?,
        };
        points.insert(
            id,
            Point {
                symbol,
                ts,
                price,
                qty,
            },
        );
    }
    tx.commit()?;
    assert_buckets(&db, &points, "inserted")?;

    // Moving a trade moves its point (to another bucket, and onto a bucket edge).
    let mut tx = db.begin()?;
    for (id, ts) in [(4, 999_999), (9, 500_000 + 7), (12, 1_250_000)] {
        if points
            .values()
            .any(|p| p.symbol == points[&id].symbol && p.ts == ts)
        {
            continue;
        }
        assert_eq!(tx.move_trade(ts, id)?, 1);
        if let Some(p) = points.get_mut(&id) {
            p.ts = ts;
        }
    }
    let bbb = points.values().filter(|p| p.symbol == "BBB").count() as u64;
    assert_eq!(tx.reprice(2.0, "BBB")?, bbb);
    for p in points.values_mut().filter(|p| p.symbol == "BBB") {
        p.price *= 2.0;
    }
    assert_eq!(
        tx.drop_before(250_000)?,
        points.values().filter(|p| p.ts < 250_000).count() as u64
    );
    points.retain(|_, p| p.ts >= 250_000);
    tx.commit()?;
    assert_buckets(&db, &points, "moved, repriced, deleted")?;

    // A rolled-back transaction leaves no point behind.
    let mut tx = db.begin()?;
    tx.add_trade("AAA", 600_000, 1.0, 1, "buy")?;
    tx.drop_before(2_000_000)?;
    drop(tx);
    assert_buckets(&db, &points, "after a rollback")?;
    Ok(())
}

#[test]
fn a_second_trade_at_the_same_time_of_a_symbol_is_refused() -> Result<(), Box<dyn std::error::Error>>
{
    let dir = tempfile::tempdir()?;
    let db = Db::open(dir.path().join("same.manifold"))?;
    let mut tx = db.begin()?;
    let a = tx.add_trade("AAA", 10, 1.0, 1, "buy")?;
    let b = tx.add_trade("BBB", 10, 2.0, 2, "buy")?;
    let c = tx.add_trade("AAA", 20, 3.0, 3, "buy")?;
    tx.commit()?;
    // Against a stored point: refused when the new points are written (here at commit,
    // which then writes nothing); against a new point of the same transaction: at once.
    let mut tx = db.begin()?;
    tx.add_trade("CCC", 10, 1.0, 1, "buy")?;
    tx.add_trade("AAA", 10, 9.0, 9, "sell")?;
    assert!(matches!(tx.commit(), Err(Error::Constraint(_))));
    let mut tx = db.begin()?;
    tx.add_trade("CCC", 50, 1.0, 1, "buy")?;
    let twice = tx.add_trade("CCC", 50, 1.0, 1, "buy");
    assert!(matches!(twice, Err(Error::Constraint(_))));
    drop(tx);
    assert!(db.trades_at(50)?.is_empty());
    let mut tx = db.begin()?;
    assert!(matches!(tx.move_trade(10, c), Err(Error::Constraint(_))));
    drop(tx);
    let ids: Vec<i64> = db.trades_at(10)?.iter().map(|r| r.id).collect();
    assert_eq!(ids, [a, b]);
    // Once the first has moved away, its time is free.
    let mut tx = db.begin()?;
    assert_eq!(tx.move_trade(30, a)?, 1);
    assert_eq!(tx.move_trade(10, c)?, 1);
    tx.commit()?;
    let at = |t| -> Result<Vec<i64>, Error> { Ok(db.trades_at(t)?.iter().map(|r| r.id).collect()) };
    assert_eq!((at(10)?, at(20)?, at(30)?), (vec![b, c], vec![], vec![a]));
    // A deleted trade frees its time too.
    let mut tx = db.begin()?;
    assert_eq!(tx.drop_before(15)?, 2);
    let d = tx.add_trade("AAA", 10, 4.0, 4, "buy")?;
    tx.commit()?;
    assert_eq!(at(10)?, [d]);
    Ok(())
}

#[test]
fn the_interpreted_engine_refuses_the_same_second_trade() -> Result<(), Box<dyn std::error::Error>>
{
    use hyperql::{Engine, MemorySource, Params};
    let engine = Engine::new(MemorySource::new());
    let schema = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("hql/schema.hql"),
    )?;
    engine.query_script(&schema, &Params::new())?;
    // One statement (one transaction) inserting the trades `(symbol, ts)`.
    let insert = |trades: &[(&str, i64)]| {
        let mut ps = Params::new();
        let mut rows = Vec::new();
        for (k, (sym, ts)) in trades.iter().enumerate() {
            ps.insert(format!("s{k}"), Value::str(sym));
            ps.insert(format!("t{k}"), Value::Timestamp(*ts));
            rows.push(format!("($s{k}, $t{k}, 1.0, 1, 'buy')"));
        }
        let q = format!(
            "INSERT INTO trades (symbol, ts, price, qty, side) VALUES {}",
            rows.join(", ")
        );
        engine.query(&q, &ps)
    };
    insert(&[("AAA", 10), ("BBB", 10), ("AAA", 20)])?;
    // As compiled: refused against a stored point and within one statement; nothing
    // of a refused statement is written.
    let stored = insert(&[("CCC", 10), ("AAA", 10)]);
    assert!(stored.is_err(), "{stored:?}");
    let twice = insert(&[("CCC", 50), ("CCC", 50)]);
    assert!(twice.is_err(), "{twice:?}");
    let n = engine.query("SELECT COUNT(*) AS n FROM trades", &Params::new())?;
    assert_eq!(n.rows, vec![vec![Value::Int(3)]]);
    Ok(())
}
