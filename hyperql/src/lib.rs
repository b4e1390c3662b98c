//! HyperQL: one query language for documents, relations, graphs, vectors, hyperbolic
//! geometry and time series.
//!
//! What it is: a lexer and parser (with spans and multi-error diagnostics), an AST that
//! prints canonical HyperQL, semantic analysis, a logical planner, an optimizer, a
//! pull-based executor, and the [`DataSource`] trait that a storage backend implements.
//!
//! What it is not: a storage engine. It depends on no storage crate; the in-memory
//! [`MemorySource`] exists for tests, examples and benchmarks. Backend-specific
//! geometry (such as hyperbolic distance) comes from the backend through
//! [`DataSource::geometric_distance`] and [`DataSource::functions`].
//!
//! ```
//! use hyperql::{Engine, MemorySource, Params, Value};
//! let source = MemorySource::new();
//! source.insert_json("users", None, &serde_json::json!([{"name": "Ada", "age": 36}, {"name": "Bob", "age": 17}]));
//! let engine = Engine::new(source);
//! let r = engine.query("SELECT name FROM users WHERE age >= 18", &Params::new()).unwrap();
//! assert_eq!(r.rows, vec![vec![Value::str("Ada")]]);
//! ```

mod ast;
mod diagnostic;
mod engine;
mod error;
mod exec;
mod functions;
mod lexer;
mod optimizer;
mod parser;
mod plan;
mod request;
mod source;
mod span;
mod types;
mod value;

pub use ast::*;
pub use diagnostic::{Diagnostic, Diagnostics, MAX_DIAGNOSTICS};
pub use engine::{Engine, Params, QueryResult, QueryStats};
pub use error::{Error, ExecError, SemanticError};
pub use exec::{Budget, Row, Stats};
pub use functions::{AggFunc, Builtin, METRICS, vector_distance};
pub use lexer::{Tok, Token, lex};
pub use parser::{RESERVED, is_reserved, parse, parse_statement, parse_with_diagnostics};
pub use plan::{
    AggCall, Analysis, BExpr, Column, ENDPOINT_FIELDS, EndpointWrite, Frame, FrameEdge, Func,
    KnnPolicy, Plan, SortKey, TraverseStep, WindowFunc, WindowKind, endpoint_schema,
    plan_statement,
};
pub use request::{Interrupt, Interrupted, RequestCtx};
pub use source::{
    Capabilities, CmpOp, DataSource, EdgeRecord, Endpoint, EndpointPattern, EndpointStream,
    EndpointsRequest, FieldSchema, KnnRequest, MAX_PATTERN_SEGMENTS, MemorySource, NearRequest,
    PatternError, Predicate, Record, RecordStream, RelayoutRequest, ScalarFunction, ScanRequest,
    ScanResponse, Schema, Scored, SourceError, TimeRangeRequest, TimeSeries, TimeSeriesDecl,
    Transaction, TraverseRequest, VectorIndex, entity_matches, key_text, leaves, scan_endpoints,
    segments_match,
};
pub use span::Span;
pub use types::{FieldScope, FieldType, MAX_EMBEDDING_DIM, Type, TypeNameError};
pub use value::{
    Document, FieldHash, FieldHasher, Value, doc_get, format_timestamp, parse_interval,
};
