//! Binary encodings of what the store keeps: property values (hyperql [`Value`]s),
//! documents (edge properties, schemas) and entity metadata.
//!
//! Value layout: one tag byte, then the payload (little-endian numbers, u32 length
//! prefixes). Decoding checks every length, so a damaged record is an error, never a
//! panic or an out-of-bounds read.

use hyperql::{Document, Value};
use std::sync::Arc;

/// A stored record could not be decoded.
#[derive(Debug, thiserror::Error)]
#[error("corrupt stored record: {0}")]
pub struct CodecError(pub String);

const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const INT: u8 = 3;
const FLOAT: u8 = 4;
const STRING: u8 = 5;
const TIMESTAMP: u8 = 6;
const INTERVAL: u8 = 7;
const VECTOR: u8 = 8;
const ARRAY: u8 = 9;
const OBJECT: u8 = 10;

/// Appends the encoding of `v` to `out`.
pub fn encode_value(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Null => out.push(NULL),
        Value::Bool(b) => out.push(if *b { TRUE } else { FALSE }),
        Value::Int(n) => {
            out.push(INT);
            out.extend_from_slice(&n.to_le_bytes());
        }
        Value::Float(x) => {
            out.push(FLOAT);
            out.extend_from_slice(&x.to_le_bytes());
        }
        Value::String(s) => {
            out.push(STRING);
            put_bytes(out, s.as_bytes());
        }
        Value::Timestamp(t) => {
            out.push(TIMESTAMP);
            out.extend_from_slice(&t.to_le_bytes());
        }
        Value::Interval(t) => {
            out.push(INTERVAL);
            out.extend_from_slice(&t.to_le_bytes());
        }
        Value::Vector(xs) => {
            out.push(VECTOR);
            put_len(out, xs.len());
            for x in xs.iter() {
                out.extend_from_slice(&x.to_le_bytes());
            }
        }
        Value::Array(items) => {
            out.push(ARRAY);
            put_len(out, items.len());
            for item in items.iter() {
                encode_value(item, out);
            }
        }
        Value::Object(doc) => {
            out.push(OBJECT);
            encode_document_into(doc, out);
        }
    }
}

/// Decodes one value that fills `bytes` exactly.
pub fn decode_value(bytes: &[u8]) -> Result<Value, CodecError> {
    let mut r = Reader { bytes, pos: 0 };
    let v = r.value(0)?;
    r.finish()?;
    Ok(v)
}

/// Encodes a document (field count, then name and value per field).
pub fn encode_document(doc: &Document) -> Vec<u8> {
    let mut out = Vec::new();
    encode_document_into(doc, &mut out);
    out
}

/// Decodes a document written by [`encode_document`].
pub fn decode_document(bytes: &[u8]) -> Result<Document, CodecError> {
    let mut r = Reader { bytes, pos: 0 };
    let d = r.document(0)?;
    r.finish()?;
    Ok(d)
}

/// Decodes into `out` only the top-level fields of a document whose name (as bytes)
/// `keep` accepts; the others are stepped over without being built. The structure of
/// the whole record is still checked (a truncated or mistagged field that is not kept
/// is an error too); the text of a field that is not kept is not.
pub fn decode_document_into(
    bytes: &[u8],
    keep: impl Fn(&[u8]) -> bool,
    out: &mut Document,
) -> Result<(), CodecError> {
    let mut r = Reader { bytes, pos: 0 };
    let n = r.len()?;
    for _ in 0..n {
        let len = r.len()?;
        let k = r.take(len)?;
        if keep(k) {
            let k = std::str::from_utf8(k).map_err(|e| CodecError(e.to_string()))?;
            let v = r.value(1)?;
            out.insert(k.to_string(), v);
        } else {
            r.skip(1)?;
        }
    }
    r.finish()
}

fn encode_document_into(doc: &Document, out: &mut Vec<u8>) {
    put_len(out, doc.len());
    for (k, v) in doc {
        put_bytes(out, k.as_bytes());
        encode_value(v, out);
    }
}

fn put_len(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_len(out, b.len());
    out.extend_from_slice(b);
}

