//! Built-in functions: vector metrics, scalar functions and aggregates, with their
//! signatures for semantic analysis.

pub(crate) mod calendar;

use crate::types::Type;
use crate::value::Value;

/// The vector metrics hyperql knows.
pub const METRICS: &[&str] = &["cosine", "dot", "euclidean", "manhattan", "jaccard"];

/// Distance between two vectors under `metric` (smaller is closer): `1 - cos`,
/// `-dot`, L2, L1, `1 - Jaccard` (over non-zero coordinates, weighted). `None` for an
/// unknown metric or vectors of different lengths. Sums run in f64.
pub fn vector_distance(metric: &str, a: &[f32], b: &[f32]) -> Option<f64> {
    if a.len() != b.len() {
        return None;
    }
    let pairs = a
        .iter()
        .zip(b.iter())
        .map(|(x, y)| (f64::from(*x), f64::from(*y)));
    let m = |name: &str| metric.eq_ignore_ascii_case(name);
    Some(if m("cosine") {
        let (mut dot, mut na, mut nb) = (0.0, 0.0, 0.0);
        for (x, y) in pairs {
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        if na == 0.0 || nb == 0.0 {
            1.0
        } else {
            1.0 - dot / (na.sqrt() * nb.sqrt())
        }
    } else if m("dot") {
        -pairs.map(|(x, y)| x * y).sum::<f64>()
    } else if m("euclidean") || m("l2") {
        pairs.map(|(x, y)| (x - y) * (x - y)).sum::<f64>().sqrt()
    } else if m("manhattan") || m("l1") {
        pairs.map(|(x, y)| (x - y).abs()).sum()
    } else if m("jaccard") {
        let (mut min, mut max) = (0.0, 0.0);
        for (x, y) in pairs {
            min += x.abs().min(y.abs());
            max += x.abs().max(y.abs());
        }
        if max == 0.0 { 0.0 } else { 1.0 - min / max }
    } else {
        return None;
    })
}

/// Similarity (larger is closer) from a distance under `metric`.
pub fn similarity_from_distance(metric: &str, d: f64) -> f64 {
    if metric.eq_ignore_ascii_case("cosine") || metric.eq_ignore_ascii_case("jaccard") {
        1.0 - d
    } else {
        -d
    }
}

/// Aggregate functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum AggFunc {
    /// `COUNT(*)` or `COUNT(x)` (non-NULL values).
    Count,
    /// `SUM(x)`.
    Sum,
    /// `AVG(x)`.
    Avg,
    /// `MIN(x)`.
    Min,
    /// `MAX(x)`.
    Max,
}

impl AggFunc {
    /// Upper-case name.
    pub fn name(self) -> &'static str {
        match self {
            AggFunc::Count => "COUNT",
            AggFunc::Sum => "SUM",
            AggFunc::Avg => "AVG",
            AggFunc::Min => "MIN",
            AggFunc::Max => "MAX",
        }
    }

    /// The aggregate called `name`, if it is one.
    pub fn from_name(name: &str) -> Option<AggFunc> {
        Some(match name.to_ascii_uppercase().as_str() {
            "COUNT" => AggFunc::Count,
            "SUM" => AggFunc::Sum,
            "AVG" | "AVERAGE" => AggFunc::Avg,
            "MIN" => AggFunc::Min,
            "MAX" => AggFunc::Max,
            _ => return None,
        })
    }

    /// Result type for an argument of type `arg`.
    pub fn return_type(self, arg: Type) -> Type {
        match self {
            AggFunc::Count => Type::Int,
            AggFunc::Avg => Type::Float,
            AggFunc::Sum => {
                if arg == Type::Int {
                    Type::Int
                } else if arg == Type::Float {
                    Type::Float
                } else {
                    Type::Any
                }
            }
            AggFunc::Min | AggFunc::Max => arg,
        }
    }
}

