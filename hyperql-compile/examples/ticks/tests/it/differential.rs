//! Every compiled query against the interpreted HyperQL engine over a
//! `MemorySource` holding the same data: the same rows, in the same order where
//! ORDER BY fixes it (as multisets otherwise).

use crate::data::{self, headline_doc, instrument_doc, trade_doc};
use hyperql::{Engine, MemorySource, Params, Value};
use std::collections::BTreeMap;
use ticks::{Db, NewHeadlines, NewInstruments, NewTrades};

pub(crate) trait ToValue {
    fn to_value(&self) -> Value;
}
impl ToValue for i64 {
    fn to_value(&self) -> Value {
        Value::Int(*self)
    }
}
impl ToValue for f64 {
    fn to_value(&self) -> Value {
        Value::Float(*self)
    }
}
impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
}
impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::str(self)
    }
}
impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToValue::to_value)
    }
}

macro_rules! rows {
    ($rows:expr, $($f:ident),+) => {
        $rows.iter().map(|r| vec![$(r.$f.to_value()),+]).collect::<Vec<Vec<Value>>>()
    };
}
pub(crate) use rows;

/// The text of each named query of the example's query files.
fn query_texts() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for file in ["hql/queries/reads.hql", "hql/queries/writes.hql"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        let text = std::fs::read_to_string(path).unwrap_or_default();
        for chunk in text.split("-- name: ").skip(1) {
            if let Some((name, body)) = chunk.split_once('\n') {
                out.insert(name.trim().to_string(), body.trim().to_string());
            }
        }
    }
    out
}

pub(crate) struct Both {
    pub(crate) db: Db,
    engine: Engine<MemorySource>,
    texts: BTreeMap<String, String>,
    _dir: tempfile::TempDir,
}

fn params(ps: &[(&str, Value)]) -> Params {
    ps.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

impl Both {
    pub(crate) fn new(trades: usize) -> Result<Both, Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let db = Db::open(dir.path().join("ticks.manifold"))?;
        let engine = Engine::new(MemorySource::new());
        let schema = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("hql/schema.hql"),
        )?;
        engine.query_script(&schema, &Params::new())?;
        let (is, ts) = (data::instruments(120), data::trades(trades, 7));
        let mut tx = db.begin()?;
        for i in &is {
            tx.insert_instruments(NewInstruments {
                id: Some(i.id),
                symbol: i.symbol.clone(),
                venue: i.venue.into(),
                sector: i.sector.map(Into::into),
                lot: i.lot,
                embedding: i.embedding.clone(),
            })?;
        }
        for t in &ts {
            tx.insert_trades(NewTrades {
                id: Some(t.id),
                symbol: t.symbol.into(),
                ts: t.ts,
                price: t.price,
                qty: t.qty,
                side: t.side.map(Into::into),
                flagged: t.flagged,
            })?;
        }
        let hs = data::headlines(300);
        for h in &hs {
            match &h.embedding {
                // Through the generated INSERT (its vector argument is `&[f32; 128]`).
                Some(v) if h.id % 2 == 0 => {
                    let id = tx.add_headline(h.symbol, h.ts, v)?;
                    assert_eq!(id, h.id);
                }
                _ => {
                    tx.insert_headlines(NewHeadlines {
                        id: Some(h.id),
                        symbol: h.symbol.into(),
                        ts: h.ts,
                        embedding: h.embedding.map(|v| v.to_vec()),
                    })?;
                }
            }
        }
        tx.commit()?;
        let src = engine.source();
        src.insert_many("headlines", None, hs.iter().map(headline_doc));
        src.insert_many("instruments", None, is.iter().map(instrument_doc));
        src.insert_many("trades", None, ts.iter().map(trade_doc));
        Ok(Both {
            db,
            engine,
            texts: query_texts(),
            _dir: dir,
        })
    }

    /// The interpreted engine's rows for query `name`.
    fn interpreted(&self, name: &str, ps: &[(&str, Value)]) -> Vec<Vec<Value>> {
        let text = &self.texts[name];
        match self.engine.query(text, &params(ps)) {
            Ok(r) => r.rows,
            Err(e) => panic!("interpreted `{name}` failed: {e}"),
        }
    }

    /// Compares the compiled rows with the engine's. A compiled row holds a Timestamp
    /// as its `i64` microseconds, so the engine's Timestamps are compared as Ints.
    pub(crate) fn check(&self, name: &str, ps: &[(&str, Value)], compiled: Vec<Vec<Value>>) {
        let as_int = |rows: Vec<Vec<Value>>| -> Vec<Vec<Value>> {
            rows.into_iter()
                .map(|r| {
                    r.into_iter()
                        .map(|v| match v {
                            Value::Timestamp(t) => Value::Int(t),
                            v => v,
                        })
                        .collect()
                })
                .collect()
        };
        let mut want = as_int(self.interpreted(name, ps));
        let mut got = as_int(compiled);
        let ordered = self.texts[name].contains("ORDER BY");
        if !ordered {
            let key = |r: &Vec<Value>| format!("{r:?}");
            want.sort_by_key(key);
            got.sort_by_key(key);
        }
        assert_eq!(
            got, want,
            "query `{name}` differs from the interpreted engine"
        );
        println!("{name}: {} rows agree", got.len());
    }
}

