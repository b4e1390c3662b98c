//! Declared field types (`Array(Embedding(3))`, `Map(Int)`) and field scopes.

use super::Type;
use crate::ast::TypeName;
use crate::span::Span;
use crate::value::Value;
use serde::Serialize;
use std::fmt;

/// The largest dimension an `Embedding(n)` may declare.
pub const MAX_EMBEDDING_DIM: usize = 1 << 16;

/// The declared type of a schema field: a plain [`Type`], or a container whose
/// elements have a declared type of their own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum FieldType {
    /// A plain type: `Int`, `String`, `Embedding(3)` (a `Vector(Some(3))`), an
    /// untyped `Array` or `Object`, ...
    Plain(Type),
    /// `Array(T)`: an array whose every element is a `T`.
    Array(Box<FieldType>),
    /// `Map(T)`: an object whose every value is a `T` (keys are strings).
    Map(Box<FieldType>),
}

/// What a field is for, as declared after its type. A scope labels the field: it is
/// stored with the schema and shown by `DESCRIBE SCHEMA .. DETAILED`, and changes
/// nothing else (validation, storage and queries treat every scope alike).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum FieldScope {
    /// `METADATA`: describes the entity (provenance, bookkeeping) rather than being
    /// part of its content.
    Metadata,
    /// `COLLECTION_SPECIFIC`: meaningful in this collection only.
    CollectionSpecific,
    /// `DOMAIN_SHARED`: meant to mean the same in every collection that declares a
    /// field of this name.
    DomainShared,
}

impl FieldScope {
    /// The scope named by `word` (case-insensitive), if any.
    pub fn from_keyword(word: &str) -> Option<FieldScope> {
        Some(match word.to_ascii_uppercase().as_str() {
            "METADATA" => FieldScope::Metadata,
            "COLLECTION_SPECIFIC" => FieldScope::CollectionSpecific,
            "DOMAIN_SHARED" => FieldScope::DomainShared,
            _ => return None,
        })
    }

    /// The keyword, as `CREATE SCHEMA` writes it.
    pub fn keyword(self) -> &'static str {
        match self {
            FieldScope::Metadata => "METADATA",
            FieldScope::CollectionSpecific => "COLLECTION_SPECIFIC",
            FieldScope::DomainShared => "DOMAIN_SHARED",
        }
    }
}

impl fmt::Display for FieldScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

/// Why a type name does not name a field type.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TypeNameError {
    /// Where the offending part is.
    pub span: Span,
    /// What is wrong.
    pub message: String,
}

impl FieldType {
    /// The type expressions see: `Array` for `Array(T)`, `Object` for `Map(T)`.
    pub fn ty(&self) -> Type {
        match self {
            FieldType::Plain(t) => *t,
            FieldType::Array(_) => Type::Array,
            FieldType::Map(_) => Type::Object,
        }
    }

    /// The element type of an `Array(T)` or `Map(T)`.
    pub fn element(&self) -> Option<&FieldType> {
        match self {
            FieldType::Plain(_) => None,
            FieldType::Array(e) | FieldType::Map(e) => Some(e),
        }
    }

    /// The field type of `Type` `ty` with element type `of` (as [`FieldSchema`]
    /// holds them): `Array` with an element is `Array(T)`, `Object` with one `Map(T)`.
    ///
    /// [`FieldSchema`]: crate::FieldSchema
    pub fn of(ty: Type, of: Option<&FieldType>) -> FieldType {
        match (ty, of) {
            (Type::Array, Some(e)) => FieldType::Array(Box::new(e.clone())),
            (Type::Object, Some(e)) => FieldType::Map(Box::new(e.clone())),
            (t, _) => FieldType::Plain(t),
        }
    }

