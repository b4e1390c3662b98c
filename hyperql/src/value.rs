//! Runtime values and their SQL semantics (comparison with NULL, ordering, grouping).

use indexmap::IndexMap;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// A document: field name to value, in insertion order.
pub type Document = IndexMap<String, Value, FieldHash>;

/// A field of a document: a linear scan for small documents (cheaper than hashing
/// the key), the hash index otherwise.
#[inline]
pub fn doc_get<'a>(d: &'a Document, key: &str) -> Option<&'a Value> {
    if d.len() <= 12 {
        d.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
    } else {
        d.get(key)
    }
}

/// Hasher for field names: documents are small and keys are trusted short strings,
/// so a multiply-rotate hash beats SipHash here (no HashDoS concern: keys come from
/// the schema and the stored data, and a document's map only holds its own keys).
pub type FieldHash = std::hash::BuildHasherDefault<FieldHasher>;

/// A small multiply-rotate hasher (see [`FieldHash`]).
#[derive(Default, Clone, Copy)]
pub struct FieldHasher(u64);

impl Hasher for FieldHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w) ^ ((rest.len() as u64) << 56))
                .wrapping_mul(K);
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A value. Clones are cheap: strings, arrays, vectors and documents are shared.
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// SQL NULL (also a missing field).
    #[default]
    Null,
    /// Boolean.
    Bool(bool),
    /// 64-bit integer (arithmetic is checked).
    Int(i64),
    /// 64-bit float.
    Float(f64),
    /// Text.
    String(Arc<str>),
    /// Microseconds since the Unix epoch.
    Timestamp(i64),
    /// A duration in microseconds.
    Interval(i64),
    /// A dense float vector (embeddings, points).
    Vector(Arc<[f32]>),
    /// An array of values.
    Array(Arc<Vec<Value>>),
    /// A nested document.
    Object(Arc<Document>),
}

impl Value {
    /// A string value.
    pub fn str(s: &str) -> Value {
        Value::String(Arc::from(s))
    }

