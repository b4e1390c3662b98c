//! HyperQL: one query language for documents, relations, graphs, vectors, hyperbolic
//! geometry and time series.
//!
//! What it is: a lexer and parser (with spans and multi-error diagnostics), an AST that
//! prints canonical HyperQL, semantic analysis, a logical planner, an optimizer, a
//! pull-based executor, and the [`DataSource`] trait that a storage backend implements.
//!
//! What it is not: a storage engine. It depends on no storage crate; the in-memory
//! [`MemorySource`] exists for tests and examples. Backend-specific geometry (such as
//! hyperbolic distance) comes from the backend through [`DataSource::functions`].

mod ast;
mod diagnostic;
mod lexer;
mod parser;
mod span;

pub use ast::*;
pub use diagnostic::{Diagnostic, Diagnostics};
pub use lexer::{Tok, Token, lex};
pub use parser::{RESERVED, is_reserved, parse, parse_statement, parse_with_diagnostics};
pub use span::Span;
