//! One input row to an entity: id, type, fields, vectors and the edges it asks for.

use super::mapping::Mapping;
use crate::store::check_name;
use hyperql::{Document, Value};
use serde_json::{Map, Value as Json};
use std::sync::Arc;

/// An edge a row asks for, by the external id (or UUID) of its other end.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct EdgeRef {
    pub(crate) label: String,
    pub(crate) other: String,
    pub(crate) incoming: bool,
}

/// A row ready to insert.
#[derive(Clone, Debug)]
pub(crate) struct Prepared {
    pub(crate) entity_type: Option<String>,
    /// The fields, with the external id (if any) in `id`.
    pub(crate) doc: Document,
    pub(crate) edges: Vec<EdgeRef>,
}

/// An id as a row or a reference gives it: a string, or an integer.
fn id_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) if !s.is_empty() => Some(s.clone()),
        Json::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        _ => None,
    }
}

fn refs(column: &str, v: &Json) -> Result<Vec<String>, String> {
    let bad =
        || format!("`{column}`: an edge target must be an id (text or integer) or an array of ids");
    match v {
        Json::Null => Ok(Vec::new()),
        Json::Array(items) => items.iter().map(|x| id_text(x).ok_or_else(bad)).collect(),
        other => Ok(vec![id_text(other).ok_or_else(bad)?]),
    }
}

/// Numbers of a vector cell: a JSON array, or text of numbers separated by spaces,
/// commas or semicolons (optionally in brackets).
fn vector(column: &str, v: &Json) -> Result<Arc<[f32]>, String> {
    let nums: Vec<f64> = match v {
        Json::Array(items) => items
            .iter()
            .map(|x| {
                x.as_f64()
                    .ok_or_else(|| format!("`{column}`: a vector holds numbers only"))
            })
            .collect::<Result<_, _>>()?,
        Json::String(s) => s
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
            .filter(|t| !t.is_empty())
            .map(|t| {
                t.parse::<f64>()
                    .map_err(|_| format!("`{column}`: `{t}` is not a number"))
            })
            .collect::<Result<_, _>>()?,
        _ => {
            return Err(format!(
                "`{column}`: expected a vector (an array of numbers)"
            ));
        }
    };
    if nums.is_empty() {
        return Err(format!("`{column}`: the vector is empty"));
    }
    let out: Vec<f32> = nums.iter().map(|&x| x as f32).collect();
    if !out.iter().all(|x| x.is_finite()) {
        return Err(format!(
            "`{column}`: a vector coordinate is not a finite f32"
        ));
    }
    Ok(out.into())
}

/// Turns a row into an entity by `m`; the reason when the row is refused.
pub(crate) fn prepare(m: &Mapping, mut row: Map<String, Json>) -> Result<Prepared, String> {
    let id = match row.remove(&m.id_column) {
        None | Some(Json::Null) => None,
        Some(v) => Some(id_text(&v).ok_or_else(|| {
            format!(
                "`{}`: an id must be non-empty text or an integer",
                m.id_column
            )
        })?),
    };
    let entity_type = match (&m.entity_type, row.remove(&m.type_column)) {
        (Some(t), _) => Some(t.clone()),
        (None, None | Some(Json::Null)) => None,
        (None, Some(Json::String(t))) => {
            check_name(&t).map_err(|e| format!("`{}`: {e}", m.type_column))?;
            Some(t)
        }
        (None, Some(_)) => return Err(format!("`{}`: a type must be text", m.type_column)),
    };
    let mut edges = Vec::new();
    for e in &m.edges {
        if let Some(v) = row.remove(&e.column) {
            for other in refs(&e.column, &v)? {
                edges.push(EdgeRef {
                    label: e.label.clone(),
                    other,
                    incoming: e.incoming,
                });
            }
        }
    }
    let edge_object = match row.remove(&m.edges_column) {
        // CSV cells hold the object as JSON text.
        Some(Json::String(s)) => Some(
            serde_json::from_str::<Json>(&s)
                .map_err(|e| format!("`{}`: bad JSON: {e}", m.edges_column))?,
        ),
        other => other,
    };
    match edge_object {
        None | Some(Json::Null) => {}
        Some(Json::Object(by_label)) => {
            for (label, v) in by_label {
                check_name(&label).map_err(|e| format!("`{}`: {e}", m.edges_column))?;
                for other in refs(&m.edges_column, &v)? {
                    edges.push(EdgeRef {
                        label: label.clone(),
                        other,
                        incoming: false,
                    });
                }
            }
        }
        Some(_) => {
            return Err(format!(
                "`{}`: expected an object of edge labels to ids",
                m.edges_column
            ));
        }
    }
    let mut doc = Document::default();
    if let Some(id) = id {
        doc.insert("id".into(), Value::str(&id));
    }
    for (k, v) in row {
        let value = if m.vectors.contains(&k) {
            if v.is_null() {
                continue;
            }
            Value::Vector(vector(&k, &v)?)
        } else {
            Value::from_json(&v)
        };
        doc.insert(k, value);
    }
    Ok(Prepared {
        entity_type,
        doc,
        edges,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transfer::EdgeMapping;

    fn row(j: Json) -> Map<String, Json> {
        match j {
            Json::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn a_full_row() {
        let mut m = Mapping::new("people");
        m.id_column = "key".into();
        m.edges = vec![
            EdgeMapping::parse("boss:reports_to").unwrap_or_else(|e| panic!("{e}")),
            EdgeMapping::parse("fans:likes:in").unwrap_or_else(|e| panic!("{e}")),
        ];
        m.vectors = vec!["emb".into()];
        let p = prepare(
            &m,
            row(serde_json::json!({
                "key": 7, "_type": "person", "name": "Ada", "boss": "b1",
                "fans": ["f1", 2], "emb": "[1, 2;3]", "_edges": {"knows": "k1"},
                "tags": ["x"]
            })),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.entity_type.as_deref(), Some("person"));
        assert_eq!(p.doc.get("id"), Some(&Value::str("7")));
        assert_eq!(
            p.doc.get("emb"),
            Some(&Value::Vector(vec![1.0, 2.0, 3.0].into()))
        );
        assert!(!p.doc.contains_key("boss") && !p.doc.contains_key("_edges"));
        assert_eq!(p.edges.len(), 4);
        assert!(
            p.edges
                .iter()
                .any(|e| e.other == "2" && e.incoming && e.label == "likes")
        );
        assert!(
            p.edges
                .iter()
                .any(|e| e.other == "k1" && e.label == "knows")
        );
    }

    #[test]
    fn refusals_say_why() {
        let mut m = Mapping::new("people");
        m.vectors = vec!["emb".into()];
        let cases = [
            (serde_json::json!({"id": {"a": 1}}), "an id"),
            (serde_json::json!({"id": ""}), "an id"),
            (serde_json::json!({"_type": 3}), "a type"),
            (serde_json::json!({"_type": "bad type"}), "_type"),
            (serde_json::json!({"emb": [1, "x"]}), "numbers only"),
            (serde_json::json!({"emb": "1 two"}), "not a number"),
            (serde_json::json!({"emb": []}), "empty"),
            (serde_json::json!({"emb": [1e300]}), "finite"),
            (serde_json::json!({"_edges": [1]}), "object"),
            (serde_json::json!({"_edges": {"knows": 1.5}}), "edge target"),
        ];
        for (j, why) in cases {
            let e = prepare(&m, row(j.clone())).err().unwrap_or_default();
            assert!(e.contains(why), "{j}: {e}");
        }
    }
}
