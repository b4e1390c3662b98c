//! `EMBED(...)` with tessera-bridge's `HashingEmbedder` (offline, deterministic):
//! compiled k-NN over embedded texts against the interpreted engine given the same
//! embedder as its `EMBED` function, and against the compiled k-NN given the
//! precomputed vector as a parameter.

use crate::data::{self, headline_doc};
use hyperql::{Engine, MemorySource, Params, ScalarFunction, SourceError, Type, Value};
use std::sync::Arc;
use tessera_bridge::{Embedder, HashingConfig, HashingEmbedder};
use ticks::{Db, NewHeadlines};

/// `EMBED(text)` of the interpreted engine, from the embedder the compiled `Db` has.
struct Embed(Arc<dyn Embedder>);

impl ScalarFunction for Embed {
    fn name(&self) -> &str {
        "EMBED"
    }
    fn arg_types(&self) -> Vec<Type> {
        vec![Type::String]
    }
    fn return_type(&self) -> Type {
        Type::Vector(None)
    }
    fn call(&self, args: &[Value]) -> Result<Value, SourceError> {
        let Some(Value::String(text)) = args.first() else {
            return Ok(Value::Null);
        };
        let v = self
            .0
            .embed_one(text)
            .map_err(|e| SourceError::Backend(e.to_string()))?;
        Ok(Value::Vector(v.into()))
    }
    fn deterministic(&self) -> bool {
        true
    }
}

const TEXTS: [&str; 8] = [
    "rate cut surprise lifts bank shares",
    "central bank signals another rate cut",
    "bank shares slide on loan losses",
    "oil futures jump as supply tightens",
    "chip maker beats earnings estimates",
    "earnings miss sends retailer shares lower",
    "surprise rate hike hits bank shares",
    "oil supply glut weighs on energy shares",
];

fn embedder() -> Result<Arc<dyn Embedder>, Box<dyn std::error::Error>> {
    Ok(Arc::new(HashingEmbedder::new(HashingConfig {
        dimension: 128,
        ..HashingConfig::default()
    })?))
}

fn rows(r: &[(i64, String)]) -> Vec<Vec<Value>> {
    r.iter()
        .map(|(id, s)| vec![Value::Int(*id), Value::str(s)])
        .collect()
}

#[test]
fn embed_matches_the_interpreted_engine_and_the_precomputed_vector()
-> Result<(), Box<dyn std::error::Error>> {
    let e = embedder()?;
    let dir = tempfile::tempdir()?;
    let mut db = Db::open(dir.path().join("ticks.manifold"))?;
    db.set_embedder(e.clone());
    let engine = Engine::new(MemorySource::new().with_function(Arc::new(Embed(e.clone()))));
    let schema = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("hql/schema.hql"),
    )?;
    engine.query_script(&schema, &Params::new())?;

    let hs = data::headlines(200);
    let mut tx = db.begin()?;
    for h in &hs {
        tx.insert_headlines(NewHeadlines {
            id: Some(h.id),
            symbol: h.symbol.into(),
            ts: h.ts,
            embedding: h.embedding.map(|v| v.to_vec()),
        })?;
    }
    engine
        .source()
        .insert_many("headlines", None, hs.iter().map(headline_doc));
    // The texts through the compiled INSERT with EMBED($text); the interpreted
    // engine stores the same documents through its own EMBED.
    let symbols = ["AAA", "BBB", "CCC"];
    for (i, text) in TEXTS.iter().enumerate() {
        let (symbol, ts) = (symbols[i % 3], 2_000_000_000 + i as i64);
        let id = tx.add_headline_text(symbol, ts, text)?;
        let ps: Params = [
            ("id".to_string(), Value::Int(id)),
            ("symbol".to_string(), Value::str(symbol)),
            ("ts".to_string(), Value::Timestamp(ts)),
            ("text".to_string(), Value::str(text)),
        ]
        .into_iter()
        .collect();
        engine.query(
            "INSERT INTO headlines (id, symbol, ts, embedding) VALUES ($id, $symbol, $ts, EMBED($text))",
            &ps,
        )?;
    }
    tx.commit()?;

    let interpreted = |q: &str, ps: &[(&str, Value)]| -> Result<Vec<Vec<Value>>, hyperql::Error> {
        let ps: Params = ps.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        Ok(engine.query(q, &ps)?.rows)
    };
    for text in [
        TEXTS[0],
        "bank shares rate cut",
        "oil supply",
        "earnings surprise",
    ] {
        let got: Vec<(i64, String)> = db
            .headlines_about(text)?
            .into_iter()
            .map(|r| (r.id, r.symbol))
            .collect();
        // After the headlines without a vector (NULL sorts first), the stored text
        // equal to the query is the nearest (cosine 1); others that share words with
        // it are among the ten.
        if text == TEXTS[0] {
            let nulls = hs.iter().filter(|h| h.embedding.is_none()).count();
            assert_eq!(got.get(nulls).map(|r| r.0), Some(201), "{got:?}");
        }
        assert!(got.iter().any(|(id, _)| *id > 201), "{got:?}");
        let want = interpreted(
            "SELECT id, symbol FROM headlines ORDER BY SIMILARITY(embedding, EMBED($text), 'cosine') DESC LIMIT 10",
            &[("text", Value::str(text))],
        )?;
        assert_eq!(rows(&got), want, "EMBED($text) k-NN for {text:?}");
        // The same k-NN with the vector computed beforehand.
        let v: [f32; 128] = e
            .embed_one(text)?
            .try_into()
            .map_err(|_| "not 128 components")?;
        let pre: Vec<(i64, String)> = db
            .similar_headlines(&v)?
            .into_iter()
            .map(|r| (r.id, r.symbol))
            .collect();
        assert_eq!(got, pre, "EMBED($text) against the precomputed vector");
    }
    for symbol in symbols {
        let got: Vec<Vec<Value>> = db
            .headlines_near_text(symbol)?
            .into_iter()
            .map(|r| vec![Value::Int(r.id)])
            .collect();
        let want = interpreted(
            "SELECT id FROM headlines WHERE symbol = $symbol ORDER BY DISTANCE(EMBED('rate cut surprise lifts bank shares'), embedding, 'euclidean') LIMIT 5 OFFSET 1",
            &[("symbol", Value::str(symbol))],
        )?;
        assert_eq!(got, want, "EMBED('...') k-NN with WHERE for {symbol}");
    }
    Ok(())
}

#[test]
fn embed_without_an_embedder_or_of_the_wrong_dimension_is_an_error()
-> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let mut db = Db::open(dir.path().join("ticks.manifold"))?;
    assert!(matches!(
        db.headlines_about("bank"),
        Err(ticks::Error::Embed(m)) if m.contains("no embedder")
    ));
    db.set_embedder(Arc::new(HashingEmbedder::new(HashingConfig::default())?));
    assert!(matches!(
        db.headlines_about("bank"),
        Err(ticks::Error::Embed(m)) if m.contains("384") && m.contains("128")
    ));
    let mut tx = db.begin()?;
    assert!(tx.add_headline_text("AAA", 1, "bank").is_err());
    tx.abort()?;
    Ok(())
}
