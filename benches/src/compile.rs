//! Suite `compile`: the same queries compiled by hyperql-compile (the `ticks` example
//! crate), interpreted by HyperQL over the in-memory source, and hand-written on
//! manifold tables, on the same data in one run: point query by id, indexed range
//! with LIMIT, GROUP BY aggregate, batched insert, exact k-NN (top 10 by cosine
//! similarity over 10k x 128-d headline embeddings).
//!
//! 1-hop traverse (the `correlated_with` peers of one instrument, 10k instruments with
//! 8 edges each). Not measured: the interpreted engine over hyperspatial.
//!
//! The hand-written trade store keeps what the `ticks` schema declares, as the
//! generated code does: a record per trade, indexes on symbol and ts, and a point per
//! trade (its id) in its symbol's series on manifold-timeseries.

use crate::report::{Report, median};
use hyperql::{Engine, MemorySource, Params, Value};
use manifold::{Database, TableDefinition};
use std::collections::HashMap;
use std::time::Instant;

const SYMBOLS: [&str; 8] = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF", "GGG", "HHH"];
const DOCS: TableDefinition<'static, i64, [u8]> = TableDefinition::new("trades");
const BY_TS: TableDefinition<'static, (i64, i64), ()> = TableDefinition::new("trades.ts");
const BY_SYMBOL: TableDefinition<'static, (&str, i64), ()> = TableDefinition::new("trades.symbol");

/// The value of a hand-written trade point: its document's id.
struct TradeId(i64);

impl manifold_timeseries::Record for TradeId {
    const SIZE: usize = 8;
    const TYPE_NAME: &'static str = "bench.trade_id";
    fn write(&self, out: &mut [u8]) {
        out.copy_from_slice(&self.0.to_le_bytes());
    }
    fn read(bytes: &[u8]) -> Self {
        let mut b = [0u8; 8];
        b.copy_from_slice(&bytes[..8]);
        TradeId(i64::from_le_bytes(b))
    }
}

/// Hand-written inserts of trades `ids` (document `i + 1` is `trade(i)`) in `w`, with
/// what the schema declares: the record, the indexes on symbol and ts, and a point per
/// trade in the series of its symbol on manifold-timeseries.
fn hand_insert(
    w: &manifold::WriteTransaction,
    series: &manifold_timeseries::TimeSeries,
    ids: std::ops::Range<i64>,
) -> Result<(), String> {
    let m = |e: manifold::Error| e.to_string();
    let names: Vec<String> = SYMBOLS.iter().map(|s| format!("trades:{s}")).collect();
    let mut points = Vec::with_capacity(ids.clone().count());
    {
        let mut docs = w.open_table(DOCS).map_err(m)?;
        let mut by_ts = w.open_table(BY_TS).map_err(m)?;
        let mut by_symbol = w.open_table(BY_SYMBOL).map_err(m)?;
        let mut record = Vec::new();
        for i in ids {
            let t = trade(i);
            encode_into(&t, &mut record);
            docs.insert(&(i + 1), record.as_slice()).map_err(m)?;
            by_ts.insert(&(t.ts, i + 1), &()).map_err(m)?;
            by_symbol.insert(&(t.symbol, i + 1), &()).map_err(m)?;
            let at = SYMBOLS.iter().position(|s| *s == t.symbol).unwrap_or(0);
            points.push((names[at].as_str(), t.ts, TradeId(i + 1)));
        }
    }
    series
        .append_named_in(w, &points)
        .map_err(|e| e.to_string())
}

struct Trade {
    symbol: &'static str,
    ts: i64,
    price: f64,
    qty: i64,
}

fn trade(i: i64) -> Trade {
    Trade {
        symbol: SYMBOLS[(i as usize * 7) % SYMBOLS.len()],
        ts: 1_000_000 + i * 10,
        price: ((i * 7919) % 10_000) as f64 / 100.0,
        qty: (i * 31) % 1000 + 1,
    }
}

/// Hand-written: a record of (symbol, ts, price, qty) and an index on ts.
fn encode_into(t: &Trade, b: &mut Vec<u8>) {
    b.clear();
    b.extend_from_slice(&(t.symbol.len() as u32).to_le_bytes());
    b.extend_from_slice(t.symbol.as_bytes());
    b.extend_from_slice(&t.ts.to_le_bytes());
    b.extend_from_slice(&t.price.to_le_bytes());
    b.extend_from_slice(&t.qty.to_le_bytes());
}

