//! Whether stored documents fit a declared schema: element types of `Array(T)` and
//! `Map(T)` fields, and the check of every stored document when a schema is put
//! (`CREATE SCHEMA` over data, `ALTER SCHEMA .. ADD / MODIFY FIELD`).

use super::{State, type_of};
use crate::source::{FieldSchema, Schema, SourceError};
use crate::value::Value;

/// Whether a non-NULL `v` fits the element type of `f` (always, for fields without
/// one).
pub(super) fn fits_elements(f: &FieldSchema, v: &Value) -> bool {
    f.of.is_none() || f.accepts(v)
}

/// What part of `v` broke its element type, for messages.
pub(super) fn element_words(v: &Value) -> &'static str {
    match v {
        Value::Object(_) => "a value of the object",
        _ => "an element of the array",
    }
}

/// Every stored document of `schema`'s collection must have its `REQUIRED` fields
/// (derived ones aside) and values of the declared types; the first that does not is
/// named in the error. Undeclared fields are not checked here (values of dropped
/// fields stay in this source's documents).
pub(super) fn check_stored(st: &State, schema: &Schema) -> Result<(), SourceError> {
    let Some(c) = st.collections.get(&schema.name) else {
        return Ok(());
    };
    for (_, doc) in c.rows.iter().flatten() {
        for f in &schema.fields {
            let v = doc.get(&f.name).unwrap_or(&Value::Null);
            let id = doc.get("id").map(Value::to_string).unwrap_or_default();
            let problem = if v.is_null() {
                (f.required && f.cascade.is_none()).then(|| "has no value".to_string())
            } else if !f.ty.comparable(type_of(v)) {
                Some(format!("has {}", v.type_name()))
            } else if !fits_elements(f, v) {
                Some(format!("has {} that does not fit", element_words(v)))
            } else {
                None
            };
            if let Some(p) = problem {
                let required = if f.required { "REQUIRED " } else { "" };
                return Err(SourceError::Constraint(format!(
                    "stored data does not fit schema `{}`: entity {id} {p} for field `{}` ({required}{})",
                    schema.name,
                    f.name,
                    f.field_type()
                )));
            }
        }
    }
    Ok(())
}
