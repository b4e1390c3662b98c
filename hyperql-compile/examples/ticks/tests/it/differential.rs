//! Every compiled query against the interpreted HyperQL engine over a
//! `MemorySource` holding the same data: the same rows, in the same order where
//! ORDER BY fixes it (as multisets otherwise).

use crate::data::{self, instrument_doc, trade_doc};
use hyperql::{Engine, MemorySource, Params, Value};
use std::collections::BTreeMap;
use ticks::{Db, NewInstruments, NewTrades};

trait ToValue {
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

struct Both {
    db: Db,
    engine: Engine<MemorySource>,
    texts: BTreeMap<String, String>,
    _dir: tempfile::TempDir,
}

fn params(ps: &[(&str, Value)]) -> Params {
    ps.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

impl Both {
    fn new(trades: usize) -> Result<Both, Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let db = Db::open(dir.path().join("ticks.manifold"))?;
        let engine = Engine::new(MemorySource::new());
        let schema = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("hql/schema.hql"),
        )?;
        engine.query_script(&schema, &Params::new())?;
        let (is, ts) = (data::instruments(), data::trades(trades, 7));
        let mut tx = db.begin()?;
        for i in &is {
            tx.insert_instruments(NewInstruments {
                id: Some(i.id),
                symbol: i.symbol.into(),
                venue: i.venue.into(),
                sector: i.sector.map(Into::into),
                lot: i.lot,
                embedding: Some(i.embedding.clone()),
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
        tx.commit()?;
        let src = engine.source();
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

    fn check(&self, name: &str, ps: &[(&str, Value)], compiled: Vec<Vec<Value>>) {
        let mut want = self.interpreted(name, ps);
        let mut got = compiled;
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
        &[("min_lot", Value::Int(10)), ("q", qv)],
        rows!(b.db.nearest_instruments(10, &q)?, id),
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
        ("from", Value::Int(1_200_000)),
        ("to", Value::Int(1_400_000)),
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

#[test]
fn writes_match_the_interpreted_engine() -> Result<(), Box<dyn std::error::Error>> {
    let b = Both::new(300)?;
    let steps: Vec<(&str, Vec<(&str, Value)>)> = vec![
        (
            "reprice",
            vec![("factor", Value::Float(1.5)), ("symbol", Value::str("CCC"))],
        ),
        ("flag_large", vec![("qty", Value::Int(800))]),
        ("drop_before", vec![("ts", Value::Int(1_050_000))]),
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