/// Nesting deeper than this is refused when decoding (a guard against damaged data
/// that would otherwise recurse without bound). Well above what a write accepts
/// (`paths::MAX_DEPTH` levels, each at most two decoding steps), so that whatever was
/// accepted decodes.
const MAX_DEPTH: usize = 256;

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], CodecError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| CodecError(format!("truncated at byte {}", self.pos)))?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], CodecError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    fn len(&mut self) -> Result<usize, CodecError> {
        let n = u32::from_le_bytes(self.array()?) as usize;
        if n > self.bytes.len() - self.pos {
            return Err(CodecError(format!("length {n} exceeds the record")));
        }
        Ok(n)
    }

    fn string(&mut self) -> Result<&'a str, CodecError> {
        let n = self.len()?;
        std::str::from_utf8(self.take(n)?).map_err(|e| CodecError(e.to_string()))
    }

    fn value(&mut self, depth: usize) -> Result<Value, CodecError> {
        if depth > MAX_DEPTH {
            return Err(CodecError("nesting too deep".into()));
        }
        let [tag] = self.array()?;
        Ok(match tag {
            NULL => Value::Null,
            FALSE => Value::Bool(false),
            TRUE => Value::Bool(true),
            INT => Value::Int(i64::from_le_bytes(self.array()?)),
            FLOAT => Value::Float(f64::from_le_bytes(self.array()?)),
            STRING => Value::String(Arc::from(self.string()?)),
            TIMESTAMP => Value::Timestamp(i64::from_le_bytes(self.array()?)),
            INTERVAL => Value::Interval(i64::from_le_bytes(self.array()?)),
            VECTOR => {
                let n = self.len()?;
                let raw = self.take(n.checked_mul(4).ok_or_else(|| CodecError("size".into()))?)?;
                let xs: Vec<f32> = raw
                    .chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect();
                Value::Vector(Arc::from(xs))
            }
            ARRAY => {
                let n = self.len()?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.value(depth + 1)?);
                }
                Value::Array(Arc::new(items))
            }
            OBJECT => Value::Object(Arc::new(self.document(depth + 1)?)),
            t => return Err(CodecError(format!("unknown value tag {t}"))),
        })
    }

    /// Steps over one value, checking its structure (tags, lengths, depth) as
    /// [`Reader::value`] does, but not the text of its strings.
    fn skip(&mut self, depth: usize) -> Result<(), CodecError> {
        if depth > MAX_DEPTH {
            return Err(CodecError("nesting too deep".into()));
        }
        let [tag] = self.array()?;
        match tag {
            NULL | FALSE | TRUE => {}
            INT | FLOAT | TIMESTAMP | INTERVAL => {
                self.take(8)?;
            }
            STRING => {
                let n = self.len()?;
                self.take(n)?;
            }
            VECTOR => {
                let n = self.len()?;
                self.take(n.checked_mul(4).ok_or_else(|| CodecError("size".into()))?)?;
            }
            ARRAY => {
                for _ in 0..self.len()? {
                    self.skip(depth + 1)?;
                }
            }
            OBJECT => {
                for _ in 0..self.len()? {
                    let n = self.len()?;
                    self.take(n)?;
                    self.skip(depth + 2)?;
                }
            }
            t => return Err(CodecError(format!("unknown value tag {t}"))),
        }
        Ok(())
    }

    fn document(&mut self, depth: usize) -> Result<Document, CodecError> {
        let n = self.len()?;
        let mut d = Document::default();
        for _ in 0..n {
            let k = self.string()?.to_string();
            let v = self.value(depth + 1)?;
            d.insert(k, v);
        }
        Ok(d)
    }

    fn finish(&self) -> Result<(), CodecError> {
        if self.pos == self.bytes.len() {
            Ok(())
        } else {
            Err(CodecError(format!(
                "{} trailing bytes",
                self.bytes.len() - self.pos
            )))
        }
    }
}

/// What the store keeps about an entity besides its properties.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EntityMeta {
    /// Entity type within the collection (`people.Person` -> `Person`).
    pub entity_type: Option<String>,
    /// The external (user-given) id, if any.
    pub external_id: Option<String>,
    /// Creation time, µs since the epoch.
    pub created_us: i64,
    /// Last write, µs since the epoch.
    pub updated_us: i64,
}

impl EntityMeta {
    /// Encodes the record.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(32);
        out.extend_from_slice(&self.created_us.to_le_bytes());
        out.extend_from_slice(&self.updated_us.to_le_bytes());
        for s in [&self.entity_type, &self.external_id] {
            match s {
                Some(s) => {
                    out.push(1);
                    put_bytes(&mut out, s.as_bytes());
                }
                None => out.push(0),
            }
        }
        out
    }

    /// Decodes a record written by [`EntityMeta::encode`].
    pub fn decode(bytes: &[u8]) -> Result<EntityMeta, CodecError> {
        let mut r = Reader { bytes, pos: 0 };
        let created_us = i64::from_le_bytes(r.array()?);
        let updated_us = i64::from_le_bytes(r.array()?);
        let mut opt = || -> Result<Option<String>, CodecError> {
            let [flag] = r.array()?;
            match flag {
                0 => Ok(None),
                1 => Ok(Some(r.string()?.to_string())),
                f => Err(CodecError(format!("bad option flag {f}"))),
            }
        };
        let entity_type = opt()?;
        let external_id = opt()?;
        r.finish()?;
        Ok(EntityMeta {
            entity_type,
            external_id,
            created_us,
            updated_us,
        })
    }
}
