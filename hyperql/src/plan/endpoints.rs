//! Plan pieces of endpoints: the schema of the rows of `ENDPOINTS(..)`, the writes
//! of `SET`, and how `EXPLAIN` prints them.

use super::explain::expr_text;
use super::*;
use crate::source::FieldSchema;

/// The fields of a row of `ENDPOINTS(..)`: the endpoint's whole path
/// (`collection.entity.field...`), the entity's key, and the value.
pub const ENDPOINT_FIELDS: [&str; 3] = ["path", "entity", "value"];

/// The (closed, declared) schema of the rows of `ENDPOINTS(..)`.
pub fn endpoint_schema() -> Schema {
    let field = |name: &str, ty| FieldSchema {
        required: name != "value",
        ..FieldSchema::new(name, ty)
    };
    Schema {
        name: "ENDPOINTS".to_string(),
        fields: vec![
            field(ENDPOINT_FIELDS[0], Type::String),
            field(ENDPOINT_FIELDS[1], Type::Any),
            field(ENDPOINT_FIELDS[2], Type::Any),
        ],
        closed: true,
        declared: true,
    }
}

/// One assignment of `SET`.
#[derive(Clone, Debug)]
pub struct EndpointWrite {
    /// Collection.
    pub collection: String,
    /// The entity's key (a row-free expression).
    pub key: BExpr,
    /// Field path, at least one segment.
    pub path: Vec<String>,
    /// The value (row-free).
    pub value: BExpr,
}

/// `EXPLAIN` of `collection[key].path`.
pub(crate) fn endpoint_text(
    collection: &str,
    key: &BExpr,
    path: &[String],
    cols: &[Column],
) -> String {
    let mut s = format!("{collection}[{}]", expr_text(key, cols));
    for p in path {
        s.push('.');
        s.push_str(p);
    }
    s
}

/// `EXPLAIN` line of [`Plan::Endpoints`].
pub(crate) fn endpoints_line(binding: &str, pattern: &BExpr) -> String {
    format!("Endpoints {} AS {binding}", expr_text(pattern, &[]))
}

/// `EXPLAIN` line of [`Plan::SetEndpoints`].
pub(crate) fn set_line(assignments: &[EndpointWrite]) -> String {
    let parts: Vec<String> = assignments
        .iter()
        .map(|a| {
            format!(
                "{} = {}",
                endpoint_text(&a.collection, &a.key, &a.path, &[]),
                expr_text(&a.value, &[])
            )
        })
        .collect();
    format!("SetEndpoints {}", parts.join(", "))
}