    /// Whether this is NULL.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value as f64 when numeric.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(n) => Some(*n as f64),
            Value::Float(x) => Some(*x),
            _ => None,
        }
    }

    /// The vector's coordinates, borrowed when the value is a vector (an array of
    /// numbers is converted).
    pub fn vector_slice(&self) -> Option<std::borrow::Cow<'_, [f32]>> {
        match self {
            Value::Vector(v) => Some(std::borrow::Cow::Borrowed(v)),
            Value::Array(a) => a
                .iter()
                .map(|x| x.as_f64().map(|f| f as f32))
                .collect::<Option<Vec<f32>>>()
                .map(std::borrow::Cow::Owned),
            _ => None,
        }
    }

    /// The value as a float vector: a vector, or an array of numbers.
    pub fn as_vector(&self) -> Option<Vec<f32>> {
        self.vector_slice().map(std::borrow::Cow::into_owned)
    }

    /// The value as a point in f64: an array of numbers keeps every digit (a
    /// position far from the origin needs them), a vector is widened from f32.
    pub fn as_point(&self) -> Option<Vec<f64>> {
        match self {
            Value::Vector(v) => Some(v.iter().map(|&x| f64::from(x)).collect()),
            Value::Array(a) => a.iter().map(Value::as_f64).collect(),
            _ => None,
        }
    }

    /// The name of this value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "Null",
            Value::Bool(_) => "Bool",
            Value::Int(_) => "Int",
            Value::Float(_) => "Float",
            Value::String(_) => "String",
            Value::Timestamp(_) => "Timestamp",
            Value::Interval(_) => "Interval",
            Value::Vector(_) => "Vector",
            Value::Array(_) => "Array",
            Value::Object(_) => "Object",
        }
    }

    /// Follows a dotted path into nested documents; NULL where it leads nowhere.
    pub fn get_path(&self, path: &[String]) -> &Value {
        let mut v = self;
        for seg in path {
            match v {
                Value::Object(d) => match doc_get(d, seg) {
                    Some(x) => v = x,
                    None => return &Value::Null,
                },
                _ => return &Value::Null,
            }
        }
        v
    }

    /// SQL comparison: `None` when either side is NULL or the types do not compare.
    pub fn sql_cmp(&self, other: &Value) -> Option<Ordering> {
        use Value::*;
        match (self, other) {
            (Null, _) | (_, Null) => None,
            (Int(a), Int(b)) => Some(a.cmp(b)),
            (Int(_) | Float(_), Int(_) | Float(_)) => self.as_f64()?.partial_cmp(&other.as_f64()?),
            (String(a), String(b)) => Some(a.cmp(b)),
            (Bool(a), Bool(b)) => Some(a.cmp(b)),
            (Timestamp(a), Timestamp(b)) | (Interval(a), Interval(b)) => Some(a.cmp(b)),
            (Vector(a), Vector(b)) => (a == b).then_some(Ordering::Equal),
            (Array(a), Array(b)) => {
                for (x, y) in a.iter().zip(b.iter()) {
                    match x.sql_cmp(y)? {
                        Ordering::Equal => {}
                        o => return Some(o),
                    }
                }
                Some(a.len().cmp(&b.len()))
            }
            (Object(a), Object(b)) => (a == b).then_some(Ordering::Equal),
            _ => None,
        }
    }

    /// A total order for sorting: NULL sorts after every value, then by type, then by
    /// value (NaN after numbers).
    pub fn total_cmp(&self, other: &Value) -> Ordering {
        fn rank(v: &Value) -> u8 {
            match v {
                Value::Bool(_) => 0,
                Value::Int(_) | Value::Float(_) => 1,
                Value::String(_) => 2,
                Value::Timestamp(_) => 3,
                Value::Interval(_) => 4,
                Value::Vector(_) => 5,
                Value::Array(_) => 6,
                Value::Object(_) => 7,
                Value::Null => 8,
            }
        }
        match (self, other) {
            (Value::Float(a), Value::Float(b)) => a.total_cmp(b),
            (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
                self.sql_cmp(other).unwrap_or_else(|| {
                    let (a, b) = (
                        self.as_f64().unwrap_or(f64::NAN),
                        other.as_f64().unwrap_or(f64::NAN),
                    );
                    a.total_cmp(&b)
                })
            }
            (Value::Vector(a), Value::Vector(b)) => {
                for (x, y) in a.iter().zip(b.iter()) {
                    match x.total_cmp(y) {
                        Ordering::Equal => {}
                        o => return o,
                    }
                }
                a.len().cmp(&b.len())
            }
            (Value::Object(a), Value::Object(b)) => {
                for ((ka, va), (kb, vb)) in a.iter().zip(b.iter()) {
                    match ka.cmp(kb).then_with(|| va.total_cmp(vb)) {
                        Ordering::Equal => {}
                        o => return o,
                    }
                }
                a.len().cmp(&b.len())
            }
            (Value::Array(a), Value::Array(b)) => {
                for (x, y) in a.iter().zip(b.iter()) {
                    match x.total_cmp(y) {
                        Ordering::Equal => {}
                        o => return o,
                    }
                }
                a.len().cmp(&b.len())
            }
            _ => match rank(self).cmp(&rank(other)) {
                Ordering::Equal => self.sql_cmp(other).unwrap_or(Ordering::Equal),
                o => o,
            },
        }
    }

    /// A rough count of the bytes this value holds (for memory budgets).
    pub fn approx_size(&self) -> usize {
        let base = std::mem::size_of::<Value>();
        base + match self {
            Value::String(s) => s.len(),
            Value::Vector(v) => v.len() * 4,
            Value::Array(a) => a.iter().map(Value::approx_size).sum(),
            Value::Object(d) => d.iter().map(|(k, v)| k.len() + v.approx_size()).sum(),
            _ => 0,
        }
    }

    /// Converts JSON (numbers become Int when integral, arrays stay arrays).
    pub fn from_json(j: &serde_json::Value) -> Value {
        match j {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(s) => Value::str(s),
            serde_json::Value::Array(a) => {
                Value::Array(Arc::new(a.iter().map(Value::from_json).collect()))
            }
            serde_json::Value::Object(o) => Value::Object(Arc::new(
                o.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            )),
        }
    }
}

/// Equality as used by DISTINCT, GROUP BY and joins: NULL equals NULL, `1 = 1.0`.
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Float(a), Value::Float(b)) => a.to_bits() == b.to_bits() || a == b,
            (Value::Int(a), Value::Float(b)) | (Value::Float(b), Value::Int(a)) => {
                (*a as f64) == *b && b.fract() == 0.0 && b.abs() < 9.0e15
            }
            _ => {
                self.total_cmp(other) == Ordering::Equal
                    && std::mem::discriminant(self) == std::mem::discriminant(other)
            }
        }
    }
}

impl Eq for Value {}

