//! The data every case runs against.

use hyperql::{Document, Engine, MemorySource, ScalarFunction, SourceError, Type, Value};
use serde_json::json;
use std::sync::Arc;

/// Poincaré-ball distance: what a hyperbolic backend would provide.
pub struct Poincare;

impl ScalarFunction for Poincare {
    fn name(&self) -> &str {
        "HYPERBOLIC_DISTANCE"
    }
    fn arg_types(&self) -> Vec<Type> {
        vec![Type::Vector(None), Type::Vector(None)]
    }
    fn return_type(&self) -> Type {
        Type::Float
    }
    fn call(&self, args: &[Value]) -> Result<Value, SourceError> {
        let (Some(u), Some(v)) = (args[0].as_vector(), args[1].as_vector()) else {
            return Ok(Value::Null);
        };
        if u.len() != v.len() {
            return Err(SourceError::Backend("dimension mismatch".into()));
        }
        let n = |x: &[f32]| x.iter().map(|a| f64::from(*a) * f64::from(*a)).sum::<f64>();
        let d2: f64 = u
            .iter()
            .zip(&v)
            .map(|(a, b)| (f64::from(*a) - f64::from(*b)).powi(2))
            .sum();
        let x = 1.0 + 2.0 * d2 / ((1.0 - n(&u)) * (1.0 - n(&v)));
        Ok(Value::Float((x + (x * x - 1.0).sqrt()).ln()))
    }
}

fn vector(v: &[f32]) -> Value {
    Value::Vector(v.to_vec().into())
}

