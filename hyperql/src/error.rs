//! Errors, one enum per layer, joined in [`Error`].

use crate::diagnostic::Diagnostics;
use crate::request::Interrupted;
use crate::source::SourceError;
use crate::span::Span;

/// A query that parses but is wrong: unknown name, type mismatch, bad arity, ...
#[derive(Clone, Debug, PartialEq)]
pub struct SemanticError {
    /// What is wrong.
    pub message: String,
    /// Where.
    pub span: Span,
}

impl SemanticError {
    pub(crate) fn new(span: Span, message: impl Into<String>) -> Self {
        SemanticError {
            message: message.into(),
            span,
        }
    }
}

/// Errors while running a plan.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExecError {
    /// A value of the wrong type met an operator at run time (schemaless data).
    #[error("type error: {0}")]
    Type(String),
    /// Integer overflow, division by zero.
    #[error("arithmetic error: {0}")]
    Arithmetic(String),
    /// A function failed.
    #[error("function error: {0}")]
    Function(String),
    /// A parameter the query uses was not given.
    #[error("missing parameter ${0}")]
    MissingParam(String),
    /// A `LIMIT`/`OFFSET` that is not a non-negative integer.
    #[error("LIMIT and OFFSET must be non-negative integers, got {0}")]
    BadLimit(String),
    /// The query processed more rows than its budget allows.
    #[error("row budget exceeded: the query processed more than {limit} rows")]
    RowBudget {
        /// The budget.
        limit: u64,
    },
    /// The request (every statement run with one [`crate::RequestCtx`]) held more
    /// memory than its budget allows.
    #[error(
        "memory budget exceeded: the request held more than {limit} bytes (rows kept by \
         joins, sorts, aggregates, traversals and results); narrow the query or raise \
         the memory budget"
    )]
    MemoryBudget {
        /// The budget in bytes.
        limit: u64,
    },
    /// The request was cancelled ([`crate::Interrupt::cancel`]).
    #[error("the query was cancelled")]
    Cancelled,
    /// The request ran past the deadline of its [`crate::Interrupt`].
    #[error("the query ran past its deadline and was stopped")]
    Timeout,
    /// The source failed.
    #[error("source error: {0}")]
    Source(#[source] SourceError),
}

impl From<Interrupted> for ExecError {
    fn from(i: Interrupted) -> Self {
        match i {
            Interrupted::Cancelled => ExecError::Cancelled,
            Interrupted::Timeout => ExecError::Timeout,
        }
    }
}

impl From<SourceError> for ExecError {
    fn from(e: SourceError) -> Self {
        match e {
            SourceError::Interrupted(i) => i.into(),
            e => ExecError::Source(e),
        }
    }
}

/// Any error of [`crate::Engine::query`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text does not parse.
    #[error("syntax errors:\n{0}")]
    Parse(Diagnostics),
    /// The query is wrong (found before anything ran).
    #[error("semantic errors:\n{0}")]
    Semantic(Diagnostics),
    /// Running failed.
    #[error(transparent)]
    Exec(#[from] ExecError),
}