#[test]
fn every_read_query_matches_the_interpreted_engine() -> Result<(), Box<dyn std::error::Error>> {
    let b = Both::new(2000)?;
    let s = |x: &str| Value::str(x);
    let q = [0.5f32, -1.0, 2.0, 0.0, 1.0, -2.0, 0.25, 3.0];
    let qv = Value::Vector(q.to_vec().into());
    b.check(
        "similar_instruments",
        &[("q", qv.clone())],
        rows!(b.db.similar_instruments(&q)?, id, symbol),
    );
    b.check(
        "nearest_instruments",
        &[("min_lot", Value::Int(10)), ("q", qv.clone())],
        rows!(b.db.nearest_instruments(10, &q)?, id),
    );
    b.check(
        "most_aligned",
        &[("q", qv.clone())],
        rows!(b.db.most_aligned(&q)?, id, symbol),
    );
    let hq: [f32; 128] = std::array::from_fn(|i| ((i * 37) % 17) as f32 / 4.0 - 2.0);
    b.check(
        "similar_headlines",
        &[("q", Value::Vector(hq.to_vec().into()))],
        rows!(b.db.similar_headlines(&hq)?, id, symbol),
    );
    // TIME_BUCKET: bucket starts are Timestamps.
    let ts = |t: i64| Value::Timestamp(t);
    for (from, to) in [(0, i64::MAX), (1_100_000_000, 1_300_000_000)] {
        let got: Vec<Vec<Value>> =
            b.db.headlines_by_bucket(from, to)?
                .iter()
                .map(|r| vec![ts(r.bucket), r.n.to_value(), r.first_symbol.to_value()])
                .collect();
        assert!(got.len() > 10);
        b.check(
            "headlines_by_bucket",
            &[("from", ts(from)), ("to", ts(to))],
            got,
        );
    }
    let got: Vec<Vec<Value>> =
        b.db.headline_minutes("CCC")?
            .iter()
            .map(|r| vec![r.id.to_value(), ts(r.minute)])
            .collect();
    b.check("headline_minutes", &[("symbol", s("CCC"))], got);
    // Integer queries: dot, L1 and L2 distances are exact, so ties are real ties.
    let qi = [1.0f32, 0.0, -2.0, 3.0, 0.0, 1.0, -1.0, 2.0];
    let qiv = Value::Vector(qi.to_vec().into());
    for k in [0i64, 1, 7, 40, 120, 500] {
        b.check(
            "nearest_l1",
            &[("q", qiv.clone()), ("k", Value::Int(k))],
            rows!(b.db.nearest_l1(&qi, k)?, id, lot),
        );
        for skip in [0i64, 3, 13, 200] {
            b.check(
                "nearest_l2_page",
                &[
                    ("q", qiv.clone()),
                    ("k", Value::Int(k)),
                    ("skip", Value::Int(skip)),
                ],
                rows!(b.db.nearest_l2_page(&qi, k, skip)?, symbol),
            );
        }
    }
    b.check(
        "farthest_cosine",
        &[("q", qv.clone())],
        rows!(b.db.farthest_cosine(&q)?, id),
    );
    assert!(matches!(
        b.db.nearest_l1(&qi, -1),
        Err(ticks::Error::BadLimit(-1))
    ));
    let got = b.db.instrument_embedding(2)?;
    let want = b.interpreted("instrument_embedding", &[("id", Value::Int(2))]);
    assert_eq!(want.len(), 1);
    assert_eq!(
        got.iter()
            .map(|r| vec![
                Value::Int(r.id),
                r.embedding
                    .clone()
                    .map_or(Value::Null, |v| Value::Vector(v.into()))
            ])
            .collect::<Vec<_>>(),
        want
    );
    b.check(
        "trade_by_id",
        &[("id", Value::Int(17))],
        rows!(b.db.trade_by_id(17)?, symbol, price, qty),
    );
    b.check(
        "instrument_by_id",
        &[("id", Value::Int(3))],
        rows!(b.db.instrument_by_id(3)?, symbol, venue, sector, lot),
    );
    b.check(
        "instrument_by_id",
        &[("id", Value::Int(99))],
        rows!(b.db.instrument_by_id(99)?, symbol, venue, sector, lot),
    );
    b.check(
        "instrument_by_symbol",
        &[("symbol", s("DDD"))],
        rows!(b.db.instrument_by_symbol("DDD")?, id, venue),
    );
    let w = [
        ("from", Value::Timestamp(1_200_000)),
        ("to", Value::Timestamp(1_400_000)),
        ("n", Value::Int(37)),
    ];
    b.check(
        "trades_in_window",
        &w,
        rows!(
            b.db.trades_in_window(1_200_000, 1_400_000, 37)?,
            id,
            symbol,
            price,
            qty
        ),
    );
    b.check(
        "trades_for_symbol",
        &[("symbol", s("BBB"))],
        rows!(b.db.trades_for_symbol("BBB")?, ts, price),
    );
    b.check(
        "big_or_flagged",
        &[],
        rows!(b.db.big_or_flagged()?, id, qty),
    );
    b.check(
        "symbols_in",
        &[("extra", s("EEE"))],
        rows!(b.db.symbols_in("EEE")?, id, symbol),
    );
    b.check("sided_like", &[], rows!(b.db.sided_like()?, id, side));
    b.check(
        "price_band",
        &[("lo", Value::Float(100.0)), ("hi", Value::Float(180.5))],
        rows!(b.db.price_band(100.0, 180.5)?, id),
    );
    b.check("venues", &[], rows!(b.db.venues()?, venue));
    b.check(
        "volume_by_symbol",
        &[],
        rows!(
            b.db.volume_by_symbol()?,
            symbol,
            n,
            volume,
            avg_price,
            low,
            last_ts
        ),
    );
    b.check("side_counts", &[], rows!(b.db.side_counts()?, side, n));
    b.check(
        "totals",
        &[("min_double", Value::Int(1500))],
        rows!(b.db.totals(1500)?, n, notional),
    );
    b.check(
        "totals",
        &[("min_double", Value::Int(1_000_000))],
        rows!(b.db.totals(1_000_000)?, n, notional),
    );
    b.check("sectors", &[], rows!(b.db.sectors()?, symbol, sector));
    b.check(
        "all_trades",
        &[],
        rows!(
            b.db.all_trades()?,
            id,
            symbol,
            ts,
            price,
            qty,
            side,
            flagged
        ),
    );
    Ok(())
}

