//! Diagnostics: errors tied to a place in the query text.

use crate::span::Span;
use serde::Serialize;
use std::fmt;

/// One error found in a query, with where it is and what was expected.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    /// What went wrong, in words.
    pub message: String,
    /// Where, in bytes.
    pub span: Span,
    /// One-based line of `span.start`.
    pub line: usize,
    /// One-based column (in characters) of `span.start`.
    pub column: usize,
    /// The offending text (empty at end of input).
    pub found: String,
    /// What the parser or checker would have accepted there (may be empty).
    pub expected: Vec<String>,
}

impl Diagnostic {
    /// A diagnostic at `span` of `src`.
    pub fn new(src: &str, span: Span, message: impl Into<String>, expected: Vec<String>) -> Self {
        let (line, column) = span.line_col(src);
        Diagnostic {
            message: message.into(),
            span,
            line,
            column,
            found: span.text(src).to_string(),
            expected,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )?;
        if !self.expected.is_empty() {
            write!(f, "; expected {}", self.expected.join(" or "))?;
        }
        if self.found.is_empty() {
            write!(f, ", found end of input")
        } else {
            write!(f, ", found `{}`", self.found)
        }
    }
}

/// Every diagnostic of one query, in source order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}