/// Scalar built-ins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Builtin {
    /// `SIMILARITY(a, b, metric)`.
    Similarity,
    /// `DISTANCE(a, b, metric)`.
    Distance,
    /// `TIME_BUCKET(width, ts)`: fixed widths from the epoch, or calendar months,
    /// quarters and years (UTC).
    TimeBucket,
    /// `DATE_TRUNC(unit, ts)`: the start of the unit (`'microsecond'` .. `'year'`, UTC;
    /// weeks start on Monday).
    DateTrunc,
    /// `NOW()`.
    Now,
    /// `LOWER(s)`.
    Lower,
    /// `UPPER(s)`.
    Upper,
    /// `LENGTH(s | array | vector)`.
    Length,
    /// `ABS(x)`.
    Abs,
    /// `ROUND(x)`.
    Round,
    /// `COALESCE(a, b, ...)`.
    Coalesce,
    /// `POSITION(x1, x2, ...)`: a point given by its coordinates, as an array of
    /// floats (what the coordinates mean is the source's geometry).
    Position,
}

impl Builtin {
    /// Upper-case name.
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Similarity => "SIMILARITY",
            Builtin::Distance => "DISTANCE",
            Builtin::TimeBucket => "TIME_BUCKET",
            Builtin::DateTrunc => "DATE_TRUNC",
            Builtin::Now => "NOW",
            Builtin::Lower => "LOWER",
            Builtin::Upper => "UPPER",
            Builtin::Length => "LENGTH",
            Builtin::Abs => "ABS",
            Builtin::Round => "ROUND",
            Builtin::Coalesce => "COALESCE",
            Builtin::Position => "POSITION",
        }
    }

    /// The built-in called `name`.
    pub fn from_name(name: &str) -> Option<Builtin> {
        Some(match name.to_ascii_uppercase().as_str() {
            "SIMILARITY" => Builtin::Similarity,
            "DISTANCE" => Builtin::Distance,
            "TIME_BUCKET" => Builtin::TimeBucket,
            "DATE_TRUNC" => Builtin::DateTrunc,
            "NOW" => Builtin::Now,
            "LOWER" => Builtin::Lower,
            "UPPER" => Builtin::Upper,
            "LENGTH" => Builtin::Length,
            "ABS" => Builtin::Abs,
            "ROUND" => Builtin::Round,
            "COALESCE" => Builtin::Coalesce,
            "POSITION" => Builtin::Position,
            _ => return None,
        })
    }

    /// Allowed argument counts (min, max).
    pub fn arity(self) -> (usize, usize) {
        match self {
            Builtin::Similarity | Builtin::Distance => (2, 3),
            Builtin::TimeBucket | Builtin::DateTrunc => (2, 2),
            Builtin::Now => (0, 0),
            Builtin::Lower | Builtin::Upper | Builtin::Length | Builtin::Abs | Builtin::Round => {
                (1, 1)
            }
            Builtin::Coalesce | Builtin::Position => (1, usize::MAX),
        }
    }

    /// Expected type of argument `i` (`Any` when free).
    pub fn arg_type(self, i: usize) -> Type {
        match (self, i) {
            (Builtin::Similarity | Builtin::Distance, 0 | 1) => Type::Vector(None),
            (Builtin::Similarity | Builtin::Distance, 2) => Type::String,
            (Builtin::TimeBucket | Builtin::DateTrunc, 0) => Type::String,
            (Builtin::TimeBucket | Builtin::DateTrunc, 1) => Type::Timestamp,
            (Builtin::Lower | Builtin::Upper, _) => Type::String,
            (Builtin::Abs | Builtin::Round | Builtin::Position, _) => Type::Float,
            _ => Type::Any,
        }
    }

    /// Result type given the argument types.
    pub fn return_type(self, args: &[Type]) -> Type {
        match self {
            Builtin::Similarity | Builtin::Distance => Type::Float,
            Builtin::TimeBucket | Builtin::DateTrunc | Builtin::Now => Type::Timestamp,
            Builtin::Lower | Builtin::Upper => Type::String,
            Builtin::Length => Type::Int,
            Builtin::Abs => args.first().copied().unwrap_or(Type::Any),
            Builtin::Round => Type::Float,
            Builtin::Position => Type::Array,
            Builtin::Coalesce => args
                .iter()
                .copied()
                .find(|t| *t != Type::Null)
                .unwrap_or(Type::Null),
        }
    }

    /// Evaluates the built-in. `now` is the statement's clock (µs).
    pub fn call(self, args: &[Value], now: i64) -> Result<Value, String> {
        let arg = |i: usize| args.get(i).unwrap_or(&Value::Null);
        match self {
            Builtin::Similarity | Builtin::Distance => {
                let metric: &str = match arg(2) {
                    Value::String(m) => m,
                    Value::Null if args.len() < 3 => "cosine",
                    Value::Null => return Ok(Value::Null),
                    v => return Err(format!("metric must be a string, not {}", v.type_name())),
                };
                let (Some(a), Some(b)) = (arg(0).vector_slice(), arg(1).vector_slice()) else {
                    return Ok(Value::Null);
                };
                let d = vector_distance(metric, &a, &b).ok_or_else(|| {
                    format!(
                        "cannot compare vectors of {} and {} dimensions with `{metric}`",
                        a.len(),
                        b.len()
                    )
                })?;
                Ok(Value::Float(if self == Builtin::Distance {
                    d
                } else {
                    similarity_from_distance(metric, d)
                }))
            }
            Builtin::TimeBucket => {
                let width = match arg(0) {
                    Value::String(s) => match crate::value::parse_interval(s) {
                        Some(w) => w,
                        None => {
                            let months = calendar::bucket_months(s)
                                .ok_or_else(|| format!("bad bucket width `{s}`"))?;
                            return match arg(1) {
                                Value::Timestamp(t) | Value::Int(t) => {
                                    Ok(Value::Timestamp(calendar::month_bucket(months, *t)?))
                                }
                                _ => Ok(Value::Null),
                            };
                        }
                    },
                    Value::Interval(w) => *w,
                    _ => return Ok(Value::Null),
                };
                if width <= 0 {
                    return Err("bucket width must be positive".into());
                }
                match arg(1) {
                    Value::Timestamp(t) | Value::Int(t) => {
                        Ok(Value::Timestamp(t.div_euclid(width) * width))
                    }
                    _ => Ok(Value::Null),
                }
            }
            Builtin::DateTrunc => match (arg(0), arg(1)) {
                (Value::String(u), Value::Timestamp(t) | Value::Int(t)) => {
                    Ok(Value::Timestamp(calendar::date_trunc(u, *t)?))
                }
                (Value::String(u), _) if calendar::trunc_unit(u).is_none() => {
                    calendar::date_trunc(u, 0).map(|_| Value::Null)
                }
                _ => Ok(Value::Null),
            },
            Builtin::Now => Ok(Value::Timestamp(now)),
            Builtin::Lower | Builtin::Upper => match arg(0) {
                Value::String(s) => Ok(Value::str(&if self == Builtin::Lower {
                    s.to_lowercase()
                } else {
                    s.to_uppercase()
                })),
                _ => Ok(Value::Null),
            },
            Builtin::Length => Ok(match arg(0) {
                Value::String(s) => Value::Int(s.chars().count() as i64),
                Value::Array(a) => Value::Int(a.len() as i64),
                Value::Vector(v) => Value::Int(v.len() as i64),
                _ => Value::Null,
            }),
            Builtin::Abs => match arg(0) {
                Value::Int(n) => n
                    .checked_abs()
                    .map(Value::Int)
                    .ok_or_else(|| "integer overflow".to_string()),
                Value::Float(x) => Ok(Value::Float(x.abs())),
                _ => Ok(Value::Null),
            },
            Builtin::Round => Ok(arg(0)
                .as_f64()
                .map_or(Value::Null, |x| Value::Float(x.round()))),
            Builtin::Coalesce => Ok(args
                .iter()
                .find(|v| !v.is_null())
                .cloned()
                .unwrap_or(Value::Null)),
            Builtin::Position => {
                let mut xs = Vec::with_capacity(args.len());
                for a in args {
                    match a.as_f64() {
                        Some(x) if x.is_finite() => xs.push(Value::Float(x)),
                        _ => {
                            return Err(format!(
                                "POSITION takes finite numbers, not {}",
                                a.type_name()
                            ));
                        }
                    }
                }
                Ok(Value::Array(std::sync::Arc::new(xs)))
            }
        }
    }
}