/// ORDER BY ... LIMIT over an index range, in index order (`symbol_range_page`,
/// `symbol_ids_page`: the walk stops early) and not (`symbol_range_by_qty`,
/// `window_latest`, and `symbol_range_first` without ORDER BY, by id: a bounded
/// top-k): symbols tie on hundreds of rows, quantities on a few, every query has a
/// condition beyond its range, and the pages run past the end.
#[test]
fn limited_ranges_match_the_interpreted_engine() -> Result<(), Box<dyn std::error::Error>> {
    let b = Both::new(2000)?;
    let s = |x: &str| Value::str(x);
    let i = Value::Int;
    for (lo, hi) in [("AAA", "ZZZ"), ("BBB", "DDD"), ("CCC", "CCC"), ("E", "EEF")] {
        for n in [0i64, 1, 5, 37, 400, 5000] {
            for skip in [0i64, 1, 13, 300, 5000] {
                let ps = [
                    ("lo", s(lo)),
                    ("hi", s(hi)),
                    ("min_qty", i(250)),
                    ("n", i(n)),
                    ("skip", i(skip)),
                ];
                b.check(
                    "symbol_range_page",
                    &ps,
                    rows!(
                        b.db.symbol_range_page(lo, hi, 250, n, skip)?,
                        id,
                        symbol,
                        qty
                    ),
                );
                let ps = [("lo", s(lo)), ("hi", s(hi)), ("n", i(n)), ("skip", i(skip))];
                b.check(
                    "symbol_range_by_qty",
                    &ps,
                    rows!(b.db.symbol_range_by_qty(lo, hi, n, skip)?, id, symbol, qty),
                );
                let ps = [
                    ("from", Value::Timestamp(1_300_000)),
                    ("max_qty", i(700)),
                    ("n", i(n)),
                    ("skip", i(skip)),
                ];
                b.check(
                    "window_latest",
                    &ps,
                    rows!(b.db.window_latest(1_300_000, 700, n, skip)?, id, ts, price),
                );
                let ps = [
                    ("symbol", s(lo)),
                    ("min_qty", i(500)),
                    ("n", i(n)),
                    ("skip", i(skip)),
                ];
                b.check(
                    "symbol_ids_page",
                    &ps,
                    rows!(b.db.symbol_ids_page(lo, 500, n, skip)?, id, price),
                );
            }
            let ps = [("lo", s(hi)), ("n", i(n))];
            b.check(
                "symbol_range_first",
                &ps,
                rows!(b.db.symbol_range_first(hi, n)?, id, qty),
            );
        }
    }
    // The index order is not the id order, or the top-k by id proves less.
    let first = b.db.symbol_range_first("BBB", 40)?;
    assert_eq!(first.len(), 40);
    assert!(first.windows(2).all(|w| w[0].id < w[1].id));
    assert!(b.db.symbol_range_page("AAA", "ZZZ", 0, 3, 0)?[0].symbol == "AAA");
    for bad in [-1i64, i64::MIN] {
        assert!(matches!(
            b.db.symbol_range_page("AAA", "ZZZ", 0, bad, 0),
            Err(ticks::Error::BadLimit(_))
        ));
        assert!(matches!(
            b.db.symbol_range_by_qty("AAA", "ZZZ", 5, bad),
            Err(ticks::Error::BadLimit(_))
        ));
    }
    Ok(())
}

