//! Static types used by semantic analysis and schemas.

mod field;

pub use field::{FieldScope, FieldType, MAX_EMBEDDING_DIM, TypeNameError};
use serde::Serialize;
use std::fmt;

/// The type of a column, parameter or expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Type {
    /// Unknown or mixed (schemaless data).
    Any,
    /// The type of the `NULL` literal: compatible with everything.
    Null,
    /// Boolean.
    Bool,
    /// Integer.
    Int,
    /// Float.
    Float,
    /// Text.
    String,
    /// Point in time.
    Timestamp,
    /// Duration.
    Interval,
    /// Float vector, with its dimension when known.
    Vector(Option<usize>),
    /// Array.
    Array,
    /// Nested document.
    Object,
}

impl Type {
    /// Int or Float (or unknown).
    pub fn is_numeric(self) -> bool {
        matches!(self, Type::Int | Type::Float | Type::Any | Type::Null)
    }

    /// Whether a value of `self` may meet a value of `other` in a comparison.
    pub fn comparable(self, other: Type) -> bool {
        use Type::*;
        match (self, other) {
            (Any | Null, _) | (_, Any | Null) => true,
            (Int | Float, Int | Float) => true,
            (Vector(_) | Array, Vector(_) | Array) => true,
            (a, b) => std::mem::discriminant(&a) == std::mem::discriminant(&b),
        }
    }

    /// Resolves a schema type name (`String`, `Embedding(384)`, ...).
    pub fn from_name(name: &str, params: &[i64]) -> Option<Type> {
        let dim = params.first().and_then(|&n| usize::try_from(n).ok());
        Some(match name.to_ascii_lowercase().as_str() {
            "string" | "text" => Type::String,
            "int" | "integer" | "bigint" => Type::Int,
            "float" | "double" | "number" => Type::Float,
            "bool" | "boolean" => Type::Bool,
            "timestamp" | "datetime" => Type::Timestamp,
            "interval" | "duration" => Type::Interval,
            "embedding" | "vector" | "point" | "position" => Type::Vector(dim),
            "array" | "list" => Type::Array,
            "map" => Type::Object,
            "object" | "document" | "json" => Type::Object,
            "any" => Type::Any,
            _ => return None,
        })
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Vector(Some(n)) => write!(f, "Vector({n})"),
            Type::Vector(None) => write!(f, "Vector"),
            t => write!(f, "{t:?}"),
        }
    }
}
