//! hyperql-compile: HyperQL schema and query files compiled into typed Rust over
//! manifold.
//!
//! What it is: a compiler that reads `.hql` files (`CREATE SCHEMA` statements and
//! named queries), checks and plans every query with hyperql's own parser and
//! planner, and writes a Rust module (from a build script, [`Builder`]) or a whole
//! crate (the `hyperql-compile` binary, [`write_crate`]). The generated code opens one
//! manifold file (`Db::open`), has a row struct per collection and per query, one
//! function per query with typed arguments, and write functions on a transaction type
//! so several writes commit atomically. It depends on `hyperql-compile-runtime` (which
//! re-exports manifold), never on hyperql.
//!
//! With a schema history (a versions folder, [`Versions`]) the generated code knows
//! every version: `Db::open` stores the version in the database and applies the
//! upgrade steps, generated where lossless and given by the user (the `Migrations`
//! trait) where not. Recording a version is the CLI's `--record-version`; a build only
//! checks that the schema is recorded.
//!
//! What it is not: an interpreter. A construct it cannot compile is an error naming
//! the construct and the query's place; see `docs/hyperql-compile.md` for what compiles.

mod analyze;
mod builder;
mod codegen;
mod compile;
mod error;
mod input;
mod schema;
mod versions;

pub use builder::{Builder, write_crate};
pub use compile::{Output, compile_paths, compile_versioned};
pub use error::{Diagnostic, Diagnostics, Error};
pub use schema::{Collection, Field, FieldType, Model, TimeSeriesSpec};
pub use versions::{Rename, Version, Versions, load as load_versions};