#[test]
fn writes_match_the_interpreted_engine() -> Result<(), Box<dyn std::error::Error>> {
    let b = Both::new(300)?;
    let steps: Vec<(&str, Vec<(&str, Value)>)> = vec![
        (
            "reprice",
            vec![("factor", Value::Float(1.5)), ("symbol", Value::str("CCC"))],
        ),
        ("flag_large", vec![("qty", Value::Int(800))]),
        ("drop_before", vec![("ts", Value::Timestamp(1_050_000))]),
    ];
    let mut tx = b.db.begin()?;
    assert_eq!(tx.reprice(1.5, "CCC")?, affected(&b, &steps[0]));
    assert_eq!(tx.flag_large(800)?, affected(&b, &steps[1]));
    assert_eq!(tx.drop_before(1_050_000)?, affected(&b, &steps[2]));
    tx.commit()?;
    b.check(
        "all_trades",
        &[],
        rows!(
            b.db.all_trades()?,
            id,
            symbol,
            ts,
            price,
            qty,
            side,
            flagged
        ),
    );
    b.check(
        "trades_for_symbol",
        &[("symbol", Value::str("CCC"))],
        rows!(b.db.trades_for_symbol("CCC")?, ts, price),
    );
    Ok(())
}

fn affected(b: &Both, (name, ps): &(&str, Vec<(&str, Value)>)) -> u64 {
    let text = b.texts[*name].clone();
    match b.engine.query(&text, &params(ps)) {
        Ok(r) => r.affected.unwrap_or(0),
        Err(e) => panic!("interpreted `{name}` failed: {e}"),
    }
}