fn decode(b: &[u8]) -> (String, i64, f64, i64) {
    let n = u32::from_le_bytes(b[..4].try_into().unwrap()) as usize;
    let s = String::from_utf8(b[4..4 + n].to_vec()).unwrap();
    let at = |k: usize| -> [u8; 8] { b[4 + n + k * 8..4 + n + k * 8 + 8].try_into().unwrap() };
    (
        s,
        i64::from_le_bytes(at(0)),
        f64::from_le_bytes(at(1)),
        i64::from_le_bytes(at(2)),
    )
}

fn time_per_call(reps: usize, inner: usize, mut f: impl FnMut()) -> f64 {
    let mut samples = Vec::with_capacity(reps);
    for _ in 0..reps {
        let t = Instant::now();
        for _ in 0..inner {
            f();
        }
        samples.push(t.elapsed().as_secs_f64() / inner as f64);
    }
    median(&mut samples)
}

/// Runs the suite.
pub fn run(quick: bool) -> Result<Report, String> {
    let mut r = Report::new("compile", quick);
    let n: i64 = if quick { 10_000 } else { 100_000 };
    let reps = if quick { 3 } else { 11 };
    let inner = if quick { 200 } else { 2000 };
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let e = |e: ticks::Error| e.to_string();
    let m = |e: manifold::Error| e.to_string();

    // The same data three ways.
    let db = ticks::Db::open(dir.path().join("compiled.manifold")).map_err(e)?;
    let mut tx = db.begin().map_err(e)?;
    for i in 0..n {
        let t = trade(i);
        tx.add_trade(t.symbol, t.ts, t.price, t.qty, "buy")
            .map_err(e)?;
    }
    tx.commit().map_err(e)?;
    let hand = Database::open(dir.path().join("hand.manifold")).map_err(m)?;
    let cf = hand.column_family_or_create("t").map_err(m)?;
    let hand_series = manifold_timeseries::TimeSeries::open_in(
        cf.clone(),
        manifold_timeseries::Config {
            unit: manifold_timeseries::TimeUnit::Micros,
            out_of_order_window: None,
            ..manifold_timeseries::Config::default()
        },
    )
    .map_err(|e| e.to_string())?;
    let w = cf.begin_write().map_err(m)?;
    hand_insert(&w, &hand_series, 0..n)?;
    w.commit().map_err(m)?;
    let engine = Engine::new(MemorySource::new());
    engine
        .query_script(
            "CREATE SCHEMA trades (symbol String REQUIRED INDEXED, ts Int REQUIRED INDEXED, price Float REQUIRED, qty Int REQUIRED, side String, flagged Bool)",
            &Params::new(),
        )
        .map_err(|e| e.to_string())?;
    engine.source().insert_many(
        "trades",
        None,
        (0..n).map(|i| {
            let t = trade(i);
            [
                ("id".to_string(), Value::Int(i + 1)),
                ("symbol".to_string(), Value::str(t.symbol)),
                ("ts".to_string(), Value::Int(t.ts)),
                ("price".to_string(), Value::Float(t.price)),
                ("qty".to_string(), Value::Int(t.qty)),
                ("side".to_string(), Value::str("buy")),
            ]
            .into_iter()
            .collect()
        }),
    );

    // Point query by id.
    let mut i = 0i64;
    let mut next = || {
        i = (i + 7919) % n;
        i + 1
    };
    let t = time_per_call(reps, inner * 5, || {
        let rows = db.trade_by_id(next()).unwrap();
        assert_eq!(rows.len(), 1);
    });
    r.add("compiled", "point_query_us", t * 1e6, "us");
    let q = "SELECT symbol, price, qty FROM trades WHERE id = $id";
    let t = time_per_call(reps, inner * 5, || {
        let p: Params = [("id".to_string(), Value::Int(next()))]
            .into_iter()
            .collect();
        assert_eq!(engine.query(q, &p).unwrap().rows.len(), 1);
    });
    r.add("interpreted-memory", "point_query_us", t * 1e6, "us");
    let t = time_per_call(reps, inner * 5, || {
        let rt = cf.begin_read().unwrap();
        let docs = rt.open_table(DOCS).unwrap();
        let g = docs.get_raw(&next()).unwrap().unwrap();
        std::hint::black_box(decode(g.bytes()));
    });
    r.add("hand-written", "point_query_us", t * 1e6, "us");

    // Indexed range with LIMIT.
    let (from, to) = (1_000_000 + n * 5, 1_000_000 + n * 6);
    let t = time_per_call(reps, inner, || {
        assert_eq!(db.trades_in_window(from, to, 20).unwrap().len(), 20);
    });
    r.add("compiled", "range_limit_us", t * 1e6, "us");
    let q = "SELECT id, symbol, price, qty FROM trades WHERE ts >= $from AND ts < $to ORDER BY ts, id LIMIT $n";
    let p: Params = [("from", from), ("to", to), ("n", 20)]
        .into_iter()
        .map(|(k, v)| (k.to_string(), Value::Int(v)))
        .collect();
    let t = time_per_call(reps, inner / 10 + 1, || {
        assert_eq!(engine.query(q, &p).unwrap().rows.len(), 20);
    });
    r.add("interpreted-memory", "range_limit_us", t * 1e6, "us");
    let t = time_per_call(reps, inner, || {
        let rt = cf.begin_read().unwrap();
        let (idx, docs) = (rt.open_table(BY_TS).unwrap(), rt.open_table(DOCS).unwrap());
        let mut out = Vec::new();
        for e in idx
            .range(&(from, i64::MIN)..&(to, i64::MIN))
            .unwrap()
            .take(20)
        {
            let ((_, id), ()) = e.unwrap();
            out.push(decode(docs.get_raw(&id).unwrap().unwrap().bytes()));
        }
        assert_eq!(out.len(), 20);
    });
    r.add("hand-written", "range_limit_us", t * 1e6, "us");

    // GROUP BY aggregate over every row.
    let agg_reps = if quick { 3 } else { 7 };
    let t = time_per_call(agg_reps, 1, || {
        assert_eq!(db.volume_by_symbol().unwrap().len(), SYMBOLS.len());
    });
    r.add("compiled", "group_by_ms", t * 1e3, "ms");
    let q = "SELECT symbol, COUNT(*) AS n, SUM(qty) AS volume, AVG(price) AS avg_price, MIN(price) AS low, MAX(ts) AS last_ts FROM trades GROUP BY symbol HAVING COUNT(*) > 1 ORDER BY symbol";
    let t = time_per_call(agg_reps, 1, || {
        assert_eq!(
            engine.query(q, &Params::new()).unwrap().rows.len(),
            SYMBOLS.len()
        );
    });
    r.add("interpreted-memory", "group_by_ms", t * 1e3, "ms");
    let t = time_per_call(agg_reps, 1, || {
        let rt = cf.begin_read().unwrap();
        let docs = rt.open_table(DOCS).unwrap();
        let mut g: HashMap<String, (i64, i64, f64, f64, i64)> = HashMap::new();
        for e in docs.iter().unwrap() {
            let (_, b) = e.unwrap();
            let (s, ts, price, qty) = decode(&b);
            let a = g.entry(s).or_insert((0, 0, 0.0, f64::MAX, i64::MIN));
            a.0 += 1;
            a.1 += qty;
            a.2 += price;
            a.3 = a.3.min(price);
            a.4 = a.4.max(ts);
        }
        let mut rows: Vec<_> = g.into_iter().collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(rows.len(), SYMBOLS.len());
    });
    r.add("hand-written", "group_by_ms", t * 1e3, "ms");

    // Batched insert: one transaction of `batch` trades.
    let batch = if quick { 1000 } else { 10_000 };
    let mut base = n;
    let t = time_per_call(reps, 1, || {
        let mut tx = db.begin().unwrap();
        {
            // The writer keeps the tables open across the batch, as the hand-written
            // code does.
            let mut w = tx.trades_writer().unwrap();
            for i in base..base + batch {
                let t = trade(i);
                w.add_trade(t.symbol, t.ts, t.price, t.qty, "buy").unwrap();
            }
        }
        tx.commit().unwrap();
        base += batch;
    });
    r.add(
        "compiled",
        "batch_insert_krows_per_s",
        batch as f64 / t / 1e3,
        "krows/s",
    );
    let mut hbase = n;
    let t = time_per_call(reps, 1, || {
        let w = cf.begin_write().unwrap();
        hand_insert(&w, &hand_series, hbase..hbase + batch).unwrap();
        w.commit().unwrap();
        hbase += batch;
    });
    r.add(
        "hand-written",
        "batch_insert_krows_per_s",
        batch as f64 / t / 1e3,
        "krows/s",
    );
    let mut ibase = n;
    let q = "INSERT INTO trades (id, symbol, ts, price, qty, side) VALUES ($id, $s, $ts, $p, $q, 'buy')";
    let t = time_per_call(reps, 1, || {
        for i in ibase..ibase + batch / 10 {
            let t = trade(i);
            let p: Params = [
                ("id", Value::Int(i + 1)),
                ("s", Value::str(t.symbol)),
                ("ts", Value::Int(t.ts)),
                ("p", Value::Float(t.price)),
                ("q", Value::Int(t.qty)),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            engine.query(q, &p).unwrap();
        }
        ibase += batch / 10;
    });
    r.add(
        "interpreted-memory",
        "batch_insert_krows_per_s",
        (batch / 10) as f64 / t / 1e3,
        "krows/s",
    );

    knn(&mut r, &dir, quick)?;
    traverse(&mut r, &dir, quick)?;

    for metric in [
        "point_query_us",
        "range_limit_us",
        "group_by_ms",
        "knn_ms",
        "traverse_us",
    ] {
        r.ratio(metric, "interpreted-memory", "compiled");
        r.ratio(metric, "compiled", "hand-written");
    }
    r.ratio("batch_insert_krows_per_s", "hand-written", "compiled");
    r.ratio("batch_insert_krows_per_s", "compiled", "interpreted-memory");
    r.note(format!(
        "{n} trades; goals: interpreted/compiled >= 10 on the point query and >= 3 on the aggregate; compiled/hand-written <= 1.2 on latencies (hand-written/compiled <= 1.2 on insert throughput). k-NN: top 10 by cosine over {KNN_ROWS} x {KNN_DIM}-d vectors. Traverse: the peers of one of {TRAVERSE_ROWS} instruments with {TRAVERSE_DEGREE} edges each. Not measured: interpreted over hyperspatial. The interpreted insert runs one statement (one transaction) per row, {} rows.",
        batch / 10
    ));
    Ok(r)
}

const KNN_ROWS: usize = 10_000;
const KNN_DIM: usize = 128;
const HEADLINES: TableDefinition<'static, i64, [u8]> = TableDefinition::new("headlines");

fn headline_vector(i: usize) -> [f32; KNN_DIM] {
    std::array::from_fn(|k| (((i * 131 + k * 71) % 997) as f32 / 498.5) - 1.0)
}

/// Exact k-NN, the same 10k x 128-d vectors three ways: the compiled query (its
/// manifold-vectors table), the interpreted engine over the in-memory source (a scan
/// and a top-k sort), hand-written (manifold-vectors' search, then the documents).
fn knn(r: &mut Report, dir: &tempfile::TempDir, quick: bool) -> Result<(), String> {
    let e = |e: ticks::Error| e.to_string();
    let m = |e: manifold::Error| e.to_string();
    let v = |e: manifold_vectors::VectorError| e.to_string();
    let reps = if quick { 3 } else { 11 };
    let inner = if quick { 2 } else { 10 };
    let db = ticks::Db::open(dir.path().join("knn-compiled.manifold")).map_err(e)?;
    let mut tx = db.begin().map_err(e)?;
    for i in 0..KNN_ROWS {
        let sym = SYMBOLS[i % SYMBOLS.len()];
        tx.add_headline(sym, i as i64, &headline_vector(i))
            .map_err(e)?;
    }
    tx.commit().map_err(e)?;

    let hand = Database::open(dir.path().join("knn-hand.manifold")).map_err(m)?;
    let cf = hand.column_family_or_create("t").map_err(m)?;
    let vectors =
        manifold_vectors::DynVectorTable::open(&cf, "headlines.vec", KNN_DIM).map_err(v)?;
    let w = cf.begin_write().map_err(m)?;
    {
        let mut docs = w.open_table(HEADLINES).map_err(m)?;
        let mut vw = vectors.writer(&w).map_err(v)?;
        for i in 0..KNN_ROWS {
            let sym = SYMBOLS[i % SYMBOLS.len()];
            let mut b = (sym.len() as u32).to_le_bytes().to_vec();
            b.extend_from_slice(sym.as_bytes());
            b.extend_from_slice(&(i as i64).to_le_bytes());
            docs.insert(&(i as i64 + 1), b.as_slice()).map_err(m)?;
            vw.insert(uuid::Uuid::from_u128(i as u128 + 1), &headline_vector(i))
                .map_err(v)?;
        }
    }
    w.commit().map_err(m)?;

    let engine = Engine::new(MemorySource::new());
    engine
        .query_script(
            "CREATE SCHEMA headlines (symbol String REQUIRED INDEXED, ts Int REQUIRED, embedding Embedding(128))",
            &Params::new(),
        )
        .map_err(|e| e.to_string())?;
    engine.source().insert_many(
        "headlines",
        None,
        (0..KNN_ROWS).map(|i| {
            [
                ("id".to_string(), Value::Int(i as i64 + 1)),
                ("symbol".to_string(), Value::str(SYMBOLS[i % SYMBOLS.len()])),
                ("ts".to_string(), Value::Int(i as i64)),
                (
                    "embedding".to_string(),
                    Value::Vector(headline_vector(i).to_vec().into()),
                ),
            ]
            .into_iter()
            .collect()
        }),
    );

    let q = headline_vector(KNN_ROWS / 3 + 1);
    let t = time_per_call(reps, inner, || {
        assert_eq!(db.similar_headlines(&q).unwrap().len(), 10);
    });
    r.add("compiled", "knn_ms", t * 1e3, "ms");
    let text = "SELECT id, symbol FROM headlines ORDER BY SIMILARITY(embedding, $q, 'cosine') DESC LIMIT 10";
    let p: Params = [("q".to_string(), Value::Vector(q.to_vec().into()))]
        .into_iter()
        .collect();
    let t = time_per_call(reps, 1, || {
        assert_eq!(engine.query(text, &p).unwrap().rows.len(), 10);
    });
    r.add("interpreted-memory", "knn_ms", t * 1e3, "ms");
    let t = time_per_call(reps, inner, || {
        let rt = cf.begin_read().unwrap();
        let docs = rt.open_table(HEADLINES).unwrap();
        let hits = vectors
            .reader_in(&rt)
            .unwrap()
            .search(&q, 10, manifold_vectors::Metric::Cosine)
            .unwrap();
        let mut out = Vec::with_capacity(hits.len());
        for h in hits {
            let id = h.id.as_u128() as i64;
            let g = docs.get_raw(&id).unwrap().unwrap();
            let b = g.bytes();
            let n = u32::from_le_bytes(b[..4].try_into().unwrap()) as usize;
            out.push((id, String::from_utf8(b[4..4 + n].to_vec()).unwrap()));
        }
        assert_eq!(out.len(), 10);
    });
    r.add("hand-written", "knn_ms", t * 1e3, "ms");
    Ok(())
}

const TRAVERSE_ROWS: i64 = 10_000;
const TRAVERSE_DEGREE: i64 = 8;
const INSTRUMENTS: TableDefinition<'static, i64, [u8]> = TableDefinition::new("instruments");

fn peer(i: i64, k: i64) -> i64 {
    (i * 31 + k * 977) % TRAVERSE_ROWS + 1
}

/// 1-hop traverse, the same graph three ways: the compiled `correlated` query
/// (manifold-graph), the interpreted engine over the in-memory source, hand-written
/// (manifold-graph's adjacency, then the documents).
fn traverse(r: &mut Report, dir: &tempfile::TempDir, quick: bool) -> Result<(), String> {
    let e = |e: ticks::Error| e.to_string();
    let m = |e: manifold::Error| e.to_string();
    let g = |e: manifold_graph::GraphError| e.to_string();
    let reps = if quick { 3 } else { 11 };
    let inner = if quick { 200 } else { 2000 };
    let symbol = |i: i64| format!("S{i:05}");
    let db = ticks::Db::open(dir.path().join("graph-compiled.manifold")).map_err(e)?;
    let mut tx = db.begin().map_err(e)?;
    for i in 1..=TRAVERSE_ROWS {
        tx.add_instrument(&symbol(i), "XNYS", "tech", 100)
            .map_err(e)?;
    }
    for i in 1..=TRAVERSE_ROWS {
        for k in 0..TRAVERSE_DEGREE {
            tx.relate_correlated(i, 0.5, peer(i, k)).map_err(e)?;
        }
    }
    tx.commit().map_err(e)?;

    let hand = Database::open(dir.path().join("graph-hand.manifold")).map_err(m)?;
    let cf = hand.column_family_or_create("t").map_err(m)?;
    let graph = manifold_graph::Graph::open(&cf, "g").map_err(g)?;
    let vid = |i: i64| uuid::Uuid::from_u128(i as u128);
    let w = cf.begin_write().map_err(m)?;
    let new_types = {
        let mut docs = w.open_table(INSTRUMENTS).map_err(m)?;
        for i in 1..=TRAVERSE_ROWS {
            let s = symbol(i);
            let mut b = (s.len() as u32).to_le_bytes().to_vec();
            b.extend_from_slice(s.as_bytes());
            docs.insert(&i, b.as_slice()).map_err(m)?;
        }
        let mut gw = graph.writer(&w).map_err(g)?;
        for i in 1..=TRAVERSE_ROWS {
            for k in 0..TRAVERSE_DEGREE {
                gw.add_edge(vid(i), "correlated_with", vid(peer(i, k)), 0.5)
                    .map_err(g)?;
            }
        }
        gw.into_new_types()
    };
    w.commit().map_err(m)?;
    graph.cache_types(new_types);

    let engine = Engine::new(MemorySource::new());
    engine
        .query_script(
            "CREATE SCHEMA instruments (symbol String REQUIRED INDEXED, venue String REQUIRED, sector String, lot Int REQUIRED, embedding Embedding(8))",
            &Params::new(),
        )
        .map_err(|e| e.to_string())?;
    let src = engine.source();
    src.insert_many(
        "instruments",
        None,
        (1..=TRAVERSE_ROWS).map(|i| {
            [
                ("id".to_string(), Value::Int(i)),
                ("symbol".to_string(), Value::str(&symbol(i))),
                ("venue".to_string(), Value::str("XNYS")),
                ("sector".to_string(), Value::str("tech")),
                ("lot".to_string(), Value::Int(100)),
            ]
            .into_iter()
            .collect()
        }),
    );
    for i in 1..=TRAVERSE_ROWS {
        for k in 0..TRAVERSE_DEGREE {
            let props = [("weight".to_string(), Value::Float(0.5))]
                .into_iter()
                .collect();
            src.relate(
                Value::Int(i),
                Value::Int(peer(i, k)),
                "correlated_with",
                props,
            );
        }
    }

    let mut i = 0i64;
    let mut next = || {
        i = (i + 7919) % TRAVERSE_ROWS;
        i + 1
    };
    let t = time_per_call(reps, inner, || {
        assert_eq!(db.correlated(next()).unwrap().len() as i64, TRAVERSE_DEGREE);
    });
    r.add("compiled", "traverse_us", t * 1e6, "us");
    let q = "SELECT a.symbol, b.symbol AS peer, e.weight FROM instruments a TRAVERSE (a)-[e:correlated_with]->(b:instruments) WHERE a.id = $id ORDER BY b.id";
    let t = time_per_call(reps, inner / 10 + 1, || {
        let p: Params = [("id".to_string(), Value::Int(next()))]
            .into_iter()
            .collect();
        assert_eq!(
            engine.query(q, &p).unwrap().rows.len() as i64,
            TRAVERSE_DEGREE
        );
    });
    r.add("interpreted-memory", "traverse_us", t * 1e6, "us");
    let text = |b: &[u8]| {
        let n = u32::from_le_bytes(b[..4].try_into().unwrap()) as usize;
        String::from_utf8(b[4..4 + n].to_vec()).unwrap()
    };
    let t = time_per_call(reps, inner, || {
        let rt = cf.begin_read().unwrap();
        let docs = rt.open_table(INSTRUMENTS).unwrap();
        let reader = graph.reader_in(&rt).unwrap();
        let types = reader.types(&["correlated_with"]).unwrap();
        let a = next();
        let from = text(docs.get_raw(&a).unwrap().unwrap().bytes());
        let mut out = Vec::new();
        for e in reader
            .edges(vid(a), manifold_graph::Direction::Outgoing, &types)
            .unwrap()
        {
            let b = e.dst.as_u128() as i64;
            let peer = text(docs.get_raw(&b).unwrap().unwrap().bytes());
            out.push((b, from.clone(), peer, f64::from(e.props.weight)));
        }
        out.sort_by_key(|x| x.0);
        assert_eq!(out.len() as i64, TRAVERSE_DEGREE);
    });
    r.add("hand-written", "traverse_us", t * 1e6, "us");
    Ok(())
}