fn doc(pairs: Vec<(&str, Value)>) -> Document {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// A small world: users, products, people, patients, a graph, vectors, positions and
/// time series.
pub fn source() -> MemorySource {
    let s = MemorySource::new().with_geometry(Arc::new(Poincare));
    s.insert_json("users", None, &json!([
        {"id": 1, "name": "Alice", "age": 25, "status": "active", "updated_at": 1, "profile": {"bio": "climber"}},
        {"id": 2, "name": "Bob", "age": 31, "status": "pending", "updated_at": null},
        {"id": 3, "name": "Carol", "age": 17, "status": "active", "updated_at": 3},
        {"id": 4, "name": "Dan", "age": 31, "status": "banned", "updated_at": 4},
        {"id": 5, "name": "Eve", "age": null, "status": "online"}
    ]));
    s.insert_json(
        "orders",
        None,
        &json!([
            {"id": 101, "user_id": 1, "total": 30.0},
            {"id": 102, "user_id": 1, "total": 12.5},
            {"id": 103, "user_id": 2, "total": 99.0},
            {"id": 104, "user_id": 9, "total": 5.0}
        ]),
    );
    s.insert_json(
        "products",
        None,
        &json!([
            {"id": 201, "name": "rope", "category": "climbing", "price": 40.0},
            {"id": 202, "name": "chalk", "category": "climbing", "price": 8.0},
            {"id": 203, "name": "harness", "category": "climbing", "price": 65.0},
            {"id": 204, "name": "helmet", "category": "climbing", "price": 55.0},
            {"id": 205, "name": "tent", "category": "summer sale", "price": 120.0},
            {"id": 206, "name": "stove", "category": "camping", "price": 30.0}
        ]),
    );
    s.insert_json(
        "people",
        Some("Person"),
        &json!([
            {"id": 301, "name": "Pia", "age": 40, "profile": {"bio": "painter"}},
            {"id": 302, "name": "Quin", "age": 12, "profile": {"bio": "pupil"}}
        ]),
    );
    s.insert_json(
        "people",
        Some("Robot"),
        &json!([{"id": 303, "name": "R2", "age": 50}]),
    );
    s.insert_json(
        "patients",
        Some("Patient"),
        &json!([
            {"id": 401, "name": "Ann"}, {"id": 402, "name": "Ben"}
        ]),
    );
    s.insert_json(
        "admissions",
        Some("Admission"),
        &json!([{"id": 501, "patient_id": 401, "ward": "B2"}]),
    );
    // A graph: a -> b -> c -> d, a -> c, e isolated; WORKS_AT from users.
    s.insert_json("nodes", None, &json!([
        {"id": "a", "name": "A"}, {"id": "b", "name": "B"}, {"id": "c", "name": "C"}, {"id": "d", "name": "D"}, {"id": "e", "name": "E"}
    ]));
    let e = Document::default;
    s.relate(Value::str("a"), Value::str("b"), "knows", e());
    s.relate(Value::str("b"), Value::str("c"), "knows", e());
    s.relate(Value::str("c"), Value::str("d"), "knows", e());
    s.relate(
        Value::str("a"),
        Value::str("c"),
        "knows",
        doc(vec![("weight", Value::Float(0.2))]),
    );
    s.relate(
        Value::str("c"),
        Value::str("a"),
        "knows",
        doc(vec![("active", Value::Bool(false))]),
    );
    s.insert_json(
        "companies",
        None,
        &json!([{"id": 601, "name": "Acme"}, {"id": 602, "name": "Globex"}]),
    );
    s.relate(Value::Int(1), Value::Int(2), "FRIENDS", e());
    s.relate(Value::Int(1), Value::Int(3), "FRIENDS", e());
    s.relate(Value::Int(2), Value::Int(601), "WORKS_AT", e());
    s.relate(Value::Int(3), Value::Int(602), "WORKS_AT", e());
    // Vectors.
    let arts = [
        ("x", [1.0, 0.0, 0.0]),
        ("xy", [0.7, 0.7, 0.0]),
        ("y", [0.0, 1.0, 0.0]),
        ("z", [0.0, 0.0, 1.0]),
        ("-x", [-1.0, 0.0, 0.0]),
    ];
    s.insert_many(
        "articles",
        None,
        arts.iter().enumerate().map(|(i, (t, v))| {
            doc(vec![
                ("id", Value::Int(700 + i as i64)),
                ("title", Value::str(t)),
                ("text_embedding", vector(v)),
                ("lang", Value::str(if i % 2 == 0 { "en" } else { "de" })),
            ])
        }),
    );
    s.create_vector_index("articles", "text_embedding", "cosine");
    s.insert_many(
        "docs",
        None,
        arts.iter().enumerate().map(|(i, (t, v))| {
            doc(vec![
                ("id", Value::Int(750 + i as i64)),
                ("title", Value::str(t)),
                ("embedding", vector(v)),
            ])
        }),
    );
    // Positions in the Poincaré disk.
    let pos = [
        ("root", [0.0, 0.0]),
        ("near", [0.1, 0.0]),
        ("mid", [0.5, 0.0]),
        ("far", [0.0, -0.95]),
    ];
    s.insert_many(
        "documents",
        None,
        pos.iter().enumerate().map(|(i, (t, p))| {
            doc(vec![
                ("id", Value::Int(800 + i as i64)),
                ("title", Value::str(t)),
                ("position", vector(p)),
                ("text_embedding", vector(&[p[0], p[1], 1.0])),
            ])
        }),
    );
    s.insert_many(
        "concepts",
        None,
        pos.iter().enumerate().map(|(i, (t, p))| {
            doc(vec![
                ("id", Value::Int(850 + i as i64)),
                ("title", Value::str(t)),
                ("position", vector(p)),
            ])
        }),
    );
    // Time series: cpu every 30 minutes over the last 3 hours, relative to now.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64);
    let hour = 3_600_000_000i64;
    let base = (now / hour - 3) * hour;
    s.insert_many(
        "metrics",
        Some("cpu"),
        (0..6).map(|i| {
            doc(vec![
                ("ts", Value::Timestamp(base + i * hour / 2)),
                ("value", Value::Float(10.0 * (i + 1) as f64)),
            ])
        }),
    );
    s.insert_many(
        "metrics",
        Some("cpu"),
        [doc(vec![
            ("ts", Value::Timestamp(base - 30 * hour)),
            ("value", Value::Float(999.0)),
        ])],
    );
    s.create_time_series("metrics", "ts");
    s.insert_many(
        "sensors",
        Some("temp"),
        (0..5).map(|i| {
            doc(vec![
                ("ts", Value::Timestamp(i)),
                (
                    "series",
                    Value::str(if i == 2 { "room-2" } else { "room-1" }),
                ),
                ("value", Value::Float(i as f64 * 2.0)),
            ])
        }),
    );
    sales(&s);
    s
}

/// Microseconds since the epoch of a UTC date and time.
fn utc(y: i64, m: i64, d: i64, h: i64, mi: i64, s: i64, us: i64) -> Value {
    let yy = if m <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy.rem_euclid(400);
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    Value::Timestamp(((days * 24 + h) * 60 + mi) * 60_000_000 + s * 1_000_000 + us)
}

/// Sales at fixed times (around 2000, a leap year): partitions, ties and a NULL for
/// window functions, calendar edges for DATE_TRUNC and TIME_BUCKET.
fn sales(s: &MemorySource) {
    let rows = [
        (
            1,
            "east",
            "ann",
            Value::Int(10),
            utc(2000, 1, 14, 9, 30, 0, 0),
        ),
        (
            2,
            "east",
            "bob",
            Value::Int(20),
            utc(2000, 1, 14, 10, 0, 0, 0),
        ),
        (
            3,
            "east",
            "ann",
            Value::Int(20),
            utc(2000, 1, 15, 8, 0, 0, 0),
        ),
        (4, "east", "cid", Value::Null, utc(2000, 1, 20, 12, 0, 0, 0)),
        (
            5,
            "east",
            "bob",
            Value::Int(40),
            utc(2000, 2, 29, 15, 45, 0, 0),
        ),
        (
            6,
            "west",
            "dee",
            Value::Int(5),
            utc(2000, 1, 14, 9, 0, 0, 0),
        ),
        (
            7,
            "west",
            "eve",
            Value::Int(15),
            utc(2000, 3, 31, 23, 59, 59, 500_000),
        ),
        (
            8,
            "west",
            "dee",
            Value::Int(15),
            utc(2000, 4, 1, 0, 0, 0, 0),
        ),
        (
            9,
            "west",
            "eve",
            Value::Int(25),
            utc(2000, 7, 4, 12, 0, 0, 0),
        ),
        (
            10,
            "north",
            "fay",
            Value::Int(7),
            utc(1999, 12, 31, 23, 0, 0, 0),
        ),
    ];
    s.insert_many(
        "sales",
        None,
        rows.into_iter().map(|(id, region, rep, amount, ts)| {
            doc(vec![
                ("id", Value::Int(id)),
                ("region", Value::str(region)),
                ("rep", Value::str(rep)),
                ("amount", amount),
                ("ts", ts),
            ])
        }),
    );
}

/// An engine over [`source`].
pub fn engine() -> Engine<MemorySource> {
    Engine::new(source())
}