/// The k-NN queries against brute force: every instrument's distance in f64, a stable
/// sort in id order with NULL vectors first for SIMILARITY DESC and last for
/// DISTANCE ASC, then OFFSET and LIMIT.
#[test]
fn knn_matches_brute_force() -> Result<(), Box<dyn std::error::Error>> {
    let b = Both::new(10)?;
    let is = data::instruments(120);
    let q = [1.0f32, 0.0, -2.0, 3.0, 0.0, 1.0, -1.0, 2.0];
    let l1 = |v: &[f32]| -> f64 {
        v.iter()
            .zip(&q)
            .map(|(a, b)| (f64::from(*a) - f64::from(*b)).abs())
            .sum()
    };
    let l2 = |v: &[f32]| -> f64 {
        v.iter()
            .zip(&q)
            .map(|(a, b)| (f64::from(*a) - f64::from(*b)).powi(2))
            .sum::<f64>()
            .sqrt()
    };
    let order = |dist: &dyn Fn(&[f32]) -> f64, nulls_first: bool| -> Vec<i64> {
        let mut all: Vec<(i64, Option<f64>)> = is
            .iter()
            .map(|i| (i.id, i.embedding.as_deref().map(dist)))
            .collect();
        all.sort_by(|a, b| match (a.1, b.1) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            (None, None) => std::cmp::Ordering::Equal,
            (None, _) if nulls_first => std::cmp::Ordering::Less,
            (None, _) => std::cmp::Ordering::Greater,
            (_, None) if nulls_first => std::cmp::Ordering::Greater,
            (_, None) => std::cmp::Ordering::Less,
        });
        all.into_iter().map(|(id, _)| id).collect()
    };
    let by_l1 = order(&l1, false);
    let by_l2 = order(&l2, true);
    let symbol_of = |id: i64| is[(id - 1) as usize].symbol.clone();
    for k in [0usize, 1, 9, 50, 126, 300] {
        let got: Vec<i64> =
            b.db.nearest_l1(&q, k as i64)?
                .iter()
                .map(|r| r.id)
                .collect();
        assert_eq!(
            got,
            by_l1.iter().copied().take(k).collect::<Vec<_>>(),
            "L1, k {k}"
        );
        for skip in [0usize, 5, 120] {
            let got: Vec<String> =
                b.db.nearest_l2_page(&q, k as i64, skip as i64)?
                    .into_iter()
                    .map(|r| r.symbol)
                    .collect();
            let want: Vec<String> = by_l2
                .iter()
                .skip(skip)
                .take(k)
                .map(|&id| symbol_of(id))
                .collect();
            assert_eq!(got, want, "L2, k {k}, offset {skip}");
        }
    }
    // There are NULL vectors and exact ties in the data, or this test proves less.
    assert!(is.iter().any(|i| i.embedding.is_none()));
    let dists: Vec<f64> = is
        .iter()
        .filter_map(|i| i.embedding.as_deref().map(l1))
        .collect();
    let distinct: std::collections::BTreeSet<u64> = dists.iter().map(|d| d.to_bits()).collect();
    assert!(distinct.len() < dists.len());
    Ok(())
}

