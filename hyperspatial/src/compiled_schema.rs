//! Collection schemas written by hyperql-compile (its `hyperql.schema.json`, or
//! `schema.json` beside a generated crate) loaded as declared schemas, so that a
//! database served by hyperspatial checks documents with the types, `REQUIRED`
//! fields and indexes the compiled code uses.
//!
//! The file: `{"collections": [{"name", "fields": [{"name", "ty", "required",
//! "indexed"}], "declared"}]}` where `ty` is `"String"`, `"Int"`, `"Float"`,
//! `"Bool"`, `"Timestamp"` or `{"Vector": n}`. A declared collection becomes a closed
//! schema (compiled code stores no other fields), an inferred one an open schema.
//! A collection's `time_series` key (`{"time", "series"}`) is not applied: the
//! collection is loaded as documents with its schema, since hyperspatial's own time
//! series hold Float value fields only (`CREATE SCHEMA ... WITH TIME SERIES` over
//! hyperspatial declares one where the fields allow it).

use crate::store::{Database, StoreError};
use hyperql::{FieldSchema, Schema, Type};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Why a compiled schema file could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CompiledSchemaError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The failure.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a compiled schema.
    #[error("not a hyperql-compile schema: {0}")]
    Json(#[from] serde_json::Error),
    /// Registering the schemas failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Deserialize)]
struct File {
    collections: Vec<Collection>,
}

#[derive(Deserialize)]
struct Collection {
    name: String,
    fields: Vec<Field>,
    #[serde(default = "yes")]
    declared: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
struct Field {
    name: String,
    ty: Ty,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    indexed: bool,
}

#[derive(Deserialize)]
enum Ty {
    String,
    Int,
    Float,
    Bool,
    Timestamp,
    Vector(usize),
}

/// The schemas of a compiled schema file's text, one per collection.
pub fn compiled_schemas(json: &str) -> Result<Vec<Schema>, CompiledSchemaError> {
    let file: File = serde_json::from_str(json)?;
    Ok(file
        .collections
        .into_iter()
        .map(|c| Schema {
            name: c.name,
            fields: c
                .fields
                .into_iter()
                .map(|f| FieldSchema {
                    name: f.name,
                    ty: match f.ty {
                        Ty::String => Type::String,
                        Ty::Int => Type::Int,
                        Ty::Float => Type::Float,
                        Ty::Bool => Type::Bool,
                        Ty::Timestamp => Type::Timestamp,
                        Ty::Vector(n) => Type::Vector(Some(n)),
                    },
                    required: f.required,
                    indexed: f.indexed,
                    cascade: None,
                    of: None,
                    scope: None,
                })
                .collect(),
            closed: c.declared,
            declared: true,
        })
        .collect())
}

impl Database {
    /// Reads a schema file written by hyperql-compile and declares each of its
    /// collections' schemas, in one batch (existing data must fit, as with `CREATE
    /// SCHEMA`). Returns the collections' names.
    pub fn load_compiled_schema(
        &self,
        path: impl AsRef<Path>,
    ) -> Result<Vec<String>, CompiledSchemaError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| CompiledSchemaError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let schemas = compiled_schemas(&text)?;
        let names = schemas.iter().map(|s| s.name.clone()).collect();
        let mut batch = self.batch();
        for s in schemas {
            batch.put_schema(s)?;
        }
        batch.commit()?;
        Ok(names)
    }
}
