//! Export of a collection as CSV, JSON or JSONL, in the shape import reads back.

use super::format::Format;
use crate::store::{Database, StoreError, fields};
use hyperql::{Record, Value};
use manifold_graph::Direction;
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;
use std::io::Write;

/// A failed export.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Reading the database failed (or the collection does not exist).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing the output failed.
    #[error("writing: {0}")]
    Io(#[from] std::io::Error),
    /// Writing CSV failed.
    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),
}

/// The id import reads back for entity `id`: its external id, else its UUID.
fn public_id(db: &Database, id: uuid::Uuid) -> Result<String, StoreError> {
    Ok(db.external_id(id)?.unwrap_or_else(|| id.to_string()))
}

/// An object that keeps its keys in insertion order.
#[derive(Default)]
struct Ordered(Vec<(String, Json)>);

impl Ordered {
    fn insert(&mut self, k: String, v: Json) {
        self.0.push((k, v));
    }

    fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    fn get(&self, k: &str) -> Option<&Json> {
        self.0.iter().find(|(x, _)| x == k).map(|(_, v)| v)
    }
}

impl serde::Serialize for Ordered {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// One entity as an export object: `id`, `_type`, the fields, `_edges`.
fn object(db: &Database, r: &Record) -> Result<Ordered, ExportError> {
    let mut out = Ordered::default();
    let uuid = match r.get(fields::ID) {
        Some(Value::String(s)) => s.to_string(),
        _ => String::new(),
    };
    let id = match r.get(fields::KEY) {
        Some(Value::String(k)) => k.to_string(),
        _ => uuid.clone(),
    };
    if !id.is_empty() {
        out.insert("id".into(), Json::String(id));
    }
    if let Some(Value::String(t)) = r.get(fields::TYPE) {
        out.insert("_type".into(), Json::String(t.to_string()));
    }
    for (k, v) in r.iter() {
        if crate::store::is_reserved(k) {
            continue;
        }
        out.insert(k.clone(), serde_json::to_value(v).unwrap_or(Json::Null));
    }
    if let Ok(u) = uuid::Uuid::parse_str(&uuid) {
        let mut by_label: BTreeMap<String, Vec<Json>> = BTreeMap::new();
        for e in db.edges(u, Direction::Outgoing, None)? {
            let to = public_id(db, e.to)?;
            by_label.entry(e.label).or_default().push(Json::String(to));
        }
        if !by_label.is_empty() {
            let edges: Map<String, Json> = by_label
                .into_iter()
                .map(|(l, v)| (l, Json::Array(v)))
                .collect();
            out.insert("_edges".into(), Json::Object(edges));
        }
    }
    Ok(out)
}

/// A CSV cell: text as is, other scalars printed, arrays and objects as JSON.
fn cell(v: &Json) -> String {
    match v {
        Json::Null => String::new(),
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Writes every entity of `collection` to `out` in `format`; the number written.
/// `progress` is called with the count every 1,000 entities. CSV reads the
/// collection twice (once for the header's columns).
pub fn export<W: Write>(
    db: &Database,
    collection: &str,
    format: Format,
    out: W,
    progress: &mut dyn FnMut(u64),
) -> Result<u64, ExportError> {
    let mut out = std::io::BufWriter::with_capacity(1 << 20, out);
    let mut n = 0u64;
    let mut tick = |n: u64| {
        if n.is_multiple_of(1000) {
            progress(n);
        }
    };
    match format {
        Format::Jsonl | Format::Json => {
            let array = format == Format::Json;
            if array {
                out.write_all(b"[")?;
            }
            for r in db.scan(collection, None)? {
                let o = object(db, &r?)?;
                if array && n > 0 {
                    out.write_all(b",")?;
                }
                serde_json::to_writer(&mut out, &o).map_err(std::io::Error::other)?;
                if !array {
                    out.write_all(b"\n")?;
                }
                n += 1;
                tick(n);
            }
            if array {
                out.write_all(b"]\n")?;
            }
        }
        Format::Csv => {
            let mut columns: Vec<String> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for r in db.scan(collection, None)? {
                for k in object(db, &r?)?.keys() {
                    if seen.insert(k.clone()) {
                        columns.push(k.clone());
                    }
                }
            }
            let mut w = csv::Writer::from_writer(&mut out);
            if !columns.is_empty() {
                w.write_record(&columns)?;
            }
            for r in db.scan(collection, None)? {
                let o = object(db, &r?)?;
                w.write_record(
                    columns
                        .iter()
                        .map(|c| o.get(c).map(cell).unwrap_or_default()),
                )?;
                n += 1;
                tick(n);
            }
            w.flush()?;
        }
    }
    out.flush()?;
    progress(n);
    Ok(n)
}
