//! A generated data set, loaded into the compiled store and into hyperql's
//! `MemorySource` alike.

use hyperql::{Document, Value};

/// SplitMix64: a small deterministic generator.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> i64 {
        (self.next() % n) as i64
    }
}

pub const SYMBOLS: [&str; 6] = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"];

pub struct Instrument {
    pub id: i64,
    pub symbol: String,
    pub venue: &'static str,
    pub sector: Option<&'static str>,
    pub lot: i64,
    pub embedding: Option<Vec<f32>>,
}

pub struct Trade {
    pub id: i64,
    pub symbol: &'static str,
    pub ts: i64,
    pub price: f64,
    pub qty: i64,
    pub side: Option<&'static str>,
    pub flagged: Option<bool>,
}

/// The six traded symbols, then `extra` more instruments. Embeddings have small
/// integer components (so dot, L1 and L2 distances are exact in f32 and f64 alike);
/// every ninth is NULL and every seventh repeats an earlier one (exact ties).
pub fn instruments(extra: usize) -> Vec<Instrument> {
    let venues = ["XNYS", "XNAS", "XLON"];
    let sectors = [Some("tech"), None, Some("energy")];
    let mut r = Rng::new(11);
    let mut out: Vec<Instrument> = Vec::new();
    for i in 0..SYMBOLS.len() + extra {
        let embedding = if i % 9 == 4 {
            None
        } else if i % 7 == 6 {
            out[r.below(i as u64) as usize].embedding.clone()
        } else {
            Some((0..8).map(|_| (r.below(7) - 3) as f32).collect())
        };
        out.push(Instrument {
            id: i as i64 + 1,
            symbol: SYMBOLS
                .get(i)
                .map_or_else(|| format!("X{i:03}"), |s| s.to_string()),
            venue: venues[i % 3],
            sector: sectors[i % 3],
            lot: [100, 10, 1][i % 3],
            embedding,
        });
    }
    out
}

pub fn trades(n: usize, seed: u64) -> Vec<Trade> {
    let mut r = Rng::new(seed);
    let sides = [Some("buy"), Some("sell"), None, Some("bid")];
    (0..n)
        .map(|i| Trade {
            id: i as i64 + 1,
            symbol: SYMBOLS[r.below(SYMBOLS.len() as u64) as usize],
            ts: 1_000_000 + i as i64 * 1000 + r.below(500),
            price: (r.below(100_000) as f64) / 100.0,
            qty: r.below(1000) + 1,
            side: sides[r.below(4) as usize],
            flagged: match r.below(5) {
                0 => Some(true),
                1 => Some(false),
                _ => None,
            },
        })
        .collect()
}

fn doc(pairs: Vec<(&str, Option<Value>)>) -> Document {
    pairs
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
        .collect()
}

pub fn instrument_doc(i: &Instrument) -> Document {
    doc(vec![
        ("id", Some(Value::Int(i.id))),
        ("symbol", Some(Value::str(&i.symbol))),
        ("venue", Some(Value::str(i.venue))),
        ("sector", i.sector.map(Value::str)),
        ("lot", Some(Value::Int(i.lot))),
        (
            "embedding",
            i.embedding.clone().map(|v| Value::Vector(v.into())),
        ),
    ])
}

pub fn trade_doc(t: &Trade) -> Document {
    doc(vec![
        ("id", Some(Value::Int(t.id))),
        ("symbol", Some(Value::str(t.symbol))),
        ("ts", Some(Value::Timestamp(t.ts))),
        ("price", Some(Value::Float(t.price))),
        ("qty", Some(Value::Int(t.qty))),
        ("side", t.side.map(Value::str)),
        ("flagged", t.flagged.map(Value::Bool)),
    ])
}

pub struct Headline {
    pub id: i64,
    pub symbol: &'static str,
    pub ts: i64,
    pub embedding: Option<[f32; 128]>,
}

/// `n` headlines with 128-d embeddings (three of them NULL).
pub fn headlines(n: usize) -> Vec<Headline> {
    let mut r = Rng::new(5);
    (0..n)
        .map(|i| Headline {
            id: i as i64 + 1,
            symbol: SYMBOLS[i % SYMBOLS.len()],
            ts: 1_000_000_000 + i as i64 * 1_700_000,
            embedding: (i % 97 != 3)
                .then(|| std::array::from_fn(|_| (r.below(2001) as f32 - 1000.0) / 250.0)),
        })
        .collect()
}

pub fn headline_doc(h: &Headline) -> Document {
    doc(vec![
        ("id", Some(Value::Int(h.id))),
        ("symbol", Some(Value::str(h.symbol))),
        ("ts", Some(Value::Timestamp(h.ts))),
        (
            "embedding",
            h.embedding.map(|v| Value::Vector(v.to_vec().into())),
        ),
    ])
}