impl Hash for Value {
    fn hash<H: Hasher>(&self, h: &mut H) {
        match self {
            Value::Null => 0u8.hash(h),
            Value::Bool(b) => b.hash(h),
            Value::Int(n) => (*n as f64).to_bits().hash(h),
            Value::Float(x) => {
                if *x == 0.0 {
                    0.0f64.to_bits().hash(h)
                } else {
                    x.to_bits().hash(h)
                }
            }
            Value::String(s) => s.hash(h),
            Value::Timestamp(t) | Value::Interval(t) => t.hash(h),
            Value::Vector(v) => v.iter().for_each(|x| x.to_bits().hash(h)),
            Value::Array(a) => a.iter().for_each(|x| x.hash(h)),
            Value::Object(d) => d.iter().for_each(|(k, v)| {
                k.hash(h);
                v.hash(h)
            }),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(n) => s.serialize_i64(*n),
            Value::Float(x) => s.serialize_f64(*x),
            Value::String(x) => s.serialize_str(x),
            Value::Timestamp(t) => s.serialize_str(&format_timestamp(*t)),
            Value::Interval(t) => s.serialize_str(&format!("{t}us")),
            Value::Vector(v) => {
                let mut seq = s.serialize_seq(Some(v.len()))?;
                for x in v.iter() {
                    seq.serialize_element(x)?;
                }
                seq.end()
            }
            Value::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for x in a.iter() {
                    seq.serialize_element(x)?;
                }
                seq.end()
            }
            Value::Object(d) => {
                let mut m = s.serialize_map(Some(d.len()))?;
                for (k, v) in d.iter() {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("NULL"),
            Value::Bool(b) => write!(f, "{}", if *b { "TRUE" } else { "FALSE" }),
            Value::Int(n) => write!(f, "{n}"),
            Value::Float(x) => write!(f, "{x:?}"),
            Value::String(s) => write!(f, "{}", crate::ast::quote_str(s)),
            Value::Timestamp(t) => write!(f, "{}", format_timestamp(*t)),
            Value::Interval(t) => write!(f, "{t}us"),
            _ => write!(f, "{}", serde_json::to_string(self).unwrap_or_default()),
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS.ffffffZ` for microseconds since the epoch (proleptic Gregorian).
pub fn format_timestamp(us: i64) -> String {
    let secs = us.div_euclid(1_000_000);
    let micros = us.rem_euclid(1_000_000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = crate::functions::calendar::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{micros:06}Z",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

/// Parses an interval text: `'1 day'`, `'15 minutes'`, `'1h'`, `'2.5 s'`, several parts
/// allowed (`'1 h 30 m'`). Microseconds, or `None`.
pub fn parse_interval(text: &str) -> Option<i64> {
    let mut total: i64 = 0;
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
            .unwrap_or(rest.len());
        let num: f64 = rest[..n].parse().ok()?;
        rest = rest[n..].trim_start();
        let u = rest
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(rest.len());
        let unit = rest[..u].to_ascii_lowercase();
        rest = rest[u..].trim_start();
        let scale: f64 = match unit.as_str() {
            "us" | "microsecond" | "microseconds" => 1.0,
            "ms" | "millisecond" | "milliseconds" => 1e3,
            "s" | "sec" | "second" | "seconds" => 1e6,
            "m" | "min" | "minute" | "minutes" => 60e6,
            "h" | "hour" | "hours" => 3600e6,
            "d" | "day" | "days" => 86_400e6,
            "w" | "week" | "weeks" => 604_800e6,
            _ => return None,
        };
        let v = num * scale;
        if !v.is_finite() || v.abs() > 9.0e18 {
            return None;
        }
        total = total.checked_add(v as i64)?;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_format() {
        assert_eq!(format_timestamp(0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(
            format_timestamp(951_782_400_000_000 + 1),
            "2000-02-29T00:00:00.000001Z"
        );
        assert_eq!(format_timestamp(-1), "1969-12-31T23:59:59.999999Z");
    }

    #[test]
    fn intervals_parse() {
        assert_eq!(parse_interval("1 day"), Some(86_400_000_000));
        assert_eq!(parse_interval("1h"), Some(3_600_000_000));
        assert_eq!(parse_interval("1 h 30 m"), Some(5_400_000_000));
        assert_eq!(parse_interval("1 parsec"), None);
    }

    #[test]
    fn null_never_compares() {
        assert_eq!(Value::Null.sql_cmp(&Value::Null), None);
        assert_eq!(
            Value::Int(1).sql_cmp(&Value::Float(1.5)),
            Some(Ordering::Less)
        );
        assert_eq!(Value::Int(1), Value::Float(1.0));
    }
}