/// Vectors live in their manifold-vectors table and follow updates and deletes.
#[test]
fn vectors_follow_writes() -> Result<(), Box<dyn std::error::Error>> {
    let b = Both::new(10)?;
    let q = [1.0f32, 0.0, -2.0, 3.0, 0.0, 1.0, -1.0, 2.0];
    let mut tx = b.db.begin()?;
    // An update of another field keeps the vector.
    assert_eq!(tx.relot(7, "AAA")?, 1);
    let id = tx.insert_instruments(NewInstruments {
        id: None,
        symbol: "NEW".into(),
        venue: "XNYS".into(),
        sector: None,
        lot: 5,
        embedding: Some(q.to_vec()),
    })?;
    let wrong = tx.insert_instruments(NewInstruments {
        id: None,
        symbol: "BAD".into(),
        venue: "XNYS".into(),
        sector: None,
        lot: 5,
        embedding: Some(vec![1.0; 3]),
    });
    assert!(matches!(wrong, Err(ticks::Error::Constraint(_))));
    tx.commit()?;
    assert_eq!(b.db.nearest_l1(&q, 1)?[0].id, id);
    assert_eq!(
        b.db.instrument_embedding(id)?[0].embedding.as_deref(),
        Some(&q[..])
    );
    let aaa = b.db.instrument_embedding(1)?;
    assert_eq!(aaa[0].embedding, data::instruments(0)[0].embedding);
    let mut tx = b.db.begin()?;
    assert_eq!(tx.drop_instrument(id)?, 1);
    tx.commit()?;
    assert_ne!(b.db.nearest_l1(&q, 1)?[0].id, id);
    assert!(b.db.instrument_embedding(id)?.is_empty());
    Ok(())
}

/// RELATE through both engines, then every TRAVERSE query: the same rows.
#[test]
fn edges_match_the_interpreted_engine() -> Result<(), Box<dyn std::error::Error>> {
    let b = Both::new(10)?;
    let n = data::instruments(120).len() as i64;
    let weights = [0.25, 0.5, 0.75, 1.0];
    let mut tx = b.db.begin()?;
    let mut edges = 0;
    for a in 1..=n {
        // Two distinct targets per instrument (manifold-graph keeps one edge per
        // pair and type), some pointing at ids with no document.
        let targets = [(a * 7) % (n + 4) + 1, a % n + 1];
        for (k, &t) in targets.iter().enumerate() {
            if k == 1 && t == targets[0] {
                continue;
            }
            let w = weights[((a + k as i64) % 4) as usize];
            assert_eq!(tx.relate_correlated(a, w, t)?, 1);
            let ps = [
                ("a", Value::Int(a)),
                ("w", Value::Float(w)),
                ("b", Value::Int(t)),
            ];
            assert_eq!(affected(&b, &("relate_correlated", ps.to_vec())), 1);
            edges += 1;
        }
        if a + 3 <= n {
            tx.relate_same_sector(a, a + 3)?;
            let ps = vec![("a", Value::Int(a)), ("b", Value::Int(a + 3))];
            affected(&b, &("relate_same_sector", ps));
        }
        if a % 5 == 0 && a > 3 {
            tx.relate_same_sector(a, a - 3)?;
            let ps = vec![("a", Value::Int(a)), ("b", Value::Int(a - 3))];
            affected(&b, &("relate_same_sector", ps));
        }
    }
    tx.commit()?;
    assert!(edges > 200);
    for id in [1i64, 7, 50, 126, 999] {
        b.check(
            "correlated",
            &[("id", Value::Int(id))],
            rows!(b.db.correlated(id)?, symbol, peer, weight),
        );
    }
    for min in [0.0, 0.5, 1.0] {
        let got = b.db.correlated_into(min)?;
        assert!(min > 0.9 || !got.is_empty());
        b.check(
            "correlated_into",
            &[("min", Value::Float(min))],
            rows!(got, id, source, from, to),
        );
    }
    let reach = b.db.sector_reach()?;
    assert!(reach.len() > 100);
    b.check("sector_reach", &[], rows!(reach, id, reached));
    b.check(
        "peer_counts",
        &[],
        rows!(b.db.peer_counts()?, symbol, n, mean_weight),
    );
    // A RELATE is rolled back with its transaction.
    let mut tx = b.db.begin()?;
    tx.relate_correlated(1, 0.5, 3)?;
    tx.abort()?;
    assert!(!b.db.correlated(1)?.iter().any(|r| r.peer == "CCC"));
    Ok(())
}