    /// Resolves a written type: `String`, `Embedding(384)`, `Array(Embedding(3))`,
    /// `Map(Int)`. Unknown names, missing or extra parameters, a dimension of 0 or
    /// over [`MAX_EMBEDDING_DIM`] are errors.
    pub fn from_type_name(t: &TypeName) -> Result<FieldType, TypeNameError> {
        let name = t.name.name.to_ascii_lowercase();
        let fail = |span: Span, message: String| Err(TypeNameError { span, message });
        let container = matches!(name.as_str(), "array" | "list" | "map");
        if let Some(of) = &t.of {
            if !container {
                return fail(
                    of.span,
                    format!(
                        "type `{}` takes no element type (only Array(T) and Map(T) do)",
                        t.name.name
                    ),
                );
            }
            let e = Box::new(FieldType::from_type_name(of)?);
            return Ok(if name == "map" {
                FieldType::Map(e)
            } else {
                FieldType::Array(e)
            });
        }
        let ty = match name.as_str() {
            "map" => Type::Object,
            _ => Type::from_name(&t.name.name, &[]).ok_or_else(|| TypeNameError {
                span: t.name.span,
                message: format!("unknown type `{}`", t.name.name),
            })?,
        };
        match (ty, t.params.as_slice()) {
            (_, []) => Ok(FieldType::Plain(ty)),
            (Type::Vector(_), [n]) => {
                if *n < 1 || *n as u64 > MAX_EMBEDDING_DIM as u64 {
                    return fail(
                        t.span,
                        format!(
                            "`{}({n})`: the dimension must be between 1 and {MAX_EMBEDDING_DIM}",
                            t.name.name
                        ),
                    );
                }
                Ok(FieldType::Plain(Type::Vector(Some(*n as usize))))
            }
            (Type::Vector(_), _) => fail(
                t.span,
                format!("type `{}` takes one dimension", t.name.name),
            ),
            _ => fail(
                t.span,
                format!("type `{}` takes no parameters", t.name.name),
            ),
        }
    }

    /// Parses a type as [`Display`](fmt::Display) prints it (`Int`, `Vector(384)`,
    /// `Array(Map(Int))`); `None` when it is not one.
    pub fn parse(text: &str) -> Option<FieldType> {
        let text = text.trim();
        let Some((name, rest)) = text.split_once('(') else {
            return if text.eq_ignore_ascii_case("map") {
                Some(FieldType::Plain(Type::Object))
            } else {
                Type::from_name(text, &[]).map(FieldType::Plain)
            };
        };
        let inner = rest.strip_suffix(')')?;
        match name.trim().to_ascii_lowercase().as_str() {
            "array" | "list" => Some(FieldType::Array(Box::new(FieldType::parse(inner)?))),
            "map" => Some(FieldType::Map(Box::new(FieldType::parse(inner)?))),
            _ => {
                let n = inner.trim().parse::<i64>().ok()?;
                Type::from_name(name.trim(), &[n]).map(FieldType::Plain)
            }
        }
    }

    /// Whether `v` (not NULL) is a value of this type: `Int` takes integers, `Float`
    /// integers or floats, `Vector(n)` a vector or an array of n numbers, `Array`
    /// an array or a vector, `Object` an object, `Any` anything; `Array(T)` an array
    /// (or a vector) whose elements are all `T`, `Map(T)` an object whose values are
    /// all `T`. A NULL element is accepted.
    pub fn accepts(&self, v: &Value) -> bool {
        match (self, v) {
            (_, Value::Null) => true,
            (FieldType::Plain(t), v) => plain_accepts(*t, v),
            (FieldType::Array(e), Value::Array(items)) => items.iter().all(|x| e.accepts(x)),
            (FieldType::Array(e), Value::Vector(xs)) => {
                xs.iter().all(|x| e.accepts(&Value::Float(f64::from(*x))))
            }
            (FieldType::Map(e), Value::Object(d)) => d.values().all(|x| e.accepts(x)),
            _ => false,
        }
    }
}

fn plain_accepts(ty: Type, v: &Value) -> bool {
    match (ty, v) {
        (Type::Any | Type::Null, _) => true,
        (Type::Bool, Value::Bool(_)) => true,
        (Type::Int, Value::Int(_)) => true,
        (Type::Float, Value::Int(_) | Value::Float(_)) => true,
        (Type::String, Value::String(_)) => true,
        (Type::Timestamp, Value::Timestamp(_)) => true,
        (Type::Interval, Value::Interval(_)) => true,
        (Type::Vector(dim), Value::Vector(xs)) => dim.is_none_or(|d| d == xs.len()),
        (Type::Vector(dim), Value::Array(items)) => {
            dim.is_none_or(|d| d == items.len()) && items.iter().all(|x| x.as_f64().is_some())
        }
        (Type::Array, Value::Array(_) | Value::Vector(_)) => true,
        (Type::Object, Value::Object(_)) => true,
        _ => false,
    }
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldType::Plain(t) => write!(f, "{t}"),
            FieldType::Array(e) => write!(f, "Array({e})"),
            FieldType::Map(e) => write!(f, "Map({e})"),
        }
    }
}
