//! Declared schemas: validation of documents on write, and what `ALTER` and `DROP`
//! do to existing data.
//!
//! Rules (checked on every insert and update of a collection with a declared schema):
//! - a `REQUIRED` field must be present and not NULL (cascaded fields are derived,
//!   so they are exempt);
//! - a present, non-NULL field must have its declared type: `Int` takes integers,
//!   `Float` integers or floats, `Vector(n)` a vector or an array of n numbers,
//!   `Any` anything, `Array(T)` an array whose elements are all `T`, `Map(T)` an
//!   object whose values are all `T` (see [`hyperql::FieldType::accepts`]);
//! - a `Closed` schema refuses top-level fields it does not declare (reserved fields
//!   such as `id` aside); an `Open` one keeps them.
//!
//! Changing a schema with data present:
//! - `CREATE SCHEMA` on a collection with data, `ALTER ... ADD FIELD` and `ALTER ...
//!   MODIFY FIELD`, check every existing entity and are refused, naming the first
//!   offender, if one does not fit;
//! - `ALTER ... DROP FIELD` removes the field from the schema; a `Closed` schema also
//!   deletes the field's values from every entity (they would no longer fit), an
//!   `Open` one keeps them as undeclared fields;
//! - `DROP SCHEMA` makes the collection schemaless; data is kept and cascaded fields
//!   keep their last values but are no longer maintained.

use hyperql::{Document, FieldType, Schema, Type, Value};

/// Why a document does not fit a schema.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("schema `{schema}`: {message}")]
pub struct SchemaViolation {
    /// The schema (collection) name.
    pub schema: String,
    /// What is wrong.
    pub message: String,
}

/// Whether `v` is acceptable for a field of type `ty` (NULL aside).
pub fn type_accepts(ty: Type, v: &Value) -> bool {
    FieldType::Plain(ty).accepts(v)
}

/// Checks `doc` (user fields, reserved fields ignored) against `schema`.
pub fn validate(schema: &Schema, doc: &Document) -> Result<(), SchemaViolation> {
    let fail = |message: String| SchemaViolation {
        schema: schema.name.clone(),
        message,
    };
    for f in &schema.fields {
        match doc.get(&f.name) {
            None | Some(Value::Null) => {
                if f.required && f.cascade.is_none() {
                    return Err(fail(format!("required field `{}` is missing", f.name)));
                }
            }
            Some(v) => {
                if !f.accepts(v) {
                    return Err(fail(format!(
                        "field `{}` is {}, not {}",
                        f.name,
                        v.type_name(),
                        f.field_type()
                    )));
                }
            }
        }
    }
    if schema.closed {
        for k in doc.keys() {
            if crate::store::is_reserved(k) {
                continue;
            }
            if schema.field(k).is_none() {
                return Err(fail(format!(
                    "field `{k}` is not declared and the schema is closed"
                )));
            }
        }
    }
    Ok(())
}

/// Converts values of declared vector fields given as arrays of numbers into vectors.
pub fn coerce(schema: &Schema, doc: &mut Document) {
    for f in &schema.fields {
        if let Type::Vector(_) = f.ty
            && let Some(v @ Value::Array(_)) = doc.get(&f.name)
            && let Some(xs) = v.as_vector()
        {
            doc.insert(f.name.clone(), Value::Vector(xs.into()));
        }
    }
}

/// Fields of `old` missing from `new` (dropped by an `ALTER`).
pub fn dropped_fields(old: &Schema, new: &Schema) -> Vec<String> {
    old.fields
        .iter()
        .filter(|f| new.field(&f.name).is_none())
        .map(|f| f.name.clone())
        .collect()
}
